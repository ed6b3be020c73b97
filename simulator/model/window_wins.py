"""What was won inside the measurement window: the new-business leads and the expansions.

Both masks cover the window ``[warmup_days, horizon_days)``; they sit below the KPI
modules that read them (economics, the pipelines' KPIs, the customer book, expansion
credit), so that none of those imports another for them.
"""

from __future__ import annotations

import numpy as np

from simulator.model.records import Outcome, ReplicationRun


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
