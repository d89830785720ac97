import numpy as np
from numpy.testing import assert_allclose

from setia.analytics.optimize import minimize_in_box


def _rosenbrock(x):
    a, b = x
    f = (1 - a) ** 2 + 100 * (b - a * a) ** 2
    g = np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
    return f, g


def test_bfgs_finds_the_rosenbrock_minimum():
    res = minimize_in_box(_rosenbrock, np.array([-1.2, 1.0]), 10.0, gtol=1e-8)
    assert_allclose(res.x, [1.0, 1.0], atol=1e-6)
    assert np.max(np.abs(res.jac)) < 1e-6
    assert res.nit < 200


def test_bfgs_stops_at_the_box_and_survives_infinite_values():
    # Minimum of (x - 5)^2 outside the box [-2, 2]: the result sits on the
    # bound. Values beyond 3 are infinite and must not derail the search.
    def fun(x):
        if x[0] > 3:
            return np.inf, np.zeros(1)
        return float((x[0] - 5) ** 2), np.array([2 * (x[0] - 5)])

    res = minimize_in_box(fun, np.array([0.0]), 2.0)
    assert_allclose(res.x, [2.0])


def test_warm_start_inverse_hessian_is_used():
    h = np.diag([1.0, 100.0])

    def quad(x):
        return 0.5 * float(x @ h @ x), h @ x

    start = np.array([3.0, -2.0])
    warm = minimize_in_box(quad, start, 10.0, hess_inv0=np.linalg.inv(h))
    cold = minimize_in_box(quad, start, 10.0)
    assert_allclose(warm.x, [0.0, 0.0], atol=1e-12)
    assert warm.nit <= 2 < cold.nit
