"""What arrived and what was won inside the measurement window: new leads, wins, expansions.

The masks cover the window ``[warmup_days, horizon_days)``; they sit below the KPI
modules that read them (economics, the pipelines' KPIs, the customer book, expansion
credit), so that none of those imports another for them.
"""

from __future__ import annotations

import numpy as np

from simulator.model.records import Outcome, ReplicationRun


def starting_deals(run: ReplicationRun) -> np.ndarray:
    """Which leads of a run are deals open at day 0 (both engines put them last), (N,) bool.

    Not ``arrival_day < 0``: a deal created on the as-of date has age 0 and arrives at day 0.
    """
    n = run.leads.size
    first = n - (run.scenario.initial.size if run.scenario.initial is not None else 0)
    return np.arange(n) >= first


def arrived_in_window(run: ReplicationRun) -> np.ndarray:
    """Mask of the new leads that arrived inside the window, (N,) bool.

    The deals open at day 0 are the starting pipeline, not new leads, even those created on
    the as-of date itself (age 0, so arriving at day 0): a run starting on a Saturday counted
    32 of them as October's new opportunities and charged their lead cost.
    """
    lo, hi = run.scenario.warmup_days, run.scenario.horizon_days
    arrival = run.leads.arrival_day
    return np.asarray((arrival >= lo) & (arrival < hi) & ~starting_deals(run))


def won_in_window(run: ReplicationRun) -> np.ndarray:
    """Mask of the leads won inside the measurement window (once per run, read-only: seven KPIs read it)."""

    def compute() -> np.ndarray:
        lo, hi = run.scenario.warmup_days, run.scenario.horizon_days
        with np.errstate(invalid="ignore"):
            inside = (run.log.outcome_day >= lo) & (run.log.outcome_day < hi)
        won = np.asarray(inside & (run.log.outcome == Outcome.WON))
        won.flags.writeable = False
        return won

    found: np.ndarray = run.once("won_in_window", compute)
    return found


def expansion_won_in_window(run: ReplicationRun) -> np.ndarray:
    """Mask of the expansion opportunities won inside the window; empty without the pipelines."""
    record, sc = run.pipelines, run.scenario
    if record is None:
        return np.zeros(0, dtype=np.bool_)
    with np.errstate(invalid="ignore"):
        inside = (record.expansion_end_day >= sc.warmup_days) & (record.expansion_end_day < sc.horizon_days)
    return np.asarray(record.expansion_won & inside)
