import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from setia.accounts.models import AuditEvent
from setia.sales import services
from setia.sales.models import (
    MovementKind,
    Payment,
    RefundMethod,
    Sale,
    SaleLine,
    SaleStatus,
    StockMovement,
    Variant,
)
from setia.sales.services import LineInput, PaymentInput, RestockLineInput
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


def stock_of(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def test_retail_sale_saves_lines_payment_and_takes_stock(shop, owner):
    variant = make_product(shop, stock=5).variants.get()
    sale = sell(shop, owner, variant, 2)
    assert sale.total_idr == 300_000
    assert sale.number == 1
    line = sale.lines.get()
    assert (line.unit_price_idr, line.is_grosir_price, line.quantity) == (
        150_000,
        False,
        2,
    )
    assert sale.payments.get().amount_idr == 300_000
    assert stock_of(variant) == 3
    movement = StockMovement.objects.get(sale=sale)
    assert (movement.kind, movement.quantity) == (MovementKind.SALE, -2)


def test_grosir_price_from_minimum_quantity_across_sizes(shop, owner):
    product = make_product(shop, sizes="M,L", grosir_min_qty=3)
    m, large = product.variants.order_by("size")
    sale = services.record_sale(
        shop,
        owner,
        lines=[LineInput(m.pk, 2), LineInput(large.pk, 1)],
        payments=[PaymentInput("qris", 390_000)],
        idempotency_key="k-grosir",
    )
    assert sale.total_idr == 3 * 130_000
    assert all(line.is_grosir_price for line in sale.lines.all())


def test_reseller_gets_grosir_price_for_one_piece(shop, owner):
    variant = make_product(shop).variants.get()
    reseller = make_customer(shop, reseller=True)
    sale = sell(shop, owner, variant, 1, customer=reseller)
    assert sale.total_idr == 130_000
    assert sale.lines.get().is_grosir_price


def test_retail_customer_below_minimum_pays_retail(shop, owner):
    variant = make_product(shop).variants.get()
    sale = sell(shop, owner, variant, 2, customer=make_customer(shop))
    assert sale.total_idr == 300_000


def test_line_and_order_discounts_make_an_integer_total(shop, owner):
    variant = make_product(shop, price=99_999, grosir=0).variants.get()
    sale = services.record_sale(
        shop,
        owner,
        lines=[LineInput(variant.pk, 3, discount_idr=1)],
        payments=[PaymentInput("cash", 300_000)],
        discount_idr=10_000,
        idempotency_key="k-disc",
    )
    assert sale.subtotal_idr == 299_996
    assert sale.total_idr == 289_996
    assert sale.change_idr == 10_004
    assert sale.payments.get().amount_idr == 289_996


def test_discount_above_subtotal_is_refused(shop, owner):
    variant = make_product(shop).variants.get()
    with pytest.raises(ValidationError):
        sell(shop, owner, variant, 1, pay=[], discount_idr=200_000)
    assert not Sale.objects.exists()


def test_mixed_payment_cash_and_qris(shop, owner):
    variant = make_product(shop).variants.get()
    sale = sell(
        shop,
        owner,
        variant,
        1,
        pay=[PaymentInput("qris", 100_000), PaymentInput("cash", 100_000)],
    )
    methods = dict(sale.payments.values_list("method", "amount_idr"))
    assert methods == {"qris": 100_000, "cash": 50_000}
    assert sale.change_idr == 50_000
    assert sale.outstanding_idr == 0


def test_overpaying_by_qris_is_refused(shop, owner):
    variant = make_product(shop).variants.get()
    with pytest.raises(ValidationError):
        sell(shop, owner, variant, 1, pay=[PaymentInput("qris", 200_000)])


def test_underpaying_without_credit_is_refused_and_nothing_saved(shop, owner):
    variant = make_product(shop, stock=5).variants.get()
    with pytest.raises(ValidationError):
        sell(shop, owner, variant, 1, pay=[PaymentInput("cash", 50_000)])
    assert not Sale.objects.exists()
    assert stock_of(variant) == 5


def test_credit_needs_a_named_customer(shop, owner):
    variant = make_product(shop).variants.get()
    with pytest.raises(ValidationError):
        sell(shop, owner, variant, 1, pay=[], on_credit=True)


def test_credit_sale_settled_later_in_two_payments(shop, owner):
    variant = make_product(shop).variants.get()
    customer = make_customer(shop)
    sale = sell(
        shop,
        owner,
        variant,
        1,
        customer=customer,
        pay=[PaymentInput("cash", 50_000)],
        on_credit=True,
    )
    assert (sale.paid_idr, sale.outstanding_idr) == (50_000, 100_000)
    assert services.customer_outstanding_idr(shop, customer) == 100_000
    assert list(services.open_credit_sales(shop)) == [sale]
    services.settle_credit(shop, owner, sale, method="transfer", amount_idr=60_000)
    with pytest.raises(ValidationError):
        services.settle_credit(shop, owner, sale, method="cash", amount_idr=50_000)
    services.settle_credit(shop, owner, sale, method="cash", amount_idr=40_000)
    sale.refresh_from_db()
    assert (sale.paid_idr, sale.outstanding_idr) == (150_000, 0)
    assert sale.payments.filter(kind=Payment.Kind.SETTLEMENT).count() == 2
    assert services.customer_outstanding_idr(shop, customer) == 0


def test_same_idempotency_key_twice_makes_one_sale(shop, owner):
    variant = make_product(shop, stock=5).variants.get()
    first = sell(shop, owner, variant, 1, key="double-tap")
    second = sell(shop, owner, variant, 1, key="double-tap")
    assert first.pk == second.pk
    assert Sale.objects.count() == 1
    assert stock_of(variant) == 4


def test_sale_numbers_count_up_per_shop(shop, owner, other_shop):
    variant = make_product(shop).variants.get()
    other = make_product(other_shop).variants.get()
    numbers = [sell(shop, owner, variant).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert sell(other_shop, None, other).number == 1


def test_selling_more_than_stock_is_refused_and_rolls_back(shop, owner):
    a = make_product(shop, name="A", stock=5).variants.get()
    b = make_product(shop, name="B", stock=1).variants.get()
    with pytest.raises(services.OutOfStock):
        services.record_sale(
            shop,
            owner,
            lines=[LineInput(a.pk, 2), LineInput(b.pk, 2)],
            payments=[PaymentInput("cash", 10**7)],
            idempotency_key="k-oos",
        )
    assert (stock_of(a), stock_of(b)) == (5, 1)
    assert not Sale.objects.exists()
    assert not StockMovement.objects.filter(kind=MovementKind.SALE).exists()


def test_untracked_product_sells_without_stock(shop, owner):
    variant = make_product(shop, stock=0, tracks_stock=False).variants.get()
    sell(shop, owner, variant, 4)
    assert stock_of(variant) == 0


def test_customer_of_another_shop_is_refused(shop, owner, other_shop):
    variant = make_product(shop).variants.get()
    with pytest.raises(ValidationError):
        sell(shop, owner, variant, customer=make_customer(other_shop))


def test_return_puts_stock_back_and_refunds_share_after_order_discount(shop, owner):
    variant = make_product(shop, price=100_000, grosir=0, stock=5).variants.get()
    sale = sell(shop, owner, variant, 3, discount_idr=30_000)
    assert sale.total_idr == 270_000
    line = sale.lines.get()
    ret = services.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 1},
        reason="Kekecilan",
        refund_method=RefundMethod.CASH,
    )
    assert ret.refund_idr == 90_000
    assert stock_of(variant) == 3
    services.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 2},
        reason="Warna beda",
        refund_method=RefundMethod.CASH,
    )
    sale.refresh_from_db()
    assert sale.returned_idr == 270_000
    assert stock_of(variant) == 5
    with pytest.raises(ValidationError):
        services.record_return(
            shop,
            owner,
            sale,
            quantities={line.pk: 1},
            reason="lagi",
            refund_method=RefundMethod.CASH,
        )
    assert SaleLine.objects.filter(sale=sale).count() == 1


def test_return_on_credit_sale_reduces_unpaid_credit_first(shop, owner):
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    customer = make_customer(shop)
    sale = sell(shop, owner, variant, 2, customer=customer, pay=[], on_credit=True)
    ret = services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: 1},
        reason="Rusak",
        refund_method=RefundMethod.CASH,
    )
    sale.refresh_from_db()
    assert ret.refund_method == RefundMethod.REDUCE_CREDIT
    assert sale.outstanding_idr == 100_000


def test_only_the_owner_voids_and_stock_comes_back(shop, owner, staff_user):
    variant = make_product(shop, stock=5).variants.get()
    sale = sell(shop, staff_user, variant, 2)
    with pytest.raises(PermissionDenied):
        services.void_sale(shop, staff_user, sale, reason="salah input")
    services.void_sale(shop, owner, sale, reason="salah input")
    sale.refresh_from_db()
    assert sale.status == SaleStatus.VOIDED
    assert stock_of(variant) == 5
    assert Sale.objects.count() == 1
    assert sale.lines.count() == 1
    assert StockMovement.objects.filter(kind=MovementKind.VOID).count() == 1
    assert AuditEvent.objects.filter(action="sale.voided").count() == 1


def test_void_after_partial_return_only_restores_the_rest(shop, owner):
    variant = make_product(shop, stock=5).variants.get()
    sale = sell(shop, owner, variant, 3)
    services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: 1},
        reason="x",
        refund_method=RefundMethod.CASH,
    )
    services.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert stock_of(variant) == 5
    total = StockMovement.objects.filter(variant=variant).aggregate(n=Sum("quantity"))
    assert total["n"] == 5


def test_restock_raises_stock_and_updates_cost(shop, owner):
    product = make_product(shop, stock=0, cost_idr=90_000)
    variant = product.variants.get()
    restock = services.record_restock(
        shop,
        owner,
        supplier="Tanah Abang, Blok A",
        received_on=dt.date(2026, 11, 2),
        lines=[RestockLineInput(variant.pk, 12, 95_000)],
    )
    assert restock.total_cost_idr == 1_140_000
    assert stock_of(variant) == 12
    product.refresh_from_db()
    assert product.cost_idr == 95_000
    months = services.restocks_per_month(shop)
    assert months[0]["count"] == 1


def test_stock_count_adjustment_records_difference(shop, owner):
    variant = make_product(shop, stock=5).variants.get()
    assert services.adjust_stock(shop, owner, variant, 3) == -2
    assert stock_of(variant) == 3
    with pytest.raises(ValidationError):
        services.adjust_stock(shop, owner, variant, -1)


def test_product_with_sizes_and_colours_gets_all_variants(shop, owner):
    product = services.create_product(
        shop,
        owner,
        name="Tunik",
        price_idr=120_000,
        sizes="S, M, L",
        colours=["Hitam", "Navy"],
    )
    assert product.variants.count() == 6
    with pytest.raises(ValidationError):
        services.create_product(
            shop, owner, name="X", price_idr=100, grosir_price_idr=200
        )
