"""`setia serve` as a person starts it: a fresh data folder, real HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2], ids=["waitress", "gunicorn"])
def test_serve_answers_and_serves_static_files_from_a_fresh_data_dir(
    tmp_path, processes
):
    port = _free_port()
    env = {
        **os.environ,
        "SETIA_DATA_DIR": str(tmp_path),
        "SETIA_HTTPS": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "serve",
            "--port",
            str(port),
            "--processes",
            str(processes),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310
                    assert json.load(r) == {"status": "ok"}
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("setia serve did not answer /healthz")
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["setia/setia.css"]
        with urllib.request.urlopen(f"{base}/static/{hashed}", timeout=5) as r:  # noqa: S310
            assert r.status == 200
            assert b".bottomnav" in r.read()
        if processes > 1:
            # Two pre-forked workers and the job consumer, each its own process.
            assert len(_children(proc.pid)) == processes + 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode is not None
