"""Usability fixes in accounts: the audit log in words, error pages, the login
error, and the two language choices in settings."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader
from django.urls import reverse

from setia.accounts import audit

SETIA = Path(__file__).resolve().parents[2]


def _action_codes_in_code_base() -> dict[str, str]:
    """Every action code passed to `audit.record(...)` outside tests: code → file."""
    codes: dict[str, str] = {}
    for path in SETIA.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None:
                action = node.args[2]
            options = (
                [action.body, action.orelse]
                if isinstance(action, ast.IfExp)
                else [action]
            )
            for option in options:
                # A code built at run time could not be checked for a label.
                assert isinstance(option, ast.Constant) and isinstance(
                    option.value, str
                ), f"{path}:{node.lineno}: audit action code must be a literal"
                codes[option.value] = f"{path.relative_to(SETIA)}:{node.lineno}"
    return codes


def test_every_audit_action_code_in_the_code_base_has_a_label():
    codes = _action_codes_in_code_base()
    # The scan must see the code base: a broken walk would pass vacuously.
    assert {"loyalty.own_link_issued", "staff.activated", "staff.deactivated"} <= set(
        codes
    )
    missing = {
        code: where for code, where in codes.items() if code not in audit.ACTION_LABELS
    }
    assert missing == {}


@pytest.mark.django_db
def test_audit_log_shows_each_event_in_plain_words(owner_client, shop, owner):
    from setia.accounts.models import Membership
    from setia.campaigns.models import Campaign
    from setia.customers.models import Customer
    from setia.loyalty import members

    customer = Customer.objects.create(
        shop=shop, name="Bu Rahasia", phone="+6281377770001"
    )
    members.issue_own_page_link(shop, customer, by=owner)  # loyalty.own_link_issued
    audit.record(shop, owner, "customer.updated", customer, fields=["name", "phone"])
    campaign = Campaign.objects.create(shop=shop, name="Lebaran", message="Halo")
    audit.record(shop, owner, "campaign.saved", campaign, fields=["name", "audience"])
    audit.record(
        shop, owner, "customer.consent", customer, fields=["marketing.whatsapp"]
    )
    staff = Membership.objects.get(shop=shop, user=owner)
    audit.record(shop, owner, "staff.deactivated", staff)
    audit.record(shop, owner, "someday.new_thing")

    page = owner_client.get(reverse("accounts:audit_log")).content.decode()

    assert "Link halaman pelanggan dibuat" in page
    assert "Data pelanggan diubah" in page
    assert f"Pelanggan #{customer.pk}" in page
    assert "(nama, nomor WhatsApp)" in page
    assert "Kampanye disimpan" in page and "Kampanye «Lebaran»" in page
    assert "(kirim ke, nama kampanye)" in page
    assert "Persetujuan pelanggan dicatat" in page
    assert "(Pesan promo · WhatsApp)" in page
    assert "Akun karyawan dinonaktifkan" in page and f"Akun «{owner.username}»" in page
    # No raw codes, no model labels, and never the customer's own data.
    for raw in ("loyalty.own_link_issued", "loyalty.ownpagelink", "customers.customer"):
        assert raw not in page
    assert "Bu Rahasia" not in page and "6281377770001" not in page
    # A code nobody labelled yet still shows, as it is.
    assert "someday.new_thing" in page


@pytest.mark.django_db
def test_wrong_login_says_so_in_plain_indonesian(client, owner):
    response = client.post(
        reverse("accounts:login"), {"username": owner.username, "password": "salah"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page.lower()


@pytest.mark.django_db
def test_staff_opening_an_owner_page_gets_the_indonesian_403_page(
    staff_client, settings
):
    settings.DEBUG = False
    response = staff_client.get(reverse("accounts:audit_log"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in page and "Forbidden" not in page
    assert 'data-testid="error-403"' in page
    assert "Kembali ke Beranda" in page
    # The menu is there, so the user is not stranded.
    assert 'class="bottomnav"' in page


@pytest.mark.django_db
def test_unknown_address_gets_the_indonesian_404_page(staff_client, settings):
    settings.DEBUG = False
    response = staff_client.get("/tidak-ada-halaman-ini/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in page and "Not Found" not in page
    assert 'class="bottomnav"' in page and "Kembali ke Beranda" in page


def test_500_page_is_static_and_needs_no_database_or_request():
    # No django_db mark: any database use while rendering would fail the test.
    assert Path(settings.BASE_DIR) / "templates" in [
        Path(d) for d in settings.TEMPLATES[0]["DIRS"]
    ]
    template = loader.get_template("500.html")
    assert template.origin.name == str(
        Path(settings.BASE_DIR) / "templates" / "500.html"
    )
    html = template.render()  # as Django's server_error does: no context at all
    assert "Maaf, terjadi kesalahan" in html and 'href="/"' in html
    assert "{%" not in template.template.source


@pytest.mark.django_db
def test_settings_name_the_two_language_choices_apart(owner_client):
    page = owner_client.get(reverse("accounts:settings")).content.decode()
    assert "Bahasa saya" in page
    assert "Bahasa toko" in page
    assert "karyawan baru" in page  # what the shop language is for
