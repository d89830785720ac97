import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.bgnbd import simulate_bgnbd
from setia.analytics.clv import (
    customer_value,
    discounted_clv,
    month_length,
    predict_purchases,
    round_idr,
)
from setia.analytics.gamma_gamma import simulate_gamma_gamma
from setia.analytics.summary import PurchaseSummary


def _summary(x, tx, T, m, unit="week") -> PurchaseSummary:
    x = np.asarray(x, float)
    n = x.size
    first = np.full(n, np.datetime64("2025-01-01"))
    return PurchaseSummary(
        customer=np.arange(n),
        frequency=x,
        recency=np.asarray(tx, float),
        T=np.asarray(T, float),
        monetary=np.asarray(m, float),
        first_date=first,
        last_date=first,
        total_spend=np.asarray(m, float) * (x + 1),
        n_purchases=(x + 1).astype(np.int64),
        observation_end=np.datetime64("2025-12-31"),
        time_unit=unit,
    )


def test_round_idr_is_half_up_away_from_zero():
    assert_array_equal(
        round_idr(np.array([0.5, 1.49, 2.5, -2.5, 124999.5])), [1, 1, 3, -3, 125000]
    )
    assert round_idr(np.array([1.0])).dtype == np.int64


def test_discounted_clv_by_hand():
    # Linear purchases, 2 per month, spend 100, margin 0.5, d = 10 %, 2 months:
    # 2*100*0.5/1.1 + 2*100*0.5/1.21 = 90.909... + 82.644... = 173.553...
    clv = discounted_clv(
        lambda t: np.array([2.0 * t / 4.0]),
        np.array([100.0]),
        months=2,
        discount_rate=0.1,
        margin=0.5,
        month_len=4.0,
    )
    assert_allclose(clv, [100 / 1.1 + 100 / 1.21])


def test_month_length_follows_lifetimes():
    assert month_length("day") == 30.0 and month_length("week") == 4.345


def test_models_used_when_data_suffice():
    rng = np.random.default_rng(0)
    x, tx, T = simulate_bgnbd(rng, 3000, 0.5, 6.0, 0.7, 2.5, rng.uniform(30, 80, 3000))
    m = simulate_gamma_gamma(rng, x, 6.0, 4.0, 15.0)
    value = customer_value(_summary(x, tx, T, m), margin=0.3, clv_months=12)
    assert value.purchase_model == "bgnbd" and value.spend_model == "gamma_gamma"
    assert not value.is_fallback and value.fallback_reasons == []
    assert np.all((value.probability_alive > 0) & (value.probability_alive <= 1))
    assert np.all(value.clv >= 0) and np.all(np.isfinite(value.clv))
    # Sanity: 12 months of margin sit between no discount and full discount.
    twelve = predict_purchases(value, _summary(x, tx, T, m), 12 * 4.345)
    undiscounted = twelve * value.expected_spend * 0.3
    assert np.all(value.clv <= undiscounted + 1e-9)
    assert np.all(value.clv >= undiscounted / 1.01**12 - 1e-9)


def test_too_few_repeat_customers_fall_back_explicitly():
    # Three repeat customers: neither model is fitted.
    s = _summary(
        [0, 0, 1, 2, 4], [0, 0, 10, 20, 30], [40, 10, 40, 40, 40], [0, 0, 50, 60, 70]
    )
    value = customer_value(s, clv_months=1, margin=1.0, discount_rate=0.0)
    assert value.purchase_model == "historical"
    assert value.spend_model == "historical"
    assert len(value.fallback_reasons) == 2
    assert "only 3 repeat customers" in value.fallback_reasons[0]
    assert np.isnan(value.probability_alive).all()
    # Customer 3's rate (1 repeat in 40 weeks) shrunk to the shop's pooled
    # rate, 7 repeats in 170 weeks: (x + k * pooled) / (T + k), k = 365/7.
    k, pooled = 365 / 7, 7 / 170
    rate = (1 + k * pooled) / (40 + k)
    assert_allclose(value.expected_purchases[2], 52 * rate)
    # CLV over one month: rate * 4.345 weeks * spend.
    assert_allclose(value.clv[2], rate * 4.345 * 50)


def test_customer_with_zero_age_uses_pooled_rate():
    s = _summary([0, 1], [0, 5], [0, 10], [0, 8])
    value = customer_value(s)
    assert_allclose(value.expected_purchases, [52 * 1 / 10, 52 * 1 / 10])
