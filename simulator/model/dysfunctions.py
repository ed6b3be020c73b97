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

``sla_breach_<stage>``: share of the visits entering the stage inside the window whose
wait reached the stage's SLA (configured in ``sla.stages``, else its ``max_wait_days``;
NaN for a stage with neither). A visit still waiting at the horizon counts as breached
if it had already waited that long.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.model.initial_pipeline import worked_before_day_0
from simulator.model.plan_tables import FloatArray
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.window import window_months


def _waits(run: ReplicationRun) -> tuple[np.ndarray, np.ndarray, FloatArray, FloatArray, np.ndarray]:
    """Visits as flat arrays: lead, stage, wait start, wait end, and whether the wait ended."""
    log, hi = run.log, run.scenario.horizon_days
    lead, stage = np.nonzero(np.isfinite(log.stage_enter))
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
    """
    sc = run.scenario
    months = window_months(sc)
    edges = months.edges
    lead, stage, enter, end, ended = _waits(run)
    team = sc.routing[stage, run.leads.slice[lead]]
    # (stage, team) pairs in increasing order, and each visit's pair
    codes, group = np.unique(stage * sc.n_teams + team, return_inverse=True)
    n_pairs = codes.size
    columns: dict[str, list[object]] = {
        k: [] for k in ("month", "calendar_month", "quarter", "stage", "team", "queue_length", "wait_days", "visits")
    }
    for m in range(edges.size - 1):
        a, b = edges[m], edges[m + 1]
        length = b - a
        overlap = np.clip(np.minimum(end, b) - np.maximum(enter, a), 0.0, None)
        finished = ended & (end >= a) & (end < b)
        queued = np.bincount(group, weights=overlap, minlength=n_pairs)
        visits = np.bincount(group[finished], minlength=n_pairs)
        waited = np.bincount(group[finished], weights=end[finished] - enter[finished], minlength=n_pairs)
        for k, code in enumerate(codes.tolist()):
            s, t = divmod(code, sc.n_teams)
            columns["month"].append(m)
            columns["calendar_month"].append(months.labels[m])
            columns["quarter"].append(months.quarters[m])
            columns["stage"].append(sc.stage_names[s])
            columns["team"].append(sc.team_names[t])
            columns["queue_length"].append(float(queued[k] / length) if length > 0 else math.nan)
            columns["wait_days"].append(float(waited[k] / visits[k]) if visits[k] else math.nan)
            columns["visits"].append(float(visits[k]))
    return {k: np.array(v) for k, v in columns.items()}


def sla_kpis(run: ReplicationRun, sla_days: FloatArray) -> dict[str, float]:
    """``sla_breach_<stage>``: share of visits entering in the window that waited at least the SLA."""
    sc = run.scenario
    _, stage, enter, end, _ = _waits(run)
    inside = (enter >= sc.warmup_days) & (enter < sc.horizon_days)
    row: dict[str, float] = {}
    for s, name in enumerate(sc.stage_names):
        visits = inside & (stage == s)
        if not math.isfinite(float(sla_days[s])) or not visits.any():
            row[f"sla_breach_{name}"] = math.nan
            continue
        waited = end[visits] - enter[visits]
        row[f"sla_breach_{name}"] = float(np.mean(waited >= sla_days[s] - 1e-9))
    return row
