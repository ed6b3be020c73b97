"""A leaver's book handed over in the fast engine (:mod:`simulator.engines.simpy.handover`).

Its accounts go to the team's rep with the fewest accounts, its partners to the one with
the fewest partners, its follow-ups of prospecting to the one with the fewest such
follow-ups (of recruiting: the fewest partners), lowest number on ties; idle receivers
of follow-ups are woken. A leaver's queued item of another pipeline follows its account
or partner to the new owner (:func:`item_owner`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.engines.fast import queues, teams
from simulator.engines.fast.state import World
from simulator.model.kernel import IntArray
from simulator.model.multi_pipeline import PARTNER


@njit(cache=True)
def _fewest(w: World, t: int, counts: IntArray) -> int:
    """The team's rep with the fewest of ``counts`` (lowest number on ties)."""
    tm, reps = w.teams, w.reps
    best = tm.members[t, 0]
    for k in range(1, tm.n_members[t]):
        r = tm.members[t, k]
        if counts[r] < counts[best] or (counts[r] == counts[best] and reps.number[r] < reps.number[best]):
            best = r
    return best


@njit(cache=True)
def _fewest_follow_ups(w: World, t: int, pipeline: int) -> int:
    tm, reps, tq = w.teams, w.reps, w.tq
    best = tm.members[t, 0]
    for k in range(1, tm.n_members[t]):
        r = tm.members[t, k]
        a, b = tq.length[2 * r + pipeline - 1], tq.length[2 * best + pipeline - 1]
        if a < b or (a == b and reps.number[r] < reps.number[best]):
            best = r
    return best


@njit(cache=True)
def hand_over(w: World, t: int, old: int) -> None:
    """Move ``old``'s accounts, partners and follow-ups to the reps of team ``t``."""
    if not w.p.pipelines:
        return
    reps, cs, ps = w.reps, w.customers, w.partners
    if reps.accounts[old]:
        for c in range(cs.n_customers[0]):
            if cs.owner[c] == old and not cs.churned[c]:
                new = _fewest(w, t, reps.accounts)
                cs.owner[c] = new
                reps.accounts[new] += 1
                reps.accounts[old] -= 1
    for partner in range(ps.manager.shape[0]):
        if ps.manager[partner] == old:
            new = _fewest(w, t, reps.partners)
            ps.manager[partner] = new
            reps.partners[new] += 1
            reps.partners[old] -= 1
    woken = np.full(w.teams.n_members[t] + 1, -1, dtype=np.int64)  # receivers to wake, in order
    n_woken = 0
    for slot in range(2):
        pipeline = reps.task_order[old, slot]
        if pipeline < 0:
            continue
        q = 2 * old + pipeline - 1
        while w.tq.length[q] > 0:
            ready, sequence = w.tq.key[q, 0, 0], w.tq.sequence[q, 0]
            task = queues.pop(w.tq, q)
            if pipeline == PARTNER:
                new = _fewest(w, t, reps.partners)
                moved = w.tasks.size[task]
                reps.partners[new] += moved
                reps.partners[old] -= moved
            else:
                new = _fewest_follow_ups(w, t, pipeline)
            queues.push(w.tq, 2 * new + pipeline - 1, ready, 0.0, 0.0, sequence, task)
            order = reps.task_order
            if order[new, 0] != pipeline and order[new, 1] != pipeline:
                order[new, 0 if order[new, 0] < 0 else 1] = pipeline
            if reps.waiting[new] and not (woken[:n_woken] == new).any():
                woken[n_woken] = new
                n_woken += 1
    for k in range(n_woken):  # an idle receiver waits for its own follow-ups: wake it to see the new ones
        teams.remove_idle(w, t, woken[k])
        teams.wake(w, woken[k])


@njit(cache=True)
def item_owner(w: World, t: int, item: int) -> int:
    """Who takes a leaver's queued item of another pipeline: its account's or partner's owner if in team ``t``."""
    entity = w.items.lead[item]
    owner = w.partners.manager[entity] if w.items.pipeline[item] == PARTNER else w.customers.owner[entity]
    if owner >= 0:
        for k in range(w.teams.n_members[t]):
            if w.teams.members[t, k] == owner:
                return owner
    return -1 if w.p.team_pooled[t] else teams.choose_owner(w, t)
