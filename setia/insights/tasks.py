"""Background scoring: nightly for every shop, and "update now" from the page."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from setia.accounts.models import Shop
from setia.insights import services
from setia.insights.models import ScoreRun


@db_task()
def score_shop_task(run_id: int) -> None:
    run = ScoreRun.objects.select_related("shop").get(pk=run_id)
    services.score_shop(run.shop, run)


@db_periodic_task(crontab(hour="1", minute="30"))
def score_all_shops_nightly() -> None:
    """01:30 Asia/Jakarta, when no one sells: refresh every shop's scores."""
    for shop in Shop.objects.all().iterator():
        services.score_shop(shop)


def request_scoring(shop: Shop) -> ScoreRun:
    """Queue a scoring unless one is already queued or running; return that run."""
    run = services.active_run(shop)
    if run is not None:
        return run
    run = services.create_run(shop)
    score_shop_task(run.pk)
    run.refresh_from_db()
    return run
