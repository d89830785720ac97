"""Export every customer of a shop to CSV or Excel (Owner only, audited).

The headers are the Indonesian ones the importer recognises, so an exported file
can be imported again (into another shop or after editing) unchanged.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.db.models import QuerySet

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers.models import Customer

COLUMNS = [
    ("Nama", "name"),
    ("No WA", "phone"),
    ("Tgl Lahir", "birthday"),
    ("Email", "email"),
    ("Alamat", "address"),
    ("Kecamatan", "area"),
    ("Kota", "city"),
    ("Jenis", "customer_type"),
    ("Jenis Kelamin", "gender"),
    ("Ukuran", "sizes"),
    ("Tag", "tags"),
    ("Catatan", "notes"),
    ("Setuju Promosi", "has_marketing_consent"),
]
_GENDER_TEXT = {"f": "P", "m": "L", "": ""}


def exported_customers(shop: Shop) -> QuerySet[Customer]:
    """Every customer but the erased: they have no data left to export, and a
    placeholder row would be refused when the file is imported again."""
    return Customer.objects.filter(shop=shop, erased_at__isnull=True)


def export_rows(shop: Shop) -> Iterator[list[str]]:
    """The header, then one row per customer (streamed)."""
    yield [header for header, _name in COLUMNS]
    qs = exported_customers(shop).order_by("name", "id")
    for c in qs.iterator(chunk_size=2000):
        birthday = ""
        if c.birth_day and c.birth_month:
            birthday = f"{c.birth_day:02d}/{c.birth_month:02d}"
            if c.birth_year:
                birthday += f"/{c.birth_year}"
        row = {
            "name": c.name,
            "phone": c.phone,
            "birthday": birthday,
            "email": c.email,
            "address": c.address,
            "area": c.area,
            "city": c.city,
            "customer_type": "grosir" if c.customer_type == "reseller" else "eceran",
            "gender": _GENDER_TEXT.get(c.gender, ""),
            "sizes": c.sizes,
            "tags": c.tags,
            "notes": c.notes,
            "has_marketing_consent": "ya" if c.has_marketing_consent else "tidak",
        }
        yield [_safe(row[name]) for _header, name in COLUMNS]


def _safe(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in Excel (CSV injection);
    # so can one starting with TAB or CR, which spreadsheets skip before
    # looking for the formula sign (OWASP lists all six).
    # "+6281…" (only digits) is a phone number, not a formula: kept as it is.
    text = str(value or "")
    if text[:1] in ("=", "-", "@", "\t", "\r") or (
        text[:1] == "+" and not text[1:].isdigit()
    ):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(shop: Shop) -> Iterator[str]:
    """CSV text line by line (UTF-8 with BOM so Excel shows accents)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in export_rows(shop):
        yield writer.writerow(row)


def write_export(shop: Shop, by: User | None, path: str | Path) -> int:
    """Write all customers to `path` (.csv or .xlsx); return the row count."""
    path = Path(path)
    count = 0
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Pelanggan")
        for row in export_rows(shop):
            sheet.append(row)
            count += 1
        book.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as out:
            for line in csv_lines(shop):
                out.write(line)
                count += 1
    record_export(shop, by, path.suffix.lower().lstrip(".") or "csv", count - 1)
    return count - 1


def record_export(shop: Shop, by: User | None, kind: str, count: int) -> None:
    audit.record(shop, by, "customer.exported", detail=f"{kind}: {count} customers")
