"""End to end: the command line on four scenarios of the default organisation, on 2 workers.

The default experiment (``generalist_vs_specialist``) has two scenarios; the target is
4 scenarios x 10,000 replications through the command line on 2 workers within 2
minutes. This script composes a 4-scenario experiment of the default organisation from
the shipped files (the default experiment's generalist and specialist scenarios, and
the segment pods and product pods of ``org_structures``: the same 12 people, market,
pipelines, workforce and customer book; the default experiment's seed and decision), writes it to a
temporary config folder and runs the real command, in a fresh process each time:

    python -m simulator --config-dir TMP experiment=end_to_end runs=N runner.workers=2 hydra.run.dir=TMP/run-N

at two sizes (``--small`` and ``--runs`` replications per scenario). It prints:

- the wall time of the whole command (start-up, composing, loading the compiled engine,
  the replications, tables, plots and report) and replications per second;
- the share of that wall time spent outside the engine. The runner records no timing per
  replication (only the wall time of its replications phase, printed as "N runs in X s"),
  so the engine is timed in this process on the same compiled scenarios, for a sample of
  replications spread over the run's indices: engine time of the run = sum over
  scenarios of (mean engine time of the sampled replications x replications run); its
  share of the wall time is that sum / (workers x wall time). The same is done for the
  whole replication (engine, then the KPI row, monthly series and planning tables the
  worker computes), so the time outside the engine is split into: KPIs in the workers,
  the rest of the replications phase (batches to and from the workers, the results
  store, cores not kept busy), and everything before and after it. This assumes a
  worker runs a replication as fast as this process does alone (on a busy 2-core
  machine it may not: that difference lands in "the rest");
- the parent's peak memory (max RSS, the command's own process; its workers are
  reported apart) at both sizes and their ratio: flat means a ratio near 1
  (``bench_scale.py`` holds a small scenario to < 1.5);
- the time extrapolated to 4 x 10,000 replications from the two sizes (a fixed cost and
  a cost per replication fitted to the two wall times), against the 2-minute target;
- the Numba compile time of the fast engine, cold (an empty cache directory, in a fresh
  process) and from the disk cache (``bench_fast_engine.compile_times``), apart from the
  run time. The runs above start with the cache on disk (this script loads it, or
  compiles it once, first).

Run: python benchmarks/bench_end_to_end.py [--runs 500] [--small 100] [--workers 2] [--sample 8]
     python benchmarks/bench_end_to_end.py --runs 10000     # the full size (measured, not extrapolated)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "end_to_end"
DEFAULT_EXPERIMENT = "generalist_vs_specialist"
EXTRA_FROM = ("org_structures", ("pods_by_segment", "pods_by_product"))
TARGET_RUNS, TARGET_SCENARIOS, TARGET_SECONDS = 10_000, 4, 120.0

# Runs the command line as ``python -m simulator`` does (runpy), and at exit writes the
# peak RSS of this process (the command's parent) and of its largest reaped child (a worker).
CHILD = """
import atexit, json, os, resource, runpy, sys
report, parent = sys.argv.pop(1), os.getpid()
def write():
    if os.getpid() == parent:
        with open(report, "w") as f:
            json.dump({"parent_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                       "worker_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, f)
atexit.register(write)
runpy.run_module("simulator", run_name="__main__", alter_sys=True)
"""
RUNS_LINE = re.compile(r"salesim: (\d+) runs in ([0-9.]+) s")


def experiment_yaml() -> str:
    """The 4-scenario experiment, composed from the shipped experiment files (nothing copied by hand)."""
    shipped = ROOT / "experiments"
    default = yaml.safe_load((shipped / f"{DEFAULT_EXPERIMENT}.yaml").read_text())
    other, names = EXTRA_FROM
    extra = yaml.safe_load((shipped / f"{other}.yaml").read_text())["experiment"]["scenarios"]
    experiment = default["experiment"]
    experiment["name"] = EXPERIMENT
    experiment["question"] = (
        f"Benchmark: the default organisation's 12 people in four structures "
        f"({DEFAULT_EXPERIMENT}'s scenarios and {other}'s {' and '.join(names)})"
    )
    experiment["scenarios"] = {**experiment["scenarios"], **{name: extra[name] for name in names}}
    return "# @package _global_\n" + yaml.safe_dump(default, sort_keys=False)


def write_experiment(folder: Path) -> Path:
    """Write ``experiment/end_to_end.yaml`` under ``folder``; return ``folder`` (for ``--config-dir``)."""
    (folder / "experiment").mkdir(parents=True, exist_ok=True)
    (folder / "experiment" / f"{EXPERIMENT}.yaml").write_text(experiment_yaml())
    return folder


def command(config: Path, runs: int, workers: int, out: Path, report: Path) -> list[str]:
    """The command line run (with the small wrapper that records peak memory at exit)."""
    return [
        sys.executable,
        "-c",
        CHILD,
        str(report),
        "--config-dir",
        str(config),
        f"experiment={EXPERIMENT}",
        f"runs={runs}",
        f"runner.workers={workers}",
        f"hydra.run.dir={out}",
    ]


@dataclass(frozen=True)
class Run:
    """One run of the command line."""

    runs: int  # replications per scenario
    total: int  # replications made
    wall: float  # the whole command, seconds
    runner_wall: float  # its replications phase ("N runs in X s")
    parent_mib: float
    worker_mib: float


def run_command(config: Path, runs: int, workers: int, folder: Path) -> Run:
    """Run the command line once in a fresh process and time it."""
    out, report = folder / f"run-{runs}", folder / f"memory-{runs}.json"
    started = time.perf_counter()
    done = subprocess.run(
        command(config, runs, workers, out, report), cwd=folder, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the command failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    found = RUNS_LINE.search(done.stdout)
    if found is None or not (out / "report.html").is_file():
        raise SystemExit(f"the command did not report its runs or write report.html:\n{done.stdout[-2000:]}")
    memory = json.loads(report.read_text())
    return Run(
        runs,
        int(found[1]),
        wall,
        float(found[2]),
        memory["parent_kib"] / 1024,
        memory["worker_kib"] / 1024,
    )


def engine_sample(config: Path, runs: int, sample: int) -> dict[str, tuple[float, float]]:
    """Per scenario: mean seconds of the engine alone and of the whole replication, over a sample.

    The replications are spread over ``0 .. runs-1`` (the indices the run made), each
    timed once (a mean, not a best: the run pays for every replication).
    """
    import simulator
    from simulator.engines.choice import engine_for, simulate
    from simulator.run.replication import run_replication

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        experiment = simulator.load_experiment(EXPERIMENT, [f"hydra.searchpath=[file://{config}]", f"runs={runs}"])
    indices = sorted({int(r) for r in np.linspace(0, runs - 1, sample)})
    means: dict[str, tuple[float, float]] = {}
    for spec in experiment.scenarios:
        scenario = spec.compile()
        engine = engine_for(scenario)
        simulate(scenario, experiment.seed, indices[0], engine)  # first call of a scenario: not timed
        engine_times, replication_times = [], []
        for r in indices:
            start = time.perf_counter()
            simulate(scenario, experiment.seed, r, engine)
            engine_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_replication(scenario, experiment.seed, r, engine)
            replication_times.append(time.perf_counter() - start)
        means[spec.name] = (float(np.mean(engine_times)), float(np.mean(replication_times)))
        print(
            f"  {spec.name:<16} {engine} engine {means[spec.name][0] * 1e3:6.1f} ms, whole replication "
            f"{means[spec.name][1] * 1e3:6.1f} ms ({len(indices)} replications)"
        )
    return means


def shares(run: Run, means: dict[str, tuple[float, float]], workers: int) -> dict[str, float]:
    """Shares of the command's wall time: engine, KPIs in the workers, rest of the runner, before and after."""
    engine = sum(m[0] for m in means.values()) * run.runs / workers
    replication = sum(m[1] for m in means.values()) * run.runs / workers
    return {
        "engine": engine / run.wall,
        "kpis": (replication - engine) / run.wall,
        "runner_rest": (run.runner_wall - replication) / run.wall,
        "outside_runner": (run.wall - run.runner_wall) / run.wall,
    }


def extrapolate(small: Run | None, large: Run) -> tuple[float, str]:
    """Seconds for 4 x 10,000 replications, and how they were reckoned.

    With two sizes: wall = fixed + per replication x replications, through both points
    (the tables and plots at the end grow with the replications too). With one size, or
    when the two are too close for the fit to give a positive cost per replication: the
    large run's time outside its replications phase, plus that phase scaled to 40,000.
    """
    total = TARGET_RUNS * TARGET_SCENARIOS
    if small is not None and large.total > small.total:
        per = (large.wall - small.wall) / (large.total - small.total)
        fixed = large.wall - per * large.total
        if per > 0:
            return fixed + per * total, f"through both sizes: {fixed:.1f} s + {per * 1e3:.1f} ms a replication"
    outside, per = large.wall - large.runner_wall, large.runner_wall / large.total
    return outside + per * total, f"from 4 x {large.runs:,}: {outside:.1f} s + {per * 1e3:.1f} ms a replication"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500, help="replications per scenario of the main run")
    parser.add_argument("--small", type=int, default=100, help="replications per scenario of the small run (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="runner.workers")
    parser.add_argument("--sample", type=int, default=8, help="replications per scenario timed in this process")
    parser.add_argument("--no-compile", action="store_true", help="skip the cold and cached compile timings")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.small < 0 or args.workers < 1 or args.sample < 1:
        parser.error("--runs, --workers and --sample must be at least 1, --small at least 0")
    if args.small >= args.runs:
        parser.error("--small must be smaller than --runs")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print."""
    args = parse(argv)
    from simulator.engines import fast
    from simulator.model import sampling

    print(f"machine at the start: {load()}")
    on_disk = fast.compiled_on_disk()
    sampling.warm_up()
    fast.warm_up()  # the runs below load the engine from the disk cache, as every run after the first
    print(f"fast engine {'loaded from' if on_disk else 'compiled into'} the disk cache before the runs")
    with tempfile.TemporaryDirectory(prefix="salesim-e2e-") as tmp:
        folder = Path(tmp)
        config = write_experiment(folder / "configs")
        sizes = ([args.small] if args.small else []) + [args.runs]
        done: dict[int, Run] = {}
        for runs in sizes:
            done[runs] = run = run_command(config, runs, args.workers, folder)
            print(
                f"command line, {TARGET_SCENARIOS} scenarios x {runs:,} runs on {args.workers} workers: "
                f"{run.wall:.1f} s, {run.total / run.wall:.1f} replications/s "
                f"(replications phase {run.runner_wall:.1f} s); "
                f"peak memory: parent {run.parent_mib:.0f} MiB, largest worker {run.worker_mib:.0f} MiB"
            )
        print("engine timed in this process on the same scenarios (mean of a sample):")
        means = engine_sample(config, args.runs, args.sample)
    large, small = done[args.runs], done.get(args.small)
    for run in [r for r in (small, large) if r is not None]:
        part = shares(run, means, args.workers)
        print(
            f"4 x {run.runs:,}: engine {part['engine']:.0%} of the wall time, outside the engine "
            f"{1 - part['engine']:.0%}: KPIs and tables in the workers {part['kpis']:.0%}, the rest of the "
            f"replications phase {part['runner_rest']:.0%}, before and after it (start-up, composing, "
            f"loading the engine, tables, plots, report) {part['outside_runner']:.0%}"
        )
    if small is not None:
        ratio = large.parent_mib / small.parent_mib
        print(
            f"parent peak memory, 4 x {large.runs:,} / 4 x {small.runs:,}: {ratio:.2f} "
            f"({large.parent_mib:.0f} vs {small.parent_mib:.0f} MiB; flat is near 1, bench_scale.py holds < 1.5); "
            f"largest worker {large.worker_mib / small.worker_mib:.2f}"
        )
    fitted, how = extrapolate(small, large)
    seconds, words = fitted, f"extrapolated ({how})"
    if large.runs == TARGET_RUNS:
        seconds, words = large.wall, f"measured (the extrapolation says {fitted:.0f} s)"
    print(
        f"4 x {TARGET_RUNS:,} on {args.workers} workers: {seconds:.0f} s, {words}; "
        f"target {TARGET_SECONDS:.0f} s: {seconds / TARGET_SECONDS:.1f}x the target"
    )
    if not args.no_compile:
        from bench_fast_engine import compile_times

        cold, warm = compile_times()
        print(f"Numba compile of the fast engine: {cold:.1f} s cold (empty cache), {warm:.1f} s from the disk cache")
    print(f"machine at the end: {load()}")


if __name__ == "__main__":
    main()
