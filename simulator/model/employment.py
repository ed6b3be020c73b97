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


def ramped_from(run: ReplicationRun, ramp_days: FloatArray) -> FloatArray:
    """Day from which each rep counts as ramped (its hire day or earlier for tenured reps)."""
    with np.errstate(invalid="ignore"):
        remaining = np.clip(ramp_days - start_tenure_days(run), 0.0, None)
    return hire_day(run) + np.nan_to_num(remaining, nan=0.0)


def ramped_days(run: ReplicationRun, ramp_days: FloatArray) -> FloatArray:
    """Working days inside the window each rep was employed *and* ramped."""
    start, end = employed_interval(run)
    return np.clip(end - np.maximum(start, ramped_from(run, ramp_days)), 0.0, None)
