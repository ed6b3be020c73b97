"""The workforce in the fast engine: seats, hires, leavers, ramp steps, coaching, re-dealt deals.

The same rules and the same draws as :mod:`simulator.engines.simpy.workforce_processes`.
A seat's luck (tenure uniforms, hiring lags, new reps' skills) does not depend on the
rest of the run, so it is drawn before the run, cycle by cycle, in the order the SimPy
seat draws it from the same stream; a team's reassignment-loss uniforms are drawn ahead
in a batch (the same numbers a draw at a time would give).
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, handover, kinds, queues, teams
from simulator.engines.fast.param_arrays import Params
from simulator.engines.fast.state import Reps, World
from simulator.model.records import Outcome

LOST_REASSIGNMENT = int(Outcome.LOST_REASSIGNMENT)


@njit(cache=True)
def level(p: Params, t: int, tenure: float) -> float:
    """Share of a ramped rep's selling hours at ``tenure`` months (``RampCurve.level``)."""
    n = p.ramp_n_productivity[t]
    m = math.floor(tenure) if math.isfinite(tenure) else n
    return p.ramp_productivity[t, m] if 0 <= m < n else 1.0


@njit(cache=True)
def skill_shift(p: Params, t: int, tenure: float) -> float:
    """Logit shift of skill at ``tenure`` months (``RampCurve.skill``)."""
    n = p.ramp_n_skill[t]
    m = math.floor(tenure) if math.isfinite(tenure) else n
    return p.ramp_skill[t, m] if 0 <= m < n else 0.0


@njit(cache=True)
def ramp_months(p: Params, t: int) -> int:
    """Months until a rep of team ``t`` is fully ramped."""
    return max(p.ramp_n_productivity[t], p.ramp_n_skill[t])


@njit(cache=True)
def tenure(w: World, rep: int) -> float:
    """Months of tenure of ``rep`` now."""
    return w.reps.start_tenure[rep] + (w.ev.clock[0] - w.reps.hire_day[rep]) / w.p.days_per_month


@njit(cache=True)
def apply_level(p: Params, reps: Reps, rep: int, months: float) -> None:
    """Set the rep's selling hours and skill for its tenure."""
    t = reps.team[rep]
    reps.hours[rep] = reps.base_hours[rep] * level(p, t, months)
    reps.skill_shift[rep] = skill_shift(p, t, months)
    reps.skill[rep] = reps.base_skill[rep] + reps.skill_shift[rep]


@njit(cache=True)
def is_vacancy(reps: Reps, rep: int) -> bool:
    """True for a team's vacancy placeholder."""
    return reps.number[rep] < 0


@njit(cache=True)
def vacancy(p: Params, reps: Reps, t: int) -> int:
    """The rep slot standing for team ``t`` with nobody in it."""
    return reps.number.shape[0] - p.n_teams + t


@njit(cache=True)
def lost(w: World, t: int) -> bool:
    """Draw whether one re-dealt deal of team ``t`` is lost."""
    p, run = w.p, w.run
    if p.warmup <= w.ev.clock[0] < p.horizon:  # counted inside the measured window, as every other count
        run.deals_reassigned[0] += 1
    if p.reassignment_loss <= 0.0:
        return False
    k = run.loss_used[t]
    if k >= run.loss_draws.shape[1]:
        run.short[0] |= kinds.SHORT_LOSSES
        return False
    run.loss_used[t] = k + 1
    return run.loss_draws[t, k] < p.reassignment_loss


@njit(cache=True)
def redeal(w: World, t: int, old: int, lose: bool) -> None:
    """Deal the items queued for ``old`` to team ``t``'s reps, in ``old``'s priority order."""
    p, ev, qs, items = w.p, w.ev, w.qs, w.items
    q = p.n_teams + old
    if qs.length[q] == 0:
        return
    order = queues.sorted_items(qs, q)
    qs.length[q] = 0
    for item in order:
        if items.pipeline[item]:  # another pipeline's item follows its account or partner, no loss
            teams.put(w, t, item, handover.item_owner(w, t, item))
            continue
        if lose and lost(w, t):
            items.result[item] = LOST_REASSIGNMENT
            items.rep[item] = -1
            items.day[item] = ev.clock[0]
            events.succeed(ev, kinds.LEAD_DONE, items.lead[item], item)
            continue
        new = teams.choose_owner(w, t)
        w.run.redealt[items.lead[item], t] = new
        teams.put(w, t, item, new)


@njit(cache=True)
def new_deal_owner(w: World, t: int, old: int, lead: int) -> int:
    """The new owner of a deal of team ``t`` whose owner ``old`` no longer works; -1 if the deal is lost."""
    reps, redealt = w.reps, w.run.redealt
    target = redealt[lead, t]
    redealt[lead, t] = -1
    if target < 0 or not reps.active[target]:
        leaver = target if target >= 0 else old
        if reps.number[leaver] >= 0 and lost(w, t):
            return -1
        target = teams.choose_owner(w, t)
    reps.owned_open[old] -= 1
    reps.owned_open[target] += 1
    return target


@njit(cache=True)
def leave(w: World, rep: int) -> None:
    """``rep`` leaves now: it takes no new work and its queue is re-dealt."""
    p, ev, reps, tm = w.p, w.ev, w.reps, w.teams
    t = reps.team[rep]
    reps.active[rep] = False
    reps.leave_day[rep] = ev.clock[0]
    n = tm.n_members[t]
    for k in range(n):
        if tm.members[t, k] == rep:
            for j in range(k, n - 1):
                tm.members[t, j] = tm.members[t, j + 1]
            tm.n_members[t] = n - 1
            break
    if tm.n_members[t] == 0:
        tm.members[t, 0] = vacancy(p, reps, t)
        tm.n_members[t] = 1
    if reps.waiting[rep]:  # idle: wake its workday so that it ends
        teams.remove_idle(w, t, rep)
        teams.wake(w, rep)
    handover.hand_over(w, t, rep)
    redeal(w, t, rep, True)


@njit(cache=True)
def stopped(w: World, rep: int) -> None:
    """``rep``'s workday has ended: it is employed until the item in hand was finished.

    What it gained finishing its last item (a follow-up, a partner) is handed over too.
    """
    w.reps.leave_day[rep] = max(w.reps.leave_day[rep], w.ev.clock[0])
    w.reps.stopped[rep] = True
    t = w.reps.team[rep]
    handover.hand_over(w, t, rep)
    redeal(w, t, rep, False)


@njit(cache=True)
def hire(w: World, t: int, skill: float) -> int:
    """A new rep joins team ``t`` now at tenure 0 and starts working; returns its slot."""
    p, ev, reps, tm, run = w.p, w.ev, w.reps, w.teams, w.run
    rep = reps.n_hired[0]
    if rep >= reps.number.shape[0] - p.n_teams:
        run.short[0] |= kinds.SHORT_OTHER
        return -1
    reps.n_hired[0] = rep + 1
    hours = p.team_selling_hours[t]
    reps.number[rep] = rep
    reps.team[rep] = t
    reps.base_skill[rep] = skill
    reps.skill[rep] = skill
    reps.base_hours[rep] = hours
    reps.hours[rep] = hours
    reps.hire_day[rep] = ev.clock[0]
    reps.start_tenure[rep] = 0.0
    reps.leave_day[rep] = math.inf
    reps.active[rep] = True
    reps.share[rep] = p.team_hire_share[t]
    apply_level(p, reps, rep, 0.0)
    empty = vacancy(p, reps, t)
    if tm.n_members[t] > 0 and tm.members[t, 0] == empty:
        tm.n_members[t] = 0
    tm.members[t, tm.n_members[t]] = rep
    tm.n_members[t] += 1
    give_duties(w, rep)
    events.start(ev, kinds.REP_START, rep, 0)
    if ramp_months(p, t):
        events.start(ev, kinds.RAMP_START, rep, 0)
    handover.hand_over(w, t, empty)
    redeal(w, t, empty, False)
    return rep


@njit(cache=True)
def give_duties(w: World, rep: int) -> None:
    """The pool pipelines the rep works, by its team's time allocation (its follow-up lists in that order)."""
    duties = w.p.team_duties[w.reps.team[rep]]
    w.reps.duties[rep] = duties
    slot = 0
    for pipeline in (1, 2):
        if (duties >> (pipeline - 1)) & 1:
            w.reps.task_order[rep, slot] = pipeline
            slot += 1


# ---------------------------------------------------------------------- processes


@njit(cache=True)
def seat_cycle(w: World, z: int) -> None:
    """The seat's rep starts its tenure: its leaving is scheduled (no attrition: it stays)."""
    seats = w.seats
    attrition = w.p.attrition[seats.team[z]]
    if attrition <= 0.0:
        return
    u = seats.tenure_u[z, seats.cycle[z]]
    events.timeout(w.ev, -math.log1p(-u) / attrition, kinds.SEAT_LEAVE, z, 0)


@njit(cache=True)
def ramp_next(w: World, rep: int, month: int) -> None:
    """Wait for the next month of tenure if the rep still works and is not fully ramped."""
    p, ev, reps = w.p, w.ev, w.reps
    if reps.active[rep] and month < ramp_months(p, reps.team[rep]):
        next_day = reps.hire_day[rep] + (month + 1 - reps.start_tenure[rep]) * p.days_per_month
        events.timeout(ev, max(0.0, next_day - ev.clock[0]), kinds.RAMP_STEP, rep, month)


@njit(cache=True)
def coach(w: World) -> None:
    """A month end: each working rep's skill gap to its team's mean (or best) shrinks by the coaching rate."""
    p, reps, tm = w.p, w.reps, w.teams
    for t in range(p.n_teams):
        rate = p.coaching_rate[t]
        working = 0
        for k in range(tm.n_members[t]):
            if reps.active[tm.members[t, k]]:
                working += 1
        if rate <= 0.0 or working < 2:
            continue
        total, best = 0.0, -math.inf
        for k in range(tm.n_members[t]):
            r = tm.members[t, k]
            if reps.active[r]:
                total += reps.base_skill[r]
                best = max(best, reps.base_skill[r])
        target = best if p.coaching_best[t] else total / working
        for k in range(tm.n_members[t]):
            r = tm.members[t, k]
            if reps.active[r]:
                reps.base_skill[r] = target + (1.0 - rate) * (reps.base_skill[r] - target)
                reps.skill[r] = reps.base_skill[r] + reps.skill_shift[r]
