"""The scenario as the fast engine's compiled loop reads it (:class:`~.param_arrays.Params`).

Worked out once per scenario and kept (``memo.ByScenario``): a replication changes only
where its leads start (the market's size varies), so each run gets the scenario's
numbers with those few fields replaced. The loop never writes a ``Params`` array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.engines.fast.layout import pipeline_params, slot_arrays
from simulator.engines.fast.memo import ByScenario
from simulator.engines.fast.param_arrays import Params
from simulator.engines.fast.starting import deal_odds
from simulator.model.multi_pipeline import N_PIPELINES
from simulator.model.scenario import BY_SHARE, CLOSEST_TO_CLOSE, LEAST_LOADED, POOLED, Scenario

_PARAMS: ByScenario[Params] = ByScenario()


def params(scenario: Scenario, n_arriving: int, slot_start: dict[int, int], first_initial: int) -> Params:
    """The scenario as the compiled loop reads it, for a run whose leads start as given."""
    fixed = _PARAMS.get(scenario)
    if fixed is None:
        fixed = scenario_params(scenario, n_arriving, slot_start, first_initial)
        _PARAMS.put(scenario, fixed)
    starts, counts = slot_arrays(scenario, slot_start)
    return fixed._replace(n_arriving=n_arriving, first_initial=first_initial, slot_start=starts, slot_count=counts)


def _padded(rows: list[tuple[float, ...]], fill: float) -> tuple[np.ndarray, np.ndarray]:
    width = max((len(r) for r in rows), default=0) or 1
    table = np.full((len(rows), width), fill)
    for t, row in enumerate(rows):
        table[t, : len(row)] = row
    return table, np.array([len(r) for r in rows], dtype=np.int64)


def scenario_params(scenario: Scenario, n_arriving: int, slot_start: dict[int, int], first_initial: int) -> Params:
    """The scenario as the compiled loop reads it, worked out afresh."""
    plan, pods, n_teams = scenario.workforce, scenario.pods, scenario.n_teams
    teams = plan.teams
    productivity, n_productivity = _padded([t.ramp.productivity for t in teams] or [()] * n_teams, 1.0)
    skill, n_skill = _padded([t.ramp.skill_shift for t in teams] or [()] * n_teams, 0.0)
    rank = np.zeros((n_teams, N_PIPELINES))
    if scenario.pipelines is not None:
        rank[:] = scenario.pipelines.team_rank
    return Params(
        horizon=float(scenario.horizon_days),
        warmup=float(scenario.warmup_days),
        n_stages=scenario.n_stages,
        n_teams=n_teams,
        n_arriving=n_arriving,
        stage_base_logit=np.ascontiguousarray(scenario.stage_base_logit, dtype=np.float64),
        stage_max_wait=np.ascontiguousarray(scenario.stage_max_wait_days, dtype=np.float64),
        stage_circle_sensitive=np.ascontiguousarray(scenario.stage_circle_sensitive, dtype=np.bool_),
        source_lift=np.ascontiguousarray(scenario.source_logit_lift, dtype=np.float64),
        source_speed=np.ascontiguousarray(scenario.source_speed_to_lead, dtype=np.bool_),
        skill_weight=float(scenario.skill_weight),
        circle_reference=float(scenario.circle_reference_size),
        circle_per_person=float(scenario.circle_logit_per_person),
        speed_scale=float(scenario.speed_scale_hours),
        speed_exponent=float(scenario.speed_exponent),
        handoff_loss=float(scenario.handoff_loss_probability),
        routing=np.ascontiguousarray(scenario.routing, dtype=np.int64),
        team_logit=np.ascontiguousarray(pods.team_logit, dtype=np.float64),
        team_pooled=np.ascontiguousarray(scenario.team_assignment == POOLED),
        team_least_loaded=np.ascontiguousarray(scenario.team_assignment == LEAST_LOADED),
        team_by_share=np.ascontiguousarray(scenario.team_assignment == BY_SHARE),
        team_hire_share=np.array(
            [float(s.mean()) for s in scenario.team_rep_shares] if scenario.team_rep_shares else [1.0] * n_teams,
            dtype=np.float64,
        ),
        team_closest=np.ascontiguousarray(scenario.team_priority == CLOSEST_TO_CLOSE),
        team_order=np.where(scenario.team_newest_first, -1.0, 1.0).astype(np.float64),
        team_rank=rank,
        team_selling_hours=np.ascontiguousarray(scenario.team_selling_hours_per_day, dtype=np.float64),
        team_skill_mean=np.ascontiguousarray(scenario.team_skill_mean, dtype=np.float64),
        team_skill_sd=np.ascontiguousarray(scenario.team_skill_sd, dtype=np.float64),
        overflow=bool(pods.overflow_enabled),
        overflow_target=np.ascontiguousarray(pods.overflow_target, dtype=np.int64),
        overflow_queue_length=np.ascontiguousarray(pods.overflow_queue_length, dtype=np.float64),
        overflow_wait=np.ascontiguousarray(pods.overflow_wait_days, dtype=np.float64),
        overflow_eligible=np.ascontiguousarray(pods.stage_team_eligible, dtype=np.bool_),
        dynamic=bool(plan.dynamic),
        ramp_productivity=productivity,
        ramp_skill=skill,
        ramp_n_productivity=n_productivity,
        ramp_n_skill=n_skill,
        days_per_month=float(plan.days_per_month),
        attrition=np.array([t.attrition_per_day for t in teams] or [0.0] * n_teams, dtype=np.float64),
        backfill=np.array([t.backfill is not None for t in teams] or [False] * n_teams, dtype=np.bool_),
        coaching_rate=np.array([t.coaching_rate for t in teams] or [0.0] * n_teams, dtype=np.float64),
        coaching_best=np.array([t.coaching_toward_best for t in teams] or [False] * n_teams, dtype=np.bool_),
        coaching=bool(plan.dynamic and any(t.coaching_rate > 0 for t in teams)),
        month_ends=np.array(plan.month_ends, dtype=np.float64),
        reassignment_loss=float(plan.reassignment_loss_probability),
        **pipeline_params(scenario, slot_start),
        **decision_params(scenario),
        **deal_params(scenario, first_initial),
    )


def deal_params(scenario: Scenario, first_initial: int) -> dict[str, Any]:
    """The starting deals' stages and named owners (none when the run starts empty)."""
    deals = scenario.initial
    return {
        "first_initial": first_initial,
        "deal_stage": np.ascontiguousarray(deals.stage if deals is not None else [], dtype=np.int64),
        "deal_named": np.ascontiguousarray(deals.owner if deals is not None else [], dtype=np.int64),
        **deal_odds(scenario),
    }


def decision_params(scenario: Scenario) -> dict[str, Any]:
    """The decision tables as flat numbers (all off when none is configured)."""
    tables, s = scenario.decisions, scenario.n_stages
    if tables is None:
        return {
            "decisions": False,
            "stage_after_delay": np.zeros(s, dtype=np.bool_),
            "stage_no_decision": np.zeros(s),
            "stage_by_month": np.zeros(s, dtype=np.bool_),
            "month_start": np.zeros(1),
            "quarter_ends": np.zeros(1),
            "quarter_share": 0.0,
            "quarter_window": 0.0,
            "quarter_lookahead": 0.0,
        }
    by_month = tables.by_quarter_month or (None,) * s
    return {
        "decisions": True,
        "stage_after_delay": np.ascontiguousarray(tables.after_delay, dtype=np.bool_),
        "stage_no_decision": np.ascontiguousarray(tables.no_decision, dtype=np.float64),
        "stage_by_month": np.array([m is not None for m in by_month], dtype=np.bool_),
        "month_start": np.ascontiguousarray(
            tables.month_start if tables.month_start is not None else np.zeros(1), dtype=np.float64
        ),
        "quarter_ends": np.ascontiguousarray(tables.quarter_ends, dtype=np.float64),
        "quarter_share": float(tables.quarter_end_share),
        "quarter_window": float(tables.quarter_end_window_days),
        "quarter_lookahead": float(tables.quarter_end_lookahead_days),
    }
