"""Read the planning side of a result: the plan, the capacity bridge, the bottlenecks.

Shared by the report and the figures. The bottleneck of a period is the (stage, team)
where leads waited longest for a rep, averaged over every visit whose wait ended in
the period across all runs; its queue length says how many leads stood in that line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import draw_of, draw_weights, shares_draws
from simulator.analysis.intervals import t_quantile
from simulator.analysis.kpi_names import POOLED_ATTAINMENT
from simulator.analysis.tables import summary_row
from simulator.run.experiment import ExperimentResult

QUEUES_TABLE = "monthly_queues"
REPS_TABLE = "reps"
CAPACITY_STEPS = (
    ("capacity_gap_attrition", "attrition: seats left empty by leavers and hiring lags"),
    ("capacity_gap_ramp", "ramp: selling time ramping reps lacked (quota x ramp productivity, from the ramp curve)"),
    ("capacity_gap_leakage", "leakage: leads lost untouched or at a hand-off, at the run's stage win rates"),
    ("capacity_gap_queueing", "queueing: deals still waiting for a rep at the end, at stage win rates"),
    ("capacity_gap_cycle", "sales cycle: deals still with the buyer at the end, at stage win rates"),
    ("capacity_gap_carry_in", "carried in: deals already open when the window starts, at stage win rates"),
    (
        "capacity_gap_coverage",
        "pipeline coverage and attainment, the rest: what the leads and win rates booked beyond the assumed "
        "attainment (when negative, capacity the leads did not fill)",
    ),
)


def plan_figure(result: ExperimentResult, scenario: str) -> float | None:
    """The plan the scenario's window was held to (its ``plan_target`` KPI), or None without a plan."""
    runs = result.replications
    if "plan_target" not in runs.columns or "scenario" not in runs.columns:
        return None
    targets = runs.loc[runs["scenario"] == scenario, "plan_target"].dropna()
    return None if targets.empty else float(targets.iloc[0])


NO_BOTTLENECK_DAYS = 0.05
"""A mean wait under this (working days, about 25 minutes of an 8-hour day) names no bottleneck: it shows as 0.0."""


def bottlenecks(result: ExperimentResult) -> pd.DataFrame:
    """The bottleneck per scenario, for the whole window (``period`` = ``all``) and per quarter.

    The stage (and team) with the longest mean wait, weighted by visits, over every
    replication; its queue length is the mean over the table's rows. The queue table is
    read part by part and summed, so a run of any size is never held whole.

    A period whose longest mean wait is under :data:`NO_BOTTLENECK_DAYS` has no
    bottleneck: its row keeps that wait and queue length, with no stage and no team (None).

    Returns:
        Columns ``scenario, period, stage, team, wait_days, queue_length``; empty when the
        result has no queue table.
    """
    columns = ["scenario", "period", "stage", "team", "wait_days", "queue_length"]
    source = result.table_sources.get(QUEUES_TABLE)
    totals = _queue_totals(source.chunks(QUEUE_COLUMNS)) if source is not None else None
    if totals is None:
        return pd.DataFrame(columns=columns)
    rows: list[dict[str, object]] = []
    sums = ["weighted_wait", "visits", "queue_sum", "queue_rows"]
    for scenario, runs in totals.dropna(subset=["stage", "team"]).groupby("scenario", sort=False):
        whole = runs.groupby(["stage", "team"], sort=False)[sums].sum()
        quarters = [(str(q), p.set_index(["stage", "team"])[sums]) for q, p in runs.groupby("quarter", sort=False)]
        for period, grouped in [("all", whole), *quarters]:
            grouped = grouped[grouped["visits"] > 0]
            if grouped.empty:
                continue
            wait = (grouped["weighted_wait"] / grouped["visits"]).to_numpy(dtype=np.float64)
            worst = int(np.argmax(wait))
            stage, team = grouped.index[worst] if wait[worst] >= NO_BOTTLENECK_DAYS else (None, None)
            queue = grouped.iloc[worst]
            rows.append(
                {
                    "scenario": scenario,
                    "period": period,
                    "stage": stage,
                    "team": team,
                    "wait_days": float(wait[worst]),
                    "queue_length": float(queue["queue_sum"] / queue["queue_rows"])
                    if queue["queue_rows"]
                    else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=columns)


QUEUE_COLUMNS = ("scenario", "quarter", "stage", "team", "wait_days", "visits", "queue_length")
"""The queue-table columns :func:`bottlenecks` reads."""


def _queue_totals(pieces: Iterable[pd.DataFrame]) -> pd.DataFrame | None:
    """Per scenario x quarter x stage x team: weighted wait, visits, queue-length sum and rows; None if no rows.

    Groups keep the order they first appear in, piece after piece, as grouping the whole
    table would.
    """
    keys = ["scenario", "quarter", "stage", "team"]
    found = []
    for piece in pieces:
        data = piece.assign(
            weighted_wait=piece["wait_days"].fillna(0.0) * piece["visits"],
            queue_sum=piece["queue_length"],
            queue_rows=piece["queue_length"].notna().astype(np.int64),
        )
        found.append(
            data.groupby(keys, sort=False, dropna=False)[["weighted_wait", "visits", "queue_sum", "queue_rows"]]
            .sum()
            .reset_index()
        )
    if not found:
        return None
    return pd.concat(found, ignore_index=True).groupby(keys, sort=False, dropna=False).sum().reset_index()


def capacity_bridge(summary: pd.DataFrame, scenario: str) -> list[tuple[str, float]] | None:
    """From the spreadsheet figure to simulated bookings: (step, mean) rows, or None if absent."""
    start = summary_row(summary, scenario, "capacity_spreadsheet")
    booked = summary_row(summary, scenario, "bookings")
    if start is None or booked is None:
        return None
    steps = [("capacity plan: seats x quota x assumed attainment", float(start["mean"]))]
    for kpi, words in CAPACITY_STEPS:
        row = summary_row(summary, scenario, kpi)
        steps.append((words, -float(row["mean"]) if row is not None else math.nan))
    steps.append(("simulated bookings", float(booked["mean"])))
    return steps


def attainment_values(result: ExperimentResult, scenario: str) -> np.ndarray:
    """Quota attainment of every counted rep of every run of a scenario (NaNs dropped)."""
    found = _attainments(result).get(scenario)
    return found[0] if found is not None else np.array([])


POOLED_RESAMPLES = 2000


def pooled_attainment_rows(result: ExperimentResult) -> pd.DataFrame:
    """Per scenario, the median quota attainment of all its runs' counted reps pooled, with a 95% CI.

    ``quota_attainment_p50`` is each run's median over its ~10 ramped reps, averaged over
    runs: the median of so few values of a right-skewed attainment reads high (55.3% where
    the reps of all runs together have 50.3%, a fresh user's check). This is the median of
    the reps themselves, as published surveys report it. The CI resamples whole runs
    (their reps share a run's luck), percentile bootstrap widened for few runs
    (:func:`_few_runs_widened`), a fixed generator of its own.
    Rows as the summary table's (``scenario``, ``kpi``, ``n`` runs, ``mean``, ``ci_low``,
    ``ci_high``); empty without a reps table. Worked out once per result. Runs sharing a
    calibrated company's parameter draws (more runs than draws) are resampled draw by draw,
    and every draw weighs the same in the median (its reps by 1 / its runs), as in the summary.
    """
    draws = result.experiment.parameter_draw_count

    def compute() -> pd.DataFrame:
        rows = []
        for scenario, (values, run_of) in _attainments(result).items():
            runs = np.unique(run_of)
            if runs.size < 2:
                continue
            weights = draw_weights(runs, draws)
            clustered = shares_draws(runs, draws)
            units = np.unique(draw_of(runs, draws)) if clustered else runs
            unit_of = np.searchsorted(units, draw_of(run_of, draws) if clustered else run_of)
            own = weights[np.searchsorted(runs, run_of)] if weights is not None else np.ones(values.size)
            order = np.argsort(values, kind="stable")
            ranked, unit_index, own = values[order], unit_of[order], own[order]
            if units.size < 2:
                continue
            generator = np.random.default_rng(0)
            medians = np.empty(POOLED_RESAMPLES)
            for k in range(POOLED_RESAMPLES):  # each resample: runs (or draws) with replacement, their reps' median
                drawn = np.bincount(generator.integers(0, units.size, units.size), minlength=units.size)
                medians[k] = _weighted_median(ranked, drawn[unit_index] * own)
            middle = _weighted_median(ranked, own)
            low, high = _few_runs_widened(middle, medians, int(units.size))
            rows.append(
                {"scenario": scenario, "kpi": POOLED_ATTAINMENT, "n": int(runs.size)}
                | {"mean": middle, "ci_low": low, "ci_high": high}
            )
        return pd.DataFrame(rows)

    return result.derived("pooled_attainment", compute)


def _few_runs_widened(middle: float, medians: np.ndarray, units: int) -> tuple[float, float]:
    """The percentile interval of the resampled medians, widened to ``middle ± t·se`` where that is wider; at least 0.

    A percentile bootstrap over few resampled units is too narrow: it never reaches past
    what those units show, and the bootstrap's variance is ``(n - 1)/n`` of the estimate's
    (Hesterberg 2015, "What Teachers Should Know About the Bootstrap", The American
    Statistician 69(4), the "narrowness bias" behind his expanded percentile interval).
    Two runs whose reps' medians were 28% and 31% read "clear below 43-54%". So the
    interval is also at least the bootstrap's standard error, times ``(n/(n - 1))^½``,
    times Student's t on ``n - 1`` degrees of freedom (``n`` the runs, or the parameter
    draws they share), either side of the median: with 200 runs the two nearly agree, with
    2 runs the t quantile (12.7) rules. The union of the two is this project's choice.
    """
    low, high = (float(v) for v in np.percentile(medians, [2.5, 97.5]))
    if units < 2:
        return low, high
    half = t_quantile(units) * float(np.std(medians, ddof=1)) * math.sqrt(units / (units - 1))
    return max(0.0, min(low, middle - half)), max(high, middle + half)


def _weighted_median(ranked: np.ndarray, weight: np.ndarray) -> float:
    """The median of sorted ``ranked`` values weighing ``weight``: the middle two's mean where the weight splits evenly.

    With equal weights this is NumPy's median (the middle value, or the mean of the two).
    """
    cumulative = np.cumsum(weight)
    half = cumulative[-1] / 2.0
    low = int(np.searchsorted(cumulative, half))  # first reaching half
    high = int(np.searchsorted(cumulative, half, side="right"))  # first passing it
    high = min(high, ranked.size - 1)
    return float((ranked[low] + ranked[high]) / 2.0) if cumulative[low] == half else float(ranked[low])


def _attainments(result: ExperimentResult) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Scenario -> its reps' finite quota attainments and each one's run: the reps table read once per result."""

    def read() -> dict[str, tuple[np.ndarray, np.ndarray]]:
        source = result.table_sources.get(REPS_TABLE)
        reps = source.frame(["scenario", "replication", "quota_attainment"]) if source is not None else pd.DataFrame()
        if reps.empty or "quota_attainment" not in reps or "replication" not in reps:
            return {}
        found = {}
        for scenario, rows in reps.groupby("scenario", sort=False):
            values = rows["quota_attainment"].to_numpy(dtype=np.float64)
            finite = np.isfinite(values)
            found[str(scenario)] = (values[finite], rows["replication"].to_numpy(dtype=np.int64)[finite])
        return found

    return result.derived("quota_attainments", read)
