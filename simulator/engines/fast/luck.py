"""Luck the fast engine draws before the run, from the streams the SimPy engine draws it from.

A seat's draws (``seat``/``planned_seat`` of the SimPy workforce) depend on nothing but
the seat's own stream and times: its rep leaves ``-log1p(-u) / rate`` days after joining,
the next rep joins after the hiring lag. So the seat's cycles are replayed here, drawing
exactly what the SimPy seat draws before the horizon stops it, in the same order (tenure
uniform, hiring lag, new rep's skill), with the same arithmetic for the times. A team's
reassignment losses come from their own stream, one uniform each, drawn ahead in a batch
(the same numbers as one at a time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from simulator.engines.fast import seeding
from simulator.engines.fast.seeding import RANDOM, STANDARD_EXPONENTIAL, kernel_rows
from simulator.model import sampling
from simulator.model.customer_luck import luck_base
from simulator.model.kernel import FloatArray, IntArray, Kernel
from simulator.model.multi_pipeline import PARTNER, PROSPECTING, WorkStages
from simulator.model.pipeline_luck import draw_initial_arr
from simulator.model.scenario import Scenario
from simulator.model.streams import (
    INITIAL_TENURE_KEY,
    REASSIGNMENT_KEY,
    REFERRAL_KEY,
    SEAT_KEY,
    SESSION_KEY,
    Stream,
    entropy_words,
    stream,
)


@njit(cache=True)
def _grow(a: FloatArray) -> FloatArray:
    out = np.full(2 * a.shape[0], np.nan)
    out[: a.shape[0]] = a
    return out


@njit(cache=True)
def replay_seat(
    gen: np.random.Generator,
    planned: bool,
    day: float,
    horizon: float,
    attrition: float,
    backfill: bool,
    backfill_code: int,
    backfill_params: FloatArray,
    skill_mean: float,
    skill_sd: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One seat's tenure uniforms, hiring lags and new reps' skills, cycle by cycle (NaN: not drawn).

    Cycle ``c`` is the ``c``-th rep in the seat: for a seat of day 0 the first rep was
    there already (no skill drawn); a planned seat's first rep is hired on ``day``.
    """
    u, lag, skill = np.full(4, np.nan), np.full(4, np.nan), np.full(4, np.nan)
    now = 0.0
    if planned:
        if day > now:
            now = now + (day - now)
            if now >= horizon:
                return u, lag, skill
        skill[0] = sampling.draw_normal(gen, skill_mean, skill_sd, 1)[0]
    c = 0
    while True:
        if c >= u.shape[0]:
            u, lag, skill = _grow(u), _grow(lag), _grow(skill)
        u[c] = gen.random()
        if attrition <= 0.0:
            break
        now = now + -math.log1p(-u[c]) / attrition
        if now >= horizon or not backfill:
            break
        lag[c] = sampling.draw(gen, backfill_code, backfill_params, 1)[0]
        now = now + lag[c]
        if now >= horizon:
            break
        c += 1
        if c >= u.shape[0]:
            u, lag, skill = _grow(u), _grow(lag), _grow(skill)
        skill[c] = sampling.draw_normal(gen, skill_mean, skill_sd, 1)[0]
    return u, lag, skill


@njit(cache=True)
def _replay_seats(
    gen: np.random.Generator,
    state: np.ndarray,
    flags: np.ndarray,
    prefix: np.ndarray,
    keys: np.ndarray,
    planned: np.ndarray,
    day: FloatArray,
    horizon: float,
    attrition: FloatArray,
    backfill: np.ndarray,
    codes: IntArray,
    params: FloatArray,
    skill_mean: FloatArray,
    skill_sd: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`replay_seat` of seat ``k`` on the stream ``prefix + keys[k]``, each into row ``k`` of (Z, C) arrays."""
    z = keys.shape[0]
    width = 1
    out_u, out_lag, out_skill = np.full((z, width), np.nan), np.full((z, width), np.nan), np.full((z, width), np.nan)
    words = np.empty(prefix.shape[0] + keys.shape[1], dtype=np.uint32)
    words[: prefix.shape[0]] = prefix
    for k in range(z):
        words[prefix.shape[0] :] = keys[k]
        seeding.reseed(state, flags, words)
        u, lag, skill = replay_seat(
            gen,
            planned[k],
            day[k],
            horizon,
            attrition[k],
            backfill[k],
            codes[k],
            params[k],
            skill_mean[k],
            skill_sd[k],
        )
        if u.shape[0] > width:
            wider_u, wider_lag = np.full((z, u.shape[0]), np.nan), np.full((z, u.shape[0]), np.nan)
            wider_skill = np.full((z, u.shape[0]), np.nan)
            wider_u[:, :width], wider_lag[:, :width], wider_skill[:, :width] = out_u, out_lag, out_skill
            out_u, out_lag, out_skill, width = wider_u, wider_lag, wider_skill, u.shape[0]
        out_u[k, : u.shape[0]], out_lag[k, : lag.shape[0]], out_skill[k, : skill.shape[0]] = u, lag, skill
    return out_u, out_lag, out_skill


@dataclass(frozen=True, slots=True)
class _Seat:
    """What a seat's replay needs: its team, its index in the team, and the team's settings."""

    team: int
    index: int  # the seat's key in its team's stream: the reps of day 0, then the hiring plan
    planned: bool
    day: float
    attrition: float  # per day
    backfill: bool
    code: int  # the hiring lag's distribution
    params: FloatArray
    skill_mean: float
    skill_sd: float


def _replayed(seats: list[_Seat], seed: int, replication: int, horizon: float) -> tuple[FloatArray, ...]:
    """(Z, C) tenure uniforms, hiring lags and new reps' skills of every seat, NaN where nothing is drawn.

    Each seat from its own stream, ``(WORKFORCE, team, SEAT_KEY, index)``: all in one
    compiled call, which reseeds one Generator seat by seat (:mod:`.seeding`), or seat by
    seat from Python where NumPy keeps a Generator's state elsewhere (the same numbers).
    """
    if not seats:
        return tuple(np.full((0, 1), np.nan) for _ in range(3))
    compiled = seeding.compiled_generator()
    if compiled is not None:
        gen, state, flags = compiled
        width = max(seat.params.shape[0] for seat in seats)
        params = np.zeros((len(seats), width))
        for k, seat in enumerate(seats):
            params[k, : seat.params.shape[0]] = seat.params
        return _replay_seats(
            gen,
            state,
            flags,
            entropy_words(seed, (replication, int(Stream.WORKFORCE))),
            np.array([(seat.team, SEAT_KEY, seat.index) for seat in seats], dtype=np.uint32),
            np.array([seat.planned for seat in seats], dtype=np.bool_),
            np.array([seat.day for seat in seats], dtype=np.float64),
            horizon,
            np.array([seat.attrition for seat in seats], dtype=np.float64),
            np.array([seat.backfill for seat in seats], dtype=np.bool_),
            np.array([seat.code for seat in seats], dtype=np.int64),
            params,
            np.array([seat.skill_mean for seat in seats], dtype=np.float64),
            np.array([seat.skill_sd for seat in seats], dtype=np.float64),
        )
    rows = [
        replay_seat(
            stream(seed, replication, Stream.WORKFORCE, seat.team, SEAT_KEY, seat.index),
            seat.planned,
            seat.day,
            horizon,
            seat.attrition,
            seat.backfill,
            seat.code,
            seat.params,
            seat.skill_mean,
            seat.skill_sd,
        )
        for seat in seats
    ]
    width = max(row[0].shape[0] for row in rows)
    out = tuple(np.full((len(seats), width), np.nan) for _ in range(3))
    for k, row in enumerate(rows):
        for array, drawn in zip(out, row, strict=True):
            array[k, : drawn.shape[0]] = drawn
    return out


@dataclass(frozen=True, slots=True)
class WorkforceLuck:
    """Seats (team by team: the reps of day 0, then the hiring plan) and their luck; initial tenures."""

    seat_team: IntArray  # (Z,)
    seat_day: FloatArray  # (Z,) start day of a planned seat, 0 otherwise
    tenure_u: FloatArray  # (Z, C)
    backfill: FloatArray  # (Z, C)
    skill: FloatArray  # (Z, C)
    n_initial: IntArray  # (T,)
    n_planned: IntArray  # (T,)
    start_tenure: FloatArray  # (R0,) months of tenure of each rep of day 0 (inf: fully ramped)
    hires: int  # reps the seats hire before the horizon

    @classmethod
    def draw(cls, scenario: Scenario, seed: int, replication: int) -> WorkforceLuck:
        """The luck the SimPy workforce would draw in this replication (nothing for a static workforce)."""
        plan, n_teams = scenario.workforce, scenario.n_teams
        headcount = scenario.team_headcount
        start_tenure = np.full(scenario.n_reps, np.inf)
        n_initial = np.zeros(n_teams, dtype=np.int64)
        n_planned = np.zeros(n_teams, dtype=np.int64)
        seats: list[_Seat] = []
        if plan.dynamic:
            first = 0
            for t in range(n_teams):
                settings = plan.teams[t]
                members = int(headcount[t])
                if settings.initial_tenure is not None:
                    code, params = settings.initial_tenure
                    gen = stream(seed, replication, Stream.WORKFORCE, t, INITIAL_TENURE_KEY)
                    start_tenure[first : first + members] = sampling.draw_array(gen, code, params, members)
                code, params = settings.backfill if settings.backfill is not None else (0, np.zeros(1))
                days = [(False, 0.0)] * members + [(True, d) for d in settings.hire_days]
                for j, (planned, day) in enumerate(days):
                    seats.append(
                        _Seat(
                            t,
                            j,
                            planned,
                            day,
                            settings.attrition_per_day,
                            settings.backfill is not None,
                            code,
                            params,
                            float(scenario.team_skill_mean[t]),
                            float(scenario.team_skill_sd[t]),
                        )
                    )
                n_initial[t], n_planned[t] = members, len(settings.hire_days)
                first += members
        tenure_u, backfill, skill = _replayed(seats, seed, replication, scenario.horizon_days)
        hires = int(np.isfinite(skill).sum())
        return cls(
            seat_team=np.array([seat.team for seat in seats], dtype=np.int64),
            seat_day=np.array([seat.day for seat in seats], dtype=np.float64),
            tenure_u=tenure_u,
            backfill=backfill,
            skill=skill,
            n_initial=n_initial,
            n_planned=n_planned,
            start_tenure=start_tenure,
            hires=hires,
        )


def loss_draws(scenario: Scenario, seed: int, replication: int, count: int) -> FloatArray:
    """(T, count) uniforms of each team's reassignment-loss stream (none drawn when losses are off)."""
    n_teams = scenario.n_teams
    if scenario.workforce.reassignment_loss_probability <= 0.0 or not scenario.workforce.dynamic:
        return np.zeros((n_teams, 0))
    keys = [(t, REASSIGNMENT_KEY) for t in range(n_teams)]
    return seeding.draw_rows(
        seed, replication, Stream.WORKFORCE, np.array(keys), np.full(n_teams, RANDOM), np.zeros((n_teams, 1)), count
    )


def _pool_luck(seed: int, replication: int, pipeline: int, stages: WorkStages, count: int) -> FloatArray:
    """:func:`~simulator.model.pipeline_luck.draw_pool` as (stages, 3, count): effort, delay, conversion uniform."""
    each = range(stages.size)
    kernels: list[Kernel | None] = [*stages.effort_hours, *stages.delay_days, *(None for _ in each)]
    # quantity by quantity (each row its own stream: the order of the rows changes no number)
    keys = [(pipeline, s, j) for j in range(3) for s in each]
    codes, params = kernel_rows(kernels)
    rows = seeding.draw_rows(seed, replication, Stream.POOL_LUCK, np.array(keys), codes, params, count)
    return rows.reshape(3, stages.size, count).transpose(1, 0, 2)


@dataclass(frozen=True, slots=True)
class PipelineLuck:
    """The luck of the pipelines beside new business, as the SimPy engine draws it.

    Pools: effort, buyer delay and conversion uniform of every target account and
    candidate partner at every stage, (2, stages, entities) (pool 0 prospecting, 1
    partner); partners: the session efforts and referral gaps of each partner's two
    streams, in the order its process uses them; the initial customer book.
    """

    pool_effort: FloatArray
    pool_delay: FloatArray
    pool_draw: FloatArray
    sessions: FloatArray  # (P, K)
    gaps: FloatArray  # (P, G)
    book_arr: FloatArray  # (C0,)
    book_due: FloatArray  # (C0,)
    pool_drawn: int  # entities of each pool whose luck is drawn (a prefix: the same numbers as a full draw)
    customer_base: int = 0  # the key of the replication's customer luck (model.customer_luck.luck_base)

    @classmethod
    def draw(cls, scenario: Scenario, seed: int, replication: int, n_gaps: int, n_pool: int) -> PipelineLuck:
        """Everything drawn ahead; the customers' draws are computed where they are used, from ``customer_base``.

        Only the first ``n_pool`` entities of each pool get their luck: a run that takes
        more stops short and is run again with more.
        """
        tables = scenario.pipelines
        assert tables is not None
        sizes = (min(tables.target_accounts, n_pool), min(tables.partner_prospects, n_pool))
        width = max(sizes) if any(sizes) else 1
        depth = max((s.size for s in (tables.stages[PROSPECTING], tables.stages[PARTNER]) if s is not None), default=1)
        effort, delay, draw = (np.zeros((2, depth, width)) for _ in range(3))
        for pool, pipeline in enumerate((PROSPECTING, PARTNER)):
            stages = tables.stages[pipeline]
            if stages is not None and sizes[pool]:
                luck = _pool_luck(seed, replication, pipeline, stages, sizes[pool])
                effort[pool, : stages.size, : sizes[pool]] = luck[:, 0]
                delay[pool, : stages.size, : sizes[pool]] = luck[:, 1]
                draw[pool, : stages.size, : sizes[pool]] = luck[:, 2]
        partners = tables.partner_prospects if tables.stages[PARTNER] is not None else 0
        n_sessions = math.ceil(scenario.horizon_days / tables.enablement_interval_days) + 2 if partners else 1
        sessions, gaps = np.zeros((max(partners, 1), n_sessions)), np.zeros((max(partners, 1), n_gaps))
        if partners:
            kernel = tables.enablement_effort
            assert kernel is not None
            codes, params = kernel_rows([kernel] * partners)
            keys = np.array([(k, SESSION_KEY) for k in range(partners)])
            sessions = seeding.draw_rows(seed, replication, Stream.PARTNER_REFERRALS, keys, codes, params, n_sessions)
            keys = np.array([(k, REFERRAL_KEY) for k in range(partners)])
            exponential = np.full(partners, STANDARD_EXPONENTIAL)
            gaps = seeding.draw_rows(
                seed, replication, Stream.PARTNER_REFERRALS, keys, exponential, np.zeros((partners, 1)), n_gaps
            )
        book_arr, book_due, base = np.zeros(0), np.zeros(0), 0
        if tables.retention:
            book_arr, book_due = draw_initial_arr(scenario, seed, replication)
            base = luck_base(seed, replication)
        book = np.ascontiguousarray(book_arr), np.ascontiguousarray(book_due)
        return cls(effort, delay, draw, sessions, gaps, *book, n_pool, base)
