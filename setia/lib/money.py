"""Integer rupiah arithmetic. All rounding of money lives here, and the one
reader of amounts as a shop types them."""

import re


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


# ---- reading what the shop types --------------------------------------------
#
# Hand-written: no library reads Indonesian shop shorthand ("150rb", "1,5jt",
# "Rp 150.000,-") with the thousands dot, and a browser number field reads
# "15.000" as fifteen.


class UnreadableAmount(ValueError):
    """Not an amount the shop would type ("12abc", "1.2.3")."""


class RupiahDecimals(UnreadableAmount):
    """An amount with a fraction of a rupiah ("15,5", "150.000,50")."""


_SUFFIXES = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}
# "-Rp 5.000" and "Rp -5.000", "IDR 150.000", and "Rp 150.000,-" (",-": no cents).
# A leading "+" is how an addition is written ("+50" points); it means nothing.
_MONEY = re.compile(
    r"([-+]?)(?:rp\.?|idr)?([-+]?)(\d[\d.,]*?)(rb|ribu|k|jt|juta)?(?:[.,]-)?"
)
_COUNT = re.compile(r"([-+]?)(\d[\d.,]*)")
# More is a typing slip (and past 9.2 × 10^18 the database cannot hold it).
MAX_RUPIAH = 1_000_000_000_000  # Rp 1 triliun


def clean_typed(value) -> str:
    """Spaces (also the no-break space of a pasted "Rp 150.000") and the
    typographic minus are how people write; they carry no meaning here."""
    return re.sub(r"\s+", "", str(value)).lower().replace("\u2212", "-")


def split_digit_groups(number: str) -> tuple[str, list[str], str]:
    """Cut "150.000" into ("150", ["000"], ""), "1,5" into ("1", [], "5").

    A dot or comma before exactly three digits groups thousands (the same mark
    all the way); one before one or two digits at the end starts decimals.
    """
    parts = re.split(r"([.,])", number)
    groups, marks = parts[0::2], parts[1::2]
    if not all(group.isdigit() for group in groups):
        raise UnreadableAmount(number)
    fraction = ""
    if marks and len(groups[-1]) in (1, 2):
        fraction, decimal_mark = groups.pop(), marks.pop()
        if decimal_mark in marks:
            raise UnreadableAmount(number)
    if marks and (
        len(set(marks)) > 1
        or not 1 <= len(groups[0]) <= 3
        or groups[0].startswith("0")
        or any(len(group) != 3 for group in groups[1:])
    ):
        raise UnreadableAmount(number)
    return groups[0], groups[1:], fraction


def parse_count(value) -> int:
    """A whole number typed with or without thousands dots: "1.000" is a
    thousand. Raises UnreadableAmount (decimals included)."""
    match = _COUNT.fullmatch(clean_typed(value))
    if not match:
        raise UnreadableAmount(value)
    sign, number = match.groups()
    head, groups, fraction = split_digit_groups(number)
    if fraction:
        raise UnreadableAmount(value)
    whole = int(head + "".join(groups))
    return -whole if sign == "-" else whole


def parse_rupiah(value) -> int:
    """Whole rupiah typed the shop way: "150.000", "150000", "150rb", "Rp 150.000",
    "1,5jt", "-5.000". Raises RupiahDecimals for a fraction of a rupiah and
    UnreadableAmount for anything else that is not an amount ("1.250jt" too:
    1 250 juta to some, 1,25 juta to others)."""
    match = _MONEY.fullmatch(clean_typed(value))
    if not match or (match[1] and match[2]):
        raise UnreadableAmount(value)
    negative = "-" in (match[1], match[2])
    number, suffix = match[3], match[4]
    head, groups, fraction = split_digit_groups(number)
    factor = _SUFFIXES.get(suffix, 1)
    if suffix and groups:
        raise UnreadableAmount(value)
    if fraction and not suffix and not fraction.strip("0"):
        # "Rp1.500.000,00", as a bank app or a spreadsheet writes whole rupiah.
        fraction = ""
    if fraction:
        # Only a "1,5jt" or "2,5rb" can be whole rupiah with a decimal.
        scaled = int(head + fraction) * factor
        if not suffix or scaled % 10 ** len(fraction):
            raise RupiahDecimals(value)
        amount = scaled // 10 ** len(fraction)
    else:
        amount = int(head + "".join(groups)) * factor
    return -amount if negative else amount
