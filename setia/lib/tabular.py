"""Reading spreadsheets people upload: CSV and Excel (.xlsx), safely and streaming.

Public functions (all raise `TabularError` with a plain message for a bad file):

``check_upload(path, name, allowed=("csv", "xlsx")) -> str``
    Sniff a stored upload and return its kind ("csv", "xlsx" or, when allowed,
    "vcf"). Refuses empty files, files over ``settings.MAX_UPLOAD_BYTES``, binary
    files posing as text, and .xlsx files that are not a zip, would unpack to far
    more than they weigh, declare a huge sheet, carry XML entity declarations or
    hold too many formulas (a "formula bomb").

``open_table(path, kind, max_rows=MAX_ROWS)``  (a context manager)
    Yields a `Table`: ``table.headers`` (list of str) and ``table.rows()``, an
    iterator of ``(row_number, cells)`` where ``row_number`` is the 1-based line
    or sheet row (the header is row 1) and ``cells`` a list of str as long as the
    header. CSV: encoding utf-8 / utf-8-sig / utf-16 (BOM) with a cp1252 fallback;
    the delimiter (, ; tab |) is sniffed. XLSX: the first sheet, read by openpyxl
    in read-only mode; dates become ISO text, whole numbers lose their ".0".
    Blank rows are skipped. More than ``max_rows`` rows is refused.

``match_headers(headers, synonyms) -> dict[str, int]``
    Map field names to column indexes using a synonym table such as
    ``{"phone": ["no hp", "no wa", "telepon", "phone"]}``; comparison ignores case,
    spaces and punctuation. The first column that matches a field wins.

``parse_date_parts(text) -> (day, month, year | None)`` and ``parse_date(text)``
    Indonesian dates: ``17/08/1990``, ``17-08-1990``, ``17.08.90``,
    ``17 Agustus 1990``, ``17 Agt 1990``, ``17 August 1990``, ISO ``1990-08-17``;
    ``17/08`` or ``17 Agustus`` without a year give ``year=None``. `parse_date`
    needs the year and returns a ``datetime.date``. Both raise ValueError.

``ImportResult``
    Counts and a bounded sample of `RowOutcome` rows (created / updated /
    unchanged / rejected, each with its reasons) for previews and reports.
"""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_ROWS = 200_000
# An .xlsx is a zip of XML; a real customer list compresses about 5-15×. Far more
# means a decompression bomb.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_CELLS = 5_000_000
MAX_FORMULAS = 5_000
SNIFF_BYTES = 64 * 1024

MESSAGES = {
    "empty": _("The file is empty."),
    "too_big": _("The file is too big (largest allowed: %(limit)s MB)."),
    "binary": _("This is not a text or spreadsheet file."),
    "wrong_kind": _("Upload a CSV, Excel (.xlsx) or contacts (.vcf) file."),
    "xls": _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV."),
    "not_zip": _("This file says it is Excel (.xlsx) but it is not."),
    "zip_bomb": _("This Excel file unpacks to far more data than it holds."),
    "huge_sheet": _("This Excel sheet is too large (%(cells)s cells)."),
    "xml_entities": _("This Excel file contains unsafe XML."),
    "formula_bomb": _(
        "This Excel file has too many formulas. Copy the cells and paste them "
        "as values, then upload again."
    ),
    "no_header": _("The first row must hold the column names."),
    "no_rows": _("The file has column names but no rows."),
    "too_many_rows": _("The file has more than %(limit)s rows."),
    "unreadable": _("The file could not be read: it may be damaged."),
}


class TabularError(Exception):
    """A file we refuse, with a message for the person who uploaded it."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return (
            str(MESSAGES[self.code]) % self.params
            if self.params
            else str(MESSAGES[self.code])
        )

    def __str__(self) -> str:
        return self.message


# ---- sniffing ---------------------------------------------------------------


def check_upload(
    path: str | Path, name: str = "", allowed: tuple[str, ...] = ("csv", "xlsx")
) -> str:
    """Return the kind of the stored upload at `path` or raise TabularError."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise TabularError("empty")
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise TabularError("too_big", limit=limit // (1024 * 1024))
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    suffix = Path(name or path.name).suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TabularError("xls")
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        if "xlsx" not in allowed:
            raise TabularError("wrong_kind")
        _check_xlsx(path)
        return "xlsx"
    text_head = _decode_head(head)
    if text_head is None:
        raise TabularError("binary")
    if not text_head.strip():
        raise TabularError("empty")
    if "vcf" in allowed and text_head.lstrip().upper().startswith("BEGIN:VCARD"):
        return "vcf"
    if "csv" in allowed and suffix not in (".vcf",):
        return "csv"
    raise TabularError("wrong_kind")


def _decode_head(head: bytes) -> str | None:
    """Text of the first bytes, or None when they look binary."""
    encoding = _bom_encoding(head)
    if encoding and encoding.startswith("utf-16"):
        return head.decode(encoding, errors="ignore")
    if b"\x00" in head:
        return None
    # Control characters other than tab/newline are rare in text and common in
    # images, PDFs and executables.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    if controls > max(8, len(head) // 100):
        return None
    return head.decode("utf-8", errors="replace")


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _check_xlsx(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TabularError("not_zip") from exc
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(
            n.startswith("xl/worksheets/") for n in names
        ):
            raise TabularError("not_zip")
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        if total > MAX_UNZIPPED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
            raise TabularError("zip_bomb")
        formulas = 0
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(info) as member:
                head = member.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise TabularError("xml_entities")
                if not info.filename.startswith("xl/worksheets/"):
                    continue
                match = _DIMENSION.search(head)
                if match and match.group(3):
                    cells = _cells_in(match)
                    if cells > MAX_CELLS:
                        raise TabularError("huge_sheet", cells=f"{cells:,}")
                # Stream the sheet counting formula elements; a chunk border can
                # split one tag, which at worst misses a single formula.
                chunk = head
                while chunk:
                    formulas += len(_FORMULA.findall(chunk))
                    if formulas > MAX_FORMULAS:
                        raise TabularError("formula_bomb")
                    chunk = member.read(1024 * 1024)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _cells_in(match: re.Match) -> int:
    first_col, first_row, last_col, last_row = match.groups()
    cols = _column_number(last_col) - _column_number(first_col) + 1
    rows = int(last_row) - int(first_row) + 1
    return max(cols, 1) * max(rows, 1)


# ---- reading ----------------------------------------------------------------


@dataclass
class Table:
    kind: str
    headers: list[str]
    _rows: Iterator[tuple[int, list[str]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows


@contextmanager
def open_table(path: str | Path, kind: str, max_rows: int = MAX_ROWS):
    """Open a checked upload as a `Table` (see the module docstring)."""
    path = Path(path)
    if kind == "csv":
        with _open_csv_text(path) as text:
            yield _table_from_rows("csv", _csv_rows(text), max_rows)
    elif kind == "xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(
                path, read_only=True, data_only=True, keep_links=False
            )
        except Exception as exc:  # openpyxl raises many types for damaged files
            raise TabularError("unreadable") from exc
        try:
            sheet = book.worksheets[0]
            rows = (
                [_cell_text(v) for v in values]
                for values in sheet.iter_rows(values_only=True)
            )
            yield _table_from_rows("xlsx", rows, max_rows)
        finally:
            book.close()
    else:
        raise TabularError("wrong_kind")


def _table_from_rows(kind: str, rows: Iterator[list[str]], max_rows: int) -> Table:
    numbered = enumerate(rows, start=1)
    headers: list[str] | None = None
    for _number, cells in numbered:
        if any(c.strip() for c in cells):
            headers = [c.strip() for c in cells]
            break
    if headers is None:
        raise TabularError("empty")
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise TabularError("no_header")
    width = len(headers)

    def body() -> Iterator[tuple[int, list[str]]]:
        count = 0
        for number, cells in numbered:
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > max_rows:
                raise TabularError("too_many_rows", limit=f"{max_rows:,}")
            cells = [c.strip() for c in cells[:width]]
            cells.extend([""] * (width - len(cells)))
            yield number, cells
        if count == 0:
            raise TabularError("no_rows")

    return Table(kind=kind, headers=headers, _rows=body())


@contextmanager
def _open_csv_text(path: Path):
    encoding = _csv_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as text:
        yield text


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
        bom = _bom_encoding(head)
        if bom:
            return bom
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in the ANSI code page.
            return "cp1252"
    return "utf-8"


def _csv_rows(text: io.TextIOBase) -> Iterator[list[str]]:
    sample = text.read(SNIFF_BYTES)
    text.seek(0)
    dialect = _sniff_dialect(sample)
    try:
        yield from csv.reader(text, dialect)
    except csv.Error as exc:
        raise TabularError("unreadable") from exc


def _sniff_dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = max(",;\t|", key=first.count)

        class Simple(csv.excel):
            pass

        Simple.delimiter = delimiter if first.count(delimiter) else ","
        return Simple


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # Phone numbers typed into Excel become floats: 6281234567890.0
        return str(int(value))
    return str(value).strip()


# ---- headers ----------------------------------------------------------------


def header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", (text or "").lower())


def match_headers(headers: list[str], synonyms: dict[str, list[str]]) -> dict[str, int]:
    """Return ``{field: column index}`` for the headers found in `synonyms`."""
    lookup: dict[str, str] = {}
    for field_name, names in synonyms.items():
        for name in [field_name, *names]:
            lookup.setdefault(header_key(name), field_name)
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        field_name = lookup.get(header_key(header))
        if field_name and field_name not in mapping:
            mapping[field_name] = index
    return mapping


# ---- dates ------------------------------------------------------------------

MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "peb": 2,
    "februari": 2,
    "pebruari": 2,
    "february": 2,
    "mar": 3,
    "maret": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "agus": 8,
    "agustus": 8,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oct": 10,
    "oktober": 10,
    "october": 10,
    "nov": 11,
    "nop": 11,
    "november": 11,
    "nopember": 11,
    "des": 12,
    "dec": 12,
    "desember": 12,
    "december": 12,
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_WORDS = re.compile(r"^(\d{1,2})[\s\-/.]*([a-z]+)\.?(?:[\s\-/.,]*(\d{2}|\d{4}))?$")


def parse_date_parts(text: str) -> tuple[int, int, int | None]:
    """``"17 Agustus 1990"`` → ``(17, 8, 1990)``; raise ValueError if unreadable."""
    value = " ".join((text or "").strip().lower().split())
    if not value:
        raise ValueError("empty date")
    if m := _ISO.match(value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DMY.match(value):
        day, month = int(m.group(1)), int(m.group(2))
        year = _full_year(m.group(3))
    elif m := _WORDS.match(value):
        day = int(m.group(1))
        month = MONTHS.get(m.group(2), 0)
        year = _full_year(m.group(3))
    else:
        raise ValueError(f"unreadable date {text!r}")
    # 2000 is a leap year, so 29 February without a year is accepted.
    dt.date(year or 2000, month, day)
    if year is not None and not 1900 <= year <= dt.date.today().year + 1:
        raise ValueError(f"year out of range in {text!r}")
    return day, month, year


def parse_date(text: str) -> dt.date:
    """A full date from Indonesian or ISO text; the year is required."""
    day, month, year = parse_date_parts(text)
    if year is None:
        raise ValueError(f"no year in {text!r}")
    return dt.date(year, month, day)


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    if len(text) == 2:
        this_year = dt.date.today().year % 100
        year += 2000 if year <= this_year else 1900
    return year


# ---- results ----------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


@dataclass
class RowOutcome:
    row_number: int
    action: str
    label: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """Counts per action plus up to `keep` example rows of each for a preview."""

    keep: int = 200
    counts: dict[str, int] = field(
        default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0}
    )
    samples: dict[str, list[RowOutcome]] = field(
        default_factory=lambda: {CREATED: [], UPDATED: [], UNCHANGED: [], REJECTED: []}
    )

    def add(self, outcome: RowOutcome) -> None:
        self.counts[outcome.action] += 1
        if len(self.samples[outcome.action]) < self.keep:
            self.samples[outcome.action].append(outcome)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def created(self) -> int:
        return self.counts[CREATED]

    @property
    def updated(self) -> int:
        return self.counts[UPDATED]

    @property
    def unchanged(self) -> int:
        return self.counts[UNCHANGED]

    @property
    def rejected(self) -> int:
        return self.counts[REJECTED]

    def more(self, action: str) -> int:
        """How many rows of `action` the sample leaves out."""
        return self.counts[action] - len(self.samples[action])
