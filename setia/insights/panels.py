"""The analysis panel on a customer's profile."""

from datetime import timedelta

from setia.insights import services
from setia.insights.labels import SEGMENT_ADVICE, SEGMENT_NAMES


def customer_panel(request, customer):
    score = services.score_of(customer)
    if score is None:
        return None
    next_on = None
    if score.frequency > 0:
        # Their own average gap between shopping days, from first to last visit.
        gap = (score.last_on - score.first_on).days / score.frequency
        next_on = score.last_on + timedelta(days=round(gap))
    return (
        "insights/_customer_panel.html",
        {
            "score": score,
            "segment_name": SEGMENT_NAMES[score.segment],
            "segment_advice": SEGMENT_ADVICE[score.segment],
            "next_on": next_on,
        },
    )
