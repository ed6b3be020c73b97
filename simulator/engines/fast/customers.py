"""The customer book in the fast engine: check-ins, renewals and churn; expansions open here.

A translation of :mod:`simulator.engines.simpy.customer_processes`: ``customer_life``
(check-ins, and expansion opportunities, whose journey is :mod:`.expansions`) and
``renewal_cycle`` beside it (renewal stages from ``lead_days`` before each due date, each
waited for until it is worked or the due date comes, then the churn decision). A
customer's luck is the SimPy engine's (:mod:`.customer_draws`).
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, expansions, items, kinds, teams
from simulator.engines.fast.customer_draws import after_renewal, draw
from simulator.engines.fast.state import World
from simulator.model.customer_luck import CHECKIN, CHURN, GAP, INITIAL_BLOCK, LEAD_BLOCK
from simulator.model.multi_pipeline import RENEWAL
from simulator.model.odds import compiled_probability as probability


@njit(cache=True)
def add_customer(w: World, block: int, key: int, arr: float, due: float, initial: bool) -> None:
    """A customer joins the book (owner: the owner team's rep with the fewest accounts) and its life starts."""
    p, cs, reps, tm = w.p, w.customers, w.reps, w.teams
    c = cs.n_customers[0]
    if c >= cs.block.shape[0]:
        w.run.short[0] |= kinds.SHORT_OTHER
        return
    cs.n_customers[0] = c + 1
    owner = -1
    if p.owner_team >= 0 and not p.team_pooled[p.owner_team]:
        t = p.owner_team
        owner = tm.members[t, 0]
        for k in range(1, tm.n_members[t]):
            r = tm.members[t, k]
            if reps.accounts[r] < reps.accounts[owner] or (
                reps.accounts[r] == reps.accounts[owner] and reps.number[r] < reps.number[owner]
            ):
                owner = r
        reps.accounts[owner] += 1
    now = w.ev.clock[0]
    cs.block[c], cs.key[c], cs.arr[c], cs.owner[c], cs.due[c] = block, key, arr, owner, due
    cs.touches[c], cs.term[c], cs.churned[c], cs.checkin_pending[c], cs.term_start[c] = 0, 0, False, False, now
    cs.initial[c], cs.start_day[c], cs.start_arr[c] = initial, now, arr
    cs.r_wait[c], cs.r_cond_done[c], cs.r_item[c] = 0, True, -1
    events.start(w.ev, kinds.CUSTOMER_START, c, 0)


@njit(cache=True)
def start_book(w: World) -> None:
    """The initial customers, their renewal dates spread over one contract term."""
    cs = w.customers
    for i in range(cs.book_arr.shape[0]):
        add_customer(w, INITIAL_BLOCK, i, cs.book_arr[i], cs.book_due[i], True)


@njit(cache=True)
def new_customer(w: World, lead: int) -> None:
    """A won deal joins the book, its first renewal one contract term away."""
    add_customer(w, LEAD_BLOCK, w.leads.key[lead], w.leads.deal_value[lead], w.ev.clock[0] + w.p.contract_days, False)


# ---------------------------------------------------------------------- customer_life


@njit(cache=True)
def start_life(w: World, c: int) -> None:
    """``customer_life`` starts: its renewal cycle starts beside it; check-ins from the contract's start."""
    p, cs = w.p, w.customers
    events.start(w.ev, kinds.RENEWAL_START, c, 0)
    now = w.ev.clock[0]
    cs.checkins[c], cs.expansions[c] = 0, 0
    interval = p.checkin_interval
    contract_start = cs.due[c] - p.contract_days
    cs.next_checkin[c] = contract_start + interval * max(1, math.floor((now - contract_start) / interval) + 1)
    rate = p.expansion_per_day
    if rate > 0 and p.has_expansion:
        cs.next_expansion[c] = now + draw(w, c, after_renewal(w, GAP), 0) / rate
    else:
        cs.next_expansion[c] = math.inf
    _life(w, c)


# The processes' loops are loops here, not calls back to their tops: Numba's disk cache
# cannot load compiled functions that call each other in a circle (the run crashes).


@njit(cache=True)
def _life(w: World, c: int) -> None:
    """The top of ``customer_life``'s loop: wait for the next check-in or expansion opportunity."""
    cs = w.customers
    while True:
        t = min(cs.next_checkin[c], cs.next_expansion[c])
        if t >= w.p.horizon:
            return
        now = w.ev.clock[0]
        cs.t[c] = t
        if t > now:
            events.timeout(w.ev, t - now, kinds.CUSTOMER_TICK, c, 0)
            return
        if not _life_step(w, c):
            return


@njit(cache=True)
def life_step(w: World, c: int) -> None:
    """The wait is over: a step of ``customer_life``, then the top of its loop."""
    if _life_step(w, c):
        _life(w, c)


@njit(cache=True)
def _life_step(w: World, c: int) -> bool:
    """A check-in is asked for (one outstanding at a time), or an expansion opportunity opens.

    False if the account has churned (its process ends).
    """
    p, cs = w.p, w.customers
    if cs.churned[c]:
        return False
    t = cs.t[c]
    if t == cs.next_checkin[c]:
        cs.next_checkin[c] += p.checkin_interval
        k = cs.checkins[c]
        if not cs.checkin_pending[c]:
            hours = draw(w, c, after_renewal(w, CHECKIN), k)
            cs.checkins[c] = k + 1
            owner = cs.owner[c]
            owner_team = w.reps.team[owner] if owner >= 0 else p.owner_team
            items.put_item(w, RENEWAL, 0, owner_team, owner, hours, c, items.CHECKIN, c)
            cs.checkin_pending[c] = True
    else:
        expansions.open_expansion(w, c)
        k = cs.expansions[c] + 1
        cs.expansions[c] = k
        cs.next_expansion[c] = t + draw(w, c, after_renewal(w, GAP), k) / p.expansion_per_day
    return True


@njit(cache=True)
def touched(w: World, c: int) -> None:
    """A check-in was worked: a touch."""
    w.customers.touches[c] += 1
    w.customers.checkin_pending[c] = False


# ---------------------------------------------------------------------- renewal_cycle


@njit(cache=True)
def renewal_top(w: World, c: int) -> None:
    """Each term: wait for the renewal work to start (``lead_days`` before the due date)."""
    cs = w.customers
    while True:
        now = w.ev.clock[0]
        start = max(now, cs.due[c] - w.p.renewal_lead_days)
        if start >= w.p.horizon:
            return
        if start > now:
            events.timeout(w.ev, start - now, kinds.RENEWAL_WAKE, c, 0)
            return
        if not _renewal_begin(w, c):
            return


@njit(cache=True)
def renewal_begin(w: World, c: int) -> None:
    """The wait for the renewal work is over: ``_renewal`` starts."""
    if _renewal_begin(w, c):
        renewal_top(w, c)


@njit(cache=True)
def _renewal_begin(w: World, c: int) -> bool:
    """``_renewal`` starts: its stages, worked before the due date (True: the cycle goes on at once)."""
    cs = w.customers
    cs.r_term[c] = cs.term[c]
    cs.r_stage[c] = 0
    return _renewal_stage(w, c)


@njit(cache=True)
def _renewal_stage(w: World, c: int) -> bool:
    cs = w.customers
    s = cs.r_stage[c]
    now = w.ev.clock[0]
    if s >= w.p.renewal_team.shape[0] or now >= cs.due[c]:
        return _renewal_end(w, c)
    hours = draw(w, c, s, cs.r_term[c])
    t = w.p.renewal_team[s]
    cs.r_item[c] = items.put_item(w, RENEWAL, s, t, cs.owner[c], hours, c, items.RENEWAL, c)
    cs.r_wait[c] += 1
    cs.r_cond_done[c] = False
    events.timeout(w.ev, cs.due[c] - now, kinds.RENEWAL_DEADLINE, c, cs.r_wait[c])
    return False


@njit(cache=True)
def renewal_wait_over(w: World, c: int, wait: int) -> None:
    """The stage's item was done, or its deadline came: the condition the renewal waits on succeeds."""
    cs = w.customers
    if wait == cs.r_wait[c] and not cs.r_cond_done[c]:
        cs.r_cond_done[c] = True
        events.succeed(w.ev, kinds.RENEWAL_RESUME, c, wait)


@njit(cache=True)
def renewal_resume(w: World, c: int) -> None:
    """After a stage: a touch if it was worked, then the customer's delay (if it ends before the due date)."""
    cs = w.customers
    item = cs.r_item[c]
    if not w.items.triggered[item]:
        w.items.hours[item] = 0.0  # the due date passed first: whoever reaches it drops it at once
        if _renewal_end(w, c):
            renewal_top(w, c)
        return
    cs.touches[c] += 1
    s = cs.r_stage[c]
    delay = draw(w, c, cs.luck_stages[0] + s, cs.r_term[c])
    cs.r_stage[c] = s + 1
    if delay > 0 and w.ev.clock[0] + delay < cs.due[c]:
        events.timeout(w.ev, delay, kinds.RENEWAL_READY, c, 0)
        return
    if _renewal_stage(w, c):
        renewal_top(w, c)


@njit(cache=True)
def renewal_stage(w: World, c: int) -> None:
    """The customer's delay after a stage has passed: the next stage."""
    if _renewal_stage(w, c):
        renewal_top(w, c)


@njit(cache=True)
def _renewal_end(w: World, c: int) -> bool:
    now = w.ev.clock[0]
    if now < w.customers.due[c]:
        events.timeout(w.ev, w.customers.due[c] - now, kinds.RENEWAL_DUE, c, 0)
        return False
    return _decide(w, c)


@njit(cache=True)
def _load(w: World, c: int) -> float:
    owner = w.customers.owner[c]
    if owner >= 0:
        return float(w.reps.accounts[owner])
    active = 0
    for k in range(w.customers.n_customers[0]):
        if not w.customers.churned[k]:
            active += 1
    return active / max(1, w.teams.n_members[w.p.owner_team])


@njit(cache=True)
def decide(w: World, c: int) -> None:
    """The due date: renewed or churned; then the next term's cycle."""
    if _decide(w, c):
        renewal_top(w, c)


@njit(cache=True)
def _decide(w: World, c: int) -> bool:
    """Renewed or churned, by load and touches (True: renewed, the next term's cycle follows)."""
    p, cs = w.p, w.customers
    load = _load(w, c)
    z = p.churn_logit + p.load_logit * max(0.0, load / p.reference_load - 1.0)
    if p.size_logit > 0.0 and cs.arr[c] > 0.0:  # larger accounts churn less (SaaS Capital 2023)
        z -= p.size_logit * math.log(cs.arr[c] / p.reference_arr)
    observed = min(1.0, (cs.due[c] - cs.term_start[c]) / p.contract_days)
    z -= p.touch_logit * (cs.touches[c] - p.reference_touches * observed)
    churned = draw(w, c, after_renewal(w, CHURN), cs.r_term[c]) < probability(z)
    r = cs.n_renewals[0]
    if r >= cs.renewal_customer.shape[0]:
        w.run.short[0] |= kinds.SHORT_RECORDS
        return False
    cs.n_renewals[0] = r + 1
    now = w.ev.clock[0]
    cs.renewal_customer[r], cs.renewal_day[r], cs.renewal_arr[r] = c, now, cs.arr[c]
    cs.renewal_churned[r], cs.renewal_touches[r] = churned, cs.touches[c]
    cs.touches[c] = 0
    cs.term[c] += 1
    cs.term_start[c] = now
    if churned:
        cs.churned[c] = True
        if cs.owner[c] >= 0:
            w.reps.accounts[cs.owner[c]] -= 1
        return False
    cs.due[c] += p.contract_days
    return True


_ = teams  # the owner rules come through items.put_item
