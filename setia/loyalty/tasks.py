"""Loyalty jobs (huey): the daily run (expire points, birthday bonuses, tiers) and
a one-off tier review of a shop."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from setia.accounts.models import Shop
from setia.loyalty.jobs import refresh_tiers, run_daily


# After midnight Jakarta time, before the shop opens.
@db_periodic_task(crontab(hour="0", minute="20"))
def daily_loyalty():
    run_daily()


@db_task()
def refresh_shop_tiers(shop_id: int):
    """Re-check every member's tier, e.g. after the Owner changes the tier basis."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is not None:
        refresh_tiers(shop)
