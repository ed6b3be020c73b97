"""Expansion opportunities of the customer book in the fast engine (``expansion_journey``).

A translation of ``expansion_journey`` in :mod:`simulator.engines.simpy.customer_processes`:
an opportunity opened by ``customer_life`` (:mod:`.customers`) takes its value from the
account's ARR, then goes through the expansion stages, each put as a work item and
decided on the customer's draw when a rep has worked it; passing the last stage wins it
and the account's ARR grows by its value.

Its record row (``Customers.expansion_row``, (E, 7)) is its number: customer, open day,
end day (NaN while open), value ($ of added ARR), won (0/1), furthest stage, and the rep
who worked the last stage worked (-1 before any is; for a won one, the closer).
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, items, kinds
from simulator.engines.fast.customer_draws import after_renewal, draw, expansion_stage_slot
from simulator.engines.fast.state import World
from simulator.model.customer_luck import UPLIFT
from simulator.model.multi_pipeline import EXPANSION
from simulator.model.odds import compiled_probability as probability

CUSTOMER, OPEN_DAY, END_DAY, VALUE, WON, STAGE, REP = 0, 1, 2, 3, 4, 5, 6
"""Columns of an expansion's record row."""


@njit(cache=True)
def open_expansion(w: World, c: int) -> None:
    """Start an expansion opportunity's journey (its record row is its number)."""
    cs = w.customers
    e = cs.n_expansions[0]
    if e >= cs.expansion_k.shape[0]:
        w.run.short[0] |= kinds.SHORT_RECORDS
        return
    cs.n_expansions[0] = e + 1
    cs.expansion_k[e] = cs.expansions[c]
    cs.expansion_row[e, CUSTOMER] = c
    events.start(w.ev, kinds.EXPANSION_START, e, 0)


@njit(cache=True)
def start_expansion(w: World, e: int) -> None:
    """``expansion_journey`` starts: its value, its record, its first stage."""
    cs = w.customers
    c = int(cs.expansion_row[e, CUSTOMER])
    k = cs.expansion_k[e]
    value = cs.arr[c] * max(0.0, draw(w, c, after_renewal(w, UPLIFT), k))
    cs.expansion_row[e, OPEN_DAY] = w.ev.clock[0]
    cs.expansion_row[e, END_DAY] = math.nan
    cs.expansion_row[e, VALUE] = value
    cs.expansion_row[e, WON] = 0.0
    cs.expansion_row[e, REP] = -1.0
    _expansion_stage(w, e, 0)


@njit(cache=True)
def _expansion_stage(w: World, e: int, s: int) -> None:
    cs = w.customers
    c = int(cs.expansion_row[e, CUSTOMER])
    cs.expansion_row[e, STAGE] = float(s)
    hours = draw(w, c, expansion_stage_slot(w, s, 0), cs.expansion_k[e])
    t = w.p.expansion_team[s]
    cs.expansion_item[e] = items.put_item(w, EXPANSION, s, t, cs.owner[c], hours, c, items.EXPANSION, e)


@njit(cache=True)
def expansion_worked(w: World, e: int, rep_number: int) -> None:
    """Rep ``rep_number`` worked a stage: lost if the customer churned meanwhile or the stage's draw fails."""
    p, cs = w.p, w.customers
    c = int(cs.expansion_row[e, CUSTOMER])
    s = int(cs.expansion_row[e, STAGE])
    cs.expansion_row[e, REP] = float(rep_number)
    now = w.ev.clock[0]
    if cs.churned[c]:
        cs.expansion_row[e, END_DAY] = now
        return
    k = cs.expansion_k[e]
    z = p.expansion_base_logit[s]
    if not math.isinf(z):
        z += p.skill_weight * w.reps.skill[rep_number]
    if draw(w, c, expansion_stage_slot(w, s, 2), k) >= probability(z):
        cs.expansion_row[e, END_DAY] = now
        return
    delay = draw(w, c, expansion_stage_slot(w, s, 1), k)
    if delay > 0 and s + 1 < p.expansion_team.shape[0]:
        events.timeout(w.ev, delay, kinds.EXPANSION_READY, e, 0)
        return
    expansion_next(w, e)


@njit(cache=True)
def expansion_next(w: World, e: int) -> None:
    """The next stage, or won: the account's ARR grows by the opportunity's value."""
    cs = w.customers
    s = int(cs.expansion_row[e, STAGE]) + 1
    if s < w.p.expansion_team.shape[0]:
        _expansion_stage(w, e, s)
        return
    c = int(cs.expansion_row[e, CUSTOMER])
    cs.expansion_row[e, END_DAY] = w.ev.clock[0]
    cs.expansion_row[e, WON] = 1.0
    cs.arr[c] += cs.expansion_row[e, VALUE]
