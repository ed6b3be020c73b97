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
7.8 working days against the export's 26, because a run counts only the deals decided
inside its window (65 working days there) and its open pipeline held few young deals (the
export's last months are thin). That is said instead.
"""

from __future__ import annotations

import math

from simulator.analysis.formatting import format_value
from simulator.analysis.published_ranges import below_key
from simulator.analysis.tables import summary_mean, summary_of
from simulator.run.experiment import ExperimentResult

FITTED_KPIS = ("mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate", "cycle_time_days_p50")
"""Benchmarked figures that follow from the stage conversions and delays calibrate fits."""

AGREEING = 0.25
"""A run's figure within this share of the export's own (either way) is read as the company's history."""

_NAMES = {"win_rate": "win rate of decided deals", "cycle_time_days_p50": "median won cycle"}


def fitted_words(export: str) -> str:
    """Why a fitted figure is the company's own."""
    return (
        f"the stage conversions and delays were fitted from {export} (calibration.md), so this is the company's "
        "own history, not a wrong input"
    )


def _shown(kpi: str, own: float) -> str:
    """The export's figure as calibration.md writes it: ``61.6%``, ``26 working days``."""
    return f"{own:.0f} working days" if kpi == "cycle_time_days_p50" else format_value(kpi, own)


def window_words(kpi: str, own: float, export: str, window_days: float, caveats: bool) -> str:
    """Why a fitted figure far from the export's own reads as it does: the run's window, not the history."""
    shown = _shown(kpi, own)
    tilt = "a shorter cycle" if kpi == "cycle_time_days_p50" else "a figure tilted toward the quick decisions"
    return (
        f"{export}'s own {_NAMES[kpi]} is {shown} (calibration.md), so this is not the company's history: the run "
        f"counts only the deals decided inside its {window_days:g}-working-day window (those open at its start "
        "with their age, its own new ones only when they close within it), and a short window, or an open pipeline "
        f"short of young deals, reads {tilt}" + ("; see the note beside the answer" if caveats else "")
    )


def fitted_reasons(result: ExperimentResult) -> dict[str, dict[str, str]]:
    """Scenario -> reason key -> words (both sides of each :data:`FITTED_KPIS`), for each calibrated scenario.

    A KPI whose export figure calibrate recorded is said to be the company's own only when the
    run's mean is within :data:`AGREEING` of it; otherwise :func:`window_words` say why not.
    """
    reasons: dict[str, dict[str, str]] = {}
    summary = summary_of(result)
    caveats = bool((result.experiment.resolved_config.get("experiment") or {}).get("caveats"))
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
            else:
                window = clock.horizon_days - clock.warmup_days
                own_words[kpi] = window_words(kpi, float(own), export, window, caveats)
        reasons[spec.name] = {key: own_words[kpi] for kpi in FITTED_KPIS for key in (kpi, below_key(kpi))}
    return reasons
