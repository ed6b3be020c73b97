"""Rep-days employed and tenure: the measure that costs, quotas and capacity are spread over.

Costs and quotas are per year; a rep counts for the share of the measurement window
during which it was employed. Today every rep is employed for the whole run with full
tenure; a workforce mechanism (hires, leavers, ramp) only has to fill
``ReplicationRun.rep_hired_day`` and ``rep_left_day`` for costs, attainment and the
capacity figure to follow headcount.
"""

from __future__ import annotations

import numpy as np

from simulator.model.plan_tables import FloatArray
from simulator.model.records import ReplicationRun


def _per_rep(values: np.ndarray | None, n_reps: int, missing: float) -> FloatArray:
    if values is None:
        return np.full(n_reps, missing)
    array = np.asarray(values, dtype=np.float64)
    return np.where(np.isnan(array), missing, array)


def hired_day(run: ReplicationRun) -> FloatArray:
    """Day each rep joined (-inf: before the run, fully tenured)."""
    return _per_rep(run.rep_hired_day, run.rep_team.size, -np.inf)


def left_day(run: ReplicationRun) -> FloatArray:
    """Day each rep left (+inf: still employed at the horizon)."""
    return _per_rep(run.rep_left_day, run.rep_team.size, np.inf)


def employed_interval(run: ReplicationRun) -> tuple[FloatArray, FloatArray]:
    """Start and end of each rep's employment inside the measurement window (start >= end: none)."""
    lo, hi = run.scenario.warmup_days, run.scenario.horizon_days
    return np.maximum(hired_day(run), lo), np.minimum(left_day(run), hi)


def employed_days(run: ReplicationRun) -> FloatArray:
    """Working days each rep was employed inside the measurement window."""
    start, end = employed_interval(run)
    return np.clip(end - start, 0.0, None)


def is_ramped(tenure_days: FloatArray, ramp_days: FloatArray) -> np.ndarray:
    """True where a rep's tenure has reached its role's ramp time (the quota-attainment test)."""
    return np.asarray(tenure_days >= ramp_days)


def ramped_days(run: ReplicationRun, ramp_days_per_rep: FloatArray) -> FloatArray:
    """Working days inside the window each rep was employed *and* ramped."""
    start, end = employed_interval(run)
    ramped_from = np.maximum(start, hired_day(run) + ramp_days_per_rep)
    return np.clip(end - ramped_from, 0.0, None)
