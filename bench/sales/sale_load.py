"""Load test: 20 clerks recording three-line sales at once against `setia serve`.

Each clerk is a thread with its own login session and its own kept-alive
HTTP/1.1 connection, as a phone's browser has (until 2026-11-28 06:20 each
request opened a new connection, see bench/sales/README.md). One sale = GET the sale
screen (which hands out the idempotency key) + POST "save" with three lines, a
customer and a cash payment, exactly as the browser does. The latency that
counts is the POST that records the sale (one transaction: sale, lines,
payment, stock movements, loyalty, audit). Burst mode: the clerks open their
screens, press save at the same instant, and the round ends when the last save
has returned. Bounded: `--sales` per clerk and `--seconds` overall; loopback only.
Also prints the CPU spent per sale by the server's processes, by PostgreSQL and
by this load generator (read from /proc: Linux).

Usage::

    .venv/bin/python bench/sales/sale_load.py                       # SQLite
    .venv/bin/python bench/sales/sale_load.py --processes 3 --threads 4
    .venv/bin/python bench/sales/sale_load.py --processes 3 --threads 4 --floor
    .venv/bin/python bench/sales/sale_load.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_sales    # PostgreSQL
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "bench-sales-123"  # noqa: S105 - a throwaway local benchmark login


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_pg_database(url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database, as the SQLite run
    starts from an empty file: a shop with points cannot be deleted (the
    ledger protects its rows), and a fresh machine has only `test`, `root`
    and `postgres`."""
    import psycopg

    parsed = urllib.parse.urlsplit(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def fresh_environment(data_dir: Path, database_url: str) -> dict:
    """The server's environment, with an empty data directory and, for
    PostgreSQL, an empty database."""
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {
        **os.environ,
        "SETIA_DATA_DIR": str(data_dir),
        "SETIA_HTTPS": "0",
        "SETIA_DEBUG": "0",
        "SETIA_LOG_LEVEL": "WARNING",
        "SETIA_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        fresh_pg_database(database_url)
        env["DATABASE_URL"] = database_url
    return env


def setup(env: dict, clerks: int, loyalty: bool = True) -> None:
    """Fresh database with one shop, `clerks` staff, products and customers."""
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    script = f"""
from setia.accounts.models import Membership, Role, Shop, User
from setia.accounts import services as acc
from setia.customers.models import Customer
from setia.sales import services
Shop.objects.filter(slug="bench-sales").delete()
owner, _ = User.objects.get_or_create(username="bench-owner")
owner.set_password({PASSWORD!r}); owner.save()
shop = acc.create_shop("Bench Butik", owner, slug="bench-sales")
for i in range({clerks}):
    user, _ = User.objects.get_or_create(username=f"bench-clerk-{{i}}")
    user.set_password({PASSWORD!r}); user.save()
    Membership.objects.get_or_create(
        user=user, shop=shop, defaults={{"role": Role.STAFF}})
for i in range(40):
    services.create_product(shop, owner, name=f"Gamis Bench {{i}}", price_idr=150_000,
        grosir_price_idr=130_000, grosir_min_qty=3, sizes="M,L,XL",
        initial_stock=100_000)
Customer.objects.bulk_create([Customer(shop=shop, name=f"Pelanggan {{i}}",
    phone=f"+62812{{10_000_000 + i}}") for i in range(500)])
if {loyalty!r}:
    # The demo shop's programme: points on every sale of a member, three tiers.
    from setia.loyalty import programs
    programs.save_program(shop, by=owner, is_active=True, idr_per_point=10_000,
        rounding="floor", min_purchase_idr=50_000, grosir_lines_earn=False,
        resellers_earn=False, excluded_categories=[], earn_after_discounts=True,
        earn_and_redeem_same_sale=True, point_value_idr=100, expiry_months=12,
        welcome_bonus_points=0, birthday_bonus_points=50, referral_bonus_points=50)
    for name, spend, multiplier in [("Silver", 0, 10_000),
            ("Gold", 2_000_000, 15_000), ("Platinum", 5_000_000, 20_000)]:
        programs.save_tier(shop, by=owner, name=name, min_spend_idr=spend,
            multiplier_bp=multiplier, perk="", is_active=True)
print("ready")
"""
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True
    )


def variant_and_customer_ids(env: dict) -> tuple[list[int], list[int]]:
    script = """
from setia.sales.models import Variant
from setia.customers.models import Customer
variants = Variant.objects.filter(product__shop__slug="bench-sales")
customers = Customer.objects.filter(shop__slug="bench-sales")
print(",".join(str(v) for v in variants.values_list("id", flat=True)))
print(",".join(str(c) for c in customers.values_list("id", flat=True)))
"""
    out = (
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()
    )
    return [int(x) for x in out[-2].split(",")], [int(x) for x in out[-1].split(",")]


class Clerk:
    """One clerk's browser: its own cookies and one kept-alive HTTP/1.1
    connection, as a phone's browser keeps it (a new TCP connection per request
    would add connection set-up to every request on both sides)."""

    def __init__(self, base: str, username: str):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.base = base
        self.cookies: dict[str, str] = {}
        self.username = username
        self.conn: http.client.HTTPConnection | None = None

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def _request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle kept-alive connection: reconnect
                # once, as a browser does.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, payload

    def get(self, path: str) -> str:
        return self._request("GET", path)[1].decode()

    def post(self, path: str, data: list[tuple[str, str]]) -> int:
        body = urllib.parse.urlencode(data)
        headers = {
            "X-CSRFToken": self.csrf(),
            "Referer": self.base + path,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self._request("POST", path, body, headers)[0]

    def login(self) -> None:
        self.get("/accounts/login/")
        status = self.post(
            "/accounts/login/",
            [("username", self.username), ("password", PASSWORD)],
        )
        assert status == 302, f"login failed: {status}"


KEY = re.compile(r'name="key" value="([0-9a-f]+)"')


def run_clerk(
    clerk,
    variants,
    customers,
    n_sales,
    deadline,
    seed,
    out,
    errors,
    barrier=None,
    think=0.0,
    floor=False,
):
    import random

    rng = random.Random(seed)
    for _ in range(n_sales):
        if think:
            # Paced mode: a clerk spends a while with the customer between saves.
            time.sleep(rng.expovariate(1 / think))
        if time.monotonic() > deadline:
            if barrier is not None:
                barrier.abort()
            break
        t0 = time.perf_counter()
        page = clerk.get("/sales/new/")
        if barrier is not None:
            # Burst mode: every clerk presses "save" at the same moment.
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                break
        t1 = time.perf_counter()
        key = KEY.search(page).group(1)
        data = [("key", key), ("action", "save"), ("pay_method", "cash")]
        data.append(("customer", str(rng.choice(customers))))
        for variant in rng.sample(variants, 3):
            data += [("v", str(variant)), ("q", str(rng.randint(1, 2))), ("d", "")]
        if floor:
            # The floor: the same round trip to a page that does nothing (no
            # session, no database), to show what the box itself costs.
            clerk.get("/healthz")
            status = 302
        else:
            status = clerk.post("/sales/new/", data)
        t2 = time.perf_counter()
        if barrier is not None:
            # The round ends when the last clerk's save returns, so the next
            # round's screens do not compete with this round's saves.
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                break
        if status != 302:
            errors.append(status)
        out.append((t1 - t0, t2 - t1))


def _cpu_ticks() -> dict[int, tuple[str, int]]:
    """utime + stime of every process, by pid, with its command name."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, rest = stat.read_text().rpartition(")")
        except OSError:
            continue
        fields = rest.split()
        ticks[int(stat.parent.name)] = (
            head.partition("(")[2],
            int(fields[11]) + int(fields[12]),
        )
    return ticks


def _descendants(root: int, ticks) -> set[int]:
    parents = {}
    for pid in ticks:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            parents[pid] = int(fields[1])
        except OSError:
            continue
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found.add(pid)
                frontier.append(pid)
    return found


def server_cpu_seconds(before, after, server_pid: int) -> tuple[float, float]:
    """CPU spent between two snapshots by `setia serve` (all its processes) and
    by PostgreSQL's processes. Linux only; 0 where /proc is missing."""
    hz = os.sysconf("SC_CLK_TCK")
    ours = _descendants(server_pid, after)
    app = db = 0
    for pid, (name, ticks) in after.items():
        spent = ticks - before.get(pid, (name, 0))[1]
        if pid in ours:
            app += spent
        elif name == "postgres":
            db += spent
    return app / hz, db / hz


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--sales", type=int, default=25, help="sales per clerk")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--threads", type=int, default=8, help="threads per process")
    parser.add_argument(
        "--processes", type=int, default=1, help="`setia serve --processes`"
    )
    parser.add_argument(
        "--mode",
        choices=("burst", "closed", "paced"),
        default="burst",
        help="burst: all clerks press save together, round after round; "
        "closed: each clerk saves again as soon as the last save returns; "
        "paced: each clerk waits --think seconds (exponential) between sales",
    )
    parser.add_argument(
        "--think", type=float, default=2.0, help="paced mode: mean seconds between"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="instead of saving, GET /healthz (no session, no database): the "
        "latency of 20 requests at once that do nothing, on this box",
    )
    parser.add_argument(
        "--no-loyalty",
        action="store_true",
        help="leave the shop without a loyalty programme (before 2026-11-28 the "
        "benchmark had none): no points are written with each sale",
    )
    args = parser.parse_args()

    env = fresh_environment(Path("/tmp/setia-bench-sales"), args.database_url)
    setup(env, args.clerks, loyalty=not args.no_loyalty)
    variants, customers = variant_and_customer_ids(env)
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "serve",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
            *(["--processes", str(args.processes)] if args.processes > 1 else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        clerks = [Clerk(base, f"bench-clerk-{i}") for i in range(args.clerks)]
        for clerk in clerks:
            clerk.login()
        # Warm-up: one sale per clerk, not measured.
        warm: list = []
        for i, clerk in enumerate(clerks):
            run_clerk(clerk, variants, customers, 1, time.monotonic() + 30, i, warm, [])
        timings: list = []
        errors: list = []
        deadline = time.monotonic() + args.seconds
        barrier = threading.Barrier(args.clerks) if args.mode == "burst" else None
        ticks_before = _cpu_ticks()
        started = time.perf_counter()
        client_cpu = time.process_time()
        threads = [
            threading.Thread(
                target=run_clerk,
                args=(
                    c,
                    variants,
                    customers,
                    args.sales,
                    deadline,
                    100 + i,
                    timings,
                    errors,
                    barrier,
                    args.think if args.mode == "paced" else 0.0,
                    args.floor,
                ),
            )
            for i, c in enumerate(clerks)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        app_cpu, db_cpu = server_cpu_seconds(ticks_before, _cpu_ticks(), server.pid)
    finally:
        server.terminate()
        server.wait(10)
    saves = [t[1] * 1000 for t in timings]
    screens = [t[0] * 1000 for t in timings]
    db = "PostgreSQL" if args.database_url else "SQLite"
    if args.floor:
        db += ", FLOOR: GET /healthz instead of the save"
    print(
        f"{db} ({args.mode}): {len(saves)} sales by {args.clerks} clerks "
        f"in {wall:.1f} s "
        f"({len(saves) / wall:.1f} sales/s), {args.processes} process(es) × "
        f"{args.threads} threads, "
        f"errors {len(errors)}"
    )
    print(
        f"  save sale (POST): p50 {statistics.median(saves):.0f} ms, "
        f"p95 {pct(saves, 95):.0f} ms, p99 {pct(saves, 99):.0f} ms, "
        f"max {max(saves):.0f} ms"
    )
    per_sale = 1000 / max(1, len(saves))
    print(
        f"  CPU per sale (GET + POST): setia serve {app_cpu * per_sale:.1f} ms, "
        f"PostgreSQL {db_cpu * per_sale:.1f} ms, "
        f"load generator {client_cpu * per_sale:.1f} ms (all on the same cores)"
    )
    print(
        f"  open sale screen (GET): p50 {statistics.median(screens):.0f} ms, "
        f"p95 {pct(screens, 95):.0f} ms"
    )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
