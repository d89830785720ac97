"""Fast CSV writing of per-customer scores with vectorised byte formatting.

Per-row Python formatting (``csv.writer``, ``np.savetxt``) takes seconds for
a few hundred thousand customers; here each column becomes a zero-padded
byte matrix and the rows are assembled with one boolean mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import BinaryIO

import numpy as np

__all__ = [
    "format_categories",
    "format_dates",
    "format_fixed",
    "format_int",
    "format_text",
    "write_csv_columns",
]

_POW10 = 10 ** np.arange(19, dtype=np.uint64)


def _digit_count(a: np.ndarray) -> np.ndarray:
    """Decimal digits of non-negative integers (0 has one digit).

    One comparison pass per possible digit (up to the largest value's): a few
    cheap vector passes beat a binary search per element.
    """
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(a.max())
    count = np.ones(a.shape, dtype=np.int8)
    for k in range(1, 19):
        if _POW10[k] > top:
            break
        count += a >= a.dtype.type(_POW10[k])
    return count.astype(np.int64)


def _lut(zero_padded: bool) -> np.ndarray:
    """0..9999 as 4-byte words: ``"0042"`` or NUL-padded ``"\\0\\042"``."""
    text = [f"{i:04d}" if zero_padded else f"{i:>4}" for i in range(10_000)]
    raw = "".join(text).replace(" ", "\0").encode("ascii")
    return np.frombuffer(raw, dtype=np.uint32)


_LUT_ZERO = _lut(True)
_LUT_PAD = _lut(False)
# Digits of 0..9999 (0 has one).
_LEN4 = np.array([len(str(i)) for i in range(10_000)], dtype=np.int64)


def format_int(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integers as a right-aligned, NUL-padded byte matrix and lengths.

    Four digits at a time come from a 10,000-entry table of 4-byte words,
    which is several times faster than extracting digits one by one.

    Examples
    --------
    >>> m, n = format_int(np.array([0, -45, 123, 123456789]))
    >>> [bytes(r[len(r) - k :]) for r, k in zip(m, n)]
    [b'0', b'-45', b'123', b'123456789']
    """
    v = np.asarray(values, dtype=np.int64)
    if v.size == 0:
        return np.zeros((0, 4), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    has_neg = bool(v.min() < 0)
    a = np.abs(v) if has_neg else v
    top = int(a.max())
    if top < 2**32:
        a = a.astype(np.uint32)
    if top < 10_000 and not has_neg:  # one 4-byte word (scores, counts)
        return _LUT_PAD[a].view(np.uint8).reshape(-1, 4), _LEN4[a]
    if top < 10**8:  # two words: lengths from the table, no digit passes
        q, r = np.divmod(a, 10_000)
        n_dig = np.where(q > 0, _LEN4[q] + 4, _LEN4[r])
    else:
        n_dig = _digit_count(a)
    lengths = n_dig + (v < 0) if has_neg else n_dig
    words = -(-len(str(top)) // 4) + has_neg
    m32 = np.zeros((v.size, max(words, 1)), dtype=np.uint32)
    rest = a
    for w in range(words - has_neg):
        q, r = np.divmod(rest, 10_000)
        col = words - 1 - w
        if w == 0:
            m32[:, col] = np.where(q > 0, _LUT_ZERO[r], _LUT_PAD[r])
        else:
            m32[:, col] = np.where(
                q > 0, _LUT_ZERO[r], np.where(rest > 0, _LUT_PAD[r], 0)
            )
        rest = q
    m = m32.view(np.uint8)
    if has_neg:
        rows = np.flatnonzero(v < 0)
        m[rows, m.shape[1] - lengths[rows]] = 45
    return m, lengths


def format_fixed(values: np.ndarray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """Floats with a fixed number of decimals, right-aligned; NaN gives "".

    Examples
    --------
    >>> m, n = format_fixed(np.array([1.5, -0.25, np.nan, 12.0]), 2)
    >>> [bytes(r[len(r) - k :]) for r, k in zip(m, n)]
    [b'1.50', b'-0.25', b'', b'12.00']
    """
    v = np.asarray(values, dtype=np.float64)
    if 0 < decimals <= 8 and v.size and np.isfinite(v).all() and v.min() >= 0:
        return _format_fixed_plain(v, decimals)
    nan = ~np.isfinite(v)
    scaled = np.round(np.where(nan, 0.0, v) * 10.0**decimals).astype(np.int64)
    if decimals == 0:
        m, n = format_int(scaled)
        m[nan] = 0
        return m, np.where(nan, 0, n)
    if not 0 < decimals <= 8:
        raise ValueError("decimals must be between 0 and 8")
    unit = 10**decimals
    whole = np.sign(scaled) * (np.abs(scaled) // unit)
    frac = np.abs(scaled) % unit
    int_m, int_n = format_int(whole)
    neg_zero = (scaled < 0) & (whole == 0)  # e.g. -0.25: whole part prints "0"
    if neg_zero.any():
        int_m, int_n = _prefix_minus(int_m, int_n, neg_zero)
    # Fractional digits, zero-padded, from the 4-digit table.
    frac_words = np.empty((v.size, 2), dtype=np.uint32)
    scaled_frac = frac * 10 ** (8 - decimals)
    frac_words[:, 0] = _LUT_ZERO[scaled_frac // 10_000]
    frac_words[:, 1] = _LUT_ZERO[scaled_frac % 10_000]
    frac_m = frac_words.view(np.uint8)[:, :decimals]
    dot = np.full((v.size, 1), 46, dtype=np.uint8)
    m = np.concatenate([int_m, dot, frac_m], axis=1)
    m[nan] = 0
    return m, np.where(nan, 0, int_n + 1 + decimals)


def _format_fixed_plain(v: np.ndarray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`format_fixed` for finite, non-negative values (the usual case):
    no sign or NaN handling, and the row matrix is filled in place."""
    unit = 10**decimals
    whole, frac = np.divmod(np.round(v * float(unit)).astype(np.int64), unit)
    int_m, int_n = format_int(whole)
    width = int_m.shape[1]
    m = np.empty((v.size, width + 1 + decimals), dtype=np.uint8)
    m[:, :width] = int_m
    m[:, width] = 46
    if decimals <= 4:
        words = _LUT_ZERO[frac * 10 ** (4 - decimals)]
        m[:, width + 1 :] = words.view(np.uint8).reshape(-1, 4)[:, :decimals]
    else:
        frac_words = np.empty((v.size, 2), dtype=np.uint32)
        scaled_frac = frac * 10 ** (8 - decimals)
        frac_words[:, 0] = _LUT_ZERO[scaled_frac // 10_000]
        frac_words[:, 1] = _LUT_ZERO[scaled_frac % 10_000]
        m[:, width + 1 :] = frac_words.view(np.uint8)[:, :decimals]
    return m, int_n + 1 + decimals


def _prefix_minus(m: np.ndarray, n: np.ndarray, rows: np.ndarray):
    if (n[rows] >= m.shape[1]).any():
        m = np.concatenate([np.zeros((m.shape[0], 1), dtype=np.uint8), m], axis=1)
    idx = np.flatnonzero(rows)
    n = n.copy()
    n[idx] += 1
    m[idx, m.shape[1] - n[idx]] = 45
    return m, n


def format_text(values: Sequence[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Text as a left-aligned, NUL-padded byte matrix and lengths.

    Values holding ``,``, ``"`` or a newline are quoted CSV-style. Text that a
    spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``, TAB or CR) gets a leading ``'``, as in Setia's customer export;
    ``+`` followed only by digits (a phone number) is kept. Numbers given as
    numbers (an integer array) are never prefixed: ``-5`` stays a number.

    Examples
    --------
    >>> m, n = format_text(np.array(["ab", "c,d", "=1+1", "+62812", "-x"]))
    >>> [bytes(r[:k]) for r, k in zip(m, n)]
    [b'ab', b'"c,d"', b"'=1+1", b'+62812', b"'-x"]
    """
    arr = np.asarray(values)
    is_text = arr.dtype.kind in "USO"
    if arr.dtype.kind == "U" and arr.size:
        # ASCII text: narrow the UCS-4 code points directly (astype("S") is slow).
        points = arr.view(np.uint32).reshape(arr.size, -1)
        if points.max() < 128:
            m = np.ascontiguousarray(points, dtype=np.uint8)
            if _NEEDS_QUOTES[m].any():
                return format_text(arr.astype("S"))
            return _guard_formulas(m, np.char.str_len(arr).astype(np.int64))
    if arr.dtype.kind != "S":
        arr = arr if arr.dtype.kind == "U" else arr.astype(str)
        try:
            arr = arr.astype("S")
        except UnicodeEncodeError:
            arr = np.char.encode(arr, "utf-8")
    width = max(arr.dtype.itemsize, 1)
    m = np.frombuffer(arr.astype(f"S{width}").tobytes(), np.uint8).reshape(-1, width)
    if is_text:
        # Guard before quoting: the ' goes inside the quotes ("'=a,b").
        guarded, _ = _guard_formulas(m, np.char.str_len(arr).astype(np.int64))
        if guarded is not m:
            m = guarded
            arr = m.view(f"S{m.shape[1]}").ravel()
    if _NEEDS_QUOTES[m].any():
        quoted = [
            b'"' + t.replace(b'"', b'""') + b'"'
            if (b"," in t or b'"' in t or b"\n" in t or b"\r" in t)
            else t
            for t in arr.tolist()
        ]
        arr = np.array(quoted, dtype=bytes)
        width = arr.dtype.itemsize
        m = np.frombuffer(arr.tobytes(), np.uint8).reshape(-1, width)
    return m, np.char.str_len(arr).astype(np.int64)


def _guard_formulas(m: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prefix ``'`` to the rows of a left-aligned text matrix that would start
    a spreadsheet formula (CSV injection: a customer id such as
    ``=HYPERLINK(...)`` would run when the scores file is opened in Excel).
    Returns `m` itself when no row needs it (the usual case: one vector pass)."""
    if not m.size:
        return m, n
    first = m[:, 0]
    risky = _FORMULA_START[first]
    if not risky.any():
        return m, n
    plus = np.flatnonzero(risky & (first == _PLUS))
    if plus.size:
        # "+6281..." only digits: a phone number, as customers' export keeps it.
        tail = m[plus, 1:]
        inside = np.arange(1, m.shape[1]) < n[plus, None]
        digits = (_DIGIT[tail] | ~inside).all(axis=1) & (n[plus] > 1)
        risky[plus[digits]] = False
        if not risky.any():
            return m, n
    out = np.zeros((m.shape[0], m.shape[1] + 1), dtype=np.uint8)
    out[:, :-1] = m
    out[risky, 1:] = m[risky]
    out[risky, 0] = _APOSTROPHE
    return out, n + risky


def format_categories(
    codes: np.ndarray, labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Text for category codes: format the few labels once, then gather rows.

    Examples
    --------
    >>> m, n = format_categories(np.array([1, 0, 1]), ["Gold", "Iron"])
    >>> [bytes(r[:k]) for r, k in zip(m, n)]
    [b'Iron', b'Gold', b'Iron']
    """
    table, lengths = format_text(np.asarray(list(labels)))
    codes = np.asarray(codes, dtype=np.intp)
    return table[codes], lengths[codes]


def format_dates(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``datetime64[D]`` as ``YYYY-MM-DD`` via a table over the date range.

    Converting each element with ``astype("S10")`` is slow; a span of a few
    years has only hundreds of distinct days.

    Examples
    --------
    >>> m, n = format_dates(np.array(["2025-08-17"], dtype="datetime64[D]"))
    >>> bytes(m[0])
    b'2025-08-17'
    """
    days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
    if days.size == 0:
        return np.zeros((0, 10), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    lo = int(days.min())
    table = np.arange(lo, int(days.max()) + 1).astype("datetime64[D]").astype("S10")
    m = np.frombuffer(table.tobytes(), np.uint8).reshape(-1, 10)[days - lo]
    return m, np.full(days.size, 10, dtype=np.int64)


_NEEDS_QUOTES = np.zeros(256, dtype=bool)
_NEEDS_QUOTES[[10, 13, 34, 44]] = True
# First bytes that make a spreadsheet cell a formula: = + - @ TAB CR (OWASP).
_FORMULA_START = np.zeros(256, dtype=bool)
_FORMULA_START[[61, 43, 45, 64, 9, 13]] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[48:58] = True
_PLUS, _APOSTROPHE = 43, 39


def write_csv_columns(
    path: str | PathLike[str] | BinaryIO,
    header: Sequence[str] | None,
    columns: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    chunk_rows: int = 8_192,
) -> None:
    """Write pre-formatted columns (from the ``format_*`` helpers) as CSV.

    Parameters
    ----------
    path : path-like or binary file
        Output file (an open binary file is appended to).
    header : sequence of str, optional
        Column names (None: no header line).
    columns : sequence of (matrix, lengths)
        One formatted column per header name; padding bytes must be NUL.
    chunk_rows : int
        Rows assembled at once (bounds memory).
    """
    n = columns[0][0].shape[0] if columns else 0
    # One structured record per row: each column's bytes then its separator.
    # Copying whole fixed-size fields is fast even for 1-byte columns, unlike
    # 2-d slice assignment whose per-row overhead dominates narrow columns.
    names, formats, offsets = [], [], []
    at = 0
    for j, (m, _) in enumerate(columns):
        names += [f"v{j}", f"s{j}"]
        formats += [f"V{m.shape[1]}", "u1"]
        offsets += [at, at + m.shape[1]]
        at += m.shape[1] + 1
    record = np.dtype({"names": names, "formats": formats, "offsets": offsets})
    last = len(columns) - 1
    if hasattr(path, "write"):
        _write_blocks(path, header, columns, record, last, n, chunk_rows)
        return
    with open(path, "wb") as fh:
        _write_blocks(fh, header, columns, record, last, n, chunk_rows)


def _write_blocks(
    fh: BinaryIO,
    header: Sequence[str] | None,
    columns: Sequence[tuple[np.ndarray, np.ndarray]],
    record: np.dtype,
    last: int,
    n: int,
    chunk_rows: int,
) -> None:
    if header is not None:
        fh.write((",".join(header) + "\n").encode())
    for lo in range(0, n, chunk_rows):
        hi = min(lo + chunk_rows, n)
        block = np.empty(hi - lo, dtype=record)
        for j, (m, _) in enumerate(columns):
            part = np.ascontiguousarray(m[lo:hi])
            block[f"v{j}"] = part.view(f"V{m.shape[1]}").ravel()
            block[f"s{j}"] = 10 if j == last else 44
        # Padding is NUL; deleting it with bytes.translate is one C pass,
        # several times faster than boolean-mask compression.
        fh.write(block.tobytes().translate(None, b"\x00"))
