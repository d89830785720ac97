"""Small shops: the historical fallback shrinks each customer's repeat rate
toward the shop's pooled rate, and BG/NBD fits on a dropout limit are used."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize

from setia.analytics import clv as clv_module
from setia.analytics.bgnbd import (
    BGNBD_PARAMS,
    bgnbd_expected_purchases,
    bgnbd_log_likelihood,
    fit_bgnbd,
    simulate_bgnbd,
)
from setia.analytics.clv import PRIOR_EXPOSURE_DAYS, customer_value
from setia.analytics.pipeline import analyze_purchases
from setia.analytics.summary import PurchaseSummary, summarize_purchases

END = np.datetime64("2025-06-01")


def _reviewer_shop():
    """A newcomer who bought 10 and 5 days ago, a regular of two years (six
    visits 140 days apart) and eight one-time buyers, Rp 150.000 each time."""
    customer, day = [0, 0], [END - 10, END - 5]
    for k in range(6):
        customer.append(1)
        day.append(END - 20 - 140 * k)
    for i in range(2, 10):
        customer.append(i)
        day.append(END - 30 * i)
    return (
        np.array(customer),
        np.array(day, dtype="datetime64[D]"),
        np.full(len(day), 150_000.0),
    )


def test_a_short_burst_is_not_projected_over_a_year():
    a = analyze_purchases(*_reviewer_shop(), observation_end=END)
    v, s = a.value, a.summary
    assert v.purchase_model == "historical"
    # Old rule x / T: 36.4 purchases a year and CLV Rp 1.540.454 for the
    # newcomer, 2.5 and Rp 106.976 for the regular.
    newcomer, regular = v.expected_purchases[:2]
    assert newcomer < 2.5 and v.clv[0] < 100_000
    assert regular >= newcomer and v.clv[1] >= v.clv[0]
    # By hand, in weeks: pooled = 6 repeats / sum(T); k = 365 / 7 weeks.
    k = PRIOR_EXPOSURE_DAYS / 7
    pooled = 6 / s.T.sum()
    expected = (s.frequency + k * pooled) / (s.T + k) * 52
    assert_allclose(v.expected_purchases, expected)
    assert_allclose(newcomer, (1 + k * pooled) / (10 / 7 + k) * 52)


def test_one_time_buyers_get_a_value_from_the_shop_average():
    a = analyze_purchases(*_reviewer_shop(), observation_end=END)
    v, s = a.value, a.summary
    once = s.frequency == 0
    # Old rule: every one-time buyer had CLV 0.
    assert (v.clv[once] > 0).all()
    # Less than the regular, and less the longer ago they came.
    assert (v.clv[once] < v.clv[1]).all()
    order = np.argsort(s.T[once])
    assert (np.diff(v.clv[once][order]) < 0).all()
    # The pyramid is no longer everyone in Platinum.
    assert np.bincount(a.tier, minlength=4).tolist() == [3, 2, 3, 2]


def test_shrinkage_limits_and_time_units_agree():
    days = np.array(
        ["2021-01-01", "2023-01-01", "2025-01-01", "2025-05-25", "2025-06-01"]
        + ["2025-05-01"],
        dtype="datetime64[D]",
    )
    customer = np.array([1, 1, 1, 2, 2, 3])
    amount = np.full(6, 100_000.0)
    by_day = summarize_purchases(customer, days, amount, END, time_unit="day")
    by_week = summarize_purchases(customer, days, amount, END, time_unit="week")
    per_day = customer_value(by_day).expected_purchases / 365
    per_week = customer_value(by_week).expected_purchases / 52
    assert_allclose(per_day * 7, per_week, rtol=1e-12)
    pooled = by_day.frequency.sum() / by_day.T.sum()
    # A customer watched four years is near her own rate, not the pool's.
    own = by_day.frequency[0] / by_day.T[0]
    assert abs(per_day[0] - own) < abs(per_day[0] - pooled)
    # Nobody is above the larger of own and pooled rate, nor below the lower.
    own_all = by_day.frequency / np.maximum(by_day.T, 1e-9)
    assert (per_day <= np.maximum(own_all, pooled) + 1e-15).all()
    assert (per_day >= np.minimum(own_all, pooled) - 1e-15).all()


def test_no_repeat_buying_at_all_gives_zero_not_nan():
    s = summarize_purchases(
        np.arange(6), np.full(6, END), np.full(6, 100_000.0), time_unit="day"
    )
    v = customer_value(s)
    assert_allclose(v.clv, 0.0)
    assert np.isfinite(v.expected_purchases).all()


def _fifty_customers(seed):
    """A 50-customer shop simulated as in /tmp/review-ana/check_fitrate.py."""
    rng = np.random.default_rng(seed)
    T = np.round(rng.uniform(1, 100, 50) * 7) / 7
    x, tx, T = simulate_bgnbd(rng, 50, 0.8, 20.0, 0.6, 3.0, T)
    return x, np.round(tx * 7) / 7, T


def _summary(x, tx, T):
    first = np.full(x.size, np.datetime64("2024-01-01"))
    return PurchaseSummary(
        customer=np.arange(x.size),
        frequency=x,
        recency=tx,
        T=T,
        monetary=np.where(x > 0, 100_000.0, 0.0),
        first_date=first,
        last_date=first,
        total_spend=100_000.0 * (x + 1),
        n_purchases=(x + 1).astype(np.int64),
        observation_end=np.datetime64("2025-12-31"),
        time_unit="week",
    )


@pytest.mark.parametrize("seed", [3, 7])
def test_fit_on_a_dropout_limit_is_used(seed):
    # Seed 3: a and b run large (one dropout probability for everyone);
    # seed 7: both run small (dropout probability 0 or 1). BFGS stopped on
    # "precision loss", the fit was rejected and the shop fell back.
    x, tx, T = _fifty_customers(seed)
    fit = fit_bgnbd(x, tx, T)
    assert fit.converged, fit.message
    assert np.abs(np.log([fit.params["a"], fit.params["b"]])).max() > 7
    # A real optimum: a Nelder-Mead polish inside the box gains nothing.
    start = np.log([fit.params[k] for k in BGNBD_PARAMS])

    def nll(theta):
        p = dict(zip(BGNBD_PARAMS, np.exp(np.clip(theta, -14, 14)), strict=True))
        return -bgnbd_log_likelihood(p, x, tx, T)

    polish = minimize(nll, start, method="Nelder-Mead", options={"maxiter": 4000})
    assert -polish.fun - fit.log_likelihood < 1e-3
    assert np.isfinite(
        bgnbd_expected_purchases(fit.params, np.array([1.0, 52.0]))
    ).all()

    v = customer_value(_summary(x, tx, T))
    assert v.purchase_model == "bgnbd", v.fallback_reasons
    assert np.isfinite(v.clv).all() and np.isfinite(v.probability_alive).all()


def test_non_finite_bgnbd_predictions_fall_back(monkeypatch):
    x, tx, T = _fifty_customers(3)
    real = clv_module.conditional_expectation_function

    def one_nan(params, *args):
        f = real(params, *args)
        return lambda t: np.where(np.arange(x.size) == 0, np.nan, f(t))

    monkeypatch.setattr(clv_module, "conditional_expectation_function", one_nan)
    v = customer_value(_summary(x, tx, T))
    assert v.purchase_model == "historical"
    assert "not finite for 1 customers" in v.fallback_reasons[-1]
    assert np.isfinite(v.clv).all() and np.isnan(v.probability_alive).all()
