"""Promotions at the counter: promo codes used in a sale, next-order coupons a
sale issues, and buy-X-get-Y offers priced into the lines.

What `setia.sales` calls inside its sale transaction: `lock_promo`,
`redeem_promo`, `issue_next_order_coupon`, `reverse_sale_promotions`,
`active_offers`, `apply_offers`; and for its pages `sale_coupon`. Nothing here
imports `setia.sales`.
"""

import copy
import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.accounts.models import cached_shop_setting
from setia.lib.money import allocate, format_rupiah, percent_of
from setia.loyalty.models import (
    BuyGetOffer,
    CouponRule,
    PromoCode,
    PromoRedemption,
)
from setia.loyalty.programs import check_promo, normalize_promo

__all__ = [
    "COUPON_ALPHABET",
    "OfferUnit",
    "active_offers",
    "apply_offers",
    "check_promo",
    "issue_next_order_coupon",
    "lock_promo",
    "new_coupon_code",
    "open_coupons",
    "promo_value_text",
    "redeem_promo",
    "reverse_sale_promotions",
    "review_coupon_after_return",
    "sale_coupon",
    "save_coupon_rule",
    "save_offer",
]

# No 0/O, 1/I/L: a customer reads the code off WhatsApp and a clerk types it.
# 31 ** 8 ≈ 8.5e11 codes: not guessable at a counter, short enough to type.
COUPON_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
COUPON_LENGTH = 8


# ---- Promo codes in a sale ----


def lock_promo(shop, code: str) -> PromoCode | None:
    """The shop's promo row for `code`, locked until the sale's transaction ends.

    The lock makes concurrent sales with one code take turns, so the use count
    and the per-customer count checked under it cannot be overtaken.
    """
    return (
        PromoCode.objects.select_for_update(of=("self",))
        .filter(shop=shop, code=normalize_promo(code))
        .first()
    )


def redeem_promo(sale, promo: PromoCode, discount_idr: int) -> PromoRedemption:
    """Write the use of a LOCKED, checked promo for `sale` and count it."""
    redemption = PromoRedemption.objects.create(
        shop_id=sale.shop_id,
        promo=promo,
        customer=sale.customer,
        sale_id=sale.pk,
        discount_idr=discount_idr,
        idempotency_key=f"sale:{sale.pk}:promo",
    )
    PromoCode.objects.filter(pk=promo.pk).update(uses=F("uses") + 1)
    return redemption


def reverse_sale_promotions(sale, by) -> None:
    """On a void: give the promo code's use back, and switch off the next-order
    coupon the sale issued if it is still unused.

    A voided sale never happened, so the customer may use the code again (the
    give-back is a second PromoRedemption row; the ledger is append-only). A
    coupon already used on a later sale stays used: that later sale is real.
    Returns keep the use: the discount was shared over the lines (the refund is
    the price actually paid), and the coupon a sale issued stays valid.
    Called before any stock row is touched, so locks are taken promo first, as
    in a sale.
    """
    used = PromoRedemption.objects.filter(
        shop_id=sale.shop_id, idempotency_key=f"sale:{sale.pk}:promo"
    ).first()
    if used is not None:
        promo = PromoCode.objects.select_for_update().get(pk=used.promo_id)
        key = f"void:{sale.pk}:promo"
        if not PromoRedemption.objects.filter(
            shop_id=sale.shop_id, idempotency_key=key
        ).exists():
            PromoRedemption.objects.create(
                shop_id=sale.shop_id,
                promo=promo,
                customer_id=used.customer_id,
                sale_id=sale.pk,
                discount_idr=-used.discount_idr,
                is_give_back=True,
                idempotency_key=key,
            )
            PromoCode.objects.filter(pk=promo.pk, uses__gt=0).update(uses=F("uses") - 1)
    coupon = (
        PromoCode.objects.select_for_update(of=("self",))
        .filter(shop_id=sale.shop_id, issued_by_sale_id=sale.pk)
        .first()
    )
    if coupon is not None and coupon.is_active and coupon.uses == 0:
        coupon.is_active = False
        coupon.save(update_fields=["is_active"])
        audit.record(sale.shop, by, "loyalty.coupon_cancelled", coupon)


# ---- Next-order coupons ----


@transaction.atomic
def save_coupon_rule(shop, *, by, rule: CouponRule | None = None, **values):
    rule = rule or CouponRule(shop=shop)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save()
    audit.record(shop, by, "loyalty.coupon_rule_saved", rule, fields=values.keys())
    return rule


def new_coupon_code() -> str:
    return "".join(secrets.choice(COUPON_ALPHABET) for _ in range(COUPON_LENGTH))


def _active_rules(shop) -> list[CouponRule]:
    """The shop's active rules, highest spend threshold first (cached per
    settings token, see `setia.loyalty.ledger`)."""
    return cached_shop_setting(
        shop,
        "coupon_rules",
        lambda: list(
            CouponRule.objects.filter(shop=shop, is_active=True).order_by(
                "-min_spend_idr", "id"
            )
        ),
    )


def _rule_for(shop, amount_idr: int) -> CouponRule | None:
    """The active rule with the highest spend threshold the amount reaches."""
    for rule in _active_rules(shop):
        if rule.min_spend_idr <= amount_idr:
            return copy.copy(rule)
    return None


def issue_next_order_coupon(sale, by=None, *, new_sale=False) -> PromoCode | None:
    """Issue the coupon `sale` earned, once per sale, inside its transaction.

    `new_sale=True`: the sale was created in this very transaction, so it cannot
    have issued a coupon yet and the lookup for one is skipped.
    """
    if sale.customer_id is None or sale.status != "completed":
        return None
    if sale.outstanding_idr > 0:
        # Like the referral bonus, a kasbon sale earns its coupon when it is
        # paid in full: `settle_credit` calls this again then.
        return None
    if not new_sale:
        existing = PromoCode.objects.filter(
            shop_id=sale.shop_id, issued_by_sale_id=sale.pk
        ).first()
        if existing is not None:
            return existing
    rule = _rule_for(sale.shop, sale.total_idr - sale.returned_idr)
    if rule is None:
        return None
    # Today: the day of the sale, or of the payment that settled a kasbon sale.
    # Usable from the next day: a coupon "for the next purchase" must bring the
    # customer back, not discount the rest of today's basket rung up as a
    # second sale.
    issued_on = timezone.localdate()
    for _attempt in range(5):
        try:
            # A savepoint: a clashing code must not break the sale's transaction.
            with transaction.atomic():
                return PromoCode.objects.create(
                    shop_id=sale.shop_id,
                    code=new_coupon_code(),
                    description=rule.name[:120],
                    discount_idr=rule.discount_idr,
                    percent_bp=rule.percent_bp,
                    cap_idr=rule.cap_idr,
                    min_purchase_idr=rule.min_purchase_idr,
                    valid_from=issued_on + dt.timedelta(days=1),
                    # "Valid 30 days": 30 days in all, from tomorrow.
                    valid_until=issued_on + dt.timedelta(days=rule.valid_days),
                    max_uses=1,
                    max_uses_per_customer=1,
                    customer_id=sale.customer_id,
                    rule=rule,
                    issued_by_sale_id=sale.pk,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free coupon code")


def sale_coupon(sale) -> PromoCode | None:
    """The coupon `sale` issued while it can still be used, for its receipt."""
    return PromoCode.objects.filter(
        shop_id=sale.shop_id,
        issued_by_sale_id=sale.pk,
        is_active=True,
        uses__lt=F("max_uses"),
    ).first()


def review_coupon_after_return(sale, net_idr: int, by=None) -> bool:
    """After a return, switch off the unused coupon `sale` issued if what is left
    of the sale (`net_idr`) no longer reaches its rule. Returns whether it did.

    Called before any stock row is touched (locks: promo first, as in a sale).
    """
    coupon = (
        # Only the coupon row is locked: PostgreSQL refuses FOR UPDATE on the
        # nullable side of the outer join to its rule.
        PromoCode.objects.select_for_update(of=("self",))
        .select_related("rule")
        .filter(shop_id=sale.shop_id, issued_by_sale_id=sale.pk)
        .first()
    )
    if coupon is None or not coupon.is_active or coupon.uses > 0:
        return False
    if coupon.rule is not None and net_idr >= coupon.rule.min_spend_idr:
        return False
    coupon.is_active = False
    coupon.save(update_fields=["is_active"])
    audit.record(sale.shop, by, "loyalty.coupon_cancelled", coupon)
    return True


def open_coupons(
    shop, customer, today: dt.date | None = None, *, usable_today: bool = False
):
    """A customer's coupons that can still be used, soonest expiry first.

    `usable_today`: only those that work today (the sale screen); otherwise also
    those that start later (a coupon issued today starts tomorrow).
    """
    today = today or timezone.localdate()
    coupons = PromoCode.objects.filter(
        shop=shop,
        customer=customer,
        is_active=True,
        uses__lt=F("max_uses"),
        valid_until__gte=today,
    )
    if usable_today:
        coupons = coupons.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
    return coupons.order_by("valid_until", "id")


# ---- Buy X get Y ----


@transaction.atomic
def save_offer(shop, *, by, offer: BuyGetOffer | None = None, **values):
    offer = offer or BuyGetOffer(shop=shop)
    for name, value in values.items():
        setattr(offer, name, value)
    offer.save()
    audit.record(shop, by, "loyalty.offer_saved", offer, fields=values.keys())
    return offer


def active_offers(shop, today: dt.date | None = None) -> list[BuyGetOffer]:
    """Offers running today, oldest first (the order they are applied in).

    The switched-on offers are cached per settings token (see
    `setia.loyalty.ledger`); the dates are checked on every call.
    """
    today = today or timezone.localdate()
    offers = cached_shop_setting(
        shop,
        "offers",
        lambda: list(
            BuyGetOffer.objects.filter(shop=shop, is_active=True).order_by("id")
        ),
    )
    return [
        copy.copy(offer)
        for offer in offers
        if (offer.valid_from is None or offer.valid_from <= today)
        and (offer.valid_until is None or today <= offer.valid_until)
    ]


@dataclass
class OfferUnit:
    """A cart line as the offers see it: its pieces at one unit price."""

    product_id: int
    category: str
    unit_price_idr: int
    quantity: int
    discount_idr: int = 0
    # The line's part of its sets' discounts shared over every piece of each set
    # (bought and free) by price: what a return of the line gives up.
    shared_discount_idr: int = 0
    names: list[str] = field(default_factory=list)


def _matches(unit: OfferUnit, product_id: int | None, category: str) -> bool:
    if product_id is not None:
        return unit.product_id == product_id
    wanted = category.strip().casefold()
    return bool(wanted) and unit.category.strip().casefold() == wanted


def apply_offers(units: list[OfferUnit], offers: list[BuyGetOffer]) -> None:
    """Set `discount_idr` and `names` of each line from the offers, in place.

    Each set takes the cheapest pieces that qualify as "get" and the dearest
    that qualify as "buy", so the customer gets the benefit on the cheapest
    pieces; ties break by line order, so the result is always the same. A piece
    serves one set of one offer only. Offers apply oldest first.
    """
    used: set[tuple[int, int]] = set()
    for offer in offers:
        get_product = offer.get_product_id
        get_category = offer.get_category
        if get_product is None and not get_category.strip():
            get_product, get_category = offer.buy_product_id, offer.buy_category
        # (line index, piece number) of every piece still free that qualifies;
        # cheapest first for "get", dearest first for "buy"; ties by line order.
        gets = sorted(
            (
                (i, n)
                for i, unit in enumerate(units)
                if _matches(unit, get_product, get_category)
                for n in range(unit.quantity)
                if (i, n) not in used
            ),
            key=lambda p: (units[p[0]].unit_price_idr, p),
        )
        buys = sorted(
            (
                (i, n)
                for i, unit in enumerate(units)
                if _matches(unit, offer.buy_product_id, offer.buy_category)
                for n in range(unit.quantity)
                if (i, n) not in used
            ),
            key=lambda p: (-units[p[0]].unit_price_idr, p),
        )
        # The dearest pieces are paid for first, then the cheapest pieces left
        # get the benefit. (Taking the "get" pieces first could use up the only
        # piece that can be bought and miss a set the cart qualifies for.)
        next_get = next_buy = 0
        while True:
            chosen_buys = []
            while next_buy < len(buys) and len(chosen_buys) < offer.buy_qty:
                piece, next_buy = buys[next_buy], next_buy + 1
                if piece not in used:
                    chosen_buys.append(piece)
            if len(chosen_buys) < offer.buy_qty:
                break
            used.update(chosen_buys)
            chosen_gets = []
            while next_get < len(gets) and len(chosen_gets) < offer.get_qty:
                piece, next_get = gets[next_get], next_get + 1
                if piece not in used:
                    chosen_gets.append(piece)
            if len(chosen_gets) < offer.get_qty:
                used.difference_update(chosen_buys)
                break
            used.update(chosen_gets)
            set_discount = 0
            for i, _n in chosen_gets:
                unit = units[i]
                off = percent_of(unit.unit_price_idr, offer.percent_off_bp)
                unit.discount_idr += off
                set_discount += off
                if offer.name not in unit.names:
                    unit.names.append(offer.name)
            pieces = chosen_buys + chosen_gets
            shares = allocate(
                set_discount, [units[i].unit_price_idr for i, _ in pieces]
            )
            for (i, _n), share in zip(pieces, shares, strict=True):
                units[i].shared_discount_idr += share


def offer_summary(offer: BuyGetOffer) -> str:
    """Describe an offer in words ("Buy 2 Gamis, get 1 free") for the Owner."""
    buy = offer.buy_product.name if offer.buy_product_id else offer.buy_category
    get = offer.get_product.name if offer.get_product_id else offer.get_category
    get = get or buy
    if offer.percent_off_bp >= 10_000:
        return _("Buy %(x)s %(buy)s, get %(y)s %(get)s free") % {
            "x": offer.buy_qty,
            "buy": buy,
            "y": offer.get_qty,
            "get": get,
        }
    return _("Buy %(x)s %(buy)s, get %(y)s %(get)s at %(pct)s%% off") % {
        "x": offer.buy_qty,
        "buy": buy,
        "y": offer.get_qty,
        "get": get,
        "pct": f"{offer.percent_off_bp / 100:g}".replace(".", ","),
    }


def promo_value_text(promo) -> str:
    """What a code or coupon is worth, in words: "Rp 25.000", "10% (max Rp 50.000)"."""
    parts = []
    if promo.discount_idr:
        parts.append(format_rupiah(promo.discount_idr))
    if promo.percent_bp:
        parts.append(f"{promo.percent_bp / 100:g}%".replace(".", ","))
    text = " + ".join(parts)
    if promo.cap_idr and promo.percent_bp:
        text += " " + _("(max %(cap)s)") % {"cap": format_rupiah(promo.cap_idr)}
    return text
