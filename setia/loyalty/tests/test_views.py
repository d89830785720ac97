import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from setia.accounts.models import AuditEvent
from setia.loyalty import members, services
from setia.loyalty.models import (
    EntryKind,
    PointsEntry,
    ProgramVersion,
    PromoCode,
    Reward,
    Tier,
)
from setia.loyalty.tests.factories import make_customer, make_program, make_sale

pytestmark = pytest.mark.django_db

PROGRAM_POST = {
    "is_active": "on",
    "idr_per_point": "10000",
    "rounding": "floor",
    "min_purchase_idr": "0",
    "excluded_categories": "Aksesoris, Promo",
    "earn_after_discounts": "on",
    "earn_and_redeem_same_sale": "on",
    "point_value_idr": "100",
    "expiry_months": "12",
    "welcome_bonus_points": "0",
    "birthday_bonus_points": "10",
    "referral_bonus_points": "20",
    "tier_basis": "spend",
}


def test_each_settings_save_is_a_new_version_and_entries_keep_theirs(
    owner_client, shop, owner
):
    response = owner_client.post(reverse("loyalty:settings"), PROGRAM_POST)
    assert response.status_code == 302
    first = ProgramVersion.objects.get(shop=shop)
    assert first.excluded_categories == ["Aksesoris", "Promo"]
    customer = make_customer(shop)
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    owner_client.post(
        reverse("loyalty:settings"), {**PROGRAM_POST, "idr_per_point": "5000"}
    )
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    versions = list(
        PointsEntry.objects.filter(kind=EntryKind.EARN)
        .order_by("id")
        .values_list("program_version__version", "points")
    )
    assert versions == [(1, 10), (2, 20)]
    assert AuditEvent.objects.filter(action="loyalty.program_saved").count() == 2
    page = owner_client.get(reverse("loyalty:settings")).content.decode()
    assert "v2" in page and "v1" in page


def test_staff_cannot_change_the_program_or_adjust_points(staff_client, shop):
    customer = make_customer(shop)
    assert staff_client.get(reverse("loyalty:settings")).status_code == 403
    response = staff_client.post(
        reverse("loyalty:adjust", args=[customer.pk]),
        {"points": "100", "reason": "x", "key": "k"},
    )
    assert response.status_code == 403
    assert services.points_balance(shop, customer) == 0


def test_owner_adjustment_needs_a_reason_and_is_audited(owner_client, shop):
    make_program(shop)
    customer = make_customer(shop)
    url = reverse("loyalty:adjust", args=[customer.pk])
    owner_client.post(url, {"points": "50", "reason": "", "key": "a1"})
    assert services.points_balance(shop, customer) == 0
    owner_client.post(url, {"points": "50", "reason": "Kompensasi", "key": "a1"})
    owner_client.post(url, {"points": "50", "reason": "Kompensasi", "key": "a1"})
    assert services.points_balance(shop, customer) == 50
    event = AuditEvent.objects.get(action="loyalty.points_adjusted")
    assert event.detail == "+50"
    owner_client.post(url, {"points": "-80", "reason": "Salah", "key": "a2"})
    assert services.points_balance(shop, customer) == 50


def test_tiers_and_rewards_are_added_by_the_owner(owner_client, shop):
    owner_client.post(
        reverse("loyalty:tiers"),
        {
            "name": "Gold",
            "min_spend_idr": "2000000",
            "multiplier_bp": "1,5",
            "perk": "Gratis ongkir",
            "is_active": "on",
        },
    )
    owner_client.post(
        reverse("loyalty:rewards"),
        {
            "name": "Voucher 10%",
            "kind": "percent",
            "points_cost": "50",
            "value_idr": "0",
            "percent_bp": "10",
            "cap_idr": "25000",
            "is_active": "on",
        },
    )
    assert Tier.objects.get(shop=shop).multiplier_text == "×1,5"
    assert Reward.objects.get(shop=shop).cap_idr == 25_000


def test_staff_see_rewards_but_cannot_add_them(staff_client, shop):
    Reward.objects.create(shop=shop, name="Jilbab", points_cost=10)
    assert "Jilbab" in staff_client.get(reverse("loyalty:rewards")).content.decode()
    response = staff_client.post(
        reverse("loyalty:rewards"), {"name": "X", "kind": "discount"}
    )
    assert response.status_code == 403


def test_member_page_shows_balance_tier_and_history(staff_client, shop, owner):
    make_program(shop)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    Tier.objects.create(shop=shop, name="Gold", min_spend_idr=1_000_000)
    customer = make_customer(shop, name="Bu Wulan")
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    page = staff_client.get(reverse("loyalty:member", args=[customer.pk]))
    text = page.content.decode()
    assert "Bu Wulan" in text and "Silver" in text and "Gold" in text
    assert "Rp 900.000" in text


def test_card_page_issues_a_code_that_finds_the_member(staff_client, shop):
    customer = make_customer(shop, name="Bu Ani")
    # The card is made by the page's button (a POST), then shown.
    staff_client.post(reverse("loyalty:card", args=[customer.pk]))
    page = staff_client.get(reverse("loyalty:card", args=[customer.pk]))
    card = members.active_card(shop, customer)
    assert card.display_code in page.content.decode()
    assert "<svg" in page.content.decode()
    typed = card.display_code.lower().replace("-", " ")
    found = staff_client.post(reverse("loyalty:find"), {"code": typed})
    assert found["Location"] == reverse("loyalty:member", args=[customer.pk])
    # The code names a person: never in a URL.
    assert staff_client.get(reverse("loyalty:find"), {"code": typed}).status_code == 405
    index = staff_client.get(reverse("loyalty:index")).content.decode()
    assert f'<form method="post" action="{reverse("loyalty:find")}"' in index
    png = staff_client.get(reverse("loyalty:card_png", args=[customer.pk]))
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"].startswith("inline")
    image = Image.open(io.BytesIO(png.content))
    # Bank-card shape at 300 dpi, brand colour around a white QR box.
    assert image.size == (1011, 638)
    assert image.getpixel((5, 5))[:3] == (15, 118, 110)
    assert image.getpixel((632, 319))[:3] == (255, 255, 255)
    download = staff_client.get(
        reverse("loyalty:card_png", args=[customer.pk]), {"download": "1"}
    )
    assert download["Content-Disposition"].startswith("attachment")
    # The text is drawn: another member's card differs outside the QR too.
    other = make_customer(shop, name="Ibu Wanty Kusumawardhani")
    members.issue_member_card(shop, other, by=None)
    other_png = staff_client.get(reverse("loyalty:card_png", args=[other.pk]))
    left = (0, 0, 560, 638)
    assert (
        Image.open(io.BytesIO(other_png.content)).crop(left).tobytes()
        != image.crop(left).tobytes()
    )


def test_reissued_card_revokes_the_old_code(staff_client, shop):
    customer = make_customer(shop)
    old = members.issue_member_card(shop, customer, by=None)
    staff_client.post(reverse("loyalty:card_reissue", args=[customer.pk]))
    new = members.active_card(shop, customer)
    assert new.code != old.code
    assert services.find_customer_by_member_code(shop, old.code) is None
    assert services.find_customer_by_member_code(shop, new.code) == customer


def test_member_code_of_another_shop_finds_nobody(shop, other_shop):
    card = members.issue_member_card(other_shop, make_customer(other_shop), by=None)
    assert services.find_customer_by_member_code(shop, card.code) is None


def test_own_page_shows_only_the_customers_own_points(client, shop, owner):
    make_program(shop)
    shop.whatsapp = "+6281234500000"
    shop.save()
    Reward.objects.create(shop=shop, name="Potongan 5rb", points_cost=5)
    Reward.objects.create(shop=shop, name="Tas Mahal", points_cost=5_000)
    customer = make_customer(shop, name="Bu Ratna Dewi")
    other = make_customer(shop, name="Pelanggan Lain Rahasia")
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    services.record_sale_loyalty(make_sale(shop, other), None, owner)
    link = members.issue_own_page_link(shop, customer, by=owner)
    url = reverse("loyalty:own_page", args=[members.own_page_token(link)])
    cache.clear()
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ratna" in text and "Potongan 5rb" in text
    assert "Tas Mahal" not in text and "Rahasia" not in text
    assert "wa.me/6281234500000" in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_own_page_link_can_be_revoked_and_cannot_be_forged(client, shop, owner):
    customer = make_customer(shop)
    link = members.issue_own_page_link(shop, customer, by=owner)
    token = members.own_page_token(link)
    cache.clear()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("loyalty:own_page", args=[forged])).status_code == 404
    members.revoke_own_page_link(shop, customer, by=owner)
    assert client.get(reverse("loyalty:own_page", args=[token])).status_code == 404


def test_own_page_is_rate_limited(client, shop, owner):
    link = members.issue_own_page_link(shop, make_customer(shop), by=owner)
    url = reverse("loyalty:own_page", args=[members.own_page_token(link)])
    cache.clear()
    codes = [client.get(url).status_code for _ in range(32)]
    assert codes[:30] == [200] * 30
    assert codes[30:] == [429, 429]
    cache.clear()


def test_staff_make_a_link_and_see_it_on_the_member_page(staff_client, shop):
    customer = make_customer(shop)
    staff_client.post(reverse("loyalty:own_link", args=[customer.pk]))
    link = members.active_own_link(shop, customer)
    page = staff_client.get(reverse("loyalty:member", args=[customer.pk]))
    assert members.own_page_token(link) in page.content.decode()


def test_report_values_outstanding_points_and_splits_member_sales(
    owner_client, shop, owner
):
    make_program(shop, point_value_idr=100)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    member = make_customer(shop)
    services.record_sale_loyalty(
        make_sale(shop, member, [(500_000, 1, "", False)]), None, owner
    )
    services.record_sale_loyalty(
        make_sale(shop, member), services.Redemption(10, 1_000, None), owner
    )
    make_sale(shop, None, [(70_000, 1, "", False)])
    response = owner_client.get(reverse("loyalty:report"), {"days": 90})
    report = response.context["report"]
    assert report["issued"] == 60
    assert report["redeemed"] == 10
    assert report["outstanding"] == 50
    assert report["liability_idr"] == 5_000
    assert report["redemption_rate"] == pytest.approx(10 / 60)
    assert report["member_sales_idr"] == 600_000
    assert report["other_sales_idr"] == 70_000
    assert report["by_tier"][0]["members"] == 1
    assert "Rp 5.000" in response.content.decode()


def test_staff_cannot_open_the_report(staff_client):
    assert staff_client.get(reverse("loyalty:report")).status_code == 403


def test_index_lists_members_and_expiring_page_opens(staff_client, shop, owner):
    make_program(shop)
    customer = make_customer(shop, name="Bu Tuti")
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    assert "Bu Tuti" in staff_client.get(reverse("loyalty:index")).content.decode()
    assert staff_client.get(reverse("loyalty:expiring")).status_code == 200


def test_promo_codes_respect_limits_and_validity(owner_client, shop, owner):
    from setia.loyalty import programs

    owner_client.post(
        reverse("loyalty:promos"),
        {
            "code": "lebaran 26",
            "description": "Promo Lebaran",
            "discount_idr": "0",
            "percent_bp": "10",
            "cap_idr": "30000",
            "min_purchase_idr": "100000",
            "valid_from": "2020-01-01",
            "valid_until": "2099-01-01",
            "max_uses": "2",
            "max_uses_per_customer": "1",
            "is_active": "on",
        },
    )
    promo = PromoCode.objects.get(shop=shop)
    assert promo.code == "LEBARAN26"
    customer = make_customer(shop)
    _promo, discount = programs.quote_promo(
        shop, "Lebaran26", customer=customer, amount_idr=500_000
    )
    assert discount == 30_000
    sale = make_sale(shop, customer)
    assert (
        programs.use_promo(
            shop, "LEBARAN26", customer=customer, amount_idr=100_000, sale=sale
        )
        == 10_000
    )
    programs.use_promo(
        shop, "LEBARAN26", customer=customer, amount_idr=100_000, sale=sale
    )
    promo.refresh_from_db()
    assert promo.uses == 1
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        programs.quote_promo(shop, "LEBARAN26", customer=customer, amount_idr=200_000)
    with pytest.raises(ValidationError):
        programs.quote_promo(
            shop, "LEBARAN26", customer=make_customer(shop), amount_idr=50_000
        )


def test_staff_give_a_reward_for_points_once_per_form(staff_client, shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    scarf = Reward.objects.create(
        shop=shop, name="Jilbab", points_cost=8, value_idr=35_000, stock=3
    )
    url = reverse("loyalty:redeem", args=[customer.pk])
    staff_client.post(url, {"reward": scarf.pk, "key": "tap-1"})
    staff_client.post(url, {"reward": scarf.pk, "key": "tap-1"})
    assert services.points_balance(shop, customer) == 2
    response = staff_client.post(url, {"reward": scarf.pk, "key": "tap-2"}, follow=True)
    assert "Poin tidak cukup" in response.content.decode()
    scarf.refresh_from_db()
    assert scarf.stock == 2


def test_behind_a_proxy_the_limit_counts_each_visitor(client, shop, owner, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    link = members.issue_own_page_link(shop, make_customer(shop), by=owner)
    url = reverse("loyalty:own_page", args=[members.own_page_token(link)])
    cache.clear()
    for _ in range(30):
        client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.1")
    blocked = client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.1")
    other = client.get(url, HTTP_X_FORWARDED_FOR="spoofed, 10.0.0.2")
    assert blocked.status_code == 429
    assert other.status_code == 200
    cache.clear()
