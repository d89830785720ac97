"""What the home page (Beranda) shows: today, this month, the pyramid in small,
valuable customers slipping away, and follow-ups due. Each block reads one app."""

from datetime import timedelta

from django.utils import timezone

from setia.customers import services as customer_services
from setia.customers.models import Customer
from setia.insights import reports as insight_reports
from setia.insights import services as insight_services
from setia.insights.models import CustomerScore
from setia.sales import history

AT_RISK_ON_HOME = 5


def home_context(request) -> dict:
    shop = request.shop
    today = timezone.localdate()
    month_start = today.replace(day=1)
    run = insight_services.latest_run(shop)
    context = {
        "today": history.period_summary(shop, today, today),
        "month": history.period_summary(shop, month_start, today),
        "customer_count": Customer.objects.filter(
            shop=shop, erased_at__isnull=True
        ).count(),
        "follow_ups": list(
            customer_services.due_follow_ups(shop, today).select_related("customer")[:5]
        ),
        "restocks": _restocks_this_month(shop),
        "run": run,
    }
    if run is not None:
        scores = CustomerScore.objects.filter(run=run, shop=shop)
        context["pyramid"] = insight_reports.pyramid_rows(scores)
        context["at_risk"] = list(
            insight_reports.at_risk(scores).filter(tier__lte=1)[:AT_RISK_ON_HOME]
        )
    return context


def _restocks_this_month(shop) -> int:
    """Restocks in the last 30 days: the shop's own health signal."""
    from setia.sales.models import Restock

    since = timezone.localdate() - timedelta(days=30)
    return Restock.objects.filter(shop=shop, received_on__gte=since).count()


def monthly_sales(shop, months: int = 12) -> dict:
    """Revenue and number of sales per calendar month, oldest first, for a chart."""
    from django.db.models import Count, F, Sum
    from django.db.models.functions import TruncMonth

    from setia.sales.models import Sale, SaleStatus

    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = today.replace(year=index // 12, month=index % 12 + 1, day=1)
    rows = (
        Sale.objects.filter(
            shop=shop, status=SaleStatus.COMPLETED, business_on__gte=first
        )
        .annotate(month=TruncMonth("business_on"))
        .values("month")
        .annotate(n=Count("id"), revenue=Sum(F("total_idr") - F("returned_idr")))
        .order_by("month")
    )
    by_month = {row["month"]: row for row in rows}
    labels, revenue, counts = [], [], []
    month = first
    while month <= today:
        row = by_month.get(month, {"n": 0, "revenue": 0})
        labels.append(month.isoformat())
        revenue.append(int(row["revenue"] or 0))
        counts.append(row["n"])
        month = (month + timedelta(days=32)).replace(day=1)
    return {"labels": labels, "revenue": revenue, "sales": counts}
