"""The plan: was it hit, by how much was it missed, and why the spreadsheet said otherwise.

Plan KPIs: ``hit_plan`` (1 if the window's bookings reached the plan, else 0),
``plan_shortfall`` (how much was missing, 0 when hit), and with a quarterly plan
``hit_plan_q<k>`` per quarter. The plan applies month by month (see
:mod:`simulator.config.plan`): quarter k's figure counts in proportion to its months
inside the window, where months are cut as in the monthly series.

Capacity reconciliation: the capacity planner's spreadsheet says seats x quota x
assumed attainment (for the window's share of a year). The simulation's bookings differ
by, in order:
- ``capacity_gap_attrition``: seat-days not staffed (vacancies after leavers, before hires);
- ``capacity_gap_ramp``: staffed days of reps not yet ramped;
- ``capacity_gap_leakage``: the expected value of leads lost untouched (leaked), at a
  hand-off or any other way than by the buyer's decision, each valued at the win rate
  observed in the run from the stage it was lost at;
- ``capacity_gap_queueing``: the expected value of deals still waiting in a rep's queue
  at the end of the window (bookings pushed past the window by queues);
- ``capacity_gap_cycle``: the expected value of deals still in the buyer's hands or being
  worked at the end (the sales cycle outlasting the window);
- ``capacity_gap_coverage``: the rest, i.e. the capacity the pipeline did not fill (not
  enough leads for the quota the spreadsheet assumes; negative when the pipeline
  offered more than the assumed capacity). It is the residual, so the gaps add up exactly:
  bookings = spreadsheet - attrition - ramp - leakage - queueing - cycle - coverage.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.model.economics import RepLedger, won_in_window
from simulator.model.employment import ramped_days
from simulator.model.plan_tables import YEAR_DAYS, Economics, FloatArray, PlanTables
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.scenario import Scenario


def month_edges(run: ReplicationRun) -> FloatArray:
    """Month boundaries of the measurement window, the last month stretched to the horizon."""
    sc = run.scenario
    lo, hi, month = sc.warmup_days, sc.horizon_days, float(sc.days_per_month)
    n_months = max(1, math.ceil((hi - lo) / month))
    edges = lo + np.arange(n_months + 1) * month
    edges[-1] = max(edges[-1], hi)
    return np.asarray(edges, dtype=np.float64)


def plan_kpis(run: ReplicationRun, plan: PlanTables) -> dict[str, float]:
    """``hit_plan``, ``plan_shortfall`` and, for a quarterly plan, ``hit_plan_q<k>``."""
    if plan.quarters is None:
        return {}
    edges = month_edges(run)
    won = won_in_window(run)
    monthly, _ = np.histogram(run.log.outcome_day[won], bins=edges, weights=run.leads.deal_value[won])
    n_months = monthly.size
    # A plan repeats every year; month m of the window is held to a third of its quarter's figure.
    month_target = np.repeat(plan.quarters / 3.0, 3)[np.arange(n_months) % 12]
    row: dict[str, float] = {}
    if len(set(plan.quarters.tolist())) > 1:
        for q in range(min(4, math.ceil(n_months / 3))):
            months = slice(3 * q, 3 * q + 3)
            row[f"hit_plan_q{q + 1}"] = float(monthly[months].sum() >= month_target[months].sum())
    target, booked = float(month_target.sum()), float(monthly.sum())
    row["hit_plan"] = float(booked >= target)
    row["plan_shortfall"] = max(0.0, target - booked)
    return row


def _stage_win_rates(run: ReplicationRun) -> FloatArray:
    """Share of leads that entered each stage and ended won, among those that ended (S,)."""
    log = run.log
    ended = log.outcome != Outcome.OPEN
    won = log.outcome == Outcome.WON
    reached = np.isfinite(log.stage_enter)
    n_ended = (reached & ended[:, None]).sum(axis=0)
    n_won = (reached & won[:, None]).sum(axis=0)
    rates = np.divide(n_won, n_ended, out=np.zeros(n_won.shape, dtype=np.float64), where=n_ended > 0)
    return np.asarray(rates, dtype=np.float64)


def current_stage(run: ReplicationRun, day: float) -> np.ndarray:
    """The last stage each lead had entered by ``day`` (-1: none yet)."""
    with np.errstate(invalid="ignore"):
        entered = run.log.stage_enter <= day
    return np.asarray(np.where(entered, np.arange(entered.shape[1]), -1).max(axis=1))


def planned_seat_days(sc: Scenario) -> FloatArray:
    """Seat-days per team inside the window as a planner counts them (T,).

    Today's headcount for the whole window, plus every planned hire from its start date:
    the spreadsheet knows the hiring plan, not who will leave or how long ramping takes.
    """
    lo, hi = sc.warmup_days, sc.horizon_days
    seats = sc.team_headcount.astype(np.float64) * (hi - lo)
    for t, team in enumerate(sc.workforce.teams):
        seats[t] += sum(max(0.0, hi - max(lo, day)) for day in team.hire_days)
    return seats


def capacity_kpis(run: ReplicationRun, ledger: RepLedger, economics: Economics, plan: PlanTables) -> dict[str, float]:
    """The spreadsheet figure and the gaps that lead from it to the simulated bookings."""
    sc, log, leads = run.scenario, run.log, run.leads
    lo, hi = sc.warmup_days, sc.horizon_days
    team = ledger.team
    per_day = economics.team_quota * plan.assumed_attainment / YEAR_DAYS  # (T,) bookings per rep-day
    spreadsheet = float((planned_seat_days(sc) * per_day).sum())
    staffed = float((ledger.employed_days * per_day[team]).sum())
    ramped = float((ramped_days(run, economics.team_ramp_days[team]) * per_day[team]).sum())

    win_rate = _stage_win_rates(run)
    value = leads.deal_value
    with np.errstate(invalid="ignore"):
        lost_inside = (log.outcome_day >= lo) & (log.outcome_day < hi)
    # Every loss but a disqualification: leaked, dropped at a hand-off (or at a reassignment).
    lost = lost_inside & (log.outcome != Outcome.WON) & (log.outcome != Outcome.DISQUALIFIED)
    leakage = float((value[lost] * win_rate[log.outcome_stage[lost]]).sum())
    still_open = np.flatnonzero(log.outcome == Outcome.OPEN)
    stage = current_stage(run, hi)[still_open]
    has_stage = stage >= 0
    still_open, stage = still_open[has_stage], stage[has_stage]
    waiting = np.isnan(log.stage_start[still_open, stage])
    expected = value[still_open] * win_rate[stage]
    queueing = float(expected[waiting].sum())
    cycle = float(expected[~waiting].sum())
    bookings = float(value[won_in_window(run)].sum())
    return {
        "capacity_spreadsheet": spreadsheet,
        "capacity_gap_attrition": spreadsheet - staffed,
        "capacity_gap_ramp": staffed - ramped,
        "capacity_gap_leakage": leakage,
        "capacity_gap_queueing": queueing,
        "capacity_gap_cycle": cycle,
        "capacity_gap_coverage": ramped - leakage - queueing - cycle - bookings,
    }
