"""Decisions after the buyer's delay, no decisions, quarter-end pulls and the starting deals (SimPy).

Two hooks of :mod:`simulator.engines.simpy.engine`, each taken only when the scenario
configures the feature (``scenario.decisions`` / ``scenario.initial``), so other
scenarios run the same events with the same numbers:

- ``decide`` follows a rep's work that ended in a decision: a no decision (the stage's
  share) closes after its own delay; on a stage that decides after the delay, a loss
  closes after the loss delay and a pass moves on (or wins, on the last stage) after the
  buyer's delay, a win's close day moved by the quarter-end effect;
- ``starting_deal`` is one open deal of day 0: on a stage that decides after the delay
  its outcome and remaining time are drawn given its age
  (:mod:`simulator.model.initial_pipeline`); otherwise it joins its stage's queue.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.model.decisions import DecisionLuck, pulled_close, quarter_month
from simulator.model.initial_pipeline import LOSS, NO_DECISION, PASS, decide_initial, initial_uniforms
from simulator.model.records import Outcome

if TYPE_CHECKING:
    from simulator.engines.simpy.organisation import Rep
    from simulator.model.scenario import Scenario

Process = Generator[simpy.Event, Any, None]
PASSED = -1  # as in simpy.floor: the stage outcome of a lead that converted


class DecisionLists:
    """Each lead's decision luck as Python lists (indexing them is ~10x cheaper than NumPy scalars)."""

    def __init__(self, luck: DecisionLuck) -> None:
        self.no_decision_draw = luck.no_decision_draw.tolist()
        self.lost_delay = luck.lost_delay_days.tolist()
        self.no_decision_delay = luck.no_decision_days.tolist()
        self.pull_draw = luck.pull_draw.tolist()
        self.pull_position = luck.pull_position.tolist()
        self.won_by_month = luck.won_by_month.tolist() if luck.won_by_month is not None else None
        self.lost_by_month = luck.lost_by_month.tolist() if luck.lost_by_month is not None else None


def decide(floor: Any, lead: int, stage: int, result: int) -> Generator[simpy.Event, Any, tuple[int, bool]]:
    """The outcome of a decision and whether the buyer's delay after the stage was spent waiting for it."""
    tables, luck = floor.scenario.decisions, floor.decision_lists
    share = float(tables.no_decision[stage])
    if share > 0.0 and luck.no_decision_draw[stage][lead] < share:
        wait = luck.no_decision_delay[stage][lead]
        if wait > 0.0:
            yield floor.timeout(wait)
        return int(Outcome.NO_DECISION), True
    if not tables.after_delay[stage]:
        return result, False
    month = quarter_month(tables, floor.arrival[lead]) if tables.by_quarter_month[stage] is not None else -1
    if result == PASSED:
        wait = floor.delay[stage][lead] if month < 0 else luck.won_by_month[month][stage][lead]
        if stage == floor.scenario.n_stages - 1:
            now = floor.now
            wait = (
                pulled_close(tables, now, now + wait, luck.pull_draw[stage][lead], luck.pull_position[stage][lead])
                - now
            )
    else:
        wait = luck.lost_delay[stage][lead] if month < 0 else luck.lost_by_month[month][stage][lead]
    if wait > 0.0:
        yield floor.timeout(wait)
    return result, True


def start_deals(
    floor: Any, first: int, seed: int, replication: int, journey: Callable[..., Process], finish: Callable[..., None]
) -> None:
    """Start every starting deal (book indices ``first`` onwards) at day 0."""
    scenario: Scenario = floor.scenario
    deals = scenario.initial
    assert deals is not None
    uniforms = initial_uniforms(scenario, seed, replication)
    for deal in range(deals.size):
        floor.process(starting_deal(floor, first + deal, deal, uniforms[deal], journey, finish))


def _owner(floor: Any, lead: int, deal: int, team_index: int) -> Rep | None:
    """The deal's named owner if it works the deal's team, else the team's rule (None in a pooled team)."""
    scenario: Scenario = floor.scenario
    assert scenario.initial is not None
    team = floor.teams[team_index]
    named = int(scenario.initial.owner[deal])
    if named >= 0 and floor.reps[named].team == team_index and floor.reps[named].active:
        return floor.reps[named]
    if team.pooled:
        return None
    return team.choose_owner(floor.assignment_draw(team_index, lead))


def starting_deal(
    floor: Any, lead: int, deal: int, u: Any, journey: Callable[..., Process], finish: Callable[..., None]
) -> Process:
    """One open deal of day 0: its decision given its age, or the queue of its stage."""
    scenario: Scenario = floor.scenario
    assert scenario.initial is not None
    stage = int(scenario.initial.stage[deal])
    team_index = floor.routing[stage][floor.slice[lead]]
    owner = _owner(floor, lead, deal, team_index)
    floor.first_touched[lead] = True
    floor.stage_enter[stage][lead] = floor.arrival[lead]
    tables = scenario.decisions
    if tables is None or not tables.after_delay[stage]:
        floor.lead_entry[lead] = stage
        yield from journey(floor, lead, owner)
        return
    if owner is not None:  # its work was done before day 0, by its owner: the deal is credited to it if won
        floor.stage_rep[stage][lead] = owner.index
    skill = owner.skill if owner is not None else float(scenario.team_skill_mean[team_index])
    shift = floor.team_logit[team_index][floor.slice[lead]]
    outcome, wait = decide_initial(scenario, floor.leads, lead, deal, skill, shift, u)
    floor.open_leads += 1
    if owner is not None:
        owner.owned_open += 1
    last = stage == scenario.n_stages - 1
    if outcome == PASS and last:
        now = floor.now
        luck = floor.decision_lists
        wait = pulled_close(tables, now, now + wait, luck.pull_draw[stage][lead], luck.pull_position[stage][lead]) - now
    if wait > 0.0:
        yield floor.timeout(wait)
    if outcome == PASS:
        floor.stage_passed[stage][lead] = True
        if last:
            finish(floor, lead, owner, Outcome.WON, stage, floor.now)
            return
        floor.open_leads -= 1  # the journey counts it again from the next stage
        if owner is not None:
            owner.owned_open -= 1
        floor.lead_entry[lead] = stage + 1
        yield from journey(floor, lead, owner)
        return
    finish(floor, lead, owner, Outcome.DISQUALIFIED if outcome == LOSS else Outcome.NO_DECISION, stage, floor.now)
    assert outcome in (LOSS, NO_DECISION)
