"""Counts a scenario's config rules out: read "none: no hand-off in this scenario", not as a statistical bound.

A count at 0 in every run reads ``0 in all 40 runs (0 to 0.092 a run)``: the runs saw none,
and the bound says how many a run could still hold (:mod:`simulator.analysis.mean_cells`).
For a count the scenario cannot make at all (hand-off losses where one rep works each
lead through every stage, deals re-dealt where no rep ever leaves, partner referrals where
no team works the partner pipeline) that bound reads as if
more runs might find some. :func:`impossible_counts` names each such KPI of a scenario with
the reason, read from its config alone; :func:`mark_impossible` puts them on a summary
table (its ``attrs``, never a column of ``summary.csv``), where every table's cell finds them
(:func:`simulator.analysis.tables.summary_row`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.analysis.stage_teams import working_teams
from simulator.analysis.wording import join_words, stage_label, team_label

if TYPE_CHECKING:
    import pandas as pd

    from simulator.config.schema import ScenarioConfig
    from simulator.run.experiment import Experiment

IMPOSSIBLE = "impossible"
"""The key of a summary table's ``attrs`` ({(scenario, kpi): reason}) and of a summary row's entry (the reason)."""
POOLED = "pooled"


def _sales_teams(config: ScenarioConfig) -> list[str]:
    """The teams working some stage of the sales pipeline, in the order first met."""
    teams: list[str] = []
    for stage in config.pipeline.stages:
        teams += [t for t in working_teams(config.org, stage.name, stage.role) if t not in teams]
    return teams


def _handoff_reason(config: ScenarioConfig) -> str:
    if float(config.org.handoff.loss_probability) == 0.0:
        return "a hand-off loses no lead in this scenario (org.handoff.loss_probability is 0)"
    teams = _sales_teams(config)
    if len(teams) == 1 and config.org.teams[teams[0]].assignment != POOLED:
        return f"no hand-off in this scenario (one {team_label(teams[0])} rep works each lead through every stage)"
    return ""


def _no_leaver(config: ScenarioConfig, teams: list[str]) -> bool:
    """Whether no rep of ``teams`` ever leaves: no attrition, and no rep set to null (left before day 0)."""
    for team in teams:
        spec = config.org.teams[team]
        settings = config.workforce.for_team(team, spec.role or team)
        if (settings.attrition_rate or 0.0) > 0.0 or any(weight is None for weight in spec.reps.values()):
            return False
    return True


def _reassignment_reasons(config: ScenarioConfig) -> dict[str, str]:
    """Sales deals re-dealt when their owner leaves, and those lost so (another pipeline's items are not counted)."""
    found: dict[str, str] = {}
    teams = _sales_teams(config)
    if not teams:
        return found
    why = ""
    if _no_leaver(config, teams):
        why = f"no {join_words([team_label(t) for t in teams])} rep leaves in this scenario (no attrition)"
    elif all(config.org.teams[t].assignment == POOLED for t in teams):
        why = "no lead has an owner to re-deal in this scenario (its sales teams work one shared queue)"
    if why:
        found = {"deals_reassigned": why, "deals_lost_reassignment": why}
    if "deals_lost_reassignment" not in found and float(config.workforce.reassignment_loss_probability) == 0.0:
        found["deals_lost_reassignment"] = (
            "a re-dealt deal is never lost in this scenario (workforce.reassignment_loss_probability is 0)"
        )
    return found


def _staffing_reasons(config: ScenarioConfig) -> dict[str, str]:
    """Leavers where no team has attrition; hires where no team has planned hires or a leaver to replace."""
    teams = list(config.org.teams)
    if not _no_leaver(config, teams):
        return {}
    found = {"reps_left": "no rep leaves in this scenario (no attrition)"}
    if not any(config.workforce.for_team(t, config.org.teams[t].role or t).hires for t in teams):
        found["reps_hired"] = "no hire in this scenario (no planned hires, and no leaver to replace)"
    return found


def _pool_workers(config: ScenarioConfig, pipeline: str) -> list[str]:
    """The teams working pool pipeline ``pipeline`` (idle time or reserved hours given to it), as the engines do."""
    return [
        name
        for name, team in config.org.teams.items()
        if team.time_allocation.idle_work == pipeline
        or team.time_allocation.reserved_hours_per_week.get(pipeline, 0) > 0
    ]


def _pool_reasons(config: ScenarioConfig) -> dict[str, str]:
    """Partners and booked meetings where no team works their pipeline (or, for partners, there is none)."""
    found: dict[str, str] = {}
    partner, prospecting = config.pipelines.partner, config.pipelines.prospecting
    if partner is None:
        why = "no partner channel in this scenario (no partner pipeline)"
        found.update({"partners_active": why, "partner_referrals": why})
    elif not _pool_workers(config, "partner"):
        why = "no partner channel in this scenario (no team works the partner pipeline)"
        kpis = ["partners_active", "partner_referrals", f"leads_{partner.source}"]
        found.update({kpi: why for kpi in [*kpis, *(f"stage_entries_{st.name}" for st in partner.stages)]})
    if prospecting is not None and not _pool_workers(config, "prospecting"):
        why = "no prospecting in this scenario (no team works the prospecting pipeline)"
        kpis = ["meetings_booked", f"leads_{prospecting.source}"]
        found.update({kpi: why for kpi in [*kpis, *(f"stage_entries_{st.name}" for st in prospecting.stages)]})
    return found


def _leak_reasons(config: ScenarioConfig) -> dict[str, str]:
    """Leads leaked at a stage with no wait limit (``max_wait_days`` unset), and at all when no stage has one."""
    stages = config.pipeline.stages
    found = {
        f"stage_leaked_{stage.name}": f"no wait limit at {stage_label(stage.name)} in this scenario "
        f"(pipeline.stages.{i}.max_wait_days is unset)"
        for i, stage in enumerate(stages)
        if stage.max_wait_days is None
    }
    if stages and len(found) == len(stages):
        found["deals_lost_leaked"] = "no stage has a wait limit in this scenario (every max_wait_days is unset)"
    return found


def impossible_counts(config: ScenarioConfig) -> dict[str, str]:
    """KPI -> why the scenario of ``config`` cannot count any, for the counts its config rules out."""
    found: dict[str, str] = {}
    handoff = _handoff_reason(config)
    if handoff:
        found["deals_lost_handoff"] = handoff
    found.update(_reassignment_reasons(config))
    found.update(_staffing_reasons(config))
    found.update(_pool_reasons(config))
    found.update(_leak_reasons(config))
    stages = config.pipeline.stages
    if not any(s.decide_after_delay or s.no_decision > 0 for s in stages) and config.pipeline.quarter_end.share == 0:
        found["deals_lost_no_decision"] = "no stage ends in a buyer's no decision in this scenario"
    return found


def mark_impossible(summary: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """``summary`` with each scenario's impossible counts in its ``attrs`` (the table itself unchanged)."""
    summary.attrs[IMPOSSIBLE] = {
        (spec.name, kpi): reason
        for spec in experiment.scenarios
        for kpi, reason in impossible_counts(spec.config).items()
    }
    return summary
