"""The analysis panel on a customer's profile."""

from datetime import timedelta

from django.utils import timezone

from setia.insights import services
from setia.insights.labels import SEGMENT_ADVICE, SEGMENT_NAMES


def customer_panel(request, customer):
    if customer.erased_at is not None:
        return None  # no advice about someone whose data was erased
    score = services.score_of(customer)
    if score is None:
        return None
    next_on, overdue = None, False
    if score.frequency > 0:
        # Their own average gap between shopping days, from first to last visit.
        gap = (score.last_on - score.first_on).days / score.frequency
        next_on = score.last_on + timedelta(days=round(gap))
        if next_on < timezone.localdate():
            # A date already gone is no prediction: say they are late instead.
            next_on, overdue = None, True
    return (
        "insights/_customer_panel.html",
        {
            "score": score,
            "recommended": _recommended(customer, score.recommended_product_ids),
            "segment_name": SEGMENT_NAMES[score.segment],
            "segment_advice": SEGMENT_ADVICE[score.segment],
            "next_on": next_on,
            "overdue": overdue,
        },
    )


def _recommended(customer, product_ids: list[int]) -> list:
    """Recommended products still on sale; in the customer's sizes when known."""
    from setia.sales.models import Product

    products = {
        p.pk: p
        for p in Product.objects.filter(
            shop=customer.shop, pk__in=product_ids, is_active=True
        ).prefetch_related("variants")
    }
    sizes = {s.strip().upper() for s in customer.sizes.replace(";", ",").split(",")}
    sizes.discard("")
    chosen = []
    for pk in product_ids:
        product = products.get(pk)
        if product is None:
            continue
        variant_sizes = {v.size.upper() for v in product.variants.all() if v.size}
        if sizes and variant_sizes and not (sizes & variant_sizes):
            continue  # only sizes she does not wear
        chosen.append(product)
    return chosen[:3]
