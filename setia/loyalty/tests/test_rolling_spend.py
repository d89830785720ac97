"""The 12-month spend tiers stand on: its window, its statuses, its returns, its
shop and customer (hand-written SQL since 2026-11-28, so pinned here)."""

from datetime import date, timedelta

import pytest

from setia.accounts.models import Shop
from setia.insights.tests.factories import add_sale
from setia.loyalty.tiers import rolling_spend
from setia.sales.models import SaleStatus
from setia.sales.tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def test_counts_the_last_365_days_net_of_returns_and_nothing_else(shop, owner):
    customer = make_customer(shop, name="Bu Ani")
    other = make_customer(shop, name="Bu Rina")
    elsewhere = Shop.objects.create(name="Toko Lain", slug="toko-lain")
    stranger = make_customer(elsewhere, name="Bu Ani")
    add_sale(shop, customer, TODAY, 100_000)
    add_sale(shop, customer, TODAY - timedelta(days=364), 200_000, returned_idr=50_000)
    add_sale(shop, customer, TODAY - timedelta(days=365), 400_000)  # just out
    add_sale(shop, customer, TODAY + timedelta(days=1), 800_000)  # not yet
    add_sale(shop, customer, TODAY, 1_600_000, status=SaleStatus.VOIDED)
    add_sale(shop, other, TODAY, 3_200_000)
    add_sale(elsewhere, stranger, TODAY, 6_400_000)
    assert rolling_spend(shop, customer, TODAY) == 250_000
    assert rolling_spend(shop, make_customer(shop, name="Baru"), TODAY) == 0


def test_never_below_zero(shop, owner):
    customer = make_customer(shop)
    add_sale(shop, customer, TODAY, 100_000, returned_idr=100_000)
    assert rolling_spend(shop, customer, TODAY) == 0
