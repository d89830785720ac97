"""Tiers by rolling 12-month spend; every change is recorded with its reason."""

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from setia.loyalty import ledger
from setia.loyalty.models import Tier, TierChange

TIER_WINDOW_DAYS = 365
COMPLETED = "completed"


def rolling_spend(shop, customer, today: dt.date | None = None) -> int:
    """What the customer spent in the last 12 months, net of returns."""
    today = today or timezone.localdate()
    sale_model = apps.get_model("sales", "Sale")
    totals = sale_model.objects.filter(
        shop=shop,
        customer=customer,
        status=COMPLETED,
        business_on__gt=today - dt.timedelta(days=TIER_WINDOW_DAYS),
        business_on__lte=today,
    ).aggregate(total=Sum("total_idr"), returned=Sum("returned_idr"))
    return max(0, (totals["total"] or 0) - (totals["returned"] or 0))


def tier_for_spend(shop, spend_idr: int) -> Tier | None:
    return (
        Tier.objects.filter(shop=shop, is_active=True, min_spend_idr__lte=spend_idr)
        .order_by("-min_spend_idr", "-id")
        .first()
    )


def next_tier(shop, tier: Tier | None) -> Tier | None:
    tiers = Tier.objects.filter(shop=shop, is_active=True)
    if tier is not None:
        tiers = tiers.filter(min_spend_idr__gt=tier.min_spend_idr)
    return tiers.order_by("min_spend_idr", "id").first()


def refresh_tier(shop, customer, *, reason: str, today=None) -> TierChange | None:
    """Move the member to the tier their 12-month spend earns, recording why."""
    with transaction.atomic():
        account = ledger.lock_account(shop, customer)
        return _refresh_locked_tier(shop, account, customer, reason, today)


def _refresh_locked_tier(shop, account, customer, reason, today=None):
    if not Tier.objects.filter(shop=shop).exists() and account.tier_id is None:
        return None
    spend = rolling_spend(shop, customer, today)
    tier = tier_for_spend(shop, spend)
    if tier == account.tier:
        return None
    change = TierChange.objects.create(
        shop=shop,
        account=account,
        from_tier=account.tier,
        to_tier=tier,
        spend_idr=spend,
        reason=reason[:200],
    )
    account.tier = tier
    account.save(update_fields=["tier"])
    return change
