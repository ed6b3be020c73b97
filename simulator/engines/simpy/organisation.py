"""Teams and reps: who owns a lead, in which order a rep works its queue.

Assignment policies (per team):
- ``pooled``: the team shares one queue and the next free rep takes the next item,
  as an inbound desk does. Nobody owns the lead between stages.
- ``round_robin``: owners are dealt in turn; the owner keeps the lead for every later
  stage routed to the same team.
- ``least_loaded``: the rep owning the fewest open leads becomes the owner (lowest
  index on ties, so the choice never depends on hash order).
- ``by_share``: the owner is drawn among the team's working reps with probability
  proportional to each rep's share of new leads (``org.teams.<team>.reps``; one uniform
  per lead from its own stream). Without a draw (a leaver's deals re-dealt) the rep
  furthest below its share of open deals takes it.

Priority rules (per team): ``fifo`` works the oldest item first; ``closest_to_close``
works the item at the latest stage first, oldest first within a stage. With
``newest_first`` the most recently queued item goes first instead of the oldest.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import simpy

from simulator.model.scenario import BY_SHARE, CLOSEST_TO_CLOSE, LEAST_LOADED, POOLED, ROUND_ROBIN, Scenario


@dataclass(slots=True)
class WorkItem:
    """A lead waiting for (or in) a rep's work at one stage, or another pipeline's work item."""

    lead: int  # the lead; for another pipeline's item, the customer or partner it serves
    stage: int
    enqueued: float
    extra_hours: float  # hand-off effort for the receiving rep
    previous_rep: int  # rep who worked the previous stage, -1 if none
    done: simpy.Event
    handoff_checked: bool = False
    pipeline: int = 0  # 0: a sales stage; other pipelines' items carry their own hours
    hours: float = 0.0  # effort of a non-sales item


@dataclass(slots=True)
class Rep:
    """A rep: plain data; its behaviour is the ``rep_workday`` process of the model."""

    index: int
    team: int
    skill: float
    selling_hours_per_day: float
    queue: list[tuple[tuple[float, float, float], int, WorkItem]] = field(default_factory=list)
    wake: simpy.Event | None = None
    owned_open: int = 0
    busy_days: float = 0.0
    active: bool = True  # False once the rep has left (see simulator.engines.simpy.workforce_processes)
    # time across pipelines (see simulator.engines.simpy.pipeline_processes)
    duties: tuple[int, ...] = ()  # pool pipelines this rep works (prospecting, partner)
    busy_by: list[float] = field(default_factory=lambda: [0.0] * 5)  # busy days per pipeline
    tasks: dict[int, list[Any]] = field(default_factory=dict)  # pool pipeline -> heap of ready tasks
    spent: list[float] = field(default_factory=lambda: [0.0] * 5)  # pool hours spent this week
    week: int = 0
    accounts: int = 0  # customers owned
    partners: int = 0  # partners recruited or being recruited
    sitting: float = -1.0  # rank of the interruptible pool work in hand (-1: none)
    process: simpy.Process | None = None  # the rep's workday, to interrupt a pool sitting
    share: float = 1.0  # relative share of the team's new leads (by_share teams)

    def interrupt(self) -> None:
        """Stop the pool work in hand: a new lead of a pipeline served first just arrived."""
        self.sitting = -1.0
        assert self.process is not None
        self.process.interrupt()


@dataclass(slots=True)
class Team:
    """A pool of reps with an assignment policy and a priority rule."""

    index: int
    name: str
    reps: list[Rep]
    assignment: int
    priority: int
    order: float = 1.0  # 1: the oldest queued item first; -1: the newest (newest_first)
    pool: list[tuple[tuple[float, float, float], int, WorkItem]] = field(default_factory=list)
    idle: deque[Rep] = field(default_factory=deque)
    next_turn: int = 0
    ranks: list[int] = field(default_factory=lambda: [0] * 5)  # pipeline -> priority rank
    interruptible: bool = False  # some rep may be in a pool sitting that new work interrupts

    @property
    def pooled(self) -> bool:
        """True if the team works one shared queue."""
        return self.assignment == POOLED

    def priority_key(self, item: WorkItem) -> tuple[float, float, float]:
        """Smaller keys are worked first: the pipeline's rank, then the team's priority rule."""
        if self.priority == CLOSEST_TO_CLOSE:
            return (self.ranks[item.pipeline], -float(item.stage), self.order * item.enqueued)
        return (self.ranks[item.pipeline], self.order * item.enqueued, 0.0)

    def choose_owner(self, u: float | None = None) -> Rep:
        """Pick the owner of a lead entering this team (owner policies only); ``u``: the lead's uniform (by_share)."""
        if self.assignment == BY_SHARE:
            total = sum(rep.share for rep in self.reps)
            if u is None or total <= 0.0:
                return min(self.reps, key=lambda r: (r.owned_open / max(r.share, 1e-12), r.index))
            target, cumulative = u * total, 0.0
            for rep in self.reps:
                cumulative += rep.share
                if target < cumulative:
                    return rep
            return self.reps[-1]
        if self.assignment == ROUND_ROBIN:
            rep = self.reps[self.next_turn % len(self.reps)]
            self.next_turn += 1
            return rep
        if self.assignment == LEAST_LOADED:
            return min(self.reps, key=lambda r: (r.owned_open, r.index))
        raise ValueError(f"team {self.name} is pooled: nobody owns its leads")

    def put(self, item: WorkItem, owner: Rep | None, sequence: int) -> None:
        """Queue an item for its owner, or in the shared pool, and wake a rep if one is idle."""
        entry = (self.priority_key(item), sequence, item)
        if owner is None:
            heapq.heappush(self.pool, entry)
            if self.idle:
                rep = self.idle.popleft()
                assert rep.wake is not None
                wake, rep.wake = rep.wake, None
                wake.succeed()
            elif self.interruptible and item.previous_rep < 0 and not item.pipeline:
                for rep in self.reps:
                    if rep.sitting > entry[0][0]:
                        rep.interrupt()
                        break
            return
        heapq.heappush(owner.queue, entry)
        if owner.wake is not None:
            self.idle.remove(owner)
            wake, owner.wake = owner.wake, None
            wake.succeed()
        elif owner.sitting > entry[0][0] and item.previous_rep < 0 and not item.pipeline:
            owner.interrupt()  # a new lead: the rep picks up the phone

    def take(self, rep: Rep) -> WorkItem | None:
        """The next item for ``rep``, or None if it has nothing to do."""
        queue = self.pool if self.pooled else rep.queue
        if rep.queue and queue is self.pool and (not self.pool or rep.queue[0] < self.pool[0]):
            queue = rep.queue  # a pooled team's rep may own items of other pipelines
        if queue:
            return heapq.heappop(queue)[2]
        return None

    def waiting_items(self) -> list[WorkItem]:
        """Every item still queued in this team (for the end-of-horizon census)."""
        items = [entry[2] for entry in self.pool]
        for rep in self.reps:
            items.extend(entry[2] for entry in rep.queue)
        return items


def build_teams(scenario: Scenario, skills: list[float]) -> tuple[list[Team], list[Rep]]:
    """Create the teams and reps of a scenario; reps are numbered team by team."""
    teams: list[Team] = []
    reps: list[Rep] = []
    for t, name in enumerate(scenario.team_names):
        members: list[Rep] = []
        for _ in range(int(scenario.team_headcount[t])):
            index = len(reps)
            rep = Rep(index, t, skills[index], float(scenario.team_selling_hours_per_day[t]))
            if scenario.team_rep_shares:
                rep.share = float(scenario.team_rep_shares[t][len(members)])
            members.append(rep)
            reps.append(rep)
        order = -1.0 if scenario.team_newest_first[t] else 1.0
        teams.append(Team(t, name, members, int(scenario.team_assignment[t]), int(scenario.team_priority[t]), order))
    return teams, reps
