"""The fast engine's future-event list, ordered as SimPy orders events: a heap of the near future, a calendar after.

SimPy processes the event with the smallest ``(time, priority, id)``: priority 0
(*urgent*: a process starting, an interrupt) before 1 (*normal*: a timeout, an event
that succeeded), and among equal times and priorities the one scheduled first. The fast
engine schedules the same events in the same order, so ties (several things happening
at the same instant) resolve alike in both engines. Priority and id are packed into one
integer (``priority << 48 | id``); what to do (``kind``) and whom it concerns (two
integers ``a`` and ``b``) into another (``kind << 56 | a << 28 | b``).

Three places hold pending events, and :func:`pop_before` takes them in exactly the order one
heap of them all would give:

- events of the current instant (a process starting, an interrupt, an event that
  succeeds: about a third of all) skip the rest: each priority has a first-in first-out
  list of them, since among events of one time and priority the one scheduled first
  goes first;
- events due before the calendar's next bucket (``bucket[0] / BUCKETS_PER_DAY`` days) are
  in a binary heap (:mod:`.heap`), a few at a time;
- later ones wait unsorted in the calendar: a ring of ``RING`` buckets of
  ``1 / BUCKETS_PER_DAY`` day each (linked lists of slots), and a list of those past the
  ring. When the heap and the current instant have run dry, the next bucket is poured
  into the heap (a bucket's events all come before any later bucket's, and after every
  event already taken); when the ring has run dry, the events past it that it now reaches
  are dealt into its buckets. Most of the engine's pending events are customers'
  check-ins and renewal deadlines weeks ahead: they wait in the calendar instead of
  deepening the heap (2,300 pending events on average, the heap a few). The ring spans
  128 days, so those past it are dealt a few times a run, not every fortnight (a ring
  of 16 days spent about 3% of the loop's time dealing them).

The list has a fixed capacity; a push beyond it sets the overflow flag and the engine
reruns the replication with more room (nothing is lost: the replication is a pure
function of its seed).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulator.engines.fast import heap
from simulator.model.kernel import FloatArray, IntArray

URGENT, NORMAL = 0, 1
_ID_BITS = 48
KIND_SHIFT, A_SHIFT, B_MASK = 56, 28, (1 << 28) - 1
BUCKETS_PER_DAY = 32  # a power of two: a time's bucket, floor(time * 32), is exact
RING = 4096  # buckets in the ring (128 days); a power of two
_LATEST = 2.0**40  # days; a later time (infinity) is filed in this one's bucket
_NO_KEY = (1 << 62) - 1  # above every order key (priority 0 or 1, ids below 2**48)


class EventList(NamedTuple):
    """Pending events: the current instant's in two lists, ``size[0]`` in a heap, ``far_count[0]`` in the calendar.

    ``clock[0]`` is now, ``counter[0]`` the next id. The lists (row 0 urgent, row 1 normal)
    are ring buffers: ``now_count[p]`` events from ``now_head[p]`` on; their time is now. A
    list emptied starts again at entry 0, so that the few entries in use stay in the cache.
    Every event in the heap is due before bucket ``bucket[0]`` (day
    ``bucket[0] / BUCKETS_PER_DAY``), every event in the calendar in it or after.
    """

    time: FloatArray  # (capacity,) the heap, in heap order: days
    order: IntArray  # (capacity,) priority << 48 | id
    payload: IntArray  # (capacity,) kind << 56 | a << 28 | b
    size: IntArray  # (1,)
    counter: IntArray  # (1,) ids handed out so far
    clock: FloatArray  # (1,) the current time
    overflow: IntArray  # (1,) 1 once a push found the list full
    now_order: IntArray  # (2, capacity) events of the current instant, by priority, in the order scheduled
    now_payload: IntArray  # (2, capacity)
    now_head: IntArray  # (2,) first of each list
    now_count: IntArray  # (2,) events in each list
    heap_pops: IntArray  # (3,) pops from the heap; the heap's sizes, and the heap's and calendar's, summed over them
    far_time: FloatArray  # (capacity,) the calendar's events, by slot: days
    far_order: IntArray  # (capacity,)
    far_payload: IntArray  # (capacity,)
    far_next: IntArray  # (capacity,) the next slot of the same bucket, -1 after the last
    far_count: IntArray  # (1,) events in the calendar
    free: IntArray  # (capacity,) the free slots: a stack, its first ``capacity - far_count[0]`` entries
    bucket_head: IntArray  # (RING,) the first slot of each bucket of the ring, -1 when empty
    bucket: IntArray  # (1,) the next bucket to pour (counted from day 0; ring entry ``bucket % RING``)
    ring_end: IntArray  # (1,) buckets before it are in the ring, from it on past it
    later: IntArray  # (capacity,) slots of the events past the ring
    later_count: IntArray  # (1,)


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
        heap_pops=np.zeros(3, dtype=np.int64),
        far_time=np.empty(capacity),
        far_order=np.empty(capacity, dtype=np.int64),
        far_payload=np.empty(capacity, dtype=np.int64),
        far_next=np.empty(capacity, dtype=np.int64),
        far_count=np.zeros(1, dtype=np.int64),
        free=np.arange(capacity, dtype=np.int64),
        bucket_head=np.full(RING, -1, dtype=np.int64),
        bucket=np.zeros(1, dtype=np.int64),
        ring_end=np.full(1, RING, dtype=np.int64),
        later=np.empty(capacity, dtype=np.int64),
        later_count=np.zeros(1, dtype=np.int64),
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
    n = ev.size[0]
    if n + ev.far_count[0] >= ev.time.shape[0]:
        ev.overflow[0] = 1
        return
    ev.counter[0] += 1
    day_bucket = _bucket_of(time)
    if day_bucket < ev.bucket[0]:
        heap.push(ev.time, ev.order, ev.payload, n, time, key, value)
        ev.size[0] = n + 1
    else:
        _file(ev, day_bucket, time, key, value)


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
def pop_before(ev: EventList, until: float) -> tuple[int, int, int]:
    """Take the first event if it is due before ``until``: set the clock to its time, return its ``(kind, a, b)``.

    ``(-1, 0, 0)`` when no event is pending before ``until`` (nothing is taken then). With
    events of the current instant pending, only the heap's top can come before them (the
    calendar never holds an event of the current instant: those go to the lists), so the
    calendar is poured only when the lists and the heap are empty.
    """
    now = ev.clock[0]
    if ev.now_count[0] > 0 or ev.now_count[1] > 0:
        if not now < until:
            return -1, 0, 0
        source = -1  # -1: the heap's top; 0 or 1: the head of that priority's list of the current instant
        best_key = ev.order[0] if ev.size[0] > 0 and ev.time[0] == now else _NO_KEY  # the heap is never before now
        for priority in range(2):
            if ev.now_count[priority] > 0:
                key = ev.now_order[priority, ev.now_head[priority]]
                if key < best_key:
                    source, best_key = priority, key
        if source >= 0:
            head = ev.now_head[source]
            value = ev.now_payload[source, head]
            head += 1
            count = ev.now_count[source] - 1
            ev.now_head[source] = 0 if head == ev.now_order.shape[1] or count == 0 else head
            ev.now_count[source] = count
            return value >> KIND_SHIFT, (value >> A_SHIFT) & B_MASK, value & B_MASK
    else:
        if ev.size[0] == 0:
            _pour(ev)
        if ev.size[0] == 0 or not ev.time[0] < until:
            return -1, 0, 0
    value = ev.payload[0]
    ev.clock[0] = ev.time[0]
    n = ev.size[0]
    ev.heap_pops[0] += 1
    ev.heap_pops[1] += n
    ev.heap_pops[2] += n + ev.far_count[0]
    heap.drop_top(ev.time, ev.order, ev.payload, n)
    ev.size[0] = n - 1
    return value >> KIND_SHIFT, (value >> A_SHIFT) & B_MASK, value & B_MASK


@njit(cache=True)
def _bucket_of(time: float) -> int:
    """The calendar bucket of ``time`` (days >= 0), counted from day 0."""
    return int(min(time, _LATEST) * BUCKETS_PER_DAY)


@njit(cache=True)
def _file(ev: EventList, day_bucket: int, time: float, key: int, value: int) -> None:
    """Put an event of bucket ``day_bucket`` (the next bucket to pour or later) into the calendar."""
    count = ev.far_count[0]
    slot = ev.free[ev.free.shape[0] - 1 - count]
    ev.far_count[0] = count + 1
    ev.far_time[slot], ev.far_order[slot], ev.far_payload[slot] = time, key, value
    if day_bucket < ev.ring_end[0]:
        _link(ev, day_bucket, slot)
    else:
        ev.later[ev.later_count[0]] = slot
        ev.later_count[0] += 1


@njit(cache=True)
def _link(ev: EventList, day_bucket: int, slot: int) -> None:
    entry = day_bucket & (RING - 1)
    ev.far_next[slot] = ev.bucket_head[entry]
    ev.bucket_head[entry] = slot


@njit(cache=True)
def _pour(ev: EventList) -> None:
    """Move the calendar's next non-empty bucket into the (empty) heap, if any event is in the calendar."""
    while ev.size[0] == 0 and ev.far_count[0] > 0:
        if ev.bucket[0] == ev.ring_end[0]:
            _deal(ev)
        day_bucket = ev.bucket[0]
        entry = day_bucket & (RING - 1)
        slot = ev.bucket_head[entry]
        ev.bucket_head[entry] = -1
        ev.bucket[0] = day_bucket + 1
        n = ev.size[0]
        top = ev.free.shape[0] - ev.far_count[0]
        while slot >= 0:
            heap.push(ev.time, ev.order, ev.payload, n, ev.far_time[slot], ev.far_order[slot], ev.far_payload[slot])
            n += 1
            ev.free[top] = slot
            top += 1
            slot = ev.far_next[slot]
        ev.size[0] = n
        ev.far_count[0] = ev.free.shape[0] - top


@njit(cache=True)
def _deal(ev: EventList) -> None:
    """The ring has run dry: start it at the first bucket of the events past it, and deal those it reaches."""
    first = _bucket_of(_LATEST)
    for k in range(ev.later_count[0]):
        first = min(first, _bucket_of(ev.far_time[ev.later[k]]))
    start = max(ev.bucket[0], first)
    end = start + RING
    ev.bucket[0], ev.ring_end[0] = start, end
    kept = 0
    for k in range(ev.later_count[0]):
        slot = ev.later[k]
        day_bucket = _bucket_of(ev.far_time[slot])
        if day_bucket < end:
            _link(ev, day_bucket, slot)
        else:
            ev.later[kept] = slot
            kept += 1
    ev.later_count[0] = kept
