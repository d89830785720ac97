"""The Owner's analysis choices: the pyramid's cut-offs and the gross margin."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from setia.accounts.models import AuditEvent
from setia.insights import analysis_settings, services
from setia.insights.models import CustomerScore
from setia.insights.tests.factories import add_sale, shop_history
from setia.sales.models import Product, SaleLine

pytestmark = pytest.mark.django_db


def add_line(sale, price_idr, cost_idr, quantity=1):
    product = Product.objects.create(shop=sale.shop, name="Gamis", price_idr=price_idr)
    SaleLine.objects.create(
        sale=sale,
        product=product,
        description="Gamis",
        quantity=quantity,
        unit_price_idr=price_idr,
        line_total_idr=price_idr * quantity,
        unit_cost_idr=cost_idr,
    )


def test_without_cost_prices_the_rule_of_thumb_margin_is_used_and_said(
    owner_client, shop
):
    shop_history(shop, n_customers=40)
    run = services.score_shop(shop)
    assert run.details["choices"] == {
        "pyramid_split": "quartiles",
        "margin": 0.3,
        "margin_source": "default",
    }
    page = owner_client.get(reverse("insights:pyramid")).content.decode()
    assert 'data-testid="margin-note"' in page and "30%" in page
    assert 'data-testid="analysis-settings"' in page


def test_the_margin_is_worked_out_from_the_cost_prices_sold(shop):
    today = date.today()
    customer = shop_history(shop, n_customers=1)[0]
    # Rp 150.000 bought for Rp 90.000 twice, Rp 100.000 for Rp 70.000 once:
    # revenue 400.000, cost 250.000, margin 37,5 %.
    add_line(add_sale(shop, customer, today, 300_000), 150_000, 90_000, quantity=2)
    add_line(add_sale(shop, customer, today, 100_000), 100_000, 70_000)
    # An old sale outside the year does not count.
    old = add_sale(shop, customer, today - timedelta(days=400), 100_000)
    add_line(old, 100_000, 99_000)
    assert analysis_settings.margin_from_costs(shop) == pytest.approx(0.375)
    choices = analysis_settings.choices_for(shop)
    assert (choices.margin, choices.margin_source) == (pytest.approx(0.375), "costs")


def test_order_discounts_lower_the_margin(shop):
    customer = shop_history(shop, n_customers=1)[0]
    # Rp 200.000 of goods bought for Rp 100.000, sold with Rp 50.000 off the
    # order (a promo code): Rp 150.000 in, margin 1/3, not 1/2.
    sale = add_sale(shop, customer, date.today(), 150_000)
    sale.subtotal_idr = 200_000
    sale.save(update_fields=["subtotal_idr"])
    add_line(sale, 200_000, 100_000)
    assert analysis_settings.margin_from_costs(shop) == pytest.approx(1 / 3)


def test_too_few_cost_prices_fall_back_to_the_rule_of_thumb(shop):
    today = date.today()
    customer = shop_history(shop, n_customers=1)[0]
    add_line(add_sale(shop, customer, today, 100_000), 100_000, 60_000)
    add_line(add_sale(shop, customer, today, 300_000), 300_000, 0)  # no HPP
    assert analysis_settings.margin_from_costs(shop) is None
    assert analysis_settings.choices_for(shop).margin_source == "default"


def test_the_owner_chooses_a_steep_pyramid_and_a_margin(owner_client, shop):
    shop_history(shop, n_customers=80)
    quartiles = services.score_shop(shop)
    assert CustomerScore.objects.filter(run=quartiles, tier=0).count() >= 20
    page = owner_client.get(reverse("insights:settings")).content.decode()
    assert 'data-testid="margin-from-costs"' in page

    response = owner_client.post(
        reverse("insights:settings"),
        {"pyramid_split": "steep", "margin_bp": "25"},
    )

    assert response.status_code == 302
    run = services.latest_run(shop)  # scored again at once (jobs run inline)
    assert run.pk != quartiles.pk
    assert run.details["choices"]["margin"] == 0.25
    assert run.details["choices"]["margin_source"] == "set"
    platinum = CustomerScore.objects.filter(run=run, tier=0).count()
    assert 1 <= platinum <= 3  # the top 1 % of 80, ties going up
    assert AuditEvent.objects.filter(action="insights.settings_saved").count() == 1
    page = owner_client.get(reverse("insights:pyramid")).content.decode()
    assert "25%" in page


def test_staff_cannot_change_the_analysis_settings(staff_client, shop):
    assert staff_client.get(reverse("insights:settings")).status_code == 403


def test_bad_settings_are_refused(owner_client, shop):
    for data in (
        {"pyramid_split": "steep", "margin_bp": "150"},
        {"pyramid_split": "everyone-platinum", "margin_bp": ""},
        {"pyramid_split": "steep", "margin_bp": "tiga puluh"},
    ):
        assert owner_client.post(reverse("insights:settings"), data).status_code == 200
    assert not AuditEvent.objects.filter(action="insights.settings_saved").exists()
