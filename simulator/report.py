"""The human side of an experiment: numbers in words, a terminal table and ``report.md``.

Everything here is written for a sales leader, not a statistician: money as ``$1.23M``,
rates as percentages, differences with their 95% confidence interval and the share of
paired runs in which a scenario did better. Every sentence is built from the result
tables, never hard-coded, so the report says what the runs say.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from simulator.analysis import COMPARISON_COLUMNS, SUMMARY_COLUMNS, compare, summarise
from simulator.experiment import ExperimentResult

HEADLINE_KPIS = (
    "bookings",
    "deals_won",
    "win_rate",
    "cycle_time_days_p50",
    "first_touch_hours_mean",
    "deals_lost_leaked",
)
SUPPORTING_KPIS = ("leads_total", "deals_lost", "lead_to_win_rate", "avg_deal_size", "open_pipeline_value")
UTILISATION_PREFIX = "utilisation_"
STAGE_LEAKED_PREFIX = "stage_leaked_"
UTILISATION_CEILING = 0.85  # BENCHMARKS.md: plan with 70-85% utilisation of selling time
UTILISATION_FLOOR = 0.70

KPI_LABELS = {
    "bookings": "Bookings",
    "deals_won": "Deals won",
    "deals_lost": "Deals lost",
    "deals_lost_disqualified": "Deals lost (disqualified)",
    "deals_lost_leaked": "Leads leaked (lost untouched)",
    "deals_lost_handoff": "Deals lost at hand-off",
    "win_rate": "Win rate",
    "lead_to_win_rate": "Lead-to-win rate",
    "avg_deal_size": "Average deal size",
    "leads_total": "Leads",
    "cycle_time_days_mean": "Mean sales cycle",
    "cycle_time_days_p50": "Median sales cycle",
    "cycle_time_days_p90": "Sales cycle, slowest 10%",
    "first_touch_hours_mean": "Mean time to first touch",
    "first_touch_hours_p90": "Time to first touch, slowest 10%",
    "open_pipeline_count": "Open deals at the end",
    "open_pipeline_value": "Open pipeline value at the end",
}
_PREFIX_LABELS = (
    ("utilisation_", "Utilisation of {}"),
    ("stage_entries_", "Leads entering {}"),
    ("stage_conversion_", "Conversion at {}"),
    ("stage_wait_days_", "Wait before work at {}"),
    ("stage_leaked_", "Leads leaked at {}"),
    ("leads_", "Leads from {}"),
)
UNIT_WORDS = {"money": "$", "rate": "%", "days": "working days", "hours": "hours", "count": ""}

# Sentence templates for headline KPIs: text, the words for (higher, lower), whether the
# amount is per period (a flow) and so takes "per year".
_PHRASES: dict[str, tuple[str, tuple[str, str], bool]] = {
    "bookings": ("{s} books {amount} {word} than {b}{period}", ("more", "less"), True),
    "deals_won": ("{s} wins {amount} {word} deals than {b}{period}", ("more", "fewer"), True),
    "win_rate": ("{s}'s win rate is {amount} {word} than {b}'s", ("higher", "lower"), False),
    "cycle_time_days_p50": (
        "{s}'s median sales cycle is {amount} {word} than {b}'s",
        ("longer", "shorter"),
        False,
    ),
    "first_touch_hours_mean": (
        "{s} makes the first touch on a new lead {amount} {word} than {b} on average",
        ("later", "sooner"),
        False,
    ),
    "deals_lost_leaked": (
        "{s} lets {amount} {word} leads leak (lost untouched past their wait limit) than {b}{period}",
        ("more", "fewer"),
        True,
    ),
}


# ---------------------------------------------------------------------------- words and numbers


def kpi_unit(kpi: str) -> str:
    """Return the unit family of a KPI: ``money``, ``rate``, ``days``, ``hours`` or ``count``."""
    if kpi in ("bookings", "avg_deal_size", "open_pipeline_value") or kpi.startswith(("cost", "bookings")):
        return "money"
    if kpi.endswith("_rate") or kpi.startswith(("stage_conversion_", UTILISATION_PREFIX)):
        return "rate"
    if "_days" in kpi:
        return "days"
    if "_hours" in kpi:
        return "hours"
    return "count"


def kpi_label(kpi: str) -> str:
    """Return a plain-words name for a KPI (``cycle_time_days_p50`` -> ``Median sales cycle``)."""
    if kpi in KPI_LABELS:
        return KPI_LABELS[kpi]
    for prefix, template in _PREFIX_LABELS:
        if kpi.startswith(prefix):
            name = kpi.removeprefix(prefix)
            return template.format(
                team_label(name) if prefix == UTILISATION_PREFIX else name.replace("_", " ")
            )
    return kpi.replace("_", " ").capitalize()


def kpi_axis_label(kpi: str) -> str:
    """Return a KPI's name with its unit in brackets, for an axis or a table row."""
    unit = UNIT_WORDS[kpi_unit(kpi)]
    return f"{kpi_label(kpi)} ({unit})" if unit else kpi_label(kpi)


def team_label(team: str) -> str:
    """Return a readable team name: short role codes in capitals (``sdr`` -> ``SDR``)."""
    return team.upper() if len(team) <= 3 else team.replace("_", " ")


def format_money(value: float, signed: bool = False) -> str:
    """Format an amount of money compactly: ``$1.23M``, ``$45.6k``, ``$950``."""
    if not math.isfinite(value):
        return "n/a"
    if round(value) == 0:
        value = 0.0
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    size = abs(value)
    if size >= 1e9:
        body = f"{size / 1e9:.2f}B"
    elif size >= 1e6:
        body = f"{size / 1e6:.2f}M"
    elif size >= 1e3:
        body = f"{size / 1e3:.1f}k"
    else:
        body = f"{size:.0f}"
    return f"{sign}${body}"


def format_value(kpi: str, value: float, signed: bool = False) -> str:
    """Format one value of a KPI for a table; rates as %, days and hours with 1 decimal.

    Args:
        kpi: Name of the KPI (decides the unit).
        value: The value.
        signed: Show a ``+`` on positive values and rates as percentage points
            (for differences).
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    unit = kpi_unit(kpi)
    if unit == "money":
        return format_money(value, signed)
    if unit == "rate" and signed:
        points = _no_negative_zero(value * 100, 1)
        return f"{points:{'+' if points else ''}.1f} pts"
    if unit == "rate":
        return f"{value:.1%}"
    decimals = 1 if unit in ("days", "hours") or abs(value) < 100 else 0
    shown = _no_negative_zero(value, decimals)
    return f"{shown:{'+' if signed and shown else ''},.{decimals}f}"


def _no_negative_zero(value: float, decimals: int) -> float:
    """Return 0.0 for values that round to zero, so a table never shows ``-0.0`` or ``+0.0``."""
    return 0.0 if round(value, decimals) == 0 else value


def format_amount(kpi: str, value: float) -> str:
    """Format a size of difference for a sentence, with its unit (``3.4 days``, ``2.1 points``)."""
    unit = kpi_unit(kpi)
    size = abs(value)
    if unit == "money":
        return format_money(size)
    if unit == "rate":
        return f"{size * 100:.1f} points"
    if unit == "days":
        return f"{size:.1f} working days"
    if unit == "hours":
        return f"{size:.1f} hours"
    return f"{size:,.1f}" if size < 100 else f"{size:,.0f}"


def format_signed_amount(kpi: str, value: float) -> str:
    """Format a difference for a sentence with its sign and unit (``+3.4 working days``); no sign on zero."""
    text = format_amount(kpi, value)
    if text == format_amount(kpi, 0.0):
        return text
    return f"{'+' if value > 0 else '-'}{text}"


def format_percent(value: float, signed: bool = True) -> str:
    """Format a share as a percentage with one decimal (``+8.1%``)."""
    if not math.isfinite(value):
        return "n/a"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def _sentence_start(name: str) -> str:
    return name[:1].upper() + name[1:]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------------- tables of the result


def summary_of(result: ExperimentResult) -> pd.DataFrame:
    """Return the result's summary table, computing it from the replications if it is empty."""
    if result.summary is not None and not result.summary.empty:
        return result.summary
    if "scenario" not in result.replications.columns:  # every run failed: nothing to summarise
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    return summarise(result.replications)


def comparison_of(result: ExperimentResult) -> pd.DataFrame:
    """Return the result's comparison table, computing it from the replications if it is empty."""
    if result.comparison is not None and not result.comparison.empty:
        return result.comparison
    runs = result.replications
    names = set(runs["scenario"]) if "scenario" in runs.columns else set()
    if result.experiment.baseline not in names or len(names) < 2:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    return compare(result.replications, result.experiment.baseline)


def scenario_names(result: ExperimentResult) -> list[str]:
    """Return the scenario names, baseline first, then in the experiment's order."""
    names = [spec.name for spec in result.experiment.scenarios]
    baseline = result.experiment.baseline
    return [baseline, *[n for n in names if n != baseline]] if baseline in names else names


def _summary_row(summary: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    rows = summary[(summary["scenario"] == scenario) & (summary["kpi"] == kpi)]
    return None if rows.empty else rows.iloc[0]


def _comparison_row(comparison: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    if comparison.empty:
        return None
    rows = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
    return None if rows.empty else rows.iloc[0]


def _window_words(result: ExperimentResult) -> str:
    """Return the measurement window in words (``one year``, ``6 months``)."""
    period = _period(result)
    return "one year" if period == " per year" else period.removeprefix(" over ")


def _period(result: ExperimentResult) -> str:
    """Return the words for the measurement window (`` per year`` for a 250-day window)."""
    clock = result.experiment.scenarios[0].config.clock
    window = clock.horizon_days - clock.warmup_days
    if abs(window - 250.0) < 1.0:
        return " per year"
    months = window / clock.days_per_month
    return f" over {months:.0f} months" if months >= 1 else f" over {window:.0f} working days"


# ---------------------------------------------------------------------------- the conclusion


def difference_sentence(row: pd.Series, period: str = " per year") -> str:
    """Put one paired comparison (a row of the comparison table) into a plain sentence.

    Args:
        row: A row of :func:`simulator.analysis.compare`'s table.
        period: Words for the measurement window, appended to flow KPIs.

    Returns:
        A sentence giving the difference, its 95% CI (relative to the baseline when the
        baseline is non-zero) and the share of paired runs in which the scenario did
        better, or saying there is no clear difference when the CI includes zero.
    """
    kpi, s, b = str(row["kpi"]), str(row["scenario"]), str(row["baseline"])
    if int(row["n_pairs"]) < 2 or not math.isfinite(float(row["mean_diff"])):
        return f"{kpi_label(kpi)}: not enough paired runs to compare {s} with {b}."
    interval = _interval_words(row)
    if not bool(row["significant"]):
        return (
            f"{kpi_label(kpi)}: no clear difference between {s} and {b} "
            f"(mean difference {format_signed_amount(kpi, float(row['mean_diff']))}; "
            f"the 95% CI, {interval}, includes zero)."
        )
    return f"{_difference_phrase(row, period)} ({_relative_words(row)}), {_share_words(row)}."


def _difference_phrase(row: pd.Series, period: str) -> str:
    kpi, diff = str(row["kpi"]), float(row["mean_diff"])
    s, b = _sentence_start(str(row["scenario"])), str(row["baseline"])
    template, (higher, lower), is_flow = _PHRASES.get(
        kpi,
        ("{s}'s " + kpi_label(kpi).lower() + " is {amount} {word} than {b}'s", ("higher", "lower"), False),
    )
    word = higher if diff > 0 else lower
    return template.format(
        s=s, b=b, amount=format_amount(kpi, diff), word=word, period=period if is_flow else ""
    )


def _interval_words(row: pd.Series) -> str:
    base = float(row["baseline_mean"])
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if math.isfinite(base) and base != 0.0:
        return f"{format_percent(low / abs(base))} to {format_percent(high / abs(base))}"
    kpi = str(row["kpi"])
    return f"{format_value(kpi, low, signed=True)} to {format_value(kpi, high, signed=True)}"


def _relative_words(row: pd.Series) -> str:
    relative = float(row["relative_diff"])
    head = f"{format_percent(relative)}, " if math.isfinite(relative) else ""
    return f"{head}95% CI {_interval_words(row)}"


def _share_words(row: pd.Series) -> str:
    share = float(row["share_better"])
    if int(row["direction"]) == 0:
        return f"and is higher in {share:.0%} of paired runs"
    only = "only " if share < 0.5 else ""
    return f"and does better in {only}{share:.0%} of paired runs"


def bottleneck_sentence(summary: pd.DataFrame, scenario: str) -> str | None:
    """Name the busiest team of a scenario and say whether it is past the 85% planning ceiling.

    Returns:
        A sentence, or None when the scenario reports no utilisation.
    """
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(UTILISATION_PREFIX)]
    rows = rows[rows["mean"].notna()]
    if rows.empty:
        return None
    top = rows.iloc[int(rows["mean"].to_numpy().argmax())]
    team = team_label(str(top["kpi"]).removeprefix(UTILISATION_PREFIX))
    mean = float(top["mean"])
    ci = ""
    if math.isfinite(float(top["ci_low"])):
        ci = f" (95% CI {float(top['ci_low']):.1%} to {float(top['ci_high']):.1%})"
    head = f"In {scenario}, the busiest team is the {team} team, busy {mean:.1%} of its selling time{ci}"
    if mean > UTILISATION_CEILING:
        ceiling = f"above the {UTILISATION_CEILING:.0%} planning ceiling"
        return f"{head}: {ceiling}, so it is the bottleneck and leads queue for it."
    if mean >= UTILISATION_FLOOR:
        return f"{head}: within the 70-85% planning range, so no team is overloaded."
    return f"{head}: below the 70-85% planning range, so every team has spare capacity."


def leakage_sentence(
    summary: pd.DataFrame, scenario: str, stage_descriptions: dict[str, str], period: str = " per year"
) -> str | None:
    """Name the stage where a scenario loses the most leads to leakage (untouched too long).

    Returns:
        A sentence, or None when the scenario reports no leakage by stage.
    """
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(STAGE_LEAKED_PREFIX)]
    rows = rows[rows["mean"].notna()]
    if rows.empty:
        return None
    total = float(rows["mean"].sum())
    if total <= 0.0:
        return f"In {scenario}, no leads leak at any stage."
    top = rows.iloc[int(rows["mean"].to_numpy().argmax())]
    stage = str(top["kpi"]).removeprefix(STAGE_LEAKED_PREFIX)
    about = f" ({stage_descriptions[stage]})" if stage_descriptions.get(stage) else ""
    mean = float(top["mean"])
    return (
        f"In {scenario}, most leaked leads are lost at the {stage.replace('_', ' ')} stage{about}: "
        f"{mean:,.0f}{period} on average, {mean / total:.0%} of all leaked leads."
    )


def _stage_descriptions(result: ExperimentResult, scenario: str) -> dict[str, str]:
    stages = result.experiment.scenario(scenario).config.pipeline.stages
    return {stage.name: stage.description for stage in stages}


def conclusion(result: ExperimentResult) -> list[str]:
    """Say in plain words what the experiment found, drawing every figure from the result.

    For each non-baseline scenario and headline KPI, one sentence with the paired
    difference, its 95% CI and the share of paired runs it did better in; then, per
    scenario, the busiest team (flagged past 85% utilisation) and the leakiest stage.

    Returns:
        The sentences, in reading order.
    """
    summary, comparison, period = summary_of(result), comparison_of(result), _period(result)
    names = scenario_names(result)
    sentences: list[str] = []
    for scenario in names[1:]:
        for kpi in HEADLINE_KPIS:
            row = _comparison_row(comparison, scenario, kpi)
            if row is not None:
                sentences.append(difference_sentence(row, period))
    for scenario in names:
        sentences.extend(
            sentence
            for sentence in (
                bottleneck_sentence(summary, scenario),
                leakage_sentence(summary, scenario, _stage_descriptions(result, scenario), period),
            )
            if sentence
        )
    return sentences


# ---------------------------------------------------------------------------- the terminal table


def _cell(row: pd.Series | None, kpi: str) -> str:
    if row is None or not math.isfinite(float(row["mean"])):
        return "n/a"
    mean = format_value(kpi, float(row["mean"]))
    if not math.isfinite(float(row["ci_low"])):
        return mean
    return f"{mean} [{format_value(kpi, float(row['ci_low']))}, {format_value(kpi, float(row['ci_high']))}]"


def _diff_cell(row: pd.Series | None, kpi: str) -> str:
    if row is None or not math.isfinite(float(row["mean_diff"])):
        return "n/a"
    diff = format_value(kpi, float(row["mean_diff"]), signed=True)
    if not math.isfinite(float(row["ci_low"])):
        return diff
    low = format_value(kpi, float(row["ci_low"]), signed=True)
    high = format_value(kpi, float(row["ci_high"]), signed=True)
    return f"{diff} [{low}, {high}]{'' if bool(row['significant']) else ' (no clear diff.)'}"


def _text_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    body = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in body) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def results_table(result: ExperimentResult) -> str:
    """Render the headline KPIs as a plain-text table for the terminal.

    Rows are the headline KPIs, columns the scenarios (baseline first), cells
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
    for kpi in _present(summary, HEADLINE_KPIS):
        cells = [kpi_axis_label(kpi), *[_cell(_summary_row(summary, s, kpi), kpi) for s in names]]
        if with_diff:
            cells.append(_diff_cell(_comparison_row(comparison, names[1], kpi), kpi))
        rows.append(cells)
    return _text_table(header, rows)


def _present(summary: pd.DataFrame, kpis: Iterable[str]) -> list[str]:
    known = set(summary["kpi"])
    return [k for k in kpis if k in known]


# ---------------------------------------------------------------------------- report.md


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename.

    A reader (or a crashed run) never sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows)
    return lines


def _title(result: ExperimentResult) -> str:
    return _sentence_start(result.experiment.name.replace("_", " "))


def _question(result: ExperimentResult) -> str:
    if result.experiment.question:
        return result.experiment.question
    names = scenario_names(result)
    if len(names) == 1:
        return f"What outcomes should we expect from the {names[0]} organisation?"
    return f"How do {', '.join(names[1:])} compare with {names[0]} (the baseline)?"


def _scenarios_section(result: ExperimentResult) -> list[str]:
    rows = []
    for name in scenario_names(result):
        spec = result.experiment.scenario(name)
        org = spec.config.org
        teams = ", ".join(f"{team_label(t)}: {team.headcount} reps" for t, team in org.teams.items())
        role = " (baseline)" if name == result.experiment.baseline else ""
        rows.append([f"**{name}**{role}", spec.description or org.description or org.name, teams])
    return ["## The scenarios", "", *_md_table(["Scenario", "Org design", "Teams (headcount)"], rows)]


def _how_run_section(result: ExperimentResult) -> list[str]:
    exp = result.experiment
    clock = exp.scenarios[0].config.clock
    window = clock.horizon_days - clock.warmup_days
    lines = [
        "## How it was run",
        "",
        f"- **{exp.runs:,} runs per scenario**, each simulating {window:.0f} working days "
        f"({_window_words(result)}) of leads, deals and reps"
        + (f", after a {clock.warmup_days:.0f}-day warm-up." if clock.warmup_days > 0 else "."),
        f"- **Seed {exp.seed}**: rerunning with this seed gives exactly these numbers.",
        "- **Common random numbers**: run *r* of every scenario replays the same leads with the same luck, "
        "so the difference between scenarios in run *r* comes from the org design, not from chance.",
        f"- **Wall time** {result.wall_seconds:,.1f} s on {result.workers} worker(s).",
    ]
    return [*lines, *_failures_lines(result)]


def _failures_lines(result: ExperimentResult, shown: int = 10) -> list[str]:
    if not result.failures:
        return ["- **No run failed.**"]
    lines = [f"- **{len(result.failures)} run(s) failed** and are left out of every number below:"]
    for failure in result.failures[:shown]:
        first_line = (failure.error.strip().splitlines() or [""])[0]
        lines.append(
            f"  - {failure.scenario}, run {failure.replication} (seed {failure.seed}): "
            f"{_md_escape(first_line)}"
        )
    if len(result.failures) > shown:
        lines.append(f"  - ... and {len(result.failures) - shown} more.")
    return lines


def _report_kpis(summary: pd.DataFrame) -> list[str]:
    utilisation = [k for k in pd.unique(summary["kpi"]) if str(k).startswith(UTILISATION_PREFIX)]
    return _present(summary, [*HEADLINE_KPIS, *SUPPORTING_KPIS, *utilisation])


def _key_numbers_section(result: ExperimentResult) -> list[str]:
    summary, names = summary_of(result), scenario_names(result)
    kpis = _report_kpis(summary)
    means = [[kpi_axis_label(k), *[_md_cell(_summary_row(summary, s, k), k) for s in names]] for k in kpis]
    spread = [
        [kpi_axis_label(k), *[_spread_cell(_summary_row(summary, s, k), k) for s in names]] for k in kpis
    ]
    return [
        "## Key numbers",
        "",
        "Average over all runs, with its 95% confidence interval:",
        "",
        *_md_table(["KPI", *names], means),
        "",
        "Range of single runs (P10 / P50 / P90) - what a low, a typical and a high year look like:",
        "",
        *_md_table(["KPI", *names], spread),
    ]


def _md_cell(row: pd.Series | None, kpi: str) -> str:
    if row is None or not math.isfinite(float(row["mean"])):
        return "-"
    if not math.isfinite(float(row["ci_low"])):
        return format_value(kpi, float(row["mean"]))
    low, high = format_value(kpi, float(row["ci_low"])), format_value(kpi, float(row["ci_high"]))
    return f"{format_value(kpi, float(row['mean']))} ({low} to {high})"


def _spread_cell(row: pd.Series | None, kpi: str) -> str:
    if row is None or not math.isfinite(float(row["p50"])):
        return "-"
    return " / ".join(format_value(kpi, float(row[q])) for q in ("p10", "p50", "p90"))


def _verdict(row: pd.Series) -> str:
    if not bool(row["significant"]):
        return "no clear difference"
    if int(row["direction"]) == 0:
        return "higher" if float(row["mean_diff"]) > 0 else "lower"
    return "better" if int(row["direction"]) * float(row["mean_diff"]) > 0 else "worse"


def _comparison_section(result: ExperimentResult) -> list[str]:
    names = scenario_names(result)
    if len(names) < 2:
        return []
    comparison, summary = comparison_of(result), summary_of(result)
    lines = ["## Each scenario against the baseline", ""]
    for scenario in names[1:]:
        rows = []
        for kpi in _report_kpis(summary):
            row = _comparison_row(comparison, scenario, kpi)
            if row is not None and int(row["n_pairs"]) > 0:
                rows.append(_comparison_cells(row, kpi))
        header = ["KPI", names[0], scenario, "Difference", "95% CI of difference", "Better in", "Verdict"]
        lines += [f"**{scenario}** vs **{names[0]}**, paired run by run:", "", *_md_table(header, rows), ""]
    return lines


def _comparison_cells(row: pd.Series, kpi: str) -> list[str]:
    relative = float(row["relative_diff"])
    rel = f" ({format_percent(relative)})" if math.isfinite(relative) else ""
    better = f"{float(row['share_better']):.0%} of runs" if int(row["direction"]) != 0 else "-"
    return [
        kpi_axis_label(kpi),
        format_value(kpi, float(row["baseline_mean"])),
        format_value(kpi, float(row["scenario_mean"])),
        format_value(kpi, float(row["mean_diff"]), signed=True) + rel,
        _interval_words(row),
        better,
        _verdict(row),
    ]


PLOT_TITLES = {
    "funnel": (
        "Funnel by stage",
        "Leads entering each stage, the share that converts and the number that leak.",
    ),
    "kpi_distributions": (
        "How results vary from run to run",
        "Boxes hold the middle half of runs; whiskers P10-P90.",
    ),
    "paired_differences": (
        "Differences against the baseline",
        "Paired mean difference as % of the baseline with its 95% CI; "
        "green is better, red worse, grey unclear.",
    ),
    "bookings_fan": ("Bookings through the year", "Cumulative bookings: median run and the P10-P90 band."),
    "utilisation": ("How busy each team is", "Share of selling time spent working deals; plan for 70-85%."),
}


def _plots_section(plots: Sequence[Path], out_dir: Path) -> list[str]:
    if not plots:
        return []
    lines = ["## Plots", ""]
    for plot in plots:
        title, caption = PLOT_TITLES.get(plot.stem, (plot.stem.replace("_", " ").capitalize(), ""))
        link = Path(os.path.relpath(Path(plot).resolve(), out_dir.resolve())).as_posix()
        lines += [f"### {title}", "", f"![{title}]({link})", ""]
        if caption:
            lines += [caption, ""]
    return lines


HOW_TO_READ = [
    "## How to read this",
    "",
    "- **Runs.** Each run replays the period with different luck: leads arrive at random, deals are won or "
    "lost by chance, reps take more or less time. Many runs show the range of outcomes, not one guess.",
    "- **Mean (95% CI).** The average over all runs, and the range in which the true average lies with 95% "
    "confidence. More runs give a narrower range. It is about the average year, not a single year.",
    "- **P10 / P50 / P90.** One run in ten came out below P10, half below P50 (the median) and nine in ten "
    "below P90. P10 to P90 is the range of a normal year; plan against P10 if a miss is costly.",
    "- **Paired differences.** Run *r* of every scenario sees the same leads with the same luck, "
    "so comparing "
    "the two scenarios run by run isolates the effect of the org design. If the 95% CI of the mean "
    "difference excludes zero, the difference is clear; 'better in 87% of runs' says how often the scenario "
    "beat the baseline under the same conditions.",
    "- **Utilisation.** The share of selling time a team is busy. Plan for 70-85%: above 85%, queues grow, "
    "first touches slow down and leads leak.",
]


def render_report(result: ExperimentResult, out_dir: Path, plots: Sequence[Path]) -> str:
    """Build the text of ``report.md`` (see :func:`write_report`)."""
    lines = [
        f"# {_title(result)}",
        "",
        "## The question",
        "",
        _question(result),
        "",
        *_scenarios_section(result),
        "",
        *_how_run_section(result),
        "",
        "## What it means",
        "",
        *[f"- {sentence}" for sentence in conclusion(result)],
        "",
        *_key_numbers_section(result),
        "",
        *_comparison_section(result),
        *_plots_section(plots, out_dir),
        *HOW_TO_READ,
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_report(result: ExperimentResult, out_dir: Path | str, plots: Sequence[Path]) -> Path:
    """Write ``report.md`` into ``out_dir``, atomically, for a reader who never sees the code.

    It holds the question, the scenarios (org design, headcounts), how the runs were
    made (runs, seed, common random numbers, wall time, failures), the plain-words
    conclusion, the key numbers with their CIs, the paired comparison, the plots
    (linked relative to ``out_dir``) and a note on how to read the statistics.

    Returns:
        The path of ``report.md``.
    """
    out = Path(out_dir)
    return write_text_atomic(out / "report.md", render_report(result, out, [Path(p) for p in plots]))
