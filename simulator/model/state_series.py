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
from typing import Literal

import numpy as np

from simulator.model.employment import hire_day, leave_day
from simulator.model.kernel import FloatArray
from simulator.model.multi_pipeline import EXPANSION
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.workforce import daily_staffing

Side = Literal["left", "right"]

STATE_SERIES = (
    "open_pipeline",
    "open_pipeline_value",
    "customers_active",
    "partners_active",
    "expansions_open",
    "ramped_fte",
    "rep_tenure_months",
)


Intervals = tuple[FloatArray, FloatArray]  # (start, end) of each item: it is alive over [start, end)


def _sorted_bounds(start: FloatArray, end: FloatArray) -> Intervals:
    """The finite starts and the finite ends of intervals ``[start, end)``, each sorted (NaN starts never began)."""
    return np.sort(start[np.isfinite(start)]), np.sort(end[np.isfinite(end)])


def _alive(bounds: Intervals, days: FloatArray, side: Side) -> FloatArray:
    """How many intervals ``[start, end)`` hold each instant, from :func:`_sorted_bounds` of them.

    ``side="right"`` counts at the instant, after what happened at it; ``"left"`` just before
    it, so an item that starts or ends exactly at the instant belongs to what comes after.
    """
    begun, ended = bounds
    return np.asarray(
        np.searchsorted(begun, days, side=side) - np.searchsorted(ended, days, side=side), dtype=np.float64
    )


def _alive_bounds(run: ReplicationRun, name: str) -> Intervals | None:
    """:func:`_sorted_bounds` of one of :data:`_INTERVALS` of the run, sorted once per run.

    The open pipeline is read at month ends and day by day, from thousands of leads: the
    monthly series and the initial-transient check's columns share its two sorts.
    """

    def bounds() -> Intervals | None:
        intervals = _INTERVALS[name](run)
        return None if intervals is None else _sorted_bounds(*intervals)

    return run.once(f"alive_bounds_{name}", bounds)


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


def _lead_intervals(run: ReplicationRun) -> Intervals:
    """Every lead from its arrival until it was won or lost (never, while open at the horizon)."""
    return run.leads.arrival_day, _ended(run)


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


def _customer_intervals(run: ReplicationRun) -> Intervals | None:
    record = run.pipelines
    if record is None or not record.customer_start_day.size:
        return None
    churn_day = np.full(record.customer_start_day.size, np.inf)
    churned = record.renewal_churned.astype(bool)
    churn_day[record.renewal_customer[churned]] = record.renewal_day[churned]
    return record.customer_start_day, churn_day


def _partner_intervals(run: ReplicationRun) -> Intervals | None:
    record = run.pipelines
    if record is None or not record.partner_active_day.size:
        return None
    never = np.full(record.partner_active_day.size, np.inf)  # partners do not leave
    return record.partner_active_day, never


def _expansion_intervals(run: ReplicationRun) -> Intervals | None:
    """Expansion opportunities from opening to close; zero intervals when the pipeline exists but none opened."""
    record, tables = run.pipelines, run.scenario.pipelines
    if record is None or tables is None or tables.stages[EXPANSION] is None:
        return None
    closed = np.where(np.isnan(record.expansion_end_day), np.inf, record.expansion_end_day)
    return record.expansion_open_day, closed


# the series that count items alive over an interval: these can be read at any instant
_INTERVALS: dict[str, Callable[[ReplicationRun], Intervals | None]] = {
    "open_pipeline": _lead_intervals,
    "customers_active": _customer_intervals,
    "partners_active": _partner_intervals,
    "expansions_open": _expansion_intervals,
}


def _counted(name: str) -> Callable[[ReplicationRun, FloatArray], FloatArray | None]:
    """The daily series of one of :data:`_INTERVALS`, read at the middle of each day."""

    def series(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
        bounds = _alive_bounds(run, name)
        return None if bounds is None else _alive(bounds, days, "right")

    return series


def _ramped_fte(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    if not run.rep_team.size:
        return None
    _, fte = staffing(run)
    return np.asarray(fte.sum(axis=0), dtype=np.float64)


def _rep_tenure_months(run: ReplicationRun, days: FloatArray) -> FloatArray | None:
    return _mean_tenure(run, days) if run.rep_team.size else None


_SERIES: dict[str, Callable[[ReplicationRun, FloatArray], FloatArray | None]] = {
    "open_pipeline": _counted("open_pipeline"),
    "open_pipeline_value": _open_pipeline_value,
    "customers_active": _counted("customers_active"),
    "partners_active": _counted("partners_active"),
    "expansions_open": _counted("expansions_open"),
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


def at_month_ends(run: ReplicationRun, edges: FloatArray, only: Collection[str]) -> dict[str, FloatArray]:
    """Counts of ``open_pipeline``, ``customers_active``, ``partners_active`` or ``expansions_open`` as each month ends.

    Read from the records at the instant each month of ``edges`` (n + 1 month bounds) ends,
    just before it: what arrived, started, ended or churned at ``edges[m + 1]`` is the next
    month's, as in the monthly flows. The last month ends at the horizon, where the open
    pipeline is the KPI ``open_pipeline_count`` (the leads still open when the run stops).
    Not the middle of the month's last working day: the wins, losses and churn of its second
    half would be missed, and the engines' live census (``ReplicationRun.daily_open``)
    counts a leaked lead only once its leak is noticed (91 leads above the KPI for one
    specialist run of the default experiment).

    Args:
        run: The replication.
        edges: The month bounds (:func:`simulator.model.window.window_months`).
        only: The series wanted; a series the run has no records for is left out.
    """
    ends = np.asarray(edges[1:], dtype=np.float64)
    counts: dict[str, FloatArray] = {}
    for name in only:
        bounds = _alive_bounds(run, name)
        if bounds is not None:
            counts[name] = _alive(bounds, ends, "left")
    return counts


def month_means(series: FloatArray, edges: FloatArray) -> FloatArray:
    """A daily series averaged over the working days of each month of ``edges`` (n + 1 month bounds)."""
    days = np.arange(series.size) + 0.5
    month = np.searchsorted(edges, days, side="right") - 1
    inside = (month >= 0) & (month < edges.size - 1)
    total = np.bincount(month[inside], weights=series[inside], minlength=edges.size - 1)
    count = np.bincount(month[inside], minlength=edges.size - 1)
    return np.divide(total, count, out=np.full(edges.size - 1, np.nan), where=count > 0)
