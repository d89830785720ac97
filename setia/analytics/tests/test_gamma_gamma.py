from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose
from scipy.optimize import check_grad

from setia.analytics import gamma_gamma
from setia.analytics.gamma_gamma import (
    fit_gamma_gamma,
    gamma_gamma_conditional_expected_spend,
    simulate_gamma_gamma,
)

DATA = Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv"


def test_cdnow_fit_matches_published_values():
    # Fader, Hardie & Lee (2005) "RFM and CLV" / Hardie's Gamma-Gamma note:
    # p = 6.25, q = 3.74, v = 15.44 on the 946 CDNOW repeat buyers.
    d = np.loadtxt(DATA, delimiter=",", skiprows=1)
    fit = fit_gamma_gamma(d[:, 1], d[:, 4])
    assert fit.converged
    assert fit.n_customers == 946
    assert_allclose([fit.params[k] for k in "pqv"], [6.25, 3.74, 15.44], rtol=2e-3)


def test_conditional_spend_formula_by_hand():
    # (p*v + p*x*m) / (p*x + q - 1) with p=6.25, q=3.74, v=15.44, x=2, m=22.35:
    # (96.5 + 279.375) / (12.5 + 2.74) = 24.6637...
    p = {"p": 6.25, "q": 3.74, "v": 15.44}
    assert_allclose(
        gamma_gamma_conditional_expected_spend(p, 2, 22.35), 375.875 / 15.24
    )
    # No repeat purchase: the population mean p*v/(q-1).
    assert_allclose(gamma_gamma_conditional_expected_spend(p, 0, 99.0), 96.5 / 2.74)


def test_analytic_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 8, 300).astype(float)
    m = simulate_gamma_gamma(rng, x, 6.0, 4.0, 15.0)
    ux, inv = np.unique(x, return_inverse=True)
    w = np.ones_like(x)
    data = (
        x,
        m,
        w,
        ux,
        np.bincount(inv, minlength=ux.size).astype(float),
        (x * np.log(m)).sum(),
        np.log(m).sum(),
        (x * np.log(x)).sum(),
        w.sum(),
    )
    theta = np.log([5.0, 3.0, 10.0])
    err = check_grad(
        lambda t: gamma_gamma._nll_and_grad(t, data)[0],
        lambda t: gamma_gamma._nll_and_grad(t, data)[1],
        theta,
    )
    assert err < 1e-5  # finite differences with step 1.5e-8


def test_simulation_recovers_parameters():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 10, 5000).astype(float)
    m = simulate_gamma_gamma(rng, x, 6.0, 4.0, 15.0)
    fit = fit_gamma_gamma(x, m)
    assert fit.converged
    assert_allclose([fit.params[k] for k in "pqv"], [6.0, 4.0, 15.0], rtol=0.1)
    # The implied mean spend p*v/(q-1) is identified more tightly.
    p, q, v = (fit.params[k] for k in "pqv")
    assert_allclose(p * v / (q - 1), 6 * 15 / 3, rtol=0.03)


def test_only_repeat_customers_with_positive_spend_enter():
    fit = fit_gamma_gamma(np.array([0.0, 1.0]), np.array([0.0, -5.0]))
    assert not fit.converged
    assert "no repeat customers" in fit.message
