"""Lay one replication out as the fast engine's arrays: the scenario, the leads' luck, room to run.

Every size is known before the run except the length of queues and the number of
reassignment-loss draws: those start at a guess and the engine reports when it needs
more (the replication is then run again with twice the room that ran out, which
changes nothing but the time: a replication is a pure function of its seed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from simulator.engines.fast import kinds
from simulator.engines.fast.events import event_list
from simulator.engines.fast.layout import customers_of, partners_of, pools_of, task_queues, tasks_of
from simulator.engines.fast.luck import PipelineLuck, WorkforceLuck
from simulator.engines.fast.params import params
from simulator.engines.fast.queues import queues
from simulator.engines.fast.scratch import FRESH, Scratch
from simulator.engines.fast.state import Items, Leads, Reps, Run, Seats, Teams, World
from simulator.model.decisions import DecisionLuck
from simulator.model.market import LeadBook
from simulator.model.multi_pipeline import N_PIPELINES
from simulator.model.scenario import BY_SHARE, Scenario
from simulator.model.streams import Stream, stream


@dataclass(frozen=True, slots=True)
class Room:
    """How much room a run gets where the need is not known ahead."""

    queue: int = 64  # entries per queue
    losses: int = 64  # reassignment-loss draws per team
    items: int = 4096  # work items of the pipelines beside new business
    tasks: int = 1024  # pool tasks at a time
    records: int = 4096  # renewals, and expansion opportunities
    gaps: int = 64  # referral gaps per partner
    pool: int = 16384  # target accounts and candidate partners whose luck is drawn (a prefix of each pool)
    slots: int = 128  # slots of a fed source whose luck is drawn at first (a prefix of the source's slots)
    source_slots: tuple[int, ...] = ()  # by source, the prefix once grown (sources past the end: ``slots``)

    def slot_prefixes(self, sources: int) -> tuple[int, ...]:
        """The drawn prefix of each of ``sources`` sources' slots."""
        grown = self.source_slots[:sources]
        return grown + (self.slots,) * (sources - len(grown))

    def doubled(self) -> Room:
        """Twice as much of everything."""
        counts = {f: 2 * getattr(self, f) for f in self.__slots__ if f != "source_slots"}
        return Room(**counts, source_slots=tuple(2 * k for k in self.source_slots))

    def grown(self, short: int, queue_full: bool, short_sources: tuple[int, ...] = (), factor: int = 2) -> Room:
        """The room that ran out (``short``: ``kinds.SHORT_*`` bits) grown; of everything, doubled, if not known.

        Only what ran out grows, so that a scenario short of one thing (work items, say) does
        not draw the luck of four times as many pool entities and slots ever after. Of the
        fed sources' slots, only those of ``short_sources`` (indices) grow, when given:
        a source fed a few dozen leads a run keeps a short prefix beside one fed hundreds.
        What a run uses up as it goes (``_CUMULATIVE``) grows ``factor`` times, a power of
        two (:func:`.engine.growth`); what it holds at a time (queues, pool tasks) doubles.
        """
        bits = {f: b for f, b in _SHORT_BITS.items() if short & b}
        if queue_full:
            bits["queue"] = 1
        if not bits or short & kinds.SHORT_OTHER:
            return self.doubled()
        grown = replace(
            self, **{f: (factor if f in _CUMULATIVE else 2) * getattr(self, f) for f in bits if f != "slots"}
        )
        if "slots" not in bits:
            return grown
        if not short_sources:
            return replace(grown, slots=factor * self.slots, source_slots=tuple(factor * k for k in self.source_slots))
        prefixes = list(self.slot_prefixes(max(len(self.source_slots), max(short_sources) + 1)))
        for source in short_sources:
            prefixes[source] *= factor
        return replace(grown, source_slots=tuple(prefixes))


_CUMULATIVE = frozenset({"losses", "items", "records", "gaps", "pool"})  # and "slots"

_SHORT_BITS = {
    "losses": kinds.SHORT_LOSSES,
    "items": kinds.SHORT_ITEMS,
    "tasks": kinds.SHORT_TASKS,
    "records": kinds.SHORT_RECORDS,
    "gaps": kinds.SHORT_GAPS,
    "pool": kinds.SHORT_POOL,
    "slots": kinds.SHORT_SLOTS,
}


def leads_of(
    scenario: Scenario,
    book: LeadBook,
    entry: np.ndarray,
    overflow: bool,
    decisions: DecisionLuck | None,
    keys: np.ndarray,
) -> Leads:
    """The leads' luck and empty journey records; ``keys``: each lead's index in the SimPy engine's run."""
    n, s, t = book.size, scenario.n_stages, scenario.n_teams
    flat, cube = np.zeros((1, 1)), np.zeros((1, 1, 1))
    won_by_month = lost_by_month = cube
    if decisions is not None and decisions.won_by_month is not None and decisions.lost_by_month is not None:
        won_by_month = np.ascontiguousarray(decisions.won_by_month, dtype=np.float64)
        lost_by_month = np.ascontiguousarray(decisions.lost_by_month, dtype=np.float64)
    slices = np.ascontiguousarray(book.slice, dtype=np.int64)
    route = np.ascontiguousarray(scenario.routing[:, slices].T) if overflow else np.zeros((1, 1), dtype=np.int64)
    return Leads(
        arrival=np.array(book.arrival_day, dtype=np.float64),
        key=np.ascontiguousarray(keys, dtype=np.int64),
        deal_value=np.ascontiguousarray(book.deal_value, dtype=np.float64),
        source=np.ascontiguousarray(book.source, dtype=np.int64),
        circle=np.ascontiguousarray(book.buying_circle, dtype=np.int64),
        slice=slices,
        entry=np.array(entry, dtype=np.int64),  # a copy: the run changes it
        effort=np.ascontiguousarray(book.effort_hours, dtype=np.float64),
        delay=np.ascontiguousarray(book.delay_days, dtype=np.float64),
        conversion_draw=np.ascontiguousarray(book.conversion_draw, dtype=np.float64),
        handoff_draw=np.ascontiguousarray(book.handoff_draw, dtype=np.float64),
        handoff_delay=np.ascontiguousarray(book.handoff_delay_days, dtype=np.float64),
        handoff_extra=np.ascontiguousarray(book.handoff_extra_hours, dtype=np.float64),
        no_decision_draw=_luck(decisions.no_decision_draw) if decisions is not None else flat,
        lost_delay=_luck(decisions.lost_delay_days) if decisions is not None else flat,
        no_decision_delay=_luck(decisions.no_decision_days) if decisions is not None else flat,
        pull_draw=_luck(decisions.pull_draw) if decisions is not None else flat,
        pull_position=_luck(decisions.pull_position) if decisions is not None else flat,
        won_by_month=won_by_month,
        lost_by_month=lost_by_month,
        decided=np.zeros(n, dtype=np.int64),
        stage=np.zeros(n, dtype=np.int64),
        previous_rep=np.full(n, -1, dtype=np.int64),
        previous_team=np.full(n, -1, dtype=np.int64),
        team=np.full(n, -1, dtype=np.int64),
        owner=np.full(n, -1, dtype=np.int64),
        booked_by=np.full(n, -1, dtype=np.int64),
        owners=np.full((n, t), -1, dtype=np.int64),
        route=route,
        first_touched=np.zeros(n, dtype=np.bool_),
        extra=np.zeros(n),
        outcome=np.zeros(n, dtype=np.int64),
        outcome_day=np.full(n, np.nan),
        outcome_stage=np.full(n, -1, dtype=np.int64),
        first_touch_day=np.full(n, np.nan),
        stage_enter=np.full((n, s), np.nan),
        stage_start=np.full((n, s), np.nan),
        stage_end=np.full((n, s), np.nan),
        stage_rep=np.full((n, s), -1, dtype=np.int64),
        stage_passed=np.zeros((n, s), dtype=np.bool_),
    )


def _luck(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float64)


def assignment_draws(scenario: Scenario, seed: int, replication: int, keys: np.ndarray, total: int) -> np.ndarray:
    """(T, N) each lead's uniform for each by-share team's owner choice, as the SimPy floor draws them.

    The SimPy floor draws one per lead of its ``total`` leads; lead ``k`` here is its lead ``keys[k]``.
    """
    by_share = scenario.team_assignment == BY_SHARE
    if not by_share.any():
        return np.zeros((1, 1))
    draws = np.zeros((scenario.n_teams, keys.shape[0]))
    for t in np.flatnonzero(by_share):
        draws[t] = stream(seed, replication, Stream.ASSIGNMENT, int(t)).random(total)[keys]
    return draws


def items_of(count: int) -> Items:
    """Room for ``count`` work items."""
    return Items(
        pipeline=np.zeros(count, dtype=np.int64),
        stage=np.zeros(count, dtype=np.int64),
        lead=np.full(count, -1, dtype=np.int64),
        enqueued=np.zeros(count),
        extra_hours=np.zeros(count),
        previous_rep=np.full(count, -1, dtype=np.int64),
        handoff_checked=np.zeros(count, dtype=np.bool_),
        hours=np.zeros(count),
        purpose=np.zeros(count, dtype=np.int64),
        waiter=np.full(count, -1, dtype=np.int64),
        triggered=np.zeros(count, dtype=np.bool_),
        n_used=np.zeros(1, dtype=np.int64),
        first_touch_hours=np.full(count, np.nan),
        result=np.zeros(count, dtype=np.int64),
        rep=np.full(count, -1, dtype=np.int64),
        day=np.zeros(count),
    )


def reps_of(scenario: Scenario, skills: np.ndarray, luck: WorkforceLuck, team_duties: np.ndarray) -> Reps:
    """The reps of day 0 (with their pool duties), room for every hire of the run, one vacancy per team."""
    r0, n_teams = scenario.n_reps, scenario.n_teams
    slots = r0 + luck.hires + n_teams
    team = np.full(slots, -1, dtype=np.int64)
    team[:r0] = np.repeat(np.arange(n_teams), scenario.team_headcount)
    team[slots - n_teams :] = np.arange(n_teams)
    index = np.arange(slots, dtype=np.int64)
    index[slots - n_teams :] = -1 - np.arange(n_teams)
    skill = np.zeros(slots)
    skill[:r0] = skills
    hours = np.ones(slots)
    hours[:r0] = scenario.team_selling_hours_per_day[team[:r0]]
    active = np.zeros(slots, dtype=np.bool_)
    active[:r0] = True
    start_tenure = np.full(slots, np.inf)
    start_tenure[:r0] = luck.start_tenure
    duties = np.zeros(slots, dtype=np.int64)
    duties[:r0] = team_duties[team[:r0]]
    share = np.ones(slots)
    if scenario.team_rep_shares:
        share[:r0] = np.concatenate(scenario.team_rep_shares)
    order = np.full((slots, 2), -1, dtype=np.int64)  # the pool pipelines each rep of day 0 holds, in order
    first, second = (duties[:r0] & 1) > 0, (duties[:r0] & 2) > 0
    order[:r0, 0] = np.where(first, 1, np.where(second, 2, -1))
    order[:r0, 1] = np.where(first & second, 2, -1)
    return Reps(
        number=index,
        team=team,
        skill=skill.copy(),
        hours=hours.copy(),
        active=active,
        waiting=np.zeros(slots, dtype=np.bool_),
        owned_open=np.zeros(slots, dtype=np.int64),
        busy_days=np.zeros(slots),
        busy_by=np.zeros((slots, N_PIPELINES)),
        hire_day=np.zeros(slots),
        start_tenure=start_tenure,
        base_skill=skill,
        base_hours=hours,
        leave_day=np.full(slots, np.inf),
        skill_shift=np.zeros(slots),
        stopped=np.zeros(slots, dtype=np.bool_),
        n_hired=np.array([r0], dtype=np.int64),
        doing=np.zeros(slots, dtype=np.int64),
        work=np.full(slots, -1, dtype=np.int64),
        work_start=np.zeros(slots),
        work_days=np.zeros(slots),
        work_speed=np.zeros(slots),
        resting=np.zeros(slots, dtype=np.bool_),
        rest_end=np.zeros(slots),
        rest_speed=np.zeros(slots),
        epoch=np.zeros(slots, dtype=np.int64),
        wait_id=np.zeros(slots, dtype=np.int64),
        cond=np.zeros(slots, dtype=np.bool_),
        cond_done=np.zeros(slots, dtype=np.bool_),
        duties=duties,
        task_order=order,
        week=np.zeros(slots, dtype=np.int64),
        spent=np.zeros((slots, N_PIPELINES)),
        sitting=np.full(slots, -1.0),
        accounts=np.zeros(slots, dtype=np.int64),
        partners=np.zeros(slots, dtype=np.int64),
        share=share,
    )


def teams_of(scenario: Scenario, slots: int) -> Teams:
    """Each team's reps of day 0 in order; nobody idle yet."""
    n_teams = scenario.n_teams
    members = np.full((n_teams, slots), -1, dtype=np.int64)
    start = 0
    for t in range(n_teams):
        count = int(scenario.team_headcount[t])
        members[t, :count] = np.arange(start, start + count)
        start += count
    return Teams(
        members=members,
        n_members=np.array(scenario.team_headcount, dtype=np.int64),  # a copy: the run changes it
        idle=np.full((n_teams, slots), -1, dtype=np.int64),
        n_idle=np.zeros(n_teams, dtype=np.int64),
        next_turn=np.zeros(n_teams, dtype=np.int64),
    )


def seats_of(scenario: Scenario, luck: WorkforceLuck) -> Seats:
    """The seats in the order the SimPy workforce starts them; a seat of day 0 holds its rep."""
    z = luck.seat_team.shape[0]
    rep = np.full(z, -1, dtype=np.int64)
    k, first = 0, 0
    for t in range(scenario.n_teams):
        count = int(luck.n_initial[t])
        rep[k : k + count] = np.arange(first, first + count)
        k += count + int(luck.n_planned[t])
        first += int(scenario.team_headcount[t])
    return Seats(
        team=luck.seat_team,
        rep=rep,
        day=luck.seat_day,
        tenure_u=luck.tenure_u,
        backfill=luck.backfill,
        skill=luck.skill,
        cycle=np.zeros(z, dtype=np.int64),
        n_initial=luck.n_initial,
        n_planned=luck.n_planned,
    )


def _deal_cycle(scenario: Scenario, book: LeadBook, first_initial: int, deals: int) -> np.ndarray:
    """Each starting deal's cycle multiplier, from its product."""
    product = book.product[first_initial : first_initial + deals]
    return np.ascontiguousarray(scenario.lead_profile.product_cycle_multiplier[product], dtype=np.float64)


def world(
    scenario: Scenario,
    book: LeadBook,
    entry: np.ndarray,
    n_arriving: int,
    slot_start: dict[int, int],
    skills: np.ndarray,
    luck: WorkforceLuck,
    losses: np.ndarray,
    pipeline_luck: PipelineLuck | None,
    room: Room,
    decisions: DecisionLuck | None = None,
    first_initial: int = -1,
    seed: int = 0,
    replication: int = 0,
    deal_uniforms: np.ndarray | None = None,
    keys: np.ndarray | None = None,
    total: int | None = None,
    scratch: Scratch = FRESH,
) -> World:
    """Everything one run of the compiled loop reads and writes.

    ``deal_uniforms``: the starting deals' two uniforms each, (M, 2) (see ``initial_uniforms``).
    ``keys``: each lead's index among the SimPy engine's ``total`` leads of the run (by
    default the same as here): where the fast engine leaves out slots whose luck is not
    drawn, the luck keyed by lead follows the SimPy engine's indices. ``scratch``: where
    the arrays the records copy come from (by default fresh ones).
    """
    keys = np.arange(book.size) if keys is None else keys
    total = book.size if total is None else total
    p = params(scenario, n_arriving, slot_start, first_initial)
    deals = scenario.initial.size if scenario.initial is not None else 0
    reps = reps_of(scenario, skills, luck, p.team_duties)
    slots = reps.number.shape[0]
    n, n_teams = book.size, scenario.n_teams
    seats = seats_of(scenario, luck)
    days = math.ceil(scenario.horizon_days) + 2
    customers = customers_of(scenario, pipeline_luck, n, room.records)
    tables = scenario.pipelines
    prospects = tables.partner_prospects if tables is not None else 0
    pending = n + slots + seats.team.shape[0] + 4 * customers.block.shape[0] + max(prospects, 1) + 16
    return World(
        p=p,
        ev=event_list(pending),
        qs=queues(n_teams + slots, room.queue),
        items=items_of(n + (room.items if tables is not None else 0)),
        reps=reps,
        teams=teams_of(scenario, slots),
        run=Run(
            sequence=np.zeros(1, dtype=np.int64),
            open_leads=np.zeros(1, dtype=np.int64),
            daily_open=np.zeros(days, dtype=np.int64),
            n_daily=np.zeros(1, dtype=np.int64),
            deals_reassigned=np.zeros(1, dtype=np.int64),
            overflow_visits=np.zeros(n_teams, dtype=np.int64),
            overflow_sent=np.zeros(n_teams, dtype=np.int64),
            loss_draws=np.ascontiguousarray(losses, dtype=np.float64),
            loss_used=np.zeros(n_teams, dtype=np.int64),
            redealt=np.full((n, n_teams), -1, dtype=np.int64),
            short=np.zeros(1, dtype=np.int64),
            failed=np.full(1, -1, dtype=np.int64),
            started=np.zeros(1, dtype=np.bool_),
            deal_need=np.full(1, -1, dtype=np.int64),
            deal_skill=np.zeros(1),
            deal_shift=np.zeros(1),
            deal_owner=np.full(deals, -1, dtype=np.int64),
            deal_outcome=np.zeros(deals, dtype=np.int64),
            deal_wait=np.zeros(deals),
            deal_cycle=_deal_cycle(scenario, book, first_initial, deals),
            deal_uniforms=np.zeros((deals, 2)) if deal_uniforms is None else deal_uniforms,
            assignment=assignment_draws(scenario, seed, replication, keys, total),
        ),
        leads=leads_of(scenario, book, entry, p.overflow, decisions, keys),
        seats=seats,
        tq=task_queues(slots, room.queue),
        tasks=tasks_of(room.tasks),
        pools=pools_of(scenario, pipeline_luck, n, room.slot_prefixes(len(scenario.source_names)), scratch),
        partners=partners_of(pipeline_luck, prospects),
        customers=customers,
    )
