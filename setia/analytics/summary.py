"""Per-customer purchase summary: frequency, recency, T and monetary value.

Definitions follow Fader, Hardie & Lee (2005) and the ``lifetimes`` package's
``summary_data_from_transaction_data``: purchases on the same day are one
purchase occasion, the first occasion is the customer's "birth", and
frequency counts the repeat occasions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from setia.analytics.errors import EmptyInputError

__all__ = ["PurchaseSummary", "TimeUnit", "summarize_purchases", "days_per_unit"]

TimeUnit = Literal["day", "week"]


def days_per_unit(time_unit: TimeUnit) -> float:
    """Return the length of one time unit in days (a week is 7 elapsed days).

    Examples
    --------
    >>> days_per_unit("week")
    7.0
    """
    if time_unit == "day":
        return 1.0
    if time_unit == "week":
        return 7.0
    raise ValueError(f"time_unit must be 'day' or 'week', not {time_unit!r}")


@dataclass(frozen=True)
class PurchaseSummary:
    """Per-customer summary; every array has one entry per customer.

    Attributes
    ----------
    customer : numpy.ndarray
        Customer keys, sorted (the distinct values of the input ids).
    frequency : numpy.ndarray
        Repeat purchase occasions: distinct purchase days − 1 (float64).
    recency : numpy.ndarray
        Time from first to last purchase day, in `time_unit` (float64).
    T : numpy.ndarray
        Time from first purchase day to `observation_end`, in `time_unit`.
    monetary : numpy.ndarray
        Mean amount per repeat purchase day (daily amounts summed first, first
        day excluded); 0 when frequency is 0.
    first_date, last_date : numpy.ndarray
        ``datetime64[D]`` first and last purchase day.
    total_spend : numpy.ndarray
        Sum of all amounts (first day included).
    n_purchases : numpy.ndarray
        Distinct purchase days (int64).
    observation_end : numpy.datetime64
        Last day observed.
    time_unit : str
        ``"day"`` or ``"week"``.
    """

    customer: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary: np.ndarray
    first_date: np.ndarray
    last_date: np.ndarray
    total_spend: np.ndarray
    n_purchases: np.ndarray
    observation_end: np.datetime64
    time_unit: TimeUnit

    @property
    def n_customers(self) -> int:
        """Number of customers."""
        return int(self.customer.shape[0])

    @property
    def days_since_last(self) -> np.ndarray:
        """Days from the last purchase to the end of observation (int64)."""
        return (self.observation_end - self.last_date).astype(np.int64)

    @property
    def age_days(self) -> np.ndarray:
        """Days from the first purchase to the end of observation (int64)."""
        return (self.observation_end - self.first_date).astype(np.int64)


def _factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and each row's index into them.

    Dense non-negative integer keys (such as the CSV reader's customer
    indices) are mapped in linear time instead of sorting.
    """
    if keys.dtype.kind in "iu" and keys.size:
        lo, hi = int(keys.min()), int(keys.max())
        if lo >= 0 and hi < 2 * keys.size + 1024:
            present = np.zeros(hi + 1, dtype=bool)
            present[keys] = True
            if lo == 0 and present.all():  # already 0..n-1 (the CSV reader's codes)
                return np.arange(hi + 1, dtype=keys.dtype), keys.astype(
                    np.int64, copy=False
                )
            uniq = np.flatnonzero(present)
            index_of = np.cumsum(present) - 1
            return uniq.astype(keys.dtype), index_of[keys].astype(np.int64)
    uniq, code = np.unique(keys, return_inverse=True)
    return uniq, code.ravel().astype(np.int64)


def summarize_purchases(
    customer: np.ndarray,
    date: np.ndarray,
    amount: np.ndarray,
    observation_end: np.datetime64 | str | None = None,
    time_unit: TimeUnit = "week",
) -> PurchaseSummary:
    """Summarise purchases per customer in one vectorised pass.

    Parameters
    ----------
    customer : array_like
        Customer id per purchase (any sortable dtype: int codes are fastest).
    date : array_like
        Purchase date per purchase, convertible to ``datetime64[D]``.
    amount : array_like
        Amount per purchase (int or float).
    observation_end : numpy.datetime64 or str, optional
        Last observed day; purchases after it are ignored. Default: the last
        purchase date.
    time_unit : {"week", "day"}
        Unit of recency and T; a week is 7 elapsed days.

    Returns
    -------
    PurchaseSummary
        Customers with at least one purchase on or before `observation_end`.

    Raises
    ------
    EmptyInputError
        When no purchase falls on or before `observation_end`.

    Examples
    --------
    Two purchases on 1 Jan count as one occasion; 8 Jan is the one repeat:

    >>> s = summarize_purchases(
    ...     np.array([7, 7, 7]),
    ...     np.array(["2025-01-01", "2025-01-01", "2025-01-08"], dtype="datetime64[D]"),
    ...     np.array([10, 5, 20]),
    ...     observation_end="2025-01-15",
    ... )
    >>> s.frequency.tolist(), s.recency.tolist(), s.T.tolist(), s.monetary.tolist()
    ([1.0], [1.0], [2.0], [20.0])
    """
    unit = days_per_unit(time_unit)
    customer = np.asarray(customer)
    days = np.asarray(date, dtype="datetime64[D]").view(np.int64)
    amount = np.asarray(amount, dtype=np.float64)
    if not (customer.shape == days.shape == amount.shape) or customer.ndim != 1:
        raise ValueError("customer, date and amount must be 1-d arrays of one length")
    if days.size == 0:
        raise EmptyInputError("There are no purchases.", "Tidak ada pembelian.")
    if observation_end is None:
        end = int(days.max())
    else:
        end = int(np.datetime64(observation_end, "D").astype(np.int64))
        keep = days <= end
        if not keep.all():
            customer, days, amount = customer[keep], days[keep], amount[keep]
        if days.size == 0:
            raise EmptyInputError(
                "No purchase on or before the end of observation.",
                "Tidak ada pembelian sampai akhir periode pengamatan.",
            )
    uniq_customer, code = _factorize(customer)
    n_cust = uniq_customer.shape[0]

    # One key per (customer, day); the sorted distinct keys group each
    # customer's purchase days in order. Sorting the keys themselves (not
    # argsort + inverse) is one fast SIMD pass and needs little memory.
    day0 = int(days.min())
    span = int(days.max()) - day0 + 1
    # 32-bit keys when they fit (1M rows: half the memory, faster sort).
    key_type = np.uint32 if n_cust * span < 2**32 else np.int64
    day_offset = days - day0
    key = code.astype(key_type)
    key *= key_type(span)
    key += day_offset.astype(key_type, copy=False)
    key.sort()
    new = np.empty(key.size, dtype=bool)
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    day_key = key[new]
    del key, new
    day_customer = day_key // key_type(span)
    n_days = np.bincount(day_customer, minlength=n_cust)
    del day_customer
    last_idx = np.cumsum(n_days) - 1
    first_idx = last_idx - (n_days - 1)
    first_day = (day_key[first_idx] % key_type(span)).astype(np.int64) + day0
    last_day = (day_key[last_idx] % key_type(span)).astype(np.int64) + day0
    del day_key
    total = np.bincount(code, weights=amount, minlength=n_cust)
    # Amount on each customer's first purchase day (excluded from monetary).
    # A narrow per-customer table keeps the random gather cache-friendly.
    offset_type = np.int16 if span < 2**15 else np.int64
    on_first = day_offset == (first_day - day0).astype(offset_type)[code]
    first_amount = np.bincount(
        code[on_first], weights=amount[on_first], minlength=n_cust
    )
    frequency = (n_days - 1).astype(np.float64)
    repeat_spend = total - first_amount
    monetary = np.divide(
        repeat_spend, frequency, out=np.zeros(n_cust), where=frequency > 0
    )
    return PurchaseSummary(
        customer=uniq_customer,
        frequency=frequency,
        recency=(last_day - first_day) / unit,
        T=(end - first_day) / unit,
        monetary=monetary,
        first_date=first_day.astype("datetime64[D]"),
        last_date=last_day.astype("datetime64[D]"),
        total_spend=total,
        n_purchases=n_days.astype(np.int64),
        observation_end=np.datetime64(end, "D"),
        time_unit=time_unit,
    )
