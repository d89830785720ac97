"""The random split into groups and the comparison of the groups afterwards.

Plain Python and scipy, no Django: the numbers can be checked by hand.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass

from scipy.stats import fisher_exact

# The usual 5 % level: a difference this large would come by chance alone at
# most once in twenty campaigns that did nothing.
SIGNIFICANCE_LEVEL = 0.05


def control_size(n_customers: int, control_percent: int) -> int:
    """How many of `n_customers` go to the control group.

    Rounded down, and never more than half: with a tiny audience the message
    group must not shrink to nothing (rounding 50 % of 1 up would keep the only
    customer aside and message nobody).

    Examples
    --------
    >>> control_size(5, 10), control_size(1, 50), control_size(7, 50)
    (0, 0, 3)
    """
    return min(n_customers * control_percent // 100, n_customers // 2)


def split_groups(
    customer_ids: Iterable[int], control_percent: int, seed: int
) -> tuple[list[int], list[int]]:
    """Shuffle the ids with `seed` and cut off the control group.

    Returns (treatment ids, control ids), each sorted. The same ids, share and
    seed always give the same split, whatever order the ids came in.

    Examples
    --------
    >>> treatment, control = split_groups(range(1, 11), 25, seed=7)
    >>> len(treatment), len(control)
    (8, 2)
    """
    ids = sorted(set(customer_ids))
    random.Random(seed).shuffle(ids)
    n_control = control_size(len(ids), control_percent)
    return sorted(ids[n_control:]), sorted(ids[:n_control])


@dataclass(frozen=True)
class Comparison:
    treatment_share: float  # share of the group who bought, 0..1
    control_share: float
    lift_points: float  # treatment share − control share, in percentage points
    p_value: float
    is_significant: bool


def compare_groups(
    treatment_buyers: int, treatment_n: int, control_buyers: int, control_n: int
) -> Comparison | None:
    """Did more of the messaged group buy than of the control group?

    Fisher's exact test on the 2×2 table (group × bought or not), two-sided.
    Fisher and not the two-proportion z-test: a kiosk's control group is often
    a handful of customers (10 % of 40 is 4), where the z-test's normal
    approximation is wrong; Fisher's test is exact at any size. Two-sided,
    because a message can also put people off.

    Returns None when a group is empty: nothing to compare.

    Examples
    --------
    Worked by hand: 30 of 100 messaged bought, 10 of 100 not messaged bought,
    lift 20 points; scipy.stats.fisher_exact([[30, 70], [10, 90]]) gives
    p ≈ 0.00065.

    >>> c = compare_groups(30, 100, 10, 100)
    >>> round(c.lift_points, 1), c.is_significant
    (20.0, True)
    """
    if treatment_n <= 0 or control_n <= 0:
        return None
    table = [
        [treatment_buyers, treatment_n - treatment_buyers],
        [control_buyers, control_n - control_buyers],
    ]
    _odds, p_value = fisher_exact(table, alternative="two-sided")
    treatment_share = treatment_buyers / treatment_n
    control_share = control_buyers / control_n
    return Comparison(
        treatment_share=treatment_share,
        control_share=control_share,
        lift_points=100 * (treatment_share - control_share),
        p_value=float(p_value),
        is_significant=bool(p_value < SIGNIFICANCE_LEVEL),
    )
