"""The report's section on forecasts: the stage-weighted forecast of each month end, scored against what it booked."""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.forecast_counts import scored_month_ends
from simulator.analysis.kpi_names import kpi_axis_label
from simulator.analysis.mean_cells import format_mean_cis
from simulator.analysis.tables import present_kpis, summary_row
from simulator.report.markdown import md_table
from simulator.run.experiment import ExperimentResult

FORECAST_KPIS = (
    "forecast_mape",
    "forecast_wape",
    "forecast_bias",
    "forecast_mape_unscored",
    "forecast_mape_quarter",
    "forecast_wape_quarter",
    "forecast_bias_quarter",
    "forecast_mape_unscored_quarter",
)


def forecast_section(summary: pd.DataFrame, names: list[str], result: ExperimentResult | None = None) -> list[str]:
    """The report's "Forecasts" section: each scenario's forecast accuracy KPIs, with how they are scored.

    Args:
        summary: The summary table (one row per scenario and KPI).
        names: The scenarios, in the report's order.
        result: The result, to count the month ends each run scores (none: not counted).

    Returns:
        Markdown lines; none when no scenario scored a forecast.
    """
    kpis = present_kpis(summary, FORECAST_KPIS)
    if not kpis or all(
        (row := summary_row(summary, n, k)) is None or not math.isfinite(float(row["mean"]))
        for n in names
        for k in ("forecast_mape", "forecast_wape")
    ):
        return []
    # A window shorter than a month end plus a quarter scores no next-quarter forecast: its rows
    # would read "-" beside "month ends MAPE could not score: 0.0", which says the opposite.
    quarter_unscored = all(
        (row := summary_row(summary, n, "forecast_wape_quarter")) is None or not math.isfinite(float(row["mean"]))
        for n in names
    )
    if quarter_unscored:
        kpis = [k for k in kpis if not k.endswith("_quarter")]
    rows = [[kpi_axis_label(k), *format_mean_cis([summary_row(summary, n, k) for n in names], k)] for k in kpis]
    unscored = (
        [
            "The next-quarter forecast is not scored: no month end of the run's window has its whole next "
            "quarter inside the window (a longer horizon scores it).",
            "",
        ]
        if quarter_unscored
        else []
    )
    return [
        "## Forecasts",
        "",
        "At every month end the open pipeline is weighted by stage into a forecast of what those deals will "
        "book next month and next quarter, then scored against what they did. MAPE is the mean absolute error "
        "as a share of the actual, over the month ends whose deals booked something; WAPE is the total absolute "
        "error over the total booked, every month end included (a month that booked $0 counts its whole "
        "forecast as error); the month ends MAPE could not score are counted. A positive bias means forecasts "
        "ran high." + _scored_words(result, names, quarter_unscored),
        "",
        *md_table(["KPI", *names], rows),
        "",
        *unscored,
    ]


def _scored_words(result: ExperimentResult | None, names: list[str], quarter_unscored: bool) -> str:
    """How many month ends each run scores, when some go unscored: a quarter's run scores one."""
    counts = scored_month_ends(result) if result is not None else {}
    shown = [counts[n] for n in names if n in counts]
    if not shown or all(c["month"] == c["ends"] for c in shown):
        return ""
    month = min(c["month"] for c in shown)
    ends = max(c["ends"] for c in shown)
    quarter = "" if quarter_unscored else f" and next quarter at {min(c['quarter'] for c in shown)}"
    few = ": MAPE, WAPE and bias are then one forecast's error, the same in size" if month == 1 else ""
    text = (
        f" Here each run scores next month at {month} of its {ends} month ends{quarter} (with learned weights "
        "the first month ends have no history of their own, and the last ones no next month inside the "
        f"window){few}."
    )
    return text + (_short_history_words(month) if result is not None and _learned(result, names) else "")


SHORT_HISTORY = 2
"""Learned weights resting on this many month ends or fewer are the window's, not the forecasting method's."""


def _learned(result: ExperimentResult, names: list[str]) -> bool:
    """Whether every scenario shown forecasts with weights learned in the run."""
    scenarios = {spec.name: spec.config for spec in result.experiment.scenarios}
    return all(scenarios[n].forecast.weights == "learned" for n in names if n in scenarios)


def _short_history_words(month: int) -> str:
    """Why a short window's forecast error says little about the method: its weights' history is one month or two.

    A month end's learned weights are the stage -> won-next-month rates of the run's earlier
    month ends, so the k-th scored month end rests on k of them. A calibrated quarter scores
    one forecast, weighted by the first month end's pipeline alone: a run starting from an
    export's open deals starts with its oldest (crm-maven's: a median age of 118 working
    days), which win least, and the younger pipeline a month later is under-forecast (bias
    -39%).
    """
    if not 1 <= month <= SHORT_HISTORY:
        return ""
    history = "its first month end alone" if month == 1 else "its first one or two month ends"
    return (
        f" The weights those forecasts use were learned from {history}: one month's mix of open deals (a run "
        "starting from an export's open pipeline starts with its oldest, which win least), so the errors say "
        "more about the short window than about forecasting by stage; a longer horizon, or "
        "forecast.weights=configured with rates of your own, scores the method."
    )
