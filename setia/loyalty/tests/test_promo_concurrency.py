"""Many clerks typing the same promo code at once: never more uses than allowed,
never two uses by one retried sale. Real threads, each with its own database
connection (row locks on PostgreSQL, IMMEDIATE writers on SQLite)."""

import uuid

import pytest
from django.db.models import Sum

from setia.accounts.tests.factories import ShopFactory
from setia.loyalty.models import PromoCode, PromoRedemption
from setia.loyalty.tests.factories import make_customer
from setia.loyalty.tests.test_concurrency import run_in_threads
from setia.sales import services as sales
from setia.sales.models import Sale
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_product

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 30


@pytest.fixture
def shop(concurrent_db):
    return ShopFactory(name="Butik Serentak")


@pytest.fixture
def gamis(shop):
    return make_product(shop, price=100_000, grosir=0, stock=1_000).variants.get()


def sale_job(shop, owner, variant, *, code, customer=None, key=None):
    def job():
        return sales.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 1)],
            payments=[PaymentInput("cash", None)],
            idempotency_key=key or uuid.uuid4().hex,
            customer=customer,
            promo_code=code,
        ).pk

    return job


def test_simultaneous_sales_never_use_a_code_more_than_max_uses(shop, owner, gamis):
    code = PromoCode.objects.create(
        shop=shop, code="SERBU10", discount_idr=10_000, max_uses=10
    )
    jobs = [sale_job(shop, owner, gamis, code="SERBU10") for _ in range(THREADS)]
    saved, refused = run_in_threads(jobs)
    assert len(saved) == 10 and len(refused) == THREADS - 10
    assert all(exc.code == "promo_used_up" for exc in refused)
    code.refresh_from_db()
    assert code.uses == 10
    assert PromoRedemption.objects.filter(promo=code).count() == 10
    assert Sale.objects.filter(promo_code="SERBU10").count() == 10
    assert Sale.objects.aggregate(off=Sum("promo_discount_idr"))["off"] == 100_000


def test_simultaneous_sales_keep_the_per_customer_limit(shop, owner, gamis):
    code = PromoCode.objects.create(
        shop=shop, code="SEKALI", discount_idr=10_000, max_uses_per_customer=2
    )
    siti, rina = make_customer(shop, "Siti"), make_customer(shop, "Rina")
    jobs = [
        sale_job(shop, owner, gamis, code="SEKALI", customer=(siti, rina)[n % 2])
        for n in range(THREADS)
    ]
    saved, refused = run_in_threads(jobs)
    assert len(saved) == 4
    assert all(exc.code == "promo_customer_limit" for exc in refused)
    for customer in (siti, rina):
        assert (
            PromoRedemption.objects.filter(promo=code, customer=customer).count() == 2
        )
    code.refresh_from_db()
    assert code.uses == 4


def test_a_retried_sale_with_a_single_use_coupon_is_one_sale(shop, owner, gamis):
    siti = make_customer(shop)
    coupon = PromoCode.objects.create(
        shop=shop, code="K7MPQ2XA", discount_idr=25_000, max_uses=1, customer=siti
    )
    jobs = [
        sale_job(shop, owner, gamis, code="K7MPQ2XA", customer=siti, key="one-tap")
        for _ in range(THREADS)
    ]
    saved, refused = run_in_threads(jobs)
    assert refused == [] and len(set(saved)) == 1
    coupon.refresh_from_db()
    assert coupon.uses == 1
    assert PromoRedemption.objects.count() == 1
    assert Sale.objects.get().total_idr == 75_000
