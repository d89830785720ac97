"""The daily loyalty run, shared by the huey task and `setia loyalty daily`."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts.models import Shop
from setia.loyalty import ledger, members, services, tiers
from setia.loyalty.models import PointsAccount, ProgramVersion, TierBasis


def refresh_tiers(shop, today: dt.date | None = None) -> int:
    """Re-check every member's tier (spend leaves the 12-month window daily; the
    pyramid tiers follow the latest analysis)."""
    if tiers.tier_basis(shop) == TierBasis.PYRAMID:
        return tiers.refresh_pyramid_tiers(shop)
    changed = 0
    accounts = PointsAccount.objects.filter(shop=shop, customer__isnull=False)
    for account in accounts.select_related("customer"):
        change = services.refresh_tier(
            shop,
            account.customer,
            reason=_("daily review of 12-month spend"),
            today=today,
        )
        changed += change is not None
    return changed


def run_daily(today: dt.date | None = None, shops=None) -> dict:
    """Expire, birthday bonuses and tier review for every shop with a program."""
    today = today or timezone.localdate()
    totals = {"expired": 0, "birthdays": 0, "tiers": 0}
    shop_ids = ProgramVersion.objects.values_list("shop_id", flat=True).distinct()
    shops = Shop.objects.all() if shops is None else shops
    for shop in shops.filter(pk__in=list(shop_ids)):
        totals["expired"] += ledger.expire_points(shop, today)
        totals["birthdays"] += members.award_birthday_bonuses(shop, today)
        totals["tiers"] += refresh_tiers(shop, today)
    return totals
