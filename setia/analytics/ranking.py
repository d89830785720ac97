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
