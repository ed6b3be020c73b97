"""The sales pipeline in the fast engine: a lead's journey and a rep's workday as state machines.

A line-by-line translation of ``lead_journey`` and ``rep_workday`` of
:mod:`simulator.engines.simpy.engine`: each ``yield`` of the SimPy generator is an event
here, and the code between two yields runs in one call. The journey keeps what the
generator kept in local variables (stage, previous rep and team, owners, the hand-off's
extra hours) in the lead's arrays; a rep's item in hand is named by the event that ends
its work.
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import customers, decisions, events, kinds, teams, workforce
from simulator.engines.fast.state import World
from simulator.model.odds import compiled_probability as probability
from simulator.model.records import Outcome

PASSED = -1
WON, DISQUALIFIED, LEAKED = int(Outcome.WON), int(Outcome.DISQUALIFIED), int(Outcome.LEAKED)
LOST_HANDOFF, LOST_REASSIGNMENT = int(Outcome.LOST_HANDOFF), int(Outcome.LOST_REASSIGNMENT)
HOURS_PER_ELAPSED_DAY = 24.0
NO_OVERFLOW, TO_ANY_POD = -1, -2


@njit(cache=True)
def route_of(w: World, lead: int, stage: int) -> int:
    """The team working ``stage`` of ``lead`` (its own route when overflow may rewrite it)."""
    if w.p.overflow:
        return w.leads.route[lead, stage]
    return w.p.routing[stage, w.leads.slice[lead]]


# ---------------------------------------------------------------------- ends of journeys


@njit(cache=True)
def finish(w: World, lead: int, owner: int, outcome: int, stage: int, day: float) -> None:
    """End a lead's journey: its owner in the current team owns one open lead fewer."""
    if owner >= 0:
        w.reps.owned_open[owner] -= 1
    w.leads.outcome[lead] = outcome
    w.leads.outcome_day[lead] = day
    w.leads.outcome_stage[lead] = stage
    w.run.open_leads[0] -= 1
    if outcome == WON and w.p.retention:
        customers.new_customer(w, lead)


@njit(cache=True)
def new_owner(w: World, lead: int, t: int, old: int, stage: int) -> int:
    """The rep who takes over a deal whose owner left; -1 (the lead closed as lost) if it is lost."""
    owner = workforce.new_deal_owner(w, t, old, lead)
    if owner < 0:
        finish(w, lead, old, LOST_REASSIGNMENT, stage, w.ev.clock[0])
        return -1
    w.leads.owners[lead, t] = owner
    return owner


# ---------------------------------------------------------------------- overflow


@njit(cache=True)
def _over_threshold(w: World, t: int) -> bool:
    if teams.queued(w, t) >= w.p.overflow_queue_length[t]:
        return True
    return w.ev.clock[0] - teams.oldest_enqueued(w, t) >= w.p.overflow_wait[t]


@njit(cache=True)
def _receiver(w: World, home: int, stage: int) -> int:
    """The team that takes the lead, or -1 if no team is less loaded than ``home``."""
    p, tm = w.p, w.teams
    target = p.overflow_target[home]
    best, best_load = -1, teams.queued(w, home) / tm.n_members[home]
    for t in range(p.n_teams):
        if (target == TO_ANY_POD and not p.overflow_eligible[stage, t]) or (target != TO_ANY_POD and t != target):
            continue
        if t == home:
            continue
        load = teams.queued(w, t) / tm.n_members[t]
        if load < best_load:
            best, best_load = t, load
    return best


@njit(cache=True)
def reroute(w: World, lead: int, stage: int, previous_team: int) -> None:
    """Before a lead enters ``stage``: send it to another pod if its own is overloaded (``OverflowRouter``)."""
    p, leads, run = w.p, w.leads, w.run
    home = p.routing[stage, leads.slice[lead]]
    entering = leads.route[lead, stage] == home and home != previous_team and p.overflow_target[home] != NO_OVERFLOW
    if entering and _over_threshold(w, home):
        receiver = _receiver(w, home, stage)
        if receiver >= 0:
            for k in range(stage, p.n_stages):
                if leads.route[lead, k] == home:
                    leads.route[lead, k] = receiver
    now = w.ev.clock[0]
    if p.warmup <= now < p.horizon:
        run.overflow_visits[home] += 1
        if leads.route[lead, stage] != home:
            run.overflow_sent[home] += 1


# ---------------------------------------------------------------------- the journey


@njit(cache=True)
def start_journey(w: World, lead: int) -> None:
    """``lead_journey`` starts: a booked meeting's rep keeps it if its team works the stage."""
    leads, reps = w.leads, w.reps
    leads.stage[lead] = leads.entry[lead]
    leads.previous_rep[lead] = -1
    leads.previous_team[lead] = -1
    booked = leads.booked_by[lead]
    if booked >= 0:
        leads.previous_rep[lead] = reps.number[booked]
        leads.previous_team[lead] = reps.team[booked]
        if not w.p.team_pooled[reps.team[booked]]:
            leads.owners[lead, reps.team[booked]] = booked
            reps.owned_open[booked] += 1
    w.run.open_leads[0] += 1
    enter_stage(w, lead)


@njit(cache=True)
def enter_stage(w: World, lead: int) -> None:
    """The top of the journey's loop: routing, owners, and the hand-off delay if the rep changes."""
    p, leads, reps = w.p, w.leads, w.reps
    stage = leads.stage[lead]
    previous_team = leads.previous_team[lead]
    if p.overflow:
        reroute(w, lead, stage, previous_team)
    t = route_of(w, lead, stage)
    if previous_team >= 0 and previous_team != t and leads.owners[lead, previous_team] >= 0:
        reps.owned_open[leads.owners[lead, previous_team]] -= 1
    owner = planned = -1
    if not p.team_pooled[t]:
        owner = leads.owners[lead, t]
        if owner < 0:
            owner = teams.choose_owner_of(w, t, lead)
            leads.owners[lead, t] = owner
        if previous_team != t:
            reps.owned_open[owner] += 1
        planned = owner
        if not reps.active[owner]:
            owner = new_owner(w, lead, t, owner, stage)
            if owner < 0:
                return
    leads.team[lead] = t
    leads.owner[lead] = owner
    leads.extra[lead] = 0.0
    # a deal re-dealt because its owner left meets no hand-off: its loss is the reassignment's
    previous = leads.previous_rep[lead]
    if owner >= 0 and previous >= 0 and reps.number[owner] != previous and reps.number[planned] != previous:
        delay = leads.handoff_delay[stage, lead]
        if delay > 0.0:
            events.timeout(w.ev, delay, kinds.LEAD_HANDED, lead, 0)
            return
        handed(w, lead)
        return
    queue_item(w, lead)


@njit(cache=True)
def handed(w: World, lead: int) -> None:
    """After the hand-off delay: the lead may be lost, else it brings extra effort."""
    leads = w.leads
    stage, t = leads.stage[lead], leads.team[lead]
    if leads.handoff_draw[stage, lead] < w.p.handoff_loss:
        finish(w, lead, leads.owners[lead, t], LOST_HANDOFF, stage, w.ev.clock[0])
        return
    leads.extra[lead] = leads.handoff_extra[stage, lead]
    queue_item(w, lead)


@njit(cache=True)
def queue_item(w: World, lead: int) -> None:
    """The lead's item of this stage goes to its owner's queue (or the team's pool)."""
    leads, items = w.leads, w.items
    stage, t, owner = leads.stage[lead], leads.team[lead], leads.owner[lead]
    if owner >= 0 and not w.reps.active[owner]:  # the owner left during the hand-off delay
        owner = new_owner(w, lead, t, owner, stage)
        if owner < 0:
            return
        leads.owner[lead] = owner
    now = w.ev.clock[0]
    item = lead
    items.pipeline[item] = 0
    items.lead[item] = lead
    items.stage[item] = stage
    items.enqueued[item] = now
    items.extra_hours[item] = leads.extra[lead]
    items.previous_rep[item] = leads.previous_rep[lead]
    items.handoff_checked[item] = owner >= 0
    leads.stage_enter[lead, stage] = now
    teams.put(w, t, item, owner)


@njit(cache=True)
def item_done(w: World, lead: int, item: int) -> None:
    """The stage's work is done (or the lead was lost waiting): the buyer's decision, if any, then on."""
    result, day = w.items.result[item], w.items.day[item]
    if w.p.decisions and result in (PASSED, DISQUALIFIED):
        result, spent, wait = decisions.decide(w, lead, w.leads.stage[lead], result)
        if spent and wait > 0.0:
            w.leads.decided[lead] = result
            events.timeout(w.ev, wait, kinds.LEAD_DECIDED, lead, item)
            return
        _went_on(w, lead, item, result, spent, w.ev.clock[0])
        return
    _went_on(w, lead, item, result, False, day)


@njit(cache=True)
def decided(w: World, lead: int, item: int) -> None:
    """The wait for the buyer's decision has passed."""
    _went_on(w, lead, item, w.leads.decided[lead], True, w.ev.clock[0])


@njit(cache=True)
def _went_on(w: World, lead: int, item: int, result: int, spent: bool, day: float) -> None:
    """On to the buyer's delay (none if it was spent on the decision), or the end."""
    leads = w.leads
    stage, owner = leads.stage[lead], leads.owner[lead]
    if result != PASSED:
        finish(w, lead, owner, result, stage, day)
        return
    leads.stage_passed[lead, stage] = True
    if stage == w.p.n_stages - 1:
        finish(w, lead, owner, WON, stage, w.ev.clock[0])
        return
    leads.previous_rep[lead] = w.items.rep[item]
    leads.previous_team[lead] = leads.team[lead]
    leads.stage[lead] = stage + 1
    delay = 0.0 if spent else leads.delay[stage, lead]
    if delay > 0.0:
        events.timeout(w.ev, delay, kinds.LEAD_READY, lead, 0)
        return
    enter_stage(w, lead)


# ---------------------------------------------------------------------- the rep's workday


@njit(cache=True)
def _done(w: World, item: int, result: int, rep_index: int, day: float) -> None:
    """Succeed the item's done event with (result, rep, day)."""
    w.items.result[item] = result
    w.items.rep[item] = rep_index
    w.items.day[item] = day
    events.succeed(w.ev, kinds.LEAD_DONE, w.items.lead[item], item)


@njit(cache=True)
def start_sales(w: World, rep: int, item: int) -> bool:
    """The rep takes a sales item: False if the lead was lost waiting (leaked, or at the hand-off)."""
    p, leads, items, reps = w.p, w.leads, w.items, w.reps
    lead, stage = items.lead[item], items.stage[item]
    start = w.ev.clock[0]
    max_wait = p.stage_max_wait[stage]
    if start - items.enqueued[item] > max_wait:
        _done(w, item, LEAKED, -1, items.enqueued[item] + max_wait)
        return False
    index = reps.number[rep]
    if not items.handoff_checked[item] and items.previous_rep[item] >= 0 and items.previous_rep[item] != index:
        if leads.handoff_draw[stage, lead] < p.handoff_loss:
            _done(w, item, LOST_HANDOFF, index, start)
            return False
        items.extra_hours[item] = leads.handoff_extra[stage, lead]
    leads.stage_start[lead, stage] = start
    leads.stage_rep[lead, stage] = index
    items.first_touch_hours[item] = math.nan
    if not leads.first_touched[lead]:
        leads.first_touched[lead] = True
        leads.first_touch_day[lead] = start
        items.first_touch_hours[item] = (start - leads.arrival[lead]) * HOURS_PER_ELAPSED_DAY
    days = (leads.effort[stage, lead] + items.extra_hours[item]) / reps.hours[rep]
    busy = min(start + days, p.horizon) - max(start, p.warmup)
    if busy > 0.0:
        reps.busy_days[rep] += busy
        reps.busy_by[rep, 0] += busy
    reps.work_start[rep] = start
    reps.work_days[rep] = days
    events.timeout(w.ev, days, kinds.REP_WORKED, rep, reps.epoch[rep])
    return True


@njit(cache=True)
def sales_hours(w: World, item: int) -> float:
    """Hours of a sales item (its effort and any hand-off extra)."""
    return w.leads.effort[w.items.stage[item], w.items.lead[item]] + w.items.extra_hours[item]


@njit(cache=True)
def conversion_logit(w: World, stage: int, lead: int, skill: float, first_touch_hours: float, shift: float) -> float:
    """``model.pipeline.conversion_logit``: the same terms added in the same order."""
    p, leads = w.p, w.leads
    z = p.stage_base_logit[stage]
    if math.isinf(z):
        return z
    z += p.source_lift[leads.source[lead]] + p.skill_weight * skill + shift
    if p.stage_circle_sensitive[stage]:
        z -= p.circle_per_person * (leads.circle[lead] - p.circle_reference)
    if not math.isnan(first_touch_hours) and p.source_speed[leads.source[lead]]:
        z += -p.speed_exponent * math.log1p(max(first_touch_hours, 0.0) / p.speed_scale)
    return z


@njit(cache=True)
def finish_sales(w: World, rep: int, item: int) -> None:
    """The rep finished a sales item: the conversion is decided with its skill now."""
    leads, reps = w.leads, w.reps
    lead, stage = w.items.lead[item], w.items.stage[item]
    now = w.ev.clock[0]
    leads.stage_end[lead, stage] = now
    shift = w.p.team_logit[reps.team[rep], leads.slice[lead]]
    z = conversion_logit(w, stage, lead, reps.skill[rep], w.items.first_touch_hours[item], shift)
    passed = leads.conversion_draw[stage, lead] < probability(z)
    _done(w, item, PASSED if passed else DISQUALIFIED, reps.number[rep], now)


# ---------------------------------------------------------------------- leads fed by other pipelines


@njit(cache=True)
def next_slot(w: World, source: int) -> int:
    """The next slot of a fed source, or -1.

    -1 when none is left (the run fails, as the SimPy engine raises) or when its luck was
    not drawn (the run stops short and is run again with more).
    """
    k = w.pools.next_slot[source]
    w.pools.next_slot[source] = k + 1
    if k >= w.p.slot_count[source]:
        w.run.failed[0] = source
        return -1
    if k >= w.pools.slot_drawn[source]:
        w.run.short[0] |= kinds.SHORT_SLOTS  # the slots' luck was drawn for fewer: run again with more
        return -1
    return w.p.slot_start[source] + k


@njit(cache=True)
def start_fed_lead(w: World, lead: int, booked_by: int) -> None:
    """A lead created by another pipeline (a booked meeting, a referral) arrives now."""
    now = w.ev.clock[0]
    w.leads.arrival[lead] = now
    if booked_by >= 0:  # the booking conversation was the first touch
        w.leads.first_touched[lead] = True
        w.leads.first_touch_day[lead] = now
    w.leads.booked_by[lead] = booked_by
    events.start(w.ev, kinds.LEAD_START, lead, 0)
