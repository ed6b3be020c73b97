"""The fast engine: one replication of a compiled scenario in a compiled event loop.

It draws the same luck from the same streams as :mod:`simulator.engines.simpy`, runs
the same processes as state machines on its own future-event list, and fills the same
:class:`~simulator.model.records.ReplicationRun`, so every KPI and table follows from
the records as for the SimPy engine. Only the scenarios :func:`uncovered` finds nothing
in can run here; the runner falls back to the SimPy engine for the others.
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import numpy as np

from simulator.engines.fast import kinds, loop, seeding
from simulator.engines.fast.allocator import keep_freed_memory
from simulator.engines.fast.build import Room, world
from simulator.engines.fast.cache import compile_lock
from simulator.engines.fast.coverage import uncovered
from simulator.engines.fast.lead_book import RunLeads, run_leads
from simulator.engines.fast.loop import run_world
from simulator.engines.fast.luck import PipelineLuck, WorkforceLuck, loss_draws
from simulator.engines.fast.memo import ByScenario
from simulator.engines.fast.records import pipeline_record
from simulator.engines.fast.scratch import scratch_of
from simulator.engines.fast.state import World
from simulator.model.initial_pipeline import decide_initial, initial_uniforms
from simulator.model.market import LeadBook, draw_leads, draw_rep_skills
from simulator.model.pipeline_luck import slots_exhausted, take
from simulator.model.records import JourneyLog, ReplicationRun
from simulator.model.scenario import Scenario

_ROOM: ByScenario[Room] = ByScenario()  # room that was enough for each of the last scenarios
_WARM: set[bool] = set()  # holds True once this process has compiled or loaded the loop
_MAX_GROWTH = 8  # of the room a run used up, at most this many times at once


def simulate(scenario: Scenario, seed: int, replication: int) -> ReplicationRun:
    """Run one replication of a scenario with the fast engine.

    Args:
        scenario: The compiled scenario; every feature it uses must be covered.
        seed: Root seed of the experiment.
        replication: Index of the replication; with the seed it fixes every random draw.

    Raises:
        ValueError: If the scenario uses a feature the fast engine does not cover.
        RuntimeError: If a pipeline feeds a source more leads than it has slots (as SimPy).
    """
    missing = uncovered(scenario)
    if missing:
        raise ValueError(f"the fast engine does not cover: {', '.join(missing)}")
    warm_up()
    return _replication(scenario, seed, replication)


def _replication(scenario: Scenario, seed: int, replication: int) -> ReplicationRun:
    """:func:`simulate`'s run, the loop compiled or loaded."""
    market = draw_leads(scenario, seed, replication)
    skills = draw_rep_skills(scenario, seed, replication)
    luck = WorkforceLuck.draw(scenario, seed, replication)
    uniforms = initial_uniforms(scenario, seed, replication) if scenario.initial is not None else None
    room = _ROOM.get(scenario) or Room()
    leads: RunLeads | None = None
    while True:
        slots = room.slot_prefixes(len(scenario.source_names))
        if leads is None or leads.slots != slots:
            leads = run_leads(scenario, seed, replication, market, slots)
        book = leads.book
        losses = loss_draws(scenario, seed, replication, room.losses)
        pipeline_luck = (
            PipelineLuck.draw(scenario, seed, replication, room.gaps, room.pool)
            if scenario.pipelines is not None
            else None
        )
        state = world(
            scenario,
            book,
            leads.entry,
            leads.n_arriving,
            leads.slot_start,
            skills,
            luck,
            losses,
            pipeline_luck,
            room,
            leads.decisions,
            leads.first_initial,
            seed,
            replication,
            uniforms,
            leads.keys,
            leads.total,
            scratch_of(scenario),
        )
        status = run_world(state)
        while status == loop.NEED_DEAL:
            assert uniforms is not None
            _draw_deal(scenario, book, state, leads.first_initial, uniforms)
            status = run_world(state)
        if status == loop.FAILED:
            source = int(state.run.failed[0])
            raise RuntimeError(slots_exhausted(scenario, source, int(state.p.slot_count[source])))
        if status == loop.FINISHED:
            break
        room = _grown(room, state, scenario.horizon_days)
    _ROOM.put(scenario, room)
    return _records(scenario, leads.book, state)


def _grown(room: Room, state: World, horizon: float) -> Room:
    """The room for the run again: more of what ran out in ``state``, by how far it got (:func:`growth`)."""
    short = int(state.run.short[0]) | (kinds.SHORT_OTHER if state.ev.overflow[0] else 0)
    pools = state.pools
    # a source that ran short counted the slot it lacked: its next slot is past its drawn prefix
    sources = tuple(int(k) for k in np.flatnonzero(pools.next_slot > pools.slot_drawn))
    factor = growth(float(state.ev.clock[0]), horizon)
    return room.grown(short, bool(state.qs.overflow[0] or state.tq.overflow[0]), sources, factor)


def growth(day: float, horizon: float) -> int:
    """How many times the room a run used up by ``day`` would last it to ``horizon``: a power of two, 2 to 8.

    Assumes a run uses up what it draws ahead (work items, slots, pool entities, records,
    gaps, loss draws) at a steady pace, so that a run short at day 70 of 500 needs some 7
    times the room: one run again instead of three. Capped at 8: a run that uses much
    early on (a burst of fed leads at the start) grows at most three doublings at once.
    """
    if not 0.0 < day < horizon:
        return 2  # short at the start or at the end: no pace to go by
    return int(min(max(2, 2 ** math.ceil(math.log2(horizon / day))), _MAX_GROWTH))


def _draw_deal(scenario: Scenario, book: LeadBook, state: World, first_initial: int, uniforms: np.ndarray) -> None:
    """The outcome and remaining time of the starting deal the loop stopped for, given its age."""
    run = state.run
    d = int(run.deal_need[0])
    skill, shift = float(run.deal_skill[0]), float(run.deal_shift[0])
    run.deal_outcome[d], run.deal_wait[d] = decide_initial(
        scenario, book, first_initial + d, d, skill, shift, uniforms[d]
    )


def _records(scenario: Scenario, book: LeadBook, state: World) -> ReplicationRun:
    """The run's records, as the SimPy engine returns them."""
    leads, reps, run = state.leads, state.reps, state.run
    count = int(reps.n_hired[0])
    log = JourneyLog(
        outcome=leads.outcome,
        outcome_day=leads.outcome_day,
        outcome_stage=leads.outcome_stage,
        first_touch_day=leads.first_touch_day,
        stage_enter=leads.stage_enter,
        stage_start=leads.stage_start,
        stage_end=leads.stage_end,
        stage_rep=leads.stage_rep,
        stage_passed=leads.stage_passed,
    )
    leave = np.where(reps.stopped[:count], reps.leave_day[:count], np.inf)
    overflow = None
    if scenario.pods.overflow_enabled:
        overflow = np.array([run.overflow_visits, run.overflow_sent], dtype=np.float64).T
    extra = None
    if scenario.pipelines is not None:
        created = np.flatnonzero(np.isfinite(leads.arrival))  # slots never used are dropped
        extra = pipeline_record(scenario, state, count, created)
        book = take(replace(book, arrival_day=leads.arrival), created)  # (copies)
        log = log.take(created)
    return ReplicationRun(
        scenario=scenario,
        leads=book,
        log=log,
        rep_team=reps.team[:count].copy(),
        rep_busy_days=reps.busy_days[:count].copy(),
        daily_open=run.daily_open[: int(run.n_daily[0])].copy(),
        rep_hire_day=reps.hire_day[:count].copy(),
        rep_leave_day=leave,
        rep_start_tenure_months=reps.start_tenure[:count].copy(),
        deals_reassigned=int(run.deals_reassigned[0]),
        overflow_counts=overflow,
        pipelines=extra,
    )


def cache_folder() -> Path | None:
    """The folder Numba keeps the engine's cached functions in (its private cache path); None with JIT disabled."""
    cache = getattr(getattr(run_world, "_cache", None), "_cache_path", None)
    return Path(cache) if cache else None


def warm_up() -> None:
    """Compile the compiled loop, or load it from Numba's disk cache, on a tiny scenario; once a process.

    Also sets the C allocator to keep freed memory (:mod:`.allocator`).
    One process compiles at a time (:func:`~simulator.engines.fast.cache.compile_lock`):
    another that starts on the same cold cache waits, then loads what the first wrote.
    :func:`simulate` calls this before its first replication in a process.
    """
    from simulator.engines.fast.tiny import tiny_scenario

    if _WARM:
        return
    keep_freed_memory()  # replications reuse the memory the last one freed (no page faults)
    cache = cache_folder()
    with compile_lock(cache) if cache else nullcontext():
        seeding.warm_up()
        _WARM.add(True)
        try:
            _replication(tiny_scenario(), 0, 0)
        except BaseException:
            _WARM.clear()
            raise
