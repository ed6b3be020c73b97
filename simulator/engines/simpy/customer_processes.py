"""The customer book as SimPy processes: check-ins, renewals, churn and expansions.

- ``customer_life``: check-ins every interval from the start of the contract (a touch
  each when the owner works it; one asked for at a time) and expansion opportunities
  (``expansion_journey``) as a Poisson process per account, until the account churns or
  the horizon;
- ``renewal_cycle``, beside it: the renewal pipeline from ``lead_days`` before each due
  date, then the churn decision at the due date. Renewal work never pauses check-ins or
  expansion opportunities (each process keeps its own clock).
- The initial book starts at day 0 (``start_customer_book``); every deal won joins it
  (``new_customer``) with its first renewal one contract term away.
"""

from __future__ import annotations

import functools
import math

import simpy

from simulator.engines.simpy.floor import Process, SalesFloor
from simulator.engines.simpy.pipeline_state import Customer, Pipelines
from simulator.model.customer_luck import INITIAL_BLOCK, LEAD_BLOCK, CustomerDraws
from simulator.model.multi_pipeline import EXPANSION, RENEWAL
from simulator.model.pipeline import probability
from simulator.model.pipeline_luck import draw_initial_arr


def start_customer_book(floor: SalesFloor) -> None:
    """The initial customers, their renewal dates spread over one contract term."""
    pipes = floor.pipes
    assert pipes is not None
    arr, due = draw_initial_arr(floor.scenario, floor.seed, floor.replication)
    for i in range(pipes.tables.initial_customers):
        _add_customer(floor, pipes, INITIAL_BLOCK, i, float(arr[i]), float(due[i]), initial=True)


def new_customer(floor: SalesFloor, lead: int, arr: float) -> None:
    """A won deal joins the customer book, its first renewal one contract term away."""
    pipes = floor.pipes
    assert pipes is not None
    _add_customer(floor, pipes, LEAD_BLOCK, lead, arr, floor.now + pipes.tables.contract_days, initial=False)


def _add_customer(
    floor: SalesFloor, pipes: Pipelines, block: int, key: int, arr: float, due: float, initial: bool
) -> None:
    tables = pipes.tables
    owner = None
    if tables.owner_team >= 0 and not floor.teams[tables.owner_team].pooled:
        owner = min(floor.teams[tables.owner_team].reps, key=lambda r: (r.accounts, r.index))
        owner.accounts += 1
    customer = Customer(len(pipes.customers), block, key, arr, owner, due, term_start=floor.now)
    pipes.customers.append(customer)
    pipes.customer_initial.append(initial)
    pipes.customer_start.append(floor.now)
    pipes.customer_start_arr.append(arr)
    floor.process(customer_life(floor, customer))


def _load(floor: SalesFloor, pipes: Pipelines, customer: Customer) -> float:
    if customer.owner is not None:
        return float(customer.owner.accounts)
    active = sum(1 for c in pipes.customers if not c.churned)
    team = floor.teams[pipes.tables.owner_team]
    return active / max(1, len(team.reps))


def customer_life(floor: SalesFloor, customer: Customer) -> Process:
    """Check-ins and expansion opportunities of one account until it churns or the horizon.

    The renewal cycle runs beside it (``renewal_cycle``): renewal work never pauses the
    account's check-ins or its Poisson process of expansion opportunities.
    """
    pipes = floor.pipes
    assert pipes is not None and pipes.luck is not None
    tables, horizon = pipes.tables, floor.scenario.horizon_days
    draws = pipes.luck.of(customer.block, customer.key)
    floor.process(renewal_cycle(floor, customer, draws))
    checkins, expansions = 0, 0
    # check-ins every interval from the start of the current contract: the initial book's
    # are spread like its renewal dates, not all asked for on the same day
    interval, contract_start = tables.checkin_interval_days, customer.due - tables.contract_days
    next_checkin = contract_start + interval * max(1, math.floor((floor.now - contract_start) / interval) + 1)
    rate = tables.expansion_per_day
    next_expansion = floor.now + draws.expansion_gap(0) / rate if rate > 0 and tables.has(EXPANSION) else math.inf
    while True:
        t = min(next_checkin, next_expansion)
        if t >= horizon:
            return
        if t > floor.now:
            yield floor.timeout(t - floor.now)
        if customer.churned:
            return
        if t == next_checkin:
            next_checkin += interval
            if not customer.checkin_pending:
                hours = draws.checkin_effort(checkins)
                checkins += 1
                owner_team = customer.owner.team if customer.owner is not None else tables.owner_team
                item = floor.put_item(RENEWAL, 0, owner_team, customer.owner, hours, customer.index)
                customer.checkin_pending = True
                item.done.callbacks.append(functools.partial(_touched, customer))
        else:
            floor.process(expansion_journey(floor, customer, draws, expansions))
            expansions += 1
            # the next gap runs from this opportunity: a Poisson process of constant rate
            next_expansion = t + draws.expansion_gap(expansions) / rate


def renewal_cycle(floor: SalesFloor, customer: Customer, draws: CustomerDraws) -> Process:
    """Each term: the renewal stages from ``lead_days`` before the due date, then the churn decision."""
    pipes = floor.pipes
    assert pipes is not None
    tables, horizon = pipes.tables, floor.scenario.horizon_days
    while True:
        renewal_start = max(floor.now, customer.due - tables.renewal_lead_days)
        if renewal_start >= horizon:
            return
        if renewal_start > floor.now:
            yield floor.timeout(renewal_start - floor.now)
        yield from _renewal(floor, pipes, customer, draws)
        if customer.churned:
            return


def _touched(customer: Customer, _event: simpy.Event) -> None:
    customer.touches += 1
    customer.checkin_pending = False


def _renewal(floor: SalesFloor, pipes: Pipelines, customer: Customer, draws: CustomerDraws) -> Process:
    """Work the renewal stages until the due date, then decide: renewed or churned."""
    tables = pipes.tables
    stages = tables.stages[RENEWAL]
    assert stages is not None
    term = customer.term
    for s in range(stages.size):
        if floor.now >= customer.due:
            break
        hours = draws.renewal_effort(s, term)
        item = floor.put_item(RENEWAL, s, int(stages.team[s]), customer.owner, hours, customer.index)
        deadline = floor.timeout(customer.due - floor.now)
        yield floor.any_of([item.done, deadline])
        if not item.done.triggered:
            item.hours = 0.0  # the due date passed first: whoever reaches it drops it at once
            break
        customer.touches += 1
        delay = draws.renewal_delay(s, term)
        if delay > 0 and floor.now + delay < customer.due:
            yield floor.timeout(delay)
    if floor.now < customer.due:
        yield floor.timeout(customer.due - floor.now)
    load = _load(floor, pipes, customer)
    z = tables.churn_logit + tables.load_logit * max(0.0, load / tables.reference_load - 1.0)
    if tables.size_logit > 0.0 and customer.arr > 0.0:
        # larger accounts churn less: GRR rises with contract size (SaaS Capital 2023)
        z -= tables.size_logit * math.log(customer.arr / tables.reference_arr)
    # touches are compared with the reference pro rata of the part of the term simulated
    # (an initial customer due in March had its earlier touches before day 0)
    observed = min(1.0, (customer.due - customer.term_start) / tables.contract_days)
    z -= tables.touch_logit * (customer.touches - tables.reference_touches * observed)
    churned = bool(draws.churn_draw(term) < probability(z))
    pipes.renewals.append((customer.index, floor.now, customer.arr, churned, customer.touches))
    customer.touches = 0
    customer.term += 1
    customer.term_start = floor.now
    if churned:
        customer.churned = True
        if customer.owner is not None:
            customer.owner.accounts -= 1
    else:
        customer.due += tables.contract_days


def expansion_journey(floor: SalesFloor, customer: Customer, draws: CustomerDraws, k: int) -> Process:
    """One upsell opportunity through the expansion stages; won, it adds ARR to the account."""
    pipes = floor.pipes
    assert pipes is not None
    stages = pipes.tables.stages[EXPANSION]
    assert stages is not None
    value = customer.arr * max(0.0, draws.expansion_uplift(k))
    row = [float(customer.index), floor.now, math.nan, value, 0.0, 0.0, -1.0]
    pipes.expansions.append(row)
    for s in range(stages.size):
        row[5] = float(s)
        hours = draws.expansion_effort(s, k)
        item = floor.put_item(EXPANSION, s, int(stages.team[s]), customer.owner, hours, customer.index)
        rep_index = yield item.done
        row[6] = float(rep_index)  # the rep who worked the last stage worked: the closer if it is won
        if customer.churned:
            row[2] = floor.now
            return
        z = float(stages.base_logit[s])
        if not math.isinf(z):
            z += floor.scenario.skill_weight * floor.reps[rep_index].skill
        if draws.expansion_draw(s, k) >= probability(z):
            row[2] = floor.now
            return
        delay = draws.expansion_delay(s, k)
        if delay > 0 and s + 1 < stages.size:
            yield floor.timeout(delay)
    row[2], row[4] = floor.now, 1.0
    customer.arr += value
