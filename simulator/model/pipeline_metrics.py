"""KPIs of the pipelines beside new business, added to a replication's KPI row.

Flows (meetings booked, renewals decided, expansions won, partner-sourced bookings)
count what happened inside the window ``[warmup_days, horizon_days)``; stocks (active
partners) are read at the horizon. Retention uses the cohort view a CFO uses: the
customers active at the window's start, their ARR then against their ARR at the
horizon (net revenue retention, expansions included) and against the same ARR capped
at its starting value (gross revenue retention, churn only).
"""

from __future__ import annotations

import numpy as np

from simulator.config.pipelines import PIPELINE_KEYS
from simulator.model.employment import employed_days as rep_days_in_window
from simulator.model.multi_pipeline import EXPANSION, PARTNER, PROSPECTING
from simulator.model.pipeline_records import CustomerState, PoolState
from simulator.model.ratios import ratio, trials
from simulator.model.records import ReplicationRun
from simulator.model.window import window_year_days
from simulator.model.window_wins import expansion_won_in_window, won_in_window
from simulator.model.workforce import busy_share, employed_days


def bookings_by_source(run: ReplicationRun) -> dict[str, float]:
    """New-business bookings per lead source, inside the window."""
    sc, leads = run.scenario, run.leads
    won = won_in_window(run)
    return {
        f"bookings_{name}": float(leads.deal_value[won & (leads.source == k)].sum())
        for k, name in enumerate(sc.source_names)
    }


def _pool_funnel(row: dict[str, float], names: tuple[str, ...], stage: np.ndarray, state: np.ndarray) -> None:
    """Entries and conversion per stage of a pool pipeline (read at the horizon).

    With each conversion its denominator, ``stage_exits_<stage>``: the entities that moved on or dropped there.
    """
    n_stages = len(names)
    # by_state[s + 1, k]: entities at stage s in state k; row 0 below stage 0, the last row beyond the last stage
    by_state = _stage_counts(stage, state, n_stages)
    at = by_state.sum(axis=1)
    entered = np.cumsum(at[::-1])[::-1][1:]  # entered[s]: stage >= s, for s = 0 .. n_stages (the last: beyond)
    done, dropped = (by_state[1:-1, k] for k in (PoolState.DONE, PoolState.DROPPED))
    moved_on = entered[1:] + done  # stage > s, or at s and done
    for s, name in enumerate(names):
        row[f"stage_entries_{name}"] = float(entered[s])
        row[f"stage_conversion_{name}"] = ratio(float(moved_on[s]), float(moved_on[s] + dropped[s]))
        row[f"stage_exits_{name}"] = trials(float(moved_on[s] + dropped[s]))


def _stage_counts(stage: np.ndarray, state: np.ndarray, n_stages: int) -> np.ndarray:
    """Entities by stage (rows: below 0, each of 0 .. n_stages - 1, beyond) and :class:`PoolState` (columns).

    One bincount over the pool (target accounts are tens of thousands); integers, so the
    counts are those of a bincount per state.
    """
    n_states = len(PoolState)
    cell = (np.clip(stage, -1, n_stages) + 1) * n_states + state
    return np.bincount(cell, minlength=(n_stages + 2) * n_states).reshape(n_stages + 2, n_states)


def _prm_tool_cost(run: ReplicationRun) -> float:
    """The PRM seats' cost inside the window ($): each seat on a team with PRM tools for the days it was filled.

    The tools' part of the cost of sales (``cost_tools``), at ``economics.tool_cost_per_seat_year``;
    0 for a scenario compiled without economics.
    """
    sc, tables = run.scenario, run.scenario.pipelines
    if sc.economics is None or tables is None:
        return 0.0
    prm_reps = tables.team_prm[run.rep_team] == 1
    years = rep_days_in_window(run)[prm_reps] / window_year_days(sc)
    return float((years * sc.economics.team_tool_cost[run.rep_team[prm_reps]]).sum())


def pipeline_kpis(run: ReplicationRun) -> dict[str, float]:
    """The KPIs of prospecting, partner, retention and expansion, and utilisation per pipeline."""
    record, sc = run.pipelines, run.scenario
    tables = sc.pipelines
    if record is None or tables is None:
        return {}
    lo, hi = sc.warmup_days, sc.horizon_days

    def inside(days: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (days >= lo) & (days < hi)

    row: dict[str, float] = {}
    row["meetings_booked"] = float(inside(record.meeting_day).sum())
    # The funnel of a pool is the window's cohort: the entities first worked inside it, at
    # the stages they reached by the horizon. Those worked during the warm-up are left out,
    # as every other count leaves out the warm-up's (they doubled with a warm-up three times longer).
    cohort = inside(record.account_first_day)
    row["target_accounts_worked"] = float(cohort.sum())
    row["target_accounts_used"] = float((record.account_state != PoolState.UNTOUCHED).sum())  # the territory used up
    prospecting = tables.stages[PROSPECTING]
    if prospecting is not None:
        _pool_funnel(row, prospecting.names, record.account_stage[cohort], record.account_state[cohort])
    row["prm_tool_cost"] = _prm_tool_cost(run)

    row["partners_active"] = float((record.partner_state == PoolState.DONE).sum())
    won = won_in_window(run)
    referred = record.lead_partner >= 0
    row["partner_referrals"] = float((referred & inside(run.leads.arrival_day)).sum())
    row["partner_sourced_bookings"] = float(run.leads.deal_value[won & referred].sum())
    # at the partner source's referral fee, the one the cost of sales pays (economics.sources)
    margin = float(sc.economics.source_margin[tables.partner_source]) if sc.economics is not None else 0.0
    row["partner_margin_cost"] = margin * row["partner_sourced_bookings"] if tables.partner_source >= 0 else 0.0
    partner = tables.stages[PARTNER]
    if partner is not None:
        recruited = inside(record.partner_first_day)
        _pool_funnel(row, partner.names, record.partner_stage[recruited], record.partner_state[recruited])

    decided = inside(record.renewal_day)
    churned = decided & record.renewal_churned
    row["renewals_due"] = float(decided.sum())
    row["renewals_won"] = float((decided & ~record.renewal_churned).sum())
    row["churned_accounts"] = float(churned.sum())
    row["churned_arr"] = float(record.renewal_arr[churned].sum())
    row["renewal_rate"] = ratio(row["renewals_won"], row["renewals_due"])
    won_expansion = expansion_won_in_window(run)
    row["expansion_bookings"] = float(record.expansion_value[won_expansion].sum())
    row["expansions_won"] = float(won_expansion.sum())
    expansion = tables.stages[EXPANSION]
    if expansion is not None:
        opened = inside(record.expansion_open_day)
        closed = np.isfinite(record.expansion_end_day)
        for s, name in enumerate(expansion.names):
            at = record.expansion_stage
            moved_on = opened & ((at > s) | ((at == s) & record.expansion_won))
            lost = opened & (at == s) & closed & ~record.expansion_won
            row[f"stage_entries_{name}"] = float((opened & (at >= s)).sum())
            row[f"stage_conversion_{name}"] = ratio(float(moved_on.sum()), float(moved_on.sum() + lost.sum()))
            row[f"stage_exits_{name}"] = trials(float(moved_on.sum() + lost.sum()))
    # cohort: customers active when the window opens; ARR then = start ARR + expansions won before
    cohort = record.customer_start_day <= lo
    early = record.expansion_won & (record.expansion_end_day < lo)
    arr_start = record.customer_start_arr.copy()
    np.add.at(arr_start, record.expansion_customer[early], record.expansion_value[early])
    churned_before = np.zeros(cohort.size, dtype=np.bool_)
    churned_before[record.renewal_customer[record.renewal_churned & (record.renewal_day < lo)]] = True
    cohort &= ~churned_before
    arr_end = np.where(record.customer_state == CustomerState.CHURNED, 0.0, record.customer_arr)
    base = float(arr_start[cohort].sum())
    row["customers_active"] = float((record.customer_state == CustomerState.ACTIVE).sum())
    row["gross_revenue_retention"] = ratio(float(np.minimum(arr_end, arr_start)[cohort].sum()), base)
    row["net_revenue_retention"] = ratio(float(arr_end[cohort].sum()), base)

    # over the days each rep was employed, as utilisation_<team>, so the pipelines add up to it
    busy = record.rep_busy_by_pipeline
    employed = employed_days(run.rep_hire_day, run.rep_leave_day, sc.warmup_days, sc.horizon_days)
    for t, team in enumerate(sc.team_names):
        members = run.rep_team == t
        team_days = float(employed[members].sum())
        for p in tables.configured:
            row[f"utilisation_{team}_{PIPELINE_KEYS[p]}"] = busy_share(float(busy[members, p].sum()), team_days)
    return row
