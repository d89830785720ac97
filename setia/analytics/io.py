"""Fast CSV reading of purchase rows (customer, date, amount).

The reader works on the raw bytes with vectorised numpy operations: it finds
the delimiter and newline positions once, gathers each needed field into a
small fixed-width byte matrix and parses dates and amounts column-wise. A file
with quoted fields falls back to :mod:`csv` (correct but slower).

When pyarrow is installed (a project dependency) a clean file from
``_ARROW_MIN_BYTES`` (~300k rows) on is read by :func:`pyarrow.csv.open_csv` in
blocks: pyarrow tokenises the CSV in C++ (the numpy splitter spends ~0.3 s CPU
per million rows on separator positions alone) and converts ISO dates and
whole-number amounts itself; only what it refuses (``17/08/2025``,
``Rp 125.000``, ``29.33``) goes through the numpy parsers below, with the same
rules and per-line error messages. Reading in blocks keeps memory near the
size of the parsed columns (the whole file is never held). Anything unusual
(quotes, blank lines, a ragged row, an empty id, text before the header) falls
back to the careful numpy reader, which is also used when pyarrow is missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io as _stdio
import os
import re
from dataclasses import dataclass
from os import PathLike

import numpy as np

from setia.analytics.errors import (
    AmountFormatError,
    DateFormatError,
    EmptyInputError,
    MalformedCsvError,
    MissingColumnError,
    format_lines,
)

__all__ = [
    "AmountReading",
    "PurchaseTable",
    "CUSTOMER_COLUMN_NAMES",
    "DATE_COLUMN_NAMES",
    "AMOUNT_COLUMN_NAMES",
    "parse_amounts",
    "parse_dates",
    "read_purchases_csv",
]

# Header names recognised when no column name is given, in order of preference;
# compared after lower-casing and turning spaces and dashes into underscores.
CUSTOMER_COLUMN_NAMES = (
    "customer_id",
    "customer",
    "id_pelanggan",
    "pelanggan",
    "kode_pelanggan",
    "customer_code",
    "member_id",
    "member",
    "id",
)
DATE_COLUMN_NAMES = (
    "date",
    "tanggal",
    "tgl",
    "purchase_date",
    "order_date",
    "transaction_date",
    "tanggal_transaksi",
    "tanggal_pembelian",
)
AMOUNT_COLUMN_NAMES = (
    "amount",
    "jumlah",
    "total",
    "nominal",
    "amount_idr",
    "total_belanja",
    "total_harga",
    "nilai",
    "revenue",
    "sales",
)

_PAD = 256
_NL, _CR, _SPACE, _TAB, _QUOTE = 10, 13, 32, 9, 34
_DOT, _COMMA, _MINUS, _PLUS, _SLASH, _DASH = 46, 44, 45, 43, 47, 45


@dataclass(frozen=True)
class AmountReading:
    """How amount text was read.

    Attributes
    ----------
    decimal_comma : bool
        True: ``,`` is the decimal mark and ``.`` groups thousands
        (``125.000,50``); False: ``.`` is the decimal mark (``29.33``).
    inferred : bool
        True when the reading was inferred from the whole column rather than
        given by the caller.
    reason : str
        One English sentence saying why, for the command line to print.
    """

    decimal_comma: bool
    inferred: bool
    reason: str


@dataclass(frozen=True)
class PurchaseTable:
    """Purchase rows read from a CSV file.

    Attributes
    ----------
    customer_ids : numpy.ndarray
        Distinct customer ids (``str``), sorted.
    customer_index : numpy.ndarray
        Per row, the position of the row's customer in `customer_ids` (int64).
    date : numpy.ndarray
        Per row, the purchase date (``datetime64[D]``).
    amount : numpy.ndarray
        Per row, the amount (float64).
    amount_reading : AmountReading
        Which decimal mark was used for the amounts.
    columns : tuple of str
        The header names used for customer, date and amount.
    """

    customer_ids: np.ndarray
    customer_index: np.ndarray
    date: np.ndarray
    amount: np.ndarray
    amount_reading: AmountReading
    columns: tuple[str, str, str]

    @property
    def n_rows(self) -> int:
        """Number of purchase rows."""
        return int(self.date.shape[0])


def read_purchases_csv(
    source: str | PathLike[str] | bytes,
    *,
    customer_column: str | None = None,
    date_column: str | None = None,
    amount_column: str | None = None,
    decimal_comma: bool | None = None,
    delimiter: str | None = None,
    engine: str = "auto",
) -> PurchaseTable:
    """Read purchases from a CSV file.

    Parameters
    ----------
    source : str, path-like or bytes
        File path, or the file content as bytes (UTF-8).
    customer_column, date_column, amount_column : str, optional
        Header names. When None, the first header found in
        `CUSTOMER_COLUMN_NAMES` / `DATE_COLUMN_NAMES` / `AMOUNT_COLUMN_NAMES`
        is used (case-insensitive).
    decimal_comma : bool, optional
        True: amounts use ``,`` as decimal mark and ``.`` for thousands
        (``Rp 125.000,50``). False: ``.`` is the decimal mark. None: inferred
        from the whole column, see :func:`parse_amounts`.
    delimiter : str, optional
        Field separator; by default the most frequent of ``,``, ``;`` and tab
        in the header line.
    engine : {"auto", "numpy"}
        ``"auto"``: pyarrow's block reader for a clean file of at least
        `_ARROW_MIN_BYTES` when pyarrow is installed, else the numpy reader;
        ``"arrow"``: pyarrow's reader whatever the size (falling back the
        same way); ``"numpy"``: always the numpy reader. All give the same
        table and the same errors.

    Returns
    -------
    PurchaseTable

    Raises
    ------
    AnalyticsInputError
        `EmptyInputError`, `MissingColumnError`, `MalformedCsvError`,
        `DateFormatError` or `AmountFormatError`, naming the column or the first
        offending line numbers (the header is line 1).

    Examples
    --------
    >>> t = read_purchases_csv(b"pelanggan;tanggal;jumlah\\nA;17/08/2025;Rp 1.500\\n")
    >>> t.customer_ids.tolist(), t.date.tolist(), t.amount.tolist()
    (['A'], [datetime.date(2025, 8, 17)], [1500.0])
    >>> t.amount_reading.decimal_comma
    True
    """
    if engine not in ("auto", "arrow", "numpy"):
        raise ValueError(f"engine must be 'auto', 'arrow' or 'numpy', not {engine!r}")
    forced = engine == "arrow"
    if forced:
        engine = "auto"
        min_bytes = 0
    else:
        min_bytes = _ARROW_MIN_BYTES
    size = _source_size(source)
    if engine == "auto" and size >= min_bytes:
        table = _read_with_arrow(
            source,
            (customer_column, date_column, amount_column),
            decimal_comma,
            delimiter,
            text_pass=forced or size >= _ARROW_TEXT_MIN_BYTES,
        )
        if table is not None:
            return table
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
    else:
        with open(source, "rb") as fh:
            raw = fh.read()
    # Offsets instead of slices: every bytes copy of a 1M-row file is ~30 MB.
    first = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    while raw[first : first + 1] in (b"\n", b" "):
        first += 1
    if first >= len(raw):
        raise EmptyInputError("The file is empty.", "Berkas kosong.")
    header_end = raw.find(b"\n", first)
    if header_end < 0:
        header_end = len(raw)
    header_text = raw[first:header_end].decode("utf-8", errors="replace")
    if delimiter is None:
        delimiter = max((",", ";", "\t"), key=header_text.count)
    header = [h.strip() for h in next(csv.reader([header_text], delimiter=delimiter))]
    names = (
        _find_column(header, customer_column, CUSTOMER_COLUMN_NAMES, "customer"),
        _find_column(header, date_column, DATE_COLUMN_NAMES, "date"),
        _find_column(header, amount_column, AMOUNT_COLUMN_NAMES, "amount"),
    )
    wanted = [header.index(n) for n in names]
    body_start = header_end + 1
    if raw.find(b'"', body_start) >= 0:
        fields, line_no = _split_with_csv_module(
            raw[body_start:], delimiter, len(header), wanted
        )
    else:
        fields, line_no = _split_fast(
            raw, body_start, ord(delimiter), len(header), wanted
        )
    if line_no.size == 0:
        raise EmptyInputError(
            "The file has a header but no purchase rows.",
            "Berkas hanya berisi judul kolom, tanpa baris pembelian.",
        )
    (cust_m, cust_len), (date_m, date_len), (amt_m, amt_len) = fields
    del raw, fields  # the field matrices are copies; free the file's bytes

    empty_id = cust_len == 0
    if empty_id.any():
        raise MalformedCsvError(
            f"Empty customer id in column '{names[0]}' at lines "
            f"{format_lines(line_no[empty_id])}.",
            f"Kode pelanggan kosong di kolom '{names[0]}' pada baris "
            f"{format_lines(line_no[empty_id])}.",
        )
    customer_ids, customer_index = _factorize_bytes(cust_m)
    date = parse_dates(date_m, date_len, line_no=line_no, column=names[1])
    amount, reading = parse_amounts(
        amt_m, amt_len, decimal_comma=decimal_comma, line_no=line_no, column=names[2]
    )
    return PurchaseTable(customer_ids, customer_index, date, amount, reading, names)


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').lower())


def _find_column(
    header: list[str], given: str | None, candidates: tuple[str, ...], role: str
) -> str:
    if given is not None:
        if given in header:
            return given
        lowered = [_normalise(h) for h in header]
        if _normalise(given) in lowered:
            return header[lowered.index(_normalise(given))]
        raise MissingColumnError(
            f"Column '{given}' ({role}) is not in the header; columns are: "
            f"{', '.join(header)}.",
            f"Kolom '{given}' ({_ROLE_ID[role]}) tidak ada di judul kolom; kolom yang "
            f"ada: {', '.join(header)}.",
        )
    lowered = [_normalise(h) for h in header]
    for cand in candidates:
        if cand in lowered:
            return header[lowered.index(cand)]
    raise MissingColumnError(
        f"No {role} column found (tried {', '.join(candidates[:5])}, …); columns "
        f"are: {', '.join(header)}. Name it with --{role}.",
        f"Kolom {_ROLE_ID[role]} tidak ditemukan (dicoba "
        f"{', '.join(candidates[:5])}, …); kolom yang ada: {', '.join(header)}. "
        f"Sebutkan dengan --{role}.",
    )


_ROLE_ID = {"customer": "pelanggan", "date": "tanggal", "amount": "jumlah"}


# ---------------------------------------------------------------- pyarrow path

_ARROW_BLOCK = 1 << 22  # bytes of CSV per pyarrow block (~160k rows of 3 fields)
_SCAN_BLOCK = 1 << 20
# Importing pyarrow maps ~45 MB of library and ~30 ms, more than reading a
# small file with numpy costs. From ~8 MB (~300k rows) on, the block reader
# wins: at 1M rows (25 MB) it reads in ~0.23 s CPU against ~0.45 s for the
# numpy reader, and with the summary's leaner sort the 1M-row run peaks at
# 269-280 MB RSS (budget 300).
_ARROW_MIN_BYTES = 8 << 20
# A file pyarrow cannot type (rupiah text, DD/MM/YYYY dates, decimals) is read
# again as text in blocks only from this size, where bounded memory matters;
# below it the numpy reader is ~2x faster for such files (1M rows of
# "Rp 125.000" and 17/08/2025: 1.8 s against 3.6 s).
_ARROW_TEXT_MIN_BYTES = 64 << 20


def _source_size(source) -> int:
    if isinstance(source, bytes | bytearray | memoryview):
        return len(source)
    try:
        return os.stat(source).st_size
    except OSError:
        return 0  # the numpy reader reports the missing file


def _import_arrow():
    """pyarrow and its csv module, or None when pyarrow is missing."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # the numpy reader handles every file, only slower
        return None
    return pa, pacsv


class _Retry(Exception):
    """A typed block reader met a value its conversion refuses."""


def _head_and_quotes(source) -> tuple[bytes, bool]:
    """The file's first line(s) and whether a ``"`` occurs anywhere.

    The file is scanned in 1 MB pieces, never held whole.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        end = raw.find(b"\n", 3)
        return raw[: len(raw) if end < 0 else end + 1], raw.find(b'"') >= 0
    head = b""
    quoted = False
    with open(source, "rb") as fh:
        while chunk := fh.read(_SCAN_BLOCK):
            if b"\n" not in head[3:]:
                head += chunk
            if chunk.find(b'"') >= 0:
                quoted = True
                break
    return head, quoted


def _read_with_arrow(
    source,
    given: tuple[str | None, str | None, str | None],
    decimal_comma: bool | None,
    delimiter: str | None,
    *,
    text_pass: bool = True,
) -> PurchaseTable | None:
    """Read a clean file with pyarrow; None means "use the numpy reader".

    First pyarrow converts dates (ISO) and amounts (whole numbers) itself; if
    any value refuses, the file is read again with both as text (only with
    `text_pass`: below `_ARROW_TEXT_MIN_BYTES` the numpy reader is faster for
    such files), and each block's text goes through pyarrow's cast where it
    can and the numpy parsers where it cannot. Line numbers in errors are
    row + 2: the file has no blank line (a blank line gives an empty customer
    id, which sends the file to the numpy reader), no quoted field and nothing
    before the header.
    """
    arrow = _import_arrow()
    if arrow is None:
        return None
    pa, pacsv = arrow
    head, quoted = _head_and_quotes(source)
    if quoted:
        return None
    first = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    header_end = head.find(b"\n", first)
    if header_end < 0 or head[first : first + 1] in (b"", b"\n", b"\r", b" "):
        return None
    header_text = head[first:header_end].rstrip(b"\r").decode("utf-8", "replace")
    if delimiter is None:
        delimiter = max((",", ";", "\t"), key=header_text.count)
    header = [h.strip() for h in header_text.split(delimiter)]
    roles = ("customer", "date", "amount")
    lists = (CUSTOMER_COLUMN_NAMES, DATE_COLUMN_NAMES, AMOUNT_COLUMN_NAMES)
    names = tuple(
        _find_column(header, g, cands, role)
        for g, cands, role in zip(given, lists, roles, strict=True)
    )
    wanted = [header.index(n) for n in names]
    if len(set(wanted)) < 3 or len(delimiter) != 1:
        return None
    fields = [f"f{i}" for i in range(len(header))]
    cols = [fields[i] for i in wanted]
    if isinstance(source, bytes | bytearray | memoryview):
        source = pa.py_buffer(bytes(source))
    converted = None
    for typed in (True, False) if text_pass else (True,):
        types = [pa.string(), pa.date32(), pa.int64()] if typed else [pa.string()] * 3
        try:
            reader = pacsv.open_csv(
                pa.BufferReader(source) if isinstance(source, pa.Buffer) else source,
                read_options=pacsv.ReadOptions(
                    column_names=fields, skip_rows=1, block_size=_ARROW_BLOCK
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, ignore_empty_lines=False
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=cols,
                    column_types=dict(zip(cols, types, strict=True)),
                    strings_can_be_null=False,
                    null_values=[],
                ),
                # malloc gives freed blocks back to the system; pyarrow's default
                # pool (mimalloc) kept ~60 MB that later steps then added to.
                memory_pool=pa.system_memory_pool(),
            )
            converted = _convert_batches(reader, cols, names, pa)
            break
        except (pa.ArrowInvalid, _Retry):  # next: text columns, then numpy reader
            continue
    if converted is None:
        return None
    ids, days, amount, messy = converted
    if days.size == 0:
        return None  # header only: the numpy reader raises EmptyInputError
    customer_ids, customer_index = _factorize_bytes(ids)
    del ids
    m, lengths, rows = _stack_fields(messy)
    values, reading = parse_amounts(
        m,
        lengths,
        decimal_comma=decimal_comma,
        line_no=rows + 2,
        column=names[2],
    )
    amount[rows] = values
    return PurchaseTable(
        customer_ids,
        customer_index,
        days.astype("datetime64[D]"),
        amount,
        reading,
        names,
    )


def _convert_batches(reader, cols, names, pa):
    """Per block: id bytes, days and the amounts pyarrow can read.

    Returns (id matrix, days, amounts, messy amount fields), or None when an
    empty customer id sends the file to the numpy reader. Raises `_Retry`
    when typed columns meet an amount past the numpy parser's 18 digits.
    """
    id_parts, day_parts, amt_parts, messy = [], [], [], []
    row0 = 0
    for batch in reader:
        n = batch.num_rows
        if n == 0:
            continue
        cust, date, amt = (batch.column(c) for c in cols)
        m, lengths = _string_fields(cust)
        if (lengths == 0).any():
            return None
        id_parts.append(m)
        rows = np.arange(row0, row0 + n)
        day_parts.append(_block_days(date, rows, names[1], pa))
        whole = _block_whole_amounts(amt, pa)
        if whole is None:  # rupiah text, decimals: parsed at the end
            if pa.types.is_integer(amt.type):
                raise _Retry
            amt_parts.append(np.zeros(n))
            am, alen = _string_fields(amt)
            messy.append((am, alen, rows))
        else:
            amt_parts.append(whole)
        row0 += n
    if not id_parts:
        return np.zeros((0, 1), np.uint8), np.zeros(0, np.int32), np.zeros(0), []
    width = -(-max(p.shape[1] for p in id_parts) // 8) * 8  # whole uint64 words
    ids = np.zeros((row0, width), dtype=np.uint8)
    at = 0
    for p in id_parts:
        ids[at : at + p.shape[0], : p.shape[1]] = p
        at += p.shape[0]
    return ids, np.concatenate(day_parts), np.concatenate(amt_parts), messy


def _block_days(date, rows: np.ndarray, column: str, pa) -> np.ndarray:
    """Days since 1970 (int32) of one block's date column."""
    if not pa.types.is_string(date.type):  # date32 converted by pyarrow
        return date.to_numpy(zero_copy_only=False).astype(np.int32)
    try:
        return date.cast(pa.date32()).to_numpy(zero_copy_only=False).astype(np.int32)
    except pa.ArrowInvalid:  # not all ISO: the numpy parser and its errors
        m, lengths = _string_fields(date)
        parsed = parse_dates(m, lengths, line_no=rows + 2, column=column)
        return parsed.astype(np.int64).astype(np.int32)


def _block_whole_amounts(amt, pa) -> np.ndarray | None:
    """One block's amounts when all are whole numbers of <= 18 digits."""
    if pa.types.is_string(amt.type):
        try:
            amt = amt.cast(pa.int64())
        except pa.ArrowInvalid:
            return None
    whole = amt.to_numpy(zero_copy_only=False)
    if whole.size and np.abs(whole).max() >= 10**18:
        return None
    return whole.astype(np.float64)


def _string_fields(arr) -> tuple[np.ndarray, np.ndarray]:
    """A pyarrow string array as a zero-padded byte matrix and lengths.

    Leading and trailing spaces and tabs are dropped, as in the numpy reader.
    """
    _, offsets, data = arr.buffers()
    n = len(arr)
    off = np.frombuffer(offsets, dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    s, e = off[:-1].astype(np.int64), off[1:].astype(np.int64)
    if data is None or n == 0 or off[-1] == off[0]:
        return np.zeros((n, 1), dtype=np.uint8), np.zeros(n, dtype=np.int64)
    buf = np.frombuffer(data, dtype=np.uint8, count=int(off[-1]))
    used = buf[off[0] :]
    if (used == _SPACE).any() or (used == _TAB).any():
        s, e = _trim(buf, s, e)
    return _gather(buf, s, e)


def _stack_fields(parts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate (matrix, lengths, rows) parts of different widths."""
    if not parts:
        return (
            np.zeros((0, 1), dtype=np.uint8),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
        )
    width = max(m.shape[1] for m, _, _ in parts)
    m = np.zeros((sum(len(r) for _, _, r in parts), width), dtype=np.uint8)
    at = 0
    for part, _, r in parts:
        m[at : at + len(r), : part.shape[1]] = part
        at += len(r)
    return (
        m,
        np.concatenate([length for _, length, _ in parts]),
        np.concatenate([r for _, _, r in parts]),
    )


def _split_fast(
    raw: bytes, offset: int, delim: int, n_cols: int, wanted: list[int]
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Split unquoted CSV bytes after `offset`; (matrix, lengths) per wanted column."""
    buf = np.frombuffer(raw, dtype=np.uint8, offset=min(offset, len(raw)))
    n = buf.size
    # Separator positions, found in blocks to bound temporary masks.
    block = 1 << 22
    masks = []
    for lo in range(0, n, block):
        b = buf[lo : lo + block]
        masks.append(np.packbits((b == delim) | (b == _NL)))
    counts = [int(np.unpackbits(mk).sum()) for mk in masks]
    pos = np.empty(sum(counts), dtype=np.int64)
    at = 0
    for i, (lo, mk) in enumerate(zip(range(0, n, block), masks, strict=True)):
        hits = np.flatnonzero(np.unpackbits(mk, count=min(block, n - lo)))
        pos[at : at + counts[i]] = hits + lo
        at += counts[i]
    ends_line = buf[pos] == _NL
    if n and buf[-1] != _NL:  # last line without newline: a virtual one at n
        pos = np.append(pos, n)
        ends_line = np.append(ends_line, True)
    n_lines = int(ends_line.sum())
    line_no = np.arange(2, n_lines + 2)
    regular = pos.size == n_lines * n_cols and (
        ends_line.reshape(-1, n_cols)[:, -1].all()
    )
    if not regular:
        line_end_idx = np.flatnonzero(ends_line)
        per_line = np.diff(line_end_idx, prepend=-1)
        starts = np.empty_like(pos)
        starts[:1] = 0
        starts[1:] = pos[:-1] + 1
        line_len = pos[line_end_idx] - starts[line_end_idx - per_line + 1]
        blank = (per_line == 1) & (line_len == 0)
        bad = (per_line != n_cols) & ~blank
        if bad.any():
            raise MalformedCsvError(
                f"Expected {n_cols} fields per line (as in the header); lines "
                f"{format_lines(line_no[bad])} differ.",
                f"Setiap baris harus berisi {n_cols} kolom (seperti judul); baris "
                f"{format_lines(line_no[bad])} berbeda.",
            )
        pos, line_no = pos[np.repeat(~blank, per_line)], line_no[~blank]
        del starts
    ends = pos.reshape(-1, n_cols)
    # A field starts after the previous separator; a line's first field after
    # the previous line's newline (blank lines were dropped, so use the
    # previous kept line's end: blank lines only hold a newline).
    out = []
    has_blank = raw.find(b" ", offset) >= 0 or raw.find(b"\t", offset) >= 0
    for col in wanted:
        e = ends[:, col].copy()
        if col > 0:
            s = ends[:, col - 1] + 1
        else:
            s = np.empty_like(e)
            s[:1] = 0
            s[1:] = ends[:-1, -1] + 1
            if not regular:
                # Skip blank lines (bare newlines) before a line's first field.
                while True:
                    at = np.minimum(s, max(n - 1, 0))
                    skip = (s < e) & (buf[at] == _NL)
                    if not skip.any():
                        break
                    s += skip
        if has_blank:
            s, e = _trim(buf, s, e)
        out.append(_gather(buf, s, e))
    return out, line_no


def _trim(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, ...]:
    """Move field bounds past leading/trailing spaces and tabs."""
    for _ in range(64):
        lead = (s < e) & ((buf[s] == _SPACE) | (buf[s] == _TAB))
        trail = (s < e) & ((buf[e - 1] == _SPACE) | (buf[e - 1] == _TAB))
        if not (lead.any() or trail.any()):
            break
        s += lead
        e -= trail
    return s, e


def _gather(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, ...]:
    """Copy fields ``buf[s:e]`` into a zero-padded (n, width) uint8 matrix."""
    length = e - s
    width = int(length.max()) if length.size else 0
    if 0 < width <= min(_PAD, buf.size):
        # One row-gather of a sliding-window view copies width bytes per row.
        windows = np.lib.stride_tricks.sliding_window_view(buf, width)
        last_start = buf.size - width
        m = windows[np.minimum(s, last_start)]
        for row in np.flatnonzero(s > last_start):  # fields in the last bytes
            m[row] = 0
            m[row, : length[row]] = buf[s[row] : e[row]]
        if (length != width).any():
            m[np.arange(width)[None, :] >= length[:, None]] = 0
        return m, length
    m = np.zeros((s.size, max(width, 1)), dtype=np.uint8)
    last = buf.size - 1
    for k in range(width):
        col = buf[np.minimum(s + k, last)]
        m[:, k] = np.where(length > k, col, 0)
    return m, length


def _split_with_csv_module(
    body: bytes, delimiter: str, n_cols: int, wanted: list[int]
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Slow path for quoted fields: :mod:`csv` row by row."""
    text = _stdio.StringIO(body.decode("utf-8", errors="replace"))
    cols: list[list[str]] = [[] for _ in wanted]
    lines: list[int] = []
    bad: list[int] = []
    reader = csv.reader(text, delimiter=delimiter)
    for row in reader:
        line = reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != n_cols:
            bad.append(line)
            continue
        lines.append(line)
        for out, col in zip(cols, wanted, strict=True):
            out.append(row[col].strip())
    if bad:
        raise MalformedCsvError(
            f"Expected {n_cols} fields per line (as in the header); lines "
            f"{format_lines(bad)} differ.",
            f"Setiap baris harus berisi {n_cols} kolom (seperti judul); baris "
            f"{format_lines(bad)} berbeda.",
        )
    out_fields = []
    for values in cols:
        arr = np.array([v.encode() for v in values], dtype=bytes)
        width = max(arr.dtype.itemsize, 1)
        m = np.frombuffer(arr.astype(f"S{width}").tobytes(), np.uint8)
        m = m.reshape(len(values), width).copy()
        out_fields.append((m, (m != 0).sum(axis=1)))
    return out_fields, np.asarray(lines, dtype=np.int64)


def _factorize_bytes(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a zero-padded byte matrix, sorted, and each row's index.

    Rows are packed big-endian into uint64 words so that integer order equals
    byte order; one word (ids up to 8 bytes, like ``C000123``) uses
    :func:`numpy.unique` on integers, longer ids a lexsort over the words.
    """
    n, width = m.shape
    n_words = -(-width // 8)
    if width == n_words * 8 and m.flags.c_contiguous:
        padded = m
    else:
        padded = np.zeros((n, n_words * 8), dtype=np.uint8)
        padded[:, :width] = m
    words = padded.view(">u8").astype(np.uint64)
    if n_words == 1:
        uniq, inverse = np.unique(words[:, 0], return_inverse=True)
        uniq_rows = uniq.astype(">u8").view(np.uint8).reshape(-1, 8)
    else:
        order = np.lexsort(words.T[::-1])
        w_sorted = words[order]
        new = np.ones(n, dtype=bool)
        new[1:] = (w_sorted[1:] != w_sorted[:-1]).any(axis=1)
        group = np.cumsum(new) - 1
        inverse = np.empty(n, dtype=np.int64)
        inverse[order] = group
        uniq_rows = w_sorted[new].astype(">u8").view(np.uint8).reshape(-1, n_words * 8)
    if (uniq_rows < 128).all():
        # ASCII: widen the bytes to UCS-4 code points and view them as str,
        # ~10x faster than astype("U") from bytes (NUL padding is str padding).
        points = np.ascontiguousarray(uniq_rows, dtype=np.uint32)
        return points.view(f"U{uniq_rows.shape[1]}").ravel(), inverse.astype(
            np.int64, copy=False
        )
    ids = uniq_rows.copy().view(f"S{uniq_rows.shape[1]}").ravel()
    return np.char.decode(ids, "utf-8", errors="replace"), inverse.astype(
        np.int64, copy=False
    )


# ---------------------------------------------------------------- dates

_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[/\-](\d{1,2})[/\-](\d{1,2})(?:[ T].*)?$")


def parse_dates(
    m: np.ndarray,
    lengths: np.ndarray,
    *,
    line_no: np.ndarray | None = None,
    column: str = "date",
) -> np.ndarray:
    """Parse a byte matrix of dates into ``datetime64[D]``.

    Accepted: ISO ``2025-08-17`` (also ``2025/08/17``) and day-first
    ``17/08/2025``, ``17-08-2025``, ``7/8/2025``, each optionally followed by a
    time after a space or ``T`` (ignored). Slash dates are always day first, as
    written in Indonesia.

    Parameters
    ----------
    m : numpy.ndarray
        (n, width) uint8 matrix, one zero-padded field per row.
    lengths : numpy.ndarray
        Field lengths.
    line_no : numpy.ndarray, optional
        File line number of each row, for error messages (default row + 2).
    column : str
        Column name for error messages.

    Returns
    -------
    numpy.ndarray
        ``datetime64[D]`` array.

    Raises
    ------
    DateFormatError
        Naming the first few unparseable lines.
    """
    n = m.shape[0]
    if line_no is None:
        line_no = np.arange(2, n + 2)
    days = np.zeros(n, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    if m.shape[1] >= 10:
        col = [m[:, k] for k in range(10)]
        dig = [c - np.uint8(48) for c in col]  # uint8: 1 byte per row and digit
        ok_d = [dk <= 9 for dk in dig]  # uint8 wrap-around makes non-digits > 9
        tail_ok = lengths == 10
        if m.shape[1] > 10:
            tail_ok |= (lengths > 10) & ((m[:, 10] == _SPACE) | (m[:, 10] == ord("T")))
        iso = tail_ok & (col[4] == col[7]) & ((col[4] == _DASH) | (col[4] == _SLASH))
        for k in (0, 1, 2, 3, 5, 6, 8, 9):
            iso &= ok_d[k]
        dmy = tail_ok & ~iso & (col[2] == col[5])
        dmy &= (col[2] == _DASH) | (col[2] == _SLASH) | (col[2] == _DOT)
        for k in (0, 1, 3, 4, 6, 7, 8, 9):
            dmy &= ok_d[k]
        dig = [dk.astype(np.int32) if k in (0, 6) else dk for k, dk in enumerate(dig)]
        if iso.all():
            year = dig[0] * 1000 + dig[1] * 100 + dig[2] * 10 + dig[3]
            month = dig[5].astype(np.int32) * 10 + dig[6]
            day = dig[8].astype(np.int32) * 10 + dig[9]
        else:
            year = np.where(
                iso,
                dig[0] * 1000 + dig[1] * 100 + dig[2] * 10 + dig[3],
                dig[6] * 1000 + dig[7] * 100 + dig[8] * 10 + dig[9],
            )
            month = np.where(
                iso, dig[5] * 10 + dig[6], dig[3].astype(np.int32) * 10 + dig[4]
            )
            day = np.where(
                iso, dig[8].astype(np.int32) * 10 + dig[9], dig[0] * 10 + dig[1]
            )
        fixed = iso | dmy
        valid, value = _civil_lookup(year, month, day)
        ok = fixed & valid
        days = np.where(ok, value, 0)
        done = ok
        bad_fixed = fixed & ~ok
    else:
        bad_fixed = np.zeros(n, dtype=bool)
    rest = ~done & ~bad_fixed
    bad = bad_fixed
    if rest.any():
        sub = m[rest]
        uniq, inverse = np.unique(
            sub.copy().view(f"S{sub.shape[1]}").ravel(), return_inverse=True
        )
        parsed = np.array([_parse_one_date(u) for u in uniq], dtype=np.int64)
        vals = parsed[inverse.ravel()]
        sub_bad = vals == _NO_DATE
        days[rest] = np.where(sub_bad, 0, vals)
        bad = bad.copy()
        bad[np.flatnonzero(rest)[sub_bad]] = True
    if bad.any():
        raise DateFormatError(
            f"Unreadable dates in column '{column}' at lines "
            f"{format_lines(line_no[bad])}; use YYYY-MM-DD or DD/MM/YYYY.",
            f"Tanggal tidak terbaca di kolom '{column}' pada baris "
            f"{format_lines(line_no[bad])}; gunakan TTTT-BB-HH atau HH/BB/TTTT.",
        )
    return days.astype("datetime64[D]")


_NO_DATE = np.iinfo(np.int64).min


def _parse_one_date(raw: bytes) -> int:
    text = raw.decode("utf-8", errors="replace").strip()
    match = _YMD.match(text)
    if match:
        y, mo, d = (int(g) for g in match.groups())
    else:
        match = _DMY.match(text)
        if not match:
            return _NO_DATE
        d, mo, y = (int(g) for g in match.groups())
    try:
        return (dt.date(y, mo, d) - dt.date(1970, 1, 1)).days
    except ValueError:
        return _NO_DATE


_YEAR0, _N_YEARS = 1900, 300
_YEARS = np.arange(_YEAR0, _YEAR0 + _N_YEARS)
_LEAP = ((_YEARS % 4 == 0) & (_YEARS % 100 != 0)) | (_YEARS % 400 == 0)
_MONTH_DAYS = np.array(
    [
        [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0, 0, 0],
        [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0, 0, 0],
    ]
)
_MONTH_START = np.concatenate(
    [np.zeros((2, 1), dtype=np.int64), np.cumsum(_MONTH_DAYS, axis=1)[:, :-1]], axis=1
)


def _civil_lookup(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Validity and days since 1970-01-01 of years 1900-2199, by table lookup."""
    yi = year - _YEAR0
    valid = (yi >= 0) & (yi < _N_YEARS) & (month >= 1) & (month <= 12) & (day >= 1)
    yi = np.where(valid, yi, 0)
    mi = np.where(valid, month, 1)
    leap = _LEAP[yi].astype(np.int64)
    valid &= day <= _MONTH_DAYS[leap, mi]
    year_start = _days_from_civil(_YEARS, np.ones_like(_YEARS), np.ones_like(_YEARS))
    return valid, year_start[yi] + _MONTH_START[leap, mi] + day - 1


def _valid_ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    month_ok = (m >= 1) & (m <= 12)
    last = dim[np.clip(m, 0, 12)] + (leap & (m == 2))
    return month_ok & (d >= 1) & (d <= last) & (y >= 1900)


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 (H. Hinnant's ``days_from_civil``, proleptic)."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


# ---------------------------------------------------------------- amounts


def parse_amounts(
    m: np.ndarray,
    lengths: np.ndarray,
    *,
    decimal_comma: bool | None = None,
    line_no: np.ndarray | None = None,
    column: str = "amount",
) -> tuple[np.ndarray, AmountReading]:
    """Parse a byte matrix of amounts (plain numbers or rupiah text).

    Accepted: ``125000``, ``29.33``, ``-5000``, ``Rp 125.000``, ``Rp. 125.000``,
    ``125.000,50``, ``1,250,000.50``. A ``Rp`` prefix and spaces are ignored.
    A thousands separator must be followed by exactly three digits.

    Ambiguity rule (`decimal_comma` None): each value is classified as readable
    only with ``.`` as decimal mark (``29.33``), only with ``,`` as decimal mark
    (``1.500.000``, ``125.000,50``), or either way (``1.500``, ``1,500``,
    ``125000``). If one side has evidence and the other none, that side wins.
    With no evidence, a column holding ``1.500``-style values is read with
    ``.`` as thousands separator (Indonesian rupiah); otherwise with ``.`` as
    decimal mark. Evidence on both sides is an error naming the minority lines.

    Parameters
    ----------
    m, lengths : numpy.ndarray
        (n, width) zero-padded uint8 matrix and field lengths.
    decimal_comma : bool, optional
        Force a reading (True: ``,`` is the decimal mark).
    line_no : numpy.ndarray, optional
        File line numbers for error messages (default row + 2).
    column : str
        Column name for error messages.

    Returns
    -------
    values : numpy.ndarray
        float64 amounts.
    reading : AmountReading
        The reading used and why.

    Raises
    ------
    AmountFormatError
        Naming the first few unparseable lines.
    """
    n = m.shape[0]
    if line_no is None:
        line_no = np.arange(2, n + 2)
    fast = _plain_amounts(m, lengths, decimal_comma)
    if fast is not None:
        return fast
    mm = np.zeros((n, m.shape[1] + 5), dtype=np.uint8)
    mm[:, : m.shape[1]] = m
    digit = (mm >= 48) & (mm <= 57)
    dot = mm == _DOT
    comma = mm == _COMMA
    minus = (mm == _MINUS) | (mm == _PLUS)
    ignore = (mm == 0) | (mm == _SPACE)
    is_r = (mm == ord("R")) | (mm == ord("r"))
    is_p = (mm == ord("P")) | (mm == ord("p"))
    rp = np.zeros_like(is_r)
    rp[:, :-1] = is_r[:, :-1] & is_p[:, 1:]
    if rp.any():
        ignore[:, :-1] |= rp[:, :-1]
        ignore[:, 1:] |= rp[:, :-1]
        rp_dot = np.zeros_like(rp)
        rp_dot[:, 2:] = rp[:, :-2] & dot[:, 2:]
        ignore |= rp_dot
        dot &= ~rp_dot
    other = ~(digit | dot | comma | minus | ignore)
    n_digit = digit.sum(axis=1)
    base_bad = other.any(axis=1) | (n_digit == 0) | (n_digit > 18)
    base_bad |= minus.sum(axis=1) > 1
    # A sign must come before the first digit.
    first_digit = np.argmax(digit, axis=1)
    sign_pos = np.argmax(minus, axis=1)
    has_sign = minus.any(axis=1)
    base_bad |= has_sign & (sign_pos > first_digit)

    valid_dot = ~base_bad & _valid_for(digit, dec=dot, grp=comma)
    valid_comma = ~base_bad & _valid_for(digit, dec=comma, grp=dot)
    if decimal_comma is None:
        decimal_comma, reason = _infer_reading(
            dot, comma, digit, valid_dot, valid_comma, line_no, column
        )
        reading = AmountReading(decimal_comma, True, reason)
    else:
        mark = "','" if decimal_comma else "'.'"
        reading = AmountReading(
            decimal_comma, False, f"Decimal mark {mark} given by the caller."
        )
    valid = valid_comma if decimal_comma else valid_dot
    if not valid.all():
        bad = ~valid
        raise AmountFormatError(
            f"Unreadable amounts in column '{column}' at lines "
            f"{format_lines(line_no[bad])} (reading "
            f"{'125.000,50' if decimal_comma else '125000.50'} style).",
            f"Jumlah tidak terbaca di kolom '{column}' pada baris "
            f"{format_lines(line_no[bad])} (dibaca dengan gaya "
            f"{'125.000,50' if decimal_comma else '125000.50'}).",
        )
    dec = comma if decimal_comma else dot
    mant = np.zeros(n, dtype=np.int64)
    frac = np.zeros(n, dtype=np.int64)
    seen_dec = np.zeros(n, dtype=bool)
    for k in range(mm.shape[1]):
        dk = digit[:, k]
        if dk.any():
            mant = np.where(dk, mant * 10 + (mm[:, k].astype(np.int64) - 48), mant)
            frac += dk & seen_dec
        seen_dec |= dec[:, k]
    values = mant / 10.0**frac
    negative = has_sign & (mm[np.arange(n), sign_pos] == _MINUS)
    values[negative] *= -1.0
    return values, reading


def _plain_amounts(
    m: np.ndarray, lengths: np.ndarray, decimal_comma: bool | None
) -> tuple[np.ndarray, AmountReading] | None:
    """Fast path for columns of digits with at most one '.' per value.

    Returns None when the column needs the general parser (other characters,
    several dots, a forced reading the values contradict, or a need for line
    numbers in an error).
    """
    n, width = m.shape
    if width > 19:
        return None
    mant = np.zeros(n, dtype=np.int64)
    frac = np.zeros(n, dtype=np.int64)
    n_dot = np.zeros(n, dtype=np.int64)
    for k in range(width):
        c = m[:, k]
        inside = lengths > k
        d = c - np.uint8(48)
        is_digit = d <= 9
        is_dot = c == _DOT
        if not (~inside | is_digit | is_dot).all():
            return None
        take = inside & is_digit
        mant = np.where(take, mant * 10 + d, mant)
        frac += take & (n_dot > 0)
        n_dot += inside & is_dot
    has_dot = n_dot == 1
    if (n_dot > 1).any() or (lengths == 0).any() or (has_dot & (frac == 0)).any():
        return None
    thousands_like = has_dot & (frac == 3)
    decimal_only = has_dot & (frac != 3)
    if decimal_comma is None:
        if decimal_only.any():
            reading = AmountReading(
                False,
                True,
                f"Inferred '.' as decimal mark: {int(decimal_only.sum())} values "
                "read only that way.",
            )
        elif thousands_like.any():
            reading = AmountReading(
                True,
                True,
                "Inferred '.' as thousands separator (Indonesian rupiah): every value "
                "with '.' has exactly three digits after it (e.g. '1.500' = 1500); "
                "pass --no-decimal-comma to read '1.500' as 1.5.",
            )
        else:
            reading = AmountReading(
                False, True, "No value is ambiguous; read '.' as decimal mark."
            )
    else:
        if decimal_comma and decimal_only.any():
            return None  # the general parser names the offending lines
        mark = "','" if decimal_comma else "'.'"
        reading = AmountReading(
            decimal_comma, False, f"Decimal mark {mark} given by the caller."
        )
    if reading.decimal_comma:
        return mant.astype(np.float64), reading
    return mant / 10.0**frac, reading


def _valid_for(digit: np.ndarray, *, dec: np.ndarray, grp: np.ndarray) -> np.ndarray:
    """Rows readable with `dec` as decimal mark and `grp` grouping thousands."""
    n_dec = dec.sum(axis=1)
    ok = n_dec <= 1
    dec_pos = np.where(n_dec > 0, np.argmax(dec, axis=1), dec.shape[1])
    cols = np.arange(dec.shape[1])
    # No thousands separator after the decimal mark.
    ok &= ~(grp & (cols >= dec_pos[:, None])).any(axis=1)
    # Digits after the decimal mark.
    ok &= (n_dec == 0) | digit[
        np.arange(dec.shape[0]), np.minimum(dec_pos + 1, cols[-1])
    ]
    if grp.any():
        # Each separator: digit before, exactly three digits after, then not a digit.
        g = grp[:, 1:-4]
        three = digit[:, 2:-3] & digit[:, 3:-2] & digit[:, 4:-1] & ~digit[:, 5:]
        ok &= ~(g & ~(three & digit[:, :-5])).any(axis=1)
        ok &= ~grp[:, 0]
    return ok


def _infer_reading(
    dot: np.ndarray,
    comma: np.ndarray,
    digit: np.ndarray,
    valid_dot: np.ndarray,
    valid_comma: np.ndarray,
    line_no: np.ndarray,
    column: str,
) -> tuple[bool, str]:
    only_dot = valid_dot & ~valid_comma
    only_comma = valid_comma & ~valid_dot
    n_dot, n_comma = int(only_dot.sum()), int(only_comma.sum())
    if n_dot and n_comma:
        minority = only_comma if n_comma < n_dot else only_dot
        raise AmountFormatError(
            f"Amounts in column '{column}' mix '.' and ',' as decimal mark (lines "
            f"{format_lines(line_no[minority])}); choose with --decimal-comma or "
            f"--no-decimal-comma.",
            f"Jumlah di kolom '{column}' mencampur '.' dan ',' sebagai tanda desimal "
            f"(baris {format_lines(line_no[minority])}); pilih dengan "
            f"--decimal-comma atau --no-decimal-comma.",
        )
    if n_comma:
        return True, (
            f"Inferred ',' as decimal mark and '.' as thousands separator: "
            f"{n_comma} values (e.g. line {line_no[only_comma][0]}) read only that way."
        )
    if n_dot:
        return False, (
            f"Inferred '.' as decimal mark: {n_dot} values (e.g. line "
            f"{line_no[only_dot][0]}) read only that way."
        )
    dotted = dot.any(axis=1) & valid_dot & valid_comma
    if dotted.any():
        return True, (
            "Inferred '.' as thousands separator (Indonesian rupiah): every value "
            "with '.' has exactly three digits after it (e.g. '1.500' = 1500); "
            "pass --no-decimal-comma to read '1.500' as 1.5."
        )
    return False, "No value is ambiguous; read '.' as decimal mark."
