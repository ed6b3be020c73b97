"""The opening of every report and terminal: the answer, then the scenarios ranked on the decision KPIs.

The answer is :func:`simulator.analysis.answer.answer`; the ranking table has one row per
scenario, best first on the primary KPI: its mean with the 95% CI, the paired
difference to the baseline with its CI, the probability of being the best, then each
guardrail's mean with its CI.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from simulator.analysis.answer import Answer
from simulator.analysis.assignment_reasons import least_loaded_notes
from simulator.analysis.assumed import assumed_answer_words
from simulator.analysis.bookings_factors import bookings_factor_notes
from simulator.analysis.contribution_reasons import contribution_notes
from simulator.analysis.equivalence import equal_words, ranking_practically_equal
from simulator.analysis.formatting import (
    format_amount,
    format_chance,
    format_nonzero_value,
    format_value,
    level_unit,
    same_value,
    signed_difference,
)
from simulator.analysis.handoff_reasons import handoff_notes
from simulator.analysis.kpi_names import kpi_axis_label, kpi_label
from simulator.analysis.mean_cells import format_mean_cis
from simulator.analysis.question_words import question_text
from simulator.analysis.seat_moves import seat_move_notes
from simulator.analysis.tables import summary_of, summary_row
from simulator.analysis.wording import count_of, possessive
from simulator.report.markdown import figure_lines, md_table, text_table
from simulator.run.experiment import COMPARISON_NOTES, ExperimentResult

TERMINAL_WIDTH = 100


def _difference_cell(row: pd.Series, kpi: str, baseline: str) -> str:
    if str(row["scenario"]) == baseline:
        return "baseline"
    diff = format_nonzero_value(kpi, float(row["diff"]), signed=True)
    low, high = float(row["diff_low"]), float(row["diff_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return diff
    if same_value(low, high) and same_value(high, float(row["diff"])):  # every pair of runs differs by this much
        return f"{diff} (the same in every run)"
    verdict = "" if bool(row["significant"]) else ", unclear"
    diff, first, last = signed_difference(kpi, float(row["diff"]), low, high)  # one precision; no bound reads 0
    return f"{diff} ({first} to {last}{verdict})"


def ranking_rows(
    result: ExperimentResult, answer: Answer, words: bool = True, guardrails: bool = True
) -> tuple[list[str], list[list[str]]]:
    """The ranking's header and rows (``words``: ``mean (low to high)``; else ``mean [low, high]``).

    ``guardrails``: add a column per guardrail (the terminal shows them in its KPI table instead).
    """
    decision, ranking = answer.decision, answer.ranking
    kpi, baseline = decision.primary, result.experiment.baseline
    summary = summary_of(result)
    header = ["Rank", "Scenario", kpi_axis_label(kpi), "Against the baseline (95% CI)", "P(best)"]
    shown = decision.guardrails if guardrails else []
    header += [kpi_axis_label(g) for g in shown]  # a cell of days or hours says no unit
    names = [str(n) for n in ranking["scenario"]]
    cells_of = {}  # a column's cells alike (format_mean_cis)
    for k in [kpi, *shown]:
        texts = format_mean_cis([summary_row(summary, n, k) for n in names], k, words, apart=True)
        cells_of[k] = dict(zip(names, texts, strict=True))
    rows = []
    equal = ranking_practically_equal(ranking, baseline)
    for _, row in ranking.iterrows():
        scenario = str(row["scenario"])
        chosen = " (chosen)" if scenario == answer.recommended and len(ranking) > 1 else ""
        p_best = math.nan if equal else float(row["p_best"])
        cells = [
            str(int(row["rank"])),
            scenario + chosen,
            cells_of[kpi][scenario],
            _difference_cell(row, kpi, baseline),
            "equal" if equal else format_chance(p_best) if math.isfinite(p_best) else "-",
        ]
        cells += [cells_of[g][scenario] for g in shown]
        rows.append(cells)
    return header, rows


def question(result: ExperimentResult) -> str:
    """The experiment's question, or one made from its scenarios when it states none."""
    if result.experiment.question:
        return question_text(result.experiment, result.runs_per_scenario)
    names = [s.name for s in result.experiment.scenarios]
    others = [n for n in names if n != result.experiment.baseline]
    if not others:
        return f"What outcomes should we expect from the {result.experiment.baseline} organisation?"
    return f"How do {', '.join(others)} compare with {result.experiment.baseline} (the baseline)?"


def comparison_notes(result: ExperimentResult) -> list[str]:
    """The experiment's caveats, the notes that make the comparison tell nothing, then the runs' own explanations.

    A caveat is the experiment's own (``experiment.caveats``: a calibrated company's thin
    last months, which the forecast of crm-maven had left to calibrate's terminal); a note
    is the composition's (:data:`COMPARISON_NOTES`); an explanation is a mechanism the runs
    show, with their figures (least-loaded assignment qualifying fewer leads though it
    answers them sooner: :mod:`simulator.analysis.assignment_reasons`; a shared queue booking less for
    the hand-offs it adds: :mod:`simulator.analysis.handoff_reasons`; a design that hands leads over at more
    stages and moves seats to a new team: :mod:`simulator.analysis.seat_moves`; a contribution that moves, split
    into bookings and the cost of winning them: :mod:`simulator.analysis.contribution_reasons`; a clear change in
    bookings split into opportunities decided, win rate and average deal size, with the funnel stages behind it,
    for a scenario no other explanation covers: :mod:`simulator.analysis.bookings_factors`).

    ``rep_attrition`` with ``org=specialist`` answered "keep turnover_35" as a finding, with
    the note that no team read the turnover setting far below, in How it was run.
    """
    caveats = (result.experiment.resolved_config.get("experiment") or {}).get("caveats") or []
    notes = result.experiment.resolved_config.get(COMPARISON_NOTES) or []
    reasons = [
        *least_loaded_notes(result),
        *handoff_notes(result),
        *seat_move_notes(result),
    ]  # each starts with its scenario's name
    reasons += contribution_notes(result)
    explained = {
        s.name
        for s in result.experiment.scenarios
        if any(r.startswith((f"{s.name} ", possessive(s.name))) for r in reasons)
    }
    factors = bookings_factor_notes(result, explained)  # bookings split into its factors, where no reason is given
    return [str(note).rstrip(".") for note in [*caveats, *notes, *reasons, *factors]]


def failed_runs_words(result: ExperimentResult) -> str:
    """One sentence on failed replications for the top of the report (see How it was run for each one)."""
    runs = sorted({failure.replication for failure in result.failures})
    shown = ", ".join(str(r) for r in runs[:5]) + (", ..." if len(runs) > 5 else "")
    return (
        f"{count_of(len(result.failures), 'replication')} failed (run {shown}): every scenario is read without "
        "those runs, so the answer rests on fewer runs than asked; How it was run lists the failures, and a resume "
        "runs them again."
    )


def answer_section(result: ExperimentResult, answer: Answer, out_dir: Path, figure: Path | None) -> list[str]:
    """``## The answer``: the paragraph, the question it answers, the ranking table and the decision figure."""
    decision = answer.decision
    lines = ["## The answer", "", answer.paragraph, ""]
    if result.failures:  # the answer stands on fewer runs than asked: said here, not only at the end
        lines += [f"*{failed_runs_words(result)}*", ""]
    assumed = assumed_answer_words(result, summary_of(result))
    if assumed:  # a calibrated company's capacity answer follows from the effort calibrate assumed
        lines += [f"*{assumed}*", ""]
    lines += [f"*Note: {note}.*\n" for note in comparison_notes(result)]
    lines += [f"*The question:* {question(result)}", ""]
    guard = ", ".join(f"`{g}`" for g in decision.guardrails) or "none"
    rule = ""
    if decision.rule is not None and decision.rule.target is not None:
        target = decision.rule.target
        rule += f"; rule: reach {format_value(decision.primary, target)}{level_unit(decision.primary)}"
    if decision.rule is not None and decision.rule.max_worsening:
        limits = ", ".join(
            f"`{k}` worse by at most {format_amount(k, v)}" for k, v in decision.rule.max_worsening.items()
        )
        rule += f"; limits: {limits}"
    lines += [f"*Decision KPIs:* primary `{decision.primary}`; guardrails {guard}{rule}.", ""]
    if answer.ranking.empty:
        return lines
    header, rows = ranking_rows(result, answer)
    lines += [f"## The scenarios, ranked on {kpi_label(decision.primary).lower()}", ""]
    lines += [
        "Mean over runs (95% CI); the difference is paired run by run with the baseline; P(best) is the probability "
        "that the scenario has the truly best mean, from the paired runs, by the statistic of the paired CI (Student "
        "t; McNemar's test for a yes/no KPI): a clear difference between two scenarios reads above 97.5%, and "
        'it reads "equal" when the scenarios '
        f"are practically equal ({equal_words('the baseline')}: none is favoured).",
        "",
        *md_table(header, rows),
        "",
        *figure_lines(figure, out_dir),
    ]
    return lines


def answer_text(result: ExperimentResult, answer: Answer) -> str:
    """The terminal's opening: the answer wrapped to the terminal, then the ranking table."""
    lines = textwrap.wrap("Answer: " + answer.paragraph, TERMINAL_WIDTH)
    assumed = assumed_answer_words(result, summary_of(result))
    lines += textwrap.wrap(assumed, TERMINAL_WIDTH) if assumed else []
    for note in comparison_notes(result):
        lines += textwrap.wrap(f"Note: {note}.", TERMINAL_WIDTH)
    if len(answer.ranking) > 1:
        header, rows = ranking_rows(result, answer, words=False, guardrails=False)
        lines += ["", text_table(header, rows)]
    return "\n".join(lines)
