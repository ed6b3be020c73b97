"""Active partners in the fast engine (``partner_life`` of the SimPy engine).

Every enablement interval a partner asks its manager for a session (one outstanding at a
time); referrals are a Poisson process whose rate steps up when a session ends: the k-th
referral comes when the integrated rate since the last reaches the k-th unit
exponential of the partner's own stream. The partner waits for its timeout, or for the
timeout or its session's end, whichever first. Session efforts and unit exponentials are
drawn before the run from the partner's two streams, in the order the SimPy partner
draws them.
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, items, kinds, sales
from simulator.engines.fast.state import World
from simulator.model.multi_pipeline import PARTNER


@njit(cache=True)
def _rate(w: World, hours: float) -> float:
    """Referrals per day of a partner with ``hours`` of enablement left."""
    p = w.p
    span = p.referral_max - p.referral_base
    return p.referral_base + span * (1.0 - math.exp(-hours / p.referral_scale))


@njit(cache=True)
def _gap(w: World, partner: int) -> float:
    ps = w.partners
    k = ps.n_gaps[partner]
    if k >= ps.gaps.shape[1]:
        w.run.short[0] |= kinds.SHORT_GAPS
        return math.inf
    ps.n_gaps[partner] = k + 1
    return ps.gaps[partner, k]


@njit(cache=True)
def start_partner(w: World, partner: int) -> None:
    """``partner_life`` starts: the first referral's integrated rate, a session to ask for now."""
    ps = w.partners
    if partner >= ps.drawn[0]:
        w.run.short[0] |= kinds.SHORT_OTHER
        return
    ps.need[partner] = _gap(w, partner)
    ps.next_request[partner] = w.ev.clock[0]
    ps.session[partner] = -1
    ps.session_hours[partner] = 0.0
    _top(w, partner)


@njit(cache=True)
def _top(w: World, partner: int) -> None:
    """The top of the partner's loop: ask for a session if one is due, then wait."""
    p, ps, reps = w.p, w.partners, w.reps
    now = w.ev.clock[0]
    if now >= ps.next_request[partner]:
        ps.next_request[partner] += p.enablement_interval
        ps.stock[partner] *= p.enablement_retention  # an interval's wearing off
        if ps.session[partner] < 0:  # one session outstanding at a time
            k = ps.n_sessions[partner]
            if k >= ps.sessions.shape[1]:
                w.run.short[0] |= kinds.SHORT_OTHER
                return
            ps.n_sessions[partner] = k + 1
            hours = ps.sessions[partner, k]
            ps.session_hours[partner] = hours
            manager = ps.manager[partner]
            ps.session[partner] = items.put_item(
                w, PARTNER, 0, reps.team[manager], manager, hours, partner, items.ENABLEMENT, partner
            )
    rate = _rate(w, ps.stock[partner])
    due = now + ps.need[partner] / rate if rate > 0.0 else math.inf
    ps.now[partner], ps.rate[partner], ps.due[partner] = now, rate, due
    ps.wake_id[partner] += 1
    ps.wake_done[partner] = False
    ps.cond[partner] = ps.session[partner] >= 0
    ps.cond_done[partner] = False
    events.timeout(w.ev, min(due, ps.next_request[partner]) - now, kinds.PARTNER_WAKE, partner, ps.wake_id[partner])


@njit(cache=True)
def woken(w: World, partner: int, wake: int) -> None:
    """The partner's timeout: it goes on (or, waiting for its session too, the wait is over)."""
    ps = w.partners
    if wake != ps.wake_id[partner]:
        return  # the timeout of a wait already over
    ps.wake_done[partner] = True
    if not ps.cond[partner]:
        resume(w, partner)
    elif not ps.cond_done[partner]:
        ps.cond_done[partner] = True
        events.succeed(w.ev, kinds.PARTNER_RESUME, partner, wake)


@njit(cache=True)
def session_done(w: World, partner: int, item: int) -> None:
    """The partner's session was given: if the partner waits for it, the wait is over."""
    ps = w.partners
    if ps.cond[partner] and ps.session[partner] == item and not ps.cond_done[partner]:
        ps.cond_done[partner] = True
        events.succeed(w.ev, kinds.PARTNER_RESUME, partner, ps.wake_id[partner])


@njit(cache=True)
def resume(w: World, partner: int) -> None:
    """After the wait: the integrated rate runs down; a session given adds hours; a referral if due."""
    ps = w.partners
    now = w.ev.clock[0]
    ps.need[partner] = max(0.0, ps.need[partner] - ps.rate[partner] * (now - ps.now[partner]))
    session = ps.session[partner]
    if session >= 0 and w.items.triggered[session]:
        ps.hours[partner] += ps.session_hours[partner]
        ps.stock[partner] += ps.session_hours[partner]
        ps.session[partner] = -1
    if ps.wake_done[partner] and ps.due[partner] <= ps.next_request[partner]:
        ps.need[partner] = _gap(w, partner)
        lead = sales.next_slot(w, w.p.partner_source)
        if lead < 0:
            return
        w.pools.lead_partner[lead] = partner
        ps.referrals[partner] += 1
        sales.start_fed_lead(w, lead, -1)
    _top(w, partner)
