"""Search and import benchmarks with 100,000 customers in one shop.

Run (SQLite):
    SETIA_DATA_DIR=/tmp/bench-var .venv/bin/python bench/customers/bench_customers.py
Run (PostgreSQL): the same with
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
    SETIA_TEST_DB_NAME=bench_customers3
(the benchmark then works in its own database bench_customers3).
BENCH_KEEP=1 keeps the shop and its customers afterwards (for EXPLAIN).
It migrates the database it is pointed at and creates a shop "bench-customers".
"""

import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")
os.environ.setdefault("SETIA_JOBS_IMMEDIATE", "1")

import django  # noqa: E402
from django.conf import settings  # noqa: E402


def use_own_postgres_database() -> None:
    """On PostgreSQL, run in SETIA_TEST_DB_NAME (created if missing), never in
    the database DATABASE_URL names, which other people's runs share."""
    name = os.environ.get("SETIA_TEST_DB_NAME")
    db = settings.DATABASES["default"]
    if not name or db["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER") if db.get(k)}
    with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
    db["NAME"] = name


use_own_postgres_database()
django.setup()

from django.core.management import call_command  # noqa: E402

from setia.accounts.models import Shop  # noqa: E402
from setia.customers import importing, services  # noqa: E402
from setia.customers.demo import FIRST_NAMES, LAST_NAMES, PREFIXES  # noqa: E402
from setia.customers.models import Customer, ImportJob  # noqa: E402

N = int(os.environ.get("BENCH_ROWS", "100000"))


def write_csv(path: Path, rng: random.Random) -> None:
    seen = set()
    with path.open("w", encoding="utf-8") as out:
        out.write("Nama;No HP;Tgl Lahir;Kota\n")
        while len(seen) < N:
            phone = f"0{rng.choice(PREFIXES)}{rng.randrange(10**7, 10**8)}"
            if phone in seen:
                continue
            seen.add(phone)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            bday = (
                f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1960, 2005)}"
            )
            out.write(f"{name};{phone[:4]}-{phone[4:8]}-{phone[8:]};{bday};Serpong\n")


class LockTime(logging.Handler):
    """Catches the write-lock time `commit_import` logs."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.seconds = float("nan")
        self.logger = logging.getLogger("setia.customers.importing")

    def emit(self, record: logging.LogRecord) -> None:
        self.seconds = getattr(record, "lock_seconds", self.seconds)

    def __enter__(self):
        self.old_level = self.logger.level
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self.old_level)


def time_calls(call, queries: list[str], rounds: int = 5) -> list[float]:
    timings = []
    for _round in range(rounds):
        for q in queries:
            start = time.perf_counter()
            call(q)
            timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def report(label: str, timings: list[float]) -> None:
    p50 = statistics.median(timings)
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    print(
        f"  {label:34} n={len(timings):4}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {timings[-1]:6.1f} ms"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    Shop.objects.filter(slug="bench-customers").delete()
    shop = Shop.objects.create(name="Bench", slug="bench-customers")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pelanggan.csv"
        write_csv(path, rng)
        size_mb = path.stat().st_size / 1e6
        job = importing.store_upload(shop, None, path.read_bytes(), path.name)
        t0 = time.perf_counter()
        preview = importing.preview_import(shop, job)
        t1 = time.perf_counter()
        with LockTime() as lock:
            importing.commit_import(shop, None, ImportJob.objects.get(pk=job.pk))
        t2 = time.perf_counter()
        job2 = importing.store_upload(shop, None, path.read_bytes(), path.name)
        t3 = time.perf_counter()
        again = importing.preview_import(shop, job2)
        t4 = time.perf_counter()
        importing.discard_job(job2)
    if django.db.connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the
        # planner guesses how many rows a trigram LIKE matches.
        with django.db.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE customers_customer")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor = django.db.connection.vendor
    print(
        f"database: {vendor}, customers: {Customer.objects.filter(shop=shop).count()}"
    )
    print(f"import file: {N} rows, {size_mb:.1f} MB")
    print(f"import preview: {t1 - t0:.1f} s ({preview.created} new)")
    print(f"import commit:  {t2 - t1:.1f} s, of it write lock {lock.seconds:.1f} s")
    print(f"re-import preview: {t4 - t3:.1f} s ({again.unchanged} unchanged)")
    print(f"peak RSS of the process: {rss:.0f} MB")

    digits = list(
        Customer.objects.filter(shop=shop).values_list("phone", flat=True)[:500]
    )
    kinds = {
        "name fragment": [
            "siti",
            "ani",
            "wulan",
            "sari",
            "hasanah",
            "aisyah l",
            "nur",
            "harahap",
            "putri w",
            "yah",
        ],
        "number fragment": ["0812", "62857", "8123", "0813-1", "+62 856"]
        + [p[-7:] for p in rng.sample(digits, 10)]
        + [p[-4:] for p in rng.sample(digits, 5)],
        "1-2 characters": ["s", "a", "zz", "nu", "de", "08", "8", "62", "y", "ri"],
        "no match": ["renee", "zzz", "qwerty", "0999123", "xavier q"],
    }
    print("search (services.search_customers, 20 rows):")
    everything = []
    for kind, queries in kinds.items():
        timings = time_calls(
            lambda q: list(services.search_customers(shop, q)), queries
        )
        everything += timings
        report(kind, timings)
    report("all search", sorted(everything))
    print("list page (services.filter_customers, one page of 31 rows):")
    sorts = [("by name", {}), ("by last purchase", {"sort": "last_purchase"})]
    for label, extra in sorts:
        queries = [q for qs in kinds.values() for q in qs] + [""]
        timings = time_calls(
            lambda q, extra=extra: list(
                services.filter_customers(shop, {"q": q, **extra})[:31]
            ),
            queries,
        )
        report(label, timings)
    timings = time_calls(
        lambda q: Customer.objects.filter(shop=shop).count(), ["total"]
    )
    report("total count (full page load only)", timings)
    if not os.environ.get("BENCH_KEEP"):
        Shop.objects.filter(pk=shop.pk).delete()


if __name__ == "__main__":
    main()
