"""RFM quintile scores and named segments (English and Indonesian).

Segment map: the widely used R/F-score grid (e.g. the "RFM segmentation"
table popularised by Putler and many Python tutorials), with its 1-2/1-2
"Hibernating" block split so that R=1, F=1 is "Lost":

======  =======================================================
R \\ F   1            2           3          4          5
======  =======================================================
5       New          Pot. Loyal  Pot. Loyal Champions  Champions
4       Promising    Pot. Loyal  Pot. Loyal Loyal      Loyal
3       About to Sl. About to S. Need Att.  Loyal      Loyal
2       Hibernating  Hibernating At Risk    At Risk    Can't Lose
1       Lost         Hibernating At Risk    At Risk    Can't Lose
======  =======================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from setia.analytics.ranking import count_ranks_reached, min_rank
from setia.analytics.summary import PurchaseSummary

__all__ = [
    "RFMScores",
    "SEGMENTS",
    "SEGMENT_ADVICE_ID",
    "SEGMENT_LABELS_ID",
    "quintile_scores",
    "rfm_scores",
    "segment_codes",
    "segment_names",
]

SEGMENTS = (
    "Champions",
    "Loyal",
    "Potential Loyalist",
    "New",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
)
SEGMENT_LABELS_ID = (
    "Juara",
    "Setia",
    "Calon Setia",
    "Pelanggan Baru",
    "Menjanjikan",
    "Perlu Perhatian",
    "Hampir Tidur",
    "Berisiko",
    "Jangan Sampai Hilang",
    "Tertidur",
    "Hilang",
)
SEGMENT_ADVICE_ID = (
    "Beri penghargaan dan akses pertama ke koleksi baru; mereka bisa jadi duta toko.",
    "Tawarkan program poin atau barang pelengkap agar mereka terus kembali.",
    "Ajak ikut member dan beri hadiah kecil di pembelian berikutnya.",
    "Sambut dengan ramah dan kirim pesan terima kasih agar mereka datang lagi.",
    "Kenalkan produk lain dan beri voucher kecil untuk kunjungan kedua.",
    "Kirim penawaran terbatas waktu berdasarkan barang yang biasa mereka beli.",
    "Sapa lagi lewat WhatsApp dengan rekomendasi barang yang mirip pembelian lalu.",
    "Hubungi secara pribadi dan beri diskon khusus sebelum mereka pindah toko.",
    "Telepon atau temui langsung; tawarkan hadiah menarik agar mereka kembali.",
    "Kirim promo musiman (Lebaran, tahun ajaran baru) untuk membangunkan mereka.",
    "Cukup sertakan dalam promo umum; jangan habiskan banyak biaya di sini.",
)

# _GRID[r - 1, f - 1] is the index into SEGMENTS.
_C, _L, _P, _N, _PR, _NA, _AS, _AR, _CL, _H, _LO = range(11)
_GRID = np.array(
    [
        [_LO, _H, _AR, _AR, _CL],
        [_H, _H, _AR, _AR, _CL],
        [_AS, _AS, _NA, _L, _L],
        [_PR, _P, _P, _L, _L],
        [_N, _P, _P, _C, _C],
    ],
    dtype=np.int8,
)


@dataclass(frozen=True)
class RFMScores:
    """R, F, M scores (1-5, int8) and segment index into `SEGMENTS`.

    Attributes
    ----------
    r, f, m : numpy.ndarray
        Recency (recent = 5), frequency and monetary scores.
    segment : numpy.ndarray
        Index into `SEGMENTS` / `SEGMENT_LABELS_ID` / `SEGMENT_ADVICE_ID`.
    """

    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    segment: np.ndarray


def quintile_scores(
    values: np.ndarray, higher_is_better: bool = True, *, ties: str = "first"
) -> np.ndarray:
    """Score values 1-5 by quintile, equal values always getting equal scores.

    Rule: with ``rank`` the number of values strictly worse than a value
    (a "min" rank starting at 0), the score is ``1 + floor(5 * rank / n)``.
    Distinct values fall into five equal-count groups (the first groups get
    the extra values when n is not a multiple of 5), a tie taking the score
    of its first position.

    When ties make that rule tell apart fewer groups than there are distinct
    values (up to five), the scores come from the distinct values instead
    (:func:`_tied_scores`). With five or more distinct values, e.g. at a kiosk
    where 55 % of the customers bought once and plain quintiles give them F1
    and twice-buyers F3, the big tie keeps one score and the customers above
    it share the scores left evenly. With fewer, each distinct value keeps its
    plain score, raised just enough to sit above the value below it.

    ``ties="best"`` counts from the best end instead: the same rule on the
    values turned around, scores turned back (``6 - score``), so a tie takes
    the score of its best position and the extra values go to the top
    groups. Used for recency: customers who bought on the same day as the
    most recent buyer get 5, however many they are.

    Two edge cases, because a score must not say more than the data do:

    * all values equal: nobody is better or worse, so everyone gets the
      middle score 3 (5 with ``ties="best"``: nobody is more recent). The
      plain rule gave everyone 1, e.g. six customers who all bought once,
      today, were all R1, "Lost" (see also :func:`rfm_scores` for F);
    * fewer than five customers: the positions are spread over 1-5,
      ``1 + round(4 * rank / (n - 1))``, so the best can reach 5 (plain
      quintiles gave two customers 1 and 3).

    Parameters
    ----------
    values : array_like
        One value per customer.
    higher_is_better : bool
        True: the largest values score 5; False: the smallest do.
    ties : {"first", "best"}
        Position whose score a tie takes.

    Returns
    -------
    numpy.ndarray
        int8 scores 1-5, never lower for a better value.

    Examples
    --------
    >>> quintile_scores(np.array([10, 20, 20, 30, 40])).tolist()
    [1, 2, 2, 4, 5]
    >>> quintile_scores(np.array([10, 20, 20, 30, 40]), ties="best").tolist()
    [1, 3, 3, 4, 5]
    >>> quintile_scores(np.array([1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 6])).tolist()
    [1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 5]
    >>> quintile_scores(np.array([1, 1, 1, 1, 1, 1, 1, 1, 2, 3])).tolist()
    [1, 1, 1, 1, 1, 1, 1, 1, 4, 5]
    >>> quintile_scores(np.array([0, 0, 0, 0, 0, 0]), False, ties="best").tolist()
    [5, 5, 5, 5, 5, 5]
    >>> quintile_scores(np.array([1, 1, 1])).tolist(), quintile_scores([7, 9]).tolist()
    ([3, 3, 3], [1, 5])
    """
    if ties not in ("first", "best"):
        raise ValueError(f"ties must be 'first' or 'best', not {ties!r}")
    v = np.asarray(values, dtype=np.float64)
    if not higher_is_better:
        v = -v
    n = v.size
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    if (v == v[0]).all():
        return np.full(n, 5 if ties == "best" else 3, dtype=np.int8)
    if ties == "best":
        return (6 - _first_position_scores(-v)).astype(np.int8)
    return _first_position_scores(v)


def _first_position_scores(v: np.ndarray) -> np.ndarray:
    """:func:`quintile_scores` of float values, higher better, ties at their
    first position; at least two distinct values."""
    n = v.size
    if not np.isfinite(v).all():
        return (1 + (5 * min_rank(v)) // n).astype(np.int8)
    if n < 5:
        # Fewer customers than scores: 1 + round(4 * rank / (n - 1)), half up.
        rank = min_rank(v)
        return (1 + (8 * rank + n - 1) // (2 * (n - 1))).astype(np.int8)
    # score >= s + 1  <=>  5 * rank >= s * n  <=>  rank >= ceil(s * n / 5)
    cuts = [-(-s * n // 5) for s in range(1, 5)]
    scores = (1 + count_ranks_reached(v, cuts)).astype(np.int8)
    used = np.count_nonzero(np.bincount(scores, minlength=6))
    if used == 5:
        return scores
    levels, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    if used == min(levels.size, 5):
        return scores
    return _tied_scores(inverse, counts)


def _tied_scores(inverse: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Scores 1-5 over distinct values (index `inverse`, customers `counts`).

    Examples
    --------
    >>> _tied_scores(np.array([0, 0, 0, 1, 2]), np.array([3, 1, 1])).tolist()
    [1, 1, 1, 4, 5]
    >>> _tied_scores(np.array([0, 1, 1, 1, 1, 1]), np.array([1, 5])).tolist()
    [1, 2, 2, 2, 2, 2]
    """
    k = counts.size
    n = int(counts.sum())
    if k < 5:
        # Why: a fixed spread (1/5, 1/3/5, 1/2/4/5) made scores jump as shares
        # moved: twice-buyers got F5, F2, F3, F4, then F5 again as the share of
        # once-buyers rose. Instead keep each value's plain score (customers
        # strictly worse, as in quintile_scores), raised to one above the
        # value below it and capped to leave room for the values above. Equal
        # to plain scores when they keep values apart; monotone in the shares.
        worse = np.cumsum(counts) - counts
        level_score = np.empty(k, dtype=np.int64)
        previous = 0
        for i in range(k):
            plain = 1 + (5 * int(worse[i])) // n
            previous = min(max(plain, previous + 1), 5 - (k - 1 - i))
            level_score[i] = previous
        return level_score[inverse].astype(np.int8)
    # Why: a tie is never split, so a value held by over a fifth of the
    # customers (buying once, at a kiosk) makes plain quintiles skip scores.
    # Each score in turn takes whole values until it holds an equal share of
    # the customers not yet scored: the tie keeps one score, the rest share
    # the others evenly.
    below = np.cumsum(counts)  # customers at or below each distinct value
    ends = []  # index of the last distinct value of scores 1-4
    first, start = 0, 0
    for scores_left in range(5, 1, -1):
        target = start + (n - start) / scores_left
        last = k - scores_left  # leave one value for every later score
        j = first + int(np.searchsorted(below[first : last + 1], target))
        j = min(j, last)
        if j > first and target - below[j - 1] < below[j] - target:
            j -= 1
        ends.append(j)
        first, start = j + 1, below[j]
    level_score = 1 + np.searchsorted(np.asarray(ends), np.arange(k), side="left")
    return level_score[inverse].astype(np.int8)


def segment_codes(r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Segment index (into `SEGMENTS`) from R and F scores.

    Examples
    --------
    >>> [SEGMENTS[i] for i in segment_codes(np.array([5, 1]), np.array([5, 1]))]
    ['Champions', 'Lost']
    """
    return _GRID[np.asarray(r) - 1, np.asarray(f) - 1]


def segment_names(codes: np.ndarray, language: str = "en") -> np.ndarray:
    """Segment names for segment indices, ``language`` ``"en"`` or ``"id"``.

    Examples
    --------
    >>> segment_names(np.array([0, 10]), "id").tolist()
    ['Juara', 'Hilang']
    """
    table = SEGMENTS if language == "en" else SEGMENT_LABELS_ID
    return np.asarray(table, dtype=object)[np.asarray(codes)]


def rfm_scores(summary: PurchaseSummary) -> RFMScores:
    """Score customers on recency, frequency and monetary value.

    R uses days since the last purchase (fewer is better), F the number of
    distinct purchase days and M the total spend, each scored by
    :func:`quintile_scores`. Recency ties take their best position: everyone
    who bought on the same day gets the same R, the one the most recent of
    them would get. F and M ties keep their first position, so customers who
    bought once stay F1 even when they are most of the shop.

    Customers who bought once are always F1, also when nobody has come back
    yet (where an all-equal column would get the middle score 3). Why: the
    segment grid's F1 column is the one-time buyers' (New, Promising, About
    to Sleep, Hibernating, Lost); F3 would call them Potential Loyalists or
    At Risk, "used to buy fairly often". With two or more distinct counts
    the fewest purchases score 1 anyway, so this changes nothing else.

    Parameters
    ----------
    summary : PurchaseSummary

    Returns
    -------
    RFMScores

    Examples
    --------
    >>> from setia.analytics.summary import summarize_purchases
    >>> s = summarize_purchases(
    ...     np.array([1, 2]),
    ...     np.array(["2025-01-01", "2025-03-01"], dtype="datetime64[D]"),
    ...     np.array([5.0, 9.0]),
    ... )
    >>> rfm_scores(s).r.tolist()
    [1, 5]
    """
    r = quintile_scores(summary.days_since_last, higher_is_better=False, ties="best")
    f = quintile_scores(summary.n_purchases)
    f[summary.n_purchases == 1] = 1
    m = quintile_scores(summary.total_spend)
    return RFMScores(r=r, f=f, m=m, segment=segment_codes(r, f))
