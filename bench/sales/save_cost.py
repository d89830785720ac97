"""What one sale save costs, alone, in-process: the numbers behind the burst.

`sale_load.py` measures latency under load, where everything competes for two
cores; this measures the cost of one save with nothing else running, so that a
change to the save path can be judged in minutes and without the box's noise:

* the POST that saves a sale (Django test client, whole middleware stack), mean
  and p50 wall time;
* on SQLite, the write turn: wall and CPU time between `BEGIN IMMEDIATE` and
  the end of the transaction, when every other clerk waits (see
  setia/lib/sqlite_backend/base.py), and the statements run inside it.

Same shop as `sale_load.py` (40 products, 500 customers, the demo's loyalty
programme unless `--no-loyalty`); one clerk, `--sales` saves after a warm-up.

Usage::

    .venv/bin/python bench/sales/save_cost.py                     # SQLite
    .venv/bin/python bench/sales/save_cost.py --no-loyalty
    .venv/bin/python bench/sales/save_cost.py \\
        --database-url postgres://postgres@127.0.0.1:5432/sales_bench_cost
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sale_load  # noqa: E402 - the benchmark's own set-up, shared

KEY = re.compile(r'name="key" value="([0-9a-f]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sales", type=int, default=300)
    parser.add_argument("--no-loyalty", action="store_true")
    args = parser.parse_args()

    env = sale_load.fresh_environment(
        Path("/tmp/setia-bench-save-cost"), args.database_url
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(env)
    sale_load.setup(dict(os.environ), clerks=1, loyalty=not args.no_loyalty)
    variants, customers = sale_load.variant_and_customer_ids(dict(os.environ))

    sys.path.insert(0, str(sale_load.ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    assert client.login(
        request=HttpRequest(), username="bench-clerk-0", password=sale_load.PASSWORD
    )
    turns = _watch_write_turns(connection)
    rng = random.Random(1)

    def save() -> float:
        page = client.get("/sales/new/").content.decode()
        data = {
            "key": KEY.search(page).group(1),
            "action": "save",
            "pay_method": "cash",
            "customer": str(rng.choice(customers)),
            "v": [],
            "q": [],
            "d": [],
        }
        for variant in rng.sample(variants, 3):
            data["v"].append(str(variant))
            data["q"].append(str(rng.randint(1, 2)))
            data["d"].append("")
        started = time.perf_counter()
        response = client.post("/sales/new/", data)
        spent = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        return spent

    for _ in range(30):
        save()
    turns.clear()
    posts = [save() * 1000 for _ in range(args.sales)]
    db = "PostgreSQL" if args.database_url else "SQLite"
    shop = "no loyalty programme" if args.no_loyalty else "loyalty programme"
    print(f"{db}, {shop}: {args.sales} saves, one clerk, in-process")
    print(
        f"  save (POST): mean {statistics.mean(posts):.2f} ms, "
        f"p50 {statistics.median(posts):.2f} ms"
    )
    if turns:
        wall = statistics.mean(t[0] for t in turns) * 1000
        cpu = statistics.mean(t[1] for t in turns) * 1000
        statements = statistics.mean(t[2] for t in turns)
        print(
            f"  write turn: wall {wall:.2f} ms, CPU {cpu:.2f} ms, "
            f"{statements:.1f} statements"
        )


def _watch_write_turns(connection) -> list:
    """(wall, CPU, statements) of each SQLite write turn; nothing elsewhere."""
    turns: list = []
    if connection.vendor != "sqlite":
        return turns
    from setia.lib.sqlite_backend import base

    state = {"open": False}
    start = base.DatabaseWrapper._start_transaction_under_autocommit
    end = base.DatabaseWrapper._end_turn

    def started(self):
        start(self)
        state.update(open=True, wall=time.perf_counter(), cpu=time.thread_time())
        state["statements"] = 0

    def ended(self):
        if self._turn is not None and state["open"]:
            state["open"] = False
            turns.append(
                (
                    time.perf_counter() - state["wall"],
                    time.thread_time() - state["cpu"],
                    state["statements"],
                )
            )
        end(self)

    def count(execute, sql, params, many, context):
        if state["open"]:
            state["statements"] += 1
        return execute(sql, params, many, context)

    base.DatabaseWrapper._start_transaction_under_autocommit = started
    base.DatabaseWrapper._end_turn = ended
    connection.execute_wrappers.append(count)
    return turns


if __name__ == "__main__":
    main()
