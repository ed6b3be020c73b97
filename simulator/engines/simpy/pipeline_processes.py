"""The pipelines beside new business, as SimPy processes sharing the sales reps' time.

- **Prospecting** and **partner recruiting** are *pool* pipelines: a rep with that duty
  draws the next entity (target account, candidate partner) from the pool and works it
  through the stages itself. A later stage becomes ready after the buyer's delay and
  waits in the rep's own list of follow-ups; it costs no event until the rep picks it.
  A booked meeting becomes a lead of the sales pipeline (the next slot of the outbound
  source, first touched by the booking rep, who keeps it if its team works the entry
  stage); an active partner starts ``partner_life``.
- ``partner_life``: every enablement interval the partner asks its manager for a
  session; it refers leads as a Poisson process whose rate grows with the enablement
  hours received, the rate changing the moment a session ends (a time change of the
  partner's own unit exponentials, exact for a rate that steps mid-interval).
- Customers, renewals and expansions: :mod:`simulator.engines.simpy.customer_processes`.

Time allocation (per team): a rep takes the first pipeline in its team's priority
order that has work for it (reserved pool hours of the current week first), and turns
idle time into its idle-work pipeline.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import simpy

from simulator.engines.simpy.floor import Process, SalesFloor
from simulator.engines.simpy.organisation import Rep, Team, WorkItem
from simulator.engines.simpy.pipeline_state import Pipelines, PoolTask, give_duties
from simulator.engines.simpy.workforce_processes import SPEED_CHANGE, new_end, rest_of_work
from simulator.model import sampling
from simulator.model.customer_luck import CustomerLuck
from simulator.model.multi_pipeline import DAYS_PER_WEEK, PARTNER, PROSPECTING, PipelineTables
from simulator.model.pipeline import probability
from simulator.model.pipeline_luck import draw_pool, slots_exhausted
from simulator.model.pipeline_records import CustomerState, PipelineRecord, PoolState
from simulator.model.streams import REFERRAL_KEY, SESSION_KEY, Stream, stream


def setup(floor: SalesFloor, slot_start: dict[int, int]) -> Pipelines:
    """Attach the extra pipelines to a sales floor: rep duties, team ranks, pools, the customer book."""
    scenario = floor.scenario
    tables = scenario.pipelines
    assert tables is not None
    pipes = Pipelines(tables=tables, slot_start=slot_start)
    for team in floor.teams:
        team.ranks = [int(r) for r in tables.team_rank[team.index]]
        team.interruptible = True
        for rep in team.reps:
            give_duties(tables, rep)
    for pipeline, size in ((PROSPECTING, tables.target_accounts), (PARTNER, tables.partner_prospects)):
        stages = tables.stages[pipeline]
        if stages is not None:
            pipes.pools[pipeline] = draw_pool(floor.seed, floor.replication, pipeline, stages, size)
            pipes.pool_state[pipeline] = [int(PoolState.UNTOUCHED)] * size
            pipes.pool_stage[pipeline] = [-1] * size
            pipes.pool_first_day[pipeline] = [math.nan] * size
            pipes.next_entity[pipeline] = 0
    pipes.meeting_day = [math.nan] * tables.target_accounts
    pipes.partner_active_day = [math.nan] * tables.partner_prospects
    pipes.partner_referrals = [0] * tables.partner_prospects
    pipes.partner_hours = [0.0] * tables.partner_prospects
    pipes.partner_stock = [0.0] * tables.partner_prospects
    pipes.partner_manager = [None] * tables.partner_prospects
    for source in slot_start:
        pipes.next_slot[source] = 0
    if tables.retention:
        pipes.luck = CustomerLuck(scenario, floor.seed, floor.replication)
    return pipes


# ---------------------------------------------------------------------------- choosing work


def choose_work(floor: SalesFloor, rep: Rep, team: Team) -> WorkItem | PoolTask | None:
    """The next thing a rep with pool duties works, by its team's time-allocation rule."""
    pipes = floor.pipes
    assert pipes is not None
    now = floor.now
    week = int(now // DAYS_PER_WEEK)
    if week != rep.week:
        rep.week = week
        rep.spent = [0.0] * 5
    reserved = pipes.tables.team_reserved_hours_per_day[team.index]
    for p in rep.duties:
        if reserved[p] > 0 and reserved[p] * (now - week * DAYS_PER_WEEK) > rep.spent[p]:
            task = _pool_task(floor, pipes, rep, p)
            if task is not None:
                task.reserved = True
                return task
    head = _head_rank(team, rep)
    best, best_rank = -1, head
    for p in rep.duties:
        tasks = rep.tasks[p]
        if tasks and tasks[0][0] <= now and team.ranks[p] < best_rank:
            best, best_rank = p, team.ranks[p]
    if best >= 0:
        follow_up: PoolTask = heapq.heappop(rep.tasks[best])[2]
        return follow_up
    item = team.take(rep)
    if item is not None:
        return item
    idle = int(pipes.tables.team_idle_work[team.index])
    if idle >= 0 and idle in rep.duties:
        return _pool_task(floor, pipes, rep, idle)
    return None


def _head_rank(team: Team, rep: Rep) -> float:
    rank = math.inf
    if rep.queue:
        rank = rep.queue[0][0][0]
    if team.pooled and team.pool:
        rank = min(rank, team.pool[0][0][0])
    return rank


def _pool_task(floor: SalesFloor, pipes: Pipelines, rep: Rep, pipeline: int) -> PoolTask | None:
    """A ready follow-up of the rep's own entities, else a fresh entity from the pool."""
    tasks = rep.tasks[pipeline]
    if tasks and tasks[0][0] <= floor.now:
        ready: PoolTask = heapq.heappop(tasks)[2]
        return ready
    state = pipes.pool_state[pipeline]
    first = pipes.next_entity[pipeline]
    if first >= len(state):
        return None
    if pipeline == PARTNER and rep.partners >= pipes.tables.max_partners_per_manager:
        return None
    block = pipes.tables.prospecting_block if pipeline == PROSPECTING else 1
    entities = list(range(first, min(first + block, len(state))))
    pipes.next_entity[pipeline] = entities[-1] + 1
    first_day = pipes.pool_first_day[pipeline]
    for entity in entities:
        state[entity] = int(PoolState.IN_PROGRESS)
        first_day[entity] = floor.now
    if pipeline == PARTNER:
        rep.partners += 1
    return PoolTask(pipeline, entities, 0)


def wake_or_ready(floor: SalesFloor, rep: Rep) -> simpy.Event:
    """What an idle rep with duties waits for: new work, or its next follow-up becoming ready."""
    assert rep.wake is not None
    ready = min((tasks[0][0] for tasks in rep.tasks.values() if tasks), default=math.inf)
    if math.isinf(ready):
        return rep.wake
    return floor.any_of([rep.wake, floor.timeout(max(0.0, ready - floor.now))])


# ---------------------------------------------------------------------------- doing work


def work_pool_task(floor: SalesFloor, rep: Rep, task: PoolTask) -> Process:
    """A rep works one stage of its own pool entities in one sitting, then decides where each goes.

    Stages with no buyer delay after them are chained in the same sitting (research runs
    straight into the outreach sequence). The conversion draws are the entity's own and
    the probability depends on the rep alone, so deciding them at the end of the sitting
    is the same as deciding each at the end of its stage.
    """
    pipes = floor.pipes
    assert pipes is not None
    tables, p = pipes.tables, task.pipeline
    stages = tables.stages[p]
    assert stages is not None
    luck = pipes.pools[p]
    hours, plans = task.hours, task.plans
    if plans is None:
        hours, plans = _plan_sitting(floor, pipes, rep, task)
    days = hours / rep.selling_hours_per_day
    busy = floor.busy_in_window(floor.now, days)
    rep.busy_days += busy
    rep.busy_by[p] += busy
    rep.spent[p] += hours
    start, speed = floor.now, rep.selling_hours_per_day
    if not task.reserved:
        rep.sitting = float(floor.teams[rep.team].ranks[p])
    while True:
        try:
            yield floor.timeout(days)
            break
        except simpy.Interrupt as stop:
            if stop.cause == SPEED_CHANGE:  # a ramp step: the hours left go at the new speed
                days = new_end(floor, rep, p, start + days, speed) - floor.now
                start, speed = floor.now, rep.selling_hours_per_day
                continue
        # A new lead of a pipeline served first arrived: the rest of the sitting waits, at the
        # head of the rep's follow-ups, and its decisions are applied when it is finished.
        left = max(0.0, days - (floor.now - start))
        unused = floor.busy_in_window(floor.now, left)
        rep.busy_days -= unused
        rep.busy_by[p] -= unused
        rep.spent[p] -= left * speed
        rest = PoolTask(p, task.entities, task.stage, False, plans, left * speed)
        heapq.heappush(rep.tasks[p], (floor.now, floor.next_sequence(), rest))
        return
    rep.sitting = -1.0
    for entity, stage, passed in plans:
        if not passed:
            pipes.pool_state[p][entity] = int(PoolState.DROPPED)
            if p == PARTNER:
                rep.partners -= 1
        elif stage + 1 < stages.size:
            ready = floor.now + float(luck.delay[stage, entity])
            heapq.heappush(rep.tasks[p], (ready, floor.next_sequence(), PoolTask(p, [entity], stage + 1)))
        else:
            pipes.pool_state[p][entity] = int(PoolState.DONE)
            if p == PROSPECTING:
                pipes.meeting_day[entity] = floor.now
                floor.start_fed_lead(_next_slot(floor, pipes, tables.prospecting_source), rep)
            else:
                pipes.partner_active_day[entity] = floor.now
                pipes.partner_manager[entity] = rep
                floor.process(partner_life(floor, entity))


def _plan_sitting(
    floor: SalesFloor, pipes: Pipelines, rep: Rep, task: PoolTask
) -> tuple[float, list[tuple[int, int, bool]]]:
    """Hours of a sitting and, per entity, the last stage worked in it and whether it passed."""
    tables, p = pipes.tables, task.pipeline
    stages = tables.stages[p]
    assert stages is not None
    luck, reached = pipes.pools[p], pipes.pool_stage[p]
    prm = p == PROSPECTING and tables.team_prm[rep.team] == 1
    factor = tables.prm_effort_factor if prm else 1.0
    shift = floor.scenario.skill_weight * rep.skill + (tables.prm_conversion_lift if prm else 0.0)
    hours = 0.0
    plans = []
    for entity in task.entities:
        stage = task.stage
        while True:
            reached[entity] = stage
            hours += float(luck.effort[stage, entity]) * factor
            z = float(stages.base_logit[stage])
            passed = float(luck.draw[stage, entity]) < probability(z if math.isinf(z) else z + shift)
            if passed and stage + 1 < stages.size and luck.delay[stage, entity] <= 0.0:
                stage += 1
                continue
            plans.append((entity, stage, passed))
            break
    return hours, plans


def work_item(floor: SalesFloor, rep: Rep, item: WorkItem) -> Process:
    """A rep works an item of a non-sales pipeline for its hours; the item's process goes on."""
    days = item.hours / rep.selling_hours_per_day
    start = floor.now
    busy = floor.busy_in_window(start, days)
    rep.busy_days += busy
    rep.busy_by[item.pipeline] += busy
    try:
        yield floor.timeout(days)
    except simpy.Interrupt:  # a ramp step changed the rep's speed mid-way
        speed = item.hours / days if days > 0 else rep.selling_hours_per_day
        yield from rest_of_work(floor, rep, item.pipeline, start + days, speed)
    item.done.succeed(rep.index)


def _next_slot(floor: SalesFloor, pipes: Pipelines, source: int) -> int:
    k = pipes.next_slot[source]
    pipes.next_slot[source] = k + 1
    if k >= pipes.tables.slots(source):
        raise RuntimeError(slots_exhausted(floor.scenario, source, pipes.tables.slots(source)))
    return pipes.slot_start[source] + k


# ---------------------------------------------------------------------------- partners


def referral_rate(tables: PipelineTables, hours: float) -> float:
    """Referrals per day of a partner with ``hours`` of enablement left (docs/MODEL.md)."""
    span = tables.referral_max_per_day - tables.referral_base_per_day
    return tables.referral_base_per_day + span * (1.0 - math.exp(-hours / tables.referral_hours_scale))


def partner_life(floor: SalesFloor, partner: int) -> Process:
    """An active partner: enablement sessions from its manager, referrals at a rate growing with them.

    Referrals are a Poisson process whose rate steps up when a session ends. The k-th
    referral comes when the integral of the rate since the (k-1)-th reaches the k-th unit
    exponential of the partner's own stream (a time change, exact for any rate path):
    when a session ends mid-gap, the integral already run is kept and the rest of the gap
    runs at the new rate. A scenario that enables more brings the same partner's
    referrals earlier, never later (common random numbers stay monotone).
    """
    pipes = floor.pipes
    assert pipes is not None
    tables = pipes.tables
    assert tables.enablement_effort is not None
    sessions = stream(floor.seed, floor.replication, Stream.PARTNER_REFERRALS, partner, SESSION_KEY)
    gaps = stream(floor.seed, floor.replication, Stream.PARTNER_REFERRALS, partner, REFERRAL_KEY)
    kernel = tables.enablement_effort
    need = float(gaps.standard_exponential())  # integrated rate left before the next referral
    next_request = floor.now
    session: simpy.Event | None = None  # the session asked for and not yet given
    hours = 0.0
    while True:
        now = floor.now
        if now >= next_request:
            next_request += tables.enablement_interval_days
            pipes.partner_stock[partner] *= tables.enablement_retention  # an interval's wearing off
            if session is None:  # one session outstanding at a time
                hours = float(sampling.draw_array(sessions, kernel.code, kernel.params, 1)[0])
                manager = pipes.partner_manager[partner]
                assert manager is not None
                session = floor.put_item(PARTNER, 0, manager.team, manager, hours, partner).done
        rate = referral_rate(tables, pipes.partner_stock[partner])
        due = now + need / rate if rate > 0.0 else math.inf
        wake = floor.timeout(min(due, next_request) - now)
        yield wake if session is None else floor.any_of([wake, session])
        need = max(0.0, need - rate * (floor.now - now))
        if session is not None and session.triggered:
            pipes.partner_hours[partner] += hours
            pipes.partner_stock[partner] += hours
            session = None
        if wake.processed and due <= next_request:  # (a timeout counts as triggered from its creation)
            need = float(gaps.standard_exponential())
            lead = _next_slot(floor, pipes, tables.partner_source)
            pipes.lead_partner[lead] = partner
            pipes.partner_referrals[partner] += 1
            floor.start_fed_lead(lead, None)


# ---------------------------------------------------------------------------- the record


def record(floor: SalesFloor, pipes: Pipelines, n_leads: int) -> PipelineRecord:
    """Freeze what the extra pipelines did into arrays (lead arrays over every slot)."""
    lead_partner = np.full(n_leads, -1, dtype=np.int64)
    for lead, partner in pipes.lead_partner.items():
        lead_partner[lead] = partner
    empty = np.zeros(0)
    renewals = pipes.renewals
    expansions = np.array(pipes.expansions, dtype=np.float64).reshape(-1, 7)
    return PipelineRecord(
        account_state=np.array(pipes.pool_state.get(PROSPECTING, []), dtype=np.int64),
        account_stage=np.array(pipes.pool_stage.get(PROSPECTING, []), dtype=np.int64),
        partner_stage=np.array(pipes.pool_stage.get(PARTNER, []), dtype=np.int64),
        account_first_day=np.array(pipes.pool_first_day.get(PROSPECTING, []), dtype=np.float64),
        partner_first_day=np.array(pipes.pool_first_day.get(PARTNER, []), dtype=np.float64),
        expansion_stage=expansions[:, 5].astype(np.int64),
        meeting_day=np.array(pipes.meeting_day, dtype=np.float64),
        partner_state=np.array(pipes.pool_state.get(PARTNER, []), dtype=np.int64),
        partner_active_day=np.array(pipes.partner_active_day, dtype=np.float64),
        partner_referrals=np.array(pipes.partner_referrals, dtype=np.int64),
        partner_enablement_hours=np.array(pipes.partner_hours, dtype=np.float64),
        lead_partner=lead_partner,
        customer_state=np.array(
            [int(CustomerState.CHURNED if c.churned else CustomerState.ACTIVE) for c in pipes.customers], dtype=np.int64
        ),
        customer_initial=np.array(pipes.customer_initial, dtype=np.bool_),
        customer_start_day=np.array(pipes.customer_start, dtype=np.float64),
        customer_start_arr=np.array(pipes.customer_start_arr, dtype=np.float64),
        customer_arr=np.array([c.arr for c in pipes.customers], dtype=np.float64),
        renewal_customer=np.array([r[0] for r in renewals], dtype=np.int64),
        renewal_day=np.array([r[1] for r in renewals], dtype=np.float64) if renewals else empty,
        renewal_arr=np.array([r[2] for r in renewals], dtype=np.float64) if renewals else empty,
        renewal_churned=np.array([r[3] for r in renewals], dtype=np.bool_),
        renewal_touches=np.array([r[4] for r in renewals], dtype=np.int64),
        expansion_customer=expansions[:, 0].astype(np.int64),
        expansion_open_day=expansions[:, 1],
        expansion_end_day=expansions[:, 2],
        expansion_value=expansions[:, 3],
        expansion_won=expansions[:, 4] > 0,
        expansion_rep=expansions[:, 6].astype(np.int64),
        rep_busy_by_pipeline=np.array([rep.busy_by for rep in floor.reps], dtype=np.float64).reshape(-1, 5),
        customer_owner=np.array([_rep_index(c.owner) for c in pipes.customers], dtype=np.int64),
        partner_manager=np.array([_rep_index(m) for m in pipes.partner_manager], dtype=np.int64),
    )


def _rep_index(rep: Rep | None) -> int:
    """A rep's index for the record; -1 for nobody or a team's vacancy (negative index)."""
    return rep.index if rep is not None and rep.index >= 0 else -1
