"""Reading sales history: summaries for the home page, rows for analytics, credit."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Min, Q, Sum
from django.db.models.functions import TruncMonth

from setia.accounts.models import Shop
from setia.sales.models import (
    Payment,
    PaymentMethod,
    RefundMethod,
    Restock,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    SaleStatus,
    VoidMoney,
)

NET = ExpressionWrapper(F("total_idr") - F("returned_idr"), output_field=IntegerField())


def _completed(shop: Shop):
    return Sale.objects.filter(shop=shop, status=SaleStatus.COMPLETED)


def period_summary(shop: Shop, start_on: date, end_on: date, top: int = 5) -> dict:
    """Sales from `start_on` to `end_on` (inclusive, Jakarta business dates).

    Returns sales (count), revenue_idr (totals net of returns), customers (distinct
    named customers), repeat_share (share of revenue from customers who had bought
    before the period or bought at least twice in it; 0..1, None without revenue),
    items (pieces sold), average_sale_idr, and top_items: up to `top` dicts with
    product_id, name, quantity, revenue_idr (line totals, most pieces first).
    """
    sales = _completed(shop).filter(business_on__gte=start_on, business_on__lte=end_on)
    totals = sales.aggregate(
        count=Count("id"),
        revenue=Sum(NET),
        customers=Count("customer", distinct=True),
    )
    revenue = totals["revenue"] or 0
    per_customer = (
        sales.filter(customer__isnull=False)
        .values("customer")
        .annotate(n=Count("id"), revenue=Sum(NET))
    )
    earlier = set(
        _completed(shop)
        .filter(customer__isnull=False, business_on__lt=start_on)
        .filter(customer__in=sales.values("customer"))
        .values_list("customer", flat=True)
        .distinct()
    )
    repeat_revenue = sum(
        row["revenue"] or 0
        for row in per_customer
        if row["n"] >= 2 or row["customer"] in earlier
    )
    lines = SaleLine.objects.filter(sale__in=sales)
    top_items = [
        {
            "product_id": row["product"],
            "name": row["product__name"],
            "quantity": row["quantity"],
            "revenue_idr": row["revenue"] or 0,
        }
        for row in lines.values("product", "product__name")
        .annotate(quantity=Sum("quantity"), revenue=Sum("line_total_idr"))
        .order_by("-quantity", "product__name")[:top]
    ]
    items = lines.aggregate(n=Sum("quantity"))["n"] or 0
    returned_items = (
        SaleReturnLine.objects.filter(sale_line__sale__in=sales).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )
    return {
        "start_on": start_on,
        "end_on": end_on,
        "sales": totals["count"],
        "revenue_idr": revenue,
        "customers": totals["customers"],
        "repeat_share": (repeat_revenue / revenue) if revenue else None,
        "repeat_revenue_idr": repeat_revenue,
        "items": items - returned_items,
        "average_sale_idr": (revenue // totals["count"]) if totals["count"] else 0,
        "top_items": top_items,
    }


def credit_cut_by_returns_idr(sale: Sale) -> int:
    """The part of a sale's returns that only cut its unpaid credit (kasbon).

    A settlement adds to `paid_idr` and takes as much off `outstanding_idr`; a
    return takes its credit part off `outstanding_idr` only. So the credit parts
    of the returns add up to total − paid − outstanding (0 for a sale paid in
    full at the counter); for a voided sale, the outstanding credit is the one
    the void cancelled (`void_unpaid_idr`: the void zeroes `outstanding_idr`).
    """
    outstanding = sale.void_unpaid_idr if sale.is_voided else sale.outstanding_idr
    return max(0, sale.total_idr - sale.paid_idr - outstanding)


def money_back_by_return(sale: Sale, returns) -> dict[int, int]:
    """Money (cash, transfer or store credit) each return gave back, by return id.

    `returns`: (id, refund_idr) of ALL the sale's returns. A return cuts the
    unpaid credit first and gives back only the rest; once some money went back
    the credit is 0 and stays 0 (settlements and returns only lower it). So the
    returns in the order they were made (id order: each one holds the sale's row
    lock) are all credit, then one part credit, then all money: the credit parts
    are `credit_cut_by_returns_idr` filled into the returns in id order.
    """
    credit_left = credit_cut_by_returns_idr(sale)
    back = {}
    for pk, refund in sorted(returns):
        credit_part = min(refund, credit_left)
        credit_left -= credit_part
        back[pk] = refund - credit_part
    return back


# The voids whose money stays on the days it moved: the customer cancelled and
# got the rest back at the void. A void recorded as a mistake (and every void
# made before the Owner was asked) takes the sale's money out of every day.
_MONEY_BACK_VOIDS = [VoidMoney.CASH, VoidMoney.TRANSFER]


def _money_moved(prefix: str = "") -> Q:
    """Sales whose payments and refunds count in the days' money: completed
    ones, and voided ones whose money went back at the void."""
    return Q(**{f"{prefix}status": SaleStatus.COMPLETED}) | Q(
        **{
            f"{prefix}status": SaleStatus.VOIDED,
            f"{prefix}void_money__in": _MONEY_BACK_VOIDS,
        }
    )


def _refunds_on(shop: Shop, on_date: date) -> dict[str, int]:
    """Money given back on the day, by method (cash, transfer, store credit):
    by returns, and by voids of sales the customer cancelled.

    The part of a refund that only cut a kasbon is no money out and is left
    out; so are returns of sales voided as a mistake, whose payments are left
    out of the money received too.
    """
    by_method: dict[str, int] = defaultdict(int)
    for method, refund, store_credit in Sale.objects.filter(
        shop=shop,
        status=SaleStatus.VOIDED,
        voided_on=on_date,
        void_money__in=_MONEY_BACK_VOIDS,
    ).values_list("void_money", "void_refund_idr", "void_store_credit_idr"):
        by_method[method] += refund
        by_method[RefundMethod.STORE_CREDIT] += store_credit
    day = SaleReturn.objects.filter(
        _money_moved("sale__"), sale__shop=shop, business_on=on_date
    )
    on_day = dict(day.values_list("pk", "refund_method"))
    rows = defaultdict(list)
    if on_day:
        for pk, sale_id, refund in SaleReturn.objects.filter(
            sale__in=day.values("sale_id")
        ).values_list("pk", "sale_id", "refund_idr"):
            rows[sale_id].append((pk, refund))
    for sale in Sale.objects.filter(pk__in=rows).only(
        "total_idr", "paid_idr", "outstanding_idr", "status", "void_unpaid_idr"
    ):
        for pk, amount in money_back_by_return(sale, rows[sale.pk]).items():
            if pk in on_day:
                by_method[on_day[pk]] += amount
    return {method: amount for method, amount in by_method.items() if amount}


def daily_summary(shop: Shop, on_date: date) -> dict:
    """`period_summary` for one day plus the day's money: received by method
    (incl. credit settlements), given back, and credit given that day.

    `refunds_by_method` is money that went out, by method (cash, transfer), by
    returns and by voids of sales the customer cancelled; `refunds_idr` its sum;
    `store_credit_refunds_idr` what went back onto store credit (no cash out);
    `cash_net_idr` cash received less cash given back, the change in the drawer.
    A sale voided as a mistake is in none of them, on any day.
    """
    summary = period_summary(shop, on_date, on_date)
    received = {
        row["method"]: row["amount"]
        for row in Payment.objects.filter(
            _money_moved("sale__"), sale__shop=shop, business_on=on_date
        )
        .values("method")
        .annotate(amount=Sum("amount_idr"))
        .order_by("method")
    }
    returns = SaleReturn.objects.filter(
        _money_moved("sale__"), sale__shop=shop, business_on=on_date
    )
    refunds = _refunds_on(shop, on_date)
    store_credit = refunds.pop(RefundMethod.STORE_CREDIT, 0)
    summary.update(
        received_by_method=received,
        received_idr=sum(received.values()),
        returns=returns.count(),
        refunds_by_method=refunds,
        refunds_idr=sum(refunds.values()),
        store_credit_refunds_idr=store_credit,
        cash_net_idr=received.get(PaymentMethod.CASH, 0)
        - refunds.get(RefundMethod.CASH, 0),
        credit_given_idr=_completed(shop)
        .filter(business_on=on_date)
        .aggregate(n=Sum(F("total_idr") - F("paid_idr")))["n"]
        or 0,
        voided=Sale.objects.filter(
            shop=shop, voided_on=on_date, status=SaleStatus.VOIDED
        ).count(),
    )
    return summary


def purchase_rows(shop: Shop) -> Iterator[tuple[int, date, int]]:
    """(customer_id, business_on, total_idr) for every completed sale with a
    customer, the total net of returns; fully returned sales are left out.

    Ordered by customer, then date; streamed, so it scales to large histories.
    """
    qs = (
        _completed(shop)
        .filter(customer__isnull=False)
        .annotate(net=NET)
        .filter(net__gt=0)
        .order_by("customer_id", "business_on", "id")
        .values_list("customer_id", "business_on", "net")
    )
    yield from qs.iterator(chunk_size=5000)


def customer_outstanding_idr(shop: Shop, customer) -> int:
    """Unpaid credit (kasbon) of one customer."""
    return (
        _completed(shop)
        .filter(customer=customer, outstanding_idr__gt=0)
        .aggregate(n=Sum("outstanding_idr"))["n"]
        or 0
    )


def open_credit_sales(shop: Shop):
    """Completed sales with unpaid credit, oldest first."""
    return (
        _completed(shop)
        .filter(outstanding_idr__gt=0)
        .select_related("customer")
        .order_by("business_on", "id")
    )


def restocks_per_month(shop: Shop, months: int = 12) -> list[dict]:
    """Restocks per calendar month (newest first): month, count, cost_idr."""
    return list(
        Restock.objects.filter(shop=shop)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(count=Count("id"), cost_idr=Sum("total_cost_idr"))
        .order_by("-month")[:months]
    )


def customer_history(shop: Shop, customer, limit: int = 20) -> dict:
    """A customer's sales (newest first) and totals, for the profile panel."""
    sales = Sale.objects.filter(shop=shop, customer=customer)
    agg = sales.filter(status=SaleStatus.COMPLETED).aggregate(
        count=Count("id"),
        spent=Sum(NET),
        first=Min("business_on"),
        outstanding=Sum("outstanding_idr", filter=Q(outstanding_idr__gt=0)),
    )
    return {
        "sales": list(sales.order_by("-created_at", "-id")[:limit]),
        "count": agg["count"],
        "spent_idr": agg["spent"] or 0,
        "first_on": agg["first"],
        "outstanding_idr": agg["outstanding"] or 0,
    }
