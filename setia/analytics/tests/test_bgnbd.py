"""BG/NBD: published CDNOW results, spreadsheet values and simulation recovery."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import check_grad

from setia.analytics import bgnbd
from setia.analytics.bgnbd import (
    bgnbd_conditional_expected_purchases,
    bgnbd_expected_purchases,
    bgnbd_log_likelihood,
    bgnbd_probability_alive,
    conditional_expectation_function,
    fit_bgnbd,
    simulate_bgnbd,
)

DATA = Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv"


@pytest.fixture(scope="module")
def cdnow():
    d = np.loadtxt(DATA, delimiter=",", skiprows=1)
    return {"x": d[:, 1], "t_x": d[:, 2], "T": d[:, 3], "zbar": d[:, 4]}


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_cdnow_has_2357_customers(cdnow):
    assert cdnow["x"].size == 2357


def test_cdnow_fit_matches_fader_hardie_lee_2005(cdnow_fit):
    # Published in Fader, Hardie & Lee (2005), section 5: r = 0.243,
    # alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
    p = cdnow_fit.params
    assert cdnow_fit.converged
    assert_allclose(
        [p["r"], p["alpha"], p["a"], p["b"]], [0.243, 4.414, 0.793, 2.426], atol=1e-3
    )
    assert_allclose(cdnow_fit.log_likelihood, -9582.4, atol=0.05)
    assert cdnow_fit.n_unique_rows < cdnow_fit.n_customers


def test_cdnow_conditional_expectation_matches_hardie_spreadsheet(cdnow_fit):
    # Hardie's BG/NBD spreadsheet, as in lifetimes'
    # test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet:
    # x=2, t_x=30.43, T=38.86, t=39 weeks -> 1.226.
    e = bgnbd_conditional_expected_purchases(cdnow_fit.params, 39, 2, 30.43, 38.86)
    assert abs(e[0] - 1.226) < 1e-3


def test_cdnow_unconditional_expectation_matches_hardie_spreadsheet(cdnow_fit):
    # lifetimes' test_expectation_returns_same_value_Hardie_excel_sheet.
    times = np.array([0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00])
    expected = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
    assert_allclose(
        bgnbd_expected_purchases(cdnow_fit.params, times), expected, atol=1e-3
    )


def test_probability_alive_formula_by_hand():
    # P(alive) = 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))**(r+x)), Hardie
    # note 021; evaluated by hand for the published CDNOW parameters.
    p = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    x, tx, T = 2.0, 30.43, 38.86
    odds = 0.793 / (2.426 + 1) * ((4.414 + T) / (4.414 + tx)) ** (0.243 + x)
    assert_allclose(bgnbd_probability_alive(p, x, tx, T), 1 / (1 + odds))
    assert bgnbd_probability_alive(p, 0.0, 0.0, T) == 1.0


def test_many_horizons_helper_matches_single_calls(cdnow_fit, cdnow):
    f = conditional_expectation_function(
        cdnow_fit.params, cdnow["x"], cdnow["t_x"], cdnow["T"]
    )
    for t in (4.345, 52.0):
        assert_allclose(
            f(t),
            bgnbd_conditional_expected_purchases(
                cdnow_fit.params, t, cdnow["x"], cdnow["t_x"], cdnow["T"]
            ),
        )


def test_analytic_gradient_matches_finite_differences(cdnow):
    data, _, _ = bgnbd._prepare(cdnow["x"], cdnow["t_x"], cdnow["T"])
    theta = np.log([0.3, 5.0, 0.9, 2.0])
    err = check_grad(
        lambda t: bgnbd._nll_and_grad(t, data)[0],
        lambda t: bgnbd._nll_and_grad(t, data)[1],
        theta,
    )
    assert err < 1e-5


def test_compressed_likelihood_equals_sum_over_customers(cdnow):
    p = {"r": 0.3, "alpha": 5.0, "a": 0.9, "b": 2.0}
    total = bgnbd_log_likelihood(p, cdnow["x"], cdnow["t_x"], cdnow["T"])
    per_customer = sum(
        bgnbd_log_likelihood(
            p, cdnow["x"][i : i + 1], cdnow["t_x"][i : i + 1], cdnow["T"][i : i + 1]
        )
        for i in range(0, 2357, 50)
    )
    subset = bgnbd_log_likelihood(
        p, cdnow["x"][::50], cdnow["t_x"][::50], cdnow["T"][::50]
    )
    assert_allclose(per_customer, subset)
    assert np.isfinite(total)


def test_simulation_recovers_parameters():
    rng = np.random.default_rng(0)
    true = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 2.5}
    x, tx, T = simulate_bgnbd(rng, 6000, *true.values(), rng.uniform(30, 80, 6000))
    fit = fit_bgnbd(x, tx, T)
    assert fit.converged
    # a and b are the least identified; 25 % covers the sampling spread seen
    # over several seeds at this size, r and alpha 15 %.
    assert_allclose([fit.params["r"], fit.params["alpha"]], [0.5, 6.0], rtol=0.15)
    assert_allclose([fit.params["a"], fit.params["b"]], [0.7, 2.5], rtol=0.25)


def test_large_input_uses_warm_start_and_matches_plain_fit(monkeypatch):
    rng = np.random.default_rng(0)
    x, tx, T = simulate_bgnbd(rng, 3000, 0.5, 6.0, 0.7, 2.5, rng.uniform(30, 80, 3000))
    plain = fit_bgnbd(x, tx, T)
    monkeypatch.setattr(bgnbd, "_WARM_START_ROWS", 500)
    warm = fit_bgnbd(x, tx, T)
    assert warm.converged
    assert_allclose(list(warm.params.values()), list(plain.params.values()), rtol=1e-4)


def test_no_customers_is_not_converged():
    fit = fit_bgnbd(np.array([]), np.array([]), np.array([]))
    assert not fit.converged and fit.message == "no customers"


def test_expectation_finite_when_a_plus_b_below_one():
    # Regression: with a + b < 1 the direct 2F1(r+x, b+x; a+b+x-1; z) has a
    # negative third argument for x = 0 and returned NaN; Pfaff's form works.
    p = {"r": 0.49, "alpha": 14.0, "a": 0.22, "b": 0.77}
    x, tx, T = (
        np.array([0.0, 0.0, 3.0]),
        np.array([0.0, 0.0, 20.0]),
        np.array([40.0, 5.0, 45.0]),
    )
    e = bgnbd_conditional_expected_purchases(p, 52.0, x, tx, T)
    assert np.all(np.isfinite(e)) and np.all(e > 0)
    assert np.isfinite(bgnbd_expected_purchases(p, 52.0))
    # Short horizons approach rate * t: E[X(t)] / t -> r / alpha as t -> 0.
    assert_allclose(bgnbd_expected_purchases(p, 1e-6) / 1e-6, 0.49 / 14.0, rtol=1e-4)
