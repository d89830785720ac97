"""BFGS on log-parameters within box bounds, shared by the model fits.

scipy's L-BFGS-B spends more time in its own bookkeeping (LAPACK calls on
4 x 4 matrices, slow under a busy multithreaded BLAS) than in the compressed
likelihood; BFGS with a smooth penalty outside the box is faster here and
accepts the inverse Hessian of a warm start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

__all__ = ["Optimum", "minimize_in_box"]

_PENALTY = 1e3


@dataclass(frozen=True)
class Optimum:
    """Result of :func:`minimize_in_box`."""

    x: np.ndarray
    fun: float
    jac: np.ndarray
    nit: int
    message: str
    hess_inv: np.ndarray


def minimize_in_box(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    bound: float,
    *,
    gtol: float = 1e-9,
    maxiter: int = 1000,
    hess_inv0: np.ndarray | None = None,
) -> Optimum:
    """Minimise ``fun`` (value, gradient) over ``[-bound, bound]^k``.

    Outside the box the objective is evaluated at the nearest box point plus
    a quadratic penalty, so it stays finite and smooth for the line search.
    """

    def wrapped(theta: np.ndarray) -> tuple[float, np.ndarray]:
        inside = np.clip(theta, -bound, bound)
        excess = theta - inside
        f, g = fun(inside)
        if not np.isfinite(f):
            return np.inf, np.zeros_like(theta)
        g = np.where(excess != 0, 0.0, g)
        return f + _PENALTY * float(excess @ excess), g + 2 * _PENALTY * excess

    options: dict = {"gtol": gtol, "maxiter": maxiter}
    if hess_inv0 is not None:
        h = (hess_inv0 + hess_inv0.T) / 2
        try:
            np.linalg.cholesky(h)
            options["hess_inv0"] = h
        except np.linalg.LinAlgError:
            pass  # not positive definite: start from the identity
    res = minimize(wrapped, start, jac=True, method="BFGS", options=options)
    x = np.clip(res.x, -bound, bound)
    f, g = fun(x)
    return Optimum(x, float(f), g, int(res.nit), str(res.message), res.hess_inv)
