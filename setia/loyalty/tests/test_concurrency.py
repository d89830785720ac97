"""Many clerks at once: redemptions against one balance, and retried requests.

Each thread gets its own database connection (Django keeps one per thread), so
these run real concurrent transactions: row locks on PostgreSQL, IMMEDIATE
writer queueing on SQLite.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from setia.accounts.tests.factories import ShopFactory
from setia.loyalty import services
from setia.loyalty.models import EntryKind, PointsAccount, PointsEntry, Reward
from setia.loyalty.services import Redemption
from setia.loyalty.tests.factories import make_customer, make_program, make_sale

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 50


def run_in_threads(jobs):
    """Start every job at the same moment; return (successes, failures)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def worker(job):
        try:
            barrier.wait()
            outcome = job()
            with lock:
                results.append(outcome)
        except ValidationError as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    connections.close_all()
    return results, errors


@pytest.fixture
def shop(concurrent_db):
    return ShopFactory(name="Butik Serentak")


@pytest.fixture
def member(shop, owner):
    make_program(shop, earn_and_redeem_same_sale=False)
    customer = make_customer(shop)
    # 100 points through a real sale of Rp 1.000.000.
    services.record_sale_loyalty(
        make_sale(shop, customer, [(1_000_000, 1, "", False)]), None, owner
    )
    assert services.points_balance(shop, customer) == 100
    return customer


def test_fifty_simultaneous_redemptions_never_overspend(shop, owner, member):
    sales = [make_sale(shop, member) for _ in range(THREADS)]

    def redeem(sale):
        return lambda: services.record_sale_loyalty(
            sale, Redemption(points=3, discount_idr=300, reward_id=None), owner
        )

    results, errors = run_in_threads([redeem(sale) for sale in sales])
    assert len(results) == 33
    assert len(errors) == THREADS - 33
    account = PointsAccount.objects.get(customer=member)
    ledger_sum = PointsEntry.objects.filter(account=account).aggregate(
        total=Sum("points")
    )["total"]
    assert account.balance == ledger_sum == 1
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEM).count() == 33


def test_a_retried_sale_redeems_and_earns_only_once(shop, owner, member):
    make_program(shop)  # earning in a redeeming sale allowed from now on
    sale = make_sale(shop, member, [(300_000, 1, "", False)], reward_discount_idr=1_000)
    redemption = Redemption(points=10, discount_idr=1_000, reward_id=None)

    def retry():
        services.record_sale_loyalty(sale, redemption, owner)

    results, errors = run_in_threads([retry for _ in range(THREADS)])
    assert errors == []
    kinds = list(
        PointsEntry.objects.filter(sale_id=sale.pk).values_list("kind", "points")
    )
    assert sorted(kinds) == [(EntryKind.EARN, 29), (EntryKind.REDEEM, -10)]
    assert services.points_balance(shop, member) == 100 - 10 + 29


def test_simultaneous_store_credit_spending_never_goes_negative(shop, owner, member):
    services.add_store_credit(
        shop, member, 100_000, reason="retur", by=owner, idempotency_key="k"
    )
    sales = [make_sale(shop, member) for _ in range(THREADS)]

    def spend(sale):
        return lambda: services.spend_store_credit(
            shop, member, 7_000, sale=sale, by=owner
        )

    results, errors = run_in_threads([spend(sale) for sale in sales])
    assert len(results) == 14
    assert services.store_credit_balance(shop, member) == 100_000 - 14 * 7_000


def post_in_threads(user, url, payloads):
    """One signed-in test client per thread, all posting at the same moment."""
    clients = []
    for _ in payloads:
        client = Client()
        client.force_login(user)
        clients.append(client)
    jobs = [
        (lambda c=client, p=payload: c.post(url, p).status_code)
        for client, payload in zip(clients, payloads, strict=True)
    ]
    return run_in_threads(jobs)


def test_fifty_simultaneous_reward_requests_never_overspend(shop, owner, member):
    reward = Reward.objects.create(shop=shop, name="Jilbab", points_cost=7)
    url = reverse("loyalty:redeem", args=[member.pk])
    payloads = [{"reward": reward.pk, "key": f"k{n}"} for n in range(THREADS)]
    statuses, errors = post_in_threads(owner, url, payloads)
    assert errors == [] and set(statuses) == {302}
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEM).count() == 14
    account = PointsAccount.objects.get(customer=member)
    assert account.balance == 100 - 14 * 7 == 2


def test_a_retried_reward_request_redeems_once(shop, owner, member):
    reward = Reward.objects.create(shop=shop, name="Jilbab", points_cost=7, stock=20)
    url = reverse("loyalty:redeem", args=[member.pk])
    payloads = [{"reward": reward.pk, "key": "same-tap"}] * THREADS
    statuses, errors = post_in_threads(owner, url, payloads)
    assert errors == [] and set(statuses) == {302}
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1
    assert services.points_balance(shop, member) == 93
    reward.refresh_from_db()
    assert reward.stock == 19
