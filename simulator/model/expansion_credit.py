"""Expansion bookings (upsells of the customer book) credited to the team and reps who closed them.

Modelling assumptions (see docs/MODEL.md, "Money"; the pay side is
:mod:`simulator.config.economics`):
- An expansion opportunity won inside the measurement window books its value (added
  ARR) on the day it closes (``expansion_end_day``); it is credited to the team working
  the expansion pipeline's last stage (the close), the stage every won expansion passes
  last: the team routed to that stage, or the team owning the accounts where the stage
  has none. Commission is paid on it at that team's role's
  ``expansion_commission_rate`` (median 8% on upsells, Pacific Crest 2016,
  BENCHMARKS.md, Pay, quota and unit economics). Both are exact: a team has one role.
- Inside the team, the records do not say which rep closed each expansion (neither
  engine writes it in :class:`~simulator.model.pipeline_records.PipelineRecord`), so a
  rep's share of the team's expansion bookings is its share of the team's busy time on
  the expansion pipeline inside the window (``rep_busy_by_pipeline``), or of its days
  employed there if the team did no expansion work in the window. This keeps each
  rep's expected credit (a rep who works more expansions is credited more) but not the
  luck of who closed the large ones, so the spread of attainment across reps is
  somewhat narrower than a plan's: an estimate until the records carry the closing rep.
"""

from __future__ import annotations

import numpy as np

from simulator.model.employment import employed_days
from simulator.model.multi_pipeline import EXPANSION
from simulator.model.pipeline_metrics import expansion_won_in_window
from simulator.model.plan_tables import FloatArray
from simulator.model.records import ReplicationRun


def expansion_closing_team(run: ReplicationRun) -> int:
    """Index of the team that works the expansion pipeline's closing stage; -1 without that pipeline."""
    tables = run.scenario.pipelines
    stages = tables.stages[EXPANSION] if tables is not None else None
    if tables is None or stages is None or stages.size == 0:
        return -1
    team = int(stages.team[-1])
    return team if team >= 0 else int(tables.owner_team)


def expansion_bookings_by_team(run: ReplicationRun) -> FloatArray:
    """Expansion bookings won inside the window per team (T,), in $ of added ARR, credited to the closing team."""
    booked = np.zeros(len(run.scenario.team_names))
    team = expansion_closing_team(run)
    record = run.pipelines
    if team < 0 or record is None:
        return booked
    booked[team] = float(record.expansion_value[expansion_won_in_window(run)].sum())
    return booked


def expansion_credit(run: ReplicationRun) -> FloatArray:
    """Expansion bookings won inside the window credited to each rep (R,), in $; see the module's assumptions.

    Sums, over the reps, to :func:`expansion_bookings_by_team` (unless the closing team
    had nobody employed inside the window, when nobody is credited).
    """
    credit = np.zeros(run.rep_team.size)
    by_team = expansion_bookings_by_team(run)
    team = expansion_closing_team(run)
    if team < 0 or by_team[team] == 0.0:
        return credit
    members = run.rep_team == team
    weight = np.zeros(run.rep_team.size)
    record = run.pipelines
    if record is not None and record.rep_busy_by_pipeline.size:
        weight[members] = record.rep_busy_by_pipeline[members, EXPANSION]
    if weight.sum() <= 0.0:
        weight[members] = employed_days(run)[members]
    total = weight.sum()
    if total > 0.0:
        credit = by_team[team] * weight / total
    return credit
