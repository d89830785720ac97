"""Clerks saving at once against `setia serve --processes 2` on one SQLite file:
two server processes write the same database, queueing through the writer lock
file (setia/lib/sqlite_backend). No sale is lost or doubled, stock never goes
below zero, a retried request makes one sale. Real HTTP over loopback.

PostgreSQL serves many processes by itself; its concurrency tests are in
test_concurrency.py (threads, each with its own connection).
"""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "multi-process-123"  # noqa: S105 - a throwaway test login
CLERKS = 12
STOCK = 5

pytestmark = pytest.mark.slow

SETUP = f"""
from setia.accounts import services as acc
from setia.accounts.models import Membership, Role, User
from setia.sales import services
owner = User.objects.create_user("mp-owner", password={PASSWORD!r})
shop = acc.create_shop("Butik Dua Proses", owner, slug="mp")
for i in range({CLERKS}):
    user = User.objects.create_user(f"mp-clerk-{{i}}", password={PASSWORD!r})
    Membership.objects.create(user=user, shop=shop, role=Role.STAFF)
last = services.create_product(shop, owner, name="Gamis terakhir", price_idr=150_000,
    initial_stock={STOCK})
plenty = services.create_product(shop, owner, name="Jilbab", price_idr=60_000,
    initial_stock=1000)
print("ids", last.variants.get().pk, plenty.variants.get().pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Clerk:
    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.get("/accounts/login/")
        assert self.post(
            "/accounts/login/", [("username", username), ("password", PASSWORD)]
        ) == 302

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:  # noqa: S310
            return response.read().decode()

    def post(self, path: str, data) -> int:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        request = urllib.request.Request(  # noqa: S310 - loopback http only
            self.base + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"X-CSRFToken": token, "Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


def _sale(key: str, *variants: int):
    data = [("key", key), ("action", "save"), ("pay_method", "cash")]
    for variant in variants:
        data += [("v", str(variant)), ("q", "1"), ("d", "")]
    return data


@pytest.fixture
def served(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's writer queue across processes; PostgreSQL has its own")
    env = {
        **os.environ,
        "SETIA_DATA_DIR": str(tmp_path),
        "SETIA_HTTPS": "false",
        "SETIA_DEBUG": "false",
        "SETIA_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    last, plenty = (int(x) for x in re.search(r"ids (\d+) (\d+)", out).groups())
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*manage, "serve", "--port", str(port), "--processes", "2", "--threads", "4"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("setia serve --processes 2 did not answer")
        yield base, tmp_path / "shop.sqlite3", last, plenty
    finally:
        server.terminate()
        server.wait(30)


def test_two_server_processes_sell_the_last_pieces_exactly_once(served):
    base, database, last, plenty = served
    clerks = [Clerk(base, f"mp-clerk-{i}") for i in range(CLERKS)]
    for clerk in clerks:
        clerk.get("/sales/new/")
    statuses: list[int] = []
    start = threading.Barrier(CLERKS + 2)

    def sell(clerk, key, *variants):
        start.wait(30)
        statuses.append(clerk.post("/sales/new/", _sale(key, *variants)))

    threads = [
        threading.Thread(target=sell, args=(clerk, f"last-{i}", last, plenty))
        for i, clerk in enumerate(clerks)
    ]
    # One clerk's request sent twice (a retry on a flaky connection).
    threads += [
        threading.Thread(target=sell, args=(clerks[0], "retried", plenty))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    # Five clerks got the last five pieces; the others were told it ran out.
    assert statuses.count(302) == STOCK + 2
    assert statuses.count(422) == CLERKS - STOCK
    db = sqlite3.connect(database)
    try:
        stock = dict(db.execute("SELECT id, stock FROM sales_variant").fetchall())
        sales = db.execute("SELECT count(*) FROM sales_sale").fetchone()[0]
        retried = db.execute(
            "SELECT count(*) FROM sales_sale WHERE idempotency_key = 'retried'"
        ).fetchone()[0]
        numbers = [n for (n,) in db.execute("SELECT number FROM sales_sale")]
    finally:
        db.close()
    assert stock[last] == 0
    assert stock[plenty] == 1000 - STOCK - 1
    assert sales == STOCK + 1 and retried == 1
    assert sorted(numbers) == list(range(1, STOCK + 2))
