"""Customer lifetime value from BG/NBD + Gamma-Gamma, with an explicit
historical fallback when the data cannot support a fit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from setia.analytics.bgnbd import (
    bgnbd_conditional_expected_purchases,
    bgnbd_probability_alive,
    conditional_expectation_function,
    fit_bgnbd,
)
from setia.analytics.fitting import FitResult
from setia.analytics.gamma_gamma import (
    fit_gamma_gamma,
    gamma_gamma_conditional_expected_spend,
)
from setia.analytics.summary import PurchaseSummary, days_per_unit

__all__ = [
    "CustomerValue",
    "MIN_REPEAT_CUSTOMERS",
    "PRIOR_EXPOSURE_DAYS",
    "customer_value",
    "discounted_clv",
    "month_length",
    "predict_purchases",
    "round_idr",
]

# Below this many repeat customers the four BG/NBD (three Gamma-Gamma)
# parameters are poorly identified; predictions fall back to history.
MIN_REPEAT_CUSTOMERS = 10

# Weight of the shop's pooled repeat rate in the fallback, as days of
# watching (see _historical_rate). Why a year: with too few repeat customers
# the spread of rates between customers cannot be estimated (that is why we
# fall back), so the prior's strength is a judgement. A year is one full
# cycle of the seasons that drive buying here (Lebaran, school year), so a
# customer's own record gets half the weight after a year and most of it
# after several; a burst of two visits in one week counts as one week out of
# a year, not as a yearly pace. It matches churn.historical_annual_spend,
# which counts every customer as at least a year old.
PRIOR_EXPOSURE_DAYS = 365.0


def month_length(time_unit: str) -> float:
    """Length of one CLV month in `time_unit`, as in lifetimes.

    lifetimes' ``customer_lifetime_value`` steps 30 days (``freq="D"``) or
    4.345 weeks (``freq="W"``) per month; the same factors keep results
    comparable.

    Examples
    --------
    >>> month_length("week")
    4.345
    """
    return {"day": 30.0, "week": 4.345}[time_unit]


def round_idr(amount: np.ndarray) -> np.ndarray:
    """Round money to whole rupiah, half away from zero, as int64.

    Examples
    --------
    >>> round_idr(np.array([1.5, 2.4999, -1.5, 125000.5])).tolist()
    [2, 2, -2, 125001]
    """
    a = np.asarray(amount, dtype=np.float64)
    return (np.sign(a) * np.floor(np.abs(a) + 0.5)).astype(np.int64)


def discounted_clv(
    cumulative_purchases,
    spend: np.ndarray,
    *,
    months: int,
    discount_rate: float,
    margin: float,
    month_len: float,
) -> np.ndarray:
    """Discounted margin over `months` months (lifetimes' formula).

    ``sum_i (E[N(i·L)] − E[N((i−1)·L)]) · spend · margin / (1 + d)^i`` with
    ``L`` the month length in model time units.

    Parameters
    ----------
    cumulative_purchases : callable
        ``f(t)`` giving expected purchases per customer in (0, t].
    spend : numpy.ndarray
        Expected spend per purchase.
    months : int
        Number of months.
    discount_rate : float
        Monthly discount rate d.
    margin : float
        Gross margin fraction.
    month_len : float
        Length of a month in model time units.

    Returns
    -------
    numpy.ndarray
    """
    total = np.zeros_like(np.asarray(spend, dtype=np.float64))
    previous = np.zeros_like(total)
    for i in range(1, months + 1):
        current = cumulative_purchases(i * month_len)
        total += (current - previous) / (1.0 + discount_rate) ** i
        previous = current
    return total * spend * margin


@dataclass(frozen=True)
class CustomerValue:
    """Per-customer predictions and how they were made.

    Attributes
    ----------
    probability_alive : numpy.ndarray
        P(alive) from BG/NBD; NaN when the historical fallback is used.
    expected_purchases : numpy.ndarray
        Expected repeat purchases over the horizon.
    expected_spend : numpy.ndarray
        Expected spend per purchase.
    clv : numpy.ndarray
        Discounted margin over `clv_months`.
    purchase_model : str
        ``"bgnbd"`` or ``"historical"``.
    spend_model : str
        ``"gamma_gamma"`` or ``"historical"``.
    fallback_reasons : list of str
        Why a fallback was used (empty when both models were used).
    bgnbd, gamma_gamma : FitResult or None
        The fits (None when not attempted).
    """

    probability_alive: np.ndarray
    expected_purchases: np.ndarray
    expected_spend: np.ndarray
    clv: np.ndarray
    purchase_model: str
    spend_model: str
    fallback_reasons: list[str] = field(default_factory=list)
    bgnbd: FitResult | None = None
    gamma_gamma: FitResult | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def is_fallback(self) -> bool:
        """True when either model fell back to history."""
        return bool(self.fallback_reasons)


def customer_value(
    summary: PurchaseSummary,
    *,
    horizon: float | None = None,
    margin: float = 0.3,
    discount_rate: float = 0.01,
    clv_months: int = 12,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
) -> CustomerValue:
    """Fit BG/NBD and Gamma-Gamma and predict each customer's value.

    Falls back, explicitly, when the data cannot support a model:

    * purchases: with fewer than `min_repeat_customers` repeat customers, a
      BG/NBD fit that does not converge or BG/NBD predictions that are not
      finite, each customer's repeat rate is the Gamma-Poisson posterior mean
      ``(frequency + k * pooled) / (T + k)``, with ``pooled`` the shop's
      repeat purchases per unit of time and ``k`` = `PRIOR_EXPOSURE_DAYS`; it
      is projected linearly and P(alive) is NaN. One-time buyers get a share
      of the pooled rate rather than 0, and a short burst is not projected
      over a year;
    * spend: without a usable Gamma-Gamma fit, the customer's own mean repeat
      spend (or mean spend per purchase day when there is no repeat).

    Parameters
    ----------
    summary : PurchaseSummary
    horizon : float, optional
        Horizon for `expected_purchases` in the summary's time unit; default one
        year (52 weeks or 365 days).
    margin : float
        Gross margin fraction applied to CLV.
    discount_rate : float
        Monthly discount rate.
    clv_months : int
        CLV horizon in months.
    min_repeat_customers : int
        Fewest repeat customers needed to fit either model.

    Returns
    -------
    CustomerValue
    """
    unit = summary.time_unit
    if horizon is None:
        horizon = 365.0 if unit == "day" else 52.0
    x, tx, T = summary.frequency, summary.recency, summary.T
    n_repeat = int((x > 0).sum())
    reasons: list[str] = []
    timings: dict[str, float] = {}

    bg_fit: FitResult | None = None
    if n_repeat < min_repeat_customers:
        reasons.append(
            f"BG/NBD not fitted: only {n_repeat} repeat customers "
            f"(need {min_repeat_customers}); using historical purchase rates."
        )
    else:
        started = time.perf_counter()
        bg_fit = fit_bgnbd(x, tx, T)
        timings["fit_bgnbd"] = time.perf_counter() - started
        if not bg_fit.converged:
            reasons.append(
                f"BG/NBD fit unusable ({bg_fit.message}); using historical purchase "
                "rates."
            )
    purchase_model = "historical"
    if bg_fit is not None and bg_fit.converged:
        params = bg_fit.params
        cumulative = conditional_expectation_function(params, x, tx, T)
        p_alive = bgnbd_probability_alive(params, x, tx, T)
        purchase_model = "bgnbd"

    gg_fit: FitResult | None = None
    n_spend = int(((x > 0) & (summary.monetary > 0)).sum())
    if n_spend < min_repeat_customers:
        reasons.append(
            f"Gamma-Gamma not fitted: only {n_spend} repeat customers with "
            f"positive spend (need {min_repeat_customers}); using historical spend."
        )
    else:
        started = time.perf_counter()
        gg_fit = fit_gamma_gamma(x, summary.monetary)
        timings["fit_gamma_gamma"] = time.perf_counter() - started
        if not gg_fit.converged:
            reasons.append(
                f"Gamma-Gamma fit unusable ({gg_fit.message}); using historical spend."
            )
    if gg_fit is not None and gg_fit.converged:
        spend = gamma_gamma_conditional_expected_spend(
            gg_fit.params, x, summary.monetary
        )
        spend_model = "gamma_gamma"
    else:
        per_day = summary.total_spend / np.maximum(summary.n_purchases, 1)
        spend = np.where(x > 0, summary.monetary, per_day)
        spend_model = "historical"

    def predict(cumulative) -> tuple[np.ndarray, np.ndarray]:
        clv = discounted_clv(
            cumulative,
            spend,
            months=clv_months,
            discount_rate=discount_rate,
            margin=margin,
            month_len=month_length(unit),
        )
        return cumulative(float(horizon)), clv

    started = time.perf_counter()
    if purchase_model == "bgnbd":
        expected, clv = predict(cumulative)
        finite = (
            np.isfinite(expected)
            & np.isfinite(p_alive)
            & (np.isfinite(clv) | ~np.isfinite(spend))  # spend's fault, not BG/NBD's
        )
        if not finite.all():
            # A usable fit can still sit where the formulas overflow for a
            # few customers; a wrong or missing number is worse than history.
            reasons.append(
                f"BG/NBD predictions not finite for {int((~finite).sum())} "
                "customers; using historical purchase rates."
            )
            purchase_model = "historical"
    if purchase_model == "historical":
        rate = _historical_rate(summary)
        p_alive = np.full_like(x, np.nan)
        expected, clv = predict(lambda t: rate * t)
    timings["predict"] = time.perf_counter() - started
    return CustomerValue(
        probability_alive=p_alive,
        expected_purchases=expected,
        expected_spend=spend,
        clv=clv,
        purchase_model=purchase_model,
        spend_model=spend_model,
        fallback_reasons=reasons,
        bgnbd=bg_fit,
        gamma_gamma=gg_fit,
        timings=timings,
    )


def predict_purchases(
    value: CustomerValue, summary: PurchaseSummary, t: float
) -> np.ndarray:
    """Expected repeat purchases in the next `t` time units, with the same
    model (BG/NBD or historical rate) that `value` used.

    Parameters
    ----------
    value : CustomerValue
        Result of :func:`customer_value` on `summary`.
    summary : PurchaseSummary
    t : float
        Horizon in the summary's time unit.

    Returns
    -------
    numpy.ndarray
    """
    x, tx, T = summary.frequency, summary.recency, summary.T
    if value.purchase_model == "bgnbd":
        return bgnbd_conditional_expected_purchases(value.bgnbd.params, t, x, tx, T)
    return _historical_rate(summary) * t


def _historical_rate(summary: PurchaseSummary) -> np.ndarray:
    """Repeat purchases per time unit, each customer shrunk to the shop's rate.

    Each customer's rate gets a Gamma prior with mean ``pooled`` (all repeat
    purchases over all customers' time watched) worth ``k`` time units of
    watching, ``k`` = `PRIOR_EXPOSURE_DAYS`; with Poisson purchases the
    posterior mean is ``(x + k * pooled) / (T + k)``. Why: the plain rate
    ``x / T`` projected two visits in the last ten days as 36 a year and gave
    every one-time buyer 0.

    Examples
    --------
    A regular (five visits in two years), two visits five days apart, and
    one visit 92 days ago; the plain rates were 2, 73 and 0 a year.

    >>> from setia.analytics.summary import summarize_purchases
    >>> days = ["2023-06-01", "2023-12-01", "2024-06-01", "2024-12-01",
    ...         "2025-05-20", "2025-05-27", "2025-06-01", "2025-03-01"]
    >>> s = summarize_purchases(
    ...     np.array([1, 1, 1, 1, 1, 2, 2, 3]),
    ...     np.array(days, dtype="datetime64[D]"),
    ...     np.ones(8),
    ...     time_unit="day",
    ... )
    >>> (_historical_rate(s) * 365).round(2).tolist()  # per year
    [2.07, 3.16, 1.76]
    """
    x, T = summary.frequency, summary.T
    k = PRIOR_EXPOSURE_DAYS / days_per_unit(summary.time_unit)
    pooled = x.sum() / T.sum() if T.sum() > 0 else 0.0
    return (x + k * pooled) / (T + k)
