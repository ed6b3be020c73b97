"""Teams in the fast engine: choosing an owner, queueing an item, taking the next one.

The same rules as :mod:`simulator.engines.simpy.organisation`: a pooled team shares one
queue and wakes its longest-idle rep; round-robin deals owners in turn over the team's
reps in order; least-loaded takes the rep owning the fewest open leads (lowest index on
ties); by share draws the owner of a new lead with the lead's uniform in proportion to
the reps' shares, and otherwise takes the rep furthest below its share of open deals.
A queued item wakes its owner if the owner is idle.
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, kinds, queues
from simulator.engines.fast.state import World

NEW_LEAD, SPEED_CHANGE = 0, 1  # causes of a rep's interrupt


@njit(cache=True)
def choose_owner_of(w: World, t: int, lead: int) -> int:
    """The owner of ``lead`` entering team ``t``: by its uniform in a by-share team, else by the team's rule."""
    if not w.p.team_by_share[t]:
        return choose_owner(w, t)
    reps, teams = w.reps, w.teams
    n = teams.n_members[t]
    total = 0.0
    for k in range(n):
        total += reps.share[teams.members[t, k]]
    if total <= 0.0:
        return choose_owner(w, t)
    target, cumulative = w.run.assignment[t, lead] * total, 0.0
    for k in range(n):
        cumulative += reps.share[teams.members[t, k]]
        if target < cumulative:
            return teams.members[t, k]
    return teams.members[t, n - 1]


@njit(cache=True)
def choose_owner(w: World, t: int) -> int:
    """The owner of a deal entering team ``t`` (owner policies only; by share: the furthest below its share)."""
    p, reps, teams = w.p, w.reps, w.teams
    n = teams.n_members[t]
    if p.team_by_share[t]:
        best = teams.members[t, 0]
        best_load = reps.owned_open[best] / max(reps.share[best], 1e-12)
        for k in range(1, n):
            r = teams.members[t, k]
            load = reps.owned_open[r] / max(reps.share[r], 1e-12)
            if load < best_load or (load == best_load and reps.number[r] < reps.number[best]):
                best, best_load = r, load
        return best
    if not p.team_least_loaded[t]:
        rep = teams.members[t, teams.next_turn[t] % n]
        teams.next_turn[t] += 1
        return rep
    best = teams.members[t, 0]
    for k in range(1, n):
        r = teams.members[t, k]
        if reps.owned_open[r] < reps.owned_open[best] or (
            reps.owned_open[r] == reps.owned_open[best] and reps.number[r] < reps.number[best]
        ):
            best = r
    return best


@njit(cache=True)
def remove_idle(w: World, t: int, rep: int) -> None:
    """Take ``rep`` out of team ``t``'s idle reps (its first place there)."""
    teams = w.teams
    n = teams.n_idle[t]
    for k in range(n):
        if teams.idle[t, k] == rep:
            for j in range(k, n - 1):
                teams.idle[t, j] = teams.idle[t, j + 1]
            teams.n_idle[t] = n - 1
            return


@njit(cache=True)
def wake(w: World, rep: int) -> None:
    """Succeed the idle rep's wake event: its workday goes on at the next step."""
    w.reps.waiting[rep] = False
    events.succeed(w.ev, kinds.REP_WAKE, rep, w.reps.wait_id[rep])


@njit(cache=True)
def interrupt(w: World, rep: int) -> None:
    """Stop the rep's sitting: a new lead of a pipeline served first has come (``Rep.interrupt``)."""
    w.reps.sitting[rep] = -1.0
    events.start(w.ev, kinds.REP_INTERRUPT, rep, NEW_LEAD)


@njit(cache=True)
def put(w: World, t: int, item: int, owner: int) -> None:
    """Queue ``item`` for ``owner`` (or in team ``t``'s pool when -1) and wake a rep if one is idle."""
    p, qs, items, reps, teams, run = w.p, w.qs, w.items, w.reps, w.teams, w.run
    rank = p.team_rank[t, items.pipeline[item]]
    if p.team_closest[t]:
        k1, k2 = -float(items.stage[item]), p.team_order[t] * items.enqueued[item]
    else:
        k1, k2 = p.team_order[t] * items.enqueued[item], 0.0
    run.sequence[0] += 1
    n_teams = p.n_teams
    new_lead = items.previous_rep[item] < 0 and items.pipeline[item] == 0
    if owner < 0:
        queues.push(qs, t, rank, k1, k2, run.sequence[0], item)
        if teams.n_idle[t] > 0:
            rep = teams.idle[t, 0]
            remove_idle(w, t, rep)
            wake(w, rep)
        elif p.pipelines and new_lead:  # every team may have a rep in an interruptible sitting
            for k in range(teams.n_members[t]):
                rep = teams.members[t, k]
                if reps.sitting[rep] > rank:
                    interrupt(w, rep)
                    break
        return
    queues.push(qs, n_teams + owner, rank, k1, k2, run.sequence[0], item)
    if reps.waiting[owner]:
        remove_idle(w, t, owner)
        wake(w, owner)
    elif reps.sitting[owner] > rank and new_lead:
        interrupt(w, owner)  # a new lead: the rep picks up the phone


@njit(cache=True)
def take(w: World, rep: int) -> int:
    """The next item for ``rep`` (its own queue, or its team's pool), or -1 if it has nothing to do."""
    p, qs, reps = w.p, w.qs, w.reps
    t = reps.team[rep]
    own = p.n_teams + rep
    if not p.team_pooled[t]:
        return queues.pop(qs, own) if qs.length[own] > 0 else -1
    if qs.length[own] > 0 and (qs.length[t] == 0 or queues.head_before(qs, own, t)):
        return queues.pop(qs, own)  # a pooled team's rep may own items of other pipelines
    return queues.pop(qs, t) if qs.length[t] > 0 else -1


@njit(cache=True)
def _live(w: World, item: int) -> bool:
    """The item still waits: another pipeline's, or a lead whose wait has not run out (it leaked otherwise)."""
    items = w.items
    return items.pipeline[item] != 0 or w.ev.clock[0] - items.enqueued[item] <= w.p.stage_max_wait[items.stage[item]]


@njit(cache=True)
def queued(w: World, t: int) -> int:
    """Items waiting in team ``t`` (its pool and its reps' queues), not those being worked nor leaked leads."""
    p, qs, teams = w.p, w.qs, w.teams
    total = 0
    for k in range(qs.length[t]):
        total += _live(w, qs.item[t, k])
    for m in range(teams.n_members[t]):
        q = p.n_teams + teams.members[t, m]
        for k in range(qs.length[q]):
            total += _live(w, qs.item[q, k])
    return total


@njit(cache=True)
def oldest_enqueued(w: World, t: int) -> float:
    """When the longest-waiting item of team ``t`` was queued (inf if none waits; leaked leads left out)."""
    p, qs, items, teams = w.p, w.qs, w.items, w.teams
    oldest = math.inf
    for k in range(qs.length[t]):
        if _live(w, qs.item[t, k]):
            oldest = min(oldest, items.enqueued[qs.item[t, k]])
    for m in range(teams.n_members[t]):
        q = p.n_teams + teams.members[t, m]
        for k in range(qs.length[q]):
            if _live(w, qs.item[q, k]):
                oldest = min(oldest, items.enqueued[qs.item[q, k]])
    return oldest
