"""Run the replications of an experiment: in-process or on local worker processes.

Work is sent in batches of replications (a task should take about a second: a few
replications), results stream back as batches finish and are put back in
(scenario, replication) order, so the tables are identical whatever the number of
workers. A replication that raises becomes a :class:`ReplicationFailure` carrying its
scenario, index, seed and traceback; the others still finish. If a worker process
dies, the pool is rebuilt and the unfinished batches are sent again.
"""

from __future__ import annotations

import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
import pandas as pd

from simulator.config.errors import ConfigIssue
from simulator.model import sampling
from simulator.model.scenario import Scenario
from simulator.run.experiment import Experiment, ExperimentResult, ReplicationFailure
from simulator.run.replication import ReplicationResult, run_replication

Outcome = ReplicationResult | ReplicationFailure
ProgressCallback = Callable[[int], None]
MAX_POOL_RESTARTS = 3
# Fork is the fastest start (workers inherit the imported modules and the compiled Numba
# kernels) and is safe here because the parent runs no threads when the pool starts.
# Elsewhere (macOS, Windows) spawn is the only safe choice.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


@dataclass(frozen=True, slots=True)
class Batch:
    """Replications of one scenario sent to a worker together."""

    scenario_index: int
    replications: tuple[int, ...]


BACKENDS = ("local",)


def check_runner_settings(backend: object, workers: object, batch_size: object) -> list[ConfigIssue]:
    """Issues with the ``runner`` config group (checked before anything runs)."""
    issues: list[ConfigIssue] = []
    if backend not in BACKENDS:
        issues.append(ConfigIssue("runner.backend", backend, f"must be one of {BACKENDS}"))
    for key, value in (("runner.workers", workers), ("runner.batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            issues.append(ConfigIssue(key, value, "must be a whole number >= 0 (0 = automatic)"))
    return issues


def available_workers() -> int:
    """Cores this process may use (respects CPU affinity, e.g. under SLURM)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """``None`` or 0 means every available core."""
    return available_workers() if not workers else max(1, int(workers))


def plan_batches(n_scenarios: int, runs: int, workers: int, batch_size: int | None = None) -> list[Batch]:
    """Split the work into batches, interleaving scenarios so early results cover all of them."""
    if batch_size is None or batch_size < 1:
        # Several batches per worker keep the cores busy to the end; ~10 replications
        # (about a second) per task keep the per-task overhead small.
        batch_size = max(1, min(10, math.ceil(runs / (4 * workers))))
    batches: list[Batch] = []
    for start in range(0, runs, batch_size):
        chunk = tuple(range(start, min(runs, start + batch_size)))
        batches.extend(Batch(s, chunk) for s in range(n_scenarios))
    return batches


def run_batch(scenario: Scenario, seed: int, replications: Sequence[int]) -> list[Outcome]:
    """Run replications of one scenario; a replication that raises is returned as a failure."""
    outcomes: list[Outcome] = []
    for r in replications:
        try:
            outcomes.append(run_replication(scenario, seed, r))
        except Exception as error:
            outcomes.append(
                ReplicationFailure(scenario.name, r, seed, f"{type(error).__name__}: {error}", traceback.format_exc())
            )
    return outcomes


def _run_in_process(
    scenarios: Sequence[Scenario], seed: int, batches: Iterable[Batch], on_progress: ProgressCallback
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for batch in batches:
        done = run_batch(scenarios[batch.scenario_index], seed, batch.replications)
        outcomes.extend(done)
        on_progress(len(done))
    return outcomes


def _run_on_pool(
    scenarios: Sequence[Scenario], seed: int, batches: list[Batch], workers: int, on_progress: ProgressCallback
) -> list[Outcome]:
    sampling.warm_up()  # compile or load the Numba cache once, before workers start
    outcomes: list[Outcome] = []
    pending = list(batches)
    restarts = 0
    while pending:
        context = get_context(START_METHOD)
        with ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=context) as pool:
            futures: dict[Future[list[Outcome]], Batch] = {
                pool.submit(run_batch, scenarios[b.scenario_index], seed, b.replications): b for b in pending
            }
            finished: list[Batch] = []
            try:
                for future in as_completed(futures):
                    done = future.result()
                    outcomes.extend(done)
                    finished.append(futures[future])
                    on_progress(len(done))
            except BrokenProcessPool:
                restarts += 1
                pending = [b for b in pending if b not in finished]
                if restarts > MAX_POOL_RESTARTS:
                    outcomes.extend(_dead_worker_failures(scenarios, seed, pending))
                    on_progress(sum(len(b.replications) for b in pending))
                    break
                continue
            pending = []
    return outcomes


def _dead_worker_failures(scenarios: Sequence[Scenario], seed: int, batches: Iterable[Batch]) -> list[Outcome]:
    return [
        ReplicationFailure(scenarios[b.scenario_index].name, r, seed, "worker process died", "")
        for b in batches
        for r in b.replications
    ]


def _extra_tables(results: list[ReplicationResult]) -> dict[str, pd.DataFrame]:
    """Concatenate each replication's tidy extra tables, keyed by scenario and replication."""
    frames: dict[str, list[pd.DataFrame]] = {}
    for o in results:
        for name, columns in o.tables.items():
            frame = pd.DataFrame(columns)
            frame.insert(0, "replication", o.replication)
            frame.insert(0, "scenario", o.scenario)
            frames.setdefault(name, []).append(frame)
    return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}


def _tables(experiment: Experiment, outcomes: list[Outcome]) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = {spec.name: i for i, spec in enumerate(experiment.scenarios)}
    results = sorted(
        (o for o in outcomes if isinstance(o, ReplicationResult)), key=lambda o: (order[o.scenario], o.replication)
    )
    rows = [{"scenario": o.scenario, "replication": o.replication, **o.kpis} for o in results]
    replications = pd.DataFrame(rows)
    monthly_rows = []
    for o in results:
        cumulative = np.cumsum(o.monthly.bookings)
        for m in range(len(o.monthly.bookings)):
            monthly_rows.append(
                {
                    "scenario": o.scenario,
                    "replication": o.replication,
                    "month": m,
                    "bookings": o.monthly.bookings[m],
                    "deals_won": o.monthly.deals_won[m],
                    "leads": o.monthly.leads[m],
                    "open_at_month_end": o.monthly.open_at_month_end[m],
                    "cumulative_bookings": cumulative[m],
                    **{name: values[m] for name, values in o.monthly.columns.items()},
                }
            )
    return replications, pd.DataFrame(monthly_rows)


def run_replications(
    experiment: Experiment,
    workers: int | None = None,
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> ExperimentResult:
    """Validate and run every replication of every scenario; the result has no summary yet.

    Args:
        experiment: Scenarios, baseline, seed and runs.
        workers: Worker processes; ``1`` runs in this process, ``None`` or ``0`` uses
            every available core. Results do not depend on it.
        batch_size: Replications per task; ``None`` picks one.
        on_progress: Called with the number of replications just finished.

    Raises:
        ConfigError: If the experiment or a scenario is invalid (nothing is run).
    """
    experiment.validate()
    scenarios = [spec.compile() for spec in experiment.scenarios]
    n_workers = resolve_workers(workers)
    batches = plan_batches(len(scenarios), experiment.runs, n_workers, batch_size)
    progress = on_progress or (lambda _n: None)
    started = time.perf_counter()
    if n_workers == 1:
        outcomes = _run_in_process(scenarios, experiment.seed, batches, progress)
    else:
        outcomes = _run_on_pool(scenarios, experiment.seed, batches, n_workers, progress)
    wall = time.perf_counter() - started
    replications, monthly = _tables(experiment, outcomes)
    failures = sorted(
        (o for o in outcomes if isinstance(o, ReplicationFailure)), key=lambda f: (f.scenario, f.replication)
    )
    empty = pd.DataFrame()  # summaries and comparisons are the analysis layer's work
    results = sorted(
        (o for o in outcomes if isinstance(o, ReplicationResult)),
        key=lambda o: ([s.name for s in experiment.scenarios].index(o.scenario), o.replication),
    )
    return ExperimentResult(
        experiment, replications, monthly, empty, empty, failures, wall, n_workers, _extra_tables(results)
    )
