"""Read models for the insight pages, computed from the latest run's score rows."""

from django.db.models import Avg, Count, Exists, OuterRef, QuerySet, Sum

from setia.customers.services import marketing_whatsapp_customers
from setia.insights.labels import TIER_ADVICE
from setia.insights.models import CustomerScore, Tier


def people(scores: QuerySet[CustomerScore]) -> QuerySet[CustomerScore]:
    """Scores of customers still on file: an erased customer is nobody to act on.

    Their purchases stay in the model fits (the shop's own history), but no page
    lists or counts them as people.
    """
    return scores.filter(customer__erased_at__isnull=True)


def pyramid_rows(scores: QuerySet[CustomerScore]) -> list[dict]:
    """Count, share of customers, share of revenue and average CLV per tier."""
    rows = {
        r["tier"]: r
        for r in people(scores)
        .values("tier")
        .annotate(n=Count("id"), revenue=Sum("total_spend_idr"), clv=Avg("clv_idr"))
    }
    n_total = sum(r["n"] for r in rows.values()) or 1
    revenue_total = sum(r["revenue"] or 0 for r in rows.values()) or 1
    out = []
    for tier in Tier:
        row = rows.get(tier.value, {"n": 0, "revenue": 0, "clv": 0})
        out.append(
            {
                "tier": tier,
                "key": tier.name.lower(),
                "n": row["n"],
                "customer_share": row["n"] / n_total,
                "revenue": row["revenue"] or 0,
                "revenue_share": (row["revenue"] or 0) / revenue_total,
                "avg_clv": round(row["clv"] or 0),
                "advice": TIER_ADVICE[tier.value],
                # Pyramid drawing: Platinum narrowest on top.
                "width": 40 + 20 * tier.value,
            }
        )
    return out


def rfm_grid(scores: QuerySet[CustomerScore]) -> list[dict]:
    """Rows of recency 5 (recent) → 1, columns frequency 1 → 5, with counts."""
    counts = {
        (c["r_score"], c["f_score"]): c["n"]
        for c in people(scores).values("r_score", "f_score").annotate(n=Count("id"))
    }
    peak = max(counts.values(), default=1)
    rows = []
    for r in range(5, 0, -1):
        cells = []
        for f in range(1, 6):
            n = counts.get((r, f), 0)
            cells.append({"r": r, "f": f, "n": n, "heat": round(100 * n / peak)})
        rows.append({"r": r, "cells": cells})
    return rows


def at_risk(scores: QuerySet[CustomerScore]) -> QuerySet[CustomerScore]:
    """Customers slipping away, Platinum and Gold first, then by yearly spend.

    The rule lives in `setia.analytics.churn.at_risk_customers` (low chance still
    active, or far past their own usual gap between visits) and is stored per
    customer when scores are computed.

    Each row carries ``may_message``: True only when the customer may get
    marketing messages on WhatsApp. A win-back message is a promotion, so
    (UU PDP) the pages offer the WhatsApp button only then.
    """
    # The campaigns' own consent rule, as one correlated EXISTS: no query per
    # row. OuterRef("shop") keeps callers passing only the scores queryset.
    consented = marketing_whatsapp_customers(OuterRef("shop")).filter(
        pk=OuterRef("customer_id")
    )
    return (
        # An erased customer cannot be greeted back: nothing to act on.
        people(scores)
        .filter(is_at_risk=True)
        .select_related("customer")
        .annotate(may_message=Exists(consented))
        .order_by("tier", "-value_at_stake_idr", "customer_id")
    )


def cohort_table(shop, months: int = 12) -> dict:
    """Retention of the last `months` monthly cohorts, for a heat map."""
    import numpy as np

    from setia.analytics.cohorts import monthly_cohorts
    from setia.insights.services import purchase_arrays

    customer, day, _amount = purchase_arrays(shop)
    if customer.size == 0:
        return {"rows": [], "width": 0}
    table = monthly_cohorts(customer, day)
    keep = slice(max(0, table.cohort.size - months), table.cohort.size)
    width = min(months, table.counts.shape[1])
    rows = []
    for cohort, counts, retention in zip(
        table.cohort[keep], table.counts[keep], table.retention[keep], strict=True
    ):
        cells = []
        for k in range(width):
            share = retention[k]
            cells.append(
                None
                if np.isnan(share)
                else {
                    "n": int(counts[k]),
                    "share": float(share),
                    "heat": round(100 * float(share)),
                }
            )
        rows.append(
            {
                "month": cohort.astype("datetime64[D]").item(),
                "size": int(counts[0]),
                "cells": cells,
            }
        )
    return {"rows": rows, "width": width}


def bought_together(shop, top: int = 20, min_baskets: int = 3) -> list[dict]:
    """Product pairs bought in the same sale more often than chance, strongest first.

    Only what customers kept counts (`services.kept_sale_lines`): a pair that
    always came back is no pair to display together.
    """
    from datetime import timedelta

    import numpy as np
    from django.utils import timezone

    from setia.analytics.basket import product_pairs
    from setia.insights.services import kept_sale_lines
    from setia.sales.models import Product

    since = timezone.localdate() - timedelta(days=365)
    rows = list(
        kept_sale_lines(shop, since)
        .values_list("sale_id", "product_id")
        .iterator(chunk_size=20_000)
    )
    if not rows:
        return []
    data = np.asarray(rows, dtype=np.int64)
    rules = product_pairs(data[:, 0], data[:, 1])
    together = np.rint(rules.support * rules.n_baskets).astype(np.int64)
    # Each pair appears in both directions; keep a → b with a < b once. Lift ≤ 1
    # means no more often than chance (or less): not "bought together".
    keep = (
        (together >= min_baskets)
        & (rules.lift > 1)
        & (rules.antecedent < rules.consequent)
    )
    order = np.flatnonzero(keep)[np.argsort(-rules.lift[keep], kind="stable")][:top]
    ids = {
        int(rules.products[i])
        for i in np.r_[rules.antecedent[order], rules.consequent[order]]
    }
    names = dict(
        Product.objects.filter(shop=shop, pk__in=ids).values_list("pk", "name")
    )
    return [
        {
            "a": names.get(int(rules.products[rules.antecedent[i]]), "?"),
            "b": names.get(int(rules.products[rules.consequent[i]]), "?"),
            "baskets": int(together[i]),
            # Share of the sales holding the first item that also hold the second.
            "confidence": float(rules.confidence[i]),
            "lift": float(rules.lift[i]),
        }
        for i in order
    ]
