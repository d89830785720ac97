"""Money around returns and voids: store credit given back by a void, a kasbon
paid off by a return, and the day's refunds on the sales list."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from setia.customers.models import Customer
from setia.loyalty import programs
from setia.loyalty import services as loyalty
from setia.loyalty.models import CouponRule, PointsEntry, PromoCode
from setia.sales import services
from setia.sales.models import RefundMethod
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


def _sale(shop, owner, variant, customer, payments, *, on_credit=False, key):
    return services.record_sale(
        shop,
        owner,
        lines=[LineInput(variant.pk, 2)],
        payments=payments,
        customer=customer,
        on_credit=on_credit,
        idempotency_key=key,
    )


def _return(shop, owner, sale, pieces, method):
    return services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: pieces},
        reason="ukuran",
        refund_method=method,
    )


def _seed_credit(shop, customer, amount, owner):
    loyalty.add_store_credit(
        shop,
        customer,
        amount,
        reason="awal",
        by=owner,
        idempotency_key=f"s{customer.pk}",
    )


# ---- 1. a void gives back at most the money not yet given back -------------------


def test_void_gives_back_store_credit_only_up_to_money_not_yet_refunded(shop, owner):
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    # Paid Rp 100.000 in store credit, all returned for cash, then voided: the
    # cash already went back, so the void gives no store credit back.
    full = make_customer(shop, name="Bu Ani")
    _seed_credit(shop, full, 100_000, owner)
    sale = _sale(
        shop, owner, variant, full, [PaymentInput("store_credit", 100_000)], key="a"
    )
    assert _return(shop, owner, sale, 2, RefundMethod.CASH).refund_idr == 100_000
    services.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert loyalty.store_credit_balance(shop, full) == 0
    # Half store credit, half cash; one piece returned for cash: Rp 50.000 paid is
    # still not given back, all of it can go back as store credit.
    half = make_customer(shop, name="Bu Rina")
    _seed_credit(shop, half, 50_000, owner)
    sale = _sale(
        shop,
        owner,
        variant,
        half,
        [PaymentInput("cash", None), PaymentInput("store_credit", 50_000)],
        key="b",
    )
    _return(shop, owner, sale, 1, RefundMethod.CASH)
    services.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert loyalty.store_credit_balance(shop, half) == 50_000
    # Kasbon: Rp 40.000 store credit paid, Rp 60.000 on credit; the return only
    # cut the kasbon (no money out), so the void gives the Rp 40.000 back.
    kasbon = make_customer(shop, name="Bu Tini")
    _seed_credit(shop, kasbon, 40_000, owner)
    sale = _sale(
        shop,
        owner,
        variant,
        kasbon,
        [PaymentInput("store_credit", 40_000)],
        on_credit=True,
        key="c",
    )
    ret = _return(shop, owner, sale, 1, RefundMethod.CASH)
    assert ret.refund_method == RefundMethod.REDUCE_CREDIT
    services.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    services.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert loyalty.store_credit_balance(shop, kasbon) == 40_000


# ---- 3. a kasbon paid off by a return counts as paid ------------------------------


def test_kasbon_paid_off_by_a_return_issues_coupon_and_referral_bonus(shop, owner):
    programs.save_program(shop, by=owner, referral_bonus_points=25)
    CouponRule.objects.create(
        shop=shop, name="Balik lagi", min_spend_idr=10_000, discount_idr=5_000
    )
    referrer = make_customer(shop, name="Bu Ani")
    friend = make_customer(shop, name="Bu Rina")
    Customer.objects.filter(pk=friend.pk).update(referred_by=referrer)
    friend.refresh_from_db()
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    # All returned before a rupiah was paid: nothing was bought, nothing earned.
    nothing = _sale(
        shop, owner, variant, friend, [PaymentInput("cash", 0)], on_credit=True, key="n"
    )
    _return(shop, owner, nothing, 2, RefundMethod.REDUCE_CREDIT)
    assert not PromoCode.objects.filter(issued_by_sale_id=nothing.pk).exists()
    assert loyalty.points_balance(shop, referrer) == 0
    # Half paid, the other piece returned: the kasbon is 0, the sale is paid.
    sale = _sale(
        shop, owner, variant, friend, [PaymentInput("cash", 0)], on_credit=True, key="p"
    )
    services.settle_credit(shop, owner, sale, method="cash", amount_idr=50_000)
    ret = _return(shop, owner, sale, 1, RefundMethod.CASH)
    sale.refresh_from_db()
    assert (ret.refund_method, sale.outstanding_idr) == (RefundMethod.REDUCE_CREDIT, 0)
    assert (
        PromoCode.objects.filter(
            issued_by_sale_id=sale.pk, customer=friend, is_active=True
        ).count()
        == 1
    )
    assert loyalty.points_balance(shop, referrer) == 25
    assert PointsEntry.objects.get(idempotency_key=f"referral:{friend.pk}").sale_id == (
        sale.pk
    )


# ---- 5. the day's refunds are money given back --------------------------------


def test_daily_refunds_count_money_given_back_not_kasbon_cuts(shop, owner):
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    customer = make_customer(shop)
    cash = sell(shop, owner, variant, 2, customer=customer)
    _return(shop, owner, cash, 1, RefundMethod.CASH)  # Rp 50.000 out
    cut = _sale(
        shop,
        owner,
        variant,
        customer,
        [PaymentInput("cash", 0)],
        on_credit=True,
        key="k",
    )
    _return(shop, owner, cut, 1, RefundMethod.REDUCE_CREDIT)  # kasbon cut only
    part = _sale(
        shop,
        owner,
        variant,
        customer,
        [PaymentInput("cash", 30_000)],
        on_credit=True,
        key="m",
    )
    # Rp 100.000 refund: Rp 70.000 cuts the kasbon, Rp 30.000 goes back in cash.
    assert _return(shop, owner, part, 2, RefundMethod.TRANSFER).refund_idr == 100_000
    to_credit = sell(shop, owner, variant, 2, customer=customer)
    _return(shop, owner, to_credit, 1, RefundMethod.STORE_CREDIT)  # not money out
    voided = sell(shop, owner, variant, 2, customer=customer)
    _return(shop, owner, voided, 1, RefundMethod.CASH)
    services.void_sale(shop, owner, voided, reason="Pembeli batal", money="cash")
    day = services.daily_summary(shop, timezone.localdate())
    # The cancelled sale's Rp 100.000 came in and went out again today: its
    # return's Rp 50.000, then the void's hand-back of the other Rp 50.000.
    assert day["received_by_method"] == {"cash": 330_000}
    assert day["refunds_by_method"] == {"cash": 150_000, "transfer": 30_000}
    assert day["store_credit_refunds_idr"] == 50_000
    assert day["cash_net_idr"] == 180_000


def test_sales_list_shows_todays_refunds_of_an_earlier_sale(staff_client, shop, owner):
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    customer = make_customer(shop)
    yesterday = timezone.now() - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        cash = sell(shop, owner, variant, 2, customer=customer)
        to_credit = sell(shop, owner, variant, 2, customer=customer)
    _return(shop, owner, cash, 1, RefundMethod.CASH)
    _return(shop, owner, to_credit, 1, RefundMethod.STORE_CREDIT)
    response = staff_client.get("/sales/")
    summary = response.context["summary"]
    assert (summary["refunds_idr"], summary["store_credit_refunds_idr"]) == (
        50_000,
        50_000,
    )
    page = response.content.decode()
    # Nothing was received today, the refunds still show, each on its own line.
    assert page.count("−Rp 50.000") == 2
    assert "Pengembalian ke saldo toko" in page
