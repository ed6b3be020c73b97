"""The fast engine's future-event list: a binary heap in arrays, ordered as SimPy orders events.

SimPy processes the event with the smallest ``(time, priority, id)``: priority 0
(*urgent*: a process starting, an interrupt) before 1 (*normal*: a timeout, an event
that succeeded), and among equal times and priorities the one scheduled first. The fast
engine schedules the same events in the same order, so ties (several things happening
at the same instant) resolve alike in both engines. Priority and id are packed into one
integer (``priority << 48 | id``); what to do (``kind``) and whom it concerns (two
integers ``a`` and ``b``) into another (``kind << 56 | a << 28 | b``).

Events scheduled for the current instant (a process starting, an interrupt, an event
that succeeds: about a third of all) skip the heap: each priority has a first-in
first-out list of them, since among events of one time and priority the one scheduled
first goes first. :func:`pop` takes the smallest ``(time, priority, id)`` of the heap's
top and the two lists' heads, so the order is the heap's alone would give.

The heap and the lists have a fixed capacity; a push beyond it sets the overflow flag
and the engine reruns the replication with more room (nothing is lost: the replication
is a pure function of its seed).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulator.model.kernel import FloatArray, IntArray

URGENT, NORMAL = 0, 1
_ID_BITS = 48
KIND_SHIFT, A_SHIFT, B_MASK = 56, 28, (1 << 28) - 1


class EventList(NamedTuple):
    """Pending events: ``size[0]`` in heap order, and those of the current instant in two lists.

    ``clock[0]`` is now, ``counter[0]`` the next id. The lists (row 0 urgent, row 1 normal)
    are ring buffers: ``now_count[p]`` events from ``now_head[p]`` on; their time is now.
    """

    time: FloatArray  # (capacity,)
    order: IntArray  # priority << 48 | id
    payload: IntArray  # kind << 56 | a << 28 | b
    size: IntArray  # (1,)
    counter: IntArray  # (1,) ids handed out so far
    clock: FloatArray  # (1,) the current time
    overflow: IntArray  # (1,) 1 once a push found the list full
    now_order: IntArray  # (2, capacity) events of the current instant, by priority, in the order scheduled
    now_payload: IntArray  # (2, capacity)
    now_head: IntArray  # (2,) first of each list
    now_count: IntArray  # (2,) events in each list
    heap_pops: IntArray  # (2,) pops from the heap, and the heap's sizes summed over them (its mean depth)


def event_list(capacity: int) -> EventList:
    """An empty event list holding at most ``capacity`` pending events (and as many of the current instant)."""
    return EventList(
        time=np.empty(capacity),
        order=np.empty(capacity, dtype=np.int64),
        payload=np.empty(capacity, dtype=np.int64),
        size=np.zeros(1, dtype=np.int64),
        counter=np.zeros(1, dtype=np.int64),
        clock=np.zeros(1),
        overflow=np.zeros(1, dtype=np.int64),
        now_order=np.empty((2, capacity), dtype=np.int64),
        now_payload=np.empty((2, capacity), dtype=np.int64),
        now_head=np.zeros(2, dtype=np.int64),
        now_count=np.zeros(2, dtype=np.int64),
        heap_pops=np.zeros(2, dtype=np.int64),
    )


@njit(cache=True)
def schedule(ev: EventList, time: float, priority: int, kind: int, a: int, b: int) -> None:
    """Add an event at ``time`` (an absolute day, computed as SimPy does: now + delay)."""
    key = (priority << _ID_BITS) | ev.counter[0]
    value = (kind << KIND_SHIFT) | (a << A_SHIFT) | b
    if time == ev.clock[0]:  # the current instant: behind the events of its priority scheduled before
        count = ev.now_count[priority]
        capacity = ev.now_order.shape[1]
        if count >= capacity:
            ev.overflow[0] = 1
            return
        slot = ev.now_head[priority] + count
        if slot >= capacity:
            slot -= capacity
        ev.now_order[priority, slot], ev.now_payload[priority, slot] = key, value
        ev.now_count[priority] = count + 1
        ev.counter[0] += 1
        return
    times, order, payload = ev.time, ev.order, ev.payload
    n = ev.size[0]
    if n >= times.shape[0]:
        ev.overflow[0] = 1
        return
    ev.counter[0] += 1
    ev.size[0] = n + 1
    i = n
    while i > 0:  # sift the hole up, then drop the new event in
        parent = (i - 1) >> 1
        if times[parent] < time or (times[parent] == time and order[parent] < key):
            break
        times[i], order[i], payload[i] = times[parent], order[parent], payload[parent]
        i = parent
    times[i], order[i], payload[i] = time, key, value


@njit(cache=True)
def timeout(ev: EventList, delay: float, kind: int, a: int, b: int) -> None:
    """A normal event ``delay`` days from now (SimPy's ``env.timeout``)."""
    schedule(ev, ev.clock[0] + delay, NORMAL, kind, a, b)


@njit(cache=True)
def succeed(ev: EventList, kind: int, a: int, b: int) -> None:
    """A normal event now (SimPy's ``event.succeed()``)."""
    schedule(ev, ev.clock[0], NORMAL, kind, a, b)


@njit(cache=True)
def start(ev: EventList, kind: int, a: int, b: int) -> None:
    """An urgent event now (SimPy's ``env.process`` start, or an interrupt)."""
    schedule(ev, ev.clock[0], URGENT, kind, a, b)


@njit(cache=True)
def pending(ev: EventList) -> bool:
    """True while any event is pending."""
    return ev.size[0] > 0 or ev.now_count[0] > 0 or ev.now_count[1] > 0


@njit(cache=True)
def next_time(ev: EventList) -> float:
    """The time of the next event (infinity when none is pending)."""
    if ev.now_count[0] > 0 or ev.now_count[1] > 0:
        return ev.clock[0]
    if ev.size[0] > 0:
        return ev.time[0]
    return np.inf


@njit(cache=True)
def pop(ev: EventList) -> tuple[int, int, int]:
    """Take the first event, set the clock to its time, and return its ``(kind, a, b)``."""
    source = -1  # -1: the heap's top; 0 or 1: the head of that priority's list of the current instant
    best_time, best_key = np.inf, np.int64(0)
    if ev.size[0] > 0:
        best_time, best_key = ev.time[0], ev.order[0]
    now = ev.clock[0]
    for priority in range(2):
        if ev.now_count[priority] > 0:
            key = ev.now_order[priority, ev.now_head[priority]]
            if now < best_time or key < best_key:  # its time, now, is never after the heap's top
                source, best_time, best_key = priority, now, key
    if source >= 0:
        head = ev.now_head[source]
        value = ev.now_payload[source, head]
        head += 1
        ev.now_head[source] = 0 if head == ev.now_order.shape[1] else head
        ev.now_count[source] -= 1
    else:
        value = _pop_heap(ev)
    return value >> KIND_SHIFT, (value >> A_SHIFT) & B_MASK, value & B_MASK


@njit(cache=True)
def _pop_heap(ev: EventList) -> int:
    """Take the heap's top, set the clock to its time, and return its payload."""
    times, order, payload = ev.time, ev.order, ev.payload
    value = payload[0]
    ev.clock[0] = times[0]
    n = ev.size[0] - 1
    ev.size[0] = n
    ev.heap_pops[0] += 1
    ev.heap_pops[1] += n + 1
    if n > 0:
        time, key, last = times[n], order[n], payload[n]
        i = 0
        while True:  # sift the hole down from the top, then drop the last event in
            child = 2 * i + 1
            if child >= n:
                break
            right = child + 1
            if right < n and (
                times[right] < times[child] or (times[right] == times[child] and order[right] < order[child])
            ):
                child = right
            if time < times[child] or (time == times[child] and key < order[child]):
                break
            times[i], order[i], payload[i] = times[child], order[child], payload[child]
            i = child
        times[i], order[i], payload[i] = time, key, last
    return value
