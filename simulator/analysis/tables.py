"""Read an :class:`~simulator.run.experiment.ExperimentResult` the way the report and the figures need it.

The summary and comparison tables are computed from the replications when the result
does not carry them; scenarios come baseline first; single rows are looked up by
scenario and KPI; the measurement window is put into words (``per year``,
``over 6 months``). Shared by :mod:`simulator.analysis.conclusions`, :mod:`simulator.report.document`
and :mod:`simulator.report.plots`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from simulator.analysis.comparison import COMPARISON_COLUMNS, compare
from simulator.analysis.statistics import SUMMARY_COLUMNS, summarise
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import Experiment, ExperimentResult


def summary_of(result: ExperimentResult) -> pd.DataFrame:
    """Return the result's summary table, computing it from the replications if it is empty."""
    from simulator.analysis.impossible_counts import mark_impossible

    if result.summary is not None and not result.summary.empty:
        return mark_impossible(result.summary, result.experiment)  # counts its config rules out: "none", no bound
    if "scenario" not in result.replications.columns:  # every run failed: nothing to summarise
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    return mark_impossible(
        summarise(result.replications, draws=result.experiment.parameter_draw_count), result.experiment
    )


def comparison_of(result: ExperimentResult) -> pd.DataFrame:
    """Return the result's comparison table, computing it from the replications if it is empty."""
    if result.comparison is not None and not result.comparison.empty:
        return result.comparison
    runs = result.replications
    names = set(runs["scenario"]) if "scenario" in runs.columns else set()
    if result.experiment.baseline not in names or len(names) < 2:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    return compare(result.replications, result.experiment.baseline, draws=result.experiment.parameter_draw_count)


def scenario_names(result: ExperimentResult) -> list[str]:
    """Return the scenario names, baseline first, then in the experiment's order."""
    names = [spec.name for spec in result.experiment.scenarios]
    baseline = result.experiment.baseline
    return [baseline, *[n for n in names if n != baseline]] if baseline in names else names


def summary_row(summary: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    """Return the summary row of one scenario and KPI, or None when there is none.

    A count the scenario's config rules out (:mod:`simulator.analysis.impossible_counts`,
    in the table's ``attrs``) carries the reason under ``impossible``.
    """
    rows = summary[(summary["scenario"] == scenario) & (summary["kpi"] == kpi)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    reason = summary.attrs.get("impossible", {}).get((scenario, kpi))
    if reason:
        row = row.copy()
        row["impossible"] = reason
    return row


def summary_mean(summary: pd.DataFrame, scenario: str, kpi: str) -> float:
    """The mean of one scenario's KPI in the summary table, or NaN when there is none."""
    row = summary_row(summary, scenario, kpi)
    return float(row["mean"]) if row is not None else math.nan


FIRST_TOUCH = "first_touch_hours_mean"
"""The mean time to first touch over every lead touched: the figure the answer and the results table read."""


def first_touch_kpi(summary: pd.DataFrame, scenario: str, team: str) -> str:
    """The KPI to read ``team``'s first touch in ``scenario`` by: the answer's own when no other team first touches.

    ``first_touch_hours_mean_<team>`` counts the leads whose toucher is known, the all-leads
    mean every lead touched: lead_assignment's least-loaded note read round robin's first
    touch as 22.6 hours beside the answer's 22.5, two figures for one thing. Where the team
    makes every first touch the runs attribute, its figure is the all-leads one; where another
    team first touches leads too, the team's own (its words must say so).
    """
    prefix = f"{FIRST_TOUCH}_"
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(prefix)]
    others = rows[(rows["kpi"] != f"{prefix}{team}") & np.isfinite(rows["mean"].to_numpy(dtype=float))]
    alone = others.empty and summary_row(summary, scenario, FIRST_TOUCH) is not None
    return FIRST_TOUCH if alone else f"{prefix}{team}"


def comparison_row(comparison: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    """Return the comparison row of one scenario and KPI, or None when there is none."""
    if comparison.empty:
        return None
    rows = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
    return None if rows.empty else rows.iloc[0]


def clear_sign(comparison: pd.DataFrame, scenario: str, kpi: str) -> int:
    """+1 or -1 when the paired runs show ``kpi`` clearly above or below the baseline's, else 0 (no row: 0)."""
    row = comparison_row(comparison, scenario, kpi)
    if row is None or not bool(row["significant"]) or not math.isfinite(float(row["mean_diff"])):
        return 0
    return 1 if float(row["mean_diff"]) > 0 else -1


def tied_in_every_run(row: pd.Series) -> bool:
    """Every pair of runs gave the scenario and the baseline the same value (neither better nor worse once)."""
    return float(row["share_better"]) == 0.0 and float(row["share_worse"]) == 0.0


def present_kpis(summary: pd.DataFrame, kpis: Iterable[str]) -> list[str]:
    """Return the KPIs of ``kpis`` that the summary holds, in the given order."""
    known = set(summary["kpi"])
    return [k for k in kpis if k in known]


def modelled_kpis(result: ExperimentResult, kpis: Iterable[str]) -> list[str]:
    """``kpis`` without those no scenario can move: losses to no decision when no stage ends deals that way.

    A row "Lost: no decision 0.0 (0.0 to 0.0)" beside an org whose pipeline has no such
    outcome reads as a finding (nobody stalls) when it is only a feature switched off.
    """
    stalls = any(_stalls_in_run(spec.config) for spec in result.experiment.scenarios)
    return [k for k in kpis if stalls or k != "deals_lost_no_decision"]


def _stalls_in_run(config: ScenarioConfig) -> bool:
    """Whether a deal of ``config`` can end in no decision before its horizon.

    A calibrated company keeps its stalled deals open for ``no_decision_days`` (maven: 2,600
    working days, as the export leaves them open): with the oldest deal open at day 0 still
    that far from it at the horizon, no run can end one so, and "Lost: no decision 0.0" beside
    calibration.md's 15.2% of deals ending without a decision read as if none did.
    """
    start = config.initial_pipeline
    oldest = max(start.age_days, default=0.0) if start is not None else 0.0
    for stage in config.pipeline.stages:
        days = stage.no_decision_days if stage.no_decision_days is not None else stage.delay_days
        if stage.no_decision > 0 and days.quantile(0.0) - oldest < config.clock.horizon_days:
            return True
    return False


def window_years(experiment: Experiment, scenario: str) -> float:
    """A scenario's measured window (horizon less warm-up) in years of its calendar.

    Each calendar year's share of the window is counted in that year's working days, as
    the runs hold pay, quota and the plan over it.
    """
    clock = experiment.scenario(scenario).config.clock
    return clock.calendar().years_over(clock.warmup_days, clock.horizon_days)


def year_days(experiment: Experiment, scenario: str) -> float:
    """The working days of a year of a scenario's calendar (250 on the default; a dated calendar's mean)."""
    return float(experiment.scenario(scenario).config.clock.calendar().days_per_year)


WHOLE_MONTHS = 0.05
"""A window within this many months of a whole number reads as that number of months (else with one decimal)."""


def period_words(result: ExperimentResult) -> str:
    """Return the words for the measurement window (`` per year`` for a window of one calendar year)."""
    clock = result.experiment.scenarios[0].config.clock
    window = clock.horizon_days - clock.warmup_days
    calendar = clock.calendar()
    year = calendar.days_per_year
    if abs(window - year) < 1.0:
        return " per year"
    months = 12.0 * window / year
    if calendar.start_date is not None:
        # the calendar's own months, each counted by its share of working days inside the window: a calibrated
        # company's 2017-05-01 to 2017-09-30 (110 working days, 12 x 110 / 260 = 5.08) had read "5.1 months"
        months = calendar.prorate("month", [1.0], clock.warmup_days, clock.horizon_days)
    if months < 1:
        return f" over {window:g} working days"
    # a dated year's 250 working days are 11.5 of its months, not 12
    return f" over {months:.0f} months" if abs(months - round(months)) < WHOLE_MONTHS else f" over {months:.1f} months"


def window_words(result: ExperimentResult) -> str:
    """Return the measurement window in words (``one year``, ``6 months``)."""
    period = period_words(result)
    return "one year" if period == " per year" else period.removeprefix(" over ")


def window_noun(result: ExperimentResult) -> str:
    """Return what one run measures, as a noun: ``year``, or ``run of 3 months`` for any other window."""
    period = period_words(result)
    return "year" if period == " per year" else f"run of {period.removeprefix(' over ')}"
