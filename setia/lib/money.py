"""Integer rupiah arithmetic. All rounding of money lives here."""


def percent_of(amount_idr: int, basis_points: int) -> int:
    """Return amount × rate, rounded half up to whole rupiah (amount ≥ 0)."""
    return (amount_idr * basis_points + 5_000) // 10_000


def format_rupiah(amount_idr: int | None) -> str:
    """Format whole rupiah the Indonesian way: ``Rp 1.250.000``, ``-Rp 5.000``."""
    if amount_idr is None:
        return "–"
    amount = int(amount_idr)
    digits = f"{abs(amount):,}".replace(",", ".")
    return f"-Rp {digits}" if amount < 0 else f"Rp {digits}"
