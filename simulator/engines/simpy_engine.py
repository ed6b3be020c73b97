"""The SimPy model: leads travel the pipeline, reps work them. One replication = one call.

Processes, each named after what it models:
- ``lead_arrivals`` releases the pre-drawn leads at their arrival times;
- ``lead_journey`` walks one lead through its stages: routing, hand-offs, waiting
  for its rep, the buyer's delay between stages, and the end of the journey;
- ``rep_workday`` is one rep taking the next item of its queue (or its team's pool)
  and working it; a rep works one item at a time by construction;
- ``pipeline_census`` samples the number of open leads every day;
- reps joining, ramping up and leaving are the processes of
  :mod:`simulator.engines.workforce_processes`; a rep that left stops taking work.

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

from collections.abc import Generator
from dataclasses import replace
from typing import Any

import numpy as np
import simpy

from simulator.engines import customer_processes, decision_processes, pipeline_processes, workforce_processes
from simulator.engines.overflow import OverflowRouter
from simulator.engines.workforce_processes import Workforce
from simulator.model.decisions import INITIAL_BLOCK
from simulator.model.initial_pipeline import draw_initial_book
from simulator.model.market import LeadBook, draw_leads, draw_rep_skills
from simulator.model.organisation import Rep, Team, WorkItem, build_teams
from simulator.model.pipeline import HOURS_PER_ELAPSED_DAY, conversion_logit, probability
from simulator.model.pipeline_luck import concatenate, draw_digital_entry, select, with_slots
from simulator.model.records import JourneyLog, Outcome, ReplicationRun
from simulator.model.scenario import BY_SHARE, Scenario
from simulator.model.streams import Stream, stream

PASSED = -1  # stage outcome of a lead that converted; the others are Outcome values

Process = Generator[simpy.Event, Any, None]


class SalesFloor(simpy.Environment):
    """The environment of one replication: owns the scenario, the leads, the teams and the log."""

    workforce: Workforce  # joining, ramping and leaving reps (set by ``simulate``)

    def __init__(self, scenario: Scenario, leads: LeadBook, skills: np.ndarray) -> None:
        super().__init__()
        self.scenario = scenario
        self.leads = leads
        self.teams, self.reps = build_teams(scenario, [float(s) for s in skills])
        self.log = JourneyLog.empty(leads.size, scenario.n_stages)
        # Python lists of the same numbers: indexing NumPy arrays one scalar at a time
        # costs ~10x more and would dominate the run time of the engine.
        self.arrival = leads.arrival_day.tolist()
        self.source = leads.source.tolist()
        self.segment = leads.segment.tolist()
        self.circle = leads.buying_circle.tolist()
        self.effort = leads.effort_hours.tolist()
        self.delay = leads.delay_days.tolist()
        self.conversion_draw = leads.conversion_draw.tolist()
        self.handoff_draw = leads.handoff_draw.tolist()
        self.handoff_delay = leads.handoff_delay_days.tolist()
        self.handoff_extra = leads.handoff_extra_hours.tolist()
        self.routing = scenario.routing.tolist()
        self.entry_stage = scenario.source_entry_stage.tolist()
        self.max_wait = scenario.stage_max_wait_days.tolist()
        self.loss_probability = scenario.handoff_loss_probability
        self.first_touched = [False] * leads.size
        nan, n = float("nan"), leads.size
        self.stage_enter = [[nan] * n for _ in range(scenario.n_stages)]
        self.stage_start = [[nan] * n for _ in range(scenario.n_stages)]
        self.stage_end = [[nan] * n for _ in range(scenario.n_stages)]
        self.stage_rep = [[-1] * n for _ in range(scenario.n_stages)]
        self.stage_passed = [[False] * n for _ in range(scenario.n_stages)]
        self.open_leads = 0
        self.daily_open: list[int] = []
        self._sequence = 0
        self.slice = leads.slice.tolist()
        self.team_logit = scenario.pods.team_logit.tolist()
        self.overflow = (
            OverflowRouter(self, scenario, self.teams, self.slice) if scenario.pods.overflow_enabled else None
        )
        # pipelines beyond new business (None: the sales pipeline alone, as before)
        self.seed, self.replication = 0, 0
        self.n_arriving = leads.size  # leads released at their drawn arrival time
        self.lead_entry = [self.entry_stage[source] for source in self.source]
        self.pipes: pipeline_processes.Pipelines | None = None
        self.decision_lists: decision_processes.DecisionLists | None = None  # when decisions are configured
        self._assignment: dict[int, list[float]] = {}

    def assignment_draw(self, team: int, lead: int) -> float | None:
        """The lead's uniform for a by-share owner choice in ``team`` (None for other policies)."""
        if self.teams[team].assignment != BY_SHARE:
            return None
        draws = self._assignment.get(team)
        if draws is None:
            gen = stream(self.seed, self.replication, Stream.ASSIGNMENT, team)
            draws = self._assignment[team] = gen.random(self.leads.size).tolist()
        return draws[lead]

    def start_fed_lead(self, lead: int, booked_by: Rep | None) -> None:
        """A lead created by another pipeline (a booked meeting, a referral) arrives now."""
        self.arrival[lead] = self.now
        if booked_by is not None:  # the booking conversation was the first touch
            self.first_touched[lead] = True
            self.log.first_touch_day[lead] = self.now
        self.process(lead_journey(self, lead, booked_by))

    def next_sequence(self) -> int:
        """A tie-breaker for queue order: earlier puts go first among equal keys."""
        self._sequence += 1
        return self._sequence

    def busy_in_window(self, start: float, days: float) -> float:
        """The part of a work interval that falls inside the measurement window."""
        lo = max(start, self.scenario.warmup_days)
        hi = min(start + days, self.scenario.horizon_days)
        return max(0.0, hi - lo)

    def flush_stage_records(self) -> None:
        """Copy the per-stage records kept as Python lists into the journey log's arrays."""
        self.log.stage_enter[:] = np.array(self.stage_enter).T
        self.log.stage_start[:] = np.array(self.stage_start).T
        self.log.stage_end[:] = np.array(self.stage_end).T
        self.log.stage_rep[:] = np.array(self.stage_rep, dtype=np.int64).T
        self.log.stage_passed[:] = np.array(self.stage_passed, dtype=np.bool_).T

    def end_of_horizon_census(self) -> None:
        """Close as leaked every queued lead whose wait ran out before the horizon."""
        for team in self.teams:
            for item in team.waiting_items():
                if item.pipeline:
                    continue
                deadline = item.enqueued + float(self.scenario.stage_max_wait_days[item.stage])
                if deadline <= self.now and self.log.outcome[item.lead] == Outcome.OPEN:
                    self.log.close(item.lead, Outcome.LEAKED, item.stage, deadline)
                    self.open_leads -= 1


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
        owner = None
        if not team.pooled:
            owner = owners.get(team.index)
            if owner is None:
                owner = owners[team.index] = team.choose_owner(floor.assignment_draw(team.index, lead))
            if previous_team != team.index:
                owner.owned_open += 1
            if not owner.active and (owner := _new_owner(floor, team, owners, owner, lead, stage)) is None:
                return
        extra_hours = 0.0
        if owner is not None and previous_rep >= 0 and owner.index != previous_rep:
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
    while rep.active:
        if rep.duties:
            choice = pipeline_processes.choose_work(floor, rep, team)
            if isinstance(choice, pipeline_processes.PoolTask):
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
        max_wait = floor.max_wait[stage]
        if floor.now - item.enqueued > max_wait:
            item.done.succeed((int(Outcome.LEAKED), -1, item.enqueued + max_wait))
            continue
        if not item.handoff_checked and item.previous_rep >= 0 and item.previous_rep != rep.index:
            if floor.handoff_draw[stage][lead] < floor.loss_probability:
                item.done.succeed((int(Outcome.LOST_HANDOFF), rep.index, floor.now))
                continue
            item.extra_hours = floor.handoff_extra[stage][lead]
        start = floor.now
        floor.stage_start[stage][lead] = start
        floor.stage_rep[stage][lead] = rep.index
        first_touch_hours = None
        if not floor.first_touched[lead]:
            floor.first_touched[lead] = True
            log.first_touch_day[lead] = start
            first_touch_hours = (start - floor.arrival[lead]) * HOURS_PER_ELAPSED_DAY
        days = (floor.effort[stage][lead] + item.extra_hours) / rep.selling_hours_per_day
        busy = floor.busy_in_window(start, days)
        rep.busy_days += busy
        rep.busy_by[0] += busy
        try:
            yield floor.timeout(days)
        except simpy.Interrupt:  # a ramp step changed its speed mid-way (no cost when none does)
            hours = floor.effort[stage][lead] + item.extra_hours
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
    """Sample the number of open leads at the middle of every working day."""
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
    floor.seed, floor.replication = seed, replication
    floor.n_arriving = n_arriving
    if scenario.decisions is not None:
        blocks = [(0, select(leads, np.arange(leads.size) < market.size))]
        blocks += [
            (
                1 + k,
                select(
                    leads,
                    (np.arange(leads.size) >= start) & (np.arange(leads.size) < first_initial) & (leads.source == k),
                ),
            )
            for k, start in sorted(slot_start.items())
        ]
        blocks.append((INITIAL_BLOCK, select(leads, np.arange(leads.size) >= first_initial)))
        floor.decision_lists = decision_processes.draw_luck(scenario, seed, replication, blocks)
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
            pipeline_processes.give_duties(floor.pipes.tables, rep)
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
