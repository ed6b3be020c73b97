"""Figures that follow from what calibration assumed, not from the data: said as such, never as findings.

A folder written by ``salesim calibrate`` records the export its pipeline was fitted from
(``pipeline.fitted_from``). A CRM export records no hours of work per deal, so calibrate
assumes the effort per deal (the mapping's ``assumptions.effort_hours``; left null, it is
set so that the busiest rep spends half its selling hours on deals) and the share of a
rep's day spent selling (``assumptions.selling_fraction``). Every team's utilisation then
follows from those assumptions: a calibrated company "busy 17-24% of its selling time" is
what was assumed, not something found, and is not held against the published 70-85%.
"""

from __future__ import annotations

from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import ExperimentResult

EFFORT_KEYS = "`pipeline.stages.<i>.effort_hours`, `org.teams.<team>.selling_fraction` and `hours_per_day`"
"""The config keys a team's utilisation follows from."""


def effort_source(config: ScenarioConfig) -> str | None:
    """The export whose calibration assumed the effort per deal; None when effort was not assumed by calibration."""
    return config.pipeline.fitted_from


def assumed_effort_words(export: str) -> str:
    """Why a calibrated company's utilisation is no finding, naming the keys it follows from."""
    return (
        f"follows from the effort per deal salesim calibrate assumed ({export} records no hours of work: "
        f"{EFFORT_KEYS}, set from the mapping's `assumptions`), so it is not held against the published range; "
        "set those to the company's own figures to read it"
    )


def assumed_figures(result: ExperimentResult) -> dict[str, str]:
    """Scenario -> why its utilisation follows from assumed effort, for each scenario calibration assumed it in."""
    found = {}
    for spec in result.experiment.scenarios:
        export = effort_source(spec.config)
        if export is not None:
            found[spec.name] = assumed_effort_words(export)
    return found
