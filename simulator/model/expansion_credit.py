"""Expansion bookings (upsells of the customer book) credited to the reps who closed them.

Modelling assumptions (see docs/MODEL.md, "Money"; the pay side is
:mod:`simulator.config.economics`):
- An expansion opportunity won inside the measurement window books its value (added
  ARR) on the day it closes (``expansion_end_day``); it is credited to the rep who worked
  its last stage (the close), as both engines record it
  (:attr:`~simulator.model.pipeline_records.PipelineRecord.expansion_rep`), as a deal's
  bookings are credited to the rep of its closing stage. Commission is paid on it at that
  rep's role's ``expansion_commission_rate`` (median 8% on upsells, Pacific Crest 2016,
  BENCHMARKS.md, Pay, quota and unit economics), and it counts towards that rep's quota
  attainment where the role's ``expansion_quota_credit`` is true
  (:func:`simulator.model.economics.rep_ledger`).
- A team's expansion bookings are the sum over its reps: the team routed to the closing
  stage, or the owner of each account where the stage has none.
"""

from __future__ import annotations

import numpy as np

from simulator.model.plan_tables import FloatArray
from simulator.model.records import ReplicationRun
from simulator.model.window_wins import expansion_won_in_window


def expansion_credit(run: ReplicationRun) -> FloatArray:
    """Expansion bookings won inside the window credited to each rep (R,), in $ of added ARR.

    Each won expansion is credited in full to the rep who worked its closing stage; the
    sum over the reps is the window's ``expansion_bookings``.
    """
    record = run.pipelines
    n_reps = run.rep_team.size
    if record is None:
        return np.zeros(n_reps)
    won = expansion_won_in_window(run)
    closer = record.expansion_rep[won]
    # a won expansion passed every stage, each worked by a rep (none is credited to nobody)
    assert (closer >= 0).all() and (closer < n_reps).all(), "a won expansion without its closing rep"
    return np.bincount(closer, weights=record.expansion_value[won], minlength=n_reps).astype(np.float64)


def expansion_bookings_by_team(run: ReplicationRun) -> FloatArray:
    """Expansion bookings won inside the window per team (T,), in $: the credit of each team's reps."""
    n_teams = len(run.scenario.team_names)
    return np.bincount(run.rep_team, weights=expansion_credit(run), minlength=n_teams).astype(np.float64)
