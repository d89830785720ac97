"""The Owner's analysis choices, resolved for one scoring run: the pyramid's
cut-offs and the gross margin used for lifetime value."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from setia.accounts import audit
from setia.insights.models import PYRAMID_SHARES, AnalysisSettings, PyramidSplit

# Retail management teaching's rule of thumb for clothing when the shop has not
# recorded its cost prices; the page says when this default is used.
DEFAULT_MARGIN = 0.30
MARGIN_WINDOW_DAYS = 365
# Cost prices must cover at least half of the year's sales to be trusted.
MIN_COSTED_SHARE = 0.5


class MarginSource:
    SET = "set"  # typed by the Owner
    COSTS = "costs"  # worked out from the cost prices of what was sold
    DEFAULT = "default"  # too few cost prices: the rule of thumb


@dataclass(frozen=True)
class AnalysisChoices:
    split: str
    shares: tuple[float, float, float]
    margin: float
    margin_source: str


def settings_of(shop) -> AnalysisSettings:
    """The shop's settings row (unsaved defaults when the Owner never saved)."""
    found = AnalysisSettings.objects.filter(shop=shop).first()
    return found or AnalysisSettings(shop=shop)


def save_settings(shop, *, by, pyramid_split: str, margin_bp: int | None):
    row = settings_of(shop)
    row.pyramid_split, row.margin_bp = pyramid_split, margin_bp
    row.save()
    audit.record(
        shop, by, "insights.settings_saved", row, fields=["pyramid_split", "margin_bp"]
    )
    return row


def margin_from_costs(shop, today: dt.date | None = None) -> float | None:
    """The gross margin of the last year's completed sales, from the cost price
    recorded on each line; None when too few lines have a cost price."""
    today = today or timezone.localdate()
    line_model = apps.get_model("sales", "SaleLine")
    costed = Q(unit_cost_idr__gt=0)
    # What the line really brought in: its total less its share of the order's
    # discounts (clerk, promo code, points), as the sale total says. A ratio, not
    # money, so floating point is fine here.
    net = (
        Cast("line_total_idr", FloatField())
        * F("sale__total_idr")
        / Cast("sale__subtotal_idr", FloatField())
    )
    totals = line_model.objects.filter(
        sale__shop=shop,
        sale__status="completed",
        sale__subtotal_idr__gt=0,
        sale__business_on__gt=today - dt.timedelta(days=MARGIN_WINDOW_DAYS),
        sale__business_on__lte=today,
    ).aggregate(
        revenue=Sum(net),
        costed_revenue=Sum(net, filter=costed),
        cost=Sum(F("unit_cost_idr") * F("quantity"), filter=costed),
    )
    revenue = totals["revenue"] or 0
    costed_revenue = totals["costed_revenue"] or 0
    if revenue <= 0 or costed_revenue < MIN_COSTED_SHARE * revenue:
        return None
    margin = 1 - (totals["cost"] or 0) / costed_revenue
    # A margin of 0 or below would make every customer worthless; clamp so the
    # ranking still means something and the page shows the figure used.
    return min(max(margin, 0.01), 1.0)


def choices_for(shop, today: dt.date | None = None) -> AnalysisChoices:
    row = settings_of(shop)
    split = row.pyramid_split or PyramidSplit.QUARTILES
    shares = PYRAMID_SHARES[PyramidSplit(split)]
    if row.margin_bp:
        return AnalysisChoices(split, shares, row.margin_bp / 10_000, MarginSource.SET)
    from_costs = margin_from_costs(shop, today)
    if from_costs is not None:
        return AnalysisChoices(split, shares, from_costs, MarginSource.COSTS)
    return AnalysisChoices(split, shares, DEFAULT_MARGIN, MarginSource.DEFAULT)
