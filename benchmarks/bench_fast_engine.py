"""The fast engine against the SimPy engine and against a bare event loop; its compile time.

Ratios measured in one run, timings alternated so both engines meet the same load on a
shared machine (the smallest of several timings is kept):
- replications per second of the fast engine over the SimPy engine, on the default
  organisation (whole; without the features the fast engine does not cover, should
  there be any), and the events per second of each engine (SimPy's own events, the
  fast engine's scheduled events); target >= 50x;
- the fast engine's events per second over a minimal compiled loop that only pops and
  pushes as many events on a binary heap as deep as the engine's pending events (their
  mean number at a pop from its heap: the heap's and the calendar's, see
  ``engines/fast/events.py``); target within 3x;
- where a replication's time goes: the luck drawn before the loop, the world's arrays,
  the loop, the records after it (the engine's own functions, timed in place);
- the floor of this design: the luck drawn before the loop (the same draws as the SimPy
  engine's) plus the bare loop, and the ratio to the SimPy engine it would allow;
- Numba compile time: cold (an empty cache directory, in a fresh process) and warm (the
  disk cache loaded in a fresh process), reported apart from the run time; and two fresh
  processes started at once on one empty cache (one compiles, the other waits for its
  cache: their CPU together is about one compile's).

Run: python benchmarks/bench_fast_engine.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from numba import njit

import simulator
from simulator.config.pipelines import PipelinesConfig
from simulator.engines import fast
from simulator.engines.fast import engine as fast_engine
from simulator.engines.simpy import floor as simpy_floor
from simulator.engines.simpy import simulate as simpy_simulate
from simulator.model import sampling
from simulator.model.scenario import Scenario, compile_scenario

ROOT = Path(__file__).resolve().parents[1]


def default_organisation() -> tuple[Scenario, Scenario]:
    """The default experiment's first scenario, whole and without the pipelines beside new business."""
    spec = simulator.load_experiment(overrides=["runs=2"]).scenarios[0]
    whole = spec.compile()
    sales = compile_scenario(spec.config.model_copy(update={"pipelines": PipelinesConfig()}), spec.name)
    return whole, sales


def simpy_events(scenario: Scenario, seed: int, replication: int) -> int:
    """Events SimPy schedules in one replication (its own count, processes' starts and ends included)."""
    counts: list[int] = []
    run = simpy_floor.SalesFloor.run

    def counting(self: simpy_floor.SalesFloor, until: float | None = None) -> None:
        run(self, until)
        counts.append(next(self._eid))

    simpy_floor.SalesFloor.run = counting  # type: ignore[method-assign,assignment]
    try:
        simpy_simulate(scenario, seed, replication)
    finally:
        simpy_floor.SalesFloor.run = run  # type: ignore[method-assign]
    return counts[0]


def fast_events(scenario: Scenario, seed: int, replication: int) -> tuple[int, int, float]:
    """Events the fast engine schedules in one replication; its pending events' and its heap's mean number at a pop.

    Events of the current instant skip the heap, and those due after the calendar's next
    bucket wait in the calendar (``events.py``); the means are over the heap's own pops.
    """
    seen: list[tuple[int, int, float]] = []
    run_world = fast_engine.run_world

    def counting(world):
        status = run_world(world)
        pops, in_heap, pending = (int(v) for v in world.ev.heap_pops)
        seen.append((int(world.ev.counter[0]), round(pending / max(pops, 1)), in_heap / max(pops, 1)))
        return status

    fast_engine.run_world = counting  # type: ignore[assignment]
    try:
        fast.simulate(scenario, seed, replication)
    finally:
        fast_engine.run_world = run_world
    return seen[-1]


@njit(cache=True)
def bare_loop(steps: np.ndarray, pending: int) -> float:
    """Pop an event and push one, once per entry of ``steps`` (days ahead), on a heap holding ``pending`` events.

    The heap starts with the first ``pending`` steps as times.

    A minimal binary heap of its own, in three arrays (time, order, payload) ordered by
    ``(time, order)`` as the engine orders events, so that the reference does not move
    with the engine's event list.
    """
    times = np.empty(pending + 1)
    order = np.empty(pending + 1, dtype=np.int64)
    payload = np.empty(pending + 1, dtype=np.int64)
    for k in range(pending):
        _bare_push(times, order, payload, k, steps[k], k, k)
    total = 0.0
    for k in range(steps.shape[0]):
        now, a = times[0], payload[0]
        _bare_drop_top(times, order, payload, pending)
        _bare_push(times, order, payload, pending - 1, now + steps[k], pending + k, a)
        total += a
    return total


@njit(cache=True)
def _bare_push(
    times: np.ndarray, order: np.ndarray, payload: np.ndarray, n: int, time: float, key: int, value: int
) -> None:
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if times[parent] < time or (times[parent] == time and order[parent] < key):
            break
        times[i], order[i], payload[i] = times[parent], order[parent], payload[parent]
        i = parent
    times[i], order[i], payload[i] = time, key, value


@njit(cache=True)
def _bare_drop_top(times: np.ndarray, order: np.ndarray, payload: np.ndarray, n: int) -> None:
    n -= 1
    time, key, last = times[n], order[n], payload[n]
    i = 0
    while True:
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


# the phases of a fast-engine replication, as named in ``engines/fast/engine.py``: the luck
# drawn before the loop, the world's arrays, the loop, the records after it
PHASES = ("draw_leads", "draw_rep_skills", "run_leads", "loss_draws", "world", "run_world", "_records")
# the luck drawn before the loop, which the SimPy engine draws as well (the same numbers)
LUCK = ("draw_leads", "draw_rep_skills", "run_leads", "loss_draws", "PipelineLuck.draw", "WorkforceLuck.draw")


def phase_times(scenario: Scenario, replications: int, repeat: int) -> dict[str, float]:
    """Seconds a replication spends in each phase of ``fast.simulate`` (each phase's smallest over ``repeat``)."""
    spent: dict[str, float] = {}
    real = {name: getattr(fast_engine, name) for name in PHASES}
    real_luck = {cls: cls.draw for cls in (fast_engine.WorkforceLuck, fast_engine.PipelineLuck)}

    def timed(name: str, func):
        def call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return call

    for name in PHASES:
        setattr(fast_engine, name, timed(name, real[name]))
    for cls, draw in real_luck.items():
        cls.draw = timed(f"{cls.__name__}.draw", draw)  # type: ignore[method-assign]
    best: dict[str, float] = {}
    try:
        for _ in range(repeat):
            spent.clear()
            start = time.perf_counter()
            for r in range(replications):
                fast.simulate(scenario, 1, r)
            spent["total"] = time.perf_counter() - start
            best = {k: min(best.get(k, math.inf), v / replications) for k, v in spent.items()}
    finally:
        for name in PHASES:
            setattr(fast_engine, name, real[name])
        for cls, draw in real_luck.items():
            cls.draw = draw  # type: ignore[method-assign]
    return best


def smallest(func, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


WARM_UP = (
    "import time, warnings; warnings.simplefilter('ignore'); t = time.perf_counter()\n"
    "from simulator.engines import fast; fast.warm_up(); print(time.perf_counter() - t)"
)


def compile_times() -> tuple[float, float]:
    """Seconds to make the fast engine ready in a fresh process: with an empty cache, and with the cache."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        cold = float(subprocess.run([sys.executable, "-c", WARM_UP], env=env, capture_output=True, text=True).stdout)
        warm = float(subprocess.run([sys.executable, "-c", WARM_UP], env=env, capture_output=True, text=True).stdout)
    return cold, warm


def compile_together(processes: int = 2) -> tuple[float, float, list[float]]:
    """Fresh processes started at once on one empty cache: wall seconds, their CPU seconds together, each one's wait.

    With the compile lock (``engines/fast/cache.py``) one compiles and the others load its
    cache when it is written: the CPU is about one compile's, not ``processes`` of them.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        running = [
            subprocess.Popen([sys.executable, "-c", WARM_UP], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(processes)
        ]
        ready = [float(p.communicate()[0]) for p in running]
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, ready


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timings of each engine per replication (best kept)")
    parser.add_argument("--replications", type=int, default=4, help="replications timed")
    args = parser.parse_args()
    sampling.warm_up()
    fast.warm_up()
    whole, sales = default_organisation()
    print(f"default organisation, scenario {whole.name}: the fast engine covers it? {not fast.uncovered(whole)}")
    if fast.uncovered(whole):
        print(f"  not covered: {', '.join(fast.uncovered(whole))}; timed below without them")
    scenario = whole if not fast.uncovered(whole) else sales
    if scenario.pipelines is not None:
        print(f"  with its pipelines beside new business: {len(scenario.pipelines.configured)} pipelines")
    fast.simulate(scenario, 1, 0)
    t_simpy = t_fast = 0.0
    e_simpy = e_fast = 0
    pending, in_heap = 0, 0.0
    for r in range(args.replications):
        t_simpy += smallest(lambda r=r: simpy_simulate(scenario, 1, r), max(1, args.repeat // 2))
        t_fast += smallest(lambda r=r: fast.simulate(scenario, 1, r), args.repeat)
        e_simpy += simpy_events(scenario, 1, r)
        counted, mean_pending, mean_heap = fast_events(scenario, 1, r)
        e_fast += counted
        pending, in_heap = max(pending, mean_pending), max(in_heap, mean_heap)
    n = args.replications
    print(f"  SimPy engine: {t_simpy / n * 1e3:.1f} ms a replication, {e_simpy / t_simpy:,.0f} events/s")
    print(f"  fast engine:  {t_fast / n * 1e3:.2f} ms a replication, {e_fast / t_fast:,.0f} events/s")
    print(f"  replications per second, fast over SimPy: {t_simpy / t_fast:.1f}x (target >= 50x)")

    loop_events = e_fast // n
    run_world = fast_engine.run_world
    spent = [0.0]

    def timed(world):
        start = time.perf_counter()
        status = run_world(world)
        spent[0] += time.perf_counter() - start  # a run stopped for luck goes on in another call
        return status

    fast_engine.run_world = timed  # type: ignore[assignment]
    loop_time = [math.inf]
    try:
        for _ in range(args.repeat):
            spent[0] = 0.0
            fast.simulate(scenario, 1, 0)
            loop_time[0] = min(loop_time[0], spent[0])
    finally:
        fast_engine.run_world = run_world
    depth = max(64, pending)  # the engine's pending events, at their mean number over the run
    steps = np.random.default_rng(0).random(loop_events)
    bare_loop(steps[: depth + 10], depth)
    bare = smallest(lambda: bare_loop(steps, depth), args.repeat)
    print(
        f"  the event loop alone: {loop_time[0] * 1e3:.2f} ms for {loop_events:,} events (its heap {in_heap:.0f} "
        f"deep, {depth:,} pending); a bare pop-and-push loop of as many events on a heap of {depth:,}: "
        f"{bare * 1e3:.2f} ms; ratio {loop_time[0] / bare:.1f}x (target within 3x)"
    )
    phases = phase_times(scenario, n, args.repeat)
    python = phases["total"] - phases.get("run_world", 0.0)
    print(f"  where a replication's time goes (ms, each phase's best of {args.repeat}; Python: {python * 1e3:.2f} ms):")
    for name, seconds in sorted(phases.items(), key=lambda item: -item[1]):
        if name != "total":
            print(f"    {name:20s} {seconds * 1e3:7.2f}")
    luck = sum(phases.get(name, 0.0) for name in LUCK)
    floor = luck + bare
    print(
        f"  the floor of this design: the luck both engines draw ahead ({luck * 1e3:.2f} ms) and a bare loop of "
        f"as many events ({bare * 1e3:.2f} ms), {floor * 1e3:.2f} ms a replication: at most "
        f"{t_simpy / n / floor:.1f}x the SimPy engine with handlers that cost nothing"
    )
    cold, warm = compile_times()
    print(f"Numba compile of the fast engine: {cold:.1f} s cold (empty cache), {warm:.1f} s from the disk cache")
    wall, cpu, ready = compile_together()
    each = " and ".join(f"{r:.1f}" for r in ready)
    print(
        f"  two fresh processes at once on one empty cache: {wall:.1f} s wall, {cpu:.1f} s of CPU together "
        f"({cpu / cold:.2f}x one cold compile's wall time; each ready after {each} s)"
    )


if __name__ == "__main__":
    main()
