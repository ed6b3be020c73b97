"""The overflow rule of pods, applied when a lead enters a team.

Modelling assumptions:
- The rule is checked when a lead enters a pod (its first stage there): if the pod's
  queue holds ``queue_length`` items or more, or its oldest queued item has waited
  ``wait_days`` or more, the lead goes to another pod. It then stays with that pod for
  every later stage the first pod would have worked: the deal changes hands once.
- The receiving pod is the rule's ``to`` team, or with ``any_pod`` the team able to
  work the stage (by routing, role or default team) with the fewest queued items per
  rep; work only moves to a pod with fewer queued items per rep than the one it leaves.
- A lead sent to another pod meets the usual hand-off if its rep changes, and the
  receiving pod's conversion shift: it loses the product specialist's uplift when it
  leaves a specialist pod.
- A queued lead whose wait has run out (``max_wait_days``) has leaked, though no rep has
  reached it yet: it counts neither in the queue nor as its oldest item. A team working
  newest first leaves such leads at the back of its queue, where they had held every
  pod over its threshold for good.

Only scenarios with an overflow rule create a router, so designs without one pay
nothing per event.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from simulator.engines.simpy.organisation import Team
from simulator.model.pods import NO_OVERFLOW, TO_ANY_POD
from simulator.model.scenario import Scenario


def _waiting(team: Team, now: float, max_waits: list[float]) -> list[float]:
    """When each item waiting in a team was queued (shared pool and every rep's queue), leads leaked by now left out."""
    entries = [*team.pool, *(entry for rep in team.reps for entry in rep.queue)]
    return [
        e[2].enqueued
        for e in entries
        if e[2].pipeline or now - e[2].enqueued <= max_waits[e[2].stage]  # a sales item past its wait has leaked
    ]


def _queued(team: Team, now: float, max_waits: list[float]) -> int:
    """Items waiting in a team, not those being worked nor leads whose wait ran out."""
    return len(_waiting(team, now, max_waits))


def _oldest_enqueued(team: Team, now: float, max_waits: list[float]) -> float:
    """When the longest-waiting item of a team was queued (inf if none waits)."""
    return min(_waiting(team, now, max_waits), default=math.inf)


class OverflowRouter:
    """Applies the overflow rules and counts, per home team, stage visits and visits sent away."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, teams: list[Team], slices: list[int]) -> None:
        pods = scenario.pods
        self.env = env
        self.teams = teams
        self.slices = slices
        self.home = scenario.routing.tolist()
        self.target = pods.overflow_target.tolist()
        self.queue_length = pods.overflow_queue_length.tolist()
        self.wait_days = pods.overflow_wait_days.tolist()
        self.eligible = [np.flatnonzero(row).tolist() for row in pods.stage_team_eligible]
        self.window = (scenario.warmup_days, scenario.horizon_days)
        self.max_waits = [float(w) for w in scenario.stage_max_wait_days]
        self.visits = [0] * len(teams)
        self.sent = [0] * len(teams)

    def _over_threshold(self, t: int) -> bool:
        team = self.teams[t]
        now = self.env.now
        if _queued(team, now, self.max_waits) >= self.queue_length[t]:
            return True
        return now - _oldest_enqueued(team, now, self.max_waits) >= self.wait_days[t]

    def _receiver(self, home: int, stage: int) -> int:
        """The team that takes the lead, or -1 if no team is less loaded than ``home``."""
        target = self.target[home]
        candidates = self.eligible[stage] if target == TO_ANY_POD else [target]
        now = self.env.now
        best, best_load = -1, _queued(self.teams[home], now, self.max_waits) / len(self.teams[home].reps)
        for t in candidates:
            if t == home:
                continue
            load = _queued(self.teams[t], now, self.max_waits) / len(self.teams[t].reps)
            if load < best_load:
                best, best_load = t, load
        return best

    def reroute(self, route: list[int], stage: int, lead: int, previous_team: int) -> None:
        """Before a lead enters ``stage``: send it to another pod if its own is overloaded.

        ``route`` is the lead's own list of teams by stage; a redirect rewrites every
        later stage the home team would have worked.
        """
        home = self.home[stage][self.slices[lead]]
        entering = route[stage] == home and home != previous_team and self.target[home] != NO_OVERFLOW
        if entering and self._over_threshold(home):
            receiver = self._receiver(home, stage)
            if receiver >= 0:
                for k in range(stage, len(route)):
                    if route[k] == home:
                        route[k] = receiver
        lo, hi = self.window
        if lo <= self.env.now < hi:
            self.visits[home] += 1
            if route[stage] != home:
                self.sent[home] += 1

    def counts(self) -> np.ndarray:
        """(T, 2) stage visits routed to each team inside the window, and those sent to another pod."""
        return np.array([self.visits, self.sent], dtype=np.float64).T
