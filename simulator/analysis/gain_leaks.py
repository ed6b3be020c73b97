"""Where a gain upstream went: leads that leak at a team past the planning ceiling, for the answer.

``prm_automation`` books 217 more meetings and ``handoff_quality`` drops 35 fewer leads at the
hand-off, yet neither clearly books more: the leads they add wait for an AE team busy over
93% of its selling time and leak there. The answer had said "Keep manual ... no clear gain
in bookings" and "Keep today: no other scenario is clearly better on bookings" without the
reason, which the report gave only sections later ("What it means"): a leader reads that
the tools or the playbook are worthless, where the runs say that the AE team's capacity
caps what any change upstream of it can book. This module says so in one sentence when the
scenario the answer compares clearly leaks more leads than the baseline, does not clearly
book more, and the stage where most of its leads leak is worked by a team past the 85%
planning ceiling.
"""

from __future__ import annotations

from simulator.analysis.answer_words import interval_words, kpi_phrase, row_digits
from simulator.analysis.conclusions import scenario_loads
from simulator.analysis.formatting import format_amount
from simulator.analysis.kpi_names import STAGE_LEAKED_PREFIX, UTILISATION_CEILING
from simulator.analysis.leak_words import holds_most, stage_teams
from simulator.analysis.tables import comparison_of, comparison_row, summary_of
from simulator.analysis.utilisation import TeamLoad, selling_time_words
from simulator.analysis.wording import join_words, possessive, stage_label, team_label
from simulator.config.decision import DecisionSettings
from simulator.run.experiment import ExperimentResult

LEAKED = "deals_lost_leaked"
"""The KPI of leads lost waiting for a rep past their wait limit."""

BOOKED = "bookings"
"""The money the leads should have turned into."""


def _clearly(result: ExperimentResult, scenario: str, kpi: str, up: bool) -> bool:
    row = comparison_row(comparison_of(result), scenario, kpi)
    if row is None or not bool(row["significant"]):
        return False
    return (float(row["mean_diff"]) > 0) == up


def _leakiest_stage(result: ExperimentResult, scenario: str) -> str | None:
    found = _leakiest(result, scenario)
    return found[0] if found else None


def _leakiest(result: ExperimentResult, scenario: str) -> tuple[str, bool] | None:
    """The stage that leaks the most leads, and whether it leaks most of them (:func:`.leak_words.holds_most`)."""
    summary = summary_of(result)
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(STAGE_LEAKED_PREFIX)]
    rows = rows[rows["mean"].notna() & (rows["mean"] > 0)]
    if rows.empty:
        return None
    means = rows["mean"].to_numpy(dtype=float)
    top = int(means.argmax())
    stage = str(rows.iloc[top]["kpi"]).removeprefix(STAGE_LEAKED_PREFIX)
    return stage, holds_most(float(means[top]), float(means.sum()))


def capped_loads(result: ExperimentResult, scenario: str) -> list[TeamLoad]:
    """The teams past the ceiling at ``scenario``'s leakiest stage, busiest first, when it clearly leaks more.

    Empty when the scenario is the baseline, does not clearly leak more, clearly books more,
    or no team working its leakiest stage is past the 85% planning ceiling: where this is not
    empty, that team's capacity, not the leads reaching it, limits bookings.
    """
    if scenario == result.experiment.baseline or not _clearly(result, scenario, LEAKED, up=True):
        return []
    booked = comparison_row(comparison_of(result), scenario, BOOKED)
    if booked is None or _clearly(result, scenario, BOOKED, up=True):
        return []
    stage = _leakiest_stage(result, scenario)
    if stage is None:
        return []
    teams = stage_teams(result, scenario).get(stage, [])
    busy = [
        load
        for load in scenario_loads(result, scenario)
        if load.team in teams and round(load.load, 3) > UTILISATION_CEILING
    ]
    return sorted(busy, key=lambda load: -load.load)


def leaked_gain_words(result: ExperimentResult, decision: DecisionSettings, scenario: str) -> str | None:
    """Say that ``scenario``'s extra leads leak at a team past the ceiling, so bookings do not follow.

    Args:
        result: The experiment's result.
        decision: The decision KPIs (a guardrail on leaked leads already gives their change:
            it is not said twice).
        scenario: The scenario the answer sets against the baseline.

    Returns:
        One sentence, or None when the scenario does not clearly leak more, clearly books
        more, or its leakiest stage has no team past the 85% planning ceiling.
    """
    baseline = result.experiment.baseline
    busy = capped_loads(result, scenario)
    found = _leakiest(result, scenario)
    if not busy or found is None:
        return None
    stage, most = found  # "mostly" of a stage that leaks under half of them is not so: more than at any other
    where = (
        f"mostly at the {stage_label(stage)} stage"
        if most
        else f"more at the {stage_label(stage)} stage than at any other"
    )
    names = join_words([team_label(load.team) for load in busy])
    if len(busy) == 1:
        waiting = f"the {names} team, busy {busy[0].load:.1%} of {selling_time_words(busy[0])}"
        whose = f"the {names} team's capacity"
    else:
        levels = join_words([f"{load.load:.1%}" for load in busy])
        waiting = f"the {names} teams, busy {levels} of their selling time"
        whose = f"the {names} teams' capacity"
    row = comparison_row(comparison_of(result), scenario, LEAKED)
    if row is None or LEAKED in decision.guardrails or decision.primary == LEAKED:  # its change is said already
        lead = f"{possessive(scenario)} leaked leads are lost"
    else:
        count = format_amount(LEAKED, float(row["mean_diff"]), row_digits(row, LEAKED))
        lead = f"{scenario} lets {count} more leads leak than {baseline} ({interval_words(row, LEAKED)}),"
    # a design that books clearly less (fewer AEs) is not "a change upstream": the capacity alone is said
    upstream = (
        ""
        if _clearly(result, scenario, BOOKED, up=False)
        else (", so a change upstream of it books little until that capacity grows")
    )
    return (
        f"{lead} {where}, waiting for {waiting}, past the "
        f"{UTILISATION_CEILING:.0%} planning ceiling: {whose}, not the leads reaching it, limits "
        f"{kpi_phrase(result, BOOKED)} here{upstream}."
    )
