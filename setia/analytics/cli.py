"""``setia analyze FILE.csv``: score customers from a purchases CSV.

:func:`run_analyze` is the single entry point, used by
``python -m setia.analytics`` and by the Django management command.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib
import json
import math
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from setia.analytics.errors import AnalyticsInputError
from setia.analytics.io import AmountReading, read_purchases_csv
from setia.analytics.pyramid import TIERS

if TYPE_CHECKING:
    from setia.analytics.pipeline import Analysis

# The models (setia.analytics.pipeline -> clv -> scipy.special, ~0.15 s of
# imports) are imported in a background thread while the CSV is read: pyarrow
# and numpy release the GIL while parsing, so on an idle second core most of
# the import is hidden (on a busy machine it simply runs as before).
_MODELS = "setia.analytics.pipeline"

__all__ = ["build_parser", "run_analyze"]


class _UsageError(Exception):
    pass


@dataclass(frozen=True)
class _TableInfo:
    n_rows: int
    columns: tuple[str, str, str]
    amount_reading: AmountReading


class _Parser(argparse.ArgumentParser):
    """ArgumentParser that reports errors instead of exiting the process."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _cutoffs(text: str) -> tuple[float, float, float]:
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            "expected three numbers, e.g. 0.01,0.04,0.15"
        ) from exc
    if len(parts) != 3 or min(parts) < 0 or sum(parts) > 1:
        raise argparse.ArgumentTypeError(
            "expected three shares >= 0 summing to <= 1, e.g. 0.01,0.04,0.15"
        )
    return parts  # type: ignore[return-value]


def _date(text: str) -> np.datetime64:
    try:
        return np.datetime64(text, "D")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    """The ``analyze`` argument parser."""
    p = _Parser(
        prog="setia analyze",
        description="Score customers (RFM, BG/NBD, Gamma-Gamma CLV, pyramid) from a "
        "purchases CSV with customer, date and amount columns.",
    )
    p.add_argument("file", help="CSV file, one row per purchase")
    p.add_argument("--customer", help="customer column (default: auto, e.g. pelanggan)")
    p.add_argument("--date", help="date column (default: auto, e.g. tanggal)")
    p.add_argument("--amount", help="amount column (default: auto, e.g. jumlah)")
    p.add_argument("--delimiter", help="field separator (default: from the header)")
    p.add_argument("--time-unit", choices=("day", "week"), default="week")
    p.add_argument(
        "--calibration-end",
        type=_date,
        help="fit up to this YYYY-MM-DD "
        "and evaluate predictions on the purchases after it",
    )
    p.add_argument(
        "--observation-end",
        type=_date,
        help="last observed day (default: last date in the file)",
    )
    p.add_argument(
        "--horizon",
        type=float,
        help="prediction horizon in time units (default 52 weeks / 365 days)",
    )
    p.add_argument("--margin", type=float, default=0.3, help="gross margin (0.3)")
    p.add_argument(
        "--discount-rate", type=float, default=0.01, help="monthly discount rate (0.01)"
    )
    p.add_argument("--clv-months", type=int, default=12, help="CLV months (12)")
    p.add_argument(
        "--pyramid-cutoffs",
        type=_cutoffs,
        default=(0.25, 0.25, 0.25),
        help="Platinum,Gold,Iron shares (default 0.25,0.25,0.25)",
    )
    comma = p.add_mutually_exclusive_group()
    comma.add_argument(
        "--decimal-comma",
        dest="decimal_comma",
        action="store_true",
        default=None,
        help="amounts like 125.000,50",
    )
    comma.add_argument(
        "--no-decimal-comma",
        dest="decimal_comma",
        action="store_false",
        help="amounts like 125000.50",
    )
    p.add_argument("--out", help="write per-customer scores to this CSV")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def run_analyze(
    argv: list[str] | None, stdout: IO[str] | None = None, stderr: IO[str] | None = None
) -> int:
    """Run ``setia analyze`` and return the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments after ``analyze`` (a leading ``"analyze"`` is accepted);
        default ``sys.argv[1:]``.
    stdout, stderr : text streams, optional
        Where results and errors go (default ``sys.stdout`` / ``sys.stderr``).

    Returns
    -------
    int
        0 on success, 2 for usage errors, 1 for unusable input.
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["analyze"]:
        args_in = args_in[1:]
    parser = build_parser()
    try:
        if any(a in ("-h", "--help") for a in args_in):
            parser.print_help(stdout)
            return 0
        args = parser.parse_args(args_in)
    except _UsageError as exc:
        parser.print_usage(stderr)
        print(f"error: {exc}", file=stderr)
        return 2
    try:
        if os.path.getsize(args.file) >= _BIG_FILE_BYTES:
            _keep_arrays_on_heap()
    except OSError:
        pass  # reading the file reports it
    try:
        return _run(args, stdout)
    except AnalyticsInputError as exc:
        print(f"error: {exc.message_en}\nkesalahan: {exc.message_id}", file=stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot read/write file: {exc}", file=stderr)
        return 1


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters
# From this input size on (~2.5M rows) the temporaries outgrow glibc's 32 MB
# mmap threshold; below it the tuning measured neutral (1M rows) and only
# kept a few MB more resident.
_BIG_FILE_BYTES = 64 << 20


def _keep_arrays_on_heap() -> None:
    """Ask glibc to serve large allocations from the heap, not fresh mmaps.

    By default glibc maps every block above 32 MB afresh and unmaps it when
    freed, and gives the top of the heap back to the system, so each of the
    many large temporaries of a 10M-row run is page-faulted in again; on
    this project's VMs that was ~3.9 of ~13.5 s of CPU (system time) at 10M
    rows. With both thresholds raised, freed blocks are reused: 10M rows
    took 11.0 s instead of 15.8 s wall and 0.85 s instead of 3.9 s system
    time, peak RSS unchanged (~1.5 GB). Process-wide, so only the command
    line does it, for files from `_BIG_FILE_BYTES`; without glibc it is a
    no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, 2**31 - 1)
    mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)


def _import_quietly(name: str) -> None:
    # An import error is raised again, and reported, by the main thread.
    with contextlib.suppress(Exception):
        importlib.import_module(name)


def _run(args: argparse.Namespace, stdout: IO[str]) -> int:
    timings: dict[str, float] = {}
    preload = None
    if _MODELS not in sys.modules:
        preload = threading.Thread(target=_import_quietly, args=(_MODELS,))
        preload.daemon = True
        preload.start()
    started = time.perf_counter()
    try:
        table = read_purchases_csv(
            args.file,
            customer_column=args.customer,
            date_column=args.date,
            amount_column=args.amount,
            decimal_comma=args.decimal_comma,
            delimiter=args.delimiter,
        )
        timings["read_csv"] = time.perf_counter() - started
    finally:
        if preload is not None:
            preload.join()
    from setia.analytics.pipeline import analyze_purchases, write_scores_csv

    analysis = analyze_purchases(
        table.customer_index,
        table.date,
        table.amount,
        time_unit=args.time_unit,
        observation_end=args.observation_end,
        calibration_end=args.calibration_end,
        horizon=args.horizon,
        margin=args.margin,
        discount_rate=args.discount_rate,
        clv_months=args.clv_months,
        pyramid_shares=args.pyramid_cutoffs,
    )
    timings.update(analysis.timings)
    # Keep only what the report and the scores file need from the rows.
    ids, table = (
        table.customer_ids,
        _TableInfo(table.n_rows, table.columns, table.amount_reading),
    )
    if args.out:
        started = time.perf_counter()
        write_scores_csv(args.out, analysis, ids)
        timings["write_scores"] = time.perf_counter() - started
    report = _report(analysis, table, timings, args)
    if args.json:
        stdout.write(json.dumps(_clean(report), ensure_ascii=False) + "\n")
    else:
        stdout.write(_human(report))
    return 0


def _report(
    analysis: Analysis, table, timings: dict[str, float], args
) -> dict[str, Any]:
    value = analysis.value
    nan = float("nan")
    bg = value.bgnbd.params if value.purchase_model == "bgnbd" else {}
    gg = value.gamma_gamma.params if value.spend_model == "gamma_gamma" else {}

    def fit_info(fit) -> dict[str, Any] | None:
        if fit is None:
            return None
        return {
            "converged": fit.converged,
            "iterations": fit.iterations,
            "log_likelihood": fit.log_likelihood,
            "message": fit.message,
            "customers": fit.n_customers,
            "unique_rows": fit.n_unique_rows,
        }

    report: dict[str, Any] = {
        "file": str(args.file),
        "columns": dict(
            zip(("customer", "date", "amount"), table.columns, strict=True)
        ),
        "rows": table.n_rows,
        "customers": analysis.summary.n_customers,
        "repeat_customers": int((analysis.summary.frequency > 0).sum()),
        "observation_end": str(analysis.summary.observation_end),
        "time_unit": analysis.summary.time_unit,
        "amount_reading": {
            "decimal_comma": table.amount_reading.decimal_comma,
            "inferred": table.amount_reading.inferred,
            "reason": table.amount_reading.reason,
        },
        "bgnbd": {k: bg.get(k, nan) for k in ("r", "alpha", "a", "b")}
        | {"fit": fit_info(value.bgnbd)},
        "gamma_gamma": {k: gg.get(k, nan) for k in ("p", "q", "v")}
        | {"fit": fit_info(value.gamma_gamma)},
        "purchase_model": value.purchase_model,
        "spend_model": value.spend_model,
        "fallback_reasons": list(value.fallback_reasons),
        "clv_total": float(value.clv.sum()),
        "pyramid": analysis.pyramid.as_dict(),
        "timings": timings,
    }
    if analysis.evaluation is not None:
        report["evaluation"] = analysis.evaluation.as_dict()
    if args.out:
        report["out"] = args.out
    return report


def _clean(obj: Any) -> Any:
    """Make a report JSON-safe: NaN/inf become null, numpy scalars plain."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _human(r: dict[str, Any]) -> str:
    lines = [
        f"{r['rows']:,} purchases, {r['customers']:,} customers "
        f"({r['repeat_customers']:,} bought again), "
        f"observed to {r['observation_end']}.",
        f"Amounts: {r['amount_reading']['reason']}",
    ]
    if r["purchase_model"] == "bgnbd":
        b = r["bgnbd"]
        lines.append(
            f"BG/NBD ({r['time_unit']}s): r={b['r']:.3f} alpha={b['alpha']:.3f} "
            f"a={b['a']:.3f} b={b['b']:.3f}"
        )
    if r["spend_model"] == "gamma_gamma":
        g = r["gamma_gamma"]
        lines.append(f"Gamma-Gamma: p={g['p']:.3f} q={g['q']:.3f} v={g['v']:.2f}")
    for reason in r["fallback_reasons"]:
        lines.append(f"Fallback: {reason}")
    lines.append(f"Total CLV: {r['clv_total']:,.0f}")
    for name in TIERS:
        t = r["pyramid"][name]
        lines.append(
            f"  {name:<8} {t['customers']:>9,} customers ({t['customer_share']:6.1%}), "
            f"revenue {t['revenue_share']:6.1%}"
        )
    if "evaluation" in r:
        e = r["evaluation"]
        lines.append(
            f"Holdout: MAE {e['mae']:.3f}, RMSE {e['rmse']:.3f}, predicted "
            f"{e['predicted_total']:,.0f} vs actual {e['actual_total']:,.0f} purchases"
        )
    if "out" in r:
        lines.append(f"Scores written to {r['out']}")
    return "\n".join(lines) + "\n"
