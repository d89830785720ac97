"""The Owner's set-up: program versions, tiers, rewards, promo codes, adjustments."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.lib.money import format_rupiah, percent_of
from setia.loyalty import ledger
from setia.loyalty.models import (
    EntryKind,
    PointsEntry,
    ProgramVersion,
    PromoCode,
    PromoRedemption,
    Reward,
    Tier,
)

PROGRAM_FIELDS = [
    "is_active",
    "idr_per_point",
    "rounding",
    "min_purchase_idr",
    "grosir_lines_earn",
    "resellers_earn",
    "excluded_categories",
    "earn_after_discounts",
    "earn_and_redeem_same_sale",
    "point_value_idr",
    "expiry_months",
    "welcome_bonus_points",
    "birthday_bonus_points",
    "referral_bonus_points",
    "tier_basis",
]


@transaction.atomic
def save_program(shop, *, by, **values) -> ProgramVersion:
    """Save the rules as the next version; earlier entries keep their version."""
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    # Locking the newest version row makes two simultaneous saves take turns.
    last = (
        ProgramVersion.objects.select_for_update()
        .filter(shop=shop)
        .order_by("-version")
        .first()
    )
    version = ProgramVersion.objects.create(
        shop=shop, version=(last.version + 1) if last else 1, created_by=by, **values
    )
    audit.record(shop, by, "loyalty.program_saved", version, fields=values.keys())
    return version


@transaction.atomic
def save_tier(shop, *, by, tier: Tier | None = None, **values) -> Tier:
    tier = tier or Tier(shop=shop)
    for name, value in values.items():
        setattr(tier, name, value)
    tier.save()
    audit.record(shop, by, "loyalty.tier_saved", tier, fields=values.keys())
    return tier


@transaction.atomic
def save_reward(shop, *, by, reward: Reward | None = None, **values) -> Reward:
    reward = reward or Reward(shop=shop)
    for name, value in values.items():
        setattr(reward, name, value)
    reward.save()
    audit.record(shop, by, "loyalty.reward_saved", reward, fields=values.keys())
    return reward


def adjust_points(
    shop, customer, points: int, *, reason: str, by, idempotency_key: str
) -> PointsEntry | None:
    """An Owner's correction: a new entry with a reason, written to the audit log."""
    if points == 0:
        raise ValidationError(_("Enter a number of points other than 0."))
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    program = ledger.current_program(shop)
    with transaction.atomic():
        account = ledger.lock_account(shop, customer)
        entry = ledger.post_points(
            account,
            kind=EntryKind.ADJUST,
            points=points,
            key=f"adjust:{idempotency_key}",
            by=by,
            reason=reason.strip(),
            program=program,
            expires_on=ledger.expiry_for(program, timezone.localdate()),
        )
        if entry is not None:
            # The reason may name the customer, so it stays out of the audit log.
            audit.record(
                shop, by, "loyalty.points_adjusted", entry, detail=f"{points:+d}"
            )
        return entry


# ---- Promo codes ----


def normalize_promo(code: str) -> str:
    return "".join((code or "").split()).upper()


@transaction.atomic
def save_promo(shop, *, by, promo: PromoCode | None = None, **values) -> PromoCode:
    promo = promo or PromoCode(shop=shop)
    values["code"] = normalize_promo(values.get("code", promo.code))
    for name, value in values.items():
        setattr(promo, name, value)
    promo.save()
    audit.record(shop, by, "loyalty.promo_saved", promo, fields=values.keys())
    return promo


def promo_uses_by(promo: PromoCode, customer) -> int:
    """Uses of `promo` by `customer` still standing (voids give uses back)."""
    rows = PromoRedemption.objects.filter(promo=promo, customer=customer)
    return (
        rows.filter(is_give_back=False).count() - rows.filter(is_give_back=True).count()
    )


def check_promo(
    promo: PromoCode | None, *, customer, amount_idr: int, today: dt.date
) -> int:
    """Rupiah off `amount_idr` that `promo` gives now; raises ValidationError.

    Call it on a locked promo row (`select_for_update`) when the use is written.
    """
    if promo is None or not promo.is_active:
        raise ValidationError(_("This promo code does not exist."), code="no_promo")
    if promo.valid_from and today < promo.valid_from:
        raise ValidationError(
            _("This code can be used from %(day)s."),
            code="promo_not_yet",
            params={"day": promo.valid_from.strftime("%d/%m/%Y")},
        )
    if promo.valid_until and today > promo.valid_until:
        raise ValidationError(
            _("This promo code is not valid today."), code="promo_expired"
        )
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise ValidationError(
            _("This promo code has been used up."), code="promo_used_up"
        )
    if promo.customer_id is not None and (
        customer is None or customer.pk != promo.customer_id
    ):
        raise ValidationError(
            _("This coupon belongs to another customer."), code="promo_other_customer"
        )
    if amount_idr < promo.min_purchase_idr:
        raise ValidationError(
            _("This promo code needs a purchase of at least %(min)s."),
            code="promo_min_purchase",
            params={"min": format_rupiah(promo.min_purchase_idr)},
        )
    if promo.max_uses_per_customer is not None:
        if customer is None:
            raise ValidationError(
                _("Choose the customer to use this promo code."),
                code="promo_needs_customer",
            )
        if promo_uses_by(promo, customer) >= promo.max_uses_per_customer:
            raise ValidationError(
                _("This customer has already used this promo code."),
                code="promo_customer_limit",
            )
    discount = promo.discount_idr
    if promo.percent_bp:
        discount += percent_of(amount_idr, promo.percent_bp)
    if promo.cap_idr:
        discount = min(discount, promo.cap_idr)
    return max(0, min(discount, amount_idr))


def quote_promo(
    shop, code: str, *, customer, amount_idr: int, today: dt.date | None = None
) -> tuple[PromoCode, int]:
    """(promo, rupiah off) for a code typed at the counter; raises ValidationError."""
    promo = PromoCode.objects.filter(shop=shop, code=normalize_promo(code)).first()
    discount = check_promo(
        promo,
        customer=customer,
        amount_idr=amount_idr,
        today=today or timezone.localdate(),
    )
    return promo, discount


def use_promo(shop, code: str, *, customer, amount_idr: int, sale) -> int:
    """Record the use of a promo code for a sale (once per sale); rupiah off.

    Sales at the counter go through `promotions.redeem_promo` instead, inside the
    sale's own transaction.
    """
    with transaction.atomic():
        key = f"sale:{sale.pk}:promo"
        earlier = PromoRedemption.objects.filter(shop=shop, idempotency_key=key).first()
        if earlier is not None:
            return earlier.discount_idr
        promo = (
            PromoCode.objects.select_for_update(of=("self",))
            .filter(shop=shop, code=normalize_promo(code))
            .first()
        )
        discount = check_promo(
            promo,
            customer=customer,
            amount_idr=amount_idr,
            today=timezone.localdate(),
        )
        PromoRedemption.objects.create(
            shop=shop,
            promo=promo,
            customer=customer,
            sale_id=sale.pk,
            discount_idr=discount,
            idempotency_key=key,
        )
        PromoCode.objects.filter(pk=promo.pk).update(uses=F("uses") + 1)
        return discount
