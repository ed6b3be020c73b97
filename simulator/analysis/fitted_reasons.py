"""Why a calibrated company's funnel figures may sit outside the published ranges: they are its own.

A folder written by ``salesim calibrate`` fits the stage conversions and the buyer's delays
from a CRM export (``pipeline.fitted_from``). The win rate, the funnel's conversions and the
sales cycle a run of it reads then follow the company's own history: the shared crm-maven
export wins 63.2% of its closed deals, flat across products, against the published 20–35%.
A figure outside its range for that reason is a fact about the company, not a wrong input,
and the words here say so beside it, on either side of the range.
"""

from __future__ import annotations

from simulator.analysis.published_ranges import below_key
from simulator.run.experiment import ExperimentResult

FITTED_KPIS = ("mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate", "cycle_time_days_p50")
"""Benchmarked figures that follow from the stage conversions and delays calibrate fits."""


def fitted_words(export: str) -> str:
    """Why a fitted figure is the company's own."""
    return (
        f"the stage conversions and delays were fitted from {export} (calibration.md), so this is the company's "
        "own history, not a wrong input"
    )


def fitted_reasons(result: ExperimentResult) -> dict[str, dict[str, str]]:
    """Scenario -> reason key -> words (both sides of each :data:`FITTED_KPIS`), for each calibrated scenario."""
    reasons: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        export = spec.config.pipeline.fitted_from
        if export is None:
            continue
        words = fitted_words(export)
        reasons[spec.name] = {key: words for kpi in FITTED_KPIS for key in (kpi, below_key(kpi))}
    return reasons
