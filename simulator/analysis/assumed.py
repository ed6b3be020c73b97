"""Figures that follow from what calibration assumed, not from the data: said as such, never as findings.

A folder written by ``salesim calibrate`` records the export its pipeline was fitted from
(``pipeline.fitted_from``). A CRM export records no hours of work per deal, so calibrate
assumes the effort per deal (the mapping's ``assumptions.effort_hours``; left null, it is
set so that the busiest rep spends half its selling hours on deals) and the share of a
rep's day spent selling (``assumptions.selling_fraction``). Every team's utilisation then
follows from those assumptions: a calibrated company "busy 17-24% of its selling time" is
what was assumed, not something found, and is not held against the published 70-85%.
So do how fast a new lead is first touched and how many leads wait past the limit (the
queues of those reps): a calibrated company read "mean time to first touch 0.7 hours"
though its export records no first touch. The headline tables leave them out and say why
(:func:`effort_paced_note`); ``summary.csv`` keeps them.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.decision import decision_kpis, decision_of
from simulator.analysis.kpi_names import UTILISATION_CEILING, team_utilisation_kpis
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import ExperimentResult

EFFORT_KEYS = "`pipeline.stages.<i>.effort_hours`, `org.teams.<team>.selling_fraction` and `hours_per_day`"
"""The config keys a team's utilisation follows from."""
EFFORT_PACED_KPIS = ("first_touch_hours_mean", "deals_lost_leaked")
"""Headline KPIs paced by the reps' queues, and so by the assumed effort per deal."""


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


def _assumed_everywhere(result: ExperimentResult) -> str | None:
    """The export, when calibration assumed the effort per deal in every scenario; else None."""
    sources = {effort_source(spec.config) for spec in result.experiment.scenarios}
    if len(sources) != 1:
        return None
    return next(iter(sources))


def effort_paced_kpis(result: ExperimentResult, kpis: list[str]) -> list[str]:
    """``kpis`` without :data:`EFFORT_PACED_KPIS` when every scenario's effort was assumed (decision KPIs stay)."""
    if _assumed_everywhere(result) is None:
        return kpis
    kept = set(decision_kpis(decision_of(result.experiment)))
    return [k for k in kpis if k not in EFFORT_PACED_KPIS or k in kept]


def effort_paced_note(result: ExperimentResult, shown: list[str]) -> str:
    """Why time to first touch and leaked leads are not in the table (empty when they are, or were never)."""
    export = _assumed_everywhere(result)
    if export is None or any(k in shown for k in EFFORT_PACED_KPIS):
        return ""
    return (
        f"Time to first touch and leads lost untouched are left out: {export} records no first touch, and both "
        "follow from the effort per deal salesim calibrate assumed (summary.csv keeps them)."
    )


def assumed_answer_words(result: ExperimentResult, summary: pd.DataFrame) -> str:
    """Why a calibrated company's answer on headcount or structure rests on the assumed effort (empty when it does not).

    A fresh user's ``org_question`` on the calibrated crm-maven company read "3 more Central
    reps change nothing: keep as_is" with the teams 17-25% busy: with that little work per
    deal, more reps find nothing to gain, which is the assumption's doing, not a finding. Said
    when every scenario's effort was assumed and there is more than one scenario to compare.
    """
    export = _assumed_everywhere(result)
    if export is None or len(result.experiment.scenarios) < 2:
        return ""
    teams = team_utilisation_kpis(list(dict.fromkeys(summary["kpi"])))
    busy = summary[summary["kpi"].isin(teams)]["mean"].dropna()
    load = f": its teams are busy {busy.min():.0%} to {busy.max():.0%} of their selling time" if len(busy) else ""
    # "little work to gain from" is said of light loads alone: beside a team 98% busy losing deals it read false
    light = bool(len(busy)) and float(busy.max()) <= UTILISATION_CEILING
    consequence = (
        "so more reps or another structure find little work to gain from"
        if light
        else "and how busy each team is follows from that assumption (with more work per deal, every team is "
        "busier and fewer reps lose more)"
    )
    return (
        f"This answer rests on the effort per deal salesim calibrate assumed ({export} records no hours of work)"
        f"{load}, {consequence}; set {EFFORT_KEYS} to the company's own figures before reading a headcount or "
        "structure answer."
    )


def assumed_study_words(export: str | None, what: str) -> str:
    """Why a headcount study of a calibrated company rests on the assumed effort (empty when effort was not assumed).

    ``export``: the export the effort was assumed for (:func:`effort_source`), None when it
    was not. ``what``: the study in words (``this search``, ``this sweep``). An optimiser, a
    sweep or a sensitivity study of headcounts reads flat bookings over more reps when each
    deal takes little work: the assumption's doing, which :func:`assumed_answer_words` says
    of an experiment's answer and these had left unsaid.
    """
    if not export:
        return ""
    return (
        f"{what[0].upper()}{what[1:]} rests on the effort per deal salesim calibrate assumed ({export} records no "
        f"hours of work): how busy each team is, and so what more or fewer reps change, follows from it; set "
        f"{EFFORT_KEYS} to the company's own figures before reading a headcount answer."
    )
