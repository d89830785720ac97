"""Side by side: the ``lifetimes`` pipeline against ``setia analyze``.

``lifetimes`` (unmaintained since 2020) is not a project dependency: install
it in a separate, benchmark-only environment, e.g.::

    python3 -m venv /tmp/lifetimes-venv
    /tmp/lifetimes-venv/bin/pip install lifetimes 'pandas<3' 'scipy<1.14' 'numpy<2'

then, with a purchases CSV written by ``run.py`` (or any customer_id, date,
amount file)::

    .venv/bin/python bench/analytics/compare_lifetimes.py FILE.csv \\
        --lifetimes-python /tmp/lifetimes-venv/bin/python

Each side runs as one fresh process, measured with ``wait4`` (wall, CPU,
peak RSS). The lifetimes side does the steps the issue names: read the CSV
(pandas), summary from transactions, BG/NBD fit, Gamma-Gamma fit, expected
purchases over 52 weeks and 12-month CLV for every customer, in weeks (as
``setia analyze`` by default). ``setia analyze`` does the same plus RFM, the
pyramid and writing the scores CSV.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LIFETIMES = r"""
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
t_import = time.perf_counter() - t0
steps = {}
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], usecols=["customer_id", "date", "amount"])
steps["read_csv"] = time.perf_counter() - t
t = time.perf_counter()
s = summary_data_from_transaction_data(
    df, "customer_id", "date", monetary_value_col="amount", freq="W"
)
steps["summary"] = time.perf_counter() - t
t = time.perf_counter()
bg = BetaGeoFitter(penalizer_coef=0.0).fit(s["frequency"], s["recency"], s["T"])
steps["fit_bgnbd"] = time.perf_counter() - t
t = time.perf_counter()
rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
gg = GammaGammaFitter(penalizer_coef=0.0).fit(rep["frequency"], rep["monetary_value"])
steps["fit_gamma_gamma"] = time.perf_counter() - t
t = time.perf_counter()
expected = bg.conditional_expected_number_of_purchases_up_to_time(
    52, s["frequency"], s["recency"], s["T"]
)
clv = gg.customer_lifetime_value(
    bg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
    time=12, freq="W", discount_rate=0.01,
)
steps["predict"] = time.perf_counter() - t
print(json.dumps({
    "customers": int(len(s)),
    "import_s": t_import,
    "steps": steps,
    "bgnbd": {k: float(v) for k, v in bg.params_.items()},
    "gamma_gamma": {k: float(v) for k, v in gg.params_.items()},
    "clv_total": float(clv.sum()),
    "expected_total": float(expected.sum()),
}))
"""


def run(cmd: list[str]) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(err)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "out": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="purchases CSV (customer_id, date, amount)")
    parser.add_argument(
        "--lifetimes-python",
        default="/tmp/lifetimes-venv/bin/python",
        help="python of the environment with lifetimes installed",
    )
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scores = str(Path(tmp) / "scores.csv")
        rows = []
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            life = run([args.lifetimes_python, "-c", LIFETIMES, args.file])
            setia = run(
                [sys.executable, "-m", "setia.analytics", args.file]
                + ["--out", scores, "--json"]
            )
            rows.append((load, life, setia))
    for load, life, setia in rows:
        lt = json.loads(life["out"].strip().splitlines()[-1])
        st = json.loads(setia["out"])
        print(f"load {load:.1f}; {lt['customers']:,} customers")
        for name, r in (("lifetimes", life), ("setia analyze", setia)):
            print(
                f"  {name:<14} wall {r['wall_s']:6.2f} s  CPU {r['cpu_s']:6.2f} s  "
                f"peak RSS {r['rss_mb']:6.0f} MB"
            )
        print(
            f"  ratio lifetimes / setia: wall {life['wall_s'] / setia['wall_s']:.1f}x, "
            f"CPU {life['cpu_s'] / setia['cpu_s']:.1f}x, "
            f"memory {life['rss_mb'] / setia['rss_mb']:.1f}x"
        )
        print(
            "  lifetimes steps (s):", {k: round(v, 2) for k, v in lt["steps"].items()}
        )
        print("  lifetimes BG/NBD:", lt["bgnbd"], " Gamma-Gamma:", lt["gamma_gamma"])
        print(
            "  setia BG/NBD:",
            {k: st["bgnbd"][k] for k in ("r", "alpha", "a", "b")},
            " Gamma-Gamma:",
            {k: st["gamma_gamma"][k] for k in ("p", "q", "v")},
        )
        # lifetimes' CLV has no margin; setia's default margin is 0.3.
        print(
            f"  total CLV at margin 0.3: lifetimes {0.3 * lt['clv_total']:,.0f}, "
            f"setia {st['clv_total']:,.0f} (lifetimes counts calendar weeks)"
        )


if __name__ == "__main__":
    main()
