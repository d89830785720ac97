"""Monthly acquisition cohorts and retention."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CohortTable", "monthly_cohorts"]


@dataclass(frozen=True)
class CohortTable:
    """Customers active per acquisition month and months since acquisition.

    Attributes
    ----------
    cohort : numpy.ndarray
        ``datetime64[M]`` month of each cohort's first purchase (rows).
    counts : numpy.ndarray
        (n_cohorts, n_months) int64: customers of the cohort who bought in
        month ``k`` after their first month (column 0 = cohort size).
    retention : numpy.ndarray
        ``counts / counts[:, :1]``; NaN for months not yet observed.
    """

    cohort: np.ndarray
    counts: np.ndarray
    retention: np.ndarray


def monthly_cohorts(customer: np.ndarray, date: np.ndarray) -> CohortTable:
    """Build the cohort × months-since-first-purchase matrix (calendar months).

    Parameters
    ----------
    customer : array_like
        Customer key per purchase.
    date : array_like
        Purchase date per purchase.

    Returns
    -------
    CohortTable

    Examples
    --------
    >>> t = monthly_cohorts(
    ...     np.array([1, 1, 2]),
    ...     np.array(["2025-01-05", "2025-02-01", "2025-02-03"], dtype="datetime64[D]"),
    ... )
    >>> t.counts.tolist()
    [[1, 1], [1, 0]]
    """
    month = np.asarray(date, dtype="datetime64[M]").astype(np.int64)
    _, code = np.unique(np.asarray(customer), return_inverse=True)
    code = code.ravel()
    n_cust = int(code.max()) + 1 if code.size else 0
    first = np.full(n_cust, np.iinfo(np.int64).max)
    np.minimum.at(first, code, month)
    m0, m1 = int(month.min()), int(month.max())
    n_months = m1 - m0 + 1
    age = month - first[code]
    cohort_row = first[code] - m0
    # One count per (customer, active month).
    key = np.unique(code * n_months + age)
    cust_of, age_of = key // n_months, key % n_months
    counts = np.zeros((n_months, n_months), dtype=np.int64)
    np.add.at(counts, (first[cust_of] - m0, age_of), 1)
    del cohort_row
    keep = counts[:, 0] > 0
    counts = counts[keep]
    cohorts = (np.arange(m0, m1 + 1)[keep]).astype("datetime64[M]")
    observed = (m1 - cohorts.astype(np.int64))[:, None] >= np.arange(n_months)
    with np.errstate(invalid="ignore", divide="ignore"):
        retention = np.where(observed, counts / counts[:, :1], np.nan)
    width = int(observed.sum(axis=1).max()) if counts.size else 0
    return CohortTable(cohorts, counts[:, :width], retention[:, :width])
