"""What the terminal prints of an experiment: the results table, and ``--describe``'s summary before a run.

The same words as ``report.md`` (:mod:`simulator.report.document`, which re-exports
both), in plain-text tables: cells ``mean [95% CI]``, a paired difference beside two
scenarios, values cut to fit a terminal's width.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.assumed import effort_paced_kpis, effort_paced_note
from simulator.analysis.decision import decision_kpis, decision_of
from simulator.analysis.formatting import format_nonzero_value, signed_difference
from simulator.analysis.kpi_names import HEADLINE_KPIS, kpi_axis_label
from simulator.analysis.mean_cells import format_mean_cis
from simulator.analysis.plan_window import plan_window_notes
from simulator.analysis.question_words import question_text
from simulator.analysis.tables import (
    comparison_of,
    comparison_row,
    present_kpis,
    scenario_names,
    summary_of,
    summary_row,
    tied_in_every_run,
)
from simulator.analysis.wording import count_of
from simulator.report.markdown import text_table
from simulator.run.differences import difference_rows
from simulator.run.experiment import Experiment, ExperimentResult


def _diff_cell(row: pd.Series | None, kpi: str) -> str:
    if row is None or not math.isfinite(float(row["mean_diff"])):
        return "n/a"
    diff = format_nonzero_value(kpi, float(row["mean_diff"]), signed=True)
    if not math.isfinite(float(row["ci_low"])):
        return diff
    # one precision for the three; a clear bound never reads 0.0
    diff, low, high = signed_difference(kpi, float(row["mean_diff"]), float(row["ci_low"]), float(row["ci_high"]))
    verdict = (
        " (the same in every run)"
        if tied_in_every_run(row)
        else ("" if bool(row["significant"]) else " (no clear diff.)")
    )
    return f"{diff} [{low}, {high}]{verdict}"


def results_table(result: ExperimentResult) -> str:
    """Render the decision KPIs, then the headline KPIs, as a plain-text table for the terminal.

    Rows are the KPIs, columns the scenarios (baseline first), cells
    ``mean [95% CI]``; with exactly two scenarios a last column gives the paired
    difference to the baseline with its CI.
    """
    summary, names = summary_of(result), scenario_names(result)
    with_diff = len(names) == 2
    comparison = comparison_of(result) if with_diff else pd.DataFrame()
    header = ["KPI (mean [95% CI])", *names]
    if with_diff:
        header.append(f"{names[1]} - {names[0]}")
    rows = []
    # the chance of hitting a plan wherever the runs have one: a plan added on the command line had gone unsaid
    kpis = list(dict.fromkeys([*decision_kpis(decision_of(result.experiment)), "hit_plan", *HEADLINE_KPIS]))
    shown = present_kpis(summary, effort_paced_kpis(result, kpis))
    for kpi in shown:
        cells = [kpi_axis_label(kpi), *format_mean_cis([summary_row(summary, s, kpi) for s in names], kpi, words=False)]
        if with_diff:
            cells.append(_diff_cell(comparison_row(comparison, names[1], kpi), kpi))
        rows.append(cells)
    note = effort_paced_note(result, shown)
    return text_table(header, rows) + (f"\n{note}" if note else "")


def _runs_words(experiment: Experiment) -> str:
    """``2,000 runs each``, or under ``runs=auto`` how many it starts with and may reach (it had read the cap alone)."""
    goal = experiment.precision
    if goal is None:
        return f"{experiment.runs:,} runs each"
    return (
        f"runs=auto: {goal.pilot_runs:,} runs each first, then more until the 95% CI of {goal.kpi} is within "
        f"±{goal.relative_half_width:.1%} of its mean, at most {goal.max_runs:,}"
    )


def describe_experiment(experiment: Experiment) -> str:
    """What an experiment compares, before anything runs: its question, then each scenario's differences.

    The notes a run would start with on its window (a dated calendar's window that is not
    whole calendar years, a yearly plan held over another window) are said here too. The
    rows are :func:`simulator.run.differences.difference_rows`, the same as the report's.
    """
    n = len(experiment.scenarios)
    decision = decision_of(experiment)
    guardrails = ", ".join(decision.guardrails) or "none"
    lines = [
        f"{experiment.name}: {question_text(experiment)}".rstrip(": "),
        f"{count_of(n, 'scenario')} (baseline {experiment.baseline}), seed {experiment.seed}, "
        f"{_runs_words(experiment)}.",
        f"Decision KPIs: primary {decision.primary}; guardrails {guardrails}.",
        *[f"Note: {note}." for note in [*experiment.clock_notes(), *plan_window_notes(experiment)]],
    ]
    header, rows = difference_rows(experiment)
    if rows:
        cut = [[_shorten(cell) for cell in row] for row in rows]
        lines += ["What each scenario changes from the baseline (resolved settings):", "", text_table(header, cut)]
        if cut != rows:
            lines += ["", f"(values longer than {DESCRIBE_WIDTH} characters are cut here; report.md shows them whole)"]
    return "\n".join(lines)


DESCRIBE_WIDTH = 60  # a terminal cell; a whole team's settings would make the table too wide to read


def _shorten(cell: str) -> str:
    return cell if len(cell) <= DESCRIBE_WIDTH else cell[: DESCRIBE_WIDTH - 1] + "…"
