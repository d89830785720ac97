import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.pyramid import pyramid_summary, pyramid_tiers


def test_quartiles_of_eight_customers():
    clv = np.array([10.0, 80, 30, 50, 20, 70, 40, 60])
    # Two customers per tier, highest first: 80,70 Platinum; 60,50 Gold; ...
    assert_array_equal(pyramid_tiers(clv), [3, 0, 2, 1, 3, 0, 2, 1])


def test_custom_cutoffs_top_1_4_15_percent():
    clv = np.arange(100, 0, -1).astype(float)  # 100 distinct values, descending
    tiers = pyramid_tiers(clv, (0.01, 0.04, 0.15))
    assert_array_equal(np.bincount(tiers), [1, 4, 15, 80])
    assert tiers[0] == 0 and tiers[1] == 1 and tiers[5] == 2 and tiers[20] == 3


def test_ties_share_the_lower_tier():
    # Places from the top: 9 -> 0; the three 5s take places 1-3; 1 -> 4.
    # Quartile bounds for 5 customers, rounded up, are 2, 3, 4 places; the
    # 5s end at place 3, past the Gold bound, so all three are Iron.
    tiers = pyramid_tiers(np.array([5.0, 9.0, 5.0, 1.0, 5.0]))
    assert_array_equal(tiers, [2, 0, 2, 3, 2])


def test_bad_cutoffs_rejected():
    with pytest.raises(ValueError):
        pyramid_tiers(np.ones(3), (0.5, 0.5, 0.5))


def test_summary_counts_shares_and_mean_clv():
    tier = np.array([0, 1, 1, 3])
    revenue = np.array([50.0, 20.0, 10.0, 20.0])
    clv = np.array([9.0, 4.0, 2.0, 1.0])
    p = pyramid_summary(tier, revenue, clv)
    assert_array_equal(p.count, [1, 2, 0, 1])
    assert_allclose(p.customer_share, [0.25, 0.5, 0.0, 0.25])
    assert_allclose(p.revenue, [50, 30, 0, 20])
    assert_allclose(p.revenue_share, [0.5, 0.3, 0.0, 0.2])
    assert_allclose(p.mean_clv[[0, 1, 3]], [9.0, 3.0, 1.0])
    assert np.isnan(p.mean_clv[2])
    assert p.as_dict()["Iron"]["mean_clv"] is None
