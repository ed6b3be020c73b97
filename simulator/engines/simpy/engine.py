"""The SimPy model: leads travel the pipeline, reps work them. One replication = one call.

Processes, each named after what it models:
- ``lead_arrivals`` releases the pre-drawn leads at their arrival times;
- ``lead_journey`` walks one lead through its stages: routing, hand-offs, waiting
  for its rep, the buyer's delay between stages, and the end of the journey;
- ``rep_workday`` is one rep taking the next item of its queue (or its team's pool)
  and working it; a rep works one item at a time by construction;
- ``pipeline_census`` samples the number of open leads every day;
- reps joining, ramping up and leaving are the processes of
  :mod:`simulator.engines.simpy.workforce_processes`; a rep that left stops taking work.

Modelling assumptions:
- Time is in working days. A rep's effort in hours takes
  ``hours / (hours_per_day * selling_fraction)`` days of that rep's time.
- A lead that waits longer than its stage's ``max_wait_days`` is lost as leaked at
  the moment the wait ran out. The check is made when a rep reaches the item, or at
  the horizon for items never reached, so leaks cost no extra events.
- A hand-off happens when the rep of a stage differs from the rep of the previous
  one. With an owner already known (round-robin, least-loaded), the lead waits the
  hand-off delay, may be lost, and brings extra effort. In a pooled team the receiving
  rep is only known at pick-up: the queue wait is the hand-off delay, and the loss
  draw and extra effort apply then.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import simpy

from simulator.engines.simpy import customer_processes, decision_processes, pipeline_processes, workforce_processes
from simulator.engines.simpy.floor import PASSED, Process, SalesFloor
from simulator.engines.simpy.organisation import Rep, Team, WorkItem
from simulator.engines.simpy.pipeline_state import PoolTask, give_duties
from simulator.engines.simpy.workforce_processes import Workforce
from simulator.model.decision_luck import run_decision_luck
from simulator.model.initial_pipeline import draw_initial_book
from simulator.model.market import draw_leads, draw_rep_skills
from simulator.model.pipeline import HOURS_PER_ELAPSED_DAY, conversion_logit, probability
from simulator.model.pipeline_luck import concatenate, draw_digital_entry, select, with_slots
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.scenario import Scenario


def lead_arrivals(floor: SalesFloor) -> Process:
    """Release every lead at its arrival time."""
    for lead, day in enumerate(floor.arrival[: floor.n_arriving]):  # slots of fed sources come after
        yield floor.timeout(day - floor.now)
        floor.process(lead_journey(floor, lead))


def lead_journey(floor: SalesFloor, lead: int, booked_by: Rep | None = None) -> Process:
    """One lead's path through the pipeline, from arrival to won, lost or the horizon."""
    last_stage = floor.scenario.n_stages - 1
    stage = floor.lead_entry[lead]
    route = [row[floor.slice[lead]] for row in floor.routing]
    owners: dict[int, Rep] = {}
    previous_rep, previous_team = -1, -1
    if booked_by is not None:  # the rep who booked the meeting keeps it if its team works the stage
        previous_rep, previous_team = booked_by.index, booked_by.team
        if not floor.teams[booked_by.team].pooled:
            owners[booked_by.team] = booked_by
            booked_by.owned_open += 1
    floor.open_leads += 1
    while True:
        if floor.overflow is not None:
            floor.overflow.reroute(route, stage, lead, previous_team)
        team = floor.teams[route[stage]]
        if previous_team >= 0 and previous_team != team.index and previous_team in owners:
            owners[previous_team].owned_open -= 1
        owner = planned = None
        if not team.pooled:
            owner = owners.get(team.index)
            if owner is None:
                owner = owners[team.index] = team.choose_owner(floor.assignment_draw(team.index, lead))
            if previous_team != team.index:
                owner.owned_open += 1
            planned = owner
            if not owner.active and (owner := _new_owner(floor, team, owners, owner, lead, stage)) is None:
                return
        extra_hours = 0.0
        # a deal re-dealt because its owner left meets no hand-off: its loss is the reassignment's
        if owner is not None and planned is not None and previous_rep not in (-1, owner.index, planned.index):
            delay = floor.handoff_delay[stage][lead]
            if delay > 0.0:
                yield floor.timeout(delay)
            if floor.handoff_draw[stage][lead] < floor.loss_probability:
                _finish(floor, lead, owners.get(team.index), Outcome.LOST_HANDOFF, stage, floor.now)
                return
            extra_hours = floor.handoff_extra[stage][lead]
        if owner is not None and not owner.active:  # the owner left during the hand-off delay
            owner = _new_owner(floor, team, owners, owner, lead, stage)
            if owner is None:
                return
        item = WorkItem(lead, stage, floor.now, extra_hours, previous_rep, floor.event(), owner is not None)
        floor.stage_enter[stage][lead] = floor.now
        team.put(item, owner, floor.next_sequence())
        result, rep_index, day = yield item.done
        delay_spent = False
        if floor.decision_lists is not None and (result == PASSED or result == Outcome.DISQUALIFIED):
            result, delay_spent = yield from decision_processes.decide(floor, lead, stage, result)
            day = floor.now
        if result != PASSED:
            _finish(floor, lead, owner, Outcome(result), stage, day)
            return
        floor.stage_passed[stage][lead] = True
        if stage == last_stage:
            _finish(floor, lead, owner, Outcome.WON, stage, floor.now)
            return
        buyer_delay = 0.0 if delay_spent else floor.delay[stage][lead]
        if buyer_delay > 0.0:
            yield floor.timeout(buyer_delay)
        previous_rep, previous_team = rep_index, team.index
        stage += 1


def _new_owner(floor: SalesFloor, team: Team, owners: dict[int, Rep], old: Rep, lead: int, stage: int) -> Rep | None:
    """The rep who takes over a deal whose owner left; None (the lead closed as lost) if it is lost."""
    owner = floor.workforce.handover(team, old, lead)
    if owner is None:
        _finish(floor, lead, old, Outcome.LOST_REASSIGNMENT, stage, floor.now)
        return None
    owners[team.index] = owner
    return owner


def _finish(floor: SalesFloor, lead: int, owner: Rep | None, outcome: Outcome, stage: int, day: float) -> None:
    """End a lead's journey: its owner in the current team owns one open lead fewer."""
    if owner is not None:
        owner.owned_open -= 1
    floor.log.close(lead, outcome, stage, day)
    floor.open_leads -= 1
    if outcome == Outcome.WON and floor.pipes is not None and floor.pipes.tables.retention:
        customer_processes.new_customer(floor, lead, float(floor.leads.deal_value[lead]))


def rep_workday(floor: SalesFloor, rep: Rep) -> Process:
    """A rep works the next item of its queue, one at a time, for the whole run."""
    scenario, log = floor.scenario, floor.log
    team = floor.teams[rep.team]
    lo, hi = scenario.warmup_days, scenario.horizon_days  # the measurement window
    max_waits, effort, stage_start, stage_rep = floor.max_wait, floor.effort, floor.stage_start, floor.stage_rep
    while rep.active:
        if rep.duties:
            choice = pipeline_processes.choose_work(floor, rep, team)
            if isinstance(choice, PoolTask):
                yield from pipeline_processes.work_pool_task(floor, rep, choice)
                continue
            item = choice
        else:
            item = team.take(rep)
        if item is None:
            rep.wake = floor.event()
            team.idle.append(rep)
            yield pipeline_processes.wake_or_ready(floor, rep) if rep.duties else rep.wake
            if rep.wake is not None:  # woken by a follow-up becoming ready, not by new work
                team.idle.remove(rep)
                rep.wake = None
            continue
        if item.pipeline:
            yield from pipeline_processes.work_item(floor, rep, item)
            continue
        lead, stage = item.lead, item.stage
        max_wait = max_waits[stage]
        start = floor.now
        if start - item.enqueued > max_wait:
            item.done.succeed((int(Outcome.LEAKED), -1, item.enqueued + max_wait))
            continue
        if not item.handoff_checked and item.previous_rep >= 0 and item.previous_rep != rep.index:
            if floor.handoff_draw[stage][lead] < floor.loss_probability:
                item.done.succeed((int(Outcome.LOST_HANDOFF), rep.index, floor.now))
                continue
            item.extra_hours = floor.handoff_extra[stage][lead]
        stage_start[stage][lead] = start
        stage_rep[stage][lead] = rep.index
        first_touch_hours = None
        if not floor.first_touched[lead]:
            floor.first_touched[lead] = True
            log.first_touch_day[lead] = start
            first_touch_hours = (start - floor.arrival[lead]) * HOURS_PER_ELAPSED_DAY
        days = (effort[stage][lead] + item.extra_hours) / rep.selling_hours_per_day
        busy = min(start + days, hi) - max(start, lo)  # the part inside the measurement window
        if busy > 0.0:
            rep.busy_days += busy
            rep.busy_by[0] += busy
        try:
            yield floor.timeout(days)
        except simpy.Interrupt:  # a ramp step changed its speed mid-way (no cost when none does)
            hours = effort[stage][lead] + item.extra_hours
            speed = hours / days if days > 0 else rep.selling_hours_per_day
            yield from workforce_processes.rest_of_work(floor, rep, 0, start + days, speed)
        floor.stage_end[stage][lead] = floor.now
        shift = floor.team_logit[rep.team][floor.slice[lead]]
        z = conversion_logit(
            scenario, stage, floor.source[lead], floor.circle[lead], rep.skill, first_touch_hours, shift
        )
        passed = floor.conversion_draw[stage][lead] < probability(z)
        item.done.succeed((PASSED if passed else int(Outcome.DISQUALIFIED), rep.index, floor.now))
    floor.workforce.stopped(rep)  # a leaver finishes the item in hand, then stops


def pipeline_census(floor: SalesFloor) -> Process:
    """Sample the engine's count of open leads at the middle of every working day.

    A leak is counted when it is noticed (a rep reaches the lead, or the horizon), so while
    a leaked lead waits unnoticed it is still counted here; the journey log dates the leak at
    its deadline. The monthly open pipeline is read from the log, not from this census.
    """
    yield floor.timeout(0.5)
    while True:
        floor.daily_open.append(floor.open_leads)
        yield floor.timeout(1.0)


def simulate(scenario: Scenario, seed: int, replication: int) -> ReplicationRun:
    """Run one replication of a scenario with the SimPy engine.

    Args:
        scenario: The compiled scenario.
        seed: Root seed of the experiment.
        replication: Index of the replication; with the seed it fixes every random draw.
    """
    market = draw_leads(scenario, seed, replication)
    leads, slot_start = with_slots(scenario, seed, replication, market)
    n_arriving, first_initial = min(slot_start.values(), default=leads.size), leads.size
    if scenario.initial is not None:  # the open deals of day 0 come after every other lead
        leads = concatenate([leads, draw_initial_book(scenario, seed, replication)])
    skills = draw_rep_skills(scenario, seed, replication)
    floor = SalesFloor(scenario, leads, skills)
    floor.journey = lead_journey
    floor.seed, floor.replication = seed, replication
    floor.n_arriving = n_arriving
    if scenario.decisions is not None:
        luck = run_decision_luck(scenario, seed, replication, leads, market.size, slot_start, first_initial)
        floor.decision_lists = decision_processes.DecisionLists(luck)
    if scenario.pipelines is not None:
        floor.lead_entry = draw_digital_entry(scenario, seed, replication, leads)
        floor.pipes = pipeline_processes.setup(floor, slot_start)
        if floor.pipes.tables.retention:
            customer_processes.start_customer_book(floor)
    floor.process(lead_arrivals(floor))
    if scenario.initial is not None:
        decision_processes.start_deals(floor, first_initial, seed, replication, lead_journey, _finish)
    for rep in floor.reps:
        rep.process = floor.process(rep_workday(floor, rep))
    floor.process(pipeline_census(floor))

    def start_rep(rep: Rep) -> None:  # a rep hired during the run
        if floor.pipes is not None:
            give_duties(floor.pipes.tables, rep)
        rep.process = floor.process(rep_workday(floor, rep))

    floor.workforce = Workforce(floor, seed, replication, start_rep)
    floor.workforce.start()
    floor.run(until=scenario.horizon_days)
    floor.end_of_horizon_census()
    floor.flush_stage_records()
    log, extra = floor.log, None
    if floor.pipes is not None:
        extra = pipeline_processes.record(floor, floor.pipes, leads.size)
        created = np.isfinite(np.array(floor.arrival, dtype=np.float64))  # slots never used are dropped
        leads = select(replace(leads, arrival_day=np.array(floor.arrival, dtype=np.float64)), created)
        log = log.select(created)
        extra = replace(extra, lead_partner=extra.lead_partner[created])
    return ReplicationRun(
        scenario=scenario,
        leads=leads,
        log=log,
        rep_team=np.array([rep.team for rep in floor.reps], dtype=np.int64),
        rep_busy_days=np.array([rep.busy_days for rep in floor.reps]),
        daily_open=np.array(floor.daily_open, dtype=np.int64),
        **floor.workforce.records(),
        overflow_counts=floor.overflow.counts() if floor.overflow is not None else None,
        pipelines=extra,
    )
