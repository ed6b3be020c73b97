"""A leaver's book handed over: its accounts, its partners and its pool follow-ups.

When a rep leaves (and again when it has finished the item in hand), what it owned
beyond the sales pipeline's deals goes to the reps still in its team:
- each customer account it owned goes to the rep with the fewest accounts (the rule by
  which accounts are dealt when they join the book);
- each active partner it managed goes to the manager with the fewest partners;
- each of its prospecting or recruiting follow-ups (an account or candidate partner in
  progress, ready after the buyer's delay) goes to the rep with the fewest follow-ups of
  that pipeline (candidate partners: the fewest partners), and is worked by that rep's
  skill from then on;
- renewal, check-in, expansion and enablement work queued for the leaver follows its
  account or partner to the new owner, with no loss draw (the customer or partner stays;
  the reassignment loss is a sales deal's).

Lowest index on ties, so the hand-over never depends on hash order. A team with no rep
left hands everything to its vacancy, and the first rep to join takes it over.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from simulator.model.multi_pipeline import PARTNER
from simulator.model.organisation import Rep, Team, WorkItem

if TYPE_CHECKING:
    from simulator.engines.simpy_engine import SalesFloor


def hand_over(floor: SalesFloor, team: Team, old: Rep) -> None:
    """Move ``old``'s accounts, partners and pool follow-ups to the reps of ``team`` (``team.reps``)."""
    pipes = floor.pipes
    if pipes is None:
        return
    receivers = team.reps
    if old.accounts:
        for customer in pipes.customers:
            if customer.owner is old and not customer.churned:
                new = min(receivers, key=lambda r: (r.accounts, r.index))
                customer.owner = new
                new.accounts += 1
                old.accounts -= 1
    managers = pipes.partner_manager
    for partner, manager in enumerate(managers):
        if manager is old:
            new = min(receivers, key=lambda r: (r.partners, r.index))
            managers[partner] = new
            new.partners += 1
            old.partners -= 1
    woken: list[Rep] = []
    for pipeline, tasks in old.tasks.items():
        while tasks:
            entry = heapq.heappop(tasks)
            if pipeline == PARTNER:
                new = min(receivers, key=lambda r: (r.partners, r.index))
                moved = len(entry[2].entities)
                new.partners += moved
                old.partners -= moved
            else:
                new = min(receivers, key=lambda r: (len(r.tasks.get(pipeline, ())), r.index))
            heapq.heappush(new.tasks.setdefault(pipeline, []), entry)
            if new.wake is not None and all(rep is not new for rep in woken):
                woken.append(new)
    for rep in woken:  # an idle receiver waits for its own follow-ups: wake it to see the new ones
        team.idle.remove(rep)
        wake, rep.wake = rep.wake, None
        assert wake is not None
        wake.succeed()


def item_owner(floor: SalesFloor, team: Team, item: WorkItem) -> Rep | None:
    """Who takes a leaver's queued item of another pipeline: its account's or partner's owner.

    Falls back on the team's assignment policy (None: the shared queue of a pooled team)
    when that owner is not one of the team's reps (a stage routed to another team).
    """
    pipes = floor.pipes
    assert pipes is not None
    owner = pipes.partner_manager[item.lead] if item.pipeline == PARTNER else pipes.customers[item.lead].owner
    if owner is not None and any(rep is owner for rep in team.reps):
        return owner
    return None if team.pooled else team.choose_owner()
