"""Whole analysis from purchase arrays to per-customer scores.

:func:`analyze_purchases` is the entry point for callers that already hold
arrays (the ``insights`` app); the command line reads a CSV and calls it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from os import PathLike

import numpy as np

from setia.analytics.clv import (
    CustomerValue,
    customer_value,
    predict_purchases,
    round_idr,
)
from setia.analytics.errors import TooLittleDataError
from setia.analytics.evaluate import Evaluation, holdout_purchases, score_predictions
from setia.analytics.pyramid import (
    DEFAULT_SHARES,
    TIERS,
    PyramidSummary,
    pyramid_summary,
    pyramid_tiers,
)
from setia.analytics.rfm import SEGMENT_LABELS_ID, SEGMENTS, RFMScores, rfm_scores
from setia.analytics.scores_csv import (
    format_categories,
    format_dates,
    format_fixed,
    format_int,
    format_text,
    write_csv_columns,
)
from setia.analytics.summary import (
    PurchaseSummary,
    TimeUnit,
    days_per_unit,
    summarize_purchases,
)

__all__ = ["Analysis", "analyze_purchases", "write_scores_csv", "SCORE_COLUMNS"]

SCORE_COLUMNS = (
    "customer",
    "frequency",
    "recency",
    "T",
    "monetary",
    "first_date",
    "last_date",
    "total_spend",
    "n_purchases",
    "r_score",
    "f_score",
    "m_score",
    "segment",
    "segment_id",
    "pyramid_tier",
    "probability_alive",
    "expected_purchases",
    "expected_spend",
    "clv",
)


@dataclass(frozen=True)
class Analysis:
    """Everything computed for one shop's purchases.

    Arrays are per customer, in the order of ``summary.customer``.

    Attributes
    ----------
    summary : PurchaseSummary
    rfm : RFMScores
    value : CustomerValue
        P(alive), expected purchases/spend, CLV, fits and fallback reasons.
    tier : numpy.ndarray
        Pyramid tier index into `setia.analytics.pyramid.TIERS`.
    pyramid : PyramidSummary
    evaluation : Evaluation or None
        Holdout evaluation when a calibration end was given.
    timings : dict of str to float
        Seconds per step.
    """

    summary: PurchaseSummary
    rfm: RFMScores
    value: CustomerValue
    tier: np.ndarray
    pyramid: PyramidSummary
    evaluation: Evaluation | None = None
    timings: dict[str, float] = field(default_factory=dict)


def analyze_purchases(
    customer: np.ndarray,
    date: np.ndarray,
    amount: np.ndarray,
    *,
    time_unit: TimeUnit = "week",
    observation_end: np.datetime64 | str | None = None,
    calibration_end: np.datetime64 | str | None = None,
    horizon: float | None = None,
    margin: float = 0.3,
    discount_rate: float = 0.01,
    clv_months: int = 12,
    pyramid_shares: tuple[float, float, float] = DEFAULT_SHARES,
    min_repeat_customers: int = 10,
) -> Analysis:
    """Score customers from raw purchases: summary, RFM, CLV and pyramid.

    Parameters
    ----------
    customer : array_like
        Customer key per purchase (int codes are fastest; any sortable dtype).
    date : array_like
        Purchase date per purchase (``datetime64[D]`` or ISO strings).
    amount : array_like
        Amount per purchase (rupiah).
    time_unit : {"week", "day"}
        Model time unit.
    observation_end : datetime64 or str, optional
        Last observed day; default the last purchase date.
    calibration_end : datetime64 or str, optional
        When given, models are fitted (and customers scored) on purchases up
        to this day, and the purchases after it, up to `observation_end`, are
        used to evaluate the predicted purchases.
    horizon : float, optional
        Horizon of ``expected_purchases`` in `time_unit` (default one year).
    margin, discount_rate, clv_months :
        CLV settings: gross margin fraction, monthly discount rate, months.
    pyramid_shares : tuple of three floats
        Platinum, Gold and Iron shares of customers.
    min_repeat_customers : int
        Fewest repeat customers to fit BG/NBD / Gamma-Gamma.

    Returns
    -------
    Analysis

    Raises
    ------
    TooLittleDataError
        Fewer than two customers, or a calibration end outside the data.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    days = np.asarray(date, dtype="datetime64[D]")
    customer = np.asarray(customer)
    if days.size == 0:
        raise TooLittleDataError("There are no purchases.", "Tidak ada pembelian.")
    last = days.max()
    obs_end = last if observation_end is None else np.datetime64(observation_end, "D")
    fit_end = obs_end
    if calibration_end is not None:
        fit_end = np.datetime64(calibration_end, "D")
        if fit_end < days.min() or fit_end >= obs_end:
            raise TooLittleDataError(
                f"Calibration end {fit_end} must lie between the first purchase "
                f"({days.min()}) and the end of observation ({obs_end}).",
                f"Akhir kalibrasi {fit_end} harus di antara pembelian pertama "
                f"({days.min()}) dan akhir pengamatan ({obs_end}).",
            )
    summary = summarize_purchases(customer, days, amount, fit_end, time_unit)
    if summary.n_customers < 2:
        raise TooLittleDataError(
            f"Only {summary.n_customers} customer; at least 2 are needed.",
            f"Hanya {summary.n_customers} pelanggan; minimal 2 diperlukan.",
        )
    timings["summary"] = time.perf_counter() - started

    started = time.perf_counter()
    rfm = rfm_scores(summary)
    timings["rfm"] = time.perf_counter() - started

    value = customer_value(
        summary,
        horizon=horizon,
        margin=margin,
        discount_rate=discount_rate,
        clv_months=clv_months,
        min_repeat_customers=min_repeat_customers,
    )
    timings.update(value.timings)

    started = time.perf_counter()
    tier = pyramid_tiers(value.clv, pyramid_shares)
    pyramid = pyramid_summary(tier, summary.total_spend, value.clv)
    timings["pyramid"] = time.perf_counter() - started

    evaluation = None
    if calibration_end is not None:
        started = time.perf_counter()
        length = float((obs_end - fit_end).astype(np.int64)) / days_per_unit(time_unit)
        predicted = predict_purchases(value, summary, length)
        actual = holdout_purchases(summary.customer, customer, days, fit_end, obs_end)
        evaluation = score_predictions(predicted, actual, length)
        timings["evaluate"] = time.perf_counter() - started
    return Analysis(summary, rfm, value, tier, pyramid, evaluation, timings)


def write_scores_csv(
    path: str | PathLike[str],
    analysis: Analysis,
    customer_ids: np.ndarray | None = None,
    *,
    chunk_rows: int = 65_536,
) -> None:
    """Write one row per customer with the `SCORE_COLUMNS`.

    Money columns (monetary, total_spend, expected_spend, clv) are whole rupiah
    (:func:`setia.analytics.clv.round_idr`). Text ids that a spreadsheet would
    run as a formula (``=HYPERLINK(...)``, ``-x``) are written with a leading
    ``'`` (:func:`setia.analytics.scores_csv.format_text`); numeric columns,
    negative ones included, stay numbers.

    Parameters
    ----------
    path : path-like
        Output CSV.
    analysis : Analysis
    customer_ids : numpy.ndarray, optional
        Display ids indexed by ``analysis.summary.customer`` (when the analysis
        ran on integer codes); default the summary's keys themselves.
    """
    s, v, r = analysis.summary, analysis.value, analysis.rfm
    keys = None if customer_ids is None else np.asarray(customer_ids)
    n = s.n_customers

    def chunk_columns(lo: int) -> list[tuple[np.ndarray, np.ndarray]]:
        sl = slice(lo, min(lo + chunk_rows, n))
        columns = [
            format_text(s.customer[sl] if keys is None else keys[s.customer[sl]]),
            format_int(s.frequency[sl].astype(np.int64)),
            format_fixed(s.recency[sl], 4),
            format_fixed(s.T[sl], 4),
            format_int(round_idr(s.monetary[sl])),
            format_dates(s.first_date[sl]),
            format_dates(s.last_date[sl]),
            format_int(round_idr(s.total_spend[sl])),
            format_int(s.n_purchases[sl]),
            format_int(r.r[sl]),
            format_int(r.f[sl]),
            format_int(r.m[sl]),
            format_categories(r.segment[sl], SEGMENTS),
            format_categories(r.segment[sl], SEGMENT_LABELS_ID),
            format_categories(analysis.tier[sl], TIERS),
            format_fixed(v.probability_alive[sl], 6),
            format_fixed(v.expected_purchases[sl], 6),
            format_int(round_idr(v.expected_spend[sl])),
            format_int(round_idr(v.clv[sl])),
        ]
        return columns

    # Format and write in row chunks so memory stays bounded. (Formatting the
    # chunks in two threads was measured: no faster on the shared 2 cores.)
    # write_csv_columns assembles cache-sized row blocks of each chunk.
    with open(path, "wb") as fh:
        fh.write((",".join(SCORE_COLUMNS) + "\n").encode())
        for lo in range(0, n, chunk_rows):
            write_csv_columns(fh, None, chunk_columns(lo))
