import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from setia.analytics.cli import run_analyze

ROOT = Path(__file__).resolve().parents[3]


def _purchases_csv(path: Path, n: int = 400, seed: int = 0) -> Path:
    """Simulated purchases: BG/NBD event days, spends around Rp 100.000."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.8, 1 / 20.0, n)
    rows = []
    for c in range(n):
        start = int(rng.integers(0, 300))
        t = start
        rows.append((c, t))
        while True:
            t += int(rng.exponential(1 / lam[c])) + 1
            if t >= 600 or rng.random() < 0.1:
                break
            rows.append((c, t))
    base = np.datetime64("2024-01-01")
    lines = ["pelanggan;tanggal;jumlah"]
    for c, t in rows:
        d = (base + t).astype(object)
        amount = int(rng.gamma(6, 20000) // 500 * 500)
        lines.append(f"P{c:04d};{d:%d/%m/%Y};Rp {amount:,}".replace(",", "."))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    return _purchases_csv(tmp_path_factory.mktemp("cli") / "penjualan.csv")


def _run(args):
    out, err = io.StringIO(), io.StringIO()
    code = run_analyze(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_json_report_and_scores_file(csv_file, tmp_path):
    scores = tmp_path / "scores.csv"
    code, out, err = _run([str(csv_file), "--json", "--out", str(scores)])
    assert code == 0, err
    report = json.loads(out)
    assert set(report["bgnbd"]) >= {"r", "alpha", "a", "b"}
    assert set(report["gamma_gamma"]) >= {"p", "q", "v"}
    assert report["customers"] == 400
    assert report["bgnbd"]["fit"]["converged"] is True
    assert report["amount_reading"]["decimal_comma"] is True
    assert report["columns"] == {
        "customer": "pelanggan",
        "date": "tanggal",
        "amount": "jumlah",
    }
    assert {"read_csv", "summary", "rfm", "fit_bgnbd", "write_scores"} <= set(
        report["timings"]
    )
    assert sum(t["customers"] for t in report["pyramid"].values()) == 400
    lines = scores.read_text().splitlines()
    assert lines[0].startswith("customer,frequency,recency,T,monetary")
    assert len(lines) == 401
    first = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert first["customer"] == "P0000"
    assert first["pyramid_tier"] in {"Platinum", "Gold", "Iron", "Lead"}
    assert 0 < float(first["probability_alive"]) <= 1


def test_scores_csv_values_match_the_pipeline(csv_file, tmp_path):
    from setia.analytics.io import read_purchases_csv
    from setia.analytics.pipeline import analyze_purchases

    scores = tmp_path / "s.csv"
    assert _run([str(csv_file), "--out", str(scores), "--time-unit", "day"])[0] == 0
    t = read_purchases_csv(csv_file)
    a = analyze_purchases(t.customer_index, t.date, t.amount, time_unit="day")
    data = np.genfromtxt(
        scores, delimiter=",", names=True, dtype=None, encoding="utf-8"
    )
    assert_allclose(data["probability_alive"], a.value.probability_alive, atol=1e-6)
    assert_allclose(data["clv"], np.round(a.value.clv), atol=0.5)
    assert_allclose(data["recency"], a.summary.recency, atol=1e-4)


def test_calibration_end_adds_evaluation(csv_file):
    code, out, err = _run([str(csv_file), "--json", "--calibration-end", "2025-03-01"])
    assert code == 0, err
    ev = json.loads(out)["evaluation"]
    assert ev["mae"] >= 0 and ev["rmse"] >= ev["mae"]
    assert ev["actual_total"] > 0 and ev["predicted_total"] > 0


def test_human_summary_mentions_amount_reading(csv_file):
    code, out, _ = _run([str(csv_file)])
    assert code == 0
    assert "thousands separator" in out and "Platinum" in out


def test_leading_analyze_word_and_options(csv_file):
    code, out, err = _run(
        [
            "analyze",
            str(csv_file),
            "--json",
            "--pyramid-cutoffs",
            "0.01,0.04,0.15",
            "--horizon",
            "30",
            "--margin",
            "0.4",
        ]
    )
    assert code == 0, err
    assert json.loads(out)["pyramid"]["Platinum"]["customers"] == 4


def test_input_errors_exit_1_with_bilingual_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,date,amount\nA,2025-01-01,1\nB,31/02/2025,2\n")
    code, out, err = _run([str(bad)])
    assert code == 1 and out == ""
    assert "error:" in err and "kesalahan:" in err and "Traceback" not in err


def test_missing_file_and_usage_errors(tmp_path):
    assert _run([str(tmp_path / "nope.csv")])[0] == 1
    code, _, err = _run([str(tmp_path / "x.csv"), "--time-unit", "month"])
    assert code == 2 and "invalid choice" in err
    assert _run([])[0] == 2
    assert _run(["--help"])[0] == 0


def test_too_little_data(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("customer_id,date,amount\nA,2025-01-01,1\nA,2025-01-05,1\n")
    code, _, err = _run([str(one)])
    assert code == 1 and "at least 2" in err


def test_python_dash_m_entry_point(csv_file):
    proc = subprocess.run(
        [sys.executable, "-m", "setia.analytics", str(csv_file), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["customers"] == 400
