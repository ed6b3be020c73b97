"""Buyer decisions in the fast engine: ``decide`` of :mod:`simulator.engines.simpy.decision_processes`.

After a rep's work that ended in a decision (the stage passed or lost): a no decision
(the stage's share) closes after its own delay; on a stage that decides after the delay,
a loss closes after the loss delay and a pass moves on (or wins, on the last stage) after
the buyer's delay, a win's close day moved by the quarter-end effect
(:func:`simulator.model.decisions.pulled_close`). The same luck, the same arithmetic.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.engines.fast.state import World
from simulator.model.records import Outcome

PASSED = -1
NO_DECISION = int(Outcome.NO_DECISION)


@njit(cache=True)
def quarter_month(month_start: np.ndarray, day: float) -> int:
    """0, 1 or 2: the month of its quarter that ``day`` falls in; -1 before the calendar starts."""
    month = int(np.searchsorted(month_start, day, side="right")) - 1
    return month % 3 if month >= 0 else -1


@njit(cache=True)
def pulled_close(w: World, now: float, close: float, pull_draw: float, position: float) -> float:
    """The day a win due on ``close`` (decided on ``now``) closes, after the quarter-end effect."""
    p = w.p
    if p.quarter_share <= 0.0 or pull_draw >= p.quarter_share:
        return close
    i = int(np.searchsorted(p.quarter_ends, close, side="right")) - 1
    if i < 0:
        return close
    q = p.quarter_ends[i]
    if close - q >= p.quarter_lookahead or now >= q:
        return close
    lo = max(now, q - p.quarter_window)
    return lo + position * (q - lo)


@njit(cache=True)
def decide(w: World, lead: int, stage: int, result: int) -> tuple[int, bool, float]:
    """The outcome, whether the buyer's delay after the stage is spent waiting for it, and the wait."""
    p, leads = w.p, w.leads
    share = p.stage_no_decision[stage]
    if share > 0.0 and leads.no_decision_draw[stage, lead] < share:
        return NO_DECISION, True, leads.no_decision_delay[stage, lead]
    if not p.stage_after_delay[stage]:
        return result, False, 0.0
    month = quarter_month(p.month_start, leads.arrival[lead]) if p.stage_by_month[stage] else -1
    if result == PASSED:
        wait = leads.delay[stage, lead] if month < 0 else leads.won_by_month[month, stage, lead]
        if stage == p.n_stages - 1:
            now = w.ev.clock[0]
            close = pulled_close(w, now, now + wait, leads.pull_draw[stage, lead], leads.pull_position[stage, lead])
            wait = close - now
    else:
        wait = leads.lost_delay[stage, lead] if month < 0 else leads.lost_by_month[month, stage, lead]
    return result, True, wait
