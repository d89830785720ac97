"""Who a campaign goes to: a rule over what Setia already knows, always narrowed
to the customers who agreed to marketing messages on WhatsApp."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts.models import Shop
from setia.campaigns.models import Audience, Campaign
from setia.customers.models import Customer
from setia.customers.services import marketing_whatsapp_customers
from setia.insights.models import CustomerScore
from setia.insights.services import latest_run
from setia.loyalty.models import PointsAccount


def audience_customers(
    shop: Shop, campaign: Campaign, today: dt.date | None = None
) -> QuerySet[Customer]:
    """The customers `campaign`'s rule picks today; an unsaved campaign works too."""
    customers = marketing_whatsapp_customers(shop)
    kind = campaign.audience
    if kind == Audience.ALL:
        return customers
    if kind in (Audience.PYRAMID, Audience.AT_RISK):
        # The latest finished analysis; without one nobody is in a pyramid level.
        run = latest_run(shop)
        if run is None:
            return customers.none()
        scores = CustomerScore.objects.filter(shop=shop, run=run)
        if kind == Audience.PYRAMID:
            scores = scores.filter(tier=campaign.pyramid_level)
        else:
            scores = scores.filter(is_at_risk=True)
        return customers.filter(pk__in=scores.values("customer_id"))
    if kind == Audience.LOYALTY_TIER:
        if campaign.loyalty_tier_id is None:
            return customers.none()
        members = PointsAccount.objects.filter(
            shop=shop, tier_id=campaign.loyalty_tier_id, customer__isnull=False
        )
        return customers.filter(pk__in=members.values("customer_id"))
    if kind == Audience.LAPSED:
        today = today or timezone.localdate()
        cutoff = today - dt.timedelta(days=campaign.lapsed_days or 0)
        return customers.filter(last_purchase_on__lte=cutoff)
    raise ValueError(f"unknown audience {kind!r}")


def has_analysis(shop: Shop) -> bool:
    return latest_run(shop) is not None


def describe_audience(campaign: Campaign) -> str:
    """The rule in the owner's words, e.g. "Pyramid level: Gold"."""
    kind = campaign.audience
    if kind == Audience.PYRAMID:
        return _("Pyramid level: %(level)s") % {
            "level": campaign.get_pyramid_level_display()
        }
    if kind == Audience.LOYALTY_TIER:
        tier = campaign.loyalty_tier
        return _("Loyalty tier: %(tier)s") % {"tier": tier.name if tier else "–"}
    if kind == Audience.LAPSED:
        return _("Not bought for %(days)s days or more") % {
            "days": campaign.lapsed_days
        }
    return str(campaign.get_audience_display())
