"""Calibration / holdout evaluation of purchase predictions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from setia.analytics.clv import customer_value, predict_purchases
from setia.analytics.summary import TimeUnit, days_per_unit, summarize_purchases

__all__ = [
    "Evaluation",
    "evaluate_calibration",
    "holdout_purchases",
    "score_predictions",
]


@dataclass(frozen=True)
class Evaluation:
    """Holdout accuracy of per-customer purchase predictions.

    Attributes
    ----------
    mae, rmse : float
        Mean absolute and root-mean-square error per customer.
    predicted_total, actual_total : float
        Sum of predicted and of actual holdout purchases.
    n_customers : int
        Customers evaluated (those seen in the calibration period).
    holdout_length : float
        Holdout length in the summary's time unit.
    """

    mae: float
    rmse: float
    predicted_total: float
    actual_total: float
    n_customers: int
    holdout_length: float

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON."""
        return {
            "mae": self.mae,
            "rmse": self.rmse,
            "predicted_total": self.predicted_total,
            "actual_total": self.actual_total,
            "customers": self.n_customers,
            "holdout_length": self.holdout_length,
        }


def holdout_purchases(
    customer_keys: np.ndarray,
    customer: np.ndarray,
    date: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
) -> np.ndarray:
    """Distinct purchase days per customer in ``(start, end]``.

    Parameters
    ----------
    customer_keys : numpy.ndarray
        Sorted customer keys (``PurchaseSummary.customer``).
    customer, date : numpy.ndarray
        Purchases; customers not in `customer_keys` are ignored.
    start, end : numpy.datetime64
        Holdout bounds (start excluded, end included).

    Returns
    -------
    numpy.ndarray
        int64 count per key.
    """
    days = np.asarray(date, dtype="datetime64[D]")
    sel = (days > np.datetime64(start, "D")) & (days <= np.datetime64(end, "D"))
    cust = np.asarray(customer)[sel]
    day = days[sel].astype(np.int64)
    pos = np.searchsorted(customer_keys, cust)
    pos = np.minimum(pos, max(customer_keys.size - 1, 0))
    known = customer_keys[pos] == cust if customer_keys.size else np.zeros(0, bool)
    pos, day = pos[known], day[known]
    if pos.size == 0:
        return np.zeros(customer_keys.size, dtype=np.int64)
    key = np.unique(pos * (day.max() - day.min() + 1) + (day - day.min()))
    span = day.max() - day.min() + 1
    return np.bincount(key // span, minlength=customer_keys.size).astype(np.int64)


def score_predictions(
    predicted: np.ndarray, actual: np.ndarray, holdout_length: float
) -> Evaluation:
    """MAE, RMSE and totals of predicted vs actual purchases.

    Examples
    --------
    >>> e = score_predictions(np.array([1.0, 2.0]), np.array([0, 4]), 10.0)
    >>> e.mae, e.rmse, e.predicted_total, e.actual_total
    (1.5, 1.5811388300841898, 3.0, 4.0)
    """
    predicted = np.asarray(predicted, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    err = predicted - actual
    n = err.size
    return Evaluation(
        mae=float(np.abs(err).mean()) if n else float("nan"),
        rmse=float(np.sqrt((err**2).mean())) if n else float("nan"),
        predicted_total=float(predicted.sum()),
        actual_total=float(actual.sum()),
        n_customers=int(n),
        holdout_length=float(holdout_length),
    )


def evaluate_calibration(
    customer: np.ndarray,
    date: np.ndarray,
    amount: np.ndarray,
    calibration_end: np.datetime64 | str,
    observation_end: np.datetime64 | str | None = None,
    time_unit: TimeUnit = "week",
) -> Evaluation:
    """Fit on purchases up to `calibration_end`, score the holdout after it.

    Each customer seen in the calibration period gets a prediction of
    repeat purchases for the holdout length (BG/NBD conditional expectation,
    or the historical-rate fallback) compared with their actual distinct
    purchase days in ``(calibration_end, observation_end]``.

    Returns
    -------
    Evaluation
    """
    days = np.asarray(date, dtype="datetime64[D]")
    cal_end = np.datetime64(calibration_end, "D")
    obs_end = (
        days.max() if observation_end is None else np.datetime64(observation_end, "D")
    )
    summary = summarize_purchases(customer, days, amount, cal_end, time_unit)
    value = customer_value(summary)
    length = float((obs_end - cal_end).astype(np.int64)) / days_per_unit(time_unit)
    predicted = predict_purchases(value, summary, length)
    actual = holdout_purchases(summary.customer, customer, days, cal_end, obs_end)
    return score_predictions(predicted, actual, length)
