"""setia/lib/tabular.py: sniffing, refusing bad files, streaming rows, dates."""

import datetime as dt
import zipfile

import openpyxl
import pytest

from setia.lib import tabular
from setia.lib.tabular import TabularError, check_upload, open_table


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path, kind):
    with open_table(path, kind) as table:
        return table.headers, list(table.rows())


def refusal(path, name=None, allowed=("csv", "xlsx")):
    with pytest.raises(TabularError) as info:
        kind = check_upload(path, name or path.name, allowed)
        read_all(path, kind)
    return info.value.code


def test_semicolon_csv_from_excel_in_cp1252_is_read(tmp_path):
    data = "Nama;No HP;Catatan\r\nRenée;0812-3456-789;suka gamis\r\n".encode("cp1252")
    path = write(tmp_path, "pelanggan.csv", data)
    assert check_upload(path, "pelanggan.csv") == "csv"
    headers, rows = read_all(path, "csv")
    assert headers == ["Nama", "No HP", "Catatan"]
    assert rows == [(2, ["Renée", "0812-3456-789", "suka gamis"])]


def test_utf8_bom_csv_with_commas_and_blank_lines(tmp_path):
    data = "\ufeffNama,Telepon\n\nSiti Aminah,0812\n,\nDewi,0813\n".encode()
    path = write(tmp_path, "a.csv", data)
    headers, rows = read_all(path, "csv")
    assert headers == ["Nama", "Telepon"]
    assert rows == [(3, ["Siti Aminah", "0812"]), (5, ["Dewi", "0813"])]


def test_short_rows_are_padded_and_long_rows_cut(tmp_path):
    path = write(tmp_path, "a.csv", b"a,b,c\n1\n1,2,3,4\n")
    _headers, rows = read_all(path, "csv")
    assert rows == [(2, ["1", "", ""]), (3, ["1", "2", "3"])]


def test_xlsx_cells_become_text(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nama", "No WA", "Tgl Lahir"])
    sheet.append(["Ayu", 6281234567890, dt.datetime(1990, 8, 17)])
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert check_upload(path, "a.xlsx") == "xlsx"
    headers, rows = read_all(path, "xlsx")
    assert headers == ["Nama", "No WA", "Tgl Lahir"]
    assert rows == [(2, ["Ayu", "6281234567890", "1990-08-17"])]


def test_refuses_an_empty_file(tmp_path):
    assert refusal(write(tmp_path, "a.csv", b"")) == "empty"
    assert refusal(write(tmp_path, "b.csv", b"\n\n  \n")) == "empty"


def test_refuses_a_header_without_rows(tmp_path):
    assert refusal(write(tmp_path, "a.csv", b"Nama,No HP\n")) == "no_rows"


def test_refuses_a_file_over_the_upload_cap(tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    assert refusal(write(tmp_path, "a.csv", b"a,b\n" * 1000)) == "too_big"


def test_refuses_binary_posing_as_csv(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert refusal(write(tmp_path, "foto.csv", png)) == "binary"


def test_refuses_old_excel(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert refusal(write(tmp_path, "a.xls", data)) == "xls"


def test_refuses_xlsx_that_is_not_a_zip(tmp_path):
    assert refusal(write(tmp_path, "a.xlsx", b"Nama,No HP\nA,1\n")) == "not_zip"


def _xlsx_with_sheet(tmp_path, sheet_xml: bytes, name="bomb.xlsx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def test_refuses_an_xlsx_formula_bomb(tmp_path):
    cells = b"".join(
        b'<c r="A%d"><f>REPT("x",32767)&amp;A%d</f></c>' % (i, i + 1)
        for i in range(1, 6000)
    )
    path = _xlsx_with_sheet(
        tmp_path, b"<worksheet><sheetData>" + cells + b"</sheetData></worksheet>"
    )
    assert refusal(path) == "formula_bomb"


def test_refuses_an_xlsx_that_declares_a_huge_sheet(tmp_path):
    xml = b'<worksheet><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'
    assert refusal(_xlsx_with_sheet(tmp_path, xml)) == "huge_sheet"


def test_refuses_an_xlsx_zip_bomb(tmp_path):
    xml = (
        b"<worksheet><sheetData>"
        + b" " * (50 * 1024 * 1024)
        + b"</sheetData></worksheet>"
    )
    assert refusal(_xlsx_with_sheet(tmp_path, xml)) == "zip_bomb"


def test_refuses_xml_entity_declarations(tmp_path):
    xml = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>'
    assert refusal(_xlsx_with_sheet(tmp_path, xml)) == "xml_entities"


def test_refuses_too_many_rows(tmp_path):
    path = write(tmp_path, "a.csv", b"a\n" + b"1\n" * 11)
    with pytest.raises(TabularError) as info, open_table(path, "csv", max_rows=10) as t:
        list(t.rows())
    assert info.value.code == "too_many_rows"


def test_contacts_file_is_recognised_only_when_allowed(tmp_path):
    path = write(tmp_path, "kontak.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n")
    assert check_upload(path, "kontak.vcf", allowed=("csv", "xlsx", "vcf")) == "vcf"
    assert refusal(path) == "wrong_kind"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nama", "name"),
        ("NAMA LENGKAP", "name"),
        ("No. HP", "phone"),
        ("No WA", "phone"),
        ("Telepon", "phone"),
        ("Phone Number", "phone"),
        ("Tgl Lahir", "birthday"),
    ],
)
def test_match_headers_ignores_case_and_punctuation(header, field):
    synonyms = {
        "name": ["nama", "nama lengkap"],
        "phone": ["no hp", "no wa", "telepon", "phone number"],
        "birthday": ["tgl lahir"],
    }
    assert tabular.match_headers(["x", header], synonyms) == {field: 1}


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("17/08/1990", (17, 8, 1990)),
        ("17-08-1990", (17, 8, 1990)),
        ("17.08.90", (17, 8, 1990)),
        ("1990-08-17", (17, 8, 1990)),
        ("1990-08-17 00:00:00", (17, 8, 1990)),
        ("17 Agustus 1990", (17, 8, 1990)),
        ("17 agt 1990", (17, 8, 1990)),
        ("17-Agu-1990", (17, 8, 1990)),
        ("5 Mei 2001", (5, 5, 2001)),
        ("1 Desember 1985", (1, 12, 1985)),
        ("17 August 1990", (17, 8, 1990)),
        ("17 Agustus", (17, 8, None)),
        ("29/02", (29, 2, None)),
    ],
)
def test_indonesian_dates(text, parts):
    assert tabular.parse_date_parts(text) == parts


@pytest.mark.parametrize(
    "text",
    ["", "32/01/1990", "17 Agustusan 1990", "12/13/1990", "kemarin", "29/02/1991"],
)
def test_bad_dates_raise(text):
    with pytest.raises(ValueError):
        tabular.parse_date_parts(text)


def test_parse_date_needs_a_year():
    assert tabular.parse_date("17 Agustus 1990") == dt.date(1990, 8, 17)
    with pytest.raises(ValueError):
        tabular.parse_date("17 Agustus")


def test_import_result_keeps_counts_and_a_bounded_sample():
    result = tabular.ImportResult(keep=2)
    for n in range(5):
        result.add(tabular.RowOutcome(n, tabular.REJECTED, reasons=["x"]))
    assert result.rejected == 5
    assert len(result.samples["rejected"]) == 2
    assert result.more("rejected") == 3


def test_every_tabular_message_reads_in_indonesian():
    from django.utils import translation

    with translation.override("id"):
        for message in tabular.MESSAGES.values():
            with translation.override("en"):
                english = str(message)
            assert str(message) != english, english
