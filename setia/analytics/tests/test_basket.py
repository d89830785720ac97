import numpy as np
from numpy.testing import assert_allclose

from setia.analytics.basket import product_pairs, recommend_products

# Five baskets worked by hand:
#   B1 {shirt, pants} Ani   B2 {shirt, pants, belt} Citra   B3 {shirt} Budi
#   B4 {pants, belt} Citra  B5 {shirt, belt} Dedi
# Baskets per product: shirt 4, pants 3, belt 3; every pair is together twice.
LINES = [
    ("B1", "Ani", "shirt"),
    ("B1", "Ani", "pants"),
    ("B1", "Ani", "pants"),
    ("B2", "Citra", "shirt"),
    ("B2", "Citra", "pants"),
    ("B2", "Citra", "belt"),
    ("B3", "Budi", "shirt"),
    ("B4", "Citra", "pants"),
    ("B4", "Citra", "belt"),
    ("B5", "Dedi", "shirt"),
    ("B5", "Dedi", "belt"),
]
BASKET, CUSTOMER, PRODUCT = (np.array(c) for c in zip(*LINES, strict=True))


def _rule(rules, a, b):
    names = rules.products
    for i in range(rules.antecedent.size):
        if names[rules.antecedent[i]] == a and names[rules.consequent[i]] == b:
            return rules.support[i], rules.confidence[i], rules.lift[i]
    raise AssertionError(f"no rule {a} -> {b}")


def test_support_confidence_lift_by_hand():
    rules = product_pairs(BASKET, PRODUCT)
    assert rules.n_baskets == 5
    assert rules.antecedent.size == 6  # 3 pairs, both directions
    # shirt -> pants: support 2/5, confidence 2/4, lift 0.5 / (3/5) = 5/6.
    assert_allclose(_rule(rules, "shirt", "pants"), [0.4, 0.5, 5 / 6])
    # pants -> shirt: confidence 2/3, lift (2/3) / (4/5) = 5/6.
    assert_allclose(_rule(rules, "pants", "shirt"), [0.4, 2 / 3, 5 / 6])
    # pants -> belt: confidence 2/3, lift (2/3) / (3/5) = 10/9 (highest lift).
    assert_allclose(_rule(rules, "pants", "belt"), [0.4, 2 / 3, 10 / 9])
    assert_allclose(rules.lift[0], 10 / 9)


def test_min_support_filters_pairs():
    assert product_pairs(BASKET, PRODUCT, min_support=0.5).antecedent.size == 0


def test_recommendations_exclude_bought_and_respect_allowed():
    customers, rec, score = recommend_products(CUSTOMER, BASKET, PRODUCT, k=2)
    got = dict(zip(customers.tolist(), rec.tolist(), strict=True))
    # Ani owns shirt, pants: belt scores co(shirt,belt) + co(pants,belt) = 4.
    assert got["Ani"] == ["belt", None]
    # Budi owns shirt: belt and pants both score 2; ties go by product order.
    assert got["Budi"] == ["belt", "pants"]
    assert got["Citra"] == [None, None]  # bought everything
    assert got["Dedi"] == ["pants", None]
    assert_allclose(score[customers.tolist().index("Ani")], [4.0, 0.0])
    _, rec, _ = recommend_products(
        CUSTOMER, BASKET, PRODUCT, k=1, allowed=np.array(["pants", "shirt"])
    )
    assert rec[:, 0].tolist() == [None, "pants", None, "pants"]
