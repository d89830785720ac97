"""Rupiah typed with thousands dots and dates on the loyalty pages, as a phone
in Indonesian sends and shows them.

A number box read "15.000" as fifteen (a Rp 15.000 reward was saved as Rp 15)
and a date box dropped the Indonesian "31-12-2026", so reopening a promo and
saving it unchanged erased its dates.
"""

import datetime as dt

import pytest
from django.urls import reverse

from setia.lib.tests.test_form_fields import form_as_posted, input_tag
from setia.loyalty import services
from setia.loyalty.models import (
    BuyGetOffer,
    CouponRule,
    ProgramVersion,
    PromoCode,
    Reward,
    StoreCreditAccount,
    Tier,
)
from setia.loyalty.tests.factories import make_customer, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_id(owner_client):
    owner_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    return owner_client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _post_page_form(client, url, field, **changes):
    """Open `url`, change `changes` in its form as an owner would and save."""
    data = form_as_posted(_page(client, url), field)
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def test_a_reward_typed_15_000_is_rp_15_000(owner_id, shop):
    response = _post_page_form(
        owner_id,
        reverse("loyalty:rewards"),
        "value_idr",
        name="Potongan Rp 15.000",
        kind="discount",
        points_cost="150",
        value_idr="15.000",
    )
    assert response.status_code == 302
    reward = Reward.objects.get(shop=shop)
    assert reward.value_idr == 15_000
    edit = reverse("loyalty:reward_edit", args=[reward.pk])
    page = _page(owner_id, edit)
    assert 'value="15.000"' in input_tag(page, "value_idr")
    assert 'inputmode="numeric"' in input_tag(page, "value_idr")
    assert _post_page_form(owner_id, edit, "value_idr").status_code == 302
    reward.refresh_from_db()
    assert reward.value_idr == 15_000


def test_a_reward_of_1_000_points_costs_a_thousand_points(owner_id, shop):
    _post_page_form(
        owner_id,
        reverse("loyalty:rewards"),
        "value_idr",
        name="Jilbab gratis",
        kind="free_item",
        points_cost="1.000",
        value_idr="35rb",
        stock="1.000",
    )
    reward = Reward.objects.get(shop=shop)
    assert (reward.points_cost, reward.value_idr, reward.stock) == (
        1_000,
        35_000,
        1_000,
    )


def test_a_reward_value_with_cents_is_refused_not_cut(owner_id, shop):
    response = _post_page_form(
        owner_id,
        reverse("loyalty:rewards"),
        "value_idr",
        name="Potongan",
        kind="discount",
        points_cost="100",
        value_idr="15,5",
    )
    assert response.status_code == 200
    assert "Rupiah tidak pakai desimal" in response.content.decode()
    assert not Reward.objects.filter(shop=shop).exists()


def test_a_tier_threshold_typed_3_000_000(owner_id, shop):
    response = _post_page_form(
        owner_id,
        reverse("loyalty:tiers"),
        "min_spend_idr",
        name="Gold",
        min_spend_idr="3.000.000",
    )
    assert response.status_code == 302
    tier = Tier.objects.get(shop=shop)
    assert tier.min_spend_idr == 3_000_000
    edit = reverse("loyalty:tier_edit", args=[tier.pk])
    assert 'value="3.000.000"' in input_tag(_page(owner_id, edit), "min_spend_idr")
    _post_page_form(owner_id, edit, "min_spend_idr")
    tier.refresh_from_db()
    assert tier.min_spend_idr == 3_000_000


def test_program_rupiah_and_bonus_points_typed_with_dots(owner_id, shop):
    make_program(shop)
    response = _post_page_form(
        owner_id,
        reverse("loyalty:settings"),
        "idr_per_point",
        idr_per_point="10.000",
        min_purchase_idr="50.000",
        point_value_idr="100",
        welcome_bonus_points="1.000",
    )
    assert response.status_code == 302
    version = ProgramVersion.objects.filter(shop=shop).latest("version")
    assert (
        version.idr_per_point,
        version.min_purchase_idr,
        version.point_value_idr,
        version.welcome_bonus_points,
    ) == (10_000, 50_000, 100, 1_000)
    page = _page(owner_id, reverse("loyalty:settings"))
    assert 'value="10.000"' in input_tag(page, "idr_per_point")
    assert 'value="1.000"' in input_tag(page, "welcome_bonus_points")


@pytest.fixture
def promo(shop):
    return PromoCode.objects.create(
        shop=shop,
        code="AKHIRTAHUN",
        discount_idr=25_000,
        min_purchase_idr=150_000,
        valid_from=dt.date(2026, 12, 1),
        valid_until=dt.date(2026, 12, 31),
        max_uses=1_000,
    )


def test_a_reopened_promo_shows_its_dates(owner_id, promo):
    page = _page(owner_id, reverse("loyalty:promo_edit", args=[promo.pk]))
    assert 'value="2026-12-01"' in input_tag(page, "valid_from")
    assert 'value="2026-12-31"' in input_tag(page, "valid_until")
    assert 'type="date"' in input_tag(page, "valid_until")
    assert 'value="25.000"' in input_tag(page, "discount_idr")
    assert 'value="150.000"' in input_tag(page, "min_purchase_idr")
    assert 'value="1.000"' in input_tag(page, "max_uses")


def test_saving_a_promo_unchanged_keeps_its_dates_and_amounts(owner_id, promo):
    edit = reverse("loyalty:promo_edit", args=[promo.pk])
    assert _post_page_form(owner_id, edit, "valid_until").status_code == 302
    promo.refresh_from_db()
    assert (promo.valid_from, promo.valid_until) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert (promo.discount_idr, promo.min_purchase_idr, promo.max_uses) == (
        25_000,
        150_000,
        1_000,
    )


def test_a_new_promo_typed_the_shop_way(owner_id, shop):
    response = _post_page_form(
        owner_id,
        reverse("loyalty:promos"),
        "discount_idr",
        code="LEBARAN",
        discount_idr="Rp 20.000",
        min_purchase_idr="200rb",
        valid_from="2026-03-01",
        valid_until="2026-04-15",
    )
    assert response.status_code == 302
    promo = PromoCode.objects.get(shop=shop)
    assert (promo.discount_idr, promo.min_purchase_idr) == (20_000, 200_000)
    assert (promo.valid_from, promo.valid_until) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 15),
    )


def test_a_coupon_rule_typed_with_dots(owner_id, shop):
    response = _post_page_form(
        owner_id,
        reverse("loyalty:coupon_rules"),
        "min_spend_idr",
        name="Belanja 500rb",
        min_spend_idr="500.000",
        discount_idr="50.000",
        min_purchase_idr="1,5jt",
    )
    assert response.status_code == 302
    rule = CouponRule.objects.get(shop=shop)
    assert (rule.min_spend_idr, rule.discount_idr, rule.min_purchase_idr) == (
        500_000,
        50_000,
        1_500_000,
    )


def test_an_offer_reopened_and_saved_unchanged_keeps_its_dates(owner_id, shop):
    offer = BuyGetOffer.objects.create(
        shop=shop,
        name="Beli 2 gratis 1",
        buy_category="Hijab",
        percent_off_bp=10_000,
        valid_from=dt.date(2026, 11, 28),
        valid_until=dt.date(2026, 12, 31),
    )
    edit = reverse("loyalty:offer_edit", args=[offer.pk])
    page = _page(owner_id, edit)
    assert 'value="2026-11-28"' in input_tag(page, "valid_from")
    assert _post_page_form(owner_id, edit, "valid_from").status_code == 302
    offer.refresh_from_db()
    assert (offer.valid_from, offer.valid_until) == (
        dt.date(2026, 11, 28),
        dt.date(2026, 12, 31),
    )


def test_store_credit_and_points_typed_with_dots(owner_id, shop):
    make_program(shop)
    customer = make_customer(shop)
    member = reverse("loyalty:member", args=[customer.pk])
    page = _page(owner_id, member)
    credit = form_as_posted(page, "amount_idr")
    credit.update(amount_idr=["150.000"], reason=["Tukar barang"])
    owner_id.post(reverse("loyalty:credit", args=[customer.pk]), credit)
    adjust = form_as_posted(page, "points")
    adjust.update(points=["1.000"], reason=["Hadiah pelanggan setia"])
    owner_id.post(reverse("loyalty:adjust", args=[customer.pk]), adjust)
    account = StoreCreditAccount.objects.get(customer=customer)
    assert account.balance_idr == 150_000
    assert services.points_balance(shop, customer) == 1_000
