"""Shared helpers for maximum-likelihood fits: row compression and results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FitResult", "compress_rows", "factorize_values", "unique_rows"]


@dataclass(frozen=True)
class FitResult:
    """Outcome of a maximum-likelihood fit.

    Attributes
    ----------
    params : dict of str to float
        Fitted parameters by name (NaN when not fitted).
    log_likelihood : float
        Total log-likelihood at `params` (NaN when not fitted).
    converged : bool
        True when the optimiser succeeded, the gradient is near zero and the
        parameters are usable (finite, not at a bound, model-specific checks).
    iterations : int
        Optimiser iterations.
    message : str
        The optimiser's message or the reason the fit is unusable.
    n_customers : int
        Customers used in the fit.
    n_unique_rows : int
        Distinct likelihood rows after compressing identical customers.
    """

    params: dict[str, float]
    log_likelihood: float
    converged: bool
    iterations: int
    message: str
    n_customers: int
    n_unique_rows: int


def compress_rows(
    *columns: np.ndarray,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Collapse identical rows of several equal-length columns.

    Parameters
    ----------
    *columns : numpy.ndarray
        1-d arrays of one length.

    Returns
    -------
    unique_columns : list of numpy.ndarray
        The distinct rows, column by column (lexicographically sorted).
    counts : numpy.ndarray
        How many input rows each distinct row stands for (float64 weights).
    inverse : numpy.ndarray
        Index of each input row in the distinct rows.

    Examples
    --------
    >>> cols, counts, inv = compress_rows(np.array([1, 1, 2]), np.array([5, 5, 5]))
    >>> [c.tolist() for c in cols], counts.tolist(), inv.tolist()
    ([[1, 2], [5, 5]], [2.0, 1.0], [0, 0, 1])
    """
    n = columns[0].shape[0]
    if n == 0:
        return [c[:0] for c in columns], np.zeros(0), np.zeros(0, dtype=np.int64)
    # Factorise each column (linear time for whole days or weeks of whole
    # days, else one sort), combine the codes into one integer key, then
    # factorise the key: cheaper than a lexsort.
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for c in columns:
        code, n_codes = factorize_values(c)
        if size * n_codes >= 2**62:
            first, key, _ = unique_rows(key)
            size = first.size
        key *= n_codes
        key += code
        size *= n_codes
    first, inverse, counts = unique_rows(key)
    return [c[first] for c in columns], counts.astype(np.float64), inverse


def unique_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values of `key` in sorted order, as row positions.

    Like ``np.unique(key, return_index=True, return_inverse=True,
    return_counts=True)`` except that the position given for each distinct
    value is any row holding it (not necessarily the first): the unstable
    SIMD argsort is ~5x faster than the stable one ``return_index`` needs.

    Returns
    -------
    first : numpy.ndarray
        A row position of each distinct value, in increasing value order.
    inverse : numpy.ndarray
        Index of each row's value among the distinct values (int64).
    counts : numpy.ndarray
        Rows per distinct value (int64).
    """
    order = np.argsort(key)
    ordered = key[order]
    new = np.empty(key.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    inverse = np.empty(key.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    counts = np.diff(np.append(starts, key.size))
    return order[starts], inverse, counts


def factorize_values(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..k-1 of `values` in increasing value order, and k.

    Values that are whole numbers, or whole numbers of sevenths (recency and
    T in weeks of whole days), within a small range are coded by counting,
    in linear time; anything else by one sort. Codes of equal values are
    equal and only equal values share a code.
    """
    v = np.asarray(values)
    n = v.size
    if n and v.dtype.kind == "f":
        lo, hi = float(v.min()), float(v.max())
        if np.isfinite(lo) and np.isfinite(hi):
            for scale in (1.0, 7.0):
                if (hi - lo) * scale > 4 * n + 1024:
                    continue
                scaled = (v - lo) * scale
                whole = np.rint(scaled)
                if np.abs(scaled - whole).max() > 1e-6:
                    continue
                idx = whole.astype(np.int64)
                rep = np.empty(int(idx.max()) + 1)
                rep[idx] = v
                if not np.array_equal(rep[idx], v):
                    break  # two different values share a slot: sort instead
                present = np.zeros(rep.size, dtype=bool)
                present[idx] = True
                code_of = np.cumsum(present) - 1
                return code_of[idx], int(code_of[-1]) + 1
    elif n and v.dtype.kind in "iu":
        lo, hi = int(v.min()), int(v.max())
        if hi - lo <= 4 * n + 1024:
            idx = (v - lo).astype(np.int64)
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[idx] = True
            code_of = np.cumsum(present) - 1
            return code_of[idx], int(code_of[-1]) + 1
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    _, code, _ = unique_rows(v)
    return code, int(code.max()) + 1
