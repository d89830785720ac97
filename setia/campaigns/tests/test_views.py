import datetime as dt

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import AuditEvent
from setia.campaigns.models import Audience, Campaign, CampaignStatus, Group
from setia.campaigns.tests.factories import (
    add_sale,
    draft,
    launched_campaign,
    make_customer,
    withdraw_consent,
)
from setia.loyalty.models import Tier

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Lebaran",
    "message": "Halo {nama}, diskon Lebaran di {toko}!",
    "audience": "all",
    "control_percent": "10",
}


def test_owner_previews_with_a_real_customer_then_saves_a_draft(owner_client, shop):
    make_customer(shop, "Bu Aminah")
    page = owner_client.post(reverse("campaigns:new"), {**FORM, "preview": "1"})
    text = page.content.decode()
    assert "Halo Bu Aminah, diskon Lebaran di Butik Uji A!" in text
    assert "Balas STOP" in text
    assert page.context["preview"]["count"] == 1
    assert not Campaign.objects.exists()
    response = owner_client.post(reverse("campaigns:new"), FORM)
    campaign = Campaign.objects.get(shop=shop)
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT and campaign.control_percent == 10


def test_htmx_preview_counts_the_audience(owner_client, shop):
    make_customer(shop, "Satu")
    make_customer(shop, "Tanpa Izin", consent=False)
    page = owner_client.post(reverse("campaigns:preview"), FORM, HTTP_HX_REQUEST="true")
    assert page.context["preview"]["count"] == 1
    assert "<html" not in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"control_percent": "51"}, "control_percent"),
        ({"message": "Halo {name}"}, "message"),
        ({"audience": "pyramid"}, "pyramid_level"),
        ({"audience": "lapsed", "lapsed_days": "0"}, "lapsed_days"),
    ],
)
def test_form_refuses_what_cannot_work(owner_client, change, field):
    page = owner_client.post(reverse("campaigns:new"), {**FORM, **change})
    assert field in page.context["form"].errors
    assert not Campaign.objects.exists()


def test_zero_control_share_warns_that_nothing_can_be_learned(owner_client, shop):
    make_customer(shop)
    page = owner_client.post(
        reverse("campaigns:preview"), {**FORM, "control_percent": "0"}
    )
    assert page.context["preview"]["no_control"]
    assert "tidak akan bisa tahu" in page.content.decode()


def test_share_too_small_for_one_customer_warns_like_no_control_group(
    owner_client, shop, owner
):
    for i in range(5):
        make_customer(shop, f"P{i}")
    page = owner_client.post(reverse("campaigns:preview"), FORM)  # 10 % of 5
    preview = page.context["preview"]
    assert (preview["n_treatment"], preview["n_control"]) == (5, 0)
    assert preview["no_control"] and preview["too_few_for_share"]
    text = page.content.decode()
    assert "tidak akan bisa tahu" in text and "terlalu kecil" in text
    campaign = draft(shop, owner)
    detail = owner_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert 'data-testid="no-control"' in detail.content.decode()


def test_staff_may_send_but_not_create_launch_or_see_results(
    client, staff_user, shop, owner
):
    make_customer(shop)
    waiting = draft(shop, owner)
    campaign = launched_campaign(shop, owner, control_percent=0)
    client.force_login(staff_user)
    assert client.get(reverse("campaigns:index")).status_code == 200
    assert client.get(reverse("campaigns:send", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("campaigns:new")).status_code == 403
    assert client.get(reverse("campaigns:edit", args=[waiting.pk])).status_code == 403
    assert (
        client.post(reverse("campaigns:launch", args=[waiting.pk])).status_code == 403
    )
    results = reverse("campaigns:results", args=[campaign.pk])
    assert client.get(results).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == CampaignStatus.DRAFT


def test_launch_then_send_page_lists_the_group_and_counts_the_control(
    owner_client, shop, owner
):
    for i in range(10):
        make_customer(shop, f"Pelanggan {i}")
    campaign = draft(shop, owner, control_percent=20)
    response = owner_client.post(reverse("campaigns:launch", args=[campaign.pk]))
    assert response.url == reverse("campaigns:send", args=[campaign.pk])
    page = owner_client.get(response.url)
    text = page.content.decode()
    assert "0 dari 8 sudah dikirim" in text
    assert "2 pelanggan sengaja tidak dikirimi" in text
    control = campaign.recipients.filter(group=Group.CONTROL)
    for recipient in control:
        assert recipient.customer.name not in text
        assert (
            reverse("campaigns:mark_sent", args=[campaign.pk, recipient.pk]) not in text
        )
    assert AuditEvent.objects.filter(action="campaign.launched").count() == 1


def test_double_tap_on_launch_goes_to_the_send_page_without_an_error(
    owner_client, shop, owner
):
    make_customer(shop)
    campaign = draft(shop, owner)
    url = reverse("campaigns:launch", args=[campaign.pk])
    owner_client.post(url)
    again = owner_client.post(url)
    assert again.url == reverse("campaigns:send", args=[campaign.pk])
    levels = [m.level for m in get_messages(again.wsgi_request)]
    assert messages.ERROR not in levels
    assert AuditEvent.objects.filter(action="campaign.launched").count() == 1


def test_tap_marks_sent_and_redirects_to_whatsapp(staff_client, shop, owner):
    make_customer(shop, "Bu Dewi")
    campaign = launched_campaign(shop, owner, control_percent=0)
    recipient = campaign.recipients.get()
    url = reverse("campaigns:mark_sent", args=[campaign.pk, recipient.pk])
    assert staff_client.get(url).status_code == 405
    response = staff_client.post(url)
    assert response.status_code == 302
    assert response.url.startswith("https://wa.me/628139")
    assert "Bu%20Dewi" in response.url
    recipient.refresh_from_db()
    assert recipient.sent_at is not None
    page = staff_client.get(reverse("campaigns:send", args=[campaign.pk]))
    assert "1 dari 1 sudah dikirim" in page.content.decode()


def test_withdrawn_customer_has_no_link_and_cannot_be_marked(staff_client, shop, owner):
    customer = make_customer(shop, "Bu Nur")
    campaign = launched_campaign(shop, owner, control_percent=0)
    withdraw_consent(customer)
    recipient = campaign.recipients.get()
    page = staff_client.get(reverse("campaigns:send", args=[campaign.pk]))
    text = page.content.decode()
    assert "tidak mau dikirimi lagi" in text
    assert "wa.me" not in text
    url = reverse("campaigns:mark_sent", args=[campaign.pk, recipient.pk])
    assert url not in text
    response = staff_client.post(url)
    assert response.url == reverse("campaigns:send", args=[campaign.pk])
    recipient.refresh_from_db()
    assert recipient.sent_at is None


def test_results_page_explains_in_plain_words(owner_client, shop, owner):
    for i in range(5):
        make_customer(shop, f"P{i}")
    campaign = launched_campaign(shop, owner, control_percent=20)
    url = reverse("campaigns:results", args=[campaign.pk])
    page = owner_client.get(url, {"days": "30"})
    assert page.context["results"].window_days == 30
    assert "Masih berjalan sampai" in page.content.decode()
    assert owner_client.get(url, {"days": "99"}).context["results"].window_days == 14


def test_list_shows_newest_first_with_status_and_sent_counts(owner_client, shop, owner):
    make_customer(shop)
    launched_campaign(shop, owner, name="Pertama", control_percent=0)
    draft(shop, owner, name="Kedua")
    page = owner_client.get(reverse("campaigns:index"))
    text = page.content.decode()
    assert text.index("Kedua") < text.index("Pertama")
    assert "0 dari 1 sudah dikirim" in text
    assert "Tidak ada yang disisihkan: hasil tidak bisa dibandingkan" in text


def test_another_shops_owner_gets_404(client, shop, owner, other_owner):
    make_customer(shop)
    campaign = launched_campaign(shop, owner, control_percent=0)
    recipient = campaign.recipients.get()
    client.force_login(other_owner)
    for name, args in [
        ("campaigns:detail", [campaign.pk]),
        ("campaigns:edit", [campaign.pk]),
        ("campaigns:send", [campaign.pk]),
        ("campaigns:results", [campaign.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    mark = reverse("campaigns:mark_sent", args=[campaign.pk, recipient.pk])
    assert client.post(mark).status_code == 404
    assert (
        client.post(reverse("campaigns:launch", args=[campaign.pk])).status_code == 404
    )
    recipient.refresh_from_db()
    assert recipient.sent_at is None


LAUNCH = dt.datetime(2025, 6, 2, 10, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def _clear_lift(shop, owner):
    """40 of 100 messaged and 10 of 100 kept aside bought: 30 more in 100."""
    for i in range(200):
        make_customer(shop, f"P{i:03d}")
    with time_machine.travel(LAUNCH, tick=False):
        campaign = launched_campaign(shop, owner, control_percent=50)
    rows = campaign.recipients.order_by("id")
    for group, n in ((Group.TREATMENT, 40), (Group.CONTROL, 10)):
        for r in rows.filter(group=group)[:n]:
            add_sale(shop, r.customer, LAUNCH + dt.timedelta(days=2), 100_000)
    return campaign


def _verdict_text(page) -> str:
    text = page.content.decode()
    start = text.index('data-testid="verdict"')
    return text[start : text.index("</section>", start)]


def test_results_page_words_a_clear_lift_without_claiming_certainty(
    owner_client, shop, owner
):
    campaign = _clear_lift(shop, owner)
    page = owner_client.get(reverse("campaigns:results", args=[campaign.pk]))
    assert page.context["results"].verdict == "helped"
    verdict = _verdict_text(page)
    assert "kemungkinan besar membantu" in verdict
    assert "kecil kemungkinan kebetulan" in verdict
    assert (
        "Sekitar 30 orang lebih banyak dari tiap 100 pelanggan yang dipilih untuk "
        "dikirimi pesan" in verdict
    )
    assert "(bisa lebih, bisa kurang)" in verdict
    assert "p &lt; 0,001" in verdict and "p = 0,000" not in verdict
    assert "pasti" not in verdict.lower()
    assert "Dipilih untuk dikirimi" in page.content.decode()  # the table header


def test_results_page_gives_no_verdict_while_the_window_runs(owner_client, shop, owner):
    campaign = _clear_lift(shop, owner)
    url = reverse("campaigns:results", args=[campaign.pk])
    with time_machine.travel(LAUNCH + dt.timedelta(days=5)):
        page = owner_client.get(url)
    verdict = _verdict_text(page)
    assert "Masih berjalan sampai 15 Jun 2025" in verdict
    assert "membantu" not in verdict
    assert "Sekitar 30 orang lebih banyak" in verdict  # the numbers so far


def test_finished_window_without_any_buyer_says_no_difference(
    owner_client, shop, owner
):
    for i in range(10):
        make_customer(shop, f"P{i}")
    with time_machine.travel(LAUNCH, tick=False):
        campaign = launched_campaign(shop, owner, control_percent=20)
    page = owner_client.get(reverse("campaigns:results", args=[campaign.pk]))
    verdict = _verdict_text(page)
    assert "Tidak ada beda" in verdict
    assert "terlalu kecil" not in verdict


def test_results_of_a_campaign_with_nobody_to_message(owner_client, shop, owner):
    for i in range(4):
        make_customer(shop, f"P{i}")
    campaign = launched_campaign(shop, owner, control_percent=50)
    campaign.recipients.update(group=Group.CONTROL)  # as an old campaign could be
    page = owner_client.get(reverse("campaigns:results", args=[campaign.pk]))
    verdict = _verdict_text(page)
    assert "Tidak ada pelanggan yang dipilih untuk dikirimi" in verdict
    assert "Tidak ada kelompok pembanding" not in verdict


def test_list_needs_the_same_queries_for_1_or_20_campaigns(
    owner_client, shop, owner, django_assert_max_num_queries
):
    for i in range(3):
        make_customer(shop, f"P{i}")
    tier = Tier.objects.create(shop=shop, name="Sahabat", min_spend_idr=0)
    url = reverse("campaigns:index")
    launched_campaign(shop, owner, control_percent=50)
    owner_client.get(url)  # the session settles on the first request
    with CaptureQueriesContext(connection) as one:
        owner_client.get(url)
    for i in range(19):
        if i % 3 == 0:
            draft(shop, owner, audience=Audience.LOYALTY_TIER, loyalty_tier=tier)
        elif i % 3 == 1:
            launched_campaign(shop, owner, control_percent=50)
        else:
            with time_machine.travel(LAUNCH, tick=False):
                launched_campaign(shop, owner, control_percent=i % 2 * 50)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = owner_client.get(url)
    assert len(page.context["rows"]) == 20
    text = page.content.decode()
    assert "Sahabat" in text  # the tier came with the campaigns, not one by one
    assert "Hasil 14 hari pertama sudah ada" in text


def test_campaigns_beyond_the_first_fifty_are_one_tap_away(owner_client, shop, owner):
    for i in range(51):
        draft(shop, owner, name=f"Kampanye {i:02d}")
    url = reverse("campaigns:index")
    first = owner_client.get(url).content.decode()
    assert "Kampanye 50" in first and "Kampanye 00" not in first
    assert 'href="?page=2"' in first
    second = owner_client.get(url, {"page": "2"}).content.decode()
    assert "Kampanye 00" in second and "Kampanye 01" not in second
    assert 'href="?page=1"' in second and 'href="?page=3"' not in second


def _delete_url(campaign) -> str:
    return reverse("campaigns:delete", args=[campaign.pk])


def test_owner_deletes_a_draft_after_confirming(owner_client, shop, owner):
    campaign = draft(shop, owner, name="Salah ketik")
    page = owner_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    text = page.content.decode()
    # The confirmation sits behind a <details>, no JavaScript needed.
    assert 'data-testid="delete-draft"' in text
    assert f'action="{_delete_url(campaign)}"' in text
    assert "Hapus draf" in text
    response = owner_client.post(_delete_url(campaign))
    assert response.url == reverse("campaigns:index")
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    event = AuditEvent.objects.get(action="campaign.deleted")
    assert (event.shop, event.actor, event.object_id) == (
        shop,
        owner,
        str(campaign.pk),
    )
    listing = owner_client.get(response.url).content.decode()
    assert "Draf dihapus." in listing and "Salah ketik" not in listing


def test_launch_of_a_draft_deleted_while_it_waited_goes_back_to_the_list(
    owner_client, shop, owner, monkeypatch
):
    # The launch request read the draft, then waited on the row lock of a
    # delete: it must not end in a server error.
    from setia.campaigns import services, views

    make_customer(shop)
    campaign = draft(shop, owner, name="Dihapus di HP lain")
    services.delete_draft(shop, owner, campaign)
    monkeypatch.setattr(views, "_campaign", lambda request, campaign_id: campaign)
    response = owner_client.post(reverse("campaigns:launch", args=[campaign.pk]))
    assert response.status_code == 302
    assert response.url == reverse("campaigns:index")
    assert any(
        "dihapus" in str(m) for m in get_messages(response.wsgi_request)
    )


def test_delete_is_post_only(owner_client, shop, owner):
    campaign = draft(shop, owner)
    assert owner_client.get(_delete_url(campaign)).status_code == 405
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_launched_campaign_cannot_be_deleted_and_says_why(owner_client, shop, owner):
    make_customer(shop)
    campaign = launched_campaign(shop, owner, control_percent=0)
    page = owner_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    text = page.content.decode()
    assert 'data-testid="delete-draft"' not in text
    assert _delete_url(campaign) not in text
    assert "tidak bisa dihapus" in text
    response = owner_client.post(_delete_url(campaign))
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    errors = [m.message for m in get_messages(response.wsgi_request)]
    assert any("tidak bisa dihapus" in m for m in errors)
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert campaign.recipients.count() == 1
    assert not AuditEvent.objects.filter(action="campaign.deleted").exists()


def test_staff_cannot_delete_a_draft(staff_client, shop, owner):
    campaign = draft(shop, owner)
    page = staff_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert _delete_url(campaign) not in page.content.decode()
    assert staff_client.post(_delete_url(campaign)).status_code == 403
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_another_shops_owner_cannot_delete_a_draft(client, shop, owner, other_owner):
    campaign = draft(shop, owner)
    client.force_login(other_owner)
    assert client.post(_delete_url(campaign)).status_code == 404
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert not AuditEvent.objects.filter(action="campaign.deleted").exists()


def test_results_page_says_when_imported_sales_start_to_count(
    owner_client, shop, owner
):
    make_customer(shop)
    with time_machine.travel(LAUNCH, tick=False):
        campaign = launched_campaign(shop, owner, control_percent=0)
    page = owner_client.get(reverse("campaigns:results", args=[campaign.pk]))
    assert "Penjualan yang diimpor dihitung mulai 3 Jun 2025" in page.content.decode()
