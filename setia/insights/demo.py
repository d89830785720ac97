"""Score the demo shop so its pyramid and at-risk lists show on first login."""

import random
from datetime import date

from setia.insights.services import score_shop


def populate(shop, rng: random.Random, today: date, n_customers: int = 600) -> str:
    run = score_shop(shop)
    if run.status != "done":
        return f"not scored: {run.message}"
    return f"{run.n_customers} customers scored"
