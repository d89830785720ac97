"""Import from CSV, Excel and phone contacts through the pages and the CLI."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from setia.accounts.models import AuditEvent
from setia.customers.models import Customer, ImportJob, ImportStatus
from setia.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"

CSV = (
    "Nama;No HP;Tgl Lahir;Alamat;Kota;Catatan\n"
    "Siti Aminah;0812-3456-7890;17/08/1990;Jl. Sutera 5;Tangerang Selatan;gamis\n"
    "Dewi Lestari;62857 1111 2222;17 Agustus 1985;;Serpong;\n"
    "Tanpa Nomor;;;;;\n"
    "Nomor Salah;12345;;;;\n"
    "Siti Lagi;+62 812 3456 7890;;;;\n"
    "Tanggal Salah;0813-1111-2222;31/02/1990;;;\n"
)


def upload(client, name, data: bytes):
    return client.post(
        "/customers/import/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )


def test_csv_preview_then_confirm_is_all_written_and_audited(owner_client, shop):
    CustomerFactory(shop=shop, name="Dewi", phone="+6285711112222")
    response = upload(owner_client, "pelanggan.csv", CSV.encode())
    body = response.content.decode()
    result = response.context["result"]
    assert (result.created, result.updated, result.rejected) == (1, 1, 4)
    assert "Tidak ada nomor WhatsApp" in body or "No WhatsApp number" in body
    assert "baris 5" in body.lower() or "row 5" in body.lower()
    assert Customer.objects.filter(shop=shop).count() == 1  # nothing written yet
    job = ImportJob.objects.get(shop=shop)
    response = owner_client.post(f"/customers/import/{job.pk}/confirm/", follow=True)
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == "done"
    siti = Customer.objects.get(shop=shop, phone="+6281234567890")
    assert (siti.birth_day, siti.birth_month, siti.birth_year) == (17, 8, 1990)
    assert siti.city == "Tangerang Selatan"
    dewi = Customer.objects.get(shop=shop, phone="+6285711112222")
    assert dewi.name == "Dewi Lestari" and dewi.birth_year == 1985
    assert AuditEvent.objects.filter(action="customer.imported").count() == 1
    assert not Path(job.file_path).exists()


def test_reimporting_the_same_file_changes_nothing(owner_client, shop):
    for _round in range(2):
        upload(owner_client, "a.csv", CSV.encode())
        job = ImportJob.objects.filter(shop=shop).first()
        owner_client.post(f"/customers/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert (job.created_count, job.updated_count) == (0, 0)
    assert Customer.objects.filter(shop=shop).count() == 2


def test_xlsx_with_english_headers(owner_client, shop):
    book = openpyxl.Workbook()
    book.active.append(["Full name", "Phone", "Birthday", "City"])
    book.active.append(["Ayu", 6281234567890, "1990-08-17", "Serpong"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(owner_client, "a.xlsx", buffer.getvalue())
    assert response.context["result"].created == 1


def test_unrecognised_columns_can_be_mapped_by_hand(owner_client, shop):
    response = upload(owner_client, "a.csv", b"Siapa,Kontak\nAyu,081234567890\n")
    assert response.context["result"] is None
    job = ImportJob.objects.get(shop=shop)
    response = owner_client.post(
        f"/customers/import/{job.pk}/", {"map_name": "0", "map_phone": "1"}, follow=True
    )
    assert response.context["result"].created == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.csv", b"", "kosong"),
        ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "bukan"),
        ("a.xlsx", b"Nama,No HP\n", "bukan"),
        ("a.csv", b"Nama,No HP\n", "tidak ada baris"),
    ],
)
def test_bad_files_get_a_clear_refusal(owner_client, shop, name, data, message):
    response = upload(owner_client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode().lower()
    assert not ImportJob.objects.exists()


def test_upload_cap_is_enforced(owner_client, shop, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = upload(owner_client, "a.csv", b"Nama,No HP\n" + b"A,0812\n" * 50)
    assert "terlalu besar" in response.content.decode().lower()


def test_vcard_contacts_are_ticked_previewed_and_imported(owner_client, shop):
    data = (DATA / "android_contacts_v21.vcf").read_bytes()
    response = upload(owner_client, "kontak.vcf", data)
    usable = response.context["usable"]
    assert [c.name for c in usable] == [
        "Ibu Siti Aminah ✿ Gamis",
        "Kak René Reseller Bintaro Jaya",
        "Dewi Lestari",
    ]
    assert [c.name for c in response.context["unusable"]] == ["Toko Kain Pak Budi"]
    job = ImportJob.objects.get(shop=shop)
    response = owner_client.post(
        f"/customers/import/{job.pk}/contacts/",
        {"contact": ["1", "2", "3"]},
        follow=True,
    )
    assert response.context["result"].created == 2  # contact 3 has no usable number
    owner_client.post(f"/customers/import/{job.pk}/confirm/")
    phones = set(Customer.objects.filter(shop=shop).values_list("phone", flat=True))
    assert phones == {"+6281234567890", "+6281311112222"}


def test_iphone_vcard_grouped_numbers(owner_client, shop):
    data = (DATA / "iphone_contacts_v30.vcf").read_bytes()
    response = upload(owner_client, "kontak.vcf", data)
    by_name = {c.name: c for c in response.context["usable"]}
    putri = by_name["Putri Wulandari"]
    assert putri.phone == "+6287890001111"
    assert putri.other_phones == ["+6287890002222"]
    assert by_name["Ratna Maharani"].birthday == "12/05"
    assert [c.name for c in response.context["unusable"]] == ["Tukang Jahit"]


def test_staff_cannot_import(staff_client):
    response = staff_client.post("/customers/import/", {})
    assert response.status_code == 403


def test_cli_import_previews_and_writes_only_with_commit(shop, tmp_path):
    path = tmp_path / "pelanggan.csv"
    path.write_text(CSV)
    out = io.StringIO()
    call_command("customers", "import", str(path), "--shop", shop.slug, stdout=out)
    text = out.getvalue()
    assert "2 created, 0 updated, 0 unchanged, 4 rejected" in text
    assert "row 4\trejected\tTanpa Nomor" in text
    assert not Customer.objects.exists()
    call_command(
        "customers", "import", str(path), "--shop", shop.slug, "--commit", stdout=out
    )
    assert Customer.objects.filter(shop=shop).count() == 2


def test_cli_import_refuses_a_bad_file(shop, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty|kosong"):
        call_command("customers", "import", str(path), "--shop", shop.slug)


def test_cli_export_and_list_roundtrip(shop, other_shop, tmp_path):
    CustomerFactory(
        shop=shop, name="Siti", phone="+6281234567890", birth_day=17, birth_month=8
    )
    CustomerFactory(shop=shop, name="=HYPERLINK()", phone="+6281234567891")
    out = io.StringIO()
    call_command("customers", "list", "--shop", shop.slug, stdout=out)
    assert out.getvalue().splitlines() == [
        "+6281234567891\t=HYPERLINK()",
        "+6281234567890\tSiti",
    ]
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"out.{suffix}"
        call_command("customers", "export", str(path), "--shop", shop.slug, stdout=out)
        call_command(
            "customers",
            "import",
            str(path),
            "--shop",
            other_shop.slug,
            "--commit",
            stdout=out,
        )
        copied = Customer.objects.get(shop=other_shop, phone="+6281234567890")
        assert (copied.birth_day, copied.birth_month) == (17, 8)
    assert AuditEvent.objects.filter(action="customer.exported").count() == 2
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK()" in text


def test_commit_plans_again_when_a_customer_changed_after_planning(
    owner_client, shop, monkeypatch
):
    from setia.customers import importing, services

    dewi = CustomerFactory(shop=shop, name="Dewi", phone="+6285711112222")
    upload(owner_client, "pelanggan.csv", CSV.encode())
    job = ImportJob.objects.get(shop=shop)
    plan = importing._plan_to_spool
    plans = []

    def plan_then_clerk_edits(*args):
        result = plan(*args)
        if not plans:  # a clerk saves the profile while the file is read
            dewi.refresh_from_db()
            services.update_customer(shop, None, dewi, {"area": "Pagedangan"})
        plans.append(result)
        return result

    monkeypatch.setattr(importing, "_plan_to_spool", plan_then_clerk_edits)
    owner_client.post(f"/customers/import/{job.pk}/confirm/")
    assert len(plans) == 2
    dewi.refresh_from_db()
    assert (dewi.name, dewi.area, dewi.birth_year) == (
        "Dewi Lestari",
        "Pagedangan",
        1985,
    )


def test_imported_customers_are_found_by_search_and_a_failed_import_adds_none(
    owner_client, shop, monkeypatch
):
    from setia.customers import importing, services

    upload(owner_client, "pelanggan.csv", CSV.encode())
    job = ImportJob.objects.get(shop=shop)
    write = importing._RowMaker.write

    def write_then_fail(*args):
        write(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing._RowMaker, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        importing.commit_import(shop, None, job)
    assert not Customer.objects.filter(shop=shop).exists()
    assert not services.search_customers(shop, "aminah").exists()
    monkeypatch.setattr(importing._RowMaker, "write", write)
    upload(owner_client, "pelanggan.csv", CSV.encode())
    job = ImportJob.objects.filter(shop=shop).order_by("-pk").first()
    importing.commit_import(shop, None, job)
    siti = Customer.objects.get(shop=shop, phone="+6281234567890")
    assert list(services.search_customers(shop, "aminah")) == [siti]
    siti.name = "Siti Rahmawati"
    siti.save()  # the insert trigger is back: later writes stay searchable
    CustomerFactory(shop=shop, name="Nur Rahmawati")
    assert services.search_customers(shop, "rahmawati").count() == 2


def test_a_failed_import_logs_the_job_and_error_kind_but_no_row_data(
    owner_client, shop, monkeypatch, caplog
):
    import logging

    from setia.customers import importing

    upload(owner_client, "pelanggan.csv", CSV.encode())
    job = ImportJob.objects.get(shop=shop)

    def write_fails(*args):
        raise RuntimeError(
            'duplicate key: Key (shop_id, phone)=(1, +6281234567890), "Siti Aminah"'
        )

    monkeypatch.setattr(importing._RowMaker, "write", write_fails)
    with caplog.at_level(logging.DEBUG):
        importing.run_commit(shop.pk, None, job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error == "error"
    assert f"import job {job.pk} failed: RuntimeError" in caplog.text
    assert "6281234567890" not in caplog.text
    assert "Siti" not in caplog.text
    assert not Customer.objects.filter(shop=shop).exists()
