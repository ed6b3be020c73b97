"""The state of the organisation day by day: the series an initial transient shows in.

Read from one replication's records after the run (no engine events). Each series holds
one value per working day, taken at the middle of the day (``d + 0.5``):

- ``open_pipeline``: leads arrived and not yet won or lost;
- ``open_pipeline_value``: their deal value ($);
- ``customers_active``: accounts of the customer book not churned;
- ``partners_active``: partners recruited and onboarded;
- ``expansions_open``: expansion opportunities opened and not yet won or lost (the
  account team's expansion backlog);
- ``ramped_fte``: the sum of every employed rep's ramp level;
- ``rep_tenure_months``: the mean tenure of the employed reps (fully ramped reps of a
  static team, whose tenure is unknown, are left out).

A run started from an empty company begins with no open pipeline, no partners and reps
of arbitrary tenure; these series show how long it takes them to settle (the warm-up a
steady-state question needs, :mod:`simulator.analysis.warmup`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection

import numpy as np

from simulator.model.employment import hire_day, leave_day
from simulator.model.kernel import FloatArray
from simulator.model.multi_pipeline import EXPANSION
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.workforce import daily_staffing

STATE_SERIES = (
    "open_pipeline",
    "open_pipeline_value",
    "customers_active",
    "partners_active",
    "expansions_open",
    "ramped_fte",
    "rep_tenure_months",
)


def _alive(start: FloatArray, end: FloatArray, days: FloatArray) -> FloatArray:
    """How many of the intervals ``[start, end)`` hold each day (NaN starts never began)."""
    begun = np.sort(start[np.isfinite(start)])
    ended = np.sort(end[np.isfinite(end)])
    return np.asarray(
        np.searchsorted(begun, days, side="right") - np.searchsorted(ended, days, side="right"), dtype=np.float64
    )


def daily_state(run: ReplicationRun, only: Collection[str] | None = None) -> dict[str, FloatArray]:
    """The state series of one replication, each of shape (ceil(horizon_days),).

    Args:
        run: The replication.
        only: The series wanted (all by default); a series the run has no records for is
            left out either way.
    """
    n_days = math.ceil(run.scenario.horizon_days)
    days = np.arange(n_days, dtype=np.float64) + 0.5
    wanted = STATE_SERIES if only is None else tuple(name for name in STATE_SERIES if name in only)
    series: dict[str, FloatArray] = {}
    for name in wanted:
        value = _SERIES[name](run, days)
        if value is not None:
            series[name] = value
    return series


def _ended(run: ReplicationRun) -> FloatArray:
    return np.where(run.log.outcome == Outcome.OPEN, np.inf, run.log.outcome_day)


def _open_pipeline(run: ReplicationRun, days: FloatArray) -> FloatArray:
    return _alive(run.leads.arrival_day, _ended(run), days)


def _open_pipeline_value(run: ReplicationRun, days: FloatArray) -> FloatArray:
    leads, ended = run.leads, _ended(run)
    arrived = leads.arrival_day
    order = np.argsort(arrived, kind="stable")
    value_in = np.concatenate([[0.0], np.cumsum(leads.deal_value[order])])
    closing = np.argsort(ended, kind="stable")
    value_out = np.concatenate([[0.0], np.cumsum(leads.deal_value[closing])])
    value = (
        value_in[np.searchsorted(arrived[order], days, side="right")]
        - value_out[np.searchsorted(ended[closing], days, side="right")]
    )
    return np.asarray(value, dtype=np.float64)


def _customers_active(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    record = run.pipelines
    if record is None or not record.customer_start_day.size:
        return None
    churn_day = np.full(record.customer_start_day.size, np.inf)
    churned = record.renewal_churned.astype(bool)
    churn_day[record.renewal_customer[churned]] = record.renewal_day[churned]
    return _alive(record.customer_start_day, churn_day, days)


def _partners_active(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    record = run.pipelines
    if record is None or not record.partner_active_day.size:
        return None
    never = np.full(record.partner_active_day.size, np.inf)  # partners do not leave
    return _alive(record.partner_active_day, never, days)


def _expansions_open(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    """Expansion opportunities open each day; a zero series when the pipeline exists but none opened."""
    record, tables = run.pipelines, run.scenario.pipelines
    if record is None or tables is None or tables.stages[EXPANSION] is None:
        return None
    closed = np.where(np.isnan(record.expansion_end_day), np.inf, record.expansion_end_day)
    return _alive(record.expansion_open_day, closed, days)


def _ramped_fte(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    if not run.rep_team.size:
        return None
    _, fte = staffing(run)
    return np.asarray(fte.sum(axis=0), dtype=np.float64)


def _rep_tenure_months(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    return _mean_tenure(run, days) if run.rep_team.size else None


_SERIES: dict[str, Callable[[ReplicationRun, FloatArray], FloatArray | None]] = {
    "open_pipeline": _open_pipeline,
    "open_pipeline_value": _open_pipeline_value,
    "customers_active": _customers_active,
    "partners_active": _partners_active,
    "expansions_open": _expansions_open,
    "ramped_fte": _ramped_fte,
    "rep_tenure_months": _rep_tenure_months,
}


def staffing(run: ReplicationRun) -> tuple[FloatArray, FloatArray]:
    """Headcount and ramped FTE per team (rows) at the middle of every day of the run (columns), once per run.

    :func:`~simulator.model.workforce.daily_staffing` of the run's reps over ``ceil(horizon_days)`` days.
    """
    n_days = math.ceil(run.scenario.horizon_days)
    return run.once(
        "daily_staffing",
        lambda: daily_staffing(
            run.scenario.workforce,
            run.rep_team,
            run.rep_hire_day,
            run.rep_leave_day,
            run.rep_start_tenure_months,
            n_days,
        ),
    )


def _mean_tenure(run: ReplicationRun, days: FloatArray) -> FloatArray:
    """Mean tenure (months) of the employed reps whose tenure is known, each day (NaN: none)."""
    start = np.asarray(run.rep_start_tenure_months, dtype=np.float64)
    if start.size != run.rep_team.size:
        return np.full(days.size, np.nan)
    joined, left = hire_day(run), leave_day(run)
    known = np.isfinite(start)
    if not known.any():
        return np.full(days.size, np.nan)
    joined, left, start = joined[known], left[known], start[known]
    employed = (joined[:, None] <= days[None, :]) & (days[None, :] < left[:, None])
    tenure = start[:, None] + (days[None, :] - joined[:, None]) / run.scenario.calendar.days_per_month
    count = employed.sum(axis=0)
    total = np.where(employed, tenure, 0.0).sum(axis=0)
    return np.divide(total, count, out=np.full(days.size, np.nan), where=count > 0)


def at_month_ends(series: FloatArray, edges: FloatArray) -> FloatArray:
    """A daily series read on the last working day of each month of ``edges`` (n + 1 month bounds)."""
    if series.size == 0:
        return np.full(edges.size - 1, np.nan)
    index = np.clip(np.ceil(edges[1:]).astype(np.int64) - 1, 0, series.size - 1)
    return np.asarray(series[index], dtype=np.float64)


def month_means(series: FloatArray, edges: FloatArray) -> FloatArray:
    """A daily series averaged over the working days of each month of ``edges`` (n + 1 month bounds)."""
    days = np.arange(series.size) + 0.5
    month = np.searchsorted(edges, days, side="right") - 1
    inside = (month >= 0) & (month < edges.size - 1)
    total = np.bincount(month[inside], weights=series[inside], minlength=edges.size - 1)
    count = np.bincount(month[inside], minlength=edges.size - 1)
    return np.divide(total, count, out=np.full(edges.size - 1, np.nan), where=count > 0)
