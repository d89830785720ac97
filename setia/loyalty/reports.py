"""Numbers for the loyalty report: the points liability and what members buy."""

import datetime as dt

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone

from setia.loyalty import ledger
from setia.loyalty.models import EntryKind, PointsAccount, PointsEntry


def loyalty_report(shop, days: int = 30, today: dt.date | None = None) -> dict:
    """Points issued, redeemed, expired and outstanding; tiers; member sales."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    program = ledger.current_program(shop)
    point_value = program.point_value_idr if program else 0
    entries = PointsEntry.objects.filter(shop=shop, created_at__date__gte=start)
    sums = entries.aggregate(
        issued=Sum(
            "points",
            filter=Q(points__gt=0)
            & Q(kind__in=[EntryKind.EARN, EntryKind.BONUS, EntryKind.ADJUST]),
        ),
        redeemed=Sum("points", filter=Q(kind=EntryKind.REDEEM)),
        expired=Sum("points", filter=Q(kind=EntryKind.EXPIRE)),
        # Reversals go both ways: earned points taken back (negative), and
        # redeemed points given back to the customer (positive).
        reversed=Sum("points", filter=Q(kind=EntryKind.REVERSE, points__lt=0)),
        given_back=Sum("points", filter=Q(kind=EntryKind.REVERSE, points__gt=0)),
        discount=Sum("discount_idr", filter=Q(kind=EntryKind.REDEEM)),
    )
    issued = sums["issued"] or 0
    redeemed = -(sums["redeemed"] or 0)
    expired = -(sums["expired"] or 0)
    accounts = PointsAccount.objects.filter(shop=shop, customer__isnull=False)
    outstanding = accounts.aggregate(total=Sum("balance"))["total"] or 0
    by_tier = list(
        accounts.values("tier__name", "tier__min_spend_idr")
        .annotate(members=Count("id"))
        .order_by("tier__min_spend_idr")
    )
    sale_model = apps.get_model("sales", "Sale")
    sales = sale_model.objects.filter(
        shop=shop, status="completed", business_on__gte=start, business_on__lte=today
    )
    member_ids = accounts.values("customer_id")
    member_sales = sales.filter(customer_id__in=member_ids).aggregate(
        total=Sum("total_idr"), count=Count("id")
    )
    other_sales = sales.exclude(customer_id__in=member_ids).aggregate(
        total=Sum("total_idr"), count=Count("id")
    )
    return {
        "days": days,
        "start": start,
        "end": today,
        "point_value_idr": point_value,
        "issued": issued,
        "redeemed": redeemed,
        "expired": expired,
        "reversed": -(sums["reversed"] or 0),
        "given_back": sums["given_back"] or 0,
        "redeemed_discount_idr": sums["discount"] or 0,
        "outstanding": outstanding,
        "liability_idr": outstanding * point_value,
        "redemption_rate": _redemption_rate(shop, entries, issued, redeemed),
        "members": accounts.count(),
        "by_tier": by_tier,
        "member_sales_idr": member_sales["total"] or 0,
        "member_sales_count": member_sales["count"],
        "other_sales_idr": other_sales["total"] or 0,
        "other_sales_count": other_sales["count"],
    }


def _redemption_rate(shop, entries, issued: int, redeemed: int) -> float | None:
    """Points used over points given in the window, net of what returns and
    voids undid: redeemed points given back were not used after all, earned
    points taken back were never really given. Only reversals of the window's
    own entries count (matched by sale), whenever they happened, so a return
    today of last quarter's sale does not skew this month's rate."""

    def reversed_of(kinds, sign) -> int:
        sales = entries.filter(kind__in=kinds, sale_id__isnull=False).values("sale_id")
        undone = PointsEntry.objects.filter(
            shop=shop, kind=EntryKind.REVERSE, sale_id__in=sales, **{sign: 0}
        ).aggregate(points=Sum("points"))["points"]
        return abs(undone or 0)

    given = issued - reversed_of([EntryKind.EARN, EntryKind.BONUS], "points__lt")
    used = redeemed - reversed_of([EntryKind.REDEEM], "points__gt")
    if given <= 0:
        return None
    return max(0, used) / given
