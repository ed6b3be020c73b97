"""Pool pipelines in the fast engine: a rep's own target accounts and candidate partners.

As in :mod:`simulator.engines.simpy.pipeline_processes`: a rep with a pool duty takes a
ready follow-up of its own entities or a block of fresh ones from the pool, by its
team's time allocation (reserved hours of the week first, then the pipeline served
first, then idle work), and works a stage of them in one sitting; stages with no buyer
delay after them run on in the same sitting. A sitting not in reserved hours yields to a
new lead of a pipeline served first: the rest of it waits at the head of the rep's
follow-ups. Pool ``k`` is pipeline ``k + 1`` (0: prospecting, 1: partner).
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, kinds, queues, sales, teams
from simulator.engines.fast.state import World
from simulator.model.multi_pipeline import DAYS_PER_WEEK, PARTNER, PROSPECTING
from simulator.model.odds import compiled_probability as probability
from simulator.model.pipeline_records import PoolState

NOTHING, ITEM, TASK = 0, 1, 2  # what choose_work found
IN_PROGRESS, DROPPED, DONE = int(PoolState.IN_PROGRESS), int(PoolState.DROPPED), int(PoolState.DONE)


@njit(cache=True)
def busy_in_window(w: World, start: float, days: float) -> float:
    """The part of a work interval inside the measurement window."""
    lo = max(start, w.p.warmup)
    hi = min(start + days, w.p.horizon)
    return max(0.0, hi - lo)


@njit(cache=True)
def has_duty(w: World, rep: int, pipeline: int) -> bool:
    """True if the rep works pool pipeline ``pipeline``."""
    return (w.reps.duties[rep] >> (pipeline - 1)) & 1 == 1


@njit(cache=True)
def _new_task(w: World, pipeline: int, first: int, count: int, stage: int) -> int:
    ts = w.tasks
    if ts.n_free[0] > 0:
        ts.n_free[0] -= 1
        task = ts.free[ts.n_free[0]]
    else:
        task = ts.n_used[0]
        if task >= ts.pipeline.shape[0]:
            w.run.short[0] |= kinds.SHORT_TASKS
            return -1
        ts.n_used[0] = task + 1
    ts.pipeline[task], ts.first[task], ts.size[task], ts.stage[task] = pipeline, first, count, stage
    ts.reserved[task], ts.planned[task], ts.hours[task] = False, False, 0.0
    return task


@njit(cache=True)
def free_task(w: World, task: int) -> None:
    """Give a finished task back."""
    w.tasks.free[w.tasks.n_free[0]] = task
    w.tasks.n_free[0] += 1


@njit(cache=True)
def push_follow_up(w: World, rep: int, pipeline: int, ready: float, task: int) -> None:
    """Queue a task in the rep's follow-ups of ``pipeline`` (it holds them from now on)."""
    w.run.sequence[0] += 1
    queues.push(w.tq, 2 * rep + pipeline - 1, ready, 0.0, 0.0, w.run.sequence[0], task)
    order = w.reps.task_order
    if order[rep, 0] != pipeline and order[rep, 1] != pipeline:
        order[rep, 0 if order[rep, 0] < 0 else 1] = pipeline


@njit(cache=True)
def _ready_follow_up(w: World, rep: int, pipeline: int) -> bool:
    q = 2 * rep + pipeline - 1
    return w.tq.length[q] > 0 and w.tq.key[q, 0, 0] <= w.ev.clock[0]


@njit(cache=True)
def pool_task(w: World, rep: int, pipeline: int) -> int:
    """A ready follow-up of the rep's own entities, else fresh entities from the pool; -1 if none."""
    if _ready_follow_up(w, rep, pipeline):
        return queues.pop(w.tq, 2 * rep + pipeline - 1)
    pools, pool = w.pools, pipeline - 1
    first, size = pools.next_entity[pool], w.p.pool_size[pool]
    if first >= size:
        return -1
    if pipeline == PARTNER and w.reps.partners[rep] >= w.p.max_partners:
        return -1
    block = w.p.prospecting_block if pipeline == PROSPECTING else 1
    last = min(first + block, size)
    if last > pools.drawn[pool]:
        w.run.short[0] |= kinds.SHORT_POOL  # the pool's luck was drawn for fewer entities: run again with more
        return -1
    pools.next_entity[pool] = last
    now = w.ev.clock[0]
    for e in range(first, last):
        pools.state[pool, e] = IN_PROGRESS
        pools.first_day[pool, e] = now
    if pipeline == PARTNER:
        w.reps.partners[rep] += 1
    return _new_task(w, pipeline, first, last - first, 0)


@njit(cache=True)
def _head_rank(w: World, rep: int) -> float:
    t, qs = w.reps.team[rep], w.qs
    own = w.p.n_teams + rep
    rank = math.inf
    if qs.length[own] > 0:
        rank = qs.key[own, 0, 0]
    if w.p.team_pooled[t] and qs.length[t] > 0:
        rank = min(rank, qs.key[t, 0, 0])
    return rank


@njit(cache=True)
def choose_work(w: World, rep: int) -> tuple[int, int]:
    """The next thing a rep with pool duties works: (ITEM, item), (TASK, task) or (NOTHING, -1)."""
    p, reps = w.p, w.reps
    t = reps.team[rep]
    now = w.ev.clock[0]
    week = reps.week[rep]
    if not week * DAYS_PER_WEEK <= now < (week + 1) * DAYS_PER_WEEK:
        week = int(now // DAYS_PER_WEEK)
        reps.week[rep] = week
        reps.spent[rep, :] = 0.0
    for pipeline in (PROSPECTING, PARTNER):
        reserved = p.team_reserved[t, pipeline]
        if (
            has_duty(w, rep, pipeline)
            and reserved > 0
            and reserved * (now - week * DAYS_PER_WEEK) > reps.spent[rep, pipeline]
        ):
            task = pool_task(w, rep, pipeline)
            if task >= 0:
                w.tasks.reserved[task] = True
                return TASK, task
    best, best_rank = -1, _head_rank(w, rep)
    for pipeline in (PROSPECTING, PARTNER):
        if has_duty(w, rep, pipeline) and _ready_follow_up(w, rep, pipeline) and p.team_rank[t, pipeline] < best_rank:
            best, best_rank = pipeline, p.team_rank[t, pipeline]
    if best >= 0:
        return TASK, queues.pop(w.tq, 2 * rep + best - 1)
    item = teams.take(w, rep)
    if item >= 0:
        return ITEM, item
    idle = p.team_idle_work[t]
    if idle >= 0 and has_duty(w, rep, idle):
        task = pool_task(w, rep, idle)
        if task >= 0:
            return TASK, task
    return NOTHING, -1


@njit(cache=True)
def next_ready(w: World, rep: int) -> float:
    """When the rep's next follow-up becomes ready (inf: it has none)."""
    ready = math.inf
    for pipeline in (PROSPECTING, PARTNER):
        q = 2 * rep + pipeline - 1
        if w.tq.length[q] > 0:
            ready = min(ready, w.tq.key[q, 0, 0])
    return ready


# ---------------------------------------------------------------------- sittings


@njit(cache=True)
def _plan(w: World, rep: int, task: int) -> float:
    """Hours of a sitting and, per entity, the last stage worked in it and whether it passed."""
    p, pools, ts = w.p, w.pools, w.tasks
    pipeline = ts.pipeline[task]
    pool = pipeline - 1
    prm = pipeline == PROSPECTING and p.team_prm[w.reps.team[rep]]
    factor = p.prm_effort_factor if prm else 1.0
    shift = p.skill_weight * w.reps.skill[rep] + (p.prm_conversion_lift if prm else 0.0)
    n_stages = p.pool_stages[pool]
    hours = 0.0
    for e in range(ts.first[task], ts.first[task] + ts.size[task]):
        stage = ts.stage[task]
        while True:
            pools.stage[pool, e] = stage
            hours += pools.effort[pool, stage, e] * factor
            z = p.pool_base_logit[pool, stage]
            passed = pools.draw[pool, stage, e] < probability(z if math.isinf(z) else z + shift)
            if passed and stage + 1 < n_stages and pools.delay[pool, stage, e] <= 0.0:
                stage += 1
                continue
            pools.plan_stage[pool, e] = stage
            pools.plan_passed[pool, e] = passed
            break
    return hours


@njit(cache=True)
def start_sitting(w: World, rep: int, task: int) -> None:
    """``work_pool_task`` starts: the sitting's hours (planned once), busy time, interruptible or not."""
    p, reps, ts = w.p, w.reps, w.tasks
    pipeline = ts.pipeline[task]
    if not ts.planned[task]:
        ts.hours[task] = _plan(w, rep, task)
        ts.planned[task] = True
    hours = ts.hours[task]
    now = w.ev.clock[0]
    days = hours / reps.hours[rep]
    busy = busy_in_window(w, now, days)
    reps.busy_days[rep] += busy
    reps.busy_by[rep, pipeline] += busy
    reps.spent[rep, pipeline] += hours
    reps.work_start[rep], reps.work_days[rep], reps.work_speed[rep] = now, days, reps.hours[rep]
    if not ts.reserved[task]:
        reps.sitting[rep] = p.team_rank[reps.team[rep], pipeline]
    events.timeout(w.ev, days, kinds.REP_WORKED, rep, reps.epoch[rep])


@njit(cache=True)
def interrupt_sitting(w: World, rep: int, task: int) -> None:
    """A new lead of a pipeline served first: the rest of the sitting waits at the head of the follow-ups."""
    reps, ts = w.reps, w.tasks
    pipeline = ts.pipeline[task]
    now = w.ev.clock[0]
    left = max(0.0, reps.work_days[rep] - (now - reps.work_start[rep]))
    unused = busy_in_window(w, now, left)
    reps.busy_days[rep] -= unused
    reps.busy_by[rep, pipeline] -= unused
    reps.spent[rep, pipeline] -= left * reps.work_speed[rep]
    rest = _new_task(w, pipeline, ts.first[task], ts.size[task], ts.stage[task])
    if rest < 0:
        return
    ts.planned[rest] = True
    ts.hours[rest] = left * reps.work_speed[rep]
    free_task(w, task)
    push_follow_up(w, rep, pipeline, now, rest)


@njit(cache=True)
def finish_sitting(w: World, rep: int, task: int) -> None:
    """The sitting is over: each entity is dropped, waits for its next stage, or is done."""
    p, pools, ts = w.p, w.pools, w.tasks
    pipeline = ts.pipeline[task]
    pool = pipeline - 1
    w.reps.sitting[rep] = -1.0
    now = w.ev.clock[0]
    for e in range(ts.first[task], ts.first[task] + ts.size[task]):
        stage, passed = pools.plan_stage[pool, e], pools.plan_passed[pool, e]
        if not passed:
            pools.state[pool, e] = DROPPED
            if pipeline == PARTNER:
                w.reps.partners[rep] -= 1
        elif stage + 1 < p.pool_stages[pool]:
            follow_up = _new_task(w, pipeline, e, 1, stage + 1)
            if follow_up < 0:
                return
            push_follow_up(w, rep, pipeline, now + pools.delay[pool, stage, e], follow_up)
        else:
            pools.state[pool, e] = DONE
            if pipeline == PROSPECTING:
                pools.meeting_day[e] = now
                lead = sales.next_slot(w, p.prospecting_source)
                if lead < 0:
                    return
                sales.start_fed_lead(w, lead, rep)
            else:
                w.partners.active_day[e] = now
                w.partners.manager[e] = rep
                events.start(w.ev, kinds.PARTNER_START, e, 0)
    free_task(w, task)
