"""Search and import benchmarks with 100,000 customers in one shop.

Run (SQLite):
    SETIA_DATA_DIR=/tmp/bench-var .venv/bin/python bench/customers/bench_customers.py
Run (PostgreSQL): the same with
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_customers
It migrates the database it is pointed at and creates a shop "bench-customers".
"""

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
        importing.commit_import(shop, None, ImportJob.objects.get(pk=job.pk))
        t2 = time.perf_counter()
        job2 = importing.store_upload(shop, None, path.read_bytes(), path.name)
        t3 = time.perf_counter()
        again = importing.preview_import(shop, job2)
        t4 = time.perf_counter()
        importing.discard_job(job2)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor = django.db.connection.vendor
    print(
        f"database: {vendor}, customers: {Customer.objects.filter(shop=shop).count()}"
    )
    print(f"import file: {N} rows, {size_mb:.1f} MB")
    print(f"import preview: {t1 - t0:.1f} s ({preview.created} new)")
    print(f"import commit:  {t2 - t1:.1f} s")
    print(f"re-import preview: {t4 - t3:.1f} s ({again.unchanged} unchanged)")
    print(f"peak RSS of the process: {rss:.0f} MB")

    queries = [
        "siti",
        "ani",
        "wulan",
        "sari",
        "hasanah",
        "aisyah l",
        "0812",
        "62857",
        "8123",
        "renee",
        "zz",
        "nur",
        "s",
        "harahap",
        "putri w",
    ]
    digits = list(
        Customer.objects.filter(shop=shop).values_list("phone", flat=True)[:200]
    )
    queries += [p[-7:] for p in rng.sample(digits, 20)]
    timings = []
    for _round in range(5):
        for q in queries:
            start = time.perf_counter()
            list(services.search_customers(shop, q))
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"search: {len(timings)} queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms"
    )
    Shop.objects.filter(pk=shop.pk).delete()


if __name__ == "__main__":
    main()
