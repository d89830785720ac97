"""Erasing a customer's personal data on request (UU PDP) while the books stay."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import browser_login, no_sideways_scroll, screenshot
from setia.accounts.models import AuditEvent
from setia.campaigns.audiences import audience_customers
from setia.campaigns.tests.factories import draft
from setia.customers import erasure, exporting, importing, merging, services
from setia.customers.models import (
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    Customer,
    ImportJob,
    ImportStatus,
    Interaction,
)
from setia.customers.tests.factories import CustomerFactory
from setia.lib.phones import normalize_phone
from setia.loyalty import members
from setia.loyalty.models import PointsAccount, PointsEntry
from setia.loyalty.services import find_customer_by_member_code
from setia.loyalty.tests.factories import make_program
from setia.sales import history
from setia.sales.models import Sale
from setia.sales.receipts import whatsapp_url
from setia.sales.tests.factories import make_product, sell

pytestmark = pytest.mark.django_db

NAME = "Siti Rahmawati"
PHONE = "+6281298765432"
MARKETING_WA = (ConsentPurpose.MARKETING, ConsentChannel.WHATSAPP)
BIRTHDAY_WA = (ConsentPurpose.BIRTHDAY, ConsentChannel.WHATSAPP)
MARKETING_SMS = (ConsentPurpose.MARKETING, ConsentChannel.SMS)
# What the customer's personal data looks like in a text with spaces and dashes
# taken out: the name, the number (E.164, local, a run of the middle digits),
# the email and the address.
TRACES = (
    "sitirahmawati",
    "rahmawati",
    "6281298765432",
    "081298765432",
    "98765432",
    "siti@example",
    "kebonkacang",
    "tanahabang",
)


@pytest.fixture
def siti(shop, owner):
    customer = Customer.objects.create(
        shop=shop,
        name=NAME,
        phone=PHONE,
        email="siti@example.com",
        birth_day=12,
        birth_month=5,
        birth_year=1990,
        gender="f",
        area="Tanah Abang",
        city="Jakarta Pusat",
        address="Jl. Kebon Kacang 3",
        acquisition_source="instagram",
        sizes="L",
        favourites="gamis hijau",
        monthly_clothing_spend_idr=500_000,
        tags="gamis, vip",
        notes="Suka hijau. Adiknya Rina juga belanja di sini.",
    )
    services.record_consent(
        customer,
        owner,
        {MARKETING_WA: True, BIRTHDAY_WA: True, MARKETING_SMS: False},
    )
    today = timezone.localdate()
    services.log_interaction(
        customer, owner, "chat", "Siti tanya gamis L", today, today
    )
    customer.refresh_from_db()
    return customer


def erase(shop, owner, customer):
    return erasure.erase_customer(
        shop, owner, customer, reason=erasure.ErasureReason.REQUEST
    )


def assert_no_traces(text: str) -> None:
    # The CSRF token is random letters and digits: left out, it cannot fake a trace.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    folded = text.lower().replace("-", "").replace(" ", "")
    for trace in TRACES:
        assert trace not in folded, trace


# ---- the service ---------------------------------------------------------------


def test_erasure_removes_the_name_the_number_every_optional_field_and_the_notes(
    shop, owner, siti
):
    keep = CustomerFactory(shop=shop, name="Bu Wulan")
    services.log_interaction(keep, owner, "visit", "Beli kerudung")

    erase(shop, owner, siti)

    siti.refresh_from_db()
    assert siti.erased_at is not None
    assert siti.name == f"Pelanggan dihapus #{siti.pk}"
    assert not any(ch.isdigit() for ch in siti.phone)
    assert siti.phone_display == ""
    with pytest.raises(ValidationError):
        normalize_phone(siti.phone)
    for field in (
        "email",
        "gender",
        "area",
        "city",
        "address",
        "acquisition_source",
        "sizes",
        "favourites",
        "tags",
        "notes",
        "search_text",
    ):
        assert getattr(siti, field) == "", field
    for field in (
        "birth_day",
        "birth_month",
        "birth_year",
        "monthly_clothing_spend_idr",
    ):
        assert getattr(siti, field) is None, field
    assert not Interaction.objects.filter(customer=siti).exists()
    assert Interaction.objects.filter(customer=keep).count() == 1
    keep.refresh_from_db()
    assert keep.name == "Bu Wulan" and keep.erased_at is None


def test_consent_ends_withdrawn_and_the_old_events_stay(shop, owner, siti):
    before = list(
        ConsentEvent.objects.filter(customer=siti).values_list("pk", flat=True)
    )

    erase(shop, owner, siti)

    siti.refresh_from_db()
    assert not siti.has_marketing_consent
    assert all(granted is False for granted in services.consent_state(siti).values())
    assert set(before) <= set(
        ConsentEvent.objects.filter(customer=siti).values_list("pk", flat=True)
    )
    withdrawn = ConsentEvent.objects.filter(customer=siti).exclude(pk__in=before)
    # Only the two answers that were "yes"; the SMS "no" needs no new event.
    assert sorted(withdrawn.values_list("purpose", "channel", "is_granted")) == [
        ("birthday", "whatsapp", False),
        ("marketing", "whatsapp", False),
    ]
    assert set(withdrawn.values_list("source", flat=True)) == {ConsentSource.ERASURE}
    with pytest.raises(ValueError):
        services.record_consent(siti, owner, {MARKETING_WA: True})


def test_sales_points_and_the_day_and_analysis_totals_stay(shop, owner, siti):
    make_program(shop)
    variant = make_product(shop, price=150_000, stock=5).variants.get()
    sale = sell(shop, owner, variant, 2, customer=siti)
    today = timezone.localdate()
    summary = history.daily_summary(shop, today)
    rows = list(history.purchase_rows(shop))
    account = PointsAccount.objects.get(customer=siti)
    entries = list(PointsEntry.objects.filter(account=account).values("pk", "points"))
    assert account.balance > 0

    erase(shop, owner, siti)

    sale = Sale.objects.get(pk=sale.pk)
    assert sale.customer_id == siti.pk and sale.total_idr == 300_000
    assert history.daily_summary(shop, today) == summary
    assert list(history.purchase_rows(shop)) == rows
    assert PointsAccount.objects.get(pk=account.pk).balance == account.balance
    assert list(PointsEntry.objects.filter(account=account).values("pk", "points")) == (
        entries
    )


def test_search_by_the_old_name_or_number_finds_nothing(shop, owner, siti):
    other = CustomerFactory(shop=shop, name="Siti Aminah", phone="+6281298700000")
    queries = ["siti", "Rahmawati", "si", "0812-9876-5432", "+62 812 9876", "98765"]
    for query in queries:
        assert siti in services.search_customers(shop, query), query

    erase(shop, owner, siti)

    for query in [*queries, "dihapus", "pelanggan", "erased", "08", "e"]:
        assert siti not in services.search_customers(shop, query), query
        found = services.filter_customers(shop, {"q": query, "sort": "last_purchase"})
        assert siti not in found, query
    assert siti not in services.filter_customers(shop, {})
    assert list(services.search_customers(shop, "siti")) == [other]
    assert services.find_by_phone(shop, PHONE) is None


def test_erased_customer_gets_no_campaign_greeting_or_follow_up(shop, owner, siti):
    campaign = draft(shop, owner)
    assert siti in audience_customers(shop, campaign)
    assert siti in services.filter_customers(shop, {"month": "5"})
    assert services.due_follow_ups(shop, timezone.localdate()).exists()

    erase(shop, owner, siti)

    assert siti not in audience_customers(shop, campaign)
    assert siti not in services.marketing_whatsapp_customers(shop)
    assert siti not in services.filter_customers(shop, {"month": "5"})
    assert not services.due_follow_ups(shop, timezone.localdate()).exists()


def test_the_export_leaves_out_an_erased_customer(shop, owner, siti):
    CustomerFactory(shop=shop, name="Bu Wulan")
    erase(shop, owner, siti)
    rows = list(exporting.export_rows(shop))
    assert [row[0] for row in rows[1:]] == ["Bu Wulan"]
    assert_no_traces(repr(rows))


def test_receipts_of_their_old_sales_open_no_chat_with_the_number(
    shop, owner, siti, staff_client
):
    variant = make_product(shop).variants.get()
    sale = sell(shop, owner, variant, customer=siti)
    assert "wa.me/6281298765432" in whatsapp_url(sale)

    erase(shop, owner, siti)

    sale = Sale.objects.select_related("customer").get(pk=sale.pk)
    url = whatsapp_url(sale)
    assert url.startswith("https://wa.me/?text=")
    assert_no_traces(url)
    page = staff_client.get(f"/sales/{sale.pk}/receipt/").content.decode()
    assert "wa.me/?text=" in page
    assert_no_traces(page)


def test_member_cards_and_own_page_links_stop_working(shop, owner, siti, client):
    make_program(shop)
    card = members.issue_member_card(shop, siti, by=owner)
    link = members.issue_own_page_link(shop, siti, by=owner)
    token = members.own_page_token(link)
    assert find_customer_by_member_code(shop, card.code) == siti
    assert client.get(f"/loyalty/me/{token}/").status_code == 200

    erase(shop, owner, siti)

    assert find_customer_by_member_code(shop, card.code) is None
    assert members.link_from_token(token) is None
    assert client.get(f"/loyalty/me/{token}/").status_code == 404
    siti.refresh_from_db()
    with pytest.raises(ValueError):
        members.issue_member_card(shop, siti, by=owner)
    with pytest.raises(ValueError):
        members.issue_own_page_link(shop, siti, by=owner)


def test_a_waiting_import_that_may_list_them_is_cancelled(
    shop, owner, siti, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    waiting = importing.store_upload(
        shop, owner, b"Nama,No WA\nSiti Rahmawati,0812-9876-5432\n", "daftar.csv"
    )
    done = ImportJob.objects.create(
        shop=shop, file_kind="csv", file_path="", status=ImportStatus.DONE
    )
    assert Path(waiting.file_path).exists()

    with django_capture_on_commit_callbacks(execute=True):
        erase(shop, owner, siti)

    assert not ImportJob.objects.filter(pk=waiting.pk).exists()
    assert not Path(waiting.file_path).exists()
    assert ImportJob.objects.filter(pk=done.pk).exists()


def test_erasing_twice_changes_nothing(shop, owner, siti):
    erase(shop, owner, siti)
    siti.refresh_from_db()
    first = siti.erased_at
    events = ConsentEvent.objects.count()
    audits = AuditEvent.objects.count()

    erase(shop, owner, siti)

    siti.refresh_from_db()
    assert siti.erased_at == first
    assert ConsentEvent.objects.count() == events
    assert AuditEvent.objects.count() == audits


def test_the_audit_event_holds_no_personal_data(shop, owner, siti):
    erase(shop, owner, siti)
    event = AuditEvent.objects.get(action="customer.erased")
    assert event.object_id == str(siti.pk) and event.actor == owner
    assert "reason=request" in event.detail
    assert_no_traces(f"{event.detail} {event.fields}")
    assert_no_traces(" ".join(AuditEvent.objects.values_list("detail", flat=True)))


def test_an_erased_customer_cannot_be_merged(shop, owner, siti):
    twin = CustomerFactory(shop=shop, name="Pelanggan dihapus #0")
    erase(shop, owner, siti)
    with pytest.raises(ValueError):
        merging.merge_customers(shop, owner, twin, siti)
    with pytest.raises(ValueError):
        merging.merge_customers(shop, owner, siti, twin)
    other = CustomerFactory(shop=shop)
    erase(shop, owner, other)
    groups = merging.probable_duplicates(shop)
    assert all(c.erased_at is None for group in groups for c in group)


def test_reason_must_be_one_of_the_fixed_codes(shop, owner, siti):
    with pytest.raises(ValueError):
        erasure.erase_customer(shop, owner, siti, reason="Siti minta dihapus")
    siti.refresh_from_db()
    assert siti.erased_at is None


def test_a_customer_of_another_shop_is_refused(shop, owner, other_shop):
    stranger = CustomerFactory(shop=other_shop)
    with pytest.raises(ValueError):
        erase(shop, owner, stranger)


# ---- the page ------------------------------------------------------------------


def form(**extra):
    return {"reason": "request", "confirm": "HAPUS", **extra}


def test_owner_erases_from_the_profile(owner_client, shop, siti):
    page = owner_client.get(f"/customers/{siti.pk}/").content.decode()
    assert "Hapus data pelanggan" in page
    assert f'action="/customers/{siti.pk}/erase/"' in page

    response = owner_client.post(f"/customers/{siti.pk}/erase/", form())

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{siti.pk}/"
    siti.refresh_from_db()
    assert siti.erased_at is not None
    page = owner_client.get(f"/customers/{siti.pk}/").content.decode()
    assert "Data pelanggan ini sudah dihapus" in page
    assert_no_traces(page)
    for gone in (
        "wa.me",
        f"/customers/{siti.pk}/edit/",
        f"/customers/{siti.pk}/merge/",
    ):
        assert gone not in page, gone
    assert f'action="/customers/{siti.pk}/erase/"' not in page
    for path in ("edit/", "consent/", "merge/"):
        assert owner_client.get(f"/customers/{siti.pk}/{path}").status_code == 404
    response = owner_client.post(
        f"/customers/{siti.pk}/interactions/",
        {"kind": "visit", "text": "datang lagi", "happened_on": "2025-01-02"},
    )
    assert response.status_code == 404


def test_the_confirmation_word_must_be_typed(owner_client, shop, siti):
    for bad in ({"confirm": ""}, {"confirm": "hapus saja"}, {"reason": "bosan"}):
        response = owner_client.post(f"/customers/{siti.pk}/erase/", form(**bad))
        assert response.status_code == 200, bad
        siti.refresh_from_db()
        assert siti.erased_at is None, bad
    # Case and spaces do not matter.
    owner_client.post(f"/customers/{siti.pk}/erase/", form(confirm=" hapus "))
    siti.refresh_from_db()
    assert siti.erased_at is not None


def test_staff_never_sees_the_section_and_gets_403(staff_client, shop, siti):
    page = staff_client.get(f"/customers/{siti.pk}/").content.decode()
    assert "/erase/" not in page
    response = staff_client.post(f"/customers/{siti.pk}/erase/", form())
    assert response.status_code == 403
    siti.refresh_from_db()
    assert siti.erased_at is None and siti.name == NAME


def test_another_shops_customer_is_404_and_get_is_refused(
    owner_client, other_shop, shop, siti
):
    stranger = CustomerFactory(shop=other_shop)
    response = owner_client.post(f"/customers/{stranger.pk}/erase/", form())
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.erased_at is None
    assert owner_client.get(f"/customers/{siti.pk}/erase/").status_code == 405


def test_loyalty_pages_make_no_new_card_or_link_for_an_erased_customer(
    owner_client, shop, owner, siti
):
    make_program(shop)
    erase(shop, owner, siti)
    assert owner_client.get(f"/loyalty/members/{siti.pk}/card/").status_code == 404
    response = owner_client.post(f"/loyalty/members/{siti.pk}/link/")
    assert response.status_code == 404
    page = owner_client.get(f"/loyalty/members/{siti.pk}/").content.decode()
    assert f"/loyalty/members/{siti.pk}/card/" not in page
    assert "wa.me" not in page
    profile = owner_client.get(f"/customers/{siti.pk}/").content.decode()
    assert f"/loyalty/members/{siti.pk}/card/" not in profile


# ---- on a phone ----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_owner_erases_a_customer_from_the_profile_on_a_phone(phone_page, shop, owner):
    customer = Customer.objects.create(
        shop=shop, name=NAME, phone=PHONE, city="Jakarta", notes="Suka gamis hijau"
    )
    services.record_consent(customer, owner, {MARKETING_WA: True})
    page = phone_page
    browser_login(page, owner.username, "rahasia-uji-123")
    page.goto_path(f"/customers/{customer.pk}/")
    page.click("[data-testid=erase-summary]")
    page.fill("[data-testid=erase-confirm]", "HAPUS")
    screenshot(page, "customers-erase-form")
    no_sideways_scroll(page)
    page.click("[data-testid=erase-submit]")
    page.wait_for_selector("[data-testid=erased-notice]")
    screenshot(page, "customers-erased")
    no_sideways_scroll(page)
    assert_no_traces(page.inner_text("main"))
    assert page.locator(".btn-wa").count() == 0
    customer.refresh_from_db()
    assert customer.erased_at is not None


def test_a_customer_they_referred_can_still_be_edited(staff_client, shop, owner, siti):
    friend = CustomerFactory(shop=shop, name="Bu Wulan", referred_by=siti)
    erase(shop, owner, siti)
    page = staff_client.get(f"/customers/{friend.pk}/edit/").content.decode()
    assert "erased-" not in page
    response = staff_client.post(
        f"/customers/{friend.pk}/edit/",
        {"name": "Bu Wulan Sari", "phone": friend.phone, "customer_type": "retail"},
    )
    assert response.status_code == 302
    friend.refresh_from_db()
    assert friend.name == "Bu Wulan Sari" and friend.referred_by_id == siti.pk


def test_a_sale_screen_opened_before_the_erasure_cannot_sell_to_them(shop, owner, siti):
    variant = make_product(shop, stock=5).variants.get()
    erase(shop, owner, siti)
    siti.refresh_from_db()  # as the sale screen loads the customer on each save
    with pytest.raises(ValidationError) as caught:
        sell(shop, owner, variant, 1, customer=siti)
    assert caught.value.code == "erased"
    assert not Sale.objects.exists()


def test_a_sale_whose_screen_read_them_before_the_erasure_is_refused_in_its_transaction(
    shop, owner, siti
):
    # The screen's copy still says "not erased": only the row says otherwise.
    variant = make_product(shop, stock=5).variants.get()
    stale = Customer.objects.get(pk=siti.pk)
    erase(shop, owner, siti)
    with pytest.raises(ValidationError) as caught:
        sell(shop, owner, variant, 1, customer=stale)
    assert caught.value.code == "erased"
    assert not Sale.objects.exists()
    siti.refresh_from_db()
    assert siti.last_purchase_on is None
    variant.refresh_from_db()
    assert variant.stock == 5


def test_home_and_at_risk_lists_leave_an_erased_customer_out(
    owner_client, shop, owner, siti
):
    import datetime as dt

    from setia.insights import reports
    from setia.insights.models import CustomerScore, ScoreRun

    rina = CustomerFactory(shop=shop, name="Rina")
    run = ScoreRun.objects.create(shop=shop, status="done")
    for customer in (siti, rina):
        CustomerScore.objects.create(
            run=run,
            shop=shop,
            customer=customer,
            first_on=dt.date(2024, 1, 1),
            last_on=dt.date(2024, 6, 1),
            n_purchases=2,
            frequency=1,
            total_spend_idr=200_000,
            monetary_idr=100_000,
            r_score=1,
            f_score=3,
            m_score=3,
            segment=1,
            tier=0,
            expected_purchases=1.0,
            expected_spend_idr=100_000,
            clv_idr=100_000,
            is_at_risk=True,
        )
    assert owner_client.get("/").context["customer_count"] == 2
    assert len(reports.at_risk(run.scores.all())) == 2
    erase(shop, owner, siti)
    assert owner_client.get("/").context["customer_count"] == 1
    assert [s.customer_id for s in reports.at_risk(run.scores.all())] == [rina.pk]


# ---- what was read before the erasure, and files made before it ----------------


def test_an_edit_note_consent_or_card_read_before_the_erasure_does_not_follow_it(
    shop, owner, staff_user, siti
):
    """A clerk's page read Siti just before the Owner erased her; its save
    must not write her name and number back (a full save of the stale copy
    would) nor add a note, an answer or a card."""
    make_program(shop)
    stale = Customer.objects.get(pk=siti.pk)
    erase(shop, owner, Customer.objects.get(pk=siti.pk))
    today = timezone.localdate()
    with pytest.raises(ValueError):
        services.update_customer(shop, staff_user, stale, {"sizes": "XL"})
    with pytest.raises(ValueError):
        services.log_interaction(stale, staff_user, "chat", "Siti mau L", today, today)
    with pytest.raises(ValueError):
        services.record_consent(stale, staff_user, {MARKETING_WA: True})
    with pytest.raises(ValueError):
        members.issue_member_card(shop, stale, by=owner)
    siti.refresh_from_db()
    assert siti.erased_at is not None and siti.name != NAME and siti.phone != PHONE
    assert not Interaction.objects.filter(customer=siti).exists()
    assert not services.due_follow_ups(shop, today).exists()


def test_a_customer_list_imported_after_the_erasure_leaves_them_out(
    shop, owner, siti, settings, tmp_path
):
    """An old spreadsheet, or an upload confirmed before the erasure whose
    import runs after it: the number is not added back."""
    settings.DATA_DIR = tmp_path
    job = importing.store_upload(
        shop,
        owner,
        b"Nama,No WA\nSiti Rahmawati,0812-9876-5432\nRina,0812-1111-2222\n",
        "daftar-lama.csv",
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    erase(shop, owner, siti)
    job.refresh_from_db()
    result = importing.commit_import(shop, owner, job)
    assert (result.created, result.rejected) == (1, 1)
    (refused,) = result.samples["rejected"]
    assert "request" in " ".join(refused.reasons) or "permintaan" in " ".join(
        refused.reasons
    )
    assert not Customer.objects.filter(shop=shop, name=NAME).exists()
    assert Customer.objects.filter(shop=shop, name="Rina").exists()


def test_a_sales_history_imported_after_the_erasure_keeps_their_sales_as_walk_ins(
    shop, owner, siti, tmp_path
):
    from setia.sales import importing as sales_importing

    erase(shop, owner, siti)
    path = tmp_path / "penjualan.csv"
    path.write_text(
        "Tanggal;No Nota;No HP;Nama;Barang;Qty;Total\n"
        "03/02/2025;N1;0812-9876-5432;Siti Rahmawati;Gamis;1;185000\n"
        "04/02/2025;N2;0812-1111-2222;Rina;Tunik;1;120000\n"
    )
    result = sales_importing.commit_import(shop, owner, path, "csv")
    assert result.created == 2
    assert not Customer.objects.filter(shop=shop, name=NAME).exists()
    walk_in = Sale.objects.get(shop=shop, total_idr=185_000)
    assert walk_in.customer_id is None
    assert Sale.objects.get(shop=shop, total_idr=120_000).customer.name == "Rina"


def test_typing_the_number_by_hand_adds_them_anew(shop, owner, siti):
    erase(shop, owner, siti)
    again = services.quick_add_customer(shop, owner, "Siti R", PHONE)
    assert again.pk != siti.pk and again.phone == PHONE and again.erased_at is None
