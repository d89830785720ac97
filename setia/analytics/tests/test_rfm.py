import numpy as np
from numpy.testing import assert_array_equal

from setia.analytics.pipeline import analyze_purchases
from setia.analytics.ranking import min_rank
from setia.analytics.rfm import (
    SEGMENT_ADVICE_ID,
    SEGMENT_LABELS_ID,
    SEGMENTS,
    quintile_scores,
    rfm_scores,
    segment_codes,
    segment_names,
)
from setia.analytics.summary import summarize_purchases


def test_ten_distinct_values_fall_in_five_groups_of_two():
    assert_array_equal(quintile_scores(np.arange(10)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])


def test_ties_get_equal_scores_from_their_first_position():
    # Worked by hand: n=10; value 1 has min rank 0 -> 1; value 2 has rank 6 ->
    # 1 + floor(5*6/10) = 4; value 3 rank 8 -> 5.
    values = np.array([1, 1, 1, 1, 1, 1, 2, 2, 3, 3])
    assert_array_equal(quintile_scores(values), [1] * 6 + [4, 4, 5, 5])


def test_scores_do_not_depend_on_input_order():
    rng = np.random.default_rng(0)
    v = rng.integers(0, 7, 101)
    perm = rng.permutation(101)
    assert_array_equal(quintile_scores(v)[perm], quintile_scores(v[perm]))


def test_lower_is_better_reverses_scores():
    assert_array_equal(
        quintile_scores(np.arange(5), higher_is_better=False), [5, 4, 3, 2, 1]
    )


def test_segment_grid_corners():
    r = np.array([5, 5, 1, 1, 2, 3, 4, 3, 1])
    f = np.array([5, 1, 1, 5, 2, 3, 1, 1, 3])
    names = segment_names(segment_codes(r, f)).tolist()
    assert names == [
        "Champions",
        "New",
        "Lost",
        "Can't Lose Them",
        "Hibernating",
        "Need Attention",
        "Promising",
        "About to Sleep",
        "At Risk",
    ]


def test_every_score_pair_has_a_segment_and_all_segments_occur():
    r, f = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    codes = segment_codes(r.ravel(), f.ravel())
    assert set(codes.tolist()) == set(range(len(SEGMENTS)))


def test_indonesian_labels_and_advice_cover_every_segment():
    assert len(SEGMENT_LABELS_ID) == len(SEGMENTS) == len(SEGMENT_ADVICE_ID)
    assert segment_names(np.array([0, 8]), "id").tolist() == [
        "Juara",
        "Jangan Sampai Hilang",
    ]
    assert all(a.endswith(".") for a in SEGMENT_ADVICE_ID)


def test_rfm_scores_from_summary():
    # Five customers, one purchase each on days 0..4, amounts 50..10:
    # latest buyer gets R=5, biggest spender M=5; all F tie -> 1.
    s = summarize_purchases(
        np.arange(5),
        np.datetime64("2025-01-01") + np.arange(5),
        np.array([50, 40, 30, 20, 10]),
        time_unit="day",
    )
    scores = rfm_scores(s)
    assert_array_equal(scores.r, [1, 2, 3, 4, 5])
    assert_array_equal(scores.f, [1, 1, 1, 1, 1])
    assert_array_equal(scores.m, [5, 4, 3, 2, 1])


def _kiosk_purchases():
    """600 kiosk customers: 330 bought once, 120 twice, 60 three times, and
    90 regulars 4-20 times (6 each for 4-8, 5 each for 9-20), over two years;
    one-off buyers mostly at a few common prices."""
    rng = np.random.default_rng(7)
    visits = [1] * 330 + [2] * 120 + [3] * 60 + [4 + i % 17 for i in range(90)]
    prices = np.array([35, 50, 75, 85, 100, 120, 150, 175, 200, 250]) * 1_000
    end = np.datetime64("2025-06-30")
    customer, day, amount = [], [], []
    for c, k in enumerate(visits):
        customer += [c] * k
        day += list(end - rng.choice(730, size=k, replace=False))
        amount += list(rng.choice(prices, size=k))
    return (
        np.array(customer),
        np.array(day, dtype="datetime64[D]"),
        np.array(amount, dtype=np.float64),
    )


def _plain_quintiles(values):
    return 1 + (5 * min_rank(np.asarray(values, dtype=np.float64))) // len(values)


def test_kiosk_frequency_scores_fill_every_score_and_leave_r_and_m_alone():
    analysis = analyze_purchases(*_kiosk_purchases(), observation_end="2025-06-30")
    s, scores = analysis.summary, analysis.rfm
    # Plain quintiles gave [330, 0, 120, 60, 90]: F2 empty, twice-buyers F3.
    assert np.bincount(scores.f, minlength=6)[1:].tolist() == [330, 120, 60, 45, 45]
    for visits, f in [(1, 1), (2, 2), (3, 3)]:
        assert set(scores.f[s.n_purchases == visits].tolist()) == {f}
    assert set(scores.f[(s.n_purchases >= 4) & (s.n_purchases <= 11)]) == {4}
    assert set(scores.f[s.n_purchases >= 12]) == {5}
    # Recency and spend have no tie large enough to empty a score: plain
    # quintiles (recency counted from the most recent end, ties at their
    # best position).
    assert_array_equal(scores.r, 6 - _plain_quintiles(s.days_since_last))
    assert_array_equal(scores.m, _plain_quintiles(s.total_spend))
    assert (np.bincount(scores.m, minlength=6)[1:] > 0).all()


def test_heavily_tied_values_use_as_many_scores_as_they_can():
    rng = np.random.default_rng(3)
    for trial in range(3_000):
        n = int(rng.integers(2, 80))
        if trial % 2:
            values = rng.geometric(rng.uniform(0.3, 0.9), n)
        else:
            big = rng.random(n) < rng.uniform(0.2, 0.9)
            values = np.where(big, 5, rng.integers(0, 20, n))
        scores = quintile_scores(values)
        order = np.argsort(values, kind="stable")
        assert (np.diff(scores[order]) >= 0).all(), values  # monotonic
        for v in np.unique(values):  # ties share a score
            assert np.unique(scores[values == v]).size == 1, values
        distinct = np.unique(values).size
        assert np.unique(scores).size == min(distinct, 5), (values, scores)


def test_few_distinct_values_keep_plain_scores_pushed_apart():
    # A young kiosk: 85 bought once, 12 twice, 3 three times. Plain quintiles
    # gave 1, 5, 5 (twice- and thrice-buyers indistinguishable); twice-buyers
    # step down to 4 to leave 5 for the thrice-buyers.
    values = np.array([1] * 85 + [2] * 12 + [3] * 3)
    assert quintile_scores(values)[[0, 85, 97]].tolist() == [1, 4, 5]
    assert_array_equal(
        quintile_scores(np.array([1] * 90 + [2] * 10)), [1] * 90 + [5] * 10
    )
    # Plain scores 1, 1 merge: twice-buyers are raised just to 2.
    assert_array_equal(
        quintile_scores(np.array([1] * 5 + [2] * 95)), [1] * 5 + [2] * 95
    )
    # Worked example: half bought once -> twice-buyers F3 (the plain score).
    assert quintile_scores(np.array([1] * 50 + [2] * 50))[-1] == 3


def _score_of_each_value(values):
    scores = quintile_scores(values)
    return [int(scores[values == v][0]) for v in np.unique(values)]


def test_once_or_twice_sweep_never_jumps_back():
    # Everyone bought once or twice; the once-buyers' share p grows 1 %..99 %.
    # A fixed 1/5 spread gave twice-buyers F5 below p = 20 %, then F2..F5.
    n = 100
    twice = []
    for once in range(1, 100):
        values = np.array([1] * once + [2] * (n - once))
        once_score, twice_score = _score_of_each_value(values)
        assert once_score == 1
        assert twice_score > once_score, once
        twice.append(twice_score)
    assert (np.diff(twice) >= 0).all(), twice
    assert (twice[0], twice[49], twice[89]) == (2, 3, 5)


def test_three_values_scores_never_jump_back_as_the_lowest_grows():
    # Once / twice / three times, the rest split evenly above the once-buyers.
    n = 100
    previous = [1, 1, 1]
    for once in range(1, 99):
        twice = (n - once) // 2
        values = np.array([1] * once + [2] * twice + [3] * (n - once - twice))
        scores = _score_of_each_value(values)
        assert scores[0] < scores[1] < scores[2], (once, scores)
        assert (np.array(scores) >= previous).all(), (once, scores)
        previous = scores


def test_five_or_more_distinct_values_keep_their_tied_scores():
    # Fixed expectations (score of each distinct value) for heavy ties with
    # at least five distinct values, where plain quintiles skip a score.
    cases = [
        ([1, 2, 3, 4, 5, 6], [55, 20, 10, 8, 5, 2], [1, 2, 3, 4, 5, 5]),
        ([1, 2, 3, 4, 5], [12, 3, 2, 2, 1], [1, 2, 3, 4, 5]),
        ([0, 1, 2, 3, 4, 5, 6, 7], [2, 1, 9, 1, 1, 3, 1, 2], [1, 1, 2, 3, 3, 4, 5, 5]),
    ]
    for levels, counts, expected in cases:
        assert _score_of_each_value(np.repeat(levels, counts)) == expected


def test_one_price_bought_by_many_no_longer_empties_spend_scores():
    # 40 % of the customers bought one Rp 100.000 item once, the rest varied.
    rng = np.random.default_rng(5)
    n = 200
    amount = np.where(
        np.arange(n) < 80, 100_000, rng.integers(20, 200, n) * 5_000
    ).astype(float)
    amount[80:][amount[80:] == 100_000] = 105_000
    s = summarize_purchases(
        np.arange(n), np.datetime64("2025-01-01") + np.arange(n) % 90, amount
    )
    scores = rfm_scores(s)
    assert (np.bincount(scores.m, minlength=6)[1:] > 0).all()
    assert np.unique(scores.m[s.total_spend == 100_000]).size == 1
    order = np.argsort(s.total_spend, kind="stable")
    assert (np.diff(scores.m[order]) >= 0).all()
