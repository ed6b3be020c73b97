"""A binary heap of events in three parallel arrays, smallest ``(time, order)`` on top.

The fast engine's event list (:mod:`.events`) keeps in it only the events due before
its calendar's next bucket; the caller keeps the heap's size and checks its capacity.
Both functions are inlined into their callers: a compiled call would pass each array
by value (seven words) and count its references.
"""

from __future__ import annotations

from numba import njit

from simulator.model.kernel import FloatArray, IntArray


@njit(cache=True, inline="always")
def push(times: FloatArray, order: IntArray, payload: IntArray, n: int, time: float, key: int, value: int) -> None:
    """Add an event to a heap of ``n`` events (arrays of at least ``n + 1`` entries)."""
    i = n
    while i > 0:  # sift the hole up, then drop the new event in
        parent = (i - 1) >> 1
        if times[parent] < time or (times[parent] == time and order[parent] < key):
            break
        times[i], order[i], payload[i] = times[parent], order[parent], payload[parent]
        i = parent
    times[i], order[i], payload[i] = time, key, value


@njit(cache=True, inline="always")
def drop_top(times: FloatArray, order: IntArray, payload: IntArray, n: int) -> None:
    """Remove the top of a heap of ``n >= 1`` events (it then holds ``n - 1``)."""
    n -= 1
    if n == 0:
        return
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
