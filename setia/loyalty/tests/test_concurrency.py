"""Many clerks at once: redemptions against one balance, and retried requests.

Each thread gets its own database connection (Django keeps one per thread), so
these run real concurrent transactions: row locks on PostgreSQL, IMMEDIATE
writer queueing on SQLite.
"""

import contextlib
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


class CrossingPoint:
    """Two jobs that used to lock rows in opposite orders, each stopped at the
    point where the old orders crossed until the other gets there too. With
    one lock order the second cannot get there: the barrier gives up after a
    few seconds and both finish. `run` returns the errors raised (a deadlock
    on PostgreSQL with the old order)."""

    def __init__(self):
        self.meet = threading.Barrier(2, timeout=3)

    def wait_before(self, step, only_in: str | None = None):
        def wrapped(*args, **kwargs):
            if only_in is None or threading.current_thread().name == only_in:
                with contextlib.suppress(threading.BrokenBarrierError):
                    self.meet.wait()
            return step(*args, **kwargs)

        return wrapped

    @staticmethod
    def run(**jobs) -> list[str]:
        failures = []

        def named(name, job):
            def run():
                threading.current_thread().name = name
                try:
                    return job()
                except ValidationError:
                    raise  # counted by run_in_threads as refused
                except Exception as exc:  # noqa: BLE001 - the deadlock is the finding
                    failures.append(repr(exc))
                    raise

            return run

        results, refused = run_in_threads([named(n, j) for n, j in jobs.items()])
        assert len(results) + len(refused) + len(failures) == len(jobs)
        return failures + [repr(exc) for exc in refused]


def test_a_return_and_a_referred_friends_sale_on_one_reward_do_not_deadlock(
    shop, owner, monkeypatch
):
    """Found in review: a return giving back the last of a reward's points put
    the reward back in stock after locking the customer's account, while a sale
    by a friend she referred, redeeming the same reward, locked the friend's
    account, the reward, then hers (the referral bonus): on PostgreSQL one of
    them died of a deadlock. Rewards are now locked before any account.

    Each side waits at a barrier at the point where the old order crossed; with
    one order the second side cannot get there, and the barrier gives up."""
    import uuid

    from setia.loyalty import programs
    from setia.sales import services as sales
    from setia.sales.services import LineInput, PaymentInput
    from setia.sales.tests.factories import make_customer as make_shopper
    from setia.sales.tests.factories import make_product

    programs.save_program(shop, by=owner, expiry_months=12, referral_bonus_points=10)
    referrer = make_shopper(shop, name="Bu Ani")
    friend = make_shopper(shop, name="Bu Rina")
    friend.referred_by = referrer
    friend.save()
    for customer in (referrer, friend):
        programs.adjust_points(
            shop, customer, 500, reason="awal", by=owner, idempotency_key=customer.pk
        )
    voucher = programs.save_reward(
        shop, by=owner, name="Voucher", points_cost=50, value_idr=5_000, stock=5
    )
    gamis = make_product(shop, name="Gamis", price=100_000, grosir=0, stock=20)
    hijab = make_product(shop, name="Hijab", price=90_000, grosir=0, stock=20)

    def sell(customer, product):
        return sales.record_sale(
            shop,
            owner,
            lines=[LineInput(product.variants.get().pk, 1)],
            payments=[PaymentInput("cash", None)],
            idempotency_key=uuid.uuid4().hex,
            customer=customer,
            reward_id=voucher.pk,
        )

    bought = sell(referrer, gamis)
    crossing = CrossingPoint()
    monkeypatch.setattr(
        services,
        "award_referral_bonus",
        crossing.wait_before(services.award_referral_bonus),
    )
    monkeypatch.setattr(
        services,
        "_give_back_redeemed",
        crossing.wait_before(services._give_back_redeemed),
    )
    line = bought.lines.get()
    failures = crossing.run(
        sale=lambda: sell(friend, hijab),
        give_back=lambda: sales.record_return(
            shop,
            owner,
            bought,
            quantities={line.pk: 1},
            reason="kekecilan",
            refund_method="cash",
        ),
    )
    assert not failures
    assert Reward.objects.get(pk=voucher.pk).stock == 4  # two taken, one back
    assert services.points_balance(shop, referrer) == 500 + 10


def test_a_void_giving_back_store_credit_and_a_store_credit_sale_do_not_deadlock(
    shop, owner, monkeypatch
):
    """Found in review: a void locked the points account, then the store
    credit account; a sale paying with store credit locks them the other way
    round. On PostgreSQL a void of an old sale and a new sale of the same
    customer deadlocked. The void now takes store credit first."""
    import uuid

    from setia.loyalty import programs
    from setia.sales import services as sales
    from setia.sales.services import LineInput, PaymentInput
    from setia.sales.tests.factories import make_customer as make_shopper
    from setia.sales.tests.factories import make_product

    programs.save_program(shop, by=owner, expiry_months=12)
    siti = make_shopper(shop, name="Bu Siti")
    services.add_store_credit(
        shop, siti, 100_000, reason="awal", by=owner, idempotency_key="awal"
    )
    gamis = make_product(shop, name="Gamis", price=100_000, grosir=0, stock=20)
    hijab = make_product(shop, name="Hijab", price=90_000, grosir=0, stock=20)

    def sell(product):
        return sales.record_sale(
            shop,
            owner,
            lines=[LineInput(product.variants.get().pk, 1)],
            payments=[PaymentInput("store_credit", 40_000), PaymentInput("cash", None)],
            idempotency_key=uuid.uuid4().hex,
            customer=siti,
        )

    first = sell(gamis)
    crossing = CrossingPoint()
    # Where the old orders crossed: the sale holds the credit account, the
    # void the points account.
    monkeypatch.setattr(
        services,
        "record_sale_loyalty",
        crossing.wait_before(services.record_sale_loyalty),
    )
    monkeypatch.setattr(
        services, "_take_back", crossing.wait_before(services._take_back, "void")
    )
    failures = crossing.run(
        sale=lambda: sell(hijab),
        void=lambda: sales.void_sale(shop, owner, first, reason="salah"),
    )
    assert not failures
    assert services.store_credit_balance(shop, siti) == 100_000 - 40_000


def test_a_void_of_a_referred_sale_and_a_merge_of_the_referrer_do_not_deadlock(
    shop, owner, monkeypatch
):
    """Found in review: a void locked the friend's points account, then the
    referrer's (taking back the referral bonus); merging the referrer into the
    friend locked the referrer's account, then the friend's. A void (a return,
    a settlement) now first takes the customer's row as a sale's insert does,
    so a merge of that customer waits for it."""
    import uuid

    from setia.customers import merging
    from setia.loyalty import ledger, programs
    from setia.sales import services as sales
    from setia.sales.services import LineInput, PaymentInput
    from setia.sales.tests.factories import make_customer as make_shopper
    from setia.sales.tests.factories import make_product

    programs.save_program(shop, by=owner, expiry_months=12, referral_bonus_points=10)
    ani = make_shopper(shop, name="Bu Ani")
    rina = make_shopper(shop, name="Bu Rina")
    rina.referred_by = ani
    rina.save()
    programs.adjust_points(shop, ani, 50, reason="awal", by=owner, idempotency_key="a")
    gamis = make_product(shop, name="Gamis", price=100_000, grosir=0, stock=20)
    sale = sales.record_sale(
        shop,
        owner,
        lines=[LineInput(gamis.variants.get().pk, 1)],
        payments=[PaymentInput("cash", None)],
        idempotency_key=uuid.uuid4().hex,
        customer=rina,
    )
    assert services.points_balance(shop, ani) == 60
    crossing = CrossingPoint()
    # Where the old orders crossed: the void holds Rina's account, the merge
    # Ani's.
    monkeypatch.setattr(
        services,
        "_take_back_referral",
        crossing.wait_before(services._take_back_referral),
    )
    monkeypatch.setattr(
        ledger, "lock_account", crossing.wait_before(ledger.lock_account, "merge")
    )
    failures = crossing.run(
        void=lambda: sales.void_sale(shop, owner, sale, reason="salah"),
        merge=lambda: merging.merge_customers(shop, owner, rina, ani),
    )
    assert not failures
