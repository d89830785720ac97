"""Customer pyramid: Platinum, Gold, Iron and Lead tiers by customer value.

After Zeithaml, Rust & Lemon (2001), "The Customer Pyramid".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from setia.analytics.ranking import count_ranks_reached, min_rank

__all__ = ["TIERS", "TIERS_ID", "PyramidSummary", "pyramid_summary", "pyramid_tiers"]

TIERS = ("Platinum", "Gold", "Iron", "Lead")
TIERS_ID = ("Platinum", "Emas", "Besi", "Timah")
DEFAULT_SHARES = (0.25, 0.25, 0.25)


def pyramid_tiers(
    value: np.ndarray, shares: tuple[float, float, float] = DEFAULT_SHARES
) -> np.ndarray:
    """Assign tiers (0 Platinum, 1 Gold, 2 Iron, 3 Lead) by value.

    Customers are lined up from the highest value down; with bounds ``c1 <=
    c2 <= c3`` the cumulative shares times n rounded up, the first ``c1``
    places are Platinum, the places up to ``c2`` Gold, up to ``c3`` Iron and
    the rest Lead. Equal values share a tier: the tier of the *last* place
    their group takes (the lowest), so a tie at a boundary goes down and a
    tier may be a little smaller than its share.

    Why the lower tier: ties are common in small shops (many customers at
    the same value, often 0). Giving them the higher tier put 16 customers
    at Rp 0 into Platinum, so Platinum said "most valuable" about customers
    worth no more than anyone else. Going down never calls anyone more
    valuable than a customer in a lower tier, and Platinum only ever holds
    customers worth strictly more than everyone below it.

    Parameters
    ----------
    value : array_like
        Customer value, e.g. CLV. NaN counts as the lowest value.
    shares : tuple of three floats
        Shares of customers in Platinum, Gold and Iron (Lead takes the rest),
        e.g. ``(0.01, 0.04, 0.15)`` for top 1 %, next 4 %, next 15 %.

    Returns
    -------
    numpy.ndarray
        int8 tier index into `TIERS`.

    Examples
    --------
    >>> pyramid_tiers(np.array([1.0, 8.0, 3.0, 5.0])).tolist()
    [3, 0, 2, 1]
    >>> pyramid_tiers(np.array([0.0, 0.0, 0.0, 0.0, 9.0])).tolist()
    [3, 3, 3, 3, 0]
    """
    v = np.asarray(value, dtype=np.float64)
    s = np.asarray(shares, dtype=np.float64)
    if s.shape != (3,) or (s < 0).any() or s.sum() > 1 + 1e-12:
        raise ValueError("shares must be three non-negative numbers summing to <= 1")
    n = v.size
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    v = np.where(np.isnan(v), -np.inf, v)
    # Compare counts, not fractions, so 25 % of 4 customers is exactly one.
    bounds = np.ceil(np.round(np.cumsum(s) * n, 9))
    # A group's last place (0-based, from the top) is n - 1 - below, with
    # below = customers of strictly lower value; it is past bound c exactly
    # when below <= n - 1 - c, i.e. when below does not reach n - c.
    if np.isfinite(v).all():
        reached = count_ranks_reached(v, n - bounds)
    else:
        below = min_rank(v)
        reached = (below[:, None] >= (n - bounds)[None, :]).sum(axis=1)
    return (3 - reached).astype(np.int8)


@dataclass(frozen=True)
class PyramidSummary:
    """Per-tier report, arrays indexed like `TIERS`.

    Attributes
    ----------
    count, customer_share : numpy.ndarray
        Customers per tier and their share of all customers.
    revenue, revenue_share : numpy.ndarray
        Historical spend per tier and its share of all spend.
    mean_clv : numpy.ndarray
        Average CLV per tier (NaN for an empty tier).
    """

    count: np.ndarray
    customer_share: np.ndarray
    revenue: np.ndarray
    revenue_share: np.ndarray
    mean_clv: np.ndarray

    def as_dict(self) -> dict[str, dict[str, float]]:
        """Plain dict keyed by tier name, for JSON."""
        return {
            name: {
                "customers": int(self.count[i]),
                "customer_share": float(self.customer_share[i]),
                "revenue": float(self.revenue[i]),
                "revenue_share": float(self.revenue_share[i]),
                "mean_clv": None
                if np.isnan(self.mean_clv[i])
                else float(self.mean_clv[i]),
            }
            for i, name in enumerate(TIERS)
        }


def pyramid_summary(
    tier: np.ndarray, revenue: np.ndarray, clv: np.ndarray
) -> PyramidSummary:
    """Summarise customers, revenue and CLV per tier.

    Parameters
    ----------
    tier : array_like
        Tier index per customer, from :func:`pyramid_tiers`.
    revenue : array_like
        Historical spend per customer.
    clv : array_like
        CLV per customer.

    Returns
    -------
    PyramidSummary

    Examples
    --------
    >>> tier, revenue = np.array([0, 3]), np.array([30.0, 10.0])
    >>> p = pyramid_summary(tier, revenue, np.array([9.0, 1.0]))
    >>> p.revenue_share.tolist()
    [0.75, 0.0, 0.0, 0.25]
    """
    tier = np.asarray(tier, dtype=np.int64)
    revenue = np.asarray(revenue, dtype=np.float64)
    clv = np.asarray(clv, dtype=np.float64)
    count = np.bincount(tier, minlength=4)[:4]
    rev = np.bincount(tier, weights=revenue, minlength=4)[:4]
    clv_sum = np.bincount(tier, weights=clv, minlength=4)[:4]
    n = max(int(count.sum()), 1)
    total = rev.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_clv = np.where(count > 0, clv_sum / np.maximum(count, 1), np.nan)
    return PyramidSummary(
        count=count,
        customer_share=count / n,
        revenue=rev,
        revenue_share=rev / total if total != 0 else np.zeros(4),
        mean_clv=mean_clv,
    )
