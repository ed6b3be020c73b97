"""A sweep's other scenarios in words: where one clearly beats the scenario the sweep is read on, and what it leaves.

A sweep is read on one scenario (:mod:`simulator.report.sweep_report`); these sentences
keep the others in view: the points where another does clearly better (each job's own
paired comparison), and the scenarios the sweep moves nothing in, or only partly: a
swept key the scenario sets itself, or one it has not (a team only another scenario has).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from simulator.analysis.comparison import compare
from simulator.analysis.formatting import format_value
from simulator.analysis.kpi_names import kpi_words
from simulator.analysis.quantities import direction
from simulator.analysis.wording import join_words
from simulator.report.plot_heatmap import best_cell
from simulator.report.sweep_jobs import Sweep, cell_words


def _clear(sweep_dir: Path | None, job: str, scenario: str, kpi: str, sweep_baseline: str = "") -> bool:
    """True when the job's own paired comparison of ``scenario`` with its baseline is clear on ``kpi`` (no file: True).

    Each job compares its scenarios with common random numbers (its ``comparison.csv``).
    ``sweep_baseline``: the scenario the sweep is read on; the job's comparison of the two
    is taken either way round (a sweep read on another scenario than the job's baseline).
    """
    path = sweep_dir / job / "comparison.csv" if sweep_dir is not None else None
    if sweep_dir is None or path is None or not path.is_file():
        return True
    table = pd.read_csv(path)
    # the job compares each scenario with its own baseline: the pair either way round (a sweep read on another)
    pair = {scenario, sweep_baseline} if sweep_baseline else None
    row = table[(table["kpi"] == kpi) & (table["scenario"] == scenario)]
    if pair is not None and "baseline" in table.columns:
        row = table[(table["kpi"] == kpi) & table["scenario"].isin(pair) & table["baseline"].isin(pair)]
    if not len(row) and sweep_baseline:  # neither is the job's baseline: compared here from the job's runs
        return _clear_in_runs(sweep_dir / job / "replications.csv", scenario, sweep_baseline, kpi)
    return bool(len(row)) and bool(row.iloc[0]["significant"])


def _clear_in_runs(path: Path, scenario: str, against: str, kpi: str) -> bool:
    """The job's paired comparison of two scenarios neither of which is its baseline, from its runs.

    A sweep of org_structures read on specialists had left out pods_by_segment's clear
    +$1.22M (95% CI +$526k to +$1.91M): the job's own table compares with generalists alone.
    """
    if not path.is_file():
        return False
    runs = pd.read_csv(path)
    runs = runs[runs["scenario"].isin([scenario, against])]
    if kpi not in runs.columns or set(runs["scenario"]) != {scenario, against}:
        return False
    row = compare(runs, against, kpis=[kpi])
    row = row[(row["scenario"] == scenario) & (row["kpi"] == kpi)]
    return bool(len(row)) and bool(row.iloc[0]["significant"])


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
                values = f"{format_value(kpi, theirs)} against {format_value(kpi, ours)}"
                ahead.append(f"{cell_words(sweep, row)} ({values})")
        words += unmoved_words(sweep, other) + _moved_only_here_words(sweep, other)
        if ahead:
            shown = "; ".join(ahead[:3]) + (f"; and {len(ahead) - 3} more" if len(ahead) > 3 else "")
            clearly = " clearly" if sweep_dir is not None else ""
            words.append(
                f" {other} does{clearly} better than {sweep.baseline} at {len(ahead)} of {len(rows)} points: {shown}."
            )
    return "".join(words)


def unmoved_words(sweep: Sweep, scenario: str) -> list[str]:
    """What the sweep leaves as it is in ``scenario``: the swept keys it sets itself or has not."""
    words = []
    own = sweep.fixed.get(scenario, {})
    lacks = sweep.absent.get(scenario, [])
    figure = _figure(sweep, scenario)
    same = (
        f"{scenario} is the same design at every point"
        + (f", {kpi_words(sweep.kpi)} {figure}" if figure else "")
        + (f", against {sweep.baseline} at each swept value" if scenario != sweep.baseline else "")
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
    return words


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
    return f"{format_value(kpi, float(row['mean']))}{interval}"


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
