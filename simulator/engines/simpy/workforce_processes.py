"""The workforce on the deal clock: reps join, ramp up, leave and are replaced; coaching.

Processes, each named after what it models:
- ``seat`` is one seat of a team: its rep works until its tenure runs out, leaves, and
  after the hiring lag a new rep (tenure 0) takes the seat, for the whole run;
- ``planned_seat`` is a seat of the hiring plan: empty until its start day, then a seat;
- ``ramp_up`` raises a new rep's productivity and skill at each month of tenure; work
  in hand at that moment goes on at the new speed (``rest_of_work``);
- ``coaching`` narrows each team's spread of skill at every month end: each working
  rep's gap to the team's mean skill (or to its best rep's, the article's reuse of top
  performers' practices) shrinks by the coaching rate. Coaching acts on the rep's own
  skill, not on the temporary shift of its ramp.

Modelling decisions:
- A leaving rep finishes the item in hand (stage efforts are hours, not days), then
  stops taking work. Its queued items are re-dealt within the team at once; its other
  open deals (waiting on the buyer) are re-dealt when they next need a rep. Each
  re-dealt deal is lost with ``reassignment_loss_probability`` (the relationship left
  with the rep); losses close as ``Outcome.LOST_REASSIGNMENT``. The leaver's accounts,
  partners and pool follow-ups are handed over (:mod:`simulator.engines.simpy.handover`), at
  once and again when it has finished the item in hand.
- A team whose last rep left parks new and re-dealt deals on a *vacancy* (a placeholder
  that never works); the first rep to join takes them, with no second loss draw.
- Every draw comes from the workforce stream, keyed by team and seat, so changing the
  workforce never changes the leads' luck; a seat's draws are used in the same order in
  every scenario (tenure, hiring lag, new rep's skill), and tenures are drawn by
  inversion, so a higher attrition rate shortens the same seat's tenures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from simpy.events import Timeout

from simulator.engines.simpy.floor import Process, SalesFloor
from simulator.engines.simpy.handover import hand_over, item_owner
from simulator.engines.simpy.organisation import Rep, Team
from simulator.model import sampling
from simulator.model.records import Outcome
from simulator.model.streams import INITIAL_TENURE_KEY, REASSIGNMENT_KEY, SEAT_KEY, Stream, stream

SPEED_CHANGE = "selling hours changed"  # cause of the interrupt telling a working rep its speed changed


@dataclass(slots=True)
class RepHistory:
    """What the workforce keeps about one rep besides the engine's ``Rep``."""

    hire_day: float
    start_tenure: float
    base_skill: float
    base_hours: float
    leave_day: float = math.inf
    skill_shift: float = 0.0
    stopped: bool = False  # the rep's workday has ended (a leaver finished its item in hand)


class Workforce:
    """The workforce state of one replication: histories, vacancies, re-dealt deals, counters."""

    def __init__(self, floor: SalesFloor, seed: int, replication: int, start_rep: Callable[[Rep], object]) -> None:
        self.floor = floor
        self.plan = floor.scenario.workforce
        self.seed, self.replication = seed, replication
        self.start_rep = start_rep
        self.history = [RepHistory(0.0, math.inf, r.skill, r.selling_hours_per_day) for r in floor.reps]
        self.vacancy = [Rep(-1 - t.index, t.index, 0.0, 1.0, active=False) for t in floor.teams]
        self.redealt: dict[tuple[int, int], Rep] = {}
        self.loss_luck: dict[int, np.random.Generator] = {}
        self.deals_reassigned = 0

    # ------------------------------------------------------------------ levels

    def tenure(self, rep: Rep) -> float:
        """Months of tenure of ``rep`` now."""
        history = self.history[rep.index]
        return history.start_tenure + (self.floor.now - history.hire_day) / self.plan.days_per_month

    def apply_level(self, rep: Rep, tenure_months: float) -> None:
        """Set the rep's selling hours and skill for its tenure (levels step at whole months)."""
        history, curve = self.history[rep.index], self.plan.teams[rep.team].ramp
        rep.selling_hours_per_day = history.base_hours * curve.level(tenure_months)
        history.skill_shift = curve.skill(tenure_months)
        rep.skill = history.base_skill + history.skill_shift

    # ------------------------------------------------------------------ joining and leaving

    def hire(self, team: Team, luck: np.random.Generator) -> Rep:
        """A new rep joins ``team`` now at tenure 0 and starts working."""
        floor, t = self.floor, team.index
        skill = float(sampling.draw_normal(luck, float(floor.scenario.team_skill_mean[t]), self._sd(t), 1)[0])
        hours = float(floor.scenario.team_selling_hours_per_day[t])
        rep = Rep(len(floor.reps), t, skill, hours)
        if floor.scenario.team_rep_shares:  # a new rep takes the team's mean share of new leads
            rep.share = float(floor.scenario.team_rep_shares[t].mean())
        floor.reps.append(rep)
        self.history.append(RepHistory(floor.now, 0.0, skill, hours))
        self.apply_level(rep, 0.0)
        if team.reps and team.reps[0] is self.vacancy[t]:
            team.reps.clear()
        team.reps.append(rep)
        self.start_rep(rep)
        if self.plan.teams[t].ramp.months:
            floor.process(ramp_up(self, rep))
        hand_over(floor, team, self.vacancy[t])
        self.redeal(team, self.vacancy[t], lose=False)
        return rep

    def _sd(self, team: int) -> float:
        return float(self.floor.scenario.team_skill_sd[team])

    def stopped(self, rep: Rep) -> None:
        """``rep``'s workday has ended: its employment lasts until the item in hand was finished."""
        history = self.history[rep.index]
        history.leave_day = max(history.leave_day, self.floor.now)
        history.stopped = True
        team = self.floor.teams[rep.team]
        hand_over(self.floor, team, rep)  # what it gained finishing its last item (a follow-up, a partner)
        self.redeal(team, rep, lose=False)

    def leave(self, rep: Rep) -> None:
        """``rep`` leaves now: it takes no new work and its queue is re-dealt."""
        team = self.floor.teams[rep.team]
        rep.active = False
        self.history[rep.index].leave_day = self.floor.now
        team.reps.remove(rep)
        if not team.reps:
            team.reps.append(self.vacancy[team.index])
        if rep.wake is not None:  # idle: wake its workday so that it ends
            team.idle.remove(rep)
            wake, rep.wake = rep.wake, None
            wake.succeed()
        hand_over(self.floor, team, rep)
        self.redeal(team, rep, lose=True)

    # ------------------------------------------------------------------ deals of leavers

    def _lost(self, team: Team) -> bool:
        """Draw whether one re-dealt deal is lost."""
        scenario = self.floor.scenario
        if scenario.warmup_days <= self.floor.now < scenario.horizon_days:  # counted inside the measured window
            self.deals_reassigned += 1
        p = self.plan.reassignment_loss_probability
        if p <= 0.0:
            return False
        luck = self.loss_luck.get(team.index)
        if luck is None:
            luck = self.loss_luck[team.index] = self._stream(team.index, REASSIGNMENT_KEY)
        return bool(luck.random() < p)

    def redeal(self, team: Team, old: Rep, lose: bool) -> None:
        """Deal the items queued for ``old`` to the team's reps (in ``old``'s priority order).

        A sales deal may be lost (``lose``); another pipeline's item follows its account or
        partner to the new owner, with no loss draw.
        """
        if not old.queue:
            return
        entries = sorted(old.queue)
        old.queue.clear()
        floor = self.floor
        for _, _, item in entries:
            if item.pipeline:
                team.put(item, item_owner(floor, team, item), floor.next_sequence())
                continue
            if lose and self._lost(team):
                item.done.succeed((int(Outcome.LOST_REASSIGNMENT), -1, floor.now))
                continue
            new = team.choose_owner()
            self.redealt[(item.lead, team.index)] = new
            team.put(item, new, floor.next_sequence())

    def handover(self, team: Team, old: Rep, lead: int) -> Rep | None:
        """The new owner of a deal of ``team`` whose owner ``old`` is no longer working; None if lost.

        The deal's open count moves from ``old`` to the new owner (the caller closes a lost deal).
        """
        target = self.redealt.pop((lead, team.index), None)
        if target is None or not target.active:
            leaver = target if target is not None else old
            if leaver.index >= 0 and self._lost(team):
                return None
            target = team.choose_owner()
        old.owned_open -= 1
        target.owned_open += 1
        return target

    # ------------------------------------------------------------------ records

    def records(self) -> dict[str, Any]:
        """Per-rep hire and leave days, start tenures and the reassignment count, for the run's record.

        A leaver still finishing its item in hand when the run ends is still employed at
        the horizon (its busy time runs to the end, so its employed days must too): its
        leave day is recorded as inf, like any rep still there, and it is not a leaver of
        the window.
        """
        return {
            "rep_hire_day": np.array([h.hire_day for h in self.history]),
            "rep_leave_day": np.array([h.leave_day if h.stopped else math.inf for h in self.history]),
            "rep_start_tenure_months": np.array([h.start_tenure for h in self.history]),
            "deals_reassigned": self.deals_reassigned,
        }

    def _stream(self, *keys: int) -> np.random.Generator:
        return stream(self.seed, self.replication, Stream.WORKFORCE, *keys)

    # ------------------------------------------------------------------ start

    def start(self) -> None:
        """Give the reps of day 0 their tenures and levels, and start every workforce process."""
        floor = self.floor
        if not self.plan.dynamic:
            return
        for team in floor.teams:
            settings = self.plan.teams[team.index]
            members = list(team.reps)
            if settings.initial_tenure is not None:
                code, params = settings.initial_tenure
                tenures = sampling.draw_array(self._stream(team.index, INITIAL_TENURE_KEY), code, params, len(members))
                for rep, tenure in zip(members, tenures, strict=True):
                    self.history[rep.index].start_tenure = float(tenure)
            for j, rep in enumerate(members):
                self.apply_level(rep, self.tenure(rep))
                if not settings.ramp.is_ramped(self.tenure(rep)):
                    floor.process(ramp_up(self, rep))
                floor.process(seat(self, team, rep, self._stream(team.index, SEAT_KEY, j)))
            for k, day in enumerate(settings.hire_days):
                luck = self._stream(team.index, SEAT_KEY, len(members) + k)
                floor.process(planned_seat(self, team, day, luck))
        if any(t.coaching_rate > 0 for t in self.plan.teams):
            floor.process(coaching(self))


def seat(workforce: Workforce, team: Team, rep: Rep, luck: np.random.Generator) -> Process:
    """One seat: its rep works until its tenure runs out; after the hiring lag a new rep takes over."""
    floor, settings = workforce.floor, workforce.plan.teams[team.index]
    while True:
        u = float(luck.random())
        if settings.attrition_per_day <= 0.0:
            return
        yield floor.timeout(-math.log1p(-u) / settings.attrition_per_day)
        workforce.leave(rep)
        if settings.backfill is None:
            return
        code, params = settings.backfill
        yield floor.timeout(float(sampling.draw_array(luck, code, params, 1)[0]))
        rep = workforce.hire(team, luck)


def planned_seat(workforce: Workforce, team: Team, day: float, luck: np.random.Generator) -> Process:
    """A seat of the hiring plan: its first rep starts on ``day``."""
    floor = workforce.floor
    if day > floor.now:
        yield floor.timeout(day - floor.now)
    rep = workforce.hire(team, luck)
    yield from seat(workforce, team, rep, luck)


def ramp_up(workforce: Workforce, rep: Rep) -> Process:
    """Step a rep's productivity and skill up at each month of tenure until it is fully ramped."""
    floor, history = workforce.floor, workforce.history[rep.index]
    curve, days_per_month = workforce.plan.teams[rep.team].ramp, workforce.plan.days_per_month
    month = math.floor(history.start_tenure)
    while rep.active and month < curve.months:
        next_day = history.hire_day + (month + 1 - history.start_tenure) * days_per_month
        yield floor.timeout(max(0.0, next_day - floor.now))
        month += 1
        speed = rep.selling_hours_per_day
        workforce.apply_level(rep, float(month))
        working = rep.process is not None and rep.process.is_alive and isinstance(rep.process.target, Timeout)
        if working and rep.selling_hours_per_day != speed:
            rep.process.interrupt(SPEED_CHANGE)  # type: ignore[union-attr]


def new_end(floor: SalesFloor, rep: Rep, pipeline: int, end: float, speed: float) -> float:
    """When work planned to end at ``end`` at ``speed`` hours a day ends at the rep's speed now.

    The hours left are worked at the new speed; the rep's busy days inside the window
    are corrected from the old end to the new one.
    """
    now = floor.now
    later = now + (end - now) * speed / rep.selling_hours_per_day
    change = floor.busy_in_window(now, later - now) - floor.busy_in_window(now, end - now)
    rep.busy_days += change
    rep.busy_by[pipeline] += change
    return later


def rest_of_work(floor: SalesFloor, rep: Rep, pipeline: int, end: float, speed: float) -> Process:
    """Finish work interrupted by a change of the rep's speed (a ramp step), at each new speed.

    In each month of tenure the rep works that month's share of a ramped rep's hours,
    also on the item it had in hand when the month turned.
    """
    while True:
        end = new_end(floor, rep, pipeline, end, speed)
        speed = rep.selling_hours_per_day
        try:
            yield floor.timeout(end - floor.now)
            return
        except simpy.Interrupt:
            continue


def coaching(workforce: Workforce) -> Process:
    """At every month end, each rep's skill gap to its team's mean shrinks by the coaching rate."""
    floor, plan = workforce.floor, workforce.plan
    for month_end in plan.month_ends:
        yield floor.timeout(month_end - floor.now)
        for team in floor.teams:
            rate = plan.teams[team.index].coaching_rate
            working = [rep for rep in team.reps if rep.active]
            if rate <= 0.0 or len(working) < 2:
                continue
            histories = [workforce.history[rep.index] for rep in working]
            skills = [h.base_skill for h in histories]
            target = max(skills) if plan.teams[team.index].coaching_toward_best else sum(skills) / len(skills)
            for rep, history in zip(working, histories, strict=True):
                history.base_skill = target + (1.0 - rate) * (history.base_skill - target)
                rep.skill = history.base_skill + history.skill_shift
