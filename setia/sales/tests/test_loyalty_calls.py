"""The sale, return and void services call loyalty inside their transactions."""

import pytest
from django.core.exceptions import ValidationError

from setia.loyalty import members, programs
from setia.loyalty import services as loyalty
from setia.sales import services
from setia.sales.models import RefundMethod, Sale
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(shop, owner):
    # 1 point per Rp 10.000; a point is worth Rp 100 when redeemed.
    return programs.save_program(shop, by=owner)


def test_sale_earns_points_and_void_takes_them_back(shop, owner, program):
    customer = make_customer(shop)
    variant = make_product(shop, price=150_000).variants.get()
    sale = sell(shop, owner, variant, customer=customer)
    assert loyalty.points_balance(shop, customer) == 15
    services.void_sale(shop, owner, sale, reason="salah")
    assert loyalty.points_balance(shop, customer) == 0


def test_return_takes_back_points_in_proportion(shop, owner, program):
    customer = make_customer(shop)
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, variant, 2, customer=customer)
    assert loyalty.points_balance(shop, customer) == 20
    services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: 1},
        reason="x",
        refund_method=RefundMethod.CASH,
    )
    assert loyalty.points_balance(shop, customer) == 10


def test_redeeming_points_lowers_the_total(shop, owner, program):
    customer = make_customer(shop)
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sell(shop, owner, variant, 3, customer=customer)  # 30 points
    sale = services.record_sale(
        shop,
        owner,
        lines=[LineInput(variant.pk, 1)],
        payments=[PaymentInput("cash", None)],
        customer=customer,
        redeem_points=20,
        idempotency_key="redeem-1",
    )
    assert sale.reward_discount_idr == 2_000
    assert sale.total_idr == 98_000
    assert sale.payments.get().amount_idr == 98_000
    with pytest.raises(ValidationError):
        services.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 1)],
            payments=[PaymentInput("cash", None)],
            customer=customer,
            redeem_points=10_000,
            idempotency_key="redeem-2",
        )
    assert not Sale.objects.filter(idempotency_key="redeem-2").exists()


def test_refund_as_store_credit_then_pay_with_it(shop, owner, program):
    customer = make_customer(shop)
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, variant, 1, customer=customer)
    services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: 1},
        reason="tukar",
        refund_method=RefundMethod.STORE_CREDIT,
    )
    assert loyalty.store_credit_balance(shop, customer) == 100_000
    paid = sell(
        shop,
        owner,
        variant,
        1,
        customer=customer,
        pay=[PaymentInput("store_credit", 100_000)],
    )
    assert paid.payments.get().method == "store_credit"
    assert loyalty.store_credit_balance(shop, customer) == 0


def test_member_card_code_picks_the_customer_on_the_sale_screen(
    staff_client, shop, owner, program
):
    customer = make_customer(shop, name="Bu Member")
    card = members.issue_member_card(shop, customer, by=owner)
    response = staff_client.post(
        "/sales/new/", {"key": "k", "cq": card.code.lower(), "action": "findcustomer"}
    )
    assert response.context["state"].customer == customer
