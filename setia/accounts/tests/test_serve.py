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


def _children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes()
                found.append(cmdline.replace(b"\0", b" ").decode())
        except OSError:
            continue
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
            # Two pre-forked workers and the job consumer, each its own process
            # (the second worker may still be starting when the first answers).
            for _ in range(100):
                commands = _children(proc.pid)
                if len(commands) == processes + 1:
                    break
                time.sleep(0.2)
            assert sum("run_huey" in c for c in commands) == 1, commands
            assert sum("serve" in c for c in commands) == processes, commands
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode is not None
