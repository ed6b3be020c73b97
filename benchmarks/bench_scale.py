"""Scale benchmark: the parent's memory stays flat with the results store; Dask against local.

1. Peak memory (max RSS) of the parent process running a small one-scenario experiment
   the way the command line does (results streamed to the run directory's store, tables,
   plots and report written at the end), at 500 and at 10,000 replications, each in a
   fresh process. Worker processes are not counted: they are children, and their memory
   does not grow with the number of replications either. Target: ratio < 1.5.
2. Wall time of the default experiment (2 scenarios) on the Dask backend against the
   local backend (a fork pool with one worker per core): on a LocalCluster the runner
   starts (cluster start and the workers' imports included), and on a warm LocalCluster
   reached through ``runner.address`` (what a long-lived cluster costs per run); the
   tables are identical.

Run: python benchmarks/bench_scale.py [--small 500] [--large 10000] [--runs 60] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import simulator
from simulator.report.session import run_and_write
from simulator.run.settings import RunnerSettings
from simulator.run.workers import available_workers

ROOT = Path(__file__).resolve().parents[1]


def small_config(runs: int) -> dict[str, Any]:
    """A small scenario: one pipeline stage, about 60 leads a replication, a 30-day window."""
    return {
        "seed": 7,
        "runs": runs,
        "experiment": {"name": "small", "question": "How does memory scale with replications?"},
        "market": {
            "name": "small",
            "sources": {"inbound": {"leads_per_month": 40}},
            "seasonality": [1.0] * 12,
            "segments": {"all": 1.0},
            "deal_value": {"dist": "lognormal", "median": 20000, "p90": 60000},
            "buying_circle": {"dist": "constant", "value": 3},
        },
        "pipeline": {
            "name": "one_stage",
            "stages": [
                {
                    "name": "close",
                    "role": "ae",
                    "effort_hours": {"dist": "exponential", "mean": 2.0},
                    "delay_days": 1,
                    "conversion": 0.3,
                }
            ],
        },
        "org": {"name": "small", "teams": {"ae": {"role": "ae", "headcount": 2}}, "default_team": "ae"},
        "clock": {"horizon_days": 30, "warmup_days": 0},
    }


def child_peak_memory(runs: int) -> None:
    """Run the small experiment in this process as the command line would; print JSON with max RSS."""
    experiment = simulator.experiment_from_dict(small_config(runs))
    with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
        started = time.perf_counter()
        result = run_and_write(experiment, Path(out), settings=RunnerSettings(progress=False))
        wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"runs": len(result.replications), "peak_mib": peak_kib / 1024, "wall": wall}))


def peak_memory(runs: int) -> dict[str, Any]:
    """Measure the peak memory of a fresh process running ``runs`` replications."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(runs)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _timed(experiment: simulator.Experiment, settings: RunnerSettings) -> tuple[float, simulator.ExperimentResult]:
    started = time.perf_counter()
    result = simulator.run_experiment(experiment, settings=settings)
    return time.perf_counter() - started, result


def backend_speed(runs: int, repeat: int) -> None:
    """Time the default experiment on the local backend and on Dask (a new and a warm LocalCluster).

    Local and warm-Dask runs alternate and the best of ``repeat`` is kept, so a burst of
    load from other processes does not land on one backend only.
    """
    from distributed import LocalCluster

    workers = available_workers()
    experiment = simulator.load_experiment(overrides=[f"runs={runs}"])
    new, fresh = _timed(experiment, RunnerSettings(backend="dask", workers=workers))
    local_times, warm_times = [], []
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster:
        warm_settings = RunnerSettings(backend="dask", address=cluster.scheduler_address)
        _timed(experiment, warm_settings)  # workers import salesim and load the Numba kernels
        for _ in range(repeat):
            elapsed, reference = _timed(experiment, RunnerSettings(workers=workers))
            local_times.append(elapsed)
            elapsed, reused = _timed(experiment, warm_settings)
            warm_times.append(elapsed)
    local, warm = min(local_times), min(warm_times)
    same = all(reference.replications.equals(r.replications) for r in (fresh, reused))
    print(f"default experiment, 2 scenarios x {runs} runs, {workers} workers (best of {repeat}, alternated):")
    print(f"  local backend (fork pool):                  {local:.1f} s  (all: {_seconds(local_times)})")
    print(f"  Dask, warm LocalCluster via runner.address: {warm:.1f} s  (all: {_seconds(warm_times)})")
    print(f"  Dask, new LocalCluster (start included):    {new:.1f} s  (once)")
    print(f"  Dask / local: warm cluster {warm / local:.2f}, new cluster {new / local:.2f}; identical tables: {same}")


def _seconds(times: list[float]) -> str:
    return ", ".join(f"{t:.1f}" for t in times)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=500, help="replications of the small run")
    parser.add_argument("--large", type=int, default=10_000, help="replications of the large run")
    parser.add_argument("--runs", type=int, default=60, help="replications per scenario for the speed test")
    parser.add_argument("--repeat", type=int, default=3, help="alternated timings of each backend")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_peak_memory(args.child)
        return
    small, large = peak_memory(args.small), peak_memory(args.large)
    ratio = large["peak_mib"] / small["peak_mib"]
    print("parent peak memory (max RSS), small one-stage scenario, results streamed to the store:")
    for figures in (small, large):
        print(f"  {figures['runs']:>6,} replications: {figures['peak_mib']:.0f} MiB ({figures['wall']:.1f} s)")
    print(f"  ratio {large['runs']:,} / {small['runs']:,}: {ratio:.2f} (target < 1.5)")
    backend_speed(args.runs, args.repeat)


if __name__ == "__main__":
    main()
