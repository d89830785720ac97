"""What a void does to the money: the Owner says whether the customer cancelled
(the money went back, today, in cash or by transfer) or the sale was recorded by
mistake (no money ever changed hands). Each day's money then matches the drawer
that was counted that day."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from setia.loyalty import services as loyalty
from setia.sales import services
from setia.sales.models import RefundMethod, Sale, VoidMoney
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


def _days_ago(n: int):
    return time_machine.travel(timezone.now() - dt.timedelta(days=n), tick=False)


def _day(shop, days_ago: int) -> dict:
    return services.daily_summary(
        shop, timezone.localdate() - dt.timedelta(days=days_ago)
    )


def _variant(shop):
    return make_product(shop, price=100_000, grosir=0, stock=50).variants.get()


def test_cancelled_yesterday_sale_keeps_yesterdays_money_and_hands_back_today(
    shop, owner
):
    variant = _variant(shop)
    with _days_ago(1):
        sale = sell(shop, owner, variant, 2)
    services.void_sale(shop, owner, sale, reason="batal", money=VoidMoney.CASH)
    sale.refresh_from_db()
    assert (sale.voided_on, sale.void_money, sale.void_refund_idr) == (
        timezone.localdate(),
        VoidMoney.CASH,
        200_000,
    )
    # Yesterday's drawer was counted with the Rp 200.000 in it: it stays.
    yesterday = _day(shop, 1)
    assert yesterday["received_by_method"] == {"cash": 200_000}
    assert yesterday["refunds_idr"] == 0
    # Today the Rp 200.000 went out of the drawer.
    today = _day(shop, 0)
    assert today["received_idr"] == 0
    assert today["refunds_by_method"] == {"cash": 200_000}
    assert (today["refunds_idr"], today["cash_net_idr"]) == (200_000, -200_000)
    assert today["voided"] == 1
    # Revenue is about sales that stand: the voided sale is in no day's revenue.
    assert (yesterday["revenue_idr"], yesterday["sales"]) == (0, 0)


def test_mistake_void_takes_the_sale_and_its_money_out_of_every_day(shop, owner):
    variant = _variant(shop)
    with _days_ago(1):
        sale = sell(shop, owner, variant, 1)
    services.void_sale(shop, owner, sale, reason="dobel", money=VoidMoney.MISTAKE)
    sale.refresh_from_db()
    assert (sale.void_money, sale.void_refund_idr) == (VoidMoney.MISTAKE, 0)
    assert _day(shop, 1)["received_idr"] == 0
    today = _day(shop, 0)
    assert (today["refunds_idr"], today["cash_net_idr"]) == (0, 0)


def test_transfer_back_is_not_cash_out_of_the_drawer(shop, owner):
    variant = _variant(shop)
    sale = sell(shop, owner, variant, 1)
    services.void_sale(shop, owner, sale, reason="batal", money=VoidMoney.TRANSFER)
    today = _day(shop, 0)
    assert today["received_by_method"] == {"cash": 100_000}
    assert today["refunds_by_method"] == {"transfer": 100_000}
    assert today["cash_net_idr"] == 100_000


def test_store_credit_and_an_earlier_return_are_not_handed_back_twice(shop, owner):
    variant = _variant(shop)
    customer = make_customer(shop, name="Bu Ani")
    loyalty.add_store_credit(
        shop, customer, 100_000, reason="awal", by=owner, idempotency_key="seed"
    )
    with _days_ago(2):
        # Rp 200.000: Rp 100.000 store credit, Rp 100.000 cash.
        sale = services.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 2)],
            payments=[
                PaymentInput("store_credit", 100_000),
                PaymentInput("cash", 100_000),
            ],
            customer=customer,
            idempotency_key="sc",
        )
    with _days_ago(1):
        services.record_return(
            shop,
            owner,
            sale,
            quantities={sale.lines.get().pk: 1},
            reason="ukuran",
            refund_method=RefundMethod.CASH,
        )
    sale.refresh_from_db()
    assert services.void_money_preview(sale) == (0, 100_000)
    services.void_sale(shop, owner, sale, reason="batal", money=VoidMoney.CASH)
    sale.refresh_from_db()
    assert (sale.void_refund_idr, sale.void_store_credit_idr) == (0, 100_000)
    assert loyalty.store_credit_balance(shop, customer) == 100_000
    # Each day keeps what happened in it.
    assert _day(shop, 2)["received_by_method"] == {
        "cash": 100_000,
        "store_credit": 100_000,
    }
    assert _day(shop, 1)["refunds_by_method"] == {"cash": 100_000}
    today = _day(shop, 0)
    assert (today["refunds_idr"], today["store_credit_refunds_idr"]) == (0, 100_000)


def test_kasbon_cancelled_by_the_void_is_not_handed_back(shop, owner):
    variant = _variant(shop)
    customer = make_customer(shop)
    with _days_ago(1):
        sale = services.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 2)],
            payments=[PaymentInput("cash", 50_000)],
            customer=customer,
            on_credit=True,
            idempotency_key="k",
        )
        # One piece back before the rest was paid: it only cuts the kasbon.
        ret = services.record_return(
            shop,
            owner,
            sale,
            quantities={sale.lines.get().pk: 1},
            reason="ukuran",
            refund_method=RefundMethod.CASH,
        )
    assert ret.refund_method == RefundMethod.REDUCE_CREDIT
    # Rp 200.000 − Rp 100.000 returned = Rp 100.000 left: Rp 50.000 paid, Rp
    # 50.000 still kasbon. The void hands back the Rp 50.000 and cancels the rest.
    sale.refresh_from_db()
    assert services.void_money_preview(sale) == (50_000, 0)
    services.void_sale(shop, owner, sale, reason="batal", money=VoidMoney.CASH)
    sale.refresh_from_db()
    assert (sale.void_refund_idr, sale.void_unpaid_idr, sale.outstanding_idr) == (
        50_000,
        50_000,
        0,
    )
    yesterday = _day(shop, 1)
    assert yesterday["received_by_method"] == {"cash": 50_000}
    # The return cut the kasbon only: no money went out for it, even now that
    # the sale is voided.
    assert yesterday["refunds_idr"] == 0
    assert _day(shop, 0)["refunds_by_method"] == {"cash": 50_000}


def test_void_needs_to_know_what_happened_to_the_money(shop, owner):
    sale = sell(shop, owner, _variant(shop), 1)
    with pytest.raises(ValidationError) as caught:
        services.void_sale(shop, owner, sale, reason="batal", money="")
    assert caught.value.code == "money"
    assert not Sale.objects.get(pk=sale.pk).is_voided


# ---- through the pages ------------------------------------------------------------


def test_void_page_asks_about_the_money_and_the_day_list_shows_it(
    owner_client, shop, owner
):
    variant = _variant(shop)
    with _days_ago(1):
        sale = sell(shop, owner, variant, 1)
    page = owner_client.get(f"/sales/{sale.pk}/").content.decode()
    assert 'name="money"' in page and "Rp 100.000" in page
    # No choice made: nothing is voided, and the Owner is told why.
    response = owner_client.post(
        f"/sales/{sale.pk}/void/", {"reason": "batal"}, follow=True
    )
    assert not Sale.objects.get(pk=sale.pk).is_voided
    assert "Pilih apa yang terjadi dengan uangnya" in response.content.decode()
    owner_client.post(f"/sales/{sale.pk}/void/", {"reason": "batal", "money": "cash"})
    sale.refresh_from_db()
    assert sale.is_voided and sale.void_refund_idr == 100_000
    detail = owner_client.get(f"/sales/{sale.pk}/").content.decode()
    assert "Rp 100.000 dikembalikan tunai" in detail
    day = owner_client.get("/sales/").content.decode()
    assert "Dikembalikan (tunai)" in day
    assert "Tunai bersih" in day and "−Rp 100.000" in day


def test_the_guides_drawer_example_is_what_setia_shows(staff_client, shop, owner):
    """cara-pakai: yesterday Rp 150.000 cash, cancelled and handed back this
    morning, Rp 400.000 of cash sales today: net cash Rp 250.000."""
    tunic = make_product(shop, name="Tunik", price=150_000, grosir=0).variants.get()
    with _days_ago(1):
        sale = sell(shop, owner, tunic, 1)
    services.void_sale(shop, owner, sale, reason="batal", money=VoidMoney.CASH)
    gamis = make_product(shop, name="Gamis", price=200_000, grosir=0).variants.get()
    sell(shop, owner, gamis, 2)
    assert _day(shop, 1)["received_by_method"] == {"cash": 150_000}
    today = _day(shop, 0)
    assert (today["refunds_by_method"], today["cash_net_idr"]) == (
        {"cash": 150_000},
        250_000,
    )
    guide = staff_client.get("/guide/cara-pakai/").content.decode()
    for said in ("Rp 150.000", "−Rp 150.000", "Rp 400.000", "Rp 250.000"):
        assert said in guide


@pytest.mark.parametrize("method", [RefundMethod.CASH, RefundMethod.STORE_CREDIT])
def test_no_mistake_void_once_a_return_gave_money_back(shop, owner, method):
    """The return's money really went out (or onto store credit): calling the
    sale a mistake would drop it from every day."""
    customer = make_customer(shop)
    with _days_ago(1):
        sale = sell(shop, owner, _variant(shop), 2, customer=customer)
        services.record_return(
            shop,
            owner,
            sale,
            quantities={sale.lines.get().pk: 1},
            reason="ukuran",
            refund_method=method,
        )
    sale.refresh_from_db()
    assert not services.mistake_void_allowed(sale)
    with pytest.raises(ValidationError) as caught:
        services.void_sale(shop, owner, sale, reason="dobel", money=VoidMoney.MISTAKE)
    assert caught.value.code == "money_moved"
    services.void_sale(shop, owner, sale, reason="batal", money=VoidMoney.CASH)
    yesterday, today = _day(shop, 1), _day(shop, 0)
    given = yesterday["refunds_idr"] + yesterday["store_credit_refunds_idr"]
    assert (given, today["refunds_by_method"]) == (100_000, {"cash": 100_000})


def test_no_mistake_void_once_a_kasbon_payment_came_in(shop, owner):
    sale = services.record_sale(
        shop,
        owner,
        lines=[LineInput(_variant(shop).pk, 1)],
        payments=[PaymentInput("cash", 0)],
        customer=make_customer(shop),
        on_credit=True,
        idempotency_key="k",
    )
    services.settle_credit(shop, owner, sale, method="cash", amount_idr=40_000)
    sale.refresh_from_db()
    assert not services.mistake_void_allowed(sale)
    with pytest.raises(ValidationError):
        services.void_sale(shop, owner, sale, reason="dobel", money=VoidMoney.MISTAKE)


def test_void_refuses_an_amount_that_changed_since_the_page_showed_it(
    owner_client, shop, owner
):
    """The page said Rp 200.000; a return then gave Rp 100.000 back: the Owner
    must not hand over what the page said."""
    sale = sell(shop, owner, _variant(shop), 2)
    page = owner_client.get(f"/sales/{sale.pk}/").content.decode()
    assert 'name="expected_refund" value="200000"' in page
    services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: 1},
        reason="ukuran",
        refund_method=RefundMethod.CASH,
    )
    response = owner_client.post(
        f"/sales/{sale.pk}/void/",
        {"reason": "batal", "money": "cash", "expected_refund": "200000"},
        follow=True,
    )
    assert not Sale.objects.get(pk=sale.pk).is_voided
    assert "Rp 100.000" in response.content.decode()
    owner_client.post(
        f"/sales/{sale.pk}/void/",
        {"reason": "batal", "money": "cash", "expected_refund": "100000"},
    )
    assert Sale.objects.get(pk=sale.pk).void_refund_idr == 100_000
