"""The starting open pipeline in the fast engine: ``starting_deal`` of ``simpy.decision_processes``.

Each open deal of day 0 starts as a process at day 0 (after the arrivals process, as in
the SimPy engine): its owner is its named rep if that rep works the deal's team, else
the team's rule. On a stage that decides after the buyer's delay, its outcome and
remaining time given its age come from :func:`simulator.model.initial_pipeline.decide_initial`:
its compiled copy (:mod:`.starting`) where the deal's durations are constant or empirical;
otherwise the loop stops (``NEED_DEAL``), the caller draws them in Python with the
owner's skill and pod shift the loop left in ``run.deal_skill``/``run.deal_shift``, and
the loop goes on where it stopped. Other deals join their stage's queue as a booked lead does.
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import decisions, events, kinds, sales, starting, teams
from simulator.engines.fast.state import World
from simulator.model.initial_pipeline import LOSS, PASS
from simulator.model.records import Outcome

WON, DISQUALIFIED, NO_DECISION = int(Outcome.WON), int(Outcome.DISQUALIFIED), int(Outcome.NO_DECISION)


@njit(cache=True)
def _journey(w: World, lead: int, stage: int, owner: int) -> None:
    """The deal's journey from ``stage`` on, kept by ``owner`` (-1: none) as a booked meeting is."""
    w.leads.entry[lead] = stage
    w.leads.booked_by[lead] = owner
    sales.start_journey(w, lead)


@njit(cache=True)
def start(w: World, d: int) -> None:
    """Deal ``d`` starts: its owner, then its queue, or the decision the caller must draw."""
    p, leads, reps = w.p, w.leads, w.reps
    lead, stage = p.first_initial + d, p.deal_stage[d]
    t = p.routing[stage, leads.slice[lead]]
    named = p.deal_named[d]
    if named >= 0 and reps.team[named] == t and reps.active[named]:
        owner = named
    elif p.team_pooled[t]:
        owner = -1
    else:
        owner = teams.choose_owner_of(w, t, lead)
    leads.first_touched[lead] = True
    leads.stage_enter[lead, stage] = leads.arrival[lead]
    if not p.decisions or not p.stage_after_delay[stage]:
        _journey(w, lead, stage, owner)
        return
    run = w.run
    run.deal_owner[d] = owner
    leads.stage_rep[lead, stage] = owner  # its work was done before day 0, by its owner (-1: a pooled team's)
    skill = reps.skill[owner] if owner >= 0 else p.team_skill_mean[t]
    shift = p.team_logit[t, leads.slice[lead]]
    if not p.deal_compiled[d]:
        run.deal_skill[0], run.deal_shift[0] = skill, shift
        run.deal_need[0] = d
        return
    z = sales.conversion_logit(w, stage, lead, skill, math.nan, shift)  # a starting deal's source is 0
    u = run.deal_uniforms
    run.deal_outcome[d], run.deal_wait[d] = starting.decide(p, d, stage, z, run.deal_cycle[d], u[d, 0], u[d, 1])
    decided(w, d)


@njit(cache=True)
def decided(w: World, d: int) -> None:
    """The caller drew the deal's outcome and remaining time: wait for it."""
    p, leads, run = w.p, w.leads, w.run
    lead, stage, owner = p.first_initial + d, p.deal_stage[d], run.deal_owner[d]
    run.open_leads[0] += 1
    if owner >= 0:
        w.reps.owned_open[owner] += 1
    wait = run.deal_wait[d]
    if run.deal_outcome[d] == PASS and stage == p.n_stages - 1:
        now = w.ev.clock[0]
        close = decisions.pulled_close(
            w, now, now + wait, leads.pull_draw[stage, lead], leads.pull_position[stage, lead]
        )
        wait = close - now
    if wait > 0.0:
        events.timeout(w.ev, wait, kinds.DEAL_DECIDED, d, 0)
        return
    went_on(w, d)


@njit(cache=True)
def went_on(w: World, d: int) -> None:
    """The deal's remaining time has passed: won, lost, no decision, or on to the next stage."""
    p, leads, run = w.p, w.leads, w.run
    lead, stage, owner = p.first_initial + d, p.deal_stage[d], run.deal_owner[d]
    now = w.ev.clock[0]
    outcome = run.deal_outcome[d]
    if outcome == PASS:
        leads.stage_passed[lead, stage] = True
        if stage == p.n_stages - 1:
            sales.finish(w, lead, owner, WON, stage, now)
            return
        run.open_leads[0] -= 1  # the journey counts it again from the next stage
        if owner >= 0:
            w.reps.owned_open[owner] -= 1
        _journey(w, lead, stage + 1, owner)
        return
    sales.finish(w, lead, owner, DISQUALIFIED if outcome == LOSS else NO_DECISION, stage, now)
