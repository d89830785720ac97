"""Tie-aware ranks shared by RFM scores and the customer pyramid."""

from __future__ import annotations

import numpy as np

__all__ = ["min_rank"]


def min_rank(values: np.ndarray) -> np.ndarray:
    """Number of values strictly smaller than each value (0-based "min" rank).

    Integer-valued inputs with a small range use counting (linear time);
    others one argsort.

    Examples
    --------
    >>> min_rank(np.array([3.0, 1.0, 3.0, 2.0])).tolist()
    [2, 0, 2, 1]
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = v.min(), v.max()
    if np.isfinite(lo) and np.isfinite(hi) and hi - lo <= 4 * n:
        as_int = v - lo
        if np.array_equal(as_int, np.floor(as_int)):
            idx = as_int.astype(np.int64)
            counts = np.bincount(idx)
            below = np.cumsum(counts) - counts
            return below[idx]
    order = np.argsort(v, kind="stable")
    sv = v[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(sv[1:], sv[:-1], out=new[1:])
    first = np.flatnonzero(new)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = first[np.cumsum(new) - 1]
    return rank


def count_ranks_reached(values: np.ndarray, ranks) -> np.ndarray:
    """For each value, how many of `ranks` its :func:`min_rank` reaches.

    ``count_ranks_reached(v, ks)[i] == sum(min_rank(v)[i] >= k for k in ks)``,
    computed without ranking everyone: ``min_rank(v)[i] >= k`` (k >= 1) holds
    exactly when ``v[i]`` exceeds the k-th smallest value, which one
    ``np.partition`` finds for all `ranks` in linear time. Values must be
    finite (NaN has no rank).

    Examples
    --------
    >>> count_ranks_reached(np.array([3.0, 1.0, 3.0, 2.0]), [1, 2, 3]).tolist()
    [2, 0, 2, 1]
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    need = [int(k) for k in ranks]
    kth = sorted({k - 1 for k in need if 1 <= k <= n})
    part = np.partition(v, kth) if kth else v
    out = np.zeros(n, dtype=np.int64)
    for k in need:
        if k <= 0:
            out += 1
        elif k <= n:
            out += v > part[k - 1]
    return out
