"""The fast engine's event list takes events in SimPy's order: smallest (time, priority, id) first.

The engine's equality with the SimPy engine rests on it (``tests/test_engines.py`` checks
the records of whole runs); here the list alone meets a random mix of what the engine
asks of it, against a plain heap of ``(time, priority, id)``: events of the current
instant (urgent and normal), events a fraction of a bucket ahead, days ahead, past the
calendar's ring (hundreds of days) and at infinity, interleaved with pops, with the
horizon cutting the run short.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest

from simulator.engines.fast import events

URGENT_NOW, NORMAL_NOW, NEAR, DAYS, FAR, NEVER = range(6)
WEIGHTS = np.array([0.12, 0.18, 0.2, 0.3, 0.15, 0.05])


def _delay(gen: np.random.Generator, what: int) -> float:
    if what == NEAR:
        return float(gen.integers(1, 4)) / (8 * events.BUCKETS_PER_DAY)  # exact, within a bucket or two
    if what == DAYS:
        return float(gen.choice([0.5, 1.0, 2.25, 3.0, 7.0, 15.5]))  # repeated, so times tie across processes
    if what == FAR:
        ring_days = events.RING / events.BUCKETS_PER_DAY
        return float(gen.choice([ring_days - 0.5, ring_days, ring_days + 1, 3 * ring_days, 700.0]))
    return math.inf


@pytest.mark.parametrize("seed", range(4))
def test_events_come_in_time_then_priority_then_scheduling_order(seed: int) -> None:
    gen = np.random.default_rng(seed)
    ev = events.event_list(4096)
    reference: list[tuple[float, int, int]] = []  # (time, priority, id): SimPy's order
    horizon = 20_000.0  # days: the clock passes the ring many times over
    next_id, popped = 0, 0
    for _ in range(6000):
        if gen.random() < 0.55 or not reference:
            what = int(gen.choice(6, p=WEIGHTS))
            now = float(ev.clock[0])
            if what == URGENT_NOW:
                events.start(ev, 1, next_id, 0)
                reference.append((now, events.URGENT, next_id))
            elif what == NORMAL_NOW:
                events.succeed(ev, 1, next_id, 0)
                reference.append((now, events.NORMAL, next_id))
            else:
                delay = _delay(gen, what)
                events.timeout(ev, delay, 1, next_id, 0)
                reference.append((now + delay, events.NORMAL, next_id))  # the time as the engine computes it
            heapq.heapify(reference)
            next_id += 1
            continue
        kind, a, _ = events.pop_before(ev, horizon)
        first = reference[0]
        if first[0] >= horizon:  # only events at infinity are pending: none comes, and they stay
            assert kind == -1, f"an event at {first[0]} came, past the horizon {horizon}"
            assert ev.clock[0] < horizon
            continue
        assert (kind, a) == (1, first[2]), f"pop {popped}: event {a}, expected {first} (clock {ev.clock[0]})"
        assert ev.clock[0] == first[0]
        heapq.heappop(reference)
        popped += 1
    assert not ev.overflow[0]
    assert popped > 2000  # the test did pop through the calendar and its ring


def test_nothing_comes_at_or_after_the_horizon_and_nothing_is_taken_then() -> None:
    ev = events.event_list(64)
    events.timeout(ev, 10.0, 1, 7, 0)
    events.timeout(ev, 4.0, 1, 3, 0)
    assert events.pop_before(ev, 4.0) == (-1, 0, 0)  # an event at the horizon itself is not processed
    assert events.pop_before(ev, 10.0)[:2] == (1, 3)
    events.succeed(ev, 1, 5, 0)
    assert events.pop_before(ev, 4.0) == (-1, 0, 0)  # nor one of the current instant, now at the horizon
    assert events.pop_before(ev, 11.0)[:2] == (1, 5)
    assert events.pop_before(ev, 11.0)[:2] == (1, 7)
    assert events.pop_before(ev, math.inf) == (-1, 0, 0)
