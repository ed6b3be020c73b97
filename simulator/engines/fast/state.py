"""The fast engine's state of one replication: plain arrays grouped by what they describe.

:class:`~simulator.engines.fast.param_arrays.Params` is the scenario as the compiled loop
reads it (read only); the groups here change during the run. Indices: ``N`` leads (every slot of a fed source
included), ``S`` stages, ``T`` teams, ``X`` slices, ``RC`` rep slots (every rep the run
can hire, then one *vacancy* per team: rep slot ``RC - T + t`` stands for team ``t``
with nobody in it, as the SimPy engine's vacancy rep does), ``I`` work items (item
``i < N`` is lead ``i``'s item of the sales pipeline).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.engines.fast.events import EventList
from simulator.engines.fast.param_arrays import Params
from simulator.engines.fast.queues import Queues
from simulator.model.kernel import FloatArray, IntArray

BoolArray = np.ndarray


class Leads(NamedTuple):
    """Every lead's luck and attributes (read) and its journey's state (written)."""

    arrival: FloatArray  # (N,) NaN for a slot never used
    key: IntArray  # (N,) the lead's index in the SimPy engine's run (its luck's key); see ``engine.py``
    deal_value: FloatArray
    source: IntArray
    circle: IntArray
    slice: IntArray
    entry: IntArray  # (N,) entry stage
    effort: FloatArray  # (S, N)
    delay: FloatArray
    conversion_draw: FloatArray
    handoff_draw: FloatArray
    handoff_delay: FloatArray
    handoff_extra: FloatArray
    # decision luck (S, N); (1, 1) when no decisions are configured
    no_decision_draw: FloatArray
    lost_delay: FloatArray
    no_decision_delay: FloatArray
    pull_draw: FloatArray
    pull_position: FloatArray
    won_by_month: FloatArray  # (3, S, N); (1, 1, 1) when no stage has delays by month of the quarter
    lost_by_month: FloatArray
    # journey state
    decided: IntArray  # (N,) the outcome whose decision the lead waits for
    stage: IntArray  # (N,)
    previous_rep: IntArray
    previous_team: IntArray
    team: IntArray  # team working the current stage
    owner: IntArray  # the owner the journey holds for the current stage (-1: pooled)
    booked_by: IntArray  # rep that booked the meeting (-1: none)
    owners: IntArray  # (N, T) owner of the lead in each team, -1 if none
    route: IntArray  # (N, S) the lead's own route (overflow rewrites it), else (1, 1)
    first_touched: BoolArray
    extra: FloatArray  # hand-off extra hours while the lead waits the hand-off delay
    # the journey log
    outcome: IntArray
    outcome_day: FloatArray
    outcome_stage: IntArray
    first_touch_day: FloatArray
    stage_enter: FloatArray  # (N, S)
    stage_start: FloatArray
    stage_end: FloatArray
    stage_rep: IntArray
    stage_passed: BoolArray


class Items(NamedTuple):
    """Work items: what is queued and what came of it."""

    pipeline: IntArray  # (I,)
    stage: IntArray
    lead: IntArray
    enqueued: FloatArray
    extra_hours: FloatArray
    previous_rep: IntArray
    handoff_checked: BoolArray
    hours: FloatArray  # effort of another pipeline's item
    purpose: IntArray  # what another pipeline's item is for (see ``items.py``)
    waiter: IntArray  # the process that waits for it: partner, customer or expansion
    triggered: BoolArray  # its done event has succeeded
    n_used: IntArray  # (1,) items created beyond the leads' own
    first_touch_hours: FloatArray  # hours from arrival to this work's start if it is the lead's first touch, else NaN
    result: IntArray  # outcome code when done (-1: passed)
    rep: IntArray  # rep index given with the result
    day: FloatArray  # day given with the result


class Reps(NamedTuple):
    """Every rep slot (hired or not yet), vacancies last."""

    number: IntArray  # (RC,) the rep's index in the run's records (a vacancy's is -1 - team)
    team: IntArray
    skill: FloatArray
    hours: FloatArray  # selling hours per day now
    active: BoolArray
    waiting: BoolArray  # idle, waiting to be woken (the SimPy rep's ``wake`` event is set)
    owned_open: IntArray
    busy_days: FloatArray
    busy_by: FloatArray  # (RC, 5)
    hire_day: FloatArray
    start_tenure: FloatArray
    base_skill: FloatArray
    base_hours: FloatArray
    leave_day: FloatArray
    skill_shift: FloatArray
    stopped: BoolArray
    n_hired: IntArray  # (1,) reps in the run so far (the next rep's number)
    # what the rep's workday is waiting for (SimPy keeps it in the generator's frame)
    doing: IntArray  # IDLE, SALES, ITEM or SITTING (see ``reps.py``)
    work: IntArray  # the item or pool task in hand
    work_start: FloatArray
    work_days: FloatArray
    work_speed: FloatArray  # selling hours a day the sitting in hand runs at
    resting: BoolArray  # the item in hand runs at a new speed since a ramp step
    rest_end: FloatArray
    rest_speed: FloatArray
    epoch: IntArray  # the pending work event is the rep's only if it carries this number
    wait_id: IntArray  # number of the current wait for work
    cond: BoolArray  # waiting for new work or a follow-up becoming ready, whichever first
    cond_done: BoolArray
    # time across pipelines
    duties: IntArray  # bit 1 prospecting, bit 2 partner
    task_order: IntArray  # (RC, 2) the rep's follow-up lists in the order it came to hold them, -1 none
    week: IntArray
    spent: FloatArray  # (RC, 5) pool hours spent this week
    sitting: FloatArray  # rank of the interruptible sitting in hand, -1 none
    accounts: IntArray
    partners: IntArray
    share: FloatArray  # relative share of the team's new leads (by-share teams)


class Teams(NamedTuple):
    """Each team's reps in order, its idle reps in order, its round-robin turn."""

    members: IntArray  # (T, RC)
    n_members: IntArray  # (T,)
    idle: IntArray  # (T, RC)
    n_idle: IntArray  # (T,)
    next_turn: IntArray  # (T,)


class Run(NamedTuple):
    """Counters and records of the run."""

    sequence: IntArray  # (1,) queue tie-breaker
    open_leads: IntArray  # (1,)
    daily_open: IntArray  # (days,)
    n_daily: IntArray  # (1,)
    deals_reassigned: IntArray  # (1,)
    overflow_visits: IntArray  # (T,)
    overflow_sent: IntArray  # (T,)
    loss_draws: FloatArray  # (T, K) uniforms of each team's reassignment-loss stream
    loss_used: IntArray  # (T,)
    redealt: IntArray  # (N, T) rep a leaver's queued deal was re-dealt to, -1 if none
    short: IntArray  # (1,) kinds.SHORT_* bits: the pre-drawn luck or room that ran out (the run is run again with more)
    failed: IntArray  # (1,) source whose slots ran out (the SimPy engine raises), -1 none
    started: BoolArray  # (1,) the processes of day 0 were started (a run may stop and go on)
    deal_need: IntArray  # (1,) starting deal whose decision the loop stopped for, -1 none
    deal_skill: FloatArray  # (1,) its owner's skill
    deal_shift: FloatArray  # (1,) its pod's logit shift
    deal_owner: IntArray  # (M,) each starting deal's owner (rep slot, -1 none)
    deal_outcome: IntArray  # (M,) PASS, LOSS or NO_DECISION (model.initial_pipeline)
    deal_wait: FloatArray  # (M,) its remaining working days
    deal_cycle: FloatArray  # (M,) its product's cycle multiplier
    deal_uniforms: FloatArray  # (M, 2) its outcome and remaining-time uniforms
    assignment: FloatArray  # (T, N) each lead's uniform for a by-share team's owner choice ((1, 1): none)


class Seats(NamedTuple):
    """Seats of the workforce: their reps and their pre-drawn luck, one cycle per rep in the seat."""

    team: IntArray  # (Z,)
    rep: IntArray  # rep in the seat now
    day: FloatArray  # start day of a planned seat
    tenure_u: FloatArray  # (Z, C) uniform of each cycle's tenure
    backfill: FloatArray  # (Z, C) hiring lag after each leaver
    skill: FloatArray  # (Z, C) skill of the rep hired in each cycle
    cycle: IntArray  # (Z,) the cycle in progress
    n_initial: IntArray  # (T,) seats of the reps of day 0, team by team, each team's followed by
    n_planned: IntArray  # (T,) its seats of the hiring plan


class Pools(NamedTuple):
    """Target accounts (pool 0) and candidate partners (pool 1): their state and pre-drawn luck."""

    next_entity: IntArray  # (2,)
    drawn: IntArray  # (2,) entities whose luck was drawn (a prefix of the pool)
    state: IntArray  # (2, A) PoolState
    stage: IntArray  # (2, A) furthest stage started, -1 untouched
    first_day: FloatArray  # (2, A) day first worked, NaN untouched
    plan_stage: IntArray  # (2, A) last stage of the entity's sitting in hand
    plan_passed: BoolArray  # (2, A)
    effort: FloatArray  # (2, stages, A)
    delay: FloatArray
    draw: FloatArray
    meeting_day: FloatArray  # (A0,)
    next_slot: IntArray  # (K,)
    slot_drawn: IntArray  # (K,) slots of each source whose luck was drawn (a prefix)
    lead_partner: IntArray  # (N,)


class Tasks(NamedTuple):
    """Pool tasks: one stage of one entity, or of a block of fresh ones, and what is left of it."""

    pipeline: IntArray  # (cap,)
    first: IntArray
    size: IntArray  # entities from ``first``
    stage: IntArray
    reserved: BoolArray
    planned: BoolArray
    hours: FloatArray
    free: IntArray  # tasks given back, to hand out again
    n_free: IntArray  # (1,)
    n_used: IntArray  # (1,)


class Partners(NamedTuple):
    """Active partners: ``partner_life``'s state and the luck of their own streams."""

    active_day: FloatArray  # (P,)
    referrals: IntArray
    hours: FloatArray  # enablement hours received
    stock: FloatArray  # enablement left, worn off at each session request
    manager: IntArray  # rep slot, -1 none
    need: FloatArray  # integrated rate left before the next referral
    next_request: FloatArray
    session: IntArray  # the session's item, -1 none
    session_hours: FloatArray
    now: FloatArray  # the loop's ``now`` while it waits
    rate: FloatArray
    due: FloatArray
    wake_id: IntArray
    wake_done: BoolArray
    cond: BoolArray
    cond_done: BoolArray
    sessions: FloatArray  # (P, K) session efforts, in order
    n_sessions: IntArray
    gaps: FloatArray  # (P, G) unit exponentials, in order
    n_gaps: IntArray
    drawn: IntArray  # (1,) partners whose luck was drawn (a prefix)


class Customers(NamedTuple):
    """The customer book, its processes' state, renewals and expansions, and its luck's kernel table."""

    block: IntArray  # (C,) -1 the initial book, 0 a won deal
    key: IntArray
    arr: FloatArray
    owner: IntArray  # rep slot, -1 none
    due: FloatArray
    touches: IntArray
    term: IntArray
    churned: BoolArray
    checkin_pending: BoolArray
    term_start: FloatArray
    initial: BoolArray
    start_day: FloatArray
    start_arr: FloatArray
    n_customers: IntArray  # (1,)
    checkins: IntArray
    expansions: IntArray
    next_checkin: FloatArray
    next_expansion: FloatArray
    t: FloatArray  # the loop's ``t`` while it waits
    r_stage: IntArray  # renewal stage in progress
    r_term: IntArray
    r_item: IntArray
    r_wait: IntArray
    r_cond_done: BoolArray
    renewal_customer: IntArray  # (R,)
    renewal_day: FloatArray
    renewal_arr: FloatArray
    renewal_churned: BoolArray
    renewal_touches: IntArray
    n_renewals: IntArray  # (1,)
    expansion_row: FloatArray  # (E, 7) customer, open, end, value, won, stage, rep (-1 none)
    expansion_k: IntArray  # (E,)
    expansion_item: IntArray
    n_expansions: IntArray  # (1,)
    book_arr: FloatArray  # (C0,) ARR of the initial book
    book_due: FloatArray  # (C0,) its first renewal days
    luck_codes: IntArray  # (Q,) the customer luck's kernel table (model.customer_luck.CustomerKernels)
    luck_params: FloatArray  # (Q, width)
    luck_stages: IntArray  # (2,) renewal and expansion stages: where each quantity's slot is
    luck_base: IntArray  # (1,) the replication's customer-luck key (the bits of a uint64)


class World(NamedTuple):
    """Every group of one replication (in compiled code each group is a struct: see ``structs``)."""

    p: Params
    ev: EventList
    qs: Queues
    items: Items
    reps: Reps
    teams: Teams
    run: Run
    leads: Leads
    seats: Seats
    tq: Queues  # each rep's follow-ups of each pool pipeline: row 2 * rep + pool, keyed by ready day
    tasks: Tasks
    pools: Pools
    partners: Partners
    customers: Customers
