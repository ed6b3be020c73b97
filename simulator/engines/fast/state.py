"""The fast engine's state of one replication: plain arrays grouped by what they describe.

:class:`Params` is the scenario as the compiled loop reads it (read only); the other
groups change during the run. Indices: ``N`` leads (every slot of a fed source
included), ``S`` stages, ``T`` teams, ``X`` slices, ``RC`` rep slots (every rep the run
can hire, then one *vacancy* per team: rep slot ``RC - T + t`` stands for team ``t``
with nobody in it, as the SimPy engine's vacancy rep does), ``I`` work items (item
``i < N`` is lead ``i``'s item of the sales pipeline).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.engines.fast.events import EventList
from simulator.engines.fast.queues import Queues
from simulator.model.kernel import FloatArray, IntArray

BoolArray = np.ndarray


class Params(NamedTuple):
    """The scenario as flat numbers."""

    horizon: float
    warmup: float
    n_stages: int
    n_teams: int
    n_arriving: int  # leads released at their drawn arrival time (slots of fed sources come after)
    stage_base_logit: FloatArray  # (S,)
    stage_max_wait: FloatArray  # (S,)
    stage_circle_sensitive: BoolArray  # (S,)
    source_lift: FloatArray  # (K,)
    skill_weight: float
    circle_reference: float
    circle_per_person: float
    speed_scale: float
    speed_exponent: float
    handoff_loss: float
    routing: IntArray  # (S, X)
    team_logit: FloatArray  # (T, X)
    team_pooled: BoolArray  # (T,)
    team_least_loaded: BoolArray  # (T,) else round robin (for owner policies)
    team_closest: BoolArray  # (T,) closest_to_close priority, else fifo
    team_rank: FloatArray  # (T, 5) rank of each pipeline in the team's priority order
    team_selling_hours: FloatArray  # (T,)
    team_skill_mean: FloatArray  # (T,)
    team_skill_sd: FloatArray  # (T,)
    overflow: bool
    overflow_target: IntArray  # (T,)
    overflow_queue_length: FloatArray  # (T,)
    overflow_wait: FloatArray  # (T,)
    overflow_eligible: BoolArray  # (S, T)
    # workforce
    dynamic: bool
    ramp_productivity: FloatArray  # (T, M) padded with 1.0
    ramp_skill: FloatArray  # (T, M) padded with 0.0
    ramp_n_productivity: IntArray  # (T,)
    ramp_n_skill: IntArray  # (T,)
    days_per_month: float
    attrition: FloatArray  # (T,) leavers per rep and working day
    backfill: BoolArray  # (T,) a leaver's seat is refilled
    coaching_rate: FloatArray  # (T,)
    coaching_best: BoolArray  # (T,)
    coaching: bool
    month_ends: FloatArray  # (E,)
    reassignment_loss: float


class Leads(NamedTuple):
    """Every lead's luck and attributes (read) and its journey's state (written)."""

    arrival: FloatArray  # (N,) NaN for a slot never used
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
    # journey state
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
    short: IntArray  # (1,) 1 if pre-drawn luck or room ran out (the replication is rerun with more)


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
