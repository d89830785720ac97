"""What a campaign did: purchases of each group in a window after the launch."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone

from setia.accounts.models import Shop
from setia.campaigns.experiment import Comparison, compare_groups
from setia.campaigns.models import Campaign, Group
from setia.lib.money import scale
from setia.sales.models import Sale, SaleSource, SaleStatus

WINDOW_CHOICES = (7, 14, 30)
DEFAULT_WINDOW_DAYS = 14


@dataclass(frozen=True)
class GroupResult:
    customers: int
    buyers: int
    revenue_idr: int

    @property
    def buyer_percent(self) -> float:
        return 100 * self.buyers / self.customers if self.customers else 0.0

    @property
    def revenue_per_customer_idr(self) -> int:
        return scale(self.revenue_idr, 1, self.customers) if self.customers else 0


def window_bounds(
    launched_at: dt.datetime, window_days: int = DEFAULT_WINDOW_DAYS
) -> tuple[dt.date, dt.date]:
    """The first and the last Jakarta business day counted after a launch."""
    starts_on = timezone.localdate(launched_at)
    return starts_on, starts_on + dt.timedelta(days=window_days - 1)


def window_is_complete(
    launched_at: dt.datetime, window_days: int = DEFAULT_WINDOW_DAYS
) -> bool:
    """True once the last day of the window is over (no query needed)."""
    return timezone.localdate() > window_bounds(launched_at, window_days)[1]


@dataclass(frozen=True)
class CampaignResults:
    window_days: int
    starts_on: dt.date
    ends_on: dt.date  # the last day counted
    is_complete: bool  # False while the window is still running
    treatment: GroupResult
    control: GroupResult
    comparison: Comparison | None  # None when a group is empty

    @property
    def imports_count_from(self) -> dt.date:
        """The first day an imported sale counts (see `campaign_results`)."""
        return self.starts_on + dt.timedelta(days=1)

    @property
    def verdict(self) -> str:
        """One of no_treatment, no_control, running, no_difference, unclear,
        helped, hurt.

        A verdict waits for the end of the window: the numbers of a running
        window move every day, and reading them early and stopping when they
        look good finds "effects" that are chance.
        """
        if self.treatment.customers == 0:
            return "no_treatment"
        if self.comparison is None:
            return "no_control"
        if not self.is_complete:
            return "running"
        if self.is_same_share:
            return "no_difference"
        if not self.comparison.is_significant:
            return "unclear"
        return "helped" if self.comparison.lift_points > 0 else "hurt"

    @property
    def is_same_share(self) -> bool:
        """Exactly the same share bought in both groups (also none in either).

        Compared in whole numbers (a/b == c/d as a·d == c·b), not floats.
        """
        t, c = self.treatment, self.control
        return t.buyers * c.customers == c.buyers * t.customers

    @property
    def extra_per_hundred(self) -> int | float:
        """Extra buyers per 100 customers picked for the message (negative:
        fewer), whether or not they were actually sent it.

        Whole numbers, except below one, where rounding would say 0 of a
        difference that is there: one decimal then.
        """
        if self.comparison is None:
            return 0
        lift = self.comparison.lift_points
        return round(lift) if abs(lift) >= 1 else round(lift, 1)

    @property
    def per_hundred_gap(self) -> int | float:
        """`extra_per_hundred` without its sign, for "more"/"fewer" wording."""
        return abs(self.extra_per_hundred)

    @property
    def p_below_one_in_thousand(self) -> bool:
        """Shown as "p < 0.001": three decimals would print a misleading 0."""
        return self.comparison is not None and self.comparison.p_value < 0.001


def campaign_results(
    shop: Shop, campaign: Campaign, window_days: int = DEFAULT_WINDOW_DAYS
) -> CampaignResults:
    """Each group's buyers and net revenue in the first `window_days` days.

    A sale counts when it is completed (voided sales never do), belongs to a
    recipient, was made on a business day inside the window and recorded after
    the launch (a sale on the launch day before the launch is not its doing).
    An imported sale has a date but no time of day (the import puts it at noon),
    so one dated on the launch day may well be from before the launch: imported
    sales count from the day after. The rule is the same for both groups, so
    the comparison stays fair.
    Net revenue is the total minus returns; a customer whose purchases in the
    window were all returned (net 0 or less) is not a buyer. Both groups keep
    every recipient, also those never actually sent or who withdrew later:
    comparing only the ones reached would compare different kinds of
    customers, not the message.
    """
    launched_at = campaign.launched_at
    starts_on, ends_on = window_bounds(launched_at, window_days)
    group_of = dict(campaign.recipients.values_list("customer_id", "group"))
    per_customer = (
        Sale.objects.filter(
            shop=shop,
            status=SaleStatus.COMPLETED,
            customer_id__in=campaign.recipients.values("customer_id"),
            business_on__gte=starts_on,
            business_on__lte=ends_on,
        )
        .filter(
            (~Q(source=SaleSource.IMPORT) & Q(created_at__gte=launched_at))
            | Q(source=SaleSource.IMPORT, business_on__gt=starts_on)
        )
        .values("customer_id")
        .annotate(net_idr=Sum(F("total_idr") - F("returned_idr")))
    )
    buyers = {Group.TREATMENT: 0, Group.CONTROL: 0}
    revenue = {Group.TREATMENT: 0, Group.CONTROL: 0}
    for row in per_customer:
        group = group_of[row["customer_id"]]
        net_idr = int(row["net_idr"] or 0)
        revenue[group] += net_idr
        if net_idr > 0:
            buyers[group] += 1
    sizes = {Group.TREATMENT: 0, Group.CONTROL: 0}
    for group in group_of.values():
        sizes[group] += 1
    results = {
        g: GroupResult(customers=sizes[g], buyers=buyers[g], revenue_idr=revenue[g])
        for g in sizes
    }
    treatment, control = results[Group.TREATMENT], results[Group.CONTROL]
    return CampaignResults(
        window_days=window_days,
        starts_on=starts_on,
        ends_on=ends_on,
        is_complete=timezone.localdate() > ends_on,
        treatment=treatment,
        control=control,
        comparison=compare_groups(
            treatment.buyers, treatment.customers, control.buyers, control.customers
        ),
    )
