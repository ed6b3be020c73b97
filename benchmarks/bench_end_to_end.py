"""End to end: the command line on four scenarios of the default organisation, on 2 workers.

The default experiment (``generalist_vs_specialist``) has two scenarios; the target is
4 scenarios x 10,000 replications through the command line on 2 workers within 2
minutes. This script composes a 4-scenario experiment of the default organisation from
the shipped files (the default experiment's generalist and specialist scenarios, and the
segment pods and product pods of ``org_structures``: the same 12 people, market,
pipelines, workforce and customer book; the default experiment's seed and decision),
writes it to a temporary config folder and runs the real command in a fresh process,
at two sizes (``--small`` and ``--runs`` replications per scenario):

    python -m simulator --config-dir TMP experiment=end_to_end runs=N runner.workers=2 hydra.run.dir=TMP/run-N

(run the way ``python -m simulator`` runs it, through ``runpy``, by this script's
``--child`` mode, which adds the timers and memory readings below). It prints:

- the wall time of the whole command (start-up, composing, loading the compiled engine,
  the replications, tables, plots and report) and replications per second;
- the share of that wall time spent outside the engine. The runner records no time per
  replication (only the wall time of its replications phase, printed as "N runs in X
  s"), so the child wraps the engine call (``simulate``, in the workers) and the whole
  replication (engine, then the KPI row, monthly series and planning tables) in timers
  and appends one line per replication to a file (a few microseconds a replication).
  Time inside the engine = the sum of the engine's wall times over every replication;
  its share = that sum / (workers x wall time of the command). The rest is split into:
  KPIs and tables in the workers, the rest of the replications phase (batches to and
  from the workers, the results store, a core left idle), and everything before and
  after that phase. The workers' CPU time over wall time inside replications says how
  much of a core they had (another process on the machine takes the rest);
- the same in CPU time, which holds on a shared machine where wall times do not: the
  engine's and the KPIs' CPU time a replication in the workers (from the same timers),
  and the parent's CPU time a replication during the replications phase (batches into
  the results store) and after it (tables, plots, report), fitted through both sizes;
- as a reference, the engine timed in this process, alone, on the same compiled
  scenarios for a sample of the run's replications (``--sample``): the engine time the
  run would have had on idle cores, and the share derived from it (sum over scenarios
  of mean sampled time x replications, / (workers x wall));
- the parent's peak memory (max RSS of the command's own process; its largest worker
  apart) at the end of the replications phase and over the whole command (tables, plots
  and report at the end included), at both sizes, and the ratio large / small: flat is
  near 1 (``bench_scale.py`` holds a small scenario to < 1.5), and the parent's peak at
  4 x 10,000 were it to grow linearly; the results store's size on disk;
- the time extrapolated to 4 x 10,000 replications, against the 2-minute target: the
  large run's replications phase scaled, plus the time before and after it fitted
  through both sizes (a fixed cost and a cost per replication: reading the store back,
  tables and plots grow with the replications); the same with the replications phase
  shortened to the workers' CPU share (what it would take were each worker on a core of
  its own, the machine otherwise idle); and the time the engine alone would take at
  the speed measured in this process;
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
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "end_to_end"
DEFAULT_EXPERIMENT = "generalist_vs_specialist"
EXTRA_FROM = ("org_structures", ("pods_by_segment", "pods_by_product"))
TARGET_RUNS, TARGET_SCENARIOS, TARGET_SECONDS = 10_000, 4, 120.0
CHILD_FLAG = "--child"
RUNS_LINE = re.compile(r"salesim: ([0-9,]+) runs? in ([0-9.]+) s")  # the count as the command prints it: 4,000


def runs_made(stdout: str) -> tuple[int, float] | None:
    """The runs the command made and its replications phase's seconds (its line ``salesim: 4,000 runs in 84.1 s``)."""
    found = RUNS_LINE.search(stdout)
    return (int(found[1].replace(",", "")), float(found[2])) if found else None


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
    """The command line, run by this script's child mode (which writes ``report`` and its timings)."""
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        CHILD_FLAG,
        str(report),
        "--config-dir",
        str(config),
        f"experiment={EXPERIMENT}",
        f"runs={runs}",
        f"runner.workers={workers}",
        f"hydra.run.dir={out}",
    ]


def _high_water_kib() -> int:
    """This process's peak RSS so far (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    """This process's CPU time so far (user and system), seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(report: Path, cli_args: list[str]) -> None:
    """Run the command line as ``python -m simulator`` does, timing each replication; write ``report`` at exit.

    Timings go to ``report`` with the suffix ``.replications``: one line per replication,
    written by the worker that ran it: engine wall and CPU seconds, replication wall and
    CPU seconds. The workers are forked from this process, so they carry the timers.
    """
    import atexit
    import runpy

    from simulator.run import batch, replication, runner

    parent, lines = os.getpid(), report.with_suffix(".replications")
    simulate, run_replication, rounds = replication.simulate, batch.run_replication, runner._Run.rounds
    engine = [0.0, 0.0]
    memory: dict[str, float] = {}  # KiB and CPU seconds

    def timed_simulate(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        run = simulate(*args, **kwargs)
        engine[:] = [time.perf_counter() - wall, time.process_time() - cpu]
        return run

    def timed_replication(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_replication(*args, **kwargs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        with lines.open("a") as out:  # one short line, appended: the workers' lines do not mix
            out.write(f"{engine[0]:.6f} {engine[1]:.6f} {wall:.6f} {cpu:.6f}\n")
        return result

    def timed_rounds(self: Any, *args: Any, **kwargs: Any) -> Any:
        targets = rounds(self, *args, **kwargs)
        memory["replications_phase_kib"] = _high_water_kib()
        memory["phase_cpu"] = _cpu_seconds()
        return targets

    def write() -> None:
        if os.getpid() == parent:
            memory["parent_kib"] = _high_water_kib()
            memory["exit_cpu"] = _cpu_seconds()
            memory["worker_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            report.write_text(json.dumps(memory))

    replication.simulate = timed_simulate
    batch.run_replication = timed_replication
    runner._Run.rounds = timed_rounds  # type: ignore[method-assign]
    atexit.register(write)
    sys.argv = ["simulator", *cli_args]
    runpy.run_module("simulator", run_name="__main__", alter_sys=True)


@dataclass(frozen=True)
class Run:
    """One run of the command line."""

    runs: int  # replications per scenario
    total: int  # replications made
    wall: float  # the whole command, seconds
    runner_wall: float  # its replications phase ("N runs in X s")
    engine: float  # sum of the engine's wall times over the replications, seconds
    replication: float  # sum of the replications' wall times (engine and KPIs)
    cpu_share: float  # the workers' CPU time / wall time inside replications
    phase_mib: float  # parent peak RSS at the end of the replications phase
    parent_mib: float  # parent peak RSS over the whole command
    worker_mib: float  # the largest worker's peak RSS
    store_mb: float  # the results store on disk
    engine_cpu: float = 0.0  # sum of the engine's CPU times over the replications, seconds
    replication_cpu: float = 0.0  # sum of the replications' CPU times (engine and KPIs)
    phase_cpu: float = 0.0  # the parent's CPU time at the end of the replications phase (start-up included)
    exit_cpu: float = 0.0  # the parent's CPU time over the whole command


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
    made = runs_made(done.stdout)
    if made is None or not (out / "report.html").is_file():
        raise SystemExit(f"the command did not report its runs or write report.html:\n{done.stdout[-2000:]}")
    total, runner_wall = made
    memory = json.loads(report.read_text())
    timings = np.loadtxt(report.with_suffix(".replications"), ndmin=2)
    if timings.shape[0] != total:
        raise SystemExit(f"{timings.shape[0]} replications timed, the command made {total}")
    store = sum(p.stat().st_size for p in (out / "store").rglob("*") if p.is_file())
    return Run(
        runs=runs,
        total=total,
        wall=wall,
        runner_wall=runner_wall,
        engine=float(timings[:, 0].sum()),
        replication=float(timings[:, 2].sum()),
        cpu_share=float(timings[:, 3].sum() / timings[:, 2].sum()),
        phase_mib=memory["replications_phase_kib"] / 1024,
        parent_mib=memory["parent_kib"] / 1024,
        worker_mib=memory["worker_kib"] / 1024,
        store_mb=store / 1e6,
        engine_cpu=float(timings[:, 1].sum()),
        replication_cpu=float(timings[:, 3].sum()),
        phase_cpu=float(memory.get("phase_cpu", 0.0)),
        exit_cpu=float(memory.get("exit_cpu", 0.0)),
    )


def engine_sample(config: Path, runs: int, sample: int) -> dict[str, tuple[float, float]]:
    """Per scenario: mean seconds of the engine alone and of the whole replication, in this process.

    The replications are spread over ``0 .. runs-1`` (indices the run made), each timed
    once (a mean, not a best: the run pays for every replication).
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


def shares(run: Run, workers: int) -> dict[str, float]:
    """Shares of the command's wall time: engine, KPIs in the workers, rest of the runner, before and after."""
    engine, replication = run.engine / workers, run.replication / workers
    return {
        "engine": engine / run.wall,
        "kpis": (replication - engine) / run.wall,
        "runner_rest": (run.runner_wall - replication) / run.wall,
        "outside_runner": (run.wall - run.runner_wall) / run.wall,
    }


def sampled_engine_share(run: Run, means: dict[str, tuple[float, float]], workers: int) -> float:
    """The engine's share of the wall time had every replication taken the sampled (idle-core) mean."""
    return sum(m[0] for m in means.values()) * run.runs / workers / run.wall


def extrapolate(small: Run | None, large: Run) -> tuple[float, str]:
    """Seconds for 4 x 10,000 replications, and how they were reckoned.

    The replications phase grows with the replications: the large run's, scaled. The
    time before and after it (start-up and composing are fixed; reading the store back,
    tables and plots grow) is fitted through both sizes, fixed + per replication (with
    one size, or a fit that does not grow: the large run's, unchanged). The phase comes
    from one run, so a change of load between the two runs does not bend the fit.
    """
    total = TARGET_RUNS * TARGET_SCENARIOS
    phase = large.runner_wall / large.total * total
    outside_large = large.wall - large.runner_wall
    outside, how = outside_large, f"as in 4 x {large.runs:,}"
    if small is not None and large.total > small.total:
        per = (outside_large - (small.wall - small.runner_wall)) / (large.total - small.total)
        if per > 0:
            fixed = outside_large - per * large.total
            outside = fixed + per * total
            how = f"through both sizes, {fixed:.1f} s + {per * 1e3:.2f} ms a replication"
    words = (
        f"replications phase of 4 x {large.runs:,} scaled: {phase:.0f} s; before and after it {outside:.0f} s ({how})"
    )
    return phase + outside, words


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


def report_run(run: Run, workers: int) -> None:
    part = shares(run, workers)
    print(
        f"command line, {TARGET_SCENARIOS} scenarios x {run.runs:,} runs on {workers} workers: {run.wall:.1f} s, "
        f"{run.total / run.wall:.1f} replications/s (replications phase {run.runner_wall:.1f} s)"
    )
    print(
        f"  engine {part['engine']:.0%} of the wall time ({run.engine / run.total * 1e3:.1f} ms a replication in "
        f"the workers); outside the engine {1 - part['engine']:.0%}: KPIs and tables in the workers "
        f"{part['kpis']:.0%}, the rest of the replications phase {part['runner_rest']:.0%}, before and after it "
        f"(start-up, composing, loading the engine; reading the store, tables, plots, report) "
        f"{part['outside_runner']:.0%}; the workers had {run.cpu_share:.0%} of a core inside replications"
    )
    print(
        f"  CPU time a replication (holds on a shared machine, where wall times do not): engine "
        f"{run.engine_cpu / run.total * 1e3:.2f} ms, KPIs and tables in the workers "
        f"{(run.replication_cpu - run.engine_cpu) / run.total * 1e3:.2f} ms; the parent's CPU "
        f"{run.phase_cpu:.1f} s up to the end of the replications phase, {run.exit_cpu - run.phase_cpu:.1f} s after it"
    )
    print(
        f"  parent peak memory {run.phase_mib:.0f} MiB at the end of the replications phase, {run.parent_mib:.0f} MiB "
        f"over the command; largest worker {run.worker_mib:.0f} MiB; results store {run.store_mb:.0f} MB"
    )


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
        done: dict[int, Run] = {}
        for runs in ([args.small] if args.small else []) + [args.runs]:
            done[runs] = run_command(config, runs, args.workers, folder)
            report_run(done[runs], args.workers)
        print(f"reference: the engine timed in this process, alone, on the same scenarios ({load()}):")
        means = engine_sample(config, args.runs, args.sample)
    large, small = done[args.runs], done.get(args.small)
    for run in [r for r in (small, large) if r is not None]:
        in_run = run.engine / run.total
        alone = sum(m[0] for m in means.values()) / len(means)
        print(
            f"  4 x {run.runs:,}: engine share {sampled_engine_share(run, means, args.workers):.0%} of the wall time "
            f"from the sample ({shares(run, args.workers)['engine']:.0%} measured in the run); a replication's "
            f"engine took {in_run / alone:.2f}x as long in the run as here alone"
        )
    if small is not None:
        print(
            f"parent peak memory, 4 x {large.runs:,} / 4 x {small.runs:,}: over the command "
            f"{large.parent_mib / small.parent_mib:.2f} ({large.parent_mib:.0f} vs {small.parent_mib:.0f} MiB); "
            f"at the end of the replications phase {large.phase_mib / small.phase_mib:.2f} "
            f"({large.phase_mib:.0f} vs {small.phase_mib:.0f} MiB); largest worker "
            f"{large.worker_mib / small.worker_mib:.2f}; flat is near 1 (bench_scale.py holds < 1.5)"
        )
        growth = (large.parent_mib - small.parent_mib) / (large.total - small.total)
        at_target = large.parent_mib + growth * (TARGET_RUNS * TARGET_SCENARIOS - large.total)
        if growth > 0:
            print(
                f"  the parent grows by {growth * 1024:.0f} KiB a replication over the command: "
                f"{at_target / 1024:.1f} GiB at 4 x {TARGET_RUNS:,} if it stays linear"
            )
    if small is not None:
        more = large.total - small.total
        during = (large.phase_cpu - small.phase_cpu) / more
        after = (large.exit_cpu - large.phase_cpu - (small.exit_cpu - small.phase_cpu)) / more
        print(
            f"parent CPU a replication, through both sizes: {during * 1e3:.2f} ms during the replications phase "
            f"(batches into the store), {after * 1e3:.2f} ms after it (tables, plots, report)"
        )
    fitted, how = extrapolate(small, large)
    seconds, words = fitted, f"extrapolated ({how})"
    if large.runs == TARGET_RUNS:
        seconds, words = large.wall, f"measured (the extrapolation says {fitted:.0f} s)"
    engine_alone = sum(m[0] for m in means.values()) / len(means) * TARGET_RUNS * TARGET_SCENARIOS / args.workers
    own_cores = seconds - large.runner_wall / large.total * TARGET_RUNS * TARGET_SCENARIOS * (1 - large.cpu_share)
    print(
        f"4 x {TARGET_RUNS:,} on {args.workers} workers: {seconds:.0f} s, {words}; target {TARGET_SECONDS:.0f} s: "
        f"{seconds / TARGET_SECONDS:.1f}x the target"
    )
    print(
        f"  had each worker had a core of its own (the replications phase x the workers' CPU share "
        f"{large.cpu_share:.0%}): {own_cores:.0f} s, {own_cores / TARGET_SECONDS:.1f}x; the engine alone, at the speed "
        f"measured in this process: {engine_alone:.0f} s, {engine_alone / TARGET_SECONDS:.1f}x"
    )
    if not args.no_compile:
        from bench_fast_engine import compile_times

        cold, warm = compile_times()
        print(f"Numba compile of the fast engine: {cold:.1f} s cold (empty cache), {warm:.1f} s from the disk cache")
    print(f"machine at the end: {load()}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == CHILD_FLAG:
        child(Path(sys.argv[2]), sys.argv[3:])
    else:
        main()
