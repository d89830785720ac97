import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.evaluate import (
    evaluate_calibration,
    holdout_purchases,
    score_predictions,
)


def test_holdout_counts_distinct_days_of_known_customers():
    keys = np.array([1, 2, 3])
    cust = np.array([1, 1, 1, 2, 9, 3])
    day = np.array(
        [
            "2025-01-05",
            "2025-02-02",
            "2025-02-02",
            "2025-02-10",
            "2025-02-11",
            "2025-03-05",
        ],
        dtype="datetime64[D]",
    )
    got = holdout_purchases(
        keys, cust, day, np.datetime64("2025-01-31"), np.datetime64("2025-02-28")
    )
    # Customer 1: one holdout day (2 Feb twice); 2: one; 3: after the end; 9 unknown.
    assert_array_equal(got, [1, 1, 0])


def test_score_predictions_by_hand():
    e = score_predictions(np.array([1.0, 2.0, 0.5]), np.array([0, 4, 0]), 26.0)
    assert_allclose([e.mae, e.rmse], [(1 + 2 + 0.5) / 3, np.sqrt((1 + 4 + 0.25) / 3)])
    assert (e.predicted_total, e.actual_total, e.n_customers) == (3.5, 4.0, 3)


def test_calibration_predictions_track_holdout_on_simulated_shop():
    # Poisson shoppers who never leave: the model should get totals roughly
    # right (within 20 %) on a 26-week holdout.
    rng = np.random.default_rng(0)
    n = 1500
    rate = rng.gamma(2.0, 1 / 40.0, n)  # purchases per day
    cust, day = [], []
    for c in range(n):
        t = rng.uniform(0, 200)
        while t < 546:
            cust.append(c)
            day.append(int(t))
            t += rng.exponential(1 / rate[c])
    day = np.datetime64("2024-01-01") + np.array(day)
    amount = rng.gamma(5, 20000, len(cust))
    e = evaluate_calibration(np.array(cust), day, amount, "2025-01-01", "2025-06-30")
    assert_allclose(e.predicted_total, e.actual_total, rtol=0.2)
    assert e.holdout_length == 180 / 7
