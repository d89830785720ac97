"""Small builders for loyalty tests: customers, program versions and real sales."""

import itertools

from django.utils import timezone

from setia.customers.models import Customer
from setia.loyalty.models import ProgramVersion
from setia.sales.models import Product, Sale, SaleLine, SaleReturn, SaleReturnLine

_numbers = itertools.count(1)


def make_customer(shop, name="Bu Sari", **fields) -> Customer:
    n = next(_numbers)
    return Customer.objects.create(
        shop=shop, name=name, phone=f"+628123{n:07d}", **fields
    )


def make_program(shop, **fields) -> ProgramVersion:
    last = ProgramVersion.objects.filter(shop=shop).order_by("-version").first()
    values = {
        "idr_per_point": 10_000,
        "point_value_idr": 100,
        "expiry_months": 12,
        "min_purchase_idr": 0,
    }
    values.update(fields)
    return ProgramVersion.objects.create(
        shop=shop, version=(last.version + 1) if last else 1, **values
    )


def make_sale(
    shop,
    customer,
    lines=((100_000, 1, "Gamis", False),),
    *,
    discount_idr=0,
    reward_discount_idr=0,
    outstanding_idr=0,
    business_on=None,
    by=None,
) -> Sale:
    """A completed sale saved through the ORM; `lines` are (price, qty, category,
    is_grosir)."""
    n = next(_numbers)
    subtotal = sum(price * qty for price, qty, _cat, _g in lines)
    total = subtotal - discount_idr - reward_discount_idr
    sale = Sale.objects.create(
        shop=shop,
        customer=customer,
        number=n,
        business_on=business_on or timezone.localdate(),
        created_by=by,
        subtotal_idr=subtotal,
        discount_idr=discount_idr,
        reward_discount_idr=reward_discount_idr,
        total_idr=total,
        paid_idr=total - outstanding_idr,
        outstanding_idr=outstanding_idr,
        idempotency_key=f"test-sale-{n}",
    )
    for price, qty, category, grosir in lines:
        product = Product.objects.create(
            shop=shop, name=f"Produk {n}", category=category, price_idr=price
        )
        SaleLine.objects.create(
            sale=sale,
            product=product,
            description=product.name,
            quantity=qty,
            unit_price_idr=price,
            is_grosir_price=grosir,
            line_total_idr=price * qty,
        )
    return sale


def make_return(sale, line_amounts: dict[int, int], by=None) -> SaleReturn:
    """A return of some lines: {line index: amount}; quantity 1 each."""
    lines = list(sale.lines.order_by("id"))
    sale_return = SaleReturn.objects.create(
        sale=sale,
        business_on=timezone.localdate(),
        created_by=by,
        reason="Ukuran tidak pas",
        refund_method="cash",
        refund_idr=sum(line_amounts.values()),
    )
    for index, amount in line_amounts.items():
        SaleReturnLine.objects.create(
            sale_return=sale_return,
            sale_line=lines[index],
            quantity=1,
            amount_idr=amount,
        )
    return sale_return
