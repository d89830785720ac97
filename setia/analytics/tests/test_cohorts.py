import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.cohorts import monthly_cohorts


def test_cohort_counts_and_retention_by_hand():
    # January cohort: a, b (c comes in February). a buys Jan, Feb, Apr;
    # b buys Jan 31 and Mar 1 (calendar months, not 30-day steps); c Feb, Feb.
    cust = np.array(["a", "a", "a", "b", "b", "c", "c"])
    date = np.array(
        [
            "2025-01-03",
            "2025-02-10",
            "2025-04-01",
            "2025-01-31",
            "2025-03-01",
            "2025-02-02",
            "2025-02-20",
        ],
        dtype="datetime64[D]",
    )
    t = monthly_cohorts(cust, date)
    assert_array_equal(t.cohort, np.array(["2025-01", "2025-02"], "datetime64[M]"))
    # Jan cohort: month 0: a,b; 1: a; 2: b; 3: a. Feb cohort: month 0: c.
    assert_array_equal(t.counts, [[2, 1, 1, 1], [1, 0, 0, 0]])
    assert_allclose(t.retention[0], [1.0, 0.5, 0.5, 0.5])
    # February cohort observed up to April: months 0-2 known, month 3 not yet.
    assert_allclose(t.retention[1, :3], [1.0, 0.0, 0.0])
    assert np.isnan(t.retention[1, 3])
