"""Why a calibrated company's funnel figures may sit outside the published ranges: they are its own.

A folder written by ``salesim calibrate`` fits the stage conversions and the buyer's delays
from a CRM export (``pipeline.fitted_from``). The win rate, the funnel's conversions and the
sales cycle a run of it reads then follow the company's own history: the shared crm-maven
export wins 63.2% of its closed deals, flat across products, against the published 20–35%.
A figure outside its range for that reason is a fact about the company, not a wrong input,
and the words here say so beside it, on either side of the range.

Calibrate also writes the export's own win rate and median won cycle
(``pipeline.fitted_figures``). Where the run's figure is far from the export's own, the
company's history does not explain it: crm-maven's forecast quarter read a median cycle of
7.8 working days against the export's 26 (34 once its thin last months were left out of the
fit), because a run counts only the deals decided inside its window (65 working days there)
and its open pipeline held few young deals (the export's last months are thin). That is said instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from simulator.analysis.formatting import format_percent, format_value
from simulator.analysis.published_ranges import below_key
from simulator.analysis.tables import summary_mean, summary_of
from simulator.analysis.wording import team_label
from simulator.run.experiment import ExperimentResult

FITTED_KPIS = ("mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate", "lead_to_win_rate", "cycle_time_days_p50")
"""Benchmarked figures that follow from the stage conversions and delays calibrate fits."""

AGREEING = 0.25
"""A run's figure within this share of the export's own (either way) is read as the company's history."""

_NAMES = {  # calibration.md's fits, not the export's raw figures (maven's won deals alone: ~41 working days)
    "win_rate": "win rate of decided deals, as fitted,",
    "cycle_time_days_p50": "median won cycle, as fitted with its open deals censored,",
}


def fitted_words(export: str) -> str:
    """Why a fitted figure is the company's own."""
    return (
        f"the stage conversions and delays were fitted from {export} (calibration.md), so this is the company's "
        "own history, not a wrong input"
    )


def _shown(kpi: str, own: float) -> str:
    """The export's figure as calibration.md writes it: ``61.6%``, ``26 working days``."""
    return f"{own:.0f} working days" if kpi == "cycle_time_days_p50" else format_value(kpi, own)


def window_words(kpi: str, own: float, export: str, window_days: float) -> str:
    """Why a fitted figure below the export's own reads so: the run's window, not the history."""
    shown = _shown(kpi, own)
    tilt = "a shorter cycle" if kpi == "cycle_time_days_p50" else "a figure tilted toward the quick decisions"
    return (
        f"{export}'s own {_NAMES[kpi]} is {shown} (calibration.md), so this is not the company's history: the run "
        f"counts only the deals decided inside its {window_days:g}-working-day window (those open at its start "
        "with their age, its own new ones only when they close within it), and a short window, or an open pipeline "
        f"short of young deals, reads {tilt}"
    )


def queue_words(kpi: str, own: float, export: str, busiest: tuple[str, float] | None) -> str:
    """Why a fitted cycle above the export's own reads so: deals wait for reps, busy from the assumed effort."""
    busy = (
        f" (the {team_label(busiest[0])} team busy {format_percent(busiest[1], signed=False)} of its selling time)"
        if busiest
        else ""
    )
    return (
        f"{export}'s own {_NAMES[kpi]} is {_shown(kpi, own)} (calibration.md), so this is not the company's "
        f"history: deals wait in the reps' queues{busy}, which follows from the effort per deal the calibration "
        "assumed (mapping.assumptions.effort_hours): the export records no hours of work"
    )


def _busiest(summary: pd.DataFrame, scenario: str, teams: Iterable[str]) -> tuple[str, float] | None:
    """The team with the highest mean utilisation of its selling time, and that utilisation."""
    found = [(team, summary_mean(summary, scenario, f"utilisation_{team}")) for team in teams]
    found = [(team, busy) for team, busy in found if math.isfinite(busy)]
    return max(found, key=lambda t: t[1]) if found else None


def fitted_reasons(result: ExperimentResult) -> dict[str, dict[str, str]]:
    """Scenario -> reason key -> words (both sides of each :data:`FITTED_KPIS`), for each calibrated scenario.

    A KPI whose export figure calibrate recorded is said to be the company's own only when the
    run's mean is within :data:`AGREEING` of it; otherwise :func:`window_words` say why not.
    """
    reasons: dict[str, dict[str, str]] = {}
    summary = summary_of(result)
    for spec in result.experiment.scenarios:
        pipeline = spec.config.pipeline
        export = pipeline.fitted_from
        if export is None:
            continue
        clock = spec.config.clock
        figures = {str(k): float(v) for k, v in pipeline.fitted_figures.items()}
        own_words = {}
        for kpi in FITTED_KPIS:
            own = figures.get(kpi)
            mean = summary_mean(summary, spec.name, kpi)
            if own is None or not math.isfinite(mean):
                own_words[kpi] = fitted_words(export)
            elif abs(mean - own) <= AGREEING * abs(own):
                shown = _shown(kpi, own)
                own_words[kpi] = fitted_words(export).replace(
                    " (calibration.md)", f" (calibration.md), whose own {_NAMES[kpi]} is {shown}"
                )
            elif kpi == "cycle_time_days_p50" and mean > own:  # longer than the history: the reps' queues
                own_words[kpi] = queue_words(kpi, own, export, _busiest(summary, spec.name, spec.config.org.teams))
            else:
                own_words[kpi] = window_words(kpi, own, export, clock.horizon_days - clock.warmup_days)
        reasons[spec.name] = {key: own_words[kpi] for kpi in FITTED_KPIS for key in (kpi, below_key(kpi))}
    return reasons
