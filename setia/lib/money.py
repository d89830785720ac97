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


def offer_set_weights(lines, base) -> list[int]:
    """Each line's part of what its pieces were paid, with every buy-X-get-Y
    discount shared over the pieces of its set (`offer_share_idr`) instead of
    sitting on the free piece (`promo_discount_idr`). `base(line)` is the line's
    own amount (what the sales app or the points count for it).

    A bought piece with a clerk's discount larger than the price left after its
    share of the offer would weigh less than nothing; it weighs 0, and what it
    lacks comes off the lines that received shares (the free pieces), in
    proportion, so the weights still add up to the lines' own amounts and no
    return ever refunds a negative amount.
    """
    raw = [
        base(line) + (line.promo_discount_idr or 0) - (line.offer_share_idr or 0)
        for line in lines
    ]
    weights = [max(0, weight) for weight in raw]
    lacking = -sum(weight for weight in raw if weight < 0)
    if lacking:
        takers = [
            i
            for i, line in enumerate(lines)
            if (line.promo_discount_idr or 0) > (line.offer_share_idr or 0)
            and weights[i] > 0
        ]
        cut = allocate(
            min(lacking, sum(weights[i] for i in takers)),
            [weights[i] for i in takers],
        )
        for i, amount in zip(takers, cut, strict=True):
            weights[i] -= amount
    return weights


def sale_share_weights(lines) -> dict[int, int]:
    """Each line's weight, by line id, when a sale's total and its order
    discounts (the clerk's, a reward, a promo code) are shared over its lines:
    the line totals, with every buy-X-get-Y discount shared over its set.
    Refunds share the money with these weights and returns give back a reward's
    points with them, so the money and the points of a return always agree."""
    ordered = sorted(lines, key=lambda line: line.pk)
    weights = offer_set_weights(ordered, lambda line: line.line_total_idr)
    return {line.pk: weight for line, weight in zip(ordered, weights, strict=True)}
