"""Daily loyalty jobs (huey): expire points, give birthday bonuses, refresh tiers."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from setia.loyalty.jobs import run_daily


# After midnight Jakarta time, before the shop opens.
@db_periodic_task(crontab(hour="0", minute="20"))
def daily_loyalty():
    run_daily()
