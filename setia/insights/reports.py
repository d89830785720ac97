"""Read models for the insight pages, computed from the latest run's score rows."""

from django.db.models import Avg, Count, Q, QuerySet, Sum

from setia.insights.labels import TIER_ADVICE
from setia.insights.models import CustomerScore, Tier

# Segments that mean "was good, is slipping away" (indices into SEGMENTS).
SLIPPING_SEGMENTS = (6, 7, 8)  # About to Sleep, At Risk, Can't Lose Them
AT_RISK_ALIVE = 0.5


def pyramid_rows(scores: QuerySet[CustomerScore]) -> list[dict]:
    """Count, share of customers, share of revenue and average CLV per tier."""
    rows = {
        r["tier"]: r
        for r in scores.values("tier").annotate(
            n=Count("id"), revenue=Sum("total_spend_idr"), clv=Avg("clv_idr")
        )
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
        for c in scores.values("r_score", "f_score").annotate(n=Count("id"))
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
    """Valuable customers who are slipping away, the biggest spenders first.

    At risk: the model gives under 50 % chance they are still buying here, or their
    recency and frequency put them in a slipping segment. What the shop stands to
    lose is what they have spent so far; Platinum and Gold come first.
    """
    return (
        scores.filter(
            Q(probability_alive__lt=AT_RISK_ALIVE) | Q(segment__in=SLIPPING_SEGMENTS)
        )
        .filter(frequency__gte=1)
        .select_related("customer")
        .order_by("tier", "-total_spend_idr", "customer_id")
    )
