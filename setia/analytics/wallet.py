"""Share of wallet: the shop's part of a customer's clothing budget."""

from __future__ import annotations

import numpy as np

__all__ = ["share_of_wallet"]


def share_of_wallet(
    shop_spend: np.ndarray,
    months_observed: np.ndarray,
    reported_monthly_spend: np.ndarray,
    clip: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """Monthly shop spend divided by self-reported monthly clothing spend.

    Parameters
    ----------
    shop_spend : array_like
        Spend at the shop over the observed period.
    months_observed : array_like
        Length of that period in months (at least 1 month is assumed, so a
        brand-new customer's first purchase is not inflated).
    reported_monthly_spend : array_like
        The customer's own estimate of monthly clothing spend; NaN, zero or
        negative means unknown.
    clip : tuple of float
        Bounds of the share (customers often under-report their budget).

    Returns
    -------
    numpy.ndarray
        Share in ``clip``; NaN where the reported spend is unknown.

    Examples
    --------
    >>> share_of_wallet(np.array([600.0, 100.0, 50.0]), np.array([6, 1, 2]),
    ...                 np.array([400.0, 50.0, np.nan])).tolist()
    [0.25, 1.0, nan]
    """
    spend = np.asarray(shop_spend, dtype=np.float64)
    months = np.maximum(np.asarray(months_observed, dtype=np.float64), 1.0)
    reported = np.asarray(reported_monthly_spend, dtype=np.float64)
    known = np.isfinite(reported) & (reported > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(spend / months / reported, *clip)
    return np.where(known, share, np.nan)
