"""Shared helpers for maximum-likelihood fits: row compression and results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FitResult", "compress_rows"]


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
    # Factorise each column (one fast sort each), combine the codes into one
    # integer key, then factorise the key: cheaper than a lexsort.
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for c in columns:
        _, code = np.unique(c, return_inverse=True)
        code = code.ravel()
        n_codes = int(code.max()) + 1
        if size * n_codes >= 2**62:
            _, key = np.unique(key, return_inverse=True)
            key = key.ravel().astype(np.int64)
            size = int(key.max()) + 1
        key = key * n_codes + code
        size *= n_codes
    _, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    return [c[first] for c in columns], counts.astype(np.float64), inverse.ravel()
