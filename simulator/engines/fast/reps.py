"""A rep's workday in the fast engine (``rep_workday`` of the SimPy engine).

The rep takes its next piece of work — by its team's time allocation when it has pool
duties (:func:`pools.choose_work`), else the next item of its queue or its team's pool —
and works it: a sales item, another pipeline's item, or a pool sitting. With nothing to
do it waits for new work, or (with follow-ups) for new work or its next follow-up
becoming ready, whichever first. A ramp step interrupts the work in hand, whose hours
left then go at the new speed (``rest_of_work``); a new lead of a pipeline served first
interrupts a sitting. A leaver finishes what it holds, then its workday ends.
"""

from __future__ import annotations

import math

from numba import njit

from simulator.engines.fast import events, kinds, pools, sales, teams, workforce
from simulator.engines.fast.state import World

IDLE, SALES, ITEM, SITTING = 0, 1, 2, 3  # what a rep is doing (``Reps.doing``)


@njit(cache=True)
def workday(w: World, rep: int) -> None:
    """The top of the workday's loop, until the rep starts some work or waits for it."""
    reps = w.reps
    while reps.active[rep]:
        if reps.duties[rep]:
            found, what = pools.choose_work(w, rep)
            if found == pools.TASK:
                reps.doing[rep], reps.work[rep] = SITTING, what
                pools.start_sitting(w, rep, what)
                return
            item = what
        else:
            item = teams.take(w, rep)
        if item < 0:
            _wait(w, rep)
            return
        if w.items.pipeline[item]:
            reps.doing[rep], reps.work[rep] = ITEM, item
            _start_item(w, rep, item)
            return
        if sales.start_sales(w, rep, item):
            reps.doing[rep], reps.work[rep] = SALES, item
            return
    reps.doing[rep] = IDLE
    workforce.stopped(w, rep)


@njit(cache=True)
def _wait(w: World, rep: int) -> None:
    """Nothing to do: wait to be woken, or with follow-ups for the next to be ready as well."""
    reps, tm = w.reps, w.teams
    t = reps.team[rep]
    reps.doing[rep] = IDLE
    reps.waiting[rep] = True
    tm.idle[t, tm.n_idle[t]] = rep
    tm.n_idle[t] += 1
    reps.wait_id[rep] += 1
    reps.cond[rep] = False
    if reps.duties[rep]:
        ready = pools.next_ready(w, rep)
        if not math.isinf(ready):
            reps.cond[rep] = True
            reps.cond_done[rep] = False
            now = w.ev.clock[0]
            events.timeout(w.ev, max(0.0, ready - now), kinds.REP_READY, rep, reps.wait_id[rep])


@njit(cache=True)
def _start_item(w: World, rep: int, item: int) -> None:
    """``work_item``: another pipeline's item, worked for its hours."""
    reps = w.reps
    now = w.ev.clock[0]
    days = w.items.hours[item] / reps.hours[rep]
    busy = pools.busy_in_window(w, now, days)
    reps.busy_days[rep] += busy
    reps.busy_by[rep, w.items.pipeline[item]] += busy
    reps.work_start[rep], reps.work_days[rep] = now, days
    reps.resting[rep] = False
    events.timeout(w.ev, days, kinds.REP_WORKED, rep, reps.epoch[rep])


# ---------------------------------------------------------------------- events of the workday


@njit(cache=True)
def woken(w: World, rep: int, wait: int) -> None:
    """The rep's wake event: it goes on, or (waiting for a follow-up too) its wait is over."""
    reps = w.reps
    if wait != reps.wait_id[rep]:
        return  # the wake of a wait already over
    if not reps.cond[rep]:
        resume(w, rep)
    elif not reps.cond_done[rep]:
        reps.cond_done[rep] = True
        events.succeed(w.ev, kinds.REP_RESUME, rep, wait)


@njit(cache=True)
def ready(w: World, rep: int, wait: int) -> None:
    """A follow-up became ready while the rep waited: its wait is over."""
    reps = w.reps
    if wait == reps.wait_id[rep] and reps.cond[rep] and not reps.cond_done[rep]:
        reps.cond_done[rep] = True
        events.succeed(w.ev, kinds.REP_RESUME, rep, wait)


@njit(cache=True)
def resume(w: World, rep: int) -> None:
    """The wait is over: off the idle list if still on it, and back to work."""
    reps = w.reps
    if reps.waiting[rep]:
        teams.remove_idle(w, reps.team[rep], rep)
        reps.waiting[rep] = False
    reps.cond[rep] = False
    workday(w, rep)


@njit(cache=True)
def worked(w: World, rep: int, epoch: int) -> None:
    """The work in hand is finished (unless the event belongs to work an interrupt moved)."""
    reps = w.reps
    if epoch != reps.epoch[rep]:
        return
    doing, what = reps.doing[rep], reps.work[rep]
    reps.doing[rep] = IDLE
    reps.resting[rep] = False
    if doing == SALES:
        sales.finish_sales(w, rep, what)
    elif doing == ITEM:
        w.items.rep[what] = reps.number[rep]
        w.items.triggered[what] = True
        events.succeed(w.ev, kinds.ITEM_DONE, what, 0)
    else:
        pools.finish_sitting(w, rep, what)
    workday(w, rep)


@njit(cache=True)
def _new_end(w: World, rep: int, pipeline: int, end: float, speed: float) -> float:
    """``new_end``: work planned to end at ``end`` at ``speed`` hours a day ends later or sooner now."""
    reps = w.reps
    now = w.ev.clock[0]
    later = now + (end - now) * speed / reps.hours[rep]
    change = pools.busy_in_window(w, now, later - now) - pools.busy_in_window(w, now, end - now)
    reps.busy_days[rep] += change
    reps.busy_by[rep, pipeline] += change
    return later


@njit(cache=True)
def interrupted(w: World, rep: int, cause: int) -> None:
    """The rep's interrupt: a sitting yields to a new lead, or the work in hand changes speed."""
    reps = w.reps
    doing, what = reps.doing[rep], reps.work[rep]
    if reps.stopped[rep] or doing == IDLE:
        return  # the workday has ended, or an earlier interrupt already took the work away
    reps.epoch[rep] += 1  # the pending end of the work no longer concerns the rep
    now = w.ev.clock[0]
    if doing == SITTING:
        pipeline = w.tasks.pipeline[what]
        if cause == teams.SPEED_CHANGE:
            start, days = reps.work_start[rep], reps.work_days[rep]
            days = _new_end(w, rep, pipeline, start + days, reps.work_speed[rep]) - now
            reps.work_start[rep], reps.work_days[rep], reps.work_speed[rep] = now, days, reps.hours[rep]
            events.timeout(w.ev, days, kinds.REP_WORKED, rep, reps.epoch[rep])
            return
        pools.interrupt_sitting(w, rep, what)
        reps.doing[rep] = IDLE
        workday(w, rep)
        return
    if doing == SALES:
        pipeline, hours = 0, sales.sales_hours(w, what)
    else:
        pipeline, hours = w.items.pipeline[what], w.items.hours[what]
    if not reps.resting[rep]:  # the first step: the work's own speed until now
        days = reps.work_days[rep]
        reps.rest_speed[rep] = hours / days if days > 0 else reps.hours[rep]
        reps.rest_end[rep] = reps.work_start[rep] + days
        reps.resting[rep] = True
    reps.rest_end[rep] = _new_end(w, rep, pipeline, reps.rest_end[rep], reps.rest_speed[rep])
    reps.rest_speed[rep] = reps.hours[rep]
    events.timeout(w.ev, reps.rest_end[rep] - now, kinds.REP_WORKED, rep, reps.epoch[rep])


@njit(cache=True)
def working(w: World, rep: int) -> bool:
    """True if the rep's workday waits for the end of some work (SimPy: its target is a timeout)."""
    return not w.reps.stopped[rep] and w.reps.doing[rep] != IDLE
