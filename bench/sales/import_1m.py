"""Benchmark `setia sales import` on a generated file of sale lines.

Writes a CSV shaped like a shop's export (tanggal, nota, no hp, nama, barang,
qty, total; ~3 lines per receipt, a fixed pool of customers, 15% walk-ins),
then runs `manage.py sales import FILE --shop bench-import --commit` in a fresh
process on a fresh database and reports wall time and peak RSS (from
/usr/bin/time). A second run of the same file checks that re-importing adds
nothing.

Usage::

    .venv/bin/python bench/sales/import_1m.py          # 1,000,000 lines, SQLite
    .venv/bin/python bench/sales/import_1m.py --lines 100000
    .venv/bin/python bench/sales/import_1m.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_import
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PRODUCTS = [
    f"{kind} {name}"
    for kind in ("Gamis", "Tunik", "Blus", "Pashmina", "Rok", "Kulot", "Dress", "Outer")
    for name in ("Zahra", "Aira", "Nadia", "Salma", "Kirana")
]


def write_csv(path: Path, lines: int, customers: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    phones = [f"0812{10_000_000 + i}" for i in range(customers)]
    start = dt.date(2024, 1, 1)
    written = receipts = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Tanggal", "No Nota", "No HP", "Nama", "Barang", "Qty", "Total"])
        while written < lines:
            receipts += 1
            on = start + dt.timedelta(days=rng.randrange(700))
            walk_in = rng.random() < 0.15
            index = rng.randrange(customers)
            phone = "" if walk_in else phones[index]
            name = "" if walk_in else f"Pelanggan {index}"
            for _ in range(min(rng.randint(1, 5), lines - written)):
                qty = rng.choice([1, 1, 1, 2, 3])
                price = rng.randrange(60, 251, 5) * 1000
                out.writerow(
                    [
                        on.strftime("%d/%m/%Y"),
                        f"N{receipts:07d}",
                        phone,
                        name,
                        rng.choice(PRODUCTS),
                        qty,
                        price * qty,
                    ]
                )
                written += 1
    return receipts


def run_import(env: dict, path: Path) -> tuple[float, float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [
            "/usr/bin/time",
            "-v",
            PYTHON,
            "manage.py",
            "sales",
            "import",
            str(path),
            "--shop",
            "bench-import",
            "--commit",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.monotonic() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return seconds, int(rss.group(1)) / 1024 if rss else float("nan"), result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--new-customers",
        action="store_true",
        help="leave the customers unknown so the import adds them one by one "
        "(default: they are in the database already, as after a customer import)",
    )
    args = parser.parse_args()

    data_dir = Path("/tmp/setia-bench-import")
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {**os.environ, "SETIA_DATA_DIR": str(data_dir), "SETIA_LOG_LEVEL": "WARNING"}
    if args.database_url:
        # Dropped and made again, as the SQLite run starts from an empty file
        # (a fresh machine has only `test`, `root` and `postgres`).
        from sale_load import fresh_pg_database

        fresh_pg_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    path = data_dir / "penjualan.csv"
    t0 = time.monotonic()
    receipts = write_csv(path, args.lines, args.customers)
    size_mb = path.stat().st_size / 1e6
    print(
        f"file: {args.lines:,} lines, {receipts:,} receipts, {size_mb:.0f} MB "
        f"(written in {time.monotonic() - t0:.0f} s)"
    )
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from setia.accounts.models import Shop, User\n"
            "from setia.accounts import services\n"
            "Shop.objects.filter(slug='bench-import').delete()\n"
            "u, _ = User.objects.get_or_create(username='bench-import-owner')\n"
            "shop = services.create_shop('Bench Import', u, slug='bench-import')\n"
            + (
                ""
                if args.new_customers
                else "from setia.customers.models import Customer as C\n"
                "C.objects.bulk_create([C(shop=shop, name=f'Pelanggan {i}',"
                " phone=f'+62812{10_000_000 + i}')"
                f" for i in range({args.customers})], batch_size=2000)\n"
            ),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    db = "PostgreSQL" if args.database_url else "SQLite"
    seconds, rss, out = run_import(env, path)
    print(f"{db} import: {seconds:.0f} s wall, peak RSS {rss:.0f} MB")
    print("  " + out.strip().splitlines()[0])
    seconds, rss, out = run_import(env, path)
    print(f"{db} re-import of the same file: {seconds:.0f} s, peak RSS {rss:.0f} MB")
    print("  " + out.strip().splitlines()[0])


if __name__ == "__main__":
    main()
