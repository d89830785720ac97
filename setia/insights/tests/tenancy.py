from datetime import date

from setia.customers.models import Customer
from setia.insights.models import ScoreRun
from setia.insights.tests.factories import add_sale


def make_objects(shop, owner):
    customer = Customer.objects.create(
        shop=shop, name="Rahasia-Skor-A", phone="+6281377700001"
    )
    add_sale(shop, customer, date(2026, 1, 5), 150_000)
    run = ScoreRun.objects.create(shop=shop, status="done")
    return {"run_id": run.pk}, ["Rahasia-Skor-A"]
