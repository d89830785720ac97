"""Loyalty through the sales app's own services: sell, redeem, return, void."""

import pytest
from django.core.exceptions import ValidationError

from setia.loyalty import services as loyalty
from setia.loyalty.models import EntryKind, PointsEntry
from setia.loyalty.tests.factories import make_customer, make_program
from setia.sales import services as sales
from setia.sales.pricing import LineInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def gamis(shop, owner):
    product = sales.create_product(
        shop,
        owner,
        name="Gamis Katun",
        price_idr=150_000,
        category="Gamis",
        initial_stock=10,
    )
    return product.variants.get()


def sell(shop, owner, customer, variant, quantity, key, *, pay, **extra):
    return sales.record_sale(
        shop,
        owner,
        lines=[LineInput(variant_id=variant.pk, quantity=quantity)],
        payments=[sales.PaymentInput(method="cash", amount_idr=pay)],
        idempotency_key=key,
        customer=customer,
        **extra,
    )


def test_sell_redeem_return_and_void_keep_points_right(shop, owner, gamis):
    make_program(shop)
    member = make_customer(shop, name="Bu Lestari")
    first = sell(shop, owner, member, gamis, 2, "s1", pay=300_000)
    sell(shop, owner, member, gamis, 2, "s1", pay=300_000)  # a retried request
    assert loyalty.points_balance(shop, member) == 30

    second = sell(shop, owner, member, gamis, 1, "s2", pay=149_000, redeem_points=10)
    assert second.reward_discount_idr == 1_000
    assert second.total_idr == 149_000
    assert loyalty.points_balance(shop, member) == 30 - 10 + 14

    line = first.lines.get()
    sales.record_return(
        shop,
        owner,
        first,
        quantities={line.pk: 1},
        reason="Kekecilan",
        refund_method="store_credit",
    )
    assert loyalty.points_balance(shop, member) == 34 - 15
    assert loyalty.store_credit_balance(shop, member) == 150_000

    sales.void_sale(shop, owner, second, reason="Salah input")
    assert loyalty.points_balance(shop, member) == 19 + 10 - 14
    kinds = PointsEntry.objects.filter(account__customer=member).values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == sorted(
        [EntryKind.EARN, EntryKind.EARN, EntryKind.REDEEM] + [EntryKind.REVERSE] * 3
    )


def test_sale_screen_cannot_redeem_more_than_the_balance(shop, owner, gamis):
    make_program(shop)
    member = make_customer(shop)
    sell(shop, owner, member, gamis, 1, "a", pay=150_000)
    with pytest.raises(ValidationError):
        sell(shop, owner, member, gamis, 1, "b", pay=150_000, redeem_points=16)
    assert loyalty.points_balance(shop, member) == 15


def test_returns_and_void_after_a_merge_take_points_from_the_survivor(
    shop, owner, gamis
):
    from setia.customers.merging import merge_customers
    from setia.sales.models import Sale

    make_program(shop)
    survivor = make_customer(shop, name="Bu Sari")
    duplicate = make_customer(shop, name="Sari (lama)")
    sell(shop, owner, survivor, gamis, 1, "own", pay=150_000)
    sale = sell(shop, owner, duplicate, gamis, 3, "dup", pay=450_000)
    line = sale.lines.get()
    assert loyalty.points_balance(shop, duplicate) == 45
    sales.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 1},
        reason="Kekecilan",
        refund_method="cash",
    )
    assert loyalty.points_balance(shop, duplicate) == 30

    merge_customers(shop, owner, survivor, duplicate)
    assert loyalty.points_balance(shop, survivor) == 15 + 30

    sale = Sale.objects.get(pk=sale.pk)
    sales.record_return(
        shop, owner, sale, quantities={line.pk: 1}, reason="Warna", refund_method="cash"
    )
    # Only this piece's 15 points: the first return was already taken back.
    assert loyalty.points_balance(shop, survivor) == 15 + 15

    sales.void_sale(
        shop, owner, Sale.objects.get(pk=sale.pk), reason="Pembeli batal", money="cash"
    )
    # The void takes back the rest of that sale's 45 points, not more.
    assert loyalty.points_balance(shop, survivor) == 15
