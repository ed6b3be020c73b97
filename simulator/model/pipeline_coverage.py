"""Pipeline coverage: the open opportunities a quarter starts with, over what the quarter must book.

A sales leader reads the pipeline a quarter opens with against the quarter's target; 3-5x
is the usual rule (BENCHMARKS.md, Cycle and pipeline: "pipeline coverage of 3-5x quota").
``pipeline_coverage`` is, over the calendar quarters wholly inside the measured window, the
mean of

    deal value of the new-business opportunities open on the quarter's first working day
    / the quarter's plan

where an opportunity is a lead that has reached the pipeline's opportunity stage
(``pipeline.opportunity_stage``, the win rate's denominator) and is not yet won or lost
(a deal open at day 0 counts from its own stage), and the quarter's plan is
``plan.bookings`` (four quarterly figures, or a yearly one prorated by working days). The
plan is the company's target; quotas usually sit 10-30% above it (a rule of thumb, no
published figure), so coverage of the plan reads that much above coverage of quota. NaN with
no whole quarter in the window, or when every whole quarter is planned at $0; no column without a plan. Beside it,
``opportunity_days_mean``: how long an opportunity stays open until it ends, which
the coverage a quarter starts with follows (the 3-5x rule counts on deals open longer than
a quarter). ``opened_in_quarter_share``: the share of the new-business bookings closed
in the window's whole quarters that became opportunities within the quarter that booked
them, which is what a quarter's opening pipeline cannot hold whatever its size;
``opening_pipeline_won_share``: the share of the value open on a whole quarter's first day
that is won within the quarter (the 3-5x rule takes it to be about a third).
"""

from __future__ import annotations

import math

import numpy as np

from simulator.model.plan_tables import FloatArray, PlanTables
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.window import plan_periods
from simulator.model.window_wins import starting_deals


def opportunity_entry(run: ReplicationRun) -> FloatArray:
    """(N,) working day each lead became an opportunity: ``inf`` never, ``-inf`` for a deal open at day 0 as one."""
    sc, log = run.scenario, run.log
    later = log.stage_enter[:, sc.opportunity_stage :]
    entered = np.where(np.isnan(later), np.inf, later).min(axis=1, initial=np.inf)
    if sc.initial is not None and sc.initial.size:
        start = starting_deals(run)
        # a deal open at day 0 has no entry into the stage it starts in (it did not enter it in the run)
        already = sc.initial.stage >= sc.opportunity_stage
        entered[start] = np.where(already, -np.inf, entered[start])
    return np.asarray(entered, dtype=np.float64)


def open_opportunity_value(run: ReplicationRun, days: FloatArray, entered: FloatArray | None = None) -> FloatArray:
    """Deal value of the opportunities open at the start of each of ``days`` (working days), shape of ``days``.

    Open at the start of day ``d``: became an opportunity before ``d`` and not won or lost
    before ``d`` (a deal closed during day ``d`` was still open when it began). ``entered``:
    :func:`opportunity_entry` of ``run``, when the caller has it.
    """
    entered = opportunity_entry(run) if entered is None else entered
    outcome_day = run.log.outcome_day
    ended = np.where(np.isnan(outcome_day), np.inf, outcome_day)
    value = run.leads.deal_value
    found = [float(value[(entered < d) & (ended >= d)].sum()) for d in np.asarray(days, dtype=np.float64)]
    return np.asarray(found, dtype=np.float64)


def coverage_kpis(run: ReplicationRun, plan: PlanTables) -> dict[str, float]:
    """``pipeline_coverage``: the mean over the window's whole quarters of their open opportunities over their plan."""
    if plan.values is None:
        return {}
    sc = run.scenario
    entered = opportunity_entry(run)  # read once for the four figures below
    whole = [q for q in plan_periods(sc, "quarter") if q.share >= 1.0 - 1e-9]
    dues = [sc.calendar.prorate(plan.period, plan.values.tolist(), q.start, q.end) for q in whole]
    planned = [(q, due) for q, due in zip(whole, dues, strict=True) if due > 0]
    open_days = {
        "opportunity_days_mean": opportunity_days_mean(run, entered.copy()),
        "opened_in_quarter_share": opened_in_quarter_share(run, entered),
        "opening_pipeline_won_share": opening_pipeline_won_share(run, entered),
    }
    if not planned:
        return {"pipeline_coverage": math.nan, **open_days}
    values = open_opportunity_value(run, np.array([q.start for q, _ in planned]), entered)
    return {"pipeline_coverage": float(np.mean(values / np.array([due for _, due in planned]))), **open_days}


def opportunity_days_mean(run: ReplicationRun, entered: FloatArray) -> float:
    """Mean working days from becoming an opportunity to its end, of the opportunities that ended in the window.

    What coverage at a quarter's start stands on: opportunities open for less than a quarter
    are mostly opened and closed within it. A deal open at day 0 at the opportunity stage
    counts from its age in that stage (``initial_pipeline.age_days``): a calibrated quarter
    had left them out, so only deals both opened and ended inside its 65 days were
    averaged, and crm-maven's opportunities read "open 12 working days on average" where
    its Q4 2017 closes had been open 33. One open at day 0 at a later stage is left out
    (when it became an opportunity is unknown to the run); NaN when no opportunity ended
    in the window (won, lost or no decision). ``entered``: :func:`opportunity_entry` of
    ``run``, a copy of its own (the deals open at day 0 are given their age in it).
    """
    sc, log = run.scenario, run.log
    if sc.initial is not None and sc.initial.size:
        start = np.flatnonzero(starting_deals(run))
        at_stage = sc.initial.stage == sc.opportunity_stage
        entered[start[at_stage]] = -np.asarray(sc.initial.age_days, dtype=np.float64)[at_stage]
    day = log.outcome_day
    closed = (
        np.isfinite(entered)
        & np.isfinite(day)
        & (day >= sc.warmup_days)
        & (day < sc.horizon_days)
        & (log.outcome != Outcome.OPEN)
    )
    return float(np.mean(day[closed] - entered[closed])) if closed.any() else math.nan


def opened_in_quarter_share(run: ReplicationRun, entered: FloatArray) -> float:
    """Share of the bookings won in the window's whole quarters whose deal became an opportunity in the same quarter.

    Over the calendar quarters wholly inside the measured window: the deal value of the leads
    won in a quarter that reached the opportunity stage on or after its first working day,
    over the deal value of every lead won in it (a deal open at day 0 became one before).
    The 3-5x coverage rule counts on this share being small; "What looks unusual" gives it
    beside a coverage below the range. The mean open time alone had stood for it, though it
    averages lost deals with won ones: plan_check read "open 17 working days on average,
    so most of what a quarter books is opened within it" where its won deals had been open
    about 33. NaN with no whole quarter in the window or nothing won in one.
    """
    sc, log = run.scenario, run.log
    won = log.outcome == Outcome.WON
    day, value = log.outcome_day, run.leads.deal_value
    booked = opened = 0.0
    for q in plan_periods(sc, "quarter"):
        if q.share < 1.0 - 1e-9:
            continue
        inside = won & (day >= q.start) & (day < q.end)
        booked += float(value[inside].sum())
        opened += float(value[inside & (entered >= q.start)].sum())
    return opened / booked if booked > 0.0 else math.nan


def opening_pipeline_won_share(run: ReplicationRun, entered: FloatArray) -> float:
    """Share of the value open on the first day of the window's whole quarters that is won within that quarter.

    Open as :func:`open_opportunity_value` counts it; won on a day of the same quarter. The
    3-5x coverage rule is 1 over a third of it being won; deals still open on a quarter's
    first day are those not yet lost, which win more often than the win rate of every
    opportunity says. NaN with no whole quarter in the window or nothing open at its start.
    """
    sc, log = run.scenario, run.log
    day = log.outcome_day
    ended = np.where(np.isnan(day), np.inf, day)
    won = log.outcome == Outcome.WON
    value = run.leads.deal_value
    open_value = won_value = 0.0
    for q in plan_periods(sc, "quarter"):
        if q.share < 1.0 - 1e-9:
            continue
        held = (entered < q.start) & (ended >= q.start)
        open_value += float(value[held].sum())
        won_value += float(value[held & won & (ended < q.end)].sum())
    return won_value / open_value if open_value > 0.0 else math.nan
