"""After the engine: a replication's KPIs and tables in a worker, its batch into the store in the parent.

``bench_end_to_end.py`` times whole commands; this script times, in CPU milliseconds a
replication, the three pieces of a run that come after the engine, on the end-to-end
benchmark's four scenarios (the engine's records are computed once first and replayed,
so the engine's own time is left out):

- ``worker``: what a worker does with the engine's records: the KPI row, the monthly
  series and the tidy tables (``reps``, ``monthly_queues``) of every replication of a
  batch (``run_batch``), and the batch pickled to be sent to the parent;
- ``parent, during``: what the parent does with a finished batch while the workers run:
  unpickle it, make its part (``make_part``) and add it to a results store on disk;
- ``parent, after``: what the parent does with the store once every batch is in: read
  the replications table back and print it, the monthly table and the extra tables as
  the output files hold them (``%.10g``), into memory.

Each piece is timed ``--repeat`` times, the least CPU time kept (the least disturbed by
other load on a shared machine). ``--vs CHECKOUT`` measures this checkout and another
one (e.g. ``/work/main``) in turn, in fresh processes, ``--blocks`` times each,
alternating which goes first, and prints both and their ratio (the least of the blocks):

Run: python benchmarks/bench_post_engine.py [--runs 20] [--repeat 5]
     python benchmarks/bench_post_engine.py --vs /work/main --blocks 3
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHILD_FLAG = "--child"
PHASES = ("worker", "parent, during", "parent, after")
BATCH = 10  # replications per batch, as the runner's automatic batch size at full scale
OUTPUT_FLOAT_FORMAT = "%.10g"  # the output tables' float format (simulator.run.csv_text)


def least_cpu(repeat: int, func: Callable[[], object]) -> float:
    """Least CPU time (user and system, this process) of ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def measure(runs: int, repeat: int) -> dict[str, float]:
    """CPU milliseconds a replication of each phase, in this process, with the ``simulator`` on ``sys.path``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    import simulator
    from simulator.engines.choice import engine_for, simulate
    from simulator.run import replication
    from simulator.run.batch import Batch, run_batch
    from simulator.run.csv_text import write_frame
    from simulator.run.parts import make_part
    from simulator.run.store import DirectoryStore

    end_to_end = importlib.import_module("bench_end_to_end")  # its 4-scenario experiment, composed the same way
    with tempfile.TemporaryDirectory(prefix="salesim-post-engine-") as tmp:
        config = end_to_end.write_experiment(Path(tmp) / "configs")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            overrides = [f"hydra.searchpath=[file://{config}]", f"runs={runs}"]
            experiment = simulator.load_experiment(end_to_end.EXPERIMENT, overrides)
        scenarios = [spec.compile() for spec in experiment.scenarios]
        engines = [engine_for(scenario) for scenario in scenarios]
        seed, names = experiment.seed, [scenario.name for scenario in scenarios]
        records = {
            (scenario.name, r): simulate(scenario, seed, r, engine)
            for scenario, engine in zip(scenarios, engines, strict=True)
            for r in range(runs)
        }

        def replay(scenario: Any, seed: int, r: int, engine: str) -> Any:
            return dataclasses.replace(records[scenario.name, r], derived={})  # nothing computed yet

        replication.simulate = replay  # type: ignore[assignment]
        batches = [
            Batch(s, tuple(range(first, min(first + BATCH, runs))))
            for first in range(0, runs, BATCH)
            for s in range(len(scenarios))
        ]
        sent: list[bytes] = []

        def worker() -> None:
            sent[:] = [
                pickle.dumps(run_batch(scenarios[b.scenario_index], seed, b.replications, engines[b.scenario_index]))
                for b in batches
            ]

        def parent_during() -> None:
            store = DirectoryStore(Path(tempfile.mkdtemp(dir=tmp)))
            store.start({"scenario_names": names})
            for batch, message in zip(batches, sent, strict=True):
                store.add(make_part(batch, pickle.loads(message)))

        def parent_after() -> None:
            store = DirectoryStore(last_store)
            write_frame(io.StringIO(), store.replications(names), OUTPUT_FLOAT_FORMAT)
            store.monthly_source(names).write_csv(io.StringIO(), OUTPUT_FLOAT_FORMAT)
            for source in store.table_sources(names).values():
                source.write_csv(io.StringIO(), OUTPUT_FLOAT_FORMAT)

        worker()
        parent_during()
        last_store = Path(tempfile.mkdtemp(dir=tmp))
        store = DirectoryStore(last_store)
        store.start({"scenario_names": names})
        for batch, message in zip(batches, sent, strict=True):
            store.add(make_part(batch, pickle.loads(message)))
        parent_after()
        total = runs * len(scenarios)
        timed = {"worker": worker, "parent, during": parent_during, "parent, after": parent_after}
        return {phase: least_cpu(repeat, timed[phase]) / total * 1e3 for phase in PHASES}


def in_checkout(checkout: Path, runs: int, repeat: int) -> dict[str, float]:
    """:func:`measure` in a fresh process running the code of ``checkout``."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    line = [sys.executable, str(Path(__file__).resolve()), CHILD_FLAG, str(runs), str(repeat)]
    done = subprocess.run(line, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the measurement in {checkout} failed:\n{done.stderr[-3000:]}")
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="replications per scenario")
    parser.add_argument("--repeat", type=int, default=5, help="timings of each phase (the least is kept)")
    parser.add_argument("--vs", type=Path, help="another checkout to measure in turn with this one")
    parser.add_argument("--blocks", type=int, default=3, help="with --vs: measurements of each checkout")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.repeat < 1 or args.blocks < 1:
        parser.error("--runs, --repeat and --blocks must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print."""
    args = parse(argv)
    if args.vs is None:
        for phase, ms in measure(args.runs, args.repeat).items():
            print(f"{phase:<16} {ms:7.2f} ms CPU a replication")
        return
    checkouts = {"this": ROOT, "other": args.vs.resolve()}
    best: dict[str, dict[str, float]] = {label: {} for label in checkouts}
    for block in range(args.blocks):
        order = list(checkouts) if block % 2 == 0 else list(reversed(checkouts))
        for label in order:
            found = in_checkout(checkouts[label], args.runs, args.repeat)
            best[label] = {phase: min(found[phase], best[label].get(phase, found[phase])) for phase in PHASES}
            print(f"block {block + 1}, {label}: " + ", ".join(f"{p} {found[p]:.2f}" for p in PHASES), flush=True)
    sizes = f"least of {args.blocks} blocks x {args.repeat} timings, {args.runs} runs x 4 scenarios"
    print(f"CPU ms a replication, {sizes}")
    print(f"{'phase':<16} {'this':>8} {'other':>8} {'this/other':>10}   (this: {ROOT}; other: {checkouts['other']})")
    for phase in (*PHASES, "total"):
        mine = sum(best["this"].values()) if phase == "total" else best["this"][phase]
        theirs = sum(best["other"].values()) if phase == "total" else best["other"][phase]
        print(f"{phase:<16} {mine:8.2f} {theirs:8.2f} {mine / theirs:10.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == CHILD_FLAG:
        print(json.dumps(measure(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        main()
