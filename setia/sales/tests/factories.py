"""Helpers to build catalogue and sales in tests through the real services."""

import itertools
import uuid

from setia.customers.models import Customer, CustomerType
from setia.sales import services
from setia.sales.services import LineInput, PaymentInput

_phones = itertools.count(10_000_001)


def make_customer(shop, name="Siti Uji", reseller=False) -> Customer:
    return Customer.objects.create(
        shop=shop,
        name=name,
        phone=f"+62812{next(_phones):08d}",
        customer_type=CustomerType.RESELLER if reseller else CustomerType.RETAIL,
    )


def make_product(shop, name="Gamis Uji", price=150_000, grosir=130_000, stock=20, **kw):
    kw.setdefault("grosir_min_qty", 3)
    return services.create_product(
        shop,
        None,
        name=name,
        price_idr=price,
        grosir_price_idr=grosir,
        initial_stock=stock,
        **kw,
    )


def sell(shop, by, variant, quantity=1, *, customer=None, pay=None, key=None, **kw):
    """Record a one-line sale paid in full in cash unless `pay` says otherwise."""
    lines = [LineInput(variant.pk, quantity)]
    if pay is None:
        from setia.sales.pricing import quote_cart

        pay = [
            PaymentInput(
                "cash", quote_cart(shop, customer, lines, **_disc(kw)).total_idr
            )
        ]
    return services.record_sale(
        shop,
        by,
        lines=lines,
        payments=pay,
        customer=customer,
        idempotency_key=key or uuid.uuid4().hex,
        **kw,
    )


def _disc(kw):
    return {"discount_idr": kw.get("discount_idr", 0)}
