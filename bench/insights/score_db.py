"""Benchmark: score a shop with ~1,000,000 purchases inside the database.

Target (issue 5): database → score rows in at most 30 s, on SQLite and PostgreSQL.

    SETIA_DATA_DIR=/tmp/bench-var \
        .venv/bin/python bench/insights/score_db.py --purchases 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
        SETIA_TEST_DB_NAME=bench_score \
        .venv/bin/python bench/insights/score_db.py --purchases 1000000

It builds a throw-away database (the test database machinery, so nothing real is
touched), loads customers and sales simulated from the BG/NBD + Gamma-Gamma models
with a fixed seed, then times `setia.insights.services.score_shop` and reports the
split by step and the peak memory.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        run_benchmark(args.purchases, args.seed, connection)
    finally:
        runner.teardown_databases(old)


def simulate(n_purchases: int, seed: int):
    """Customer codes, day offsets and rupiah amounts from the models themselves."""
    import numpy as np

    rng = np.random.default_rng(seed)
    days = 730
    n_customers = int(n_purchases / 2.4)
    # BG/NBD-like: heterogeneous purchase rates and dropout, births over two years.
    rates = rng.gamma(0.6, 1 / 25.0, n_customers)  # purchases per day while alive
    birth = rng.integers(0, days, n_customers)
    counts = 1 + rng.poisson(rates * (days - birth) * rng.beta(1.0, 2.0, n_customers))
    scale = n_purchases / counts.sum()
    counts = np.maximum(1, np.round(counts * scale)).astype(np.int64)
    customer = np.repeat(np.arange(n_customers), counts)[:n_purchases]
    start = birth[customer]
    offset = start + (rng.random(customer.size) * (days - start)).astype(np.int64)
    first = np.r_[True, customer[1:] != customer[:-1]]
    offset[first] = start[first]
    # Gamma-Gamma spend: each customer's mean spend varies, Rp 60k–1.5M a visit.
    mean_spend = rng.gamma(6.0, 1.0 / rng.gamma(3.7, 1 / 15.0, n_customers)) * 8_000
    amount = rng.gamma(6.0, mean_spend[customer] / 6.0)
    amount = (np.clip(amount, 60_000, 3_000_000) // 1000 * 1000).astype(np.int64)
    return n_customers, customer, offset, amount


def run_benchmark(n_purchases: int, seed: int, connection) -> None:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from setia.accounts.models import Shop
    from setia.customers.models import Customer
    from setia.insights import services
    from setia.sales.models import Sale

    t0 = time.perf_counter()
    n_customers, customer, offset, amount = simulate(n_purchases, seed)
    shop = Shop.objects.create(name="Bench", slug="bench")
    today = timezone.localdate()
    day0 = today - timedelta(days=730)
    with transaction.atomic():
        Customer.objects.bulk_create(
            (
                Customer(shop=shop, name=f"C{i:07d}", phone=f"+62812{i:08d}")
                for i in range(n_customers)
            ),
            batch_size=5000,
        )
    ids = list(
        Customer.objects.filter(shop=shop).order_by("id").values_list("id", flat=True)
    )
    batch = []
    with transaction.atomic():
        for n, (c, d, a) in enumerate(
            zip(customer.tolist(), offset.tolist(), amount.tolist(), strict=True)
        ):
            batch.append(
                Sale(
                    shop=shop,
                    customer_id=ids[c],
                    number=n + 1,
                    business_on=day0 + timedelta(days=d),
                    subtotal_idr=a,
                    total_idr=a,
                    paid_idr=a,
                    idempotency_key=f"b{n}",
                )
            )
            if len(batch) == 10_000:
                Sale.objects.bulk_create(batch)
                batch = []
        Sale.objects.bulk_create(batch)
    load = time.perf_counter() - t0
    print(
        f"{connection.vendor}: loaded {n_customers:,} customers and "
        f"{n_purchases:,} sales in {load:.1f} s"
    )

    t1 = time.perf_counter()
    customers, days, amounts = services.purchase_arrays(shop)
    query = time.perf_counter() - t1
    t2 = time.perf_counter()
    run = services.score_shop(shop)
    total = time.perf_counter() - t2
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"aggregation query alone: {query:.2f} s ({customers.size:,} customer-days)")
    print(
        f"score_shop (query + engine + {run.n_customers:,} score rows): {total:.2f} s"
        f"  status={run.status}"
    )
    print("engine steps:", {k: round(v, 3) for k, v in run.details["timings"].items()})
    print(f"peak RSS of the whole process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
