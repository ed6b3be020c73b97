"""The fast engine's event loop: start every process as the SimPy engine does, then dispatch events.

``run_world`` is the one compiled entry point: it views the tuples of arrays as
compiled structs, schedules the processes that start at day 0 in the order the SimPy
engine creates them, and processes events until the horizon (an event at the horizon
itself is not processed, as SimPy's ``run(until=horizon)`` does not). It returns early
when a customer's luck chunk must first be drawn (Python draws it and calls again: the
run goes on where it stopped), when it ran out of room (the caller runs it again with
more), or when a fed source ran out of slots (the SimPy engine raises there).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.engines.fast import customers, deals, events, expansions, kinds, partners, reps, sales, teams, workforce
from simulator.engines.fast.state import World
from simulator.engines.fast.structs import view_of, view_size

FINISHED, SHORT, FAILED, NEED_DEAL = 0, 1, 3, 4


@njit(cache=True)
def _start(w: World) -> None:
    """The processes of day 0, in the SimPy engine's order: customers, arrivals, deals, reps, census, workforce."""
    ev, p, rs, seats = w.ev, w.p, w.reps, w.seats
    if p.retention:
        customers.start_book(w)
    events.start(ev, kinds.ARRIVALS_START, 0, 0)
    for d in range(p.deal_stage.shape[0]):
        events.start(ev, kinds.DEAL_START, d, 0)
    for rep in range(rs.n_hired[0]):
        events.start(ev, kinds.REP_START, rep, 0)
    events.start(ev, kinds.CENSUS_START, 0, 0)
    if not p.dynamic:
        return
    z = 0
    for t in range(p.n_teams):
        for k in range(seats.n_initial[t]):
            rep = seats.rep[z + k]
            workforce.apply_level(p, rs, rep, workforce.tenure(w, rep))
            if workforce.tenure(w, rep) < workforce.ramp_months(p, t):
                events.start(ev, kinds.RAMP_START, rep, 0)
            events.start(ev, kinds.SEAT_START, z + k, 0)
        z += seats.n_initial[t]
        for _ in range(seats.n_planned[t]):
            events.start(ev, kinds.PLANNED_START, z, 0)
            z += 1
    if p.coaching:
        events.start(ev, kinds.COACHING_START, 0, 0)


@njit(cache=True)
def _seat_event(w: World, kind: int, z: int) -> None:
    seats = w.seats
    t = seats.team[z]
    if kind == kinds.SEAT_START:
        workforce.seat_cycle(w, z)
    elif kind == kinds.SEAT_LEAVE:
        workforce.leave(w, seats.rep[z])
        if w.p.backfill[t]:
            events.timeout(w.ev, seats.backfill[z, seats.cycle[z]], kinds.SEAT_HIRE, z, 0)
    elif kind == kinds.SEAT_HIRE:
        seats.cycle[z] += 1
        _fill(w, z)
    elif kind == kinds.PLANNED_START:
        if seats.day[z] > w.ev.clock[0]:
            events.timeout(w.ev, seats.day[z] - w.ev.clock[0], kinds.PLANNED_HIRE, z, 0)
        else:
            _fill(w, z)
    else:  # PLANNED_HIRE
        _fill(w, z)


@njit(cache=True)
def _fill(w: World, z: int) -> None:
    """A new rep takes the seat, with the skill drawn for this cycle, and its tenure starts."""
    seats = w.seats
    if seats.cycle[z] >= seats.skill.shape[1]:
        w.run.short[0] |= kinds.SHORT_OTHER
        return
    rep = workforce.hire(w, seats.team[z], seats.skill[z, seats.cycle[z]])
    if rep < 0:
        return
    seats.rep[z] = rep
    workforce.seat_cycle(w, z)


@njit(cache=True)
def _ramp_step(w: World, rep: int, month: int) -> None:
    """A month of tenure: the new level; work in hand goes on at the new speed (an interrupt)."""
    speed = w.reps.hours[rep]
    workforce.apply_level(w.p, w.reps, rep, float(month))
    if reps.working(w, rep) and w.reps.hours[rep] != speed:
        events.start(w.ev, kinds.REP_INTERRUPT, rep, teams.SPEED_CHANGE)
    workforce.ramp_next(w, rep, month)


@njit(cache=True)
def _item_done(w: World, item: int) -> None:
    """Another pipeline's item is done: the process waiting for it goes on."""
    purpose, waiter = w.items.purpose[item], w.items.waiter[item]
    if purpose == 1:  # items.ENABLEMENT
        partners.session_done(w, waiter, item)
    elif purpose == 2:  # items.CHECKIN
        customers.touched(w, waiter)
    elif purpose == 3:  # items.RENEWAL
        if w.customers.r_item[waiter] == item:
            customers.renewal_wait_over(w, waiter, w.customers.r_wait[waiter])
    else:  # items.EXPANSION
        expansions.expansion_worked(w, waiter, w.items.rep[item])


@njit(cache=True)
def _dispatch(w: World, kind: int, a: int, b: int) -> None:
    # the kinds tested in order of their counts in the default organisation (REP_WORKED
    # 30% of events, ITEM_DONE 16%, CUSTOMER_TICK 10%, ...): the chain is tested top down.
    # Numba's code clears stack slots for every call a compiled function makes, on each
    # entry: the four commonest kinds (63% of events) are dispatched here, the next nine
    # (29%) in _dispatch_more, the rest in _dispatch_rare, so that an event clears few.
    if kind == kinds.REP_WORKED:
        reps.worked(w, a, b)
    elif kind == kinds.ITEM_DONE:
        _item_done(w, a)
    elif kind == kinds.CUSTOMER_TICK:
        customers.life_step(w, a)
    elif kind == kinds.LEAD_DONE:
        sales.item_done(w, a, b)
    else:
        _dispatch_more(w, kind, a, b)


@njit(cache=True)
def _dispatch_more(w: World, kind: int, a: int, b: int) -> None:
    ev, p, leads = w.ev, w.p, w.leads
    if kind == kinds.RENEWAL_RESUME:
        customers.renewal_resume(w, a)
    elif kind == kinds.LEAD_START:
        sales.start_journey(w, a)
    elif kind == kinds.RENEWAL_DEADLINE:
        customers.renewal_wait_over(w, a, b)
    elif kind == kinds.ARRIVE:
        events.start(ev, kinds.LEAD_START, a, 0)
        if a + 1 < p.n_arriving:
            events.timeout(ev, leads.arrival[a + 1] - ev.clock[0], kinds.ARRIVE, a + 1, 0)
    elif kind == kinds.REP_WAKE:
        reps.woken(w, a, b)
    elif kind == kinds.LEAD_READY:
        sales.enter_stage(w, a)
    elif kind == kinds.RENEWAL_READY:
        customers.renewal_stage(w, a)
    elif kind == kinds.RENEWAL_WAKE:
        customers.renewal_begin(w, a)
    elif kind == kinds.RENEWAL_DUE:
        customers.decide(w, a)
    else:
        _dispatch_rare(w, kind, a, b)


@njit(cache=True)
def _dispatch_rare(w: World, kind: int, a: int, b: int) -> None:
    ev, p, leads = w.ev, w.p, w.leads
    if kind == kinds.EXPANSION_START:
        expansions.start_expansion(w, a)
    elif kind == kinds.REP_INTERRUPT:
        reps.interrupted(w, a, b)
    elif kind == kinds.CUSTOMER_START:
        customers.start_life(w, a)
    elif kind == kinds.RENEWAL_START:
        customers.renewal_top(w, a)
    elif kind == kinds.EXPANSION_READY:
        expansions.expansion_next(w, a)
    elif kind == kinds.PARTNER_WAKE:
        partners.woken(w, a, b)
    elif kind == kinds.CENSUS:
        run = w.run
        if run.n_daily[0] < run.daily_open.shape[0]:
            run.daily_open[run.n_daily[0]] = run.open_leads[0]
        run.n_daily[0] += 1
        events.timeout(ev, 1.0, kinds.CENSUS, 0, 0)
    elif kind == kinds.PARTNER_RESUME:
        partners.resume(w, a)
    elif kind == kinds.LEAD_DECIDED:
        sales.decided(w, a, b)
    elif kind == kinds.DEAL_START:
        deals.start(w, a)
    elif kind == kinds.DEAL_DECIDED:
        deals.went_on(w, a)
    elif kind == kinds.LEAD_HANDED:
        sales.handed(w, a)
    elif kind == kinds.REP_READY:
        reps.ready(w, a, b)
    elif kind == kinds.REP_RESUME:
        reps.resume(w, a)
    elif kind == kinds.ARRIVALS_START:
        if p.n_arriving > 0:
            events.timeout(ev, leads.arrival[0] - ev.clock[0], kinds.ARRIVE, 0, 0)
    elif kind == kinds.REP_START:
        reps.workday(w, a)
    elif kind == kinds.CENSUS_START:
        events.timeout(ev, 0.5, kinds.CENSUS, 0, 0)
    elif kind == kinds.RAMP_START:
        workforce.ramp_next(w, a, int(w.reps.start_tenure[a] // 1.0))
    elif kind == kinds.RAMP_STEP:
        _ramp_step(w, a, b + 1)
    elif kind == kinds.COACHING_START:
        if p.month_ends.shape[0] > 0:
            events.timeout(ev, p.month_ends[0] - ev.clock[0], kinds.COACHING, 0, 0)
    elif kind == kinds.COACHING:
        workforce.coach(w)
        if a + 1 < p.month_ends.shape[0]:
            events.timeout(ev, p.month_ends[a + 1] - ev.clock[0], kinds.COACHING, a + 1, 0)
    elif kind == kinds.PARTNER_START:
        partners.start_partner(w, a)
    elif kinds.SEAT_START <= kind <= kinds.PLANNED_HIRE:
        _seat_event(w, kind, a)


@njit(cache=True)
def _end_of_horizon(w: World) -> None:
    """Close as leaked every queued lead whose wait ran out before the horizon."""
    p, qs, items, leads, tm = w.p, w.qs, w.items, w.leads, w.teams
    now = w.ev.clock[0]
    for t in range(p.n_teams):
        for m in range(-1, tm.n_members[t]):
            q = t if m < 0 else p.n_teams + tm.members[t, m]
            for k in range(qs.length[q]):
                item = qs.item[q, k]
                if items.pipeline[item]:
                    continue
                lead = items.lead[item]
                deadline = items.enqueued[item] + p.stage_max_wait[items.stage[item]]
                if deadline <= now and leads.outcome[lead] == 0:
                    sales.finish(w, lead, -1, sales.LEAKED, items.stage[item], deadline)


@njit(cache=True)
def _stopped(w: World) -> int:
    if w.run.failed[0] >= 0:
        return FAILED
    if w.ev.overflow[0] or w.qs.overflow[0] or w.tq.overflow[0] or w.run.short[0]:
        return SHORT
    return FINISHED


@njit(cache=True)
def _loop(w: World, keep: tuple[np.ndarray, np.ndarray]) -> int:
    """Process events until the horizon (``keep``: the buffers the views live in, alive meanwhile)."""
    if not w.run.started[0]:
        w.run.started[0] = True
        _start(w)
    d = w.run.deal_need[0]
    if d >= 0:  # the caller drew the decision of the starting deal the loop stopped for
        w.run.deal_need[0] = -1
        deals.decided(w, d)
    ev = w.ev
    horizon = w.p.horizon
    while True:
        status = _stopped(w)
        if status != FINISHED:
            return status
        kind, a, b = events.pop_before(ev, horizon)
        if kind < 0:
            break
        _dispatch(w, kind, a, b)
        if w.run.deal_need[0] >= 0:
            return NEED_DEAL
    status = _stopped(w)
    if status != FINISHED:
        return status
    ev.clock[0] = horizon
    _end_of_horizon(w)
    return FINISHED


@njit(cache=True)
def run_world(world: World) -> int:
    """Run one replication on to the horizon: FINISHED, SHORT, NEED_DEAL or FAILED.

    The groups of ``world`` are viewed in place (see :mod:`.structs`): the loop writes
    into the caller's arrays, so a run stopped for a luck chunk or a starting deal's
    decision goes on when called again.
    """
    sizes = np.array(
        [
            view_size(world.p),
            view_size(world.ev),
            view_size(world.qs),
            view_size(world.items),
            view_size(world.reps),
            view_size(world.teams),
            view_size(world.run),
            view_size(world.leads),
            view_size(world.seats),
            view_size(world.tq),
            view_size(world.tasks),
            view_size(world.pools),
            view_size(world.partners),
            view_size(world.customers),
        ]
    )
    offsets = np.zeros(sizes.shape[0] + 1, dtype=np.int64)
    for k in range(sizes.shape[0]):  # each view 64-byte aligned in one buffer
        offsets[k + 1] = offsets[k] + (sizes[k] + 63) // 64 * 64
    buffer = np.zeros(offsets[-1] + 1024, dtype=np.uint8)
    inner = World(
        view_of(buffer[offsets[0] :], world.p),
        view_of(buffer[offsets[1] :], world.ev),
        view_of(buffer[offsets[2] :], world.qs),
        view_of(buffer[offsets[3] :], world.items),
        view_of(buffer[offsets[4] :], world.reps),
        view_of(buffer[offsets[5] :], world.teams),
        view_of(buffer[offsets[6] :], world.run),
        view_of(buffer[offsets[7] :], world.leads),
        view_of(buffer[offsets[8] :], world.seats),
        view_of(buffer[offsets[9] :], world.tq),
        view_of(buffer[offsets[10] :], world.tasks),
        view_of(buffer[offsets[11] :], world.pools),
        view_of(buffer[offsets[12] :], world.partners),
        view_of(buffer[offsets[13] :], world.customers),
    )
    outer = np.zeros(view_size(inner) + 64, dtype=np.uint8)
    return _loop(view_of(outer, inner), (buffer, outer))
