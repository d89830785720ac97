"""The nightly jobs run at the Jakarta hours their comments promise.

huey matches a periodic task's crontab against its own clock, which is UTC unless
told otherwise: "01:30" was 08:30 in Jakarta, with the shop open.
"""

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from setia.insights.tasks import score_all_shops_nightly
from setia.loyalty.tasks import daily_loyalty

JAKARTA = dt.timezone(dt.timedelta(hours=7))


def _runs_at(task, hour: int, minute: int) -> bool:
    at = dt.datetime(2026, 6, 1, hour, minute, tzinfo=JAKARTA)
    with time_machine.travel(at, tick=False):
        return task.task_class().validate_datetime(HUEY._get_timestamp())


@pytest.mark.parametrize(
    ("task", "hour", "minute"),
    [(score_all_shops_nightly, 1, 30), (daily_loyalty, 0, 20)],
)
def test_nightly_jobs_run_at_their_jakarta_time_and_not_seven_hours_later(
    task, hour, minute
):
    assert _runs_at(task, hour, minute)
    assert not _runs_at(task, hour + 7, minute)
