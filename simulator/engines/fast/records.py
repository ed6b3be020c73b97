"""What the pipelines beside new business did in a fast-engine run, as the SimPy engine records it."""

from __future__ import annotations

import numpy as np

from simulator.engines.fast.state import World
from simulator.model.pipeline_records import CustomerState, PipelineRecord, PoolState
from simulator.model.scenario import Scenario


def _numbers(owners: np.ndarray, vacancy_from: int) -> np.ndarray:
    """Rep numbers for the record: -1 for nobody or a team's vacancy."""
    return np.where((owners >= 0) & (owners < vacancy_from), owners, -1).astype(np.int64)


def _whole(drawn: np.ndarray, size: int, fill: float) -> np.ndarray:
    """A pool's array over all its ``size`` entities: those past the drawn prefix as never touched."""
    whole = np.empty(size, dtype=drawn.dtype)
    kept = min(size, drawn.shape[0])
    whole[:kept] = drawn[:kept]
    whole[kept:] = fill
    return whole


def pipeline_record(scenario: Scenario, state: World, n_reps: int, created: np.ndarray) -> PipelineRecord:
    """The run's :class:`PipelineRecord`; ``created``: indices of the leads the run created (the record's leads)."""
    tables = scenario.pipelines
    assert tables is not None
    p, pools, ps, cs, reps = state.p, state.pools, state.partners, state.customers, state.reps
    accounts, partners = int(p.pool_size[0]), int(p.pool_size[1])
    prospects = tables.partner_prospects
    n_customers, n_renewals, n_expansions = int(cs.n_customers[0]), int(cs.n_renewals[0]), int(cs.n_expansions[0])
    expansions = cs.expansion_row[:n_expansions]
    vacancy_from = reps.number.shape[0] - scenario.n_teams
    return PipelineRecord(
        account_state=_whole(pools.state[0], accounts, int(PoolState.UNTOUCHED)),
        account_stage=_whole(pools.stage[0], accounts, -1),
        partner_stage=_whole(pools.stage[1], partners, -1),
        account_first_day=_whole(pools.first_day[0], accounts, np.nan),
        partner_first_day=_whole(pools.first_day[1], partners, np.nan),
        expansion_stage=expansions[:, 5].astype(np.int64),
        meeting_day=_whole(pools.meeting_day, tables.target_accounts, np.nan),
        partner_state=_whole(pools.state[1], partners, int(PoolState.UNTOUCHED)),
        partner_active_day=ps.active_day[:prospects].copy(),
        partner_referrals=ps.referrals[:prospects].copy(),
        partner_enablement_hours=ps.hours[:prospects].copy(),
        lead_partner=pools.lead_partner.take(created),
        customer_state=np.where(cs.churned[:n_customers], int(CustomerState.CHURNED), int(CustomerState.ACTIVE)).astype(
            np.int64
        ),
        customer_initial=cs.initial[:n_customers].copy(),
        customer_start_day=cs.start_day[:n_customers].copy(),
        customer_start_arr=cs.start_arr[:n_customers].copy(),
        customer_arr=cs.arr[:n_customers].copy(),
        renewal_customer=cs.renewal_customer[:n_renewals].copy(),
        renewal_day=cs.renewal_day[:n_renewals].copy(),
        renewal_arr=cs.renewal_arr[:n_renewals].copy(),
        renewal_churned=cs.renewal_churned[:n_renewals].copy(),
        renewal_touches=cs.renewal_touches[:n_renewals].copy(),
        expansion_customer=expansions[:, 0].astype(np.int64),
        expansion_open_day=expansions[:, 1].copy(),
        expansion_end_day=expansions[:, 2].copy(),
        expansion_value=expansions[:, 3].copy(),
        expansion_won=expansions[:, 4] > 0,
        expansion_rep=expansions[:, 6].astype(np.int64),
        rep_busy_by_pipeline=reps.busy_by[:n_reps].copy(),
        customer_owner=_numbers(cs.owner[:n_customers], vacancy_from),
        partner_manager=_numbers(ps.manager[:prospects], vacancy_from),
    )
