"""Refunds of a sale whose buy-X-get-Y set also carries a clerk's discount.

The offer's discount is shared over the pieces of its set when they come back;
a bought piece whose clerk's discount already took it below its share must not
refund a negative amount, and the points taken back follow the same money.
"""

import uuid

import pytest

from setia.loyalty import promotions
from setia.loyalty import services as loyalty
from setia.loyalty.tests.factories import make_customer, make_program
from setia.sales import services as sales
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_product

pytestmark = pytest.mark.django_db


def single(shop, name, price, category):
    return make_product(
        shop, name=name, price=price, grosir=0, category=category
    ).variants.get()


@pytest.mark.parametrize("after_discounts", [False, True])
def test_a_heavily_discounted_bought_piece_never_refunds_less_than_nothing(
    shop, owner, after_discounts
):
    promotions.save_offer(
        shop,
        by=owner,
        name="Beli 1 gratis 1",
        buy_category="Hijab",
        buy_qty=1,
        get_qty=1,
        percent_off_bp=10_000,
        is_active=True,
    )
    make_program(shop, idr_per_point=1_000, earn_after_discounts=after_discounts)
    member = make_customer(shop)
    pashmina = single(shop, "Pashmina", 60_000, "Hijab")
    bergo = single(shop, "Bergo", 40_000, "Hijab")
    gamis = single(shop, "Gamis", 100_000, "Gamis")
    # The clerk takes Rp 50.000 off the Pashmina; the Bergo is free.
    sale = sales.record_sale(
        shop,
        owner,
        lines=[
            LineInput(pashmina.pk, 1, 50_000),
            LineInput(bergo.pk, 1, 0),
            LineInput(gamis.pk, 1, 0),
        ],
        payments=[PaymentInput("cash", None)],
        idempotency_key=uuid.uuid4().hex,
        customer=member,
    )
    assert sale.total_idr == 110_000
    earned = loyalty.points_balance(shop, member)
    lines = {line.description: line for line in sale.lines.all()}

    def give_back(name):
        return sales.record_return(
            shop,
            owner,
            sale,
            quantities={lines[name].pk: 1},
            reason="Tidak jadi",
            refund_method="cash",
        )

    # Rp 10.000 was paid for the pair: the Pashmina refunds nothing (not
    # −Rp 14.000), the Gamis what was paid for it, the Bergo the rest.
    assert give_back("Pashmina").refund_idr == 0
    gamis_back = give_back("Gamis")
    assert gamis_back.refund_idr == 100_000
    if after_discounts:
        # 110 points on Rp 110.000 paid: the Gamis takes back its 100.
        assert earned == 110
        assert loyalty.points_balance(shop, member) == 10
    assert give_back("Bergo").refund_idr == 10_000
    assert loyalty.points_balance(shop, member) == 0
