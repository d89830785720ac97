"""At-risk customers, ranked by the value at stake."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from setia.analytics.summary import PurchaseSummary

__all__ = ["ChurnRisk", "at_risk_customers", "historical_annual_spend"]


@dataclass(frozen=True)
class ChurnRisk:
    """At-risk customers, most valuable first.

    Attributes
    ----------
    index : numpy.ndarray
        Positions (into the summary's customers) of at-risk customers, sorted
        by `value_at_stake` descending (ties by position).
    value_at_stake : numpy.ndarray
        Value per at-risk customer, aligned with `index`.
    low_alive : numpy.ndarray
        True where P(alive) is below the threshold.
    overdue : numpy.ndarray
        True where days since last purchase exceed k × mean interval.
    """

    index: np.ndarray
    value_at_stake: np.ndarray
    low_alive: np.ndarray
    overdue: np.ndarray


def historical_annual_spend(summary: PurchaseSummary) -> np.ndarray:
    """Total spend per year of customer age, age counted as at least a year.

    Counting young customers as one year old avoids projecting a first big
    purchase into a large annual figure.
    """
    years = np.maximum(summary.age_days, 365) / 365.0
    return summary.total_spend / years


def at_risk_customers(
    summary: PurchaseSummary,
    probability_alive: np.ndarray | None = None,
    value: np.ndarray | None = None,
    *,
    alive_threshold: float = 0.3,
    interval_multiple: float = 2.0,
) -> ChurnRisk:
    """Find customers likely lost or overdue, most valuable first.

    A customer is at risk when P(alive) < `alive_threshold`, or when they
    have bought at least twice and the days since their last purchase exceed
    `interval_multiple` × their mean days between purchases.

    Parameters
    ----------
    summary : PurchaseSummary
    probability_alive : array_like, optional
        BG/NBD P(alive); NaN or None skips that rule.
    value : array_like, optional
        Value at stake per customer (e.g. CLV); default
        :func:`historical_annual_spend`.
    alive_threshold : float
    interval_multiple : float

    Returns
    -------
    ChurnRisk
    """
    since = summary.days_since_last.astype(np.float64)
    span_days = (summary.last_date - summary.first_date).astype(np.float64)
    x = summary.frequency
    mean_gap = np.divide(span_days, x, out=np.full_like(x, np.inf), where=x > 0)
    overdue = (x > 0) & (since > interval_multiple * mean_gap)
    if probability_alive is None:
        low = np.zeros(x.shape, dtype=bool)
    else:
        p = np.asarray(probability_alive, dtype=np.float64)
        low = np.isfinite(p) & (p < alive_threshold)
    stake = historical_annual_spend(summary) if value is None else np.asarray(value)
    risky = np.flatnonzero(low | overdue)
    order = np.lexsort((risky, -stake[risky]))
    index = risky[order]
    return ChurnRisk(index, stake[index], low, overdue)
