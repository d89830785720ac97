"""Pricing a cart: retail or grosir unit prices, discounts, the total. No writes."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Customer, CustomerType
from setia.loyalty.promotions import OfferUnit, active_offers, apply_offers
from setia.sales.models import Product, Variant


@dataclass
class LineInput:
    """One cart line as the clerk entered it."""

    variant_id: int
    quantity: int
    discount_idr: int = 0


@dataclass
class PricedLine:
    variant: Variant
    quantity: int
    unit_price_idr: int
    is_grosir_price: bool
    discount_idr: int
    line_total_idr: int
    promo_discount_idr: int = 0
    promo_name: str = ""
    offer_share_idr: int = 0

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def retail_total_idr(self) -> int:
        return self.variant.product.price_idr * self.quantity


@dataclass
class Quote:
    lines: list[PricedLine] = field(default_factory=list)
    subtotal_idr: int = 0
    discount_idr: int = 0
    reward_discount_idr: int = 0
    promo_discount_idr: int = 0
    promo_code: str = ""
    total_idr: int = 0

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def savings_idr(self) -> int:
        """What grosir prices and discounts saved against retail prices."""
        retail = sum(line.retail_total_idr for line in self.lines)
        return retail - self.total_idr


def is_reseller(customer: Customer | None) -> bool:
    return customer is not None and customer.customer_type == CustomerType.RESELLER


def price_lines(
    variants: dict[int, Variant],
    lines: list[LineInput],
    customer: Customer | None,
    *,
    discount_idr: int = 0,
    reward_discount_idr: int = 0,
    promo_discount_idr: int = 0,
    offers=(),
) -> Quote:
    """Price `lines`; grosir applies per product when the pieces of that product in
    the whole cart reach its grosir minimum, or always for a reseller. Running
    buy-X-get-Y `offers` then take their discount off the lines they apply to."""
    reseller = is_reseller(customer)
    per_product: dict[int, int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise ValidationError(_("Quantity must be at least 1."), code="quantity")
        variant = variants.get(line.variant_id)
        if variant is None:
            raise ValidationError(_("That item is not in the catalogue."), code="item")
        pid = variant.product_id
        per_product[pid] = per_product.get(pid, 0) + line.quantity
    quote = Quote()
    units, grosir_flags = [], []
    for line in lines:
        variant = variants[line.variant_id]
        unit, grosir = variant.product.unit_price(
            per_product[variant.product_id], reseller
        )
        units.append(
            OfferUnit(variant.product_id, variant.product.category, unit, line.quantity)
        )
        grosir_flags.append(grosir)
    if offers:
        apply_offers(units, list(offers))
    for line, offer_unit, grosir in zip(lines, units, grosir_flags, strict=True):
        variant = variants[line.variant_id]
        unit = offer_unit.unit_price_idr
        gross = unit * line.quantity
        discount = max(0, int(line.discount_idr))
        promo = offer_unit.discount_idr
        if discount + promo > gross:
            raise ValidationError(
                _("A line discount cannot be more than the line."), code="discount"
            )
        quote.lines.append(
            PricedLine(
                variant,
                line.quantity,
                unit,
                grosir,
                discount,
                gross - discount - promo,
                promo_discount_idr=promo,
                promo_name=", ".join(offer_unit.names)[:80],
                offer_share_idr=offer_unit.shared_discount_idr,
            )
        )
    quote.subtotal_idr = sum(line.line_total_idr for line in quote.lines)
    quote.discount_idr = max(0, int(discount_idr))
    quote.reward_discount_idr = max(0, int(reward_discount_idr))
    quote.promo_discount_idr = max(0, int(promo_discount_idr))
    order_discounts = (
        quote.discount_idr + quote.reward_discount_idr + quote.promo_discount_idr
    )
    if order_discounts > quote.subtotal_idr:
        raise ValidationError(
            _("The discount cannot be more than the subtotal."), code="discount"
        )
    quote.total_idr = quote.subtotal_idr - order_discounts
    return quote


def load_variants(shop, variant_ids) -> dict[int, Variant]:
    """The shop's variants by id, with their products (inactive ones excluded)."""
    qs = Variant.objects.select_related("product").filter(
        product__shop=shop, product__is_active=True, pk__in=set(variant_ids)
    )
    return {v.pk: v for v in qs}


def quote_cart(
    shop,
    customer: Customer | None,
    lines: list[LineInput],
    *,
    discount_idr: int = 0,
    reward_discount_idr: int = 0,
) -> Quote:
    """Price a cart for the sale screen (reads only)."""
    variants = load_variants(shop, [line.variant_id for line in lines])
    return price_lines(
        variants,
        lines,
        customer,
        discount_idr=discount_idr,
        reward_discount_idr=reward_discount_idr,
        offers=active_offers(shop),
    )
