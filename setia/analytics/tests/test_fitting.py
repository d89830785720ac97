import numpy as np
from numpy.testing import assert_array_equal

from setia.analytics.fitting import compress_rows, factorize_values
from setia.analytics.ranking import count_ranks_reached, min_rank


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


def test_compress_rows_counting_and_sorting_paths_agree():
    # Whole days, sevenths of days (weeks), arbitrary floats and a value set
    # too wide for counting must all give np.unique's rows and counts.
    rng = np.random.default_rng(1)
    n = 2000
    cols = [
        rng.integers(0, 30, n).astype(float),
        rng.integers(0, 700, n) / 7,
        rng.random(n).round(3) * 1e9,
        rng.integers(0, 3, n) * 1e12,
    ]
    for picked in ([0, 1], [1, 2], [2, 3], [0, 1, 2, 3]):
        use = [cols[i] for i in picked]
        got, counts, inv = compress_rows(*use)
        expected, exp_inv, exp_counts = np.unique(
            np.column_stack(use), axis=0, return_inverse=True, return_counts=True
        )
        assert_array_equal(np.column_stack(got), expected)
        assert_array_equal(counts, exp_counts)
        assert_array_equal(inv, exp_inv.ravel())


def test_factorize_values_keeps_nearly_equal_values_apart():
    # 1/7 computed two ways may differ in the last bit; such values must not
    # be merged by the counting path.
    a = np.array([1 / 7, (3 / 7) - (2 / 7), 2 / 7, 1 / 7])
    code, k = factorize_values(a)
    _, expected = np.unique(a, return_inverse=True)
    assert k == len(np.unique(a))
    assert_array_equal(code, expected.ravel())


def test_count_ranks_reached_matches_min_rank():
    rng = np.random.default_rng(2)
    for n in (1, 2, 5, 17, 400):
        v = rng.integers(0, 6, n) * 0.5
        ranks = [0, 1, n // 3, n // 2, n, n + 3]
        expected = sum((min_rank(v) >= k).astype(int) for k in ranks)
        assert_array_equal(count_ranks_reached(v, ranks), expected)
