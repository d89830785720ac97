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


def scale(amount_idr: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded half up (all ≥ 0, denominator > 0)."""
    return (2 * amount_idr * numerator + denominator) // (2 * denominator)


def allocate(total_idr: int, weights: list[int]) -> list[int]:
    """Split `total_idr` over `weights` in proportion, in whole rupiah that add up
    to exactly `total_idr` (largest remainder; ties go to the earlier weight).

    Rounding each part on its own can make the parts add up to a rupiah more or
    less than the total; a refund of every part must give back exactly the total.
    """
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    parts = [total_idr * w // whole for w in weights]
    remainders = [total_idr * w % whole for w in weights]
    short = total_idr - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:short]:
        parts[i] += 1
    return parts
