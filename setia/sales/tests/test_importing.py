import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from setia.customers.models import Customer
from setia.sales import importing, services
from setia.sales.models import Payment, Product, Sale, SaleLine
from setia.sales.tests.factories import make_customer

pytestmark = pytest.mark.django_db

CSV = """Tanggal;No Nota;No HP;Nama;Barang;Qty;Total
03/02/2025;N1;0812-1111-2222;Bu Sari;Gamis Zahra;1;185.000
03/02/2025;N1;0812-1111-2222;Bu Sari;Pashmina Ceruty;2;130000
04 Februari 2025;N2;;;Bergo Instan;1;Rp 65.000
05/02/2025;N3;12345;Salah Nomor;Tunik;1;120000
31/13/2025;N4;;;Tunik;1;120000
06/02/2025;N5;;Bu Tini;;1;300000
"""


def write(tmp_path, text=CSV, name="penjualan.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_preview_counts_sales_and_rejects_bad_rows_without_writing(shop, tmp_path):
    result = importing.preview_import(shop, write(tmp_path), "csv")
    assert result.created == 3
    assert result.rejected == 2
    reasons = " ".join(" ".join(r.reasons) for r in result.samples["rejected"])
    assert "12345" in reasons
    assert not Sale.objects.exists()
    assert not Customer.objects.exists()


def test_commit_creates_sales_customers_products_and_is_idempotent(
    shop, owner, tmp_path
):
    path = write(tmp_path)
    result = importing.commit_import(shop, owner, path, "csv")
    assert result.created == 3
    first = Sale.objects.get(note="N1")
    assert first.total_idr == 315_000
    assert first.business_on == dt.date(2025, 2, 3)
    assert first.customer.phone == "+6281211112222"
    assert first.lines.count() == 2
    assert Payment.objects.get(sale=first).amount_idr == 315_000
    walk_in = Sale.objects.get(note="N2")
    assert walk_in.customer is None and walk_in.total_idr == 65_000
    assert Product.objects.filter(shop=shop, name="Gamis Zahra").exists()
    assert not Product.objects.get(name="Gamis Zahra").tracks_stock
    again = importing.commit_import(shop, owner, path, "csv")
    assert (again.created, again.unchanged) == (0, 3)
    assert Sale.objects.count() == 3
    assert SaleLine.objects.count() == 4


def test_imported_history_feeds_purchase_rows(shop, owner, tmp_path):
    importing.commit_import(shop, owner, write(tmp_path), "csv")
    rows = list(services.purchase_rows(shop))
    assert [(r[1], r[2]) for r in rows] == [(dt.date(2025, 2, 3), 315_000)]


def test_name_only_row_matches_a_unique_existing_customer(shop, owner, tmp_path):
    tini = make_customer(shop, name="Bu Tini")
    importing.commit_import(shop, owner, write(tmp_path), "csv")
    assert Sale.objects.get(note="N5").customer == tini


def test_rows_without_receipt_group_by_date_and_customer(shop, owner, tmp_path):
    text = (
        "tanggal,no wa,produk,jumlah\n"
        "2025-05-01,081299990000,Rok,100000\n"
        "2025-05-01,081299990000,Blus,90000\n"
        "2025-05-02,081299990000,Blus,90000\n"
    )
    importing.commit_import(shop, owner, write(tmp_path, text), "csv")
    assert sorted(Sale.objects.values_list("total_idr", flat=True)) == [90_000, 190_000]


def test_excel_file_imports(shop, owner, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tanggal", "Pelanggan", "No HP", "Barang", "Qty", "Harga"])
    sheet.append(
        [dt.datetime(2025, 1, 9), "Bu Ani", "081277778888", "Gamis", 2, 150000]
    )
    path = tmp_path / "nota.xlsx"
    book.save(path)
    result = importing.commit_import(shop, owner, path, "xlsx")
    assert result.created == 1
    assert Sale.objects.get().total_idr == 300_000


def test_missing_amount_column_is_explained(shop, tmp_path):
    with pytest.raises(Exception, match="amount"):
        importing.preview_import(
            shop, write(tmp_path, "tanggal,nama\n1/1/2025,A\n"), "csv"
        )


def test_command_previews_then_commits_with_column_options(shop, tmp_path):
    text = "Hari,Siapa,Uang\n2025-03-01,Bu Ani,50000\n"
    path = write(tmp_path, text)
    out = io.StringIO()
    call_command(
        "sales",
        "import",
        str(path),
        "--shop",
        shop.slug,
        "--date",
        "Hari",
        "--customer",
        "Siapa",
        "--amount",
        "Uang",
        stdout=out,
    )
    assert "would import: 1 sales" in out.getvalue()
    assert not Sale.objects.exists()
    call_command(
        "sales",
        "import",
        str(path),
        "--shop",
        shop.slug,
        "--commit",
        "--date",
        "Hari",
        "--customer",
        "Siapa",
        "--amount",
        "Uang",
        stdout=out,
    )
    assert Sale.objects.get().total_idr == 50_000
    with pytest.raises(CommandError):
        call_command("sales", "import", str(path), "--shop", "no-such-shop")


def test_import_pages_preview_and_confirm(owner_client, shop):
    upload = SimpleUploadedFile("jual.csv", CSV.encode(), content_type="text/csv")
    response = owner_client.post("/sales/import/", {"file": upload})
    assert response["Location"] == "/sales/import/preview/"
    preview = owner_client.get("/sales/import/preview/")
    assert preview.context["result"].created == 3
    assert not Sale.objects.exists()
    owner_client.post("/sales/import/preview/")
    assert Sale.objects.count() == 3


def test_staff_cannot_import(staff_client):
    assert staff_client.get("/sales/import/").status_code == 403
