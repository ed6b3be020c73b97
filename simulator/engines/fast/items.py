"""Work items of the pipelines beside new business.

Item ``i < N`` is lead ``i``'s item of the sales pipeline (a lead has one at a time);
the others are numbered as they are created and never reused (a process may read
whether an item's done event succeeded after it was processed, as the SimPy engine's
``item.done.triggered``). ``purpose`` says which process waits for an item's done event.
"""

from __future__ import annotations

from numba import njit

from simulator.engines.fast import kinds, teams
from simulator.engines.fast.state import World

SALES, ENABLEMENT, CHECKIN, RENEWAL, EXPANSION = 0, 1, 2, 3, 4  # purposes


@njit(cache=True)
def new_item(w: World) -> int:
    """The next item (-1 and the run marked short when there is no room left)."""
    item = w.leads.arrival.shape[0] + w.items.n_used[0]
    if item >= w.items.pipeline.shape[0]:
        w.run.short[0] |= kinds.SHORT_ITEMS
        return -1
    w.items.n_used[0] += 1
    return item


@njit(cache=True)
def put_item(
    w: World, pipeline: int, stage: int, t: int, owner: int, hours: float, entity: int, purpose: int, waiter: int
) -> int:
    """``floor.put_item``: queue a non-sales item with the owner if its team is the owner's, else by policy."""
    if owner >= 0 and w.reps.team[owner] != t:
        owner = -1
    if owner < 0 and not w.p.team_pooled[t]:
        owner = teams.choose_owner(w, t)
    item = new_item(w)
    if item < 0:
        return -1
    items = w.items
    items.pipeline[item] = pipeline
    items.stage[item] = stage
    items.lead[item] = entity
    items.enqueued[item] = w.ev.clock[0]
    items.extra_hours[item] = 0.0
    items.previous_rep[item] = -1
    items.handoff_checked[item] = False
    items.hours[item] = hours
    items.purpose[item] = purpose
    items.waiter[item] = waiter
    items.triggered[item] = False
    teams.put(w, t, item, owner)
    return item
