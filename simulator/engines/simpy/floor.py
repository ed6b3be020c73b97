"""The shared floor of the SimPy engine: the environment of one replication and its state.

Every process module of :mod:`simulator.engines.simpy` reads and changes a
:class:`SalesFloor`; this module imports none of them, so the engine has no import
circle. What the floor needs from the processes (starting a lead's journey, handing a
leaver's deal over) it reaches through hooks the engine sets at the start of a run.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol

import numpy as np
import simpy

from simulator.engines.simpy.decision_processes import DecisionLists
from simulator.engines.simpy.organisation import Rep, Team, WorkItem, build_teams
from simulator.engines.simpy.overflow import OverflowRouter
from simulator.engines.simpy.pipeline_state import Pipelines
from simulator.model.market import LeadBook
from simulator.model.records import JourneyLog, Outcome
from simulator.model.scenario import BY_SHARE, Scenario
from simulator.model.streams import Stream, stream

PASSED = -1  # stage outcome of a lead that converted; the others are Outcome values

Process = Generator[simpy.Event, Any, None]


class StaffDesk(Protocol):
    """What the lead and rep processes ask of the workforce (see ``workforce_processes.Workforce``)."""

    def handover(self, team: Team, old: Rep, lead: int) -> Rep | None:
        """The new owner of a deal whose owner left; None if the deal is lost."""

    def stopped(self, rep: Rep) -> None:
        """``rep``'s workday has ended."""


class SalesFloor(simpy.Environment):
    """The environment of one replication: owns the scenario, the leads, the teams and the log."""

    workforce: StaffDesk  # joining, ramping and leaving reps (set by ``simulate``)
    journey: Callable[[SalesFloor, int, Rep | None], Process]  # a lead's journey (set by ``simulate``)

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
        self.pipes: Pipelines | None = None
        self.decision_lists: DecisionLists | None = None  # when decisions are configured
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
        self.process(self.journey(self, lead, booked_by))

    def next_sequence(self) -> int:
        """A tie-breaker for queue order: earlier puts go first among equal keys."""
        self._sequence += 1
        return self._sequence

    def busy_in_window(self, start: float, days: float) -> float:
        """The part of a work interval that falls inside the measurement window."""
        lo = max(start, self.scenario.warmup_days)
        hi = min(start + days, self.scenario.horizon_days)
        return max(0.0, hi - lo)

    def put_item(
        self, pipeline: int, stage: int, team_index: int, owner: Rep | None, hours: float, entity: int
    ) -> WorkItem:
        """Queue a non-sales item with the owner if its team is the owner's, else by the team's policy.

        ``entity`` is the customer (renewal, check-in, expansion) or partner (enablement) the
        work is for, so that a leaver's queued items follow the entity to its new owner.
        """
        team = self.teams[team_index]
        if owner is not None and owner.team != team_index:
            owner = None
        if owner is None and not team.pooled:
            owner = team.choose_owner()
        item = WorkItem(entity, stage, self.now, 0.0, -1, self.event(), False, pipeline, hours)
        team.put(item, owner, self.next_sequence())
        return item

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
