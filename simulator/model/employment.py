"""Rep-days employed and tenure: the measure that costs, quotas and capacity are spread over.

Costs and quotas are per year; a rep counts for the share of the measurement window
during which it was employed. A workforce mechanism records, per rep,
``ReplicationRun.rep_hire_day`` (the day it joined the run), ``rep_leave_day`` (inf: still
there at the horizon) and ``rep_start_tenure_months`` (tenure when it joined: 0 for a new
hire, inf for a fully ramped rep). When they are empty, every rep is there from day 0 to
the horizon, fully ramped, and costs are headcount x annual cost x the window's share of
a year.
"""

from __future__ import annotations

import numpy as np

from simulator.model.plan_tables import FloatArray
from simulator.model.records import ReplicationRun


def _per_rep(values: np.ndarray, n_reps: int, missing: float) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.size != n_reps:
        return np.full(n_reps, missing)
    return np.where(np.isnan(array), missing, array)


def hire_day(run: ReplicationRun) -> FloatArray:
    """Day each rep joined the run (0: there from the start)."""
    return _per_rep(run.rep_hire_day, run.rep_team.size, 0.0)


def leave_day(run: ReplicationRun) -> FloatArray:
    """Day each rep left (+inf: still employed at the horizon)."""
    return _per_rep(run.rep_leave_day, run.rep_team.size, np.inf)


def start_tenure_days(run: ReplicationRun) -> FloatArray:
    """Tenure of each rep, in working days, on the day it joined the run (inf: fully ramped)."""
    months = _per_rep(run.rep_start_tenure_months, run.rep_team.size, np.inf)
    return months * run.scenario.calendar.days_per_month


def hired_in_window(run: ReplicationRun) -> np.ndarray:
    """(R,) True for each rep who joined inside the measurement window (a backfill or a planned hire).

    The reps of day 0 come first in the rep arrays and are not hires, even with a window that opens on day 0.
    """
    lo, hi = run.scenario.warmup_days, run.scenario.horizon_days
    joined = hire_day(run)
    later = np.arange(joined.size) >= run.scenario.n_reps
    return np.asarray(later & (joined >= lo) & (joined < hi), dtype=np.bool_)


def employed_interval(run: ReplicationRun) -> tuple[FloatArray, FloatArray]:
    """Start and end of each rep's employment inside the measurement window (start >= end: none)."""
    lo, hi = run.scenario.warmup_days, run.scenario.horizon_days
    return np.maximum(hire_day(run), lo), np.minimum(leave_day(run), hi)


def employed_days(run: ReplicationRun) -> FloatArray:
    """Working days each rep was employed inside the measurement window."""
    start, end = employed_interval(run)
    return np.clip(end - start, 0.0, None)


def tenure_days_at(run: ReplicationRun, day: FloatArray) -> FloatArray:
    """Tenure of each rep on ``day`` (one day per rep), in working days."""
    with np.errstate(invalid="ignore"):
        return start_tenure_days(run) + (day - hire_day(run))


def is_ramped(tenure_days: FloatArray, ramp_days: FloatArray) -> np.ndarray:
    """True where a rep's tenure has reached its role's ramp time (the quota-attainment test)."""
    return np.asarray(tenure_days >= ramp_days)


def productive_days(run: ReplicationRun) -> FloatArray:
    """Each rep's employed days inside the window weighted by its ramp productivity (ramped FTE-days).

    The workforce's ramp curve (:class:`~simulator.model.workforce.RampCurve`) is a
    productivity per month of tenure; a day of a rep in tenure month *m* counts
    ``productivity[m]`` of a day, a fully ramped day counts 1. Integrated exactly, piece
    by piece, over the employed part of the window: the capacity planner's convention
    that a ramping rep carries quota x ramp productivity.
    """
    start, end = employed_interval(run)
    days = np.clip(end - start, 0.0, None)
    plan = run.scenario.workforce
    if not plan.teams:
        return days
    month = run.scenario.calendar.days_per_month
    joined, tenure0 = hire_day(run), _per_rep(run.rep_start_tenure_months, run.rep_team.size, np.inf)
    weighted = days.copy()
    ramping = (days > 0) & np.isfinite(tenure0)
    for team in np.unique(run.rep_team[ramping]):  # a team's reps at once, month by month of its curve
        reps = np.flatnonzero(ramping & (run.rep_team == team))
        for m, level in enumerate(plan.ramp(int(team)).productivity):
            lo = joined[reps] + (m - tenure0[reps]) * month  # the day tenure month m begins
            overlap = np.minimum(end[reps], lo + month) - np.maximum(start[reps], lo)
            inside = overlap > 0
            weighted[reps[inside]] -= (1.0 - level) * overlap[inside]
    return weighted
