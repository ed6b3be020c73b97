"""A sweep's other scenarios in words: where one clearly beats the scenario the sweep is read on, and what it leaves.

A sweep is read on one scenario (:mod:`simulator.report.sweep_report`); these sentences
keep the others in view: the points where another does clearly better (each job's own
paired comparison), and the scenarios the sweep moves nothing in, or only partly: a
swept key the scenario sets itself, or one it has not (a team only another scenario has).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.analysis.comparison import compare
from simulator.analysis.formatting import (
    difference_digits,
    format_signed_amount,
    format_signed_range,
    format_value,
    level_unit,
)
from simulator.analysis.kpi_names import kpi_words
from simulator.analysis.quantities import direction
from simulator.analysis.wording import join_words
from simulator.report.plot_heatmap import best_cell
from simulator.report.sweep_jobs import Sweep, cell_words


@dataclass(frozen=True, slots=True)
class Paired:
    """A job's paired comparison of a scenario with another on one KPI: the difference (scenario less the other)."""

    diff: float
    low: float
    high: float
    significant: bool


def _paired(sweep_dir: Path, job: str, scenario: str, against: str, kpi: str) -> Paired | None:
    """The job's own paired comparison of ``scenario`` with ``against`` on ``kpi`` (None: the job has none).

    Each job compares its scenarios with its baseline with common random numbers (its
    ``comparison.csv``); the pair is taken either way round (a sweep read on another
    scenario than the job's baseline), and compared from the job's runs when neither is it.
    """
    path = sweep_dir / job / "comparison.csv"
    if not path.is_file():
        return None
    table = pd.read_csv(path)
    table = table[table["kpi"] == kpi]
    if "baseline" not in table.columns:  # a job's table of old: every row against the job's baseline
        table = table.assign(baseline=against)
    ahead = table[(table["scenario"] == scenario) & (table["baseline"] == against)]
    if len(ahead):
        return _from_row(ahead.iloc[0])
    behind = table[(table["scenario"] == against) & (table["baseline"] == scenario)]
    if len(behind):
        row = _from_row(behind.iloc[0])
        return Paired(-row.diff, -row.high, -row.low, row.significant)
    return _paired_in_runs(sweep_dir / job / "replications.csv", scenario, against, kpi)


def _from_row(row: pd.Series) -> Paired:
    """A row of a comparison table as :class:`Paired` (a figure it lacks: NaN)."""
    diff, low, high = (float(row.get(column, math.nan)) for column in ("mean_diff", "ci_low", "ci_high"))
    return Paired(diff, low, high, bool(row["significant"]))


def _clear(sweep_dir: Path | None, job: str, scenario: str, kpi: str, sweep_baseline: str) -> bool:
    """True when the job's own paired comparison of ``scenario`` with ``sweep_baseline`` is clear on ``kpi``.

    Without the jobs' folders or a job's ``comparison.csv``, True: the means alone are read.
    """
    if sweep_dir is None or not (sweep_dir / job / "comparison.csv").is_file():
        return True
    paired = _paired(sweep_dir, job, scenario, sweep_baseline, kpi)
    return paired is not None and paired.significant


def _paired_in_runs(path: Path, scenario: str, against: str, kpi: str) -> Paired | None:
    """The job's paired comparison of two scenarios neither of which is its baseline, from its runs.

    A sweep of org_structures read on specialists had left out pods_by_segment's clear
    +$1.22M (95% CI +$526k to +$1.91M): the job's own table compares with generalists alone.
    """
    if not path.is_file():
        return None
    runs = pd.read_csv(path)
    runs = runs[runs["scenario"].isin([scenario, against])]
    if kpi not in runs.columns or set(runs["scenario"]) != {scenario, against}:
        return None
    row = compare(runs, against, kpis=[kpi])
    row = row[(row["scenario"] == scenario) & (row["kpi"] == kpi)]
    if not len(row):
        return None
    return _from_row(row.iloc[0])


def other_scenarios_words(sweep: Sweep, sweep_dir: Path | None = None) -> str:
    """The points where another scenario clearly beats the baseline, so a sweep read on the baseline hides none.

    Clearly: its mean is better and the job's paired 95% CI of the difference excludes zero
    (``sweep_dir``: the jobs' folders; without it, the means alone). A fresh user read
    "specialist does better at 3 of 3 points" on +$45k, each job's CI -$1.13M to +$1.22M.
    """
    kpi = sweep.kpi
    sign = direction(kpi) or 1
    means = sweep.table[sweep.table["kpi"] == kpi].set_index(["scenario", "job"])["mean"]
    rows = sweep.table[(sweep.table["kpi"] == kpi) & (sweep.table["scenario"] == sweep.baseline)]
    words = []
    for other in sweep.scenarios[1:]:
        ahead = []
        for _, row in rows.iterrows():
            theirs = float(means.get((other, row["job"]), float("nan")))
            ours = float(row["mean"])
            better = math.isfinite(theirs) and sign * theirs > sign * ours
            if better and _clear(sweep_dir, str(row["job"]), other, kpi, sweep.baseline):
                values = f"{format_value(kpi, theirs)} against {format_value(kpi, ours)}{level_unit(kpi)}"
                ahead.append(f"{cell_words(sweep, row)} ({values})")
        words += unmoved_words(sweep, other, sweep_dir) + _moved_only_here_words(sweep, other)
        if ahead and not sweep.unmoved(other):  # one design at every point: compared at each by unmoved_words
            shown = "; ".join(ahead[:3]) + (f"; and {len(ahead) - 3} more" if len(ahead) > 3 else "")
            clearly = " clearly" if sweep_dir is not None else ""
            words.append(
                f" {other} does{clearly} better than {sweep.baseline} at {len(ahead)} of {len(rows)} points: {shown}."
            )
    return "".join(words)


def unmoved_words(sweep: Sweep, scenario: str, sweep_dir: Path | None = None) -> list[str]:
    """What the sweep leaves as it is in ``scenario``: the swept keys it sets itself or has not.

    A scenario the sweep moves nothing in is one design at every point: it is compared with
    the scenario the sweep is read on at each point (:func:`_versus_words`; ``sweep_dir``:
    the jobs' folders, for their paired comparisons).
    """
    words = []
    own = sweep.fixed.get(scenario, {})
    lacks = sweep.absent.get(scenario, [])
    figure = _figure(sweep, scenario)
    same = (
        f"{scenario} is the same design at every point" + (f", {kpi_words(sweep.kpi)} {figure}" if figure else "")
        if sweep.unmoved(scenario)
        else f"only the other swept keys move {scenario}"
    )
    if own:  # its own setting of a swept key replaces the sweep's
        lines = join_words([f"{line}" for line in own.values()])
        words.append(
            f" {scenario} sets {lines} itself, so the sweep does not move {'it' if len(own) == 1 else 'them'} "
            f"there: {same}."
        )
    if lacks:  # a key it has not (a team only another scenario has): skipped there when composing
        keys = join_words(lacks)
        words.append(
            f" {scenario} has no {keys}, so the sweep skipped {'it' if len(lacks) == 1 else 'them'} there: {same}."
        )
    if words and sweep.unmoved(scenario) and scenario != sweep.baseline:
        words.append(_versus_words(sweep, scenario, sweep_dir))
    return words


SHOWN_POINTS = 3
"""Points named in each group of a comparison at every point (better, worse, not clear); the rest counted."""


def _versus_words(sweep: Sweep, scenario: str, sweep_dir: Path | None) -> str:
    """`` Against generalist run by run, specialist does worse at k=14 (-$847.0k, 95% CI ...), ...``.

    ``scenario`` is one design at every point; the scenario the sweep is read on moves. Each
    point's job compares the two run by run (its paired comparison: common random numbers),
    so each point reads better, worse or not clearly different, with the difference and its
    95% CI; a point whose job has no comparison (or without ``sweep_dir``) reads on the means alone.
    """
    kpi = sweep.kpi
    sign = direction(kpi)
    up, down = ("better", "worse") if sign else ("higher", "lower")
    means = sweep.table[sweep.table["kpi"] == kpi].set_index(["scenario", "job"])["mean"]
    rows = sweep.table[(sweep.table["kpi"] == kpi) & (sweep.table["scenario"] == sweep.baseline)]
    groups: dict[str, list[str]] = {}
    for _, row in rows.iterrows():
        job = str(row["job"])
        theirs, ours = float(means.get((scenario, row["job"]), math.nan)), float(row["mean"])
        if not (math.isfinite(theirs) and math.isfinite(ours)):
            continue
        paired = _paired(sweep_dir, job, scenario, sweep.baseline, kpi) if sweep_dir is not None else None
        if paired is not None and not math.isfinite(paired.diff):  # a table without the difference: the means
            paired = None
        if paired is None:  # the means alone
            ahead = (sign or 1) * (theirs - ours)
            group = f"has a {up} mean" if ahead > 0 else f"has a {down} mean" if ahead < 0 else "has the same mean"
            figures = f"{format_value(kpi, theirs)} against {format_value(kpi, ours)}{level_unit(kpi)}"
        else:
            ahead = (sign or 1) * paired.diff
            group = f"does {up}" if paired.significant and ahead > 0 else f"does {down}" if paired.significant else ""
            group = group or "is not clearly different"
            extra = difference_digits(kpi, paired.diff, paired.low, paired.high)
            figures = format_signed_amount(kpi, paired.diff, extra)
            if math.isclose(paired.low, paired.high, rel_tol=1e-6, abs_tol=1e-9):
                figures += " in every run"
            elif math.isfinite(paired.low) and math.isfinite(paired.high):
                figures += f", 95% CI {format_signed_range(kpi, paired.low, paired.high, extra)}"
        groups.setdefault(group, []).append(f"{cell_words(sweep, row)} ({figures})")
    if not groups:
        return ""
    order = [f"does {up}", f"does {down}", "is not clearly different"]
    order += [f"has a {up} mean", f"has a {down} mean", "has the same mean"]
    parts = []
    for group in sorted(groups, key=order.index):
        points = groups[group]
        more = len(points) - SHOWN_POINTS
        shown = points[:SHOWN_POINTS] + ([f"{more} more point{'s' if more > 1 else ''}"] if more > 0 else [])
        parts.append(f"{group} at {join_words(shown)}")
    run_by_run = " run by run" if any(g in groups for g in order[:3]) else ""
    return f" Against {sweep.baseline}{run_by_run}, {scenario} " + "; it ".join(parts) + "."


def _figure(sweep: Sweep, scenario: str, job: object | None = None) -> str:
    """``$3.47M (95% CI $3.19M to $3.78M)``: ``scenario``'s mean of the sweep's KPI at ``job`` (default: its first)."""
    rows = sweep.table[(sweep.table["kpi"] == sweep.kpi) & (sweep.table["scenario"] == scenario)]
    if job is not None:
        rows = rows[rows["job"].astype(str) == str(job)]
    if rows.empty or not math.isfinite(float(rows.iloc[0]["mean"])):
        return ""
    row = rows.iloc[0]
    kpi = sweep.kpi
    low, high = float(row["ci_low"]), float(row["ci_high"])
    interval = f" (95% CI {format_value(kpi, low)} to {format_value(kpi, high)})" if math.isfinite(low) else ""
    return f"{format_value(kpi, float(row['mean']))}{level_unit(kpi)}{interval}"


def _moved_only_here_words(sweep: Sweep, scenario: str) -> list[str]:
    """Where ``scenario`` is best when it has swept keys the scenario read on lacks: the answer names none of it.

    Sweeping the CSMs and the SDRs on generalist vs specialist read the answer on
    generalist (no SDR team): specialist's SDRs moved its bookings from $3.20M to $3.40M,
    said only by the heatmap.
    """
    theirs = [k for k in sweep.absent.get(sweep.baseline, []) if k not in sweep.absent.get(scenario, [])]
    theirs = [k for k in theirs if k not in sweep.fixed.get(scenario, {})]
    rows = sweep.table[(sweep.table["kpi"] == sweep.kpi) & (sweep.table["scenario"] == scenario)]
    best = best_cell(rows, sweep.kpi)
    if not theirs or best is None:
        return []
    keys = join_words(theirs)
    return [
        f" {scenario}, which has {keys}, is best at {cell_words(sweep, best)}: {kpi_words(sweep.kpi)} "
        f"{_figure(sweep, scenario, best['job'])}."
    ]
