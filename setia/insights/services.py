"""Score a shop's customers: one aggregation query → `setia.analytics` → score rows."""

import json
import logging
import time

import numpy as np
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from setia.accounts.models import Shop
from setia.analytics.basket import recommend_products
from setia.analytics.churn import at_risk_customers, historical_annual_spend
from setia.analytics.clv import round_idr
from setia.analytics.errors import AnalyticsInputError
from setia.analytics.pipeline import Analysis, analyze_purchases
from setia.analytics.wallet import share_of_wallet
from setia.insights import analysis_settings
from setia.insights.models import CustomerScore, RunStatus, ScoreRun

logger = logging.getLogger(__name__)

KEEP_RUNS = 3  # older finished runs are dropped; scores are snapshots, not ledgers
BATCH = 5_000
RECOMMENDATIONS = 5
RECOMMEND_FROM_DAYS = 365  # baskets of the last year say what sells together now


def latest_run(shop: Shop) -> ScoreRun | None:
    return (
        ScoreRun.objects.filter(shop=shop, status=RunStatus.DONE)
        .order_by("-created_at", "-id")
        .first()
    )


def active_run(shop: Shop) -> ScoreRun | None:
    """A queued or running scoring for this shop, if any."""
    return (
        ScoreRun.objects.filter(
            shop=shop, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        )
        .order_by("-created_at")
        .first()
    )


def purchase_arrays(shop: Shop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer and business day, the net amount bought, in one query.

    Net of returns; fully returned and voided sales and anonymous walk-ins are
    left out (the same rule as `setia.sales.history.purchase_rows`).
    """
    from setia.sales.models import Sale, SaleStatus

    rows = (
        Sale.objects.filter(
            shop=shop, status=SaleStatus.COMPLETED, total_idr__gt=F("returned_idr")
        )
        .exclude(customer=None)
        .values_list("customer_id", "business_on")
        .annotate(amount=Sum(F("total_idr") - F("returned_idr")))
        .order_by()
    )
    # A plain cursor instead of the queryset iterator: a million rows through the
    # ORM's row conversion cost more than the whole analysis.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not fetched:
        return (
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype="datetime64[D]"),
            np.zeros(0, dtype=np.float64),
        )
    customers, days, amounts = zip(*fetched, strict=True)
    return (
        np.asarray(customers, dtype=np.int64),
        np.asarray(days, dtype="datetime64[D]"),
        np.asarray(amounts, dtype=np.float64),
    )


def create_run(shop: Shop) -> ScoreRun:
    return ScoreRun.objects.create(shop=shop, status=RunStatus.QUEUED)


def score_shop(shop: Shop, run: ScoreRun | None = None) -> ScoreRun:
    """Compute and store every customer's scores; the run row shows progress.

    Scores are written in one transaction together with the run's DONE status, so
    a crash leaves the previous finished run in place and nothing half-written.
    """
    run = run or create_run(shop)
    started = time.perf_counter()
    _progress(run, RunStatus.RUNNING, 5)
    try:
        customer, day, amount = purchase_arrays(shop)
        _progress(run, RunStatus.RUNNING, 20)
        today = np.datetime64(timezone.localdate(), "D")
        choices = analysis_settings.choices_for(shop)
        analysis = analyze_purchases(
            customer,
            day,
            amount,
            time_unit="week",
            observation_end=today,
            margin=choices.margin,
            pyramid_shares=choices.shares,
        )
        _progress(run, RunStatus.RUNNING, 50)
        extras = _extras(shop, analysis)
        _progress(run, RunStatus.RUNNING, 70)
        with transaction.atomic():
            _store_scores(run, shop, analysis, extras)
            run.status = RunStatus.DONE
            run.progress = 100
            run.finished_at = timezone.now()
            run.observation_end_on = timezone.localdate()
            run.n_customers = analysis.summary.n_customers
            run.n_purchases = int(customer.size)
            run.purchase_model = analysis.value.purchase_model
            run.spend_model = analysis.value.spend_model
            run.details = _details(analysis, time.perf_counter() - started)
            run.details["choices"] = {
                "pyramid_split": str(choices.split),
                "margin": round(choices.margin, 4),
                "margin_source": choices.margin_source,
            }
            run.save()
        _drop_old_runs(shop)
    except AnalyticsInputError as exc:
        run.status, run.message = RunStatus.FAILED, exc.message_id[:500]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
    except Exception:
        # Log the failure without data values: they may be personal data.
        logger.exception("scoring failed for shop %s", shop.pk)
        run.status, run.message = RunStatus.FAILED, "internal error"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        raise
    if run.status == RunStatus.DONE:
        # Imported here: loyalty's tiers read this module's runs (no import cycle).
        from setia.loyalty import tiers as loyalty_tiers

        loyalty_tiers.refresh_pyramid_tiers(shop)
    return run


def _progress(run: ScoreRun, status: str, percent: int) -> None:
    run.status, run.progress = status, percent
    run.save(update_fields=["status", "progress"])


def _extras(shop: Shop, analysis: Analysis) -> dict[str, list]:
    """Churn risk, share of wallet and recommendations, aligned with the summary."""
    from setia.customers.models import Customer

    s, v = analysis.summary, analysis.value
    n = s.n_customers
    risk = at_risk_customers(s, v.probability_alive)
    is_at_risk = np.zeros(n, dtype=bool)
    is_at_risk[risk.index] = True

    reported = np.full(n, np.nan)
    position = {cid: i for i, cid in enumerate(s.customer.tolist())}
    for cid, spend in Customer.objects.filter(
        shop=shop, monthly_clothing_spend_idr__gt=0
    ).values_list("id", "monthly_clothing_spend_idr"):
        if cid in position:
            reported[position[cid]] = spend
    months = np.maximum(s.age_days, 1) / 30.4375
    wallet = share_of_wallet(s.total_spend, months, reported)

    recommended = [[] for _ in range(n)]
    customer, basket, product = _recent_lines(shop)
    if customer.size:
        keys, top, _score = recommend_products(
            customer, basket, product, k=RECOMMENDATIONS
        )
        for key, row in zip(keys.tolist(), top.tolist(), strict=True):
            if key in position:
                recommended[position[key]] = [p for p in row if p is not None]
    return {
        "is_at_risk": is_at_risk.tolist(),
        "value_at_stake_idr": round_idr(historical_annual_spend(s)).tolist(),
        "share_of_wallet": [None if w != w else w for w in wallet.tolist()],
        # Raw INSERT/COPY below: JSON goes in as text on both databases.
        "recommended_product_ids": [json.dumps(r) for r in recommended],
    }


def kept_sale_lines(shop: Shop, since):
    """Lines of completed sales since `since` that the customer kept, at least
    partly: fully returned lines and voided sales are left out.

    Baskets for "bought together" and recommendations: what came back says
    nothing about what sells together (rather the opposite).
    """
    from django.db.models import IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from setia.sales.models import SaleLine, SaleReturnLine, SaleStatus

    returned = (
        SaleReturnLine.objects.filter(sale_line=OuterRef("pk"))
        .values("sale_line")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    return (
        SaleLine.objects.filter(
            sale__shop=shop,
            sale__status=SaleStatus.COMPLETED,
            sale__business_on__gte=since,
        )
        .exclude(product=None)
        .annotate(
            returned=Coalesce(Subquery(returned, output_field=IntegerField()), Value(0))
        )
        .filter(quantity__gt=F("returned"))
    )


def _recent_lines(shop: Shop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer, sale, product) of the last year's kept lines sold to known
    customers."""
    from datetime import timedelta

    since = timezone.localdate() - timedelta(days=RECOMMEND_FROM_DAYS)
    rows = list(
        kept_sale_lines(shop, since)
        .exclude(sale__customer=None)
        .values_list("sale__customer_id", "sale_id", "product_id")
        .iterator(chunk_size=20_000)
    )
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    data = np.asarray(rows, dtype=np.int64)
    return data[:, 0], data[:, 1], data[:, 2]


def _store_scores(
    run: ScoreRun, shop: Shop, analysis: Analysis, extras: dict[str, list]
) -> None:
    """Insert one score row per customer.

    Written as plain INSERTs (COPY on PostgreSQL) rather than `bulk_create`: building
    400,000 model instances costs more than the whole analysis, and the 30-second
    budget for a million purchases is spent here otherwise.
    """
    s, v, r = analysis.summary, analysis.value, analysis.rfm
    alive = v.probability_alive
    columns = {
        "run_id": [run.pk] * s.n_customers,
        "shop_id": [shop.pk] * s.n_customers,
        "customer_id": s.customer.tolist(),
        "first_on": s.first_date.tolist(),
        "last_on": s.last_date.tolist(),
        "n_purchases": s.n_purchases.tolist(),
        "frequency": s.frequency.astype(np.int64).tolist(),
        "total_spend_idr": round_idr(s.total_spend).tolist(),
        "monetary_idr": round_idr(s.monetary).tolist(),
        "r_score": r.r.tolist(),
        "f_score": r.f.tolist(),
        "m_score": r.m.tolist(),
        "segment": r.segment.tolist(),
        "tier": analysis.tier.tolist(),
        "probability_alive": [None if p != p else p for p in alive.tolist()],
        "expected_purchases": v.expected_purchases.tolist(),
        "expected_spend_idr": round_idr(v.expected_spend).tolist(),
        "clv_idr": round_idr(v.clv).tolist(),
        **extras,
    }
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    table = CustomerScore._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(names)
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def _details(analysis: Analysis, seconds: float) -> dict:
    value = analysis.value

    def fit(result):
        if result is None:
            return None
        return {
            "params": {k: float(x) for k, x in result.params.items()},
            "converged": bool(result.converged),
            "message": str(result.message),
        }

    return {
        "bgnbd": fit(value.bgnbd),
        "gamma_gamma": fit(value.gamma_gamma),
        "fallback_reasons": list(value.fallback_reasons),
        "timings": {k: round(float(t), 4) for k, t in analysis.timings.items()},
        "seconds": round(seconds, 3),
        "pyramid": analysis.pyramid.as_dict(),
    }


def _drop_old_runs(shop: Shop) -> None:
    keep = list(
        ScoreRun.objects.filter(shop=shop, status=RunStatus.DONE)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:KEEP_RUNS]
    )
    old = (
        ScoreRun.objects.filter(shop=shop)
        .exclude(pk__in=keep)
        .exclude(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    )
    CustomerScore.objects.filter(run__in=old).delete()
    old.delete()


def score_of(customer) -> CustomerScore | None:
    """The customer's scores in the shop's latest finished run."""
    run = latest_run(customer.shop)
    if run is None:
        return None
    return CustomerScore.objects.filter(run=run, customer=customer).first()
