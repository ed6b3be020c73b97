"""The report's "What looks unusual" section and its terminal summary.

Both read :func:`simulator.analysis.benchmarks.benchmark_checks`: each headline figure
of each scenario against the range published for B2B sales organisations, with the
figures outside named first and by how much, then the whole table with its sources.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from simulator.analysis.assignment_reasons import assignment_reasons
from simulator.analysis.assumed import assumed_figures
from simulator.analysis.benchmarks import BenchmarkCheck, benchmark_checks, format_in_unit, range_words
from simulator.analysis.book_reasons import book_reasons
from simulator.analysis.busy_reasons import busy_reasons
from simulator.analysis.carrier_reasons import carrier_reasons
from simulator.analysis.coverage_reasons import coverage_reasons
from simulator.analysis.fast_answers import fast_answer_reasons
from simulator.analysis.fitted_reasons import fitted_reasons
from simulator.analysis.formatting import same_value
from simulator.analysis.idle_reasons import idle_reasons
from simulator.analysis.kpi_names import UTILISATION_PREFIX
from simulator.analysis.load_reasons import load_reasons
from simulator.analysis.mix_reasons import source_mix_reasons
from simulator.analysis.moved_reasons import moved_reasons
from simulator.analysis.pay_reasons import pay_reasons
from simulator.analysis.plan_window import quarter_plans
from simulator.analysis.published_ranges import (
    ARR_PER_ACCOUNT_OWNER,
    BENCHMARKS,
    RATE,
    WORKING_DAYS,
    WORKING_DAYS_A_YEAR,
)
from simulator.analysis.quota_reasons import quota_reasons
from simulator.analysis.refit_floor import scenario_floors
from simulator.analysis.run_figures import summary_with_run_figures
from simulator.analysis.tables import scenario_names, window_years, year_days
from simulator.analysis.unusual_groups import UnusualLine
from simulator.analysis.unusual_words import figure_name, unusual_lines, window_length
from simulator.analysis.utilisation import reserved_by_scenario
from simulator.analysis.window_reasons import YEARLY_ONLY, window_reasons, with_window_reasons
from simulator.analysis.wording import sentence_start
from simulator.run.experiment import ExperimentResult

INTRO = (
    "Each headline figure (mean over runs, with its 95% CI) against the range published for B2B sales "
    "organisations (where a single figure is published, a band salesim draws from it, said so); the sources are "
    "in the last column. A figure outside its range is not necessarily wrong, "
    "but it is the first number a sales leader will question: check the inputs that drive it."
)
TOGETHER = (
    "A figure outside its range in several scenarios is said once, with each scenario's value; a reason they all "
    "give is said once{span}, and a reason only some give, or one whose numbers are paired within each scenario, is "
    "said under it, with theirs."
)
"""Said after :data:`INTRO` when a line names several scenarios; ``{span}`` how a merged range reads, where one is."""
SPAN = ", the numbers it differs on between them as the range they span ({example})"
TERMINAL_SPAN = "; a range in a reason said for several scenarios, such as {example}, spans their own numbers, not a CI"
"""The terminal's word on :data:`SPAN`: "93–95 accounts per rep" had read as a CI, with no word of how it was made;
said only where a reason has such a range, with the first one as its example (a fixed "78–80%" had sent a reader
looking for it in a run that had none)."""


def first_span(lines: list[UnusualLine]) -> str:
    """The first range a merged reason says (``78–80%``), with the word after it when it has no unit; empty if none.

    A count's range alone ("such as 166–169") said nothing of what was counted: it reads
    "such as 166–169 accounts", the word that follows it where the reason says it.
    """
    for line in lines:
        for span in line.spans:
            if any(unit in span for unit in "$%×"):
                return span
            text = " ".join([line.sentence, *(reason for _, reason in line.reasons)])
            found = re.search(rf"(?<![\d.,]){re.escape(span)}(?![\d.,]) ([A-Za-z][\w'-]*)", text)
            noun = found.group(1) if found else ""
            return f"{span} {noun}" if noun and noun.lower() not in _NOT_A_NOUN else span
    return ""


_NOT_A_NOUN = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "than", "the", "to"}
)
"""Words after a range that say nothing of what it counts (``2–4 and``): the range is said alone."""


SIDE_WORDS = {-1: "below", 0: "inside", 1: "above"}
FLOOR_KPIS = frozenset({b.kpi for b in BENCHMARKS} | {b.preferred for b in BENCHMARKS if b.preferred})
"""The KPIs of the runs a benchmarked figure can be: their floors on shared refits are measured."""


def _cell(check: BenchmarkCheck | None, window: float = 1.0) -> str:
    """A figure's cell; ``window``: its scenario's measured window in years, said beside a figure of a whole year."""
    if check is None:
        return "-"
    unit = check.benchmark.unit
    suffix = ""
    if unit == WORKING_DAYS:  # the unit once, after the interval
        unit, suffix = "", " working days"

    digits = _rate_digits(check) if unit == RATE else 1

    def shown(v: float) -> str:
        if digits > 1:
            return f"{v:.{digits}%}"
        return format_in_unit(v, unit) if unit else f"{v:.1f}"

    value = shown(check.value)
    if math.isfinite(check.ci_low) and math.isfinite(check.ci_high):
        value += f" ({shown(check.ci_low)} to {shown(check.ci_high)})"
    elif math.isfinite(check.ci_low) and check.ci_high == math.inf:
        value += f" ({shown(check.ci_low)} or more)"
    elif check.runs < 2:
        value += " (a single run, no CI)"
    if check.window_years != 1.0:
        over = format_in_unit(check.window_value, unit)
        suffix += f" a year ({over} over the {window_length(check.window_years)} window)"
    elif check.benchmark.kpi in YEARLY_ONLY and window_reasons(window):  # 22.3% over 2.4 months read as a year's
        suffix += f" over the {window_length(window)} window"
    basis = f" ({check.basis})" if check.basis else ""
    side = SIDE_WORDS[check.side]
    if check.side and check.runs >= 2 and not check.clear:  # as the sentence above the table says it
        side += ", its CI reaching the range"
    return f"{value}{suffix}, {'from assumed effort' if check.assumed else side}{basis}"


def _rate_digits(check: BenchmarkCheck) -> int:
    """Decimals of a rate's cell: more (up to 4) where an interval would read as one value at 1.

    A win rate of 100% in every run, over its 15,024 opportunities 99.97% to 100%, had read
    "100.0% (100.0% to 100.0%)", as if known exactly (as :func:`~simulator.analysis.mean_cells.format_mean_ci`).
    """
    low, high = check.ci_low, check.ci_high
    if not (math.isfinite(low) and math.isfinite(high)) or same_value(low, high):
        return 1
    return next((d for d in range(1, 4) if f"{low:.{d}%}" != f"{high:.{d}%}"), 4)


def unusual_section(
    summary: pd.DataFrame,
    names: list[str],
    windows: Mapping[str, float] | None = None,
    assumed: Mapping[str, str] | None = None,
    reasons: Mapping[str, Mapping[str, str]] | None = None,
    year_days: Mapping[str, float] | None = None,
    floors: Mapping[str, Mapping[str, float]] | None = None,
    refits: int = 0,
    reserved: Mapping[str, Mapping[str, float]] | None = None,
) -> list[str]:
    """The markdown lines of "What looks unusual" (none when no scenario has a benchmarked figure).

    ``windows``: each scenario's measured window in years (one year when not given);
    yearly figures over another window are converted to a year (``benchmarks.per_year``).
    ``assumed``: scenario -> why its utilisation follows from assumed effort (a calibrated
    company): said as such, not as a figure outside its range. ``reasons``: scenario ->
    KPI -> why its figure is expected outside the range, said beside it
    (:func:`~simulator.analysis.benchmarks.benchmark_checks`). ``year_days``: each scenario's
    working days a year (250 when not given), which a range published in calendar days is
    converted at. ``floors`` and ``refits``: what more runs can narrow where the runs share a
    calibrated company's refits (:func:`~simulator.analysis.unusual_words.unusual_lines`).
    """
    assumed, reasons, days = assumed or {}, reasons or {}, year_days or {}
    spans = windows or {}
    checks = {
        name: benchmark_checks(
            summary,
            name,
            (windows or {}).get(name, 1.0),
            assumed.get(name, ""),
            reasons.get(name),
            days.get(name, WORKING_DAYS_A_YEAR),
            reserved=(reserved or {}).get(name),
        )
        for name in names
    }
    if not any(checks.values()):
        return []
    sentences = unusual_lines(summary, names, windows, assumed, reasons, year_days, floors, refits, reserved)
    together = any(not line.who for line in sentences)
    example = first_span(sentences)
    span = SPAN.format(example=example) if example else ""
    lines = ["## What looks unusual", "", f"{INTRO} {TOGETHER.format(span=span)}" if together else INTRO, ""]
    for line in sentences:
        lines.append(f"- **{line.who}**: {line.sentence}." if line.who else f"- {sentence_start(line.sentence)}.")
        lines += [f"  - **{whose}**: {reason}." for whose, reason in line.reasons]
    keys: dict[tuple[str, str], BenchmarkCheck] = {}
    for found in checks.values():
        for check in found:
            keys.setdefault((check.benchmark.kpi, check.team), check)
    order = [b.kpi for b in BENCHMARKS]
    keys = dict(sorted(keys.items(), key=lambda item: order.index(item[0][0])))  # stable: teams keep their order
    header = ["Figure", "Published range", *names, "Source"]
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (kpi, team), first in keys.items():
        cells = [
            _cell(next((c for c in checks[n] if c.benchmark.kpi == kpi and c.team == team), None), spans.get(n, 1.0))
            for n in names
        ]
        drawn = "" if first.benchmark.range_label == "published" else " (salesim's, from a published figure)"
        row = [figure_name(first), range_words(first.benchmark) + drawn, *cells, first.benchmark.source]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return [*lines, ""]


def _windows(result: ExperimentResult) -> dict[str, float]:
    """Each scenario's measured window in years."""
    return {name: window_years(result.experiment, name) for name in scenario_names(result)}


def _year_days(result: ExperimentResult) -> dict[str, float]:
    """Each scenario's working days a year."""
    return {name: year_days(result.experiment, name) for name in scenario_names(result)}


def _reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> KPI -> why its figure reads outside: fitted, fast desk, queue, idle, load, pay, assignment, moved."""
    found = (
        fitted_reasons(result),
        fast_answer_reasons(result, summary),
        busy_reasons(result, summary),
        idle_reasons(result, summary),
        load_reasons(result, summary),
        pay_reasons(result),
        assignment_reasons(result, summary),
        quota_reasons(result, summary),  # the quota against the bookings, unless the seats moved it:
        carrier_reasons(result, summary),
    )
    reasons = {
        name: {key: words for reasons in found for key, words in reasons.get(name, {}).items()}
        | book_reasons(summary, name)
        | source_mix_reasons(summary, name)
        | coverage_reasons(summary, name, year_days(result.experiment, name), _whole_quarters(result, name))
        for name in scenario_names(result)
    }
    windows = _windows(result)
    moved = moved_reasons(result, summary, windows, reasons, _year_days(result))
    return {name: with_window_reasons({**moved.get(name, {}), **own}, windows[name]) for name, own in reasons.items()}


def _whole_quarters(result: ExperimentResult, name: str) -> list[float]:
    """The plans of the whole quarters a scenario's window holds (none without a quarterly plan)."""
    config = result.experiment.scenario(name).config
    if not isinstance(config.plan.bookings, list):
        return []
    return [q.held for q in quarter_plans(config) if not q.part]


def refit_floors(result: ExperimentResult) -> dict[str, dict[str, float]]:
    """Scenario -> KPI -> how narrow its mean's CI can get on the refits its runs share (none without refits)."""
    draws = result.experiment.parameter_draw_count
    if not draws:
        return {}
    runs = result.replications
    kpis = [
        str(k)
        for k in runs.columns
        if k in FLOOR_KPIS or str(k).startswith((UTILISATION_PREFIX, ARR_PER_ACCOUNT_OWNER, "expansion_share"))
    ]
    return {name: scenario_floors(runs, name, kpis, draws) for name in scenario_names(result)}


def report_unusual_section(result: ExperimentResult) -> list[str]:
    """:func:`unusual_section` for an experiment's result."""
    summary = summary_with_run_figures(result)
    if summary.empty:
        return []
    return unusual_section(
        summary,
        scenario_names(result),
        _windows(result),
        assumed_figures(result),
        _reasons(result, summary),
        _year_days(result),
        refit_floors(result),
        result.experiment.parameter_draw_count,
        _reserved(result),
    )


def _reserved(result: ExperimentResult) -> dict[str, dict[str, float]]:
    """Scenario -> team -> the share of its selling time it reserves for prospecting."""
    return reserved_by_scenario(result)


def unusual_summary(result: ExperimentResult) -> str:
    """The terminal's lines: each figure outside its range once, then each scenario's notes (empty when none apply).

    A line naming several scenarios holds the reasons they share; a reason only some of
    them give is indented under it after the scenarios whose it is.
    """
    summary = summary_with_run_figures(result)
    if summary.empty:
        return ""
    reasons = _reasons(result, summary)
    names, assumed = scenario_names(result), assumed_figures(result)
    lines = unusual_lines(
        summary,
        names,
        _windows(result),
        assumed,
        reasons,
        _year_days(result),
        refit_floors(result),
        result.experiment.parameter_draw_count,
        _reserved(result),
    )
    if not lines:
        return ""
    example = first_span(lines)  # as the report's TOGETHER: how a range in a reason said for several reads
    span = TERMINAL_SPAN.format(example=example) if example else ""
    said = [f"What looks unusual (against published ranges; sources in report.md{span}):"]
    for line in lines:
        said.append(f"  {line.who}: {line.sentence}" if line.who else f"  {sentence_start(line.sentence)}")
        said += [f"    {whose}: {reason}" for whose, reason in line.reasons]
    return "\n".join(said)
