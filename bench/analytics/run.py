"""Benchmark ``setia analyze`` end to end on simulated purchase files.

Data come from the models themselves: customers arrive uniformly over two
years, buy by the BG/NBD process (Poisson purchases, dropout after each repeat
purchase) and spend by the Gamma-Gamma model (scaled to rupiah). Each size is
run in a fresh subprocess that reports wall time per step and peak RSS; then
``python -m setia.analytics FILE --out scores.csv --json`` is run as a user
runs it, and its whole-process wall, CPU and peak RSS are reported too.

Usage::

    .venv/bin/python bench/analytics/run.py            # 10k, 100k, 1M rows
    .venv/bin/python bench/analytics/run.py --10m      # also 10M rows
    .venv/bin/python bench/analytics/run.py --sizes 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from setia.analytics.scores_csv import (  # noqa: E402
    format_int,
    format_text,
    write_csv_columns,
)

# Daily BG/NBD and rupiah Gamma-Gamma parameters: ~2.4 purchase days per customer
# over two years, mean spend ~ Rp 150.000.
R, ALPHA, A, B = 0.6, 150.0, 0.8, 3.0
P, Q, V = 6.0, 4.0, 15.0
RUPIAH_SCALE = 5000.0
DAYS = 730
START = np.datetime64("2023-09-01")

CHILD = r"""
import io, json, resource, sys, time
cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
t0 = time.perf_counter()
from setia.analytics.cli import run_analyze
import setia.analytics.cli, setia.analytics.clv, setia.analytics.pipeline
t_import = time.perf_counter() - t0
# Per-step timings in CPU seconds (steadier than wall on a shared machine):
# the steps' clock is switched to this process's CPU time.
class _CpuClock:
    perf_counter = staticmethod(time.process_time)
for mod in (setia.analytics.cli, setia.analytics.clv, setia.analytics.pipeline):
    mod.time = _CpuClock
out = io.StringIO()
t1, c1 = time.perf_counter(), time.process_time()
code = run_analyze(sys.argv[1:], out)
wall, run_cpu = time.perf_counter() - t1, time.process_time() - c1
report = json.loads(out.getvalue())
print(json.dumps({
    "code": code,
    "import_s": t_import,
    "run_s": wall,
    "run_cpu_s": run_cpu,
    "cpu_timings": report["timings"],
    "customers": report["customers"],
    "rows": report["rows"],
    "bgnbd": {k: report["bgnbd"][k] for k in ("r", "alpha", "a", "b")},
    "gamma_gamma": {k: report["gamma_gamma"][k] for k in ("p", "q", "v")},
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu0,
}))
"""


def simulate_purchases(
    n_rows: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate exactly `n_rows` purchases: (customer number, day, amount)."""
    per_customer = 2.4  # refined by the loop below
    cust_parts, day_parts, amt_parts = [], [], []
    total = 0
    next_id = 0
    while total < n_rows:
        n = int((n_rows - total) / per_customer) + 100
        birth = rng.uniform(0, DAYS, n)
        lam = rng.gamma(R, 1.0 / ALPHA, n)
        p = rng.beta(A, B, n)
        nu = rng.gamma(Q, 1.0 / V, n)
        ids = np.arange(next_id, next_id + n)
        times = [birth]
        owners = [ids]
        now = birth.copy()
        alive = np.ones(n, dtype=bool)
        while alive.any():
            idx = np.flatnonzero(alive)
            now[idx] += rng.exponential(1.0, idx.size) / lam[idx]
            inside = now[idx] < DAYS
            hit = idx[inside]
            times.append(now[hit].copy())
            owners.append(ids[hit])
            alive[idx[~inside]] = False
            alive[hit[rng.random(hit.size) < p[hit]]] = False
        t = np.concatenate(times)
        o = np.concatenate(owners)
        amount = rng.gamma(P, 1.0 / nu[o - next_id]) * RUPIAH_SCALE
        cust_parts.append(o)
        day_parts.append(np.floor(t).astype(np.int64))
        amt_parts.append(np.round(amount / 500.0) * 500.0)
        total += o.size
        per_customer = max(o.size / n, 1.0)
        next_id += n
    # Keep whole customers (ordered by id) so truncation cuts one history only,
    # not the late purchases of everyone.
    cust = np.concatenate(cust_parts)
    by_customer = np.argsort(cust, kind="stable")[:n_rows]
    cust = cust[by_customer]
    day = np.concatenate(day_parts)[by_customer]
    amt = np.concatenate(amt_parts)[by_customer]
    order = np.argsort(day, kind="stable")  # files are usually in date order
    return cust[order], day[order], amt[order]


def write_purchases(path: Path, cust: np.ndarray, day: np.ndarray, amt: np.ndarray):
    width = max(6, len(str(int(cust.max()))))
    digits, _ = format_int(cust)  # right-aligned, NUL-padded
    digits[digits == 0] = ord("0")
    if digits.shape[1] < width:
        pad = np.full((cust.size, width - digits.shape[1]), ord("0"), dtype=np.uint8)
        digits = np.concatenate([pad, digits], axis=1)
    ids = np.concatenate(
        [np.full((cust.size, 1), ord("C"), dtype=np.uint8), digits[:, -width:]], axis=1
    )
    dates = (START + day).astype("S10")
    write_csv_columns(
        path,
        ["customer_id", "date", "amount"],
        [
            (ids, np.full(cust.size, width + 1)),
            format_text(dates),
            format_int(amt.astype(np.int64)),
        ],
    )


def run_one(path: Path, out: Path) -> dict:
    cmd = [sys.executable, "-c", CHILD, str(path), "--out", str(out), "--json"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


def run_cli(path: Path, out: Path) -> dict:
    """``python -m setia.analytics FILE --out --json`` as a user runs it.

    Wall, CPU (user + sys) and peak RSS of that one process, from ``wait4``.
    """
    cmd = [sys.executable, "-m", "setia.analytics", str(path), "--out", str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--json"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.read().decode())
    proc.stderr.close()
    return {
        "cli_wall_s": wall,
        "cli_cpu_s": usage.ru_utime + usage.ru_stime,
        "cli_rss_mb": usage.ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000]
    )
    parser.add_argument(
        "--10m", dest="ten_m", action="store_true", help="also run 10,000,000 rows"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per size (min and median)"
    )
    args = parser.parse_args()
    sizes = list(args.sizes) + ([10_000_000] if args.ten_m else [])
    rng = np.random.default_rng(0)
    print(
        "min / median over --repeat fresh subprocesses; load average before and "
        "after each size"
    )
    print(
        f"{'rows':>11} {'customers':>10} {'run s':>11} {'run cpu':>11} {'cpu s':>11} "
        f"{'proc s':>11} "
        f"{'RSS MB':>9}  load"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"purchases_{size}.csv"
            write_purchases(path, *simulate_purchases(size, rng))
            load0 = os.getloadavg()[0]
            runs = [run_one(path, Path(tmp) / "scores.csv") for _ in range(args.repeat)]
            cli = [run_cli(path, Path(tmp) / "scores.csv") for _ in range(args.repeat)]
            load1 = os.getloadavg()[0]

            def stat(key: str, runs=runs) -> str:
                values = [r[key] for r in runs]
                return f"{min(values):.2f}/{statistics.median(values):.2f}"

            best = min(runs, key=lambda r: r["run_s"])
            rss = [r["peak_rss_mb"] for r in runs]
            print(
                f"{best['rows']:>11,} {best['customers']:>10,} {stat('run_s'):>11} "
                f"{stat('run_cpu_s'):>11} "
                f"{stat('cpu_s'):>11} {stat('process_wall_s'):>11} "
                f"{min(rss):>4.0f}/{max(rss):<4.0f}  {load0:.1f}->{load1:.1f}"
            )
            steps = " ".join(
                f"{k}={statistics.median(r['cpu_timings'][k] for r in runs):.3f}"
                for k in best["cpu_timings"]
            )
            print(f"{'':>11} median CPU s per step: {steps}")
            print(
                f"{'':>11} whole `python -m setia.analytics` process: wall "
                + stat("cli_wall_s", cli)
                + " s, CPU "
                + stat("cli_cpu_s", cli)
                + f" s, peak RSS {min(c['cli_rss_mb'] for c in cli):.0f}/"
                f"{max(c['cli_rss_mb'] for c in cli):.0f} MB"
            )
            print(
                f"{'':>11} fitted BG/NBD {best['bgnbd']} (true r={R}, alpha={ALPHA}, "
                f"a={A}, b={B} in days / 7 for weeks)"
            )
            print(f"{'':>11} fitted Gamma-Gamma {best['gamma_gamma']}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
