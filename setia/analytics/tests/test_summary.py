import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.errors import EmptyInputError
from setia.analytics.summary import summarize_purchases


def _d(*days: str) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")


def test_same_day_purchases_count_once_and_amounts_add_up():
    # Worked by hand, customer "a": days 1 Jan (10 + 5), 8 Jan (20), 22 Jan (7 + 3).
    # Distinct days 3 -> frequency 2; repeat days 8 Jan = 20, 22 Jan = 10 ->
    # monetary 15; recency 21 days; T = 31 days to 1 Feb; total 45.
    # Customer "b": one purchase on 15 Jan -> frequency 0, monetary 0, T 17.
    s = summarize_purchases(
        np.array(["a", "a", "b", "a", "a", "a"]),
        _d(
            "2025-01-01",
            "2025-01-01",
            "2025-01-15",
            "2025-01-08",
            "2025-01-22",
            "2025-01-22",
        ),
        np.array([10, 5, 4, 20, 7, 3]),
        observation_end="2025-02-01",
        time_unit="day",
    )
    assert_array_equal(s.customer, ["a", "b"])
    assert_allclose(s.frequency, [2, 0])
    assert_allclose(s.recency, [21, 0])
    assert_allclose(s.T, [31, 17])
    assert_allclose(s.monetary, [15, 0])
    assert_allclose(s.total_spend, [49 - 4, 4])
    assert_array_equal(s.n_purchases, [3, 1])
    assert_array_equal(s.first_date, _d("2025-01-01", "2025-01-15"))
    assert_array_equal(s.last_date, _d("2025-01-22", "2025-01-15"))
    assert_array_equal(s.days_since_last, [10, 17])


def test_week_unit_is_elapsed_days_over_seven():
    # 1 Jan -> 11 Jan = 10 days = 10/7 weeks; T 1 Jan -> 15 Jan = 2 weeks.
    s = summarize_purchases(
        np.array([1, 1]),
        _d("2025-01-01", "2025-01-11"),
        np.array([1.0, 2.0]),
        observation_end="2025-01-15",
        time_unit="week",
    )
    assert_allclose(s.recency, [10 / 7])
    assert_allclose(s.T, [2.0])


def test_purchases_after_observation_end_are_ignored():
    s = summarize_purchases(
        np.array([1, 1, 2]),
        _d("2025-01-01", "2025-03-01", "2025-03-02"),
        np.array([1.0, 2.0, 3.0]),
        observation_end="2025-02-01",
        time_unit="day",
    )
    assert_array_equal(s.customer, [1])
    assert_allclose(s.frequency, [0])
    assert_allclose(s.total_spend, [1.0])


def test_default_observation_end_is_last_purchase():
    s = summarize_purchases(
        np.array([1, 2]),
        _d("2025-01-01", "2025-01-05"),
        np.array([1, 1]),
        time_unit="day",
    )
    assert s.observation_end == np.datetime64("2025-01-05")
    assert_allclose(s.T, [4, 0])


def test_no_purchases_raise_empty_input():
    with pytest.raises(EmptyInputError):
        summarize_purchases(np.array([], dtype=int), _d(), np.array([]))


def test_matches_a_python_loop_on_random_data():
    rng = np.random.default_rng(0)
    n = 2000
    cust = rng.integers(0, 300, n)
    day = np.datetime64("2024-01-01") + rng.integers(0, 200, n)
    amount = rng.integers(1, 100, n).astype(float)
    s = summarize_purchases(cust, day, amount, "2024-08-01", "day")
    end = np.datetime64("2024-08-01")
    for i, c in enumerate(s.customer[:50]):
        sel = cust == c
        days = np.unique(day[sel])
        per_day = np.array([amount[sel & (day == d)].sum() for d in days])
        assert s.frequency[i] == len(days) - 1
        assert s.recency[i] == (days[-1] - days[0]).astype(int)
        assert s.T[i] == (end - days[0]).astype(int)
        expected_m = per_day[1:].mean() if len(days) > 1 else 0.0
        assert_allclose(s.monetary[i], expected_m)


def test_dense_integer_codes_and_sparse_keys_give_the_same_summary():
    rng = np.random.default_rng(0)
    cust = rng.integers(0, 50, 400)
    day = np.datetime64("2025-01-01") + rng.integers(0, 90, 400)
    amount = rng.random(400)
    dense = summarize_purchases(cust, day, amount, time_unit="day")
    sparse = summarize_purchases(cust * 10**9, day, amount, time_unit="day")
    assert_array_equal(dense.customer * 10**9, sparse.customer)
    assert_allclose(dense.monetary, sparse.monetary)
    assert_allclose(dense.T, sparse.T)
