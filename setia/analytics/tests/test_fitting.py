import numpy as np
from numpy.testing import assert_array_equal

from setia.analytics.fitting import compress_rows
from setia.analytics.ranking import min_rank


def test_compress_rows_matches_numpy_unique_rows():
    rng = np.random.default_rng(0)
    cols = [
        rng.integers(0, 4, 500).astype(float),
        rng.integers(0, 3, 500) / 7,
        rng.integers(0, 5, 500).astype(float),
    ]
    (a, b, c), counts, inv = compress_rows(*cols)
    expected, exp_inv, exp_counts = np.unique(
        np.column_stack(cols), axis=0, return_inverse=True, return_counts=True
    )
    assert_array_equal(np.column_stack([a, b, c]), expected)
    assert_array_equal(counts, exp_counts)
    assert_array_equal(inv, exp_inv.ravel())


def test_min_rank_counting_and_sorting_paths_agree():
    rng = np.random.default_rng(0)
    ints = rng.integers(0, 50, 1000).astype(float)
    # A range wider than 4 n forces the argsort path; ranks must not change.
    assert_array_equal(min_rank(ints), min_rank(ints * 10**6))
    floats = rng.random(1000).round(2)
    naive = (floats[None, :] < floats[:, None]).sum(axis=1)
    assert_array_equal(min_rank(floats), naive)
    naive_int = (ints[None, :] < ints[:, None]).sum(axis=1)
    assert_array_equal(min_rank(ints), naive_int)
