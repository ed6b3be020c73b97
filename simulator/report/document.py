"""The human side of an experiment: a terminal table and ``report.md``.

Everything here is written for a sales leader, not a statistician: money as ``$1.23M``,
rates as percentages, differences with their 95% confidence interval and the share of
paired runs in which a scenario did better. The words for numbers live in
:mod:`simulator.analysis.formatting`, the plain-words conclusion in :mod:`simulator.analysis.conclusions`
(re-exported here as :func:`conclusion`) and the precision notes in
:mod:`simulator.analysis.precision`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulator.analysis.answer import answer as answer_of
from simulator.analysis.assumed import effort_paced_kpis, effort_paced_note
from simulator.analysis.conclusions import conclusion, interval_words
from simulator.analysis.decision import decision_kpis, decision_of
from simulator.analysis.design_words import design_words
from simulator.analysis.formatting import (
    difference_digits,
    format_money,
    format_nonzero_value,
    format_nonzero_values,
    format_share,
    ties_words,
)
from simulator.analysis.kpi_names import HEADLINE_KPIS, PIPELINE_KPIS, SUPPORTING_KPIS, is_count, kpi_axis_label
from simulator.analysis.mean_cells import format_mean_cis
from simulator.analysis.precision import precision_section
from simulator.analysis.quantities import has_run_spread
from simulator.analysis.relative_words import relative_words
from simulator.analysis.tables import (
    comparison_of,
    comparison_row,
    modelled_kpis,
    present_kpis,
    scenario_names,
    summary_mean,
    summary_of,
    summary_row,
    tied_in_every_run,
    window_noun,
)
from simulator.analysis.wording import count_of, team_label, title
from simulator.config.schema import ScenarioConfig
from simulator.io.atomic import atomic_write
from simulator.report.answer_section import answer_section
from simulator.report.how_run_section import how_run_section
from simulator.report.markdown import figure_lines, md_table
from simulator.report.operations_section import load_section, losses_section
from simulator.report.plan_section import planning_sections
from simulator.report.terminal_tables import describe_experiment, results_table
from simulator.report.unusual_section import report_unusual_section
from simulator.run.differences import difference_rows
from simulator.run.experiment import ExperimentResult

__all__ = ["conclusion", "describe_experiment", "render_report", "results_table", "write_report", "write_text_atomic"]


# ---------------------------------------------------------------------------- report.md


def _difference_cell(row: pd.Series, kpi: str) -> str:
    """The paired difference at its CI's precision (:func:`simulator.analysis.formatting.difference_digits`)."""
    point = float(row["mean_diff"])
    extra = difference_digits(kpi, point, float(row["ci_low"]), float(row["ci_high"]))
    return format_nonzero_value(kpi, point, signed=True, extra_digits=extra or 0)  # 0.004 hours had read 0.0


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename.

    A reader (or a crashed run) never sees a half-written file.
    """
    return atomic_write(path, lambda stream: stream.write(text))


def _title(result: ExperimentResult) -> str:
    return title(result.experiment.name)


def _hires_words(config: ScenarioConfig, team: str) -> str:
    """`` + 3 planned hires (month 4)`` beside a team's headcount; '' without a hiring plan.

    A hiring plan's scenarios had read "full cycle: 12 reps", the same as today's.
    """
    own = config.workforce.teams.get(team) if config.workforce is not None else None
    hires = list(own.hires) if own is not None else []
    if not hires:
        return ""
    months = sorted({h.month for h in hires if h.month is not None})
    days = sorted({h.day for h in hires if h.day is not None})
    dates = ", ".join(
        [
            *([f"month{'s' if len(months) > 1 else ''} {', '.join(map(str, months))}"] if months else []),
            *([f"day{'s' if len(days) > 1 else ''} {', '.join(f'{d:g}' for d in days)}"] if days else []),
        ]
    )
    return f" + {count_of(sum(h.count for h in hires), 'planned hire')} ({dates})"


def _scenarios_section(result: ExperimentResult) -> list[str]:
    rows = []
    base = result.experiment.scenario(result.experiment.baseline)
    base_words = base.description or base.config.org.description or base.config.org.name
    for name in scenario_names(result):
        spec = result.experiment.scenario(name)
        org = spec.config.org
        words = design_words(spec.description or org.description or org.name, org, base.config.org, base_words)
        teams = ", ".join(
            f"{team_label(t)}: {count_of(team.headcount, 'rep')}{_hires_words(spec.config, t)}"
            for t, team in org.teams.items()
        )
        role = " (baseline)" if name == result.experiment.baseline else ""
        rows.append([f"**{name}**{role}", words, teams])
    lines = ["## The scenarios", "", *md_table(["Scenario", "Org design", "Teams (headcount)"], rows)]
    header, differences = difference_rows(result.experiment)
    if differences:
        intro = "Every resolved setting on which a scenario differs from the baseline:"
        lines += ["", "### What each scenario changes", "", intro, "", *md_table(header, differences)]
    return lines


def _report_kpis(result: ExperimentResult, summary: pd.DataFrame) -> list[str]:
    """Decision KPIs first, then the headline, supporting and other pipelines' KPIs (utilisation has its section)."""
    first = decision_kpis(decision_of(result.experiment))
    kpis = list(dict.fromkeys([*first, *HEADLINE_KPIS, *SUPPORTING_KPIS, *PIPELINE_KPIS]))
    return present_kpis(summary, modelled_kpis(result, effort_paced_kpis(result, kpis)))


def _key_numbers_section(result: ExperimentResult, out_dir: Path, figures: dict[str, Path]) -> list[str]:
    summary, names = summary_of(result), scenario_names(result)
    kpis = _report_kpis(result, summary)
    means = [[kpi_axis_label(k), *format_mean_cis([summary_row(summary, s, k) for s in names], k)] for k in kpis]
    # a 0/1 KPI's P10 / P50 / P90 are 0 or 1, no typical year's chance: its mean above is the share of years
    spread = [
        [kpi_axis_label(k), *[_spread_cell(summary_row(summary, s, k), k) for s in names]]
        for k in kpis
        if has_run_spread(k)
    ]
    return [
        "## Key numbers",
        "",
        "Average over all runs, with its 95% confidence interval:",
        "",
        *md_table(["KPI", *names], means),
        "",
        *([note, ""] if (note := effort_paced_note(result, kpis)) else []),
        f"Range of single runs (P10 / P50 / P90) - what a low, a typical and a high {window_noun(result)} look like:",
        "",
        *md_table(["KPI", *names], spread),
        "",
        *figure_lines(figures.get("kpi_distributions"), out_dir),
        *figure_lines(figures.get("bookings_fan"), out_dir, _plan_line_words(summary, result.experiment.baseline)),
    ]


def _plan_line_words(summary: pd.DataFrame, baseline: str) -> str:
    """The fan's dashed line, where it draws one (the baseline's plan, as :func:`plot_all` passes it), in words.

    plan_check's caption had said only "median run and the P10-P90 band" under a dashed $4.00M line.
    """
    plan = summary_mean(summary, baseline, "plan_target")
    if not (math.isfinite(plan) and plan > 0):
        return ""
    return (
        f"The dashed line is the plan, {format_money(plan)}, that cumulative bookings must reach by the window's end."
    )


def _spread_cell(row: pd.Series | None, kpi: str) -> str:
    if row is None or not math.isfinite(float(row["p50"])):
        return "-"
    values = [float(row[q]) for q in ("p10", "p50", "p90")]
    if is_count(kpi) and all(v.is_integer() for v in values):  # counts some run had (statistics.summarise)
        return " / ".join(f"{v:,.0f}" for v in values)
    return " / ".join(format_nonzero_values(kpi, values))


def _verdict(row: pd.Series) -> str:
    if tied_in_every_run(row):
        return "the same in every run"
    if not bool(row["significant"]):
        return "no clear difference"
    if int(row["direction"]) == 0:
        return "higher" if float(row["mean_diff"]) > 0 else "lower"
    return "better" if int(row["direction"]) * float(row["mean_diff"]) > 0 else "worse"


COMPARISON_HEADER = ("Difference", "95% CI", "Relative difference (95% CI)", "Better in (95% CI)", "Verdict")


def _comparison_section(result: ExperimentResult) -> list[str]:
    names = scenario_names(result)
    if len(names) < 2:
        return []
    comparison, summary = comparison_of(result), summary_of(result)
    lines = ["## Each scenario against the baseline", ""]
    for scenario in names[1:]:
        rows = []
        for kpi in _report_kpis(result, summary):
            row = comparison_row(comparison, scenario, kpi)
            if row is not None and int(row["n_pairs"]) > 0:
                rows.append(_comparison_cells(row, kpi))
        header = ["KPI", names[0], scenario, *COMPARISON_HEADER]
        lines += [f"**{scenario}** vs **{names[0]}**, paired run by run:", "", *md_table(header, rows), ""]
    return lines


def _comparison_cells(row: pd.Series, kpi: str) -> list[str]:
    """One row of the comparison table: each figure beside its own interval, in its own unit."""
    better = "-"
    if int(row["direction"]) != 0:
        better = f"{format_share(float(row['share_better']))} of runs"
        low, high = float(row.get("share_better_ci_low", math.nan)), float(row.get("share_better_ci_high", math.nan))
        if math.isfinite(low):
            better += f" ({low:.0%} to {high:.0%})"
        ties = ties_words(row)
        if ties:  # the worse share shown too: the three rounded shares need not add to 100 exactly
            better += f"; worse in {format_share(float(row['share_worse']))}, {ties}"
    return [
        kpi_axis_label(kpi),
        format_nonzero_value(kpi, float(row["baseline_mean"])),  # 0.004 hours had read 0.0 beside a CI of +0.01
        format_nonzero_value(kpi, float(row["scenario_mean"])),
        _difference_cell(row, kpi),
        interval_words(row, compact=True),
        relative_words(row) or "-",
        better,
        _verdict(row),
    ]


PLACED_FIGURES = (
    "decision",
    "paired_differences",
    "kpi_distributions",
    "bookings_fan",
    "quota_attainment",
    "funnel",
    "utilisation",
)
"""Figures that sit in a section of their own; any other goes under "More figures"."""


def _more_figures(figures: dict[str, Path], out_dir: Path) -> list[str]:
    rest = [path for stem, path in figures.items() if stem not in PLACED_FIGURES]
    if not rest:
        return []
    return ["## More figures", "", *[line for path in rest for line in figure_lines(path, out_dir)]]


def how_to_read(noun: str, draws: int = 0) -> list[str]:
    """The reading guide; ``noun`` names what one run measures (``year``, ``run of 3 months``).

    ``draws``: a calibrated company's parameter draws the runs cycle through; more runs
    then narrow the range only down to what the draws allow.
    """
    more = (
        f"More runs give a narrower range, down to what the {draws} refits of the export allow (runs on one "
        "refit share its parameters: more refits narrow it further)."
        if draws
        else "More runs give a narrower range."
    )
    return [line.replace("{noun}", noun).replace("More runs give a narrower range.", more) for line in HOW_TO_READ]


HOW_TO_READ = [
    "## How to read this",
    "",
    "- **Runs.** Each run replays the period with different luck: leads arrive at random, deals are won or "
    "lost by chance, reps take more or less time. Many runs show the range of outcomes, not one guess.",
    "- **Mean (95% CI).** The average over all runs, and the range in which the true average lies with 95% "
    "confidence. More runs give a narrower range. It is about the average {noun}, not a single {noun}.",
    "- **P10 / P50 / P90.** One run in ten came out below P10, half below P50 (the median) and nine in ten "
    "below P90. P10 to P90 is the range of a normal {noun}; plan against P10 if a miss is costly.",
    "- **Paired differences.** Run *r* of every scenario sees the same leads with the same luck, "
    "so comparing "
    "the two scenarios run by run isolates the effect of the org design. If the 95% CI of the mean "
    "difference excludes zero, the difference is clear; 'better in 87% of runs' says how often the scenario "
    "beat the baseline under the same conditions.",
    "- **Utilisation.** The share of selling time a team is busy. Plan for 70-85%: above 85%, queues grow, "
    "first touches slow down and leads leak.",
]


def _with_gap(lines: list[str]) -> list[str]:
    return [*lines, ""] if lines else []


def render_report(result: ExperimentResult, out_dir: Path, plots: Sequence[Path]) -> str:
    """Build the text of ``report.md`` (see :func:`write_report`)."""
    figures = {Path(p).stem: Path(p) for p in plots}
    answer = answer_of(result)
    lines = [
        f"# {_title(result)}",
        "",
        *answer_section(result, answer, out_dir, figures.get("decision")),
        *_scenarios_section(result),
        "",
        *report_unusual_section(result),
        "## What it means",
        "",
        *[f"- {sentence}" for sentence in conclusion(result)],
        "",
        *figure_lines(figures.get("paired_differences"), out_dir),
        *_key_numbers_section(result, out_dir, figures),
        "",
        *_comparison_section(result),
        *planning_sections(result, out_dir, figures.get("quota_attainment")),
        *losses_section(result, out_dir, figures.get("funnel")),
        *load_section(result, out_dir, figures.get("utilisation")),
        *how_run_section(result),
        "",
        *_with_gap(precision_section(result)),
        *_more_figures(figures, out_dir),
        *how_to_read(window_noun(result), result.experiment.parameter_draw_count),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_report(result: ExperimentResult, out_dir: Path | str, plots: Sequence[Path]) -> Path:
    """Write ``report.md`` into ``out_dir``, atomically, for a reader who never sees the code.

    It opens with the answer in plain words on the experiment's decision KPIs and the
    scenarios ranked on its primary KPI; then the scenarios (org design, headcounts,
    what each changes), what looks unusual against published ranges, the plain-words
    findings, the key numbers with their CIs, the paired comparison, the plan and costs,
    where leads are lost, how busy each team is, how the runs were made and how precise
    they are, and a note on how to read the statistics. Each figure sits in its section,
    linked relative to ``out_dir``.

    Returns:
        The path of ``report.md``.
    """
    out = Path(out_dir)
    return write_text_atomic(out / "report.md", render_report(result, out, [Path(p) for p in plots]))
