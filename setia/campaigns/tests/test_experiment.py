"""The random split and the group comparison, without a database."""

import pytest
from scipy.stats import fisher_exact

from setia.campaigns.experiment import compare_groups, control_size, split_groups


def test_same_ids_share_and_seed_give_the_same_split_in_any_order():
    ids = list(range(1, 201))
    first = split_groups(ids, 10, seed=42)
    again = split_groups(reversed(ids), 10, seed=42)
    assert first == again
    assert split_groups(ids, 10, seed=43) != first


def test_split_keeps_everyone_once_with_the_asked_share_in_control():
    treatment, control = split_groups(range(1, 41), 10, seed=1)
    assert len(control) == 4 and len(treatment) == 36
    assert sorted(treatment + control) == list(range(1, 41))


@pytest.mark.parametrize(
    ("n", "percent", "expected"),
    [
        (40, 10, 4),
        (5, 10, 0),  # half a customer is nobody, not one
        (19, 10, 1),
        (4, 10, 0),
        (7, 50, 3),  # 3.5 → 3, the message group keeps the larger half
        (1, 50, 0),  # the only customer gets the message
        (3, 50, 1),
        (100, 0, 0),
        (0, 20, 0),
    ],
)
def test_control_size_rounds_down(n, percent, expected):
    assert control_size(n, percent) == expected


def test_control_group_never_outgrows_the_message_group():
    for n in range(0, 120):
        for percent in range(0, 101):
            n_control = control_size(n, percent)
            assert 0 <= n_control <= n - n_control, (n, percent)
            if n:
                assert n - n_control >= 1, (n, percent)


def test_control_share_is_random_not_the_first_ids():
    # Over many seeds every id lands in control about 10 % of the time.
    hits = [0] * 50
    for seed in range(400):
        for pk in split_groups(range(50), 10, seed)[1]:
            hits[pk] += 1
    assert min(hits) > 15 and max(hits) < 70  # expected 40 each


def test_comparison_uses_fishers_exact_test_on_the_two_by_two_table():
    result = compare_groups(12, 36, 0, 4)
    _odds, p = fisher_exact([[12, 24], [0, 4]])
    assert result.p_value == pytest.approx(p)
    assert result.lift_points == pytest.approx(100 * 12 / 36)
    # A third of 36 bought and none of 4: too few to be sure.
    assert not result.is_significant


def test_large_clear_difference_is_significant():
    # By hand: 30 % against 10 %, 20 points; p ≈ 0.00065 from scipy.
    result = compare_groups(30, 100, 10, 100)
    assert result.lift_points == pytest.approx(20.0)
    assert result.is_significant


def test_no_control_group_means_nothing_to_compare():
    assert compare_groups(5, 40, 0, 0) is None
