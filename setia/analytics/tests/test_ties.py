"""Ties in the pyramid and in RFM scores never lift anyone, nor push a whole
column to the worst score."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from setia.analytics.pipeline import analyze_purchases
from setia.analytics.pyramid import pyramid_summary, pyramid_tiers
from setia.analytics.rfm import SEGMENTS, quintile_scores, rfm_scores
from setia.analytics.summary import summarize_purchases

# --- pyramid ---------------------------------------------------------------


def test_sixteen_customers_at_zero_are_lead_not_platinum():
    # Reviewer's small shop: 16 customers worth Rp 0 and 4 worth something.
    # Ties took the higher tier: all 20 were Platinum (customer_share 1.0).
    clv = np.array([0.0] * 16 + [50_000, 40_000, 30_000, 20_000])
    tiers = pyramid_tiers(clv)
    assert set(tiers[:16].tolist()) == {3}
    assert_array_equal(tiers[16:], [0, 0, 0, 0])
    summary = pyramid_summary(tiers, np.ones(20), clv)
    assert summary.customer_share[0] == pytest.approx(0.2)


def test_everyone_equal_is_one_tier_the_lowest():
    assert_array_equal(pyramid_tiers(np.zeros(6)), [3] * 6)
    # Lead is empty when the shares cover everyone: then all are Iron.
    assert_array_equal(pyramid_tiers(np.zeros(4), (0.25, 0.25, 0.5)), [2] * 4)


def test_a_tie_across_a_boundary_goes_down():
    # Places from the top: 9 -> 0; the three 5s take places 1-3; 1 -> 4.
    # Quartile bounds for 5 customers, rounded up: 2, 3, 4 places. The 5s
    # end at place 3, past the Gold bound: all three are Iron.
    tiers = pyramid_tiers(np.array([5.0, 9.0, 5.0, 1.0, 5.0]))
    assert_array_equal(tiers, [2, 0, 2, 3, 2])


def test_distinct_values_keep_their_tiers():
    clv = np.array([10.0, 80, 30, 50, 20, 70, 40, 60])
    assert_array_equal(pyramid_tiers(clv), [3, 0, 2, 1, 3, 0, 2, 1])
    tiers = pyramid_tiers(np.arange(100, 0, -1.0), (0.01, 0.04, 0.15))
    assert_array_equal(np.bincount(tiers), [1, 4, 15, 80])


def test_pyramid_ties_properties():
    rng = np.random.default_rng(1)
    for _ in range(2_000):
        n = int(rng.integers(1, 60))
        value = rng.integers(0, int(rng.integers(1, 8)), n).astype(float)
        shares = tuple(rng.dirichlet([1, 1, 1, 1])[:3])
        tiers = pyramid_tiers(value, shares)
        for v in np.unique(value):  # equal values share a tier
            assert np.unique(tiers[value == v]).size == 1
        order = np.argsort(-value, kind="stable")
        assert (np.diff(tiers[order]) >= 0).all()  # higher value, never lower
        # Nobody is lifted: each tier ends within its (rounded-up) bound.
        bounds = np.ceil(np.round(np.cumsum(shares) * n, 9))
        assert (np.cumsum(np.bincount(tiers, minlength=4))[:3] <= bounds).all()
        if (tiers == 0).any() and (tiers == 3).any():
            assert value[tiers == 0].min() > value[tiers == 3].max()


def test_nan_value_counts_as_lowest():
    assert_array_equal(pyramid_tiers(np.array([np.nan, 3.0, 2.0, 1.0])), [3, 0, 1, 2])


# --- RFM -------------------------------------------------------------------


def _one_visit_each(days_ago, amount, end="2025-06-01"):
    end = np.datetime64(end)
    days = end - np.asarray(days_ago)
    return summarize_purchases(
        np.arange(len(days)), days, np.asarray(amount, float), end, time_unit="day"
    )


def test_six_customers_who_bought_once_today_are_not_lost():
    s = _one_visit_each([0] * 6, [100_000] * 6)
    scores = rfm_scores(s)
    # Old: R1 F1 M1 for all, segment "Lost".
    assert_array_equal(scores.r, [5] * 6)  # nobody bought more recently
    assert_array_equal(scores.f, [1] * 6)  # bought once: always F1
    assert_array_equal(scores.m, [3] * 6)  # all equal: the middle score
    assert {SEGMENTS[i] for i in scores.segment} == {"New"}


def test_nobody_came_back_yet_gets_one_time_buyer_segments():
    # A young shop: 10 customers, each bought once, on different days.
    scores = rfm_scores(_one_visit_each(np.arange(10) * 7, np.arange(10) + 1.0))
    assert set(scores.f.tolist()) == {1}
    one_time = {"New", "Promising", "About to Sleep", "Hibernating", "Lost"}
    assert {SEGMENTS[i] for i in scores.segment} <= one_time
    # Everyone bought twice: all equal, the middle score.
    s = summarize_purchases(
        np.repeat(np.arange(5), 2),
        np.tile(np.array(["2025-01-01", "2025-02-01"], dtype="datetime64[D]"), 5),
        np.ones(10),
    )
    assert set(rfm_scores(s).f.tolist()) == {3}


def test_first_day_of_a_shop_through_the_pipeline():
    end = np.datetime64("2025-06-01")
    a = analyze_purchases(
        np.arange(6), np.full(6, end), np.full(6, 100_000.0), observation_end=end
    )
    assert "Lost" not in {SEGMENTS[i] for i in a.rfm.segment}
    assert not (a.tier == 0).any()  # nobody is "most valuable" at Rp 0


def test_recency_ties_take_their_best_position():
    def r_of(days_ago):
        return rfm_scores(_one_visit_each(days_ago, np.arange(len(days_ago)))).r

    # 95 of 100 bought today, 5 yesterday: old R2 for today's buyers.
    r = r_of([0] * 95 + [1] * 5)
    assert set(r[:95].tolist()) == {5} and set(r[95:].tolist()) == {1}
    # 7 of 10 bought today: old R4 for them, as if someone were more recent.
    assert_array_equal(r_of([0] * 7 + [3, 5, 9]), [5] * 7 + [3, 2, 1])
    assert_array_equal(
        r_of([0, 0, 0, 1, 2, 3, 4, 5, 6, 7]), [5] * 3 + [4, 3, 3, 2, 2, 1, 1]
    )


def test_recency_with_distinct_days_matches_plain_quintiles_for_five():
    s = _one_visit_each([4, 3, 2, 1, 0], [50, 40, 30, 20, 10])
    assert_array_equal(rfm_scores(s).r, [1, 2, 3, 4, 5])
    assert_array_equal(rfm_scores(s).m, [5, 4, 3, 2, 1])


@pytest.mark.parametrize(
    ("values", "first", "best"),
    [
        ([7], [3], [5]),
        ([1, 2], [1, 5], [1, 5]),
        ([1, 2, 3], [1, 3, 5], [1, 3, 5]),
        ([1, 2, 3, 4], [1, 2, 4, 5], [1, 2, 4, 5]),
        ([1, 1, 2], [1, 1, 5], [3, 3, 5]),
        ([1, 2, 2], [1, 3, 3], [1, 5, 5]),
    ],
)
def test_fewer_than_five_customers_reach_five(values, first, best):
    # Old: two customers scored 1 and 3, three 1, 2 and 4.
    assert quintile_scores(np.array(values)).tolist() == first
    assert quintile_scores(np.array(values), ties="best").tolist() == best


def test_small_shop_recency_reaches_five():
    s = _one_visit_each([30, 0], [10, 20])
    scores = rfm_scores(s)
    assert scores.r.tolist() == [1, 5] and scores.m.tolist() == [1, 5]


def test_all_equal_column_gets_the_middle_score():
    for n in (1, 3, 5, 12):
        assert set(quintile_scores(np.full(n, 2.0)).tolist()) == {3}
        assert set(quintile_scores(np.full(n, 2.0), ties="best").tolist()) == {5}


def test_best_ties_mirror_first_ties_and_keep_the_rules():
    rng = np.random.default_rng(2)
    for _ in range(2_000):
        n = int(rng.integers(2, 70))
        values = rng.integers(0, int(rng.integers(2, 12)), n)
        if np.unique(values).size == 1:
            continue
        best = quintile_scores(values, ties="best")
        assert_array_equal(best, 6 - quintile_scores(-values))
        order = np.argsort(values, kind="stable")
        assert (np.diff(best[order]) >= 0).all()
        for v in np.unique(values):
            assert np.unique(best[values == v]).size == 1
        assert best[values == values.max()][0] == 5
        assert quintile_scores(values)[values == values.min()][0] == 1


def test_unknown_ties_option_rejected():
    with pytest.raises(ValueError):
        quintile_scores(np.arange(5), ties="worst")
