"""The plan: was it hit, by how much was it missed, and why the spreadsheet said otherwise.

Plan KPIs: ``plan_target`` (the plan held over the window), ``hit_plan`` (1 if the
window's bookings reached it, else 0), ``plan_shortfall`` (how much was missing, 0 when
hit), and with a quarterly plan ``hit_plan_<quarter>`` and ``plan_target_<quarter>`` per
calendar quarter. The plan is
placed on the calendar (:mod:`simulator.config.calendar`): a yearly figure counts for the
share of each year's working days inside the window, a quarterly one for the share of
each calendar quarter's.

Capacity reconciliation: the capacity planner's spreadsheet says seats x quota x
assumed attainment (for the window's share of a year), every line below measured from
the run's own records (employment, ramp, journeys). The simulation's bookings differ
by, in order:
- ``capacity_gap_attrition``: seat-days not staffed (vacancies after leavers, before hires);
- ``capacity_gap_ramp``: the part of the staffed days ramping reps did not sell, measured
  from the workforce's ramp curve: a rep in tenure month *m* counts at quota x
  ``productivity[m]`` (the planner's convention for ramping reps), so a faster ramp
  shrinks this line and a static workforce has none;
- ``capacity_gap_leakage``: the expected value of leads lost untouched (leaked), at a
  hand-off or any other way than by the buyer's decision, each valued at the win rate
  observed in the run from the stage it was lost at;
- ``capacity_gap_queueing``: the expected value of deals still waiting in a rep's queue
  at the end of the window (bookings pushed past the window by queues);
- ``capacity_gap_cycle``: the expected value of deals still in the buyer's hands or being
  worked at the end (the sales cycle outlasting the window);
- ``capacity_gap_carry_in``: minus the expected value of the deals already open when the
  window starts (the pipeline built during the warm-up, and the starting deals of a run
  that begins from an open pipeline, which book inside the window); in a steady state it
  about cancels the queueing and cycle lines;
- ``capacity_gap_coverage``: the rest, i.e. the capacity the pipeline did not fill (not
  enough leads for the quota the spreadsheet assumes; negative when the pipeline
  offered more than the assumed capacity). It is the residual, so the gaps add up exactly:
  bookings = spreadsheet - attrition - ramp - leakage - queueing - cycle - carry_in - coverage.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.model.economics import RepLedger
from simulator.model.employment import productive_days
from simulator.model.initial_pipeline import worked_before_day_0
from simulator.model.masks import count_by_column, count_by_row
from simulator.model.plan_tables import Economics, FloatArray, PlanTables
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.scenario import Scenario
from simulator.model.window import plan_periods, plan_target, window_year_days
from simulator.model.window_wins import starting_deals, won_in_window


def plan_kpis(run: ReplicationRun, plan: PlanTables) -> dict[str, float]:
    """``plan_target``, ``hit_plan``, ``plan_shortfall`` and, for a quarterly plan, ``hit_plan_<quarter>``.

    ``plan_target`` is the plan held over the window (:func:`~simulator.model.window.plan_target`);
    a quarterly plan also gives, per calendar quarter the window overlaps (``y1_q2`` on an
    abstract calendar, ``2017_q4`` on a dated one), the figure that quarter's part of the
    window is held to (``plan_target_<quarter>``: its plan x the share of its working days
    inside) and whether the bookings won inside it reached that (NaN for a quarter planned
    at $0: nothing to hit).
    """
    if plan.values is None:
        return {}
    sc = run.scenario
    won = won_in_window(run)
    day, value = run.log.outcome_day[won], run.leads.deal_value[won]
    target, booked = plan_target(sc, plan.period, plan.values), float(value.sum())
    row: dict[str, float] = {"plan_target": target}
    if plan.period == "quarter":
        for q in plan_periods(sc, "quarter"):
            inside = (day >= q.start) & (day < q.end)
            key = q.label.lower().replace("-", "_")
            due = plan.values[q.of_year] * q.share
            row[f"plan_target_{key}"] = float(due)  # a quarter cut by the window is held to its share
            # a quarter planned at $0 (a plan all in Q4) has nothing to hit: no "100%" for it
            row[f"hit_plan_{key}"] = float(value[inside].sum() >= due) if due > 0 else math.nan
    row["hit_plan"] = float(booked >= target)
    row["plan_shortfall"] = max(0.0, target - booked)
    return row


def _stage_win_rates(run: ReplicationRun) -> FloatArray:
    """Share of leads that entered each stage and ended won, among those that ended (S,)."""
    log = run.log
    ended = log.outcome != Outcome.OPEN
    won = log.outcome == Outcome.WON
    reached = np.isfinite(log.stage_enter)
    n_ended = count_by_column(reached & ended[:, None])
    n_won = count_by_column(reached & won[:, None])
    rates = np.divide(n_won, n_ended, out=np.zeros(n_won.shape, dtype=np.float64), where=n_ended > 0)
    return np.asarray(rates, dtype=np.float64)


def stages_at(run: ReplicationRun, leads: np.ndarray, days: FloatArray) -> np.ndarray:
    """The last stage lead ``leads[k]`` had entered by ``days[k]`` (-1: none yet), for each k."""
    return count_by_row(_reached_from(run)[leads] <= days[:, None]) - 1


def _reached_from(run: ReplicationRun) -> FloatArray:
    """(N, S): the first day each lead had entered stage s or a later one (inf: never), once per run.

    A lead is at or past stage s on day d exactly when this is <= d, and the column is
    non-decreasing in s; so the count of such columns, less one, is the last stage entered
    by d (the last stage with an entry day <= d), -1 when none.
    """

    def compute() -> FloatArray:
        return reached_from(run.log.stage_enter)

    return run.once("stage_reached_from", compute)


def reached_from(stage_enter: FloatArray) -> FloatArray:
    """(N, S): the least entry day of stages s..S-1 of each lead (inf: none entered), a new C-ordered array.

    ``np.minimum.accumulate`` over the reversed stages, column by column from the last: a
    minimum is exact, so the figures are the same; a reduction along the short axis of an
    (N, S) table runs N tiny loops, S whole-column ones are about 8x faster.
    """
    reached = np.where(np.isnan(stage_enter), np.inf, stage_enter)
    for s in range(reached.shape[1] - 2, -1, -1):
        np.minimum(reached[:, s + 1], reached[:, s], out=reached[:, s])  # the running minimum first, as accumulate
    return reached


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
    per_day = economics.team_quota * plan.assumed_attainment / window_year_days(sc)  # (T,) bookings per rep-day
    spreadsheet = float((planned_seat_days(sc) * per_day).sum())
    staffed = float((ledger.employed_days * per_day[team]).sum())
    ramped = float((productive_days(run) * per_day[team]).sum())

    win_rate = _stage_win_rates(run)
    value = leads.deal_value
    with np.errstate(invalid="ignore"):
        lost_inside = (log.outcome_day >= lo) & (log.outcome_day < hi)
    # Every loss but a disqualification or a buyer's no decision: leaked, dropped at a hand-off (or a reassignment).
    lost = lost_inside & (log.outcome != Outcome.WON) & (log.outcome != Outcome.DISQUALIFIED)
    lost &= log.outcome != Outcome.NO_DECISION
    leakage = float((value[lost] * win_rate[log.outcome_stage[lost]]).sum())
    still_open = np.flatnonzero(log.outcome == Outcome.OPEN)
    stage = stages_at(run, still_open, np.full(still_open.size, hi))
    has_stage = stage >= 0
    still_open, stage = still_open[has_stage], stage[has_stage]
    waiting = np.isnan(log.stage_start[still_open, stage]) & ~worked_before_day_0(run, still_open, stage)
    expected = value[still_open] * win_rate[stage]
    queueing = float(expected[waiting].sum())
    cycle = float(expected[~waiting].sum())
    # Open at the window's start: arrived before it (in the warm-up, or a starting deal of a run
    # that begins from a CRM's open pipeline, dated before day 0) and not ended by then.
    with np.errstate(invalid="ignore"):
        before = (leads.arrival_day < lo) | starting_deals(run)  # a deal of age 0 arrives at day 0
        open_at_start = np.flatnonzero(before & ~(log.outcome_day <= lo))
    start_stage = stages_at(run, open_at_start, np.full(open_at_start.size, lo))
    carried = open_at_start[start_stage >= 0]
    carry_in = float((value[carried] * win_rate[start_stage[start_stage >= 0]]).sum())
    bookings = float(value[won_in_window(run)].sum())
    return {
        "capacity_spreadsheet": spreadsheet,
        "capacity_gap_attrition": spreadsheet - staffed,
        "capacity_gap_ramp": staffed - ramped,
        "capacity_gap_leakage": leakage,
        "capacity_gap_queueing": queueing,
        "capacity_gap_cycle": cycle,
        "capacity_gap_carry_in": -carry_in,
        "capacity_gap_coverage": ramped - leakage - queueing - cycle + carry_in - bookings,
    }
