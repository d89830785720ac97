import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.churn import at_risk_customers, historical_annual_spend
from setia.analytics.summary import summarize_purchases
from setia.analytics.wallet import share_of_wallet


def test_share_of_wallet_clips_and_marks_unknown():
    # 600 over 6 months = 100/month of 400 -> 0.25; 300/month of 100 -> clipped 1;
    # reported 0 and NaN -> unknown; 0.5 month counts as 1 month.
    got = share_of_wallet(
        np.array([600.0, 300.0, 10.0, 10.0, 50.0]),
        np.array([6, 1, 1, 1, 0.5]),
        np.array([400.0, 100.0, 0.0, np.nan, 100.0]),
    )
    assert_allclose(got, [0.25, 1.0, np.nan, np.nan, 0.5])


def _summary():
    # a: every 10 days, last on day 20, end day 100 -> 80 days > 2 x 10: overdue.
    # b: every 40 days, last on day 80 -> 20 days: fine. c: one purchase.
    cust = np.array(["a", "a", "a", "b", "b", "b", "c"])
    day = np.datetime64("2025-01-01") + np.array([0, 10, 20, 0, 40, 80, 50])
    amount = np.array([100.0, 100, 100, 50, 50, 50, 999])
    return summarize_purchases(
        cust, day, amount, np.datetime64("2025-01-01") + 100, "day"
    )


def test_overdue_customers_ranked_by_value():
    s = _summary()
    risk = at_risk_customers(s)
    assert_array_equal(risk.overdue, [True, False, False])
    assert_array_equal(risk.index, [0])
    # Annual spend, age counted as at least a year: 300 / 1 year.
    assert_allclose(risk.value_at_stake, [300.0])
    assert_allclose(historical_annual_spend(s), [300.0, 150.0, 999.0])


def test_low_probability_alive_adds_customers_and_value_orders_them():
    s = _summary()
    risk = at_risk_customers(
        s, probability_alive=np.array([0.9, 0.1, 0.2]), value=np.array([5.0, 7.0, 9.0])
    )
    assert_array_equal(risk.index, [2, 1, 0])
    assert_allclose(risk.value_at_stake, [9.0, 7.0, 5.0])
