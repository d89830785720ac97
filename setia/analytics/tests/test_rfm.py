import numpy as np
from numpy.testing import assert_array_equal

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
