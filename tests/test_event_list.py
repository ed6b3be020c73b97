"""The fast engine's event list takes events in SimPy's order: smallest (time, priority, id) first.

The engine's equality with the SimPy engine rests on it (``tests/test_engines.py`` checks
the records of whole runs); here the list alone meets a random mix of what the engine
asks of it, against a plain heap of ``(time, priority, id)``: events of the current
instant (urgent and normal), events a fraction of a bucket ahead, days ahead, past the
calendar's ring (hundreds of days) and at infinity, interleaved with pops; then the
horizon, the ring's edge, a full list, the lists' wrap-around and the packing, one by one.
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
    horizon = 15_000.0  # days, not reached: the clock passes the ring 10 to 27 times (the cut: its own test)
    next_id, popped, most_in_calendar = 0, 0, 0
    for _ in range(6000):
        # the engine pops only while some event is due before its horizon; popping with
        # only events at infinity pending would pour them and leave the calendar unused
        if gen.random() < 0.55 or not reference or math.isinf(reference[0][0]):
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
            most_in_calendar = max(most_in_calendar, int(ev.far_count[0]))
            continue
        kind, a, _ = events.pop_before(ev, horizon)
        first = reference[0]
        if first[0] >= horizon:
            assert kind == -1, f"an event at {first[0]} came, past the horizon {horizon}"
            assert ev.clock[0] < horizon
            break
        assert (kind, a) == (1, first[2]), f"pop {popped}: event {a}, expected {first} (clock {ev.clock[0]})"
        assert ev.clock[0] == first[0]
        heapq.heappop(reference)
        popped += 1
    assert not ev.overflow[0]
    assert popped > 1500 and most_in_calendar > 100  # it popped through the calendar and its ring
    assert ev.bucket[0] < events.RING * 100  # the calendar was in use to the end, never poured out to infinity


def test_an_event_one_ring_after_the_first_dealt_comes_after_those_in_the_ring() -> None:
    ring_days = events.RING / events.BUCKETS_PER_DAY
    ev = events.event_list(64)
    events.timeout(ev, 200.0, 1, 1, 0)  # past the first ring: dealt when it runs dry
    events.timeout(ev, 200.0 + ring_days, 1, 3, 0)  # the first bucket past the ring dealt then
    events.timeout(ev, 200.0 + ring_days - 1.0 / events.BUCKETS_PER_DAY, 1, 2, 0)  # the ring's last bucket
    assert [events.pop_before(ev, math.inf)[1] for _ in range(3)] == [1, 2, 3]


def test_a_full_list_says_so_and_keeps_what_it_holds() -> None:
    ev = events.event_list(8)
    for i in range(8):
        events.timeout(ev, 1.0 + 40.0 * i, 1, i, 0)  # the heap's, the ring's and past the ring
    assert not ev.overflow[0]
    events.timeout(ev, 50.0, 1, 99, 0)
    assert ev.overflow[0] == 1  # the engine runs the replication again with more room
    taken = [events.pop_before(ev, math.inf) for _ in range(9)]
    assert [a for _, a, _ in taken[:8]] == list(range(8)) and taken[8] == (-1, 0, 0)  # the ninth was never filed
    assert ev.clock[0] == 281.0


def test_the_current_instants_lists_wrap_around_and_say_when_full() -> None:
    ev = events.event_list(4)
    events.succeed(ev, 1, 0, 0)  # the list is never empty: its head moves on and wraps around
    taken = []
    for round_ in range(1, 8):  # 15 events through a list of 4 entries
        for i in range(2):
            events.succeed(ev, 1, 10 * round_ + i, 0)
        taken += [events.pop_before(ev, math.inf)[1] for _ in range(2)]
    assert ev.now_head[1] == 2  # 14 taken: three times round the list and two on
    taken.append(events.pop_before(ev, math.inf)[1])
    assert taken == [0] + [10 * r + i for r in range(1, 8) for i in range(2)]
    assert ev.now_head[1] == 0  # emptied: it starts again at its first entry
    for i in range(4):
        events.start(ev, 1, i, 0)
    assert not ev.overflow[0]
    events.start(ev, 1, 9, 0)
    assert ev.overflow[0] == 1


def test_an_events_kind_and_two_integers_come_back_whole() -> None:
    ev = events.event_list(8)
    widest = (1 << events.A_SHIFT) - 1
    events.timeout(ev, 1.0, 127, widest, widest)
    events.succeed(ev, 5, 12345, 1 << 27)
    assert events.pop_before(ev, math.inf) == (5, 12345, 1 << 27)
    assert events.pop_before(ev, math.inf) == (127, widest, widest)


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
