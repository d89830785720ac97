"""Products bought together: pair support, confidence and lift, and
per-customer recommendations, with scipy.sparse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["PairRules", "product_pairs", "recommend_products"]


@dataclass(frozen=True)
class PairRules:
    """Rules "antecedent → consequent" for product pairs bought together.

    Attributes
    ----------
    products : numpy.ndarray
        Product keys; the index arrays below point into it.
    antecedent, consequent : numpy.ndarray
        Product indices of each rule (both directions of every pair).
    support : numpy.ndarray
        Share of baskets holding both products.
    confidence : numpy.ndarray
        P(consequent | antecedent) = support(both) / support(antecedent).
    lift : numpy.ndarray
        confidence / support(consequent).
    n_baskets : int
        Baskets counted.
    """

    products: np.ndarray
    antecedent: np.ndarray
    consequent: np.ndarray
    support: np.ndarray
    confidence: np.ndarray
    lift: np.ndarray
    n_baskets: int


def _incidence(rows: np.ndarray, cols: np.ndarray) -> tuple[sparse.csr_matrix, ...]:
    row_keys, r = np.unique(np.asarray(rows), return_inverse=True)
    col_keys, c = np.unique(np.asarray(cols), return_inverse=True)
    x = sparse.csr_matrix(
        (np.ones(r.size, dtype=np.float64), (r.ravel(), c.ravel())),
        shape=(row_keys.size, col_keys.size),
    )
    x.data[:] = 1.0  # duplicates summed by the constructor count once
    return x, row_keys, col_keys


def product_pairs(
    basket: np.ndarray, product: np.ndarray, min_support: float = 0.0
) -> PairRules:
    """Support, confidence and lift of every product pair seen together.

    The basket × product incidence matrix X (1 if the basket holds the
    product) gives co-occurrence counts ``C = Xᵀ X``; its diagonal counts the
    baskets per product.

    Parameters
    ----------
    basket : array_like
        Basket (sale) key per line.
    product : array_like
        Product key per line; repeats within a basket count once.
    min_support : float
        Drop pairs whose support is below this share of baskets.

    Returns
    -------
    PairRules
        Rules sorted by lift, then confidence, descending.
    """
    x, baskets, products = _incidence(basket, product)
    n = baskets.size
    co = (x.T @ x).tocoo()
    single = np.asarray(x.sum(axis=0)).ravel()
    off = (co.row != co.col) & (co.data / n >= min_support)
    i, j, both = co.row[off], co.col[off], co.data[off]
    support = both / n
    confidence = both / single[i]
    lift = confidence / (single[j] / n)
    order = np.lexsort((j, i, -confidence, -lift))
    return PairRules(
        products,
        i[order],
        j[order],
        support[order],
        confidence[order],
        lift[order],
        int(n),
    )


def recommend_products(
    customer: np.ndarray,
    basket: np.ndarray,
    product: np.ndarray,
    *,
    k: int = 3,
    allowed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k products co-bought with what each customer bought.

    Score of product j for a customer = Σ over products i they bought of the
    number of baskets holding both i and j. Products already bought, and
    products outside `allowed` (e.g. sizes in stock), are excluded.

    Parameters
    ----------
    customer, basket, product : array_like
        One entry per sale line.
    k : int
        Recommendations per customer.
    allowed : array_like, optional
        Product keys that may be recommended.

    Returns
    -------
    customers : numpy.ndarray
        Customer keys.
    recommended : numpy.ndarray
        (n_customers, k) product keys; rows padded with None where fewer exist.
    score : numpy.ndarray
        (n_customers, k) float scores (0 for padding).
    """
    x, _, products = _incidence(basket, product)
    owned, customers, owned_products = _incidence(customer, product)
    # Align the two product axes (both sorted unique keys of the same lines).
    assert np.array_equal(products, owned_products)
    co = (x.T @ x).tolil()
    co.setdiag(0)
    co = co.tocsr()
    scores = (owned @ co).tocsr()
    scores = scores - scores.multiply(owned)  # drop products already bought
    scores.eliminate_zeros()
    if allowed is not None:
        mask = np.isin(products, np.asarray(allowed)).astype(np.float64)
        scores = scores.multiply(mask[None, :]).tocsr()
        scores.eliminate_zeros()
    coo = scores.tocoo()
    order = np.lexsort((coo.col, -coo.data, coo.row))
    row, col, val = coo.row[order], coo.col[order], coo.data[order]
    starts = np.searchsorted(row, np.arange(customers.size))
    rank = np.arange(row.size) - starts[row]
    top = rank < k
    recommended = np.full((customers.size, k), None, dtype=object)
    score = np.zeros((customers.size, k))
    recommended[row[top], rank[top]] = products[col[top]]
    score[row[top], rank[top]] = val[top]
    return customers, recommended, score
