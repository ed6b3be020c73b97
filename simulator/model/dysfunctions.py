"""Where the pipeline jams: queues and waits per stage and team and month, SLA breaches.

Read from the journey log after the run (no engine events). A *visit* is a lead entering
a stage; it waits in its team's queue from ``stage_enter`` until a rep starts work, or
until it is lost untouched (leaked at its stage's max wait, or dropped at a pooled
hand-off), or until the horizon if still waiting. A deal open at day 0 at a stage whose
work was done before (it waits for the buyer's decision) makes no visit there. Per month and (stage, team):

- ``queue_length``: time-average number of visits waiting (the area under the queue
  length curve over the month, divided by the month's length);
- ``wait_days``: mean wait of the visits whose wait ended in the month (work started or
  lead lost untouched), so leaked leads count with the full wait they endured;
- ``visits``: visits whose wait ended in the month.

``sla_breach_<stage>``: share of the visits whose SLA fell due inside the window (entered
the stage an SLA before a day of the window) whose wait reached the stage's SLA (configured
in ``sla.stages``, else its ``max_wait_days``; NaN for a stage with neither). Each of them is
known by the horizon to have breached or not; a visit still waiting at the horizon breached.
Counting the visits *entering* inside the window had held in its denominator the last SLA
days' entrants, who could not breach before the horizon: solution_engineers read "SLA
breaches at need specified 13.7%" beside "219 (16% of those reaching it) leak there",
though at an SLA of the stage's max wait every leaked lead breached it. By due date, at
that SLA the breaches are the leaked leads of the window exactly. ``sla_visits_<stage>``:
that share's denominator (NaN where the share is): the number of trials an all-zero
share's interval is over (:mod:`simulator.analysis.intervals`).
"""

from __future__ import annotations

import math

import numpy as np

from simulator.model.initial_pipeline import worked_before_day_0
from simulator.model.masks import true_cells
from simulator.model.plan_tables import FloatArray
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.window import window_months

Visits = tuple[np.ndarray, np.ndarray, FloatArray, FloatArray, np.ndarray]
QUEUE_COLUMNS = ("month", "calendar_month", "quarter", "stage", "team", "queue_length", "wait_days", "visits")


def _waits(run: ReplicationRun) -> Visits:
    """Visits as flat arrays: lead, stage, wait start, wait end, and whether the wait ended (once per run)."""
    return run.once("queue_visits", lambda: _visits(run))


def _visits(run: ReplicationRun) -> Visits:
    log, hi = run.log, run.scenario.horizon_days
    lead, stage = true_cells(np.isfinite(log.stage_enter))
    queued = ~worked_before_day_0(run, lead, stage)  # a starting deal with its stage's work done never queued
    lead, stage = lead[queued], stage[queued]
    enter = log.stage_enter[lead, stage]
    start = log.stage_start[lead, stage]
    lost_here = (
        (log.outcome_stage[lead] == stage)
        & ((log.outcome[lead] == Outcome.LEAKED) | (log.outcome[lead] == Outcome.LOST_HANDOFF))
        & np.isnan(start)
    )
    end = np.where(np.isfinite(start), start, np.where(lost_here, log.outcome_day[lead], hi))
    ended = np.isfinite(start) | lost_here
    return lead, stage, enter, np.minimum(end, hi), ended


def queue_table(run: ReplicationRun) -> dict[str, np.ndarray]:
    """Tidy queue figures per calendar month of the window and (stage, team).

    Columns: month, calendar_month, quarter, stage, team, queue_length, wait_days, visits.
    Rows: month by month, (stage, team) pairs in increasing order within a month.
    """
    sc = run.scenario
    months = window_months(sc)
    edges = months.edges
    lead, stage, enter, end, ended = _waits(run)
    team = sc.routing[stage, run.leads.slice[lead]]
    # (stage, team) pairs in increasing order, and each visit's pair (np.unique's codes and inverse)
    code = stage * sc.n_teams + team
    present = np.bincount(code, minlength=sc.n_stages * sc.n_teams) > 0
    codes = np.flatnonzero(present)
    group = (np.cumsum(present) - 1)[code]
    n_months, n_pairs = edges.size - 1, codes.size
    if n_months <= 0 or n_pairs == 0:
        return {k: np.array([]) for k in QUEUE_COLUMNS}
    size = n_months * n_pairs
    queued = np.bincount(*_overlaps(edges, enter, end, group, n_pairs), minlength=size).reshape(n_months, n_pairs)
    month = np.searchsorted(edges, end, side="right") - 1  # the month a wait ended in: edges[m] <= end < edges[m + 1]
    finished = ended & (month >= 0) & (month < n_months)
    ended_bins = month[finished] * n_pairs + group[finished]
    visits = np.bincount(ended_bins, minlength=size).reshape(n_months, n_pairs)
    waited = np.bincount(ended_bins, weights=end[finished] - enter[finished], minlength=size).reshape(n_months, n_pairs)
    length = (edges[1:] - edges[:-1])[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        queue_length = np.where(length > 0, queued / np.where(length > 0, length, 1.0), np.nan)
        wait_days = np.where(visits > 0, waited / np.where(visits > 0, visits, 1), np.nan)
    pair_stage, pair_team = np.divmod(codes, sc.n_teams)
    return {
        "month": np.repeat(np.arange(n_months), n_pairs),
        "calendar_month": np.repeat(np.array(months.labels), n_pairs),
        "quarter": np.repeat(np.array(months.quarters), n_pairs),
        "stage": np.tile(np.array(sc.stage_names)[pair_stage], n_months),
        "team": np.tile(np.array(sc.team_names)[pair_team], n_months),
        "queue_length": queue_length.ravel(),
        "wait_days": wait_days.ravel(),
        "visits": visits.ravel().astype(np.float64),
    }


def _overlaps(
    edges: FloatArray, enter: FloatArray, end: FloatArray, group: np.ndarray, n_pairs: int
) -> tuple[np.ndarray, FloatArray]:
    """Bins (month x pair) and days waited inside each month, for every (visit, month) the wait may overlap.

    Visit by visit, month by month: a bincount adds each bin's overlaps in visit order, as
    one bincount per month over every visit would; the months a wait cannot overlap add
    exactly 0, so they are left out.
    """
    first = np.searchsorted(edges[1:], enter, side="right")  # the first month ending after the wait began
    last = np.searchsorted(edges[:-1], end, side="left") - 1  # the last month beginning before it ended
    count = np.maximum(last - first + 1, 0)
    visit = np.repeat(np.arange(enter.size), count)
    month = first[visit] + np.arange(visit.size) - np.repeat(np.cumsum(count) - count, count)
    overlap = np.clip(np.minimum(end[visit], edges[month + 1]) - np.maximum(enter[visit], edges[month]), 0.0, None)
    return month * n_pairs + group[visit], overlap


def sla_kpis(run: ReplicationRun, sla_days: FloatArray) -> dict[str, float]:
    """``sla_breach_<stage>``: share of the visits whose SLA fell due in the window that waited at least the SLA.

    And ``sla_visits_<stage>``, the visits it is a share of.

    Counted for every stage at once (two bincounts): a share of counts is the same number
    whichever way the counts are made.
    """
    sc = run.scenario
    _, stage, enter, end, _ = _waits(run)
    due = enter + sla_days[stage]
    with np.errstate(invalid="ignore"):  # a stage without an SLA (inf or NaN) is reported as NaN below
        inside = (due >= sc.warmup_days) & (due < sc.horizon_days)
        breached = inside & (end - enter >= sla_days[stage] - 1e-9)
    visits = np.bincount(stage[inside], minlength=sc.n_stages)
    breaches = np.bincount(stage[breached], minlength=sc.n_stages)
    row: dict[str, float] = {}
    for s, name in enumerate(sc.stage_names):
        has_sla = math.isfinite(float(sla_days[s])) and visits[s] > 0
        row[f"sla_breach_{name}"] = float(breaches[s]) / float(visits[s]) if has_sla else math.nan
        row[f"sla_visits_{name}"] = float(visits[s]) if has_sla else math.nan
    return row
