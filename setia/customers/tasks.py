"""Background jobs of the customers app (run by the huey consumer)."""

from huey.contrib.djhuey import db_task

from setia.customers import importing


@db_task()
def commit_import_task(shop_id: int, user_id: int | None, job_id: int) -> None:
    """Write a confirmed import (all-or-nothing) while the browser polls."""
    importing.run_commit(shop_id, user_id, job_id)
