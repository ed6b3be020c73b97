"""The arrays of the pipelines beside new business, for one run of the fast engine.

Params fields (time allocation, pools, partners, the customer book) and the groups the
run writes: pools, pool tasks, partners, customers with their luck's kernel table. A
scenario without pipelines gets the same fields, neutral and tiny, so that every run
compiles to one set of machine code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.engines.fast.luck import PipelineLuck
from simulator.engines.fast.queues import queues
from simulator.engines.fast.scratch import FRESH, Scratch
from simulator.engines.fast.state import Customers, Partners, Pools, Tasks
from simulator.model.customer_luck import customer_kernels
from simulator.model.multi_pipeline import EXPANSION, N_PIPELINES, PARTNER, PROSPECTING, RENEWAL
from simulator.model.pipeline_records import PoolState
from simulator.model.scenario import Scenario


def slot_arrays(scenario: Scenario, slot_start: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each source's first slot (a lead index) and its slots (0 for a source no pipeline feeds)."""
    tables, n_sources = scenario.pipelines, len(scenario.source_names)
    starts = np.zeros(n_sources, dtype=np.int64)
    counts = np.zeros(n_sources, dtype=np.int64)
    for source, first in slot_start.items():
        starts[source] = first
        counts[source] = tables.slots(source) if tables is not None else 0
    return starts, counts


def pipeline_params(scenario: Scenario, slot_start: dict[int, int]) -> dict[str, Any]:
    """The ``Params`` fields of the pipelines beside new business (neutral without them)."""
    tables, n_teams = scenario.pipelines, scenario.n_teams
    starts, counts = slot_arrays(scenario, slot_start)
    if tables is None:
        return {
            "pipelines": False,
            "retention": False,
            "has_expansion": False,
            "team_reserved": np.zeros((n_teams, N_PIPELINES)),
            "team_idle_work": np.full(n_teams, -1, dtype=np.int64),
            "team_prm": np.zeros(n_teams, dtype=np.bool_),
            "team_duties": np.zeros(n_teams, dtype=np.int64),
            "pool_size": np.zeros(2, dtype=np.int64),
            "pool_stages": np.zeros(2, dtype=np.int64),
            "pool_base_logit": np.zeros((2, 1)),
            "prospecting_block": 1,
            "prm_effort_factor": 1.0,
            "prm_conversion_lift": 0.0,
            "max_partners": 0,
            "enablement_interval": math.inf,
            "enablement_retention": 1.0,
            "referral_base": 0.0,
            "referral_max": 0.0,
            "referral_scale": 1.0,
            "prospecting_source": -1,
            "partner_source": -1,
            "slot_start": starts,
            "slot_count": counts,
            "initial_customers": 0,
            "contract_days": math.inf,
            "renewal_lead_days": 0.0,
            "churn_logit": 0.0,
            "reference_load": 1.0,
            "load_logit": 0.0,
            "size_logit": 0.0,
            "reference_arr": 1.0,
            "touch_logit": 0.0,
            "reference_touches": 0.0,
            "checkin_interval": math.inf,
            "owner_team": -1,
            "expansion_per_day": 0.0,
            "renewal_team": np.zeros(0, dtype=np.int64),
            "expansion_team": np.zeros(0, dtype=np.int64),
            "expansion_base_logit": np.zeros(0),
        }
    duties = np.zeros(n_teams, dtype=np.int64)
    for t in range(n_teams):
        for p in (PROSPECTING, PARTNER):
            if tables.has(p) and (tables.team_idle_work[t] == p or tables.team_reserved_hours_per_day[t, p] > 0):
                duties[t] |= 1 << (p - 1)
    pools = [tables.stages[PROSPECTING], tables.stages[PARTNER]]
    depth = max((s.size for s in pools if s is not None), default=1)
    base = np.zeros((2, depth))
    for k, stages in enumerate(pools):
        if stages is not None:
            base[k, : stages.size] = stages.base_logit
    renewal, expansion = tables.stages[RENEWAL], tables.stages[EXPANSION]
    return {
        "pipelines": True,
        "retention": bool(tables.retention),
        "has_expansion": tables.has(EXPANSION),
        "team_reserved": np.ascontiguousarray(tables.team_reserved_hours_per_day, dtype=np.float64),
        "team_idle_work": np.ascontiguousarray(tables.team_idle_work, dtype=np.int64),
        "team_prm": np.ascontiguousarray(tables.team_prm == 1),
        "team_duties": duties,
        "pool_size": np.array(
            [
                tables.target_accounts if pools[0] is not None else 0,
                tables.partner_prospects if pools[1] is not None else 0,
            ],
            dtype=np.int64,
        ),
        "pool_stages": np.array([s.size if s is not None else 0 for s in pools], dtype=np.int64),
        "pool_base_logit": base,
        "prospecting_block": int(tables.prospecting_block),
        "prm_effort_factor": float(tables.prm_effort_factor),
        "prm_conversion_lift": float(tables.prm_conversion_lift),
        "max_partners": int(tables.max_partners_per_manager),
        "enablement_interval": float(tables.enablement_interval_days),
        "enablement_retention": float(tables.enablement_retention),
        "referral_base": float(tables.referral_base_per_day),
        "referral_max": float(tables.referral_max_per_day),
        "referral_scale": float(tables.referral_hours_scale),
        "prospecting_source": int(tables.prospecting_source),
        "partner_source": int(tables.partner_source),
        "slot_start": starts,
        "slot_count": counts,
        "initial_customers": int(tables.initial_customers),
        "contract_days": float(tables.contract_days),
        "renewal_lead_days": float(tables.renewal_lead_days),
        "churn_logit": float(tables.churn_logit),
        "reference_load": float(tables.reference_load),
        "load_logit": float(tables.load_logit),
        "size_logit": float(tables.size_logit),
        "reference_arr": float(tables.reference_arr),
        "touch_logit": float(tables.touch_logit),
        "reference_touches": float(tables.reference_touches),
        "checkin_interval": float(tables.checkin_interval_days),
        "owner_team": int(tables.owner_team),
        "expansion_per_day": float(tables.expansion_per_day),
        "renewal_team": np.ascontiguousarray(renewal.team if renewal is not None else [], dtype=np.int64),
        "expansion_team": np.ascontiguousarray(expansion.team if expansion is not None else [], dtype=np.int64),
        "expansion_base_logit": np.ascontiguousarray(
            expansion.base_logit if expansion is not None else [], dtype=np.float64
        ),
    }


def pools_of(
    scenario: Scenario,
    luck: PipelineLuck | None,
    n_leads: int,
    slots_drawn: tuple[int, ...],
    scratch: Scratch = FRESH,
) -> Pools:
    """Untouched pools with the luck of a prefix of each pool drawn (and of each fed source's slots: ``slots_drawn``).

    Only the drawn prefix of each pool has a state (the record pads the rest as untouched).
    The state arrays come from ``scratch`` (the records copy them).
    """
    n_sources = len(scenario.source_names)
    if luck is None:
        effort = delay = draw = np.zeros((2, 1, 1))
        meetings, width, drawn = 1, 1, np.zeros(2, dtype=np.int64)
    else:
        effort, delay, draw = luck.pool_effort, luck.pool_delay, luck.pool_draw
        tables = scenario.pipelines
        assert tables is not None
        sizes = np.array([tables.target_accounts, tables.partner_prospects], dtype=np.int64)
        drawn = np.minimum(sizes, luck.pool_drawn)
        # entities past the drawn prefix are never touched (the run stops short first): no room for them
        width = max(int(drawn.max()), 1)
        meetings = max(int(drawn[0]), 1)
    return Pools(
        next_entity=np.zeros(2, dtype=np.int64),
        drawn=drawn,
        state=scratch.full("pool_state", (2, width), int(PoolState.UNTOUCHED), np.int64),
        stage=scratch.full("pool_stage", (2, width), -1, np.int64),
        first_day=scratch.full("pool_first_day", (2, width), np.nan),
        plan_stage=scratch.full("pool_plan_stage", (2, width), 0, np.int64),
        plan_passed=scratch.full("pool_plan_passed", (2, width), False, np.bool_),
        effort=effort,
        delay=delay,
        draw=draw,
        meeting_day=scratch.full("meeting_day", meetings, np.nan),
        next_slot=np.zeros(n_sources, dtype=np.int64),
        slot_drawn=np.array(slots_drawn, dtype=np.int64),
        lead_partner=scratch.full("lead_partner", n_leads, -1, np.int64),
    )


def tasks_of(capacity: int) -> Tasks:
    """Room for ``capacity`` pool tasks at a time."""
    return Tasks(
        pipeline=np.zeros(capacity, dtype=np.int64),
        first=np.zeros(capacity, dtype=np.int64),
        size=np.zeros(capacity, dtype=np.int64),
        stage=np.zeros(capacity, dtype=np.int64),
        reserved=np.zeros(capacity, dtype=np.bool_),
        planned=np.zeros(capacity, dtype=np.bool_),
        hours=np.zeros(capacity),
        free=np.zeros(capacity, dtype=np.int64),
        n_free=np.zeros(1, dtype=np.int64),
        n_used=np.zeros(1, dtype=np.int64),
    )


def partners_of(luck: PipelineLuck | None, prospects: int) -> Partners:
    """No partner active yet; their luck drawn."""
    n = max(prospects, 1)
    sessions = luck.sessions if luck is not None else np.zeros((1, 1))
    gaps = luck.gaps if luck is not None else np.zeros((1, 1))
    return Partners(
        active_day=np.full(n, np.nan),
        referrals=np.zeros(n, dtype=np.int64),
        hours=np.zeros(n),
        stock=np.zeros(n),
        manager=np.full(n, -1, dtype=np.int64),
        need=np.zeros(n),
        next_request=np.zeros(n),
        session=np.full(n, -1, dtype=np.int64),
        session_hours=np.zeros(n),
        now=np.zeros(n),
        rate=np.zeros(n),
        due=np.zeros(n),
        wake_id=np.zeros(n, dtype=np.int64),
        wake_done=np.zeros(n, dtype=np.bool_),
        cond=np.zeros(n, dtype=np.bool_),
        cond_done=np.zeros(n, dtype=np.bool_),
        sessions=sessions,
        n_sessions=np.zeros(n, dtype=np.int64),
        gaps=gaps,
        n_gaps=np.zeros(n, dtype=np.int64),
        drawn=np.array([prospects], dtype=np.int64),
    )


def customers_of(scenario: Scenario, luck: PipelineLuck | None, n_leads: int, renewals: int) -> Customers:
    """The (empty) book, the initial book's ARR and due days, and the kernel table of its luck."""
    tables = scenario.pipelines
    n = 1
    codes, params, stages = np.zeros(1, dtype=np.int64), np.zeros((1, 1)), np.zeros(2, dtype=np.int64)
    if tables is not None and tables.retention:
        n = tables.initial_customers + n_leads
        kernels = customer_kernels(tables)
        codes, params = kernels.codes, kernels.params
        stages = np.array([kernels.renewal_stages, kernels.expansion_stages], dtype=np.int64)
    z = np.zeros
    return Customers(
        block=z(n, dtype=np.int64),
        key=z(n, dtype=np.int64),
        arr=z(n),
        owner=np.full(n, -1, dtype=np.int64),
        due=z(n),
        touches=z(n, dtype=np.int64),
        term=z(n, dtype=np.int64),
        churned=z(n, dtype=np.bool_),
        checkin_pending=z(n, dtype=np.bool_),
        term_start=z(n),
        initial=z(n, dtype=np.bool_),
        start_day=z(n),
        start_arr=z(n),
        n_customers=z(1, dtype=np.int64),
        checkins=z(n, dtype=np.int64),
        expansions=z(n, dtype=np.int64),
        next_checkin=z(n),
        next_expansion=z(n),
        t=z(n),
        r_stage=z(n, dtype=np.int64),
        r_term=z(n, dtype=np.int64),
        r_item=np.full(n, -1, dtype=np.int64),
        r_wait=z(n, dtype=np.int64),
        r_cond_done=np.ones(n, dtype=np.bool_),
        renewal_customer=z(renewals, dtype=np.int64),
        renewal_day=z(renewals),
        renewal_arr=z(renewals),
        renewal_churned=z(renewals, dtype=np.bool_),
        renewal_touches=z(renewals, dtype=np.int64),
        n_renewals=z(1, dtype=np.int64),
        expansion_row=z((renewals, 7)),
        expansion_k=z(renewals, dtype=np.int64),
        expansion_item=z(renewals, dtype=np.int64),
        n_expansions=z(1, dtype=np.int64),
        book_arr=luck.book_arr if luck is not None else z(0),
        book_due=luck.book_due if luck is not None else z(0),
        luck_codes=codes,
        luck_params=params,
        luck_stages=stages,
        luck_base=np.array([luck.customer_base if luck is not None else 0], dtype=np.int64),
    )


def task_queues(slots: int, room: int) -> Any:
    """Each rep's follow-ups of each pool pipeline (two rows a rep)."""
    return queues(2 * slots, room)
