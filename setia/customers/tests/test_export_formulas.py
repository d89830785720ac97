"""Customer export: no cell starts a spreadsheet formula (CSV injection, OWASP:
= + - @ TAB CR), while phone numbers stay as they are."""

import csv

import openpyxl
import pytest

from setia.customers import exporting
from setia.customers.tests.factories import CustomerFactory

RISKY = ["=1+1", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "+"]


@pytest.mark.parametrize("text", RISKY)
def test_safe_prefixes_every_formula_start(text):
    assert exporting._safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Siti", "+6281234567890", "", "'=1+1", " =x"])
def test_safe_keeps_plain_text_and_phone_numbers(text):
    assert exporting._safe(text) == text


@pytest.mark.django_db
def test_csv_and_xlsx_export_guard_tab_and_cr_cells(shop, owner, tmp_path):
    CustomerFactory(
        shop=shop,
        name='\t=HYPERLINK("http://evil.example")',
        phone="+6281234567890",
        notes="\r=1+1",
        address="@SUM(A1)",
    )
    rows = list(exporting.export_rows(shop))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert row["Nama"] == '\'\t=HYPERLINK("http://evil.example")'
    assert row["Catatan"] == "'\r=1+1"
    assert row["Alamat"] == "'@SUM(A1)"
    assert row["No WA"] == "+6281234567890"

    path = tmp_path / "pelanggan.csv"
    exporting.write_export(shop, owner, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        read = list(csv.DictReader(fh))
    assert read[0]["Nama"].startswith("'\t=") and read[0]["Catatan"] == "'\r=1+1"

    book_path = tmp_path / "pelanggan.xlsx"
    exporting.write_export(shop, owner, book_path)
    sheet = openpyxl.load_workbook(book_path).active
    cells = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert cells["Nama"].startswith("'\t=") and cells["Catatan"].startswith("'")
