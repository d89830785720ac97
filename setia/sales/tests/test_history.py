import datetime as dt
import random

import pytest
import time_machine

from setia.customers.models import Customer
from setia.sales import demo, services
from setia.sales.models import RefundMethod, Sale, Variant
from setia.sales.receipts import receipt_text
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


def test_period_summary_counts_revenue_repeat_share_and_top_items(shop, owner):
    gamis = make_product(shop, name="Gamis", price=200_000, grosir=0).variants.get()
    hijab = make_product(shop, name="Hijab", price=50_000, grosir=0).variants.get()
    loyal = make_customer(shop, name="Loyal")
    new = make_customer(shop, name="Baru")
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)):
        sell(shop, owner, gamis, customer=loyal)  # before the period
    with time_machine.travel(dt.datetime(2026, 6, 2, 4, tzinfo=dt.UTC)):
        sell(shop, owner, gamis, customer=loyal)
        sell(shop, owner, hijab, 2, customer=new)
        sale = sell(shop, owner, hijab)  # walk-in, then returned
        services.record_return(
            shop,
            owner,
            sale,
            quantities={sale.lines.get().pk: 1},
            reason="x",
            refund_method=RefundMethod.CASH,
        )
    summary = services.period_summary(shop, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    # Worked by hand: 200k + 100k + (50k - 50k returned) = 300k; repeat = loyal's 200k.
    assert summary["sales"] == 3
    assert summary["revenue_idr"] == 300_000
    assert summary["customers"] == 2
    assert summary["repeat_share"] == pytest.approx(200_000 / 300_000)
    assert summary["items"] == 3  # 1 + 2 + 1 - 1 returned
    assert summary["top_items"][0]["name"] == "Hijab"
    day = services.daily_summary(shop, dt.date(2026, 6, 2))
    assert day["received_by_method"] == {"cash": 350_000}
    assert day["refunds_idr"] == 50_000
    assert day["returns"] == 1


def test_period_without_sales_has_no_repeat_share(shop):
    summary = services.period_summary(shop, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert summary["sales"] == 0 and summary["repeat_share"] is None


def test_purchase_rows_are_net_of_returns_and_skip_voids_and_walk_ins(shop, owner):
    variant = make_product(shop, price=100_000, grosir=0, stock=50).variants.get()
    a, b = make_customer(shop, name="A"), make_customer(shop, name="B")
    kept = sell(shop, owner, variant, 2, customer=b)
    services.record_return(
        shop,
        owner,
        kept,
        quantities={kept.lines.get().pk: 1},
        reason="x",
        refund_method=RefundMethod.CASH,
    )
    sell(shop, owner, variant, 1, customer=a)
    voided = sell(shop, owner, variant, 1, customer=a)
    services.void_sale(shop, owner, voided, reason="salah")
    sell(shop, owner, variant, 1)
    rows = list(services.purchase_rows(shop))
    assert [(r[0], r[2]) for r in rows] == [(a.pk, 100_000), (b.pk, 100_000)]


def test_receipt_text_lists_lines_total_and_credit(shop, owner):
    variant = make_product(shop).variants.get()
    customer = make_customer(shop)
    sale = sell(shop, owner, variant, 3, customer=customer, pay=[], on_credit=True)
    text = receipt_text(sale)
    assert "3 x Gamis Uji (grosir)" in text
    assert "Rp 390.000" in text
    assert "Kasbon: Rp 390.000" in text


def _demo(shop, today):
    from setia.customers import demo as customers_demo

    rng = random.Random(8)
    customers_demo.populate(shop, rng, today, n_customers=120)
    return demo.populate(shop, rng, today, n_customers=120)


def test_demo_is_reproducible_and_consistent(shop, other_shop):
    today = dt.date(2026, 11, 27)
    summary = _demo(shop, today)
    assert summary == _demo(other_shop, today)
    assert "products" in summary
    sales = Sale.objects.filter(shop=shop)
    assert sales.filter(business_on__gt=today).count() == 0
    assert sales.filter(customer__isnull=True).count() > 0.08 * sales.count()
    assert not Variant.objects.filter(product__shop=shop, stock__lt=0).exists()
    # Ramadan 2026 (the weeks before Lebaran 20 March) is busier than May.
    ramadan = sales.filter(
        business_on__range=(dt.date(2026, 2, 20), dt.date(2026, 3, 19))
    )
    may = sales.filter(business_on__range=(dt.date(2026, 5, 1), dt.date(2026, 5, 28)))
    assert ramadan.count() > 1.5 * may.count()
    resellers = Customer.objects.filter(shop=shop, customer_type="reseller")
    assert sales.filter(customer__in=resellers, lines__is_grosir_price=True).exists()
    # Regulars drift away too, so the analysis has churn to find.
    from django.db.models import Count, Max

    per_customer = (
        sales.exclude(customer=None)
        .values("customer")
        .annotate(n=Count("id"), last=Max("business_on"))
    )
    lapsed = [c for c in per_customer if c["n"] >= 3 and (today - c["last"]).days > 180]
    assert lapsed
    history = list(sales.order_by("number").values_list("business_on", "total_idr"))
    other = Sale.objects.filter(shop=other_shop).order_by("number")
    assert history == list(other.values_list("business_on", "total_idr"))


def test_a_sale_to_a_customer_merged_away_since_the_screen_read_them_is_refused(
    shop, owner
):
    from django.core.exceptions import ValidationError

    from setia.customers.merging import merge_customers

    variant = make_product(shop, stock=4).variants.get()
    keep, dup = make_customer(shop, name="Sari"), make_customer(shop, name="Sari 2")
    merge_customers(shop, owner, keep, Customer.objects.get(pk=dup.pk))
    with pytest.raises(ValidationError) as caught:
        sell(shop, owner, variant, customer=dup)  # the screen's copy
    assert caught.value.code == "merged"
    assert not Sale.objects.exists()
    variant.refresh_from_db()
    assert variant.stock == 4


def test_merging_customers_moves_their_sales_and_credit(shop, owner):
    from setia.customers.merging import merge_customers

    variant = make_product(shop).variants.get()
    keep, dup = make_customer(shop, name="Sari"), make_customer(shop, name="Sari 2")
    sell(shop, owner, variant, customer=keep)
    sell(shop, owner, variant, customer=dup, pay=[], on_credit=True)
    merge_customers(shop, owner, keep, dup)
    assert Sale.objects.filter(customer=keep).count() == 2
    assert services.customer_outstanding_idr(shop, keep) == 150_000
