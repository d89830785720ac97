"""Clerks saving at the same moment: no lost or doubled sales, no negative stock.

Real threads, each with its own database connection, against the test database
(PostgreSQL with DATABASE_URL). Django's SQLite test database lives in memory,
where writers fail at once instead of waiting; the shop runs on a file, so on
SQLite the test database is copied to a file (WAL, IMMEDIATE transactions, as in
settings.py) and the threads work on that. Not timed.
"""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connections
from django.db.models import Sum

from setia.sales import services
from setia.sales.models import Sale, StockMovement, Variant
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)


def _query(fn):
    """Run `fn` in a fresh thread, so it reads the same database as the clerks."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    return box["value"]


def _run_at_once(jobs):
    """Run callables in threads released together; return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            outcomes[i] = ("ok", job())
        except (ValidationError, OperationalError) as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _sale_job(shop, variants, key):
    def job():
        return services.record_sale(
            shop,
            None,
            lines=[LineInput(v.pk, 1) for v in variants],
            payments=[PaymentInput("cash", 10**7)],
            idempotency_key=key,
        ).pk

    return job


@pytest.fixture
def two_items(shop):
    a = make_product(shop, name="A", stock=10).variants.get()
    b = make_product(shop, name="B", stock=100).variants.get()
    return a, b


def test_twenty_clerks_never_oversell_the_last_pieces(shop, two_items, db_for_threads):
    a, b = two_items
    # Half the clerks put the items in the other order: still no deadlock.
    jobs = [
        _sale_job(shop, [a, b] if i % 2 else [b, a], uuid.uuid4().hex)
        for i in range(20)
    ]
    outcomes = _run_at_once(jobs)
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    saved = [o[1] for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert len(saved) == 10, [repr(r)[:200] for r in refused][:3]
    assert all(isinstance(exc, services.OutOfStock) for exc in refused)
    state = _query(
        lambda: {
            "sales": Sale.objects.count(),
            "a": Variant.objects.get(pk=a.pk).stock,
            "b": Variant.objects.get(pk=b.pk).stock,
            "moved": StockMovement.objects.filter(variant=a).aggregate(
                n=Sum("quantity")
            )["n"],
            "numbers": sorted(Sale.objects.values_list("number", flat=True)),
        }
    )
    assert state["sales"] == 10
    assert (state["a"], state["b"]) == (0, 90)
    assert state["moved"] == 0  # +10 opening count, -10 sold
    assert state["numbers"] == list(range(1, 11))


@pytest.fixture
def plenty(shop):
    return make_product(shop, stock=1000).variants.get()


def test_double_taps_at_the_same_moment_make_one_sale_each(
    shop, plenty, db_for_threads
):
    variant = plenty
    keys = [uuid.uuid4().hex for _ in range(5)]
    jobs = [_sale_job(shop, [variant], keys[i % 5]) for i in range(20)]
    outcomes = _run_at_once(jobs)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert _query(Sale.objects.count) == 5
    by_key = {}
    for i, (_status, pk) in enumerate(outcomes):
        by_key.setdefault(keys[i % 5], set()).add(pk)
    assert all(len(pks) == 1 for pks in by_key.values())
    assert _query(lambda: Variant.objects.get(pk=variant.pk).stock) == 995


def test_concurrent_sales_all_saved_when_stock_allows(shop, plenty, db_for_threads):
    variant = plenty
    jobs = [_sale_job(shop, [variant], uuid.uuid4().hex) for _ in range(20)]
    outcomes = _run_at_once(jobs)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert _query(Sale.objects.count) == 20
    assert _query(lambda: Variant.objects.get(pk=variant.pk).stock) == 980
