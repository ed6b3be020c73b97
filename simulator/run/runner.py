"""Run the replications of an experiment on a backend, streaming results to a store.

Work is sent in batches of replications (:mod:`simulator.run.batch`) to a backend: this
process, local worker processes (:mod:`simulator.run.local_backend`) or a Dask cluster
(:mod:`simulator.run.dask_backend`). Each finished batch goes straight into the results
store (:mod:`simulator.run.store`), in the run directory when there is one, and the
tables are read back from it at the end, in (scenario, replication) order: the numbers
are identical whatever the backend, the number of workers or the batch size, and
whether the run was interrupted and resumed.

An interrupt (Ctrl-C, or SIGTERM turned into one by the caller) stops the running
batches at once, keeps every finished replication in the store and raises
:class:`RunInterrupted`; a run with ``resume=True`` in the same directory first checks
every part of the store against its manifest entry (a damaged part is computed again,
with a note), then computes the missing replications and tries the failed ones again.

With a precision goal (``runs=auto``) replications are added in rounds: after each
round, every scenario whose KPI mean is not yet known within the target gets more, up
to ``max_runs``; then every scenario is brought up to the largest count, so that all
are compared on the same runs. Decisions are taken only between rounds, from replications
``0 .. n-1``, so they do not depend on the backend or on the order batches finish.
"""

from __future__ import annotations

import difflib
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.engines.choice import ENGINES, engine_for, fallback_notes
from simulator.io.output_dir import UnwritableOutputError, reason
from simulator.model.scenario import Scenario
from simulator.run.batch import Batch, Outcome, batches_for, run_batch
from simulator.run.dask_backend import DaskBackend, SchedulerLostError, check_scheduler
from simulator.run.dask_install import DASK_LOG
from simulator.run.experiment import Experiment, ExperimentResult, PrecisionGoal
from simulator.run.local_backend import InProcessBackend, PoolBackend
from simulator.run.memory_store import MemoryStore
from simulator.run.paired_runs import WithoutRuns, failed_runs, left_out_partners, without_runs
from simulator.run.parts import Part, make_part
from simulator.run.replication import ReplicationResult
from simulator.run.store import DirectoryStore
from simulator.run.store_record import deciding_config
from simulator.run.workers import resolve_workers

ProgressCallback = Callable[[int], None]
NoteCallback = Callable[[str], None]
Measure = Callable[[np.ndarray, np.ndarray], float]
"""Relative half-width of the 95% CI of a sample's mean (NaN when it has none), from its values and replications;
negative when no number of runs can bring it to the target (runs on a calibrated company's parameter draws)."""

Backend = InProcessBackend | PoolBackend | DaskBackend
"""The Dask cluster's log, in the run directory (kept off the terminal)."""
GROWTH_MIN, GROWTH_MAX = 1.25, 4.0
"""Bounds on how much a round of ``runs=auto`` multiplies a scenario's replications."""


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by an interrupt, or by losing its Dask scheduler; the finished batches are kept in the store.

    Attributes:
        done: Replications finished and kept (succeeded or failed).
        total: Replications the run was to make (None with ``runs=auto``).
        location: Where the finished replications are kept.
        reason: Empty for an interrupt; what stopped the run otherwise (the scheduler lost).
    """

    def __init__(self, done: int, total: int | None, location: str, reason: str = "") -> None:
        super().__init__(f"{reason or 'interrupted'}: {done} replications done, kept in {location}")
        self.done, self.total, self.location, self.reason = done, total, location, reason


def fingerprint(experiment: Experiment) -> dict[str, Any]:
    """What decides a run's numbers: compared when a run is resumed.

    The resolved config without the runner keys that only say where and how fast to run.
    """
    return {
        **deciding_config(experiment.resolved_config),
        "seed": experiment.seed,
        "runs": "auto" if experiment.precision else experiment.runs,
        "scenario_names": [spec.name for spec in experiment.scenarios],
        "baseline": experiment.baseline,
        "precision": asdict(experiment.precision) if experiment.precision else None,
    }


def _backend(
    scenarios: Sequence[Scenario],
    seed: int,
    backend: str,
    address: str | None,
    workers: int,
    log: Path | None,
    engines: Sequence[str],
    on_note: NoteCallback | None = None,
) -> Backend:
    if backend == "dask":
        return DaskBackend(scenarios, seed, address, workers, log, engines)
    if backend != "local":
        raise ConfigError.single("runner.backend", backend, "must be one of local, dask")
    if workers == 1:
        return InProcessBackend(scenarios, seed, engines)
    return PoolBackend(scenarios, seed, workers, engines, on_note)


def choose_engines(scenarios: Sequence[Scenario], engine: str, on_note: NoteCallback) -> list[str]:
    """The engine of each scenario under ``runner.engine``; one note per scenario ``auto`` sends to SimPy.

    Raises:
        ConfigError: For an unknown engine, or ``fast`` with a scenario the fast engine does not cover.
    """
    if engine not in ENGINES:
        raise ConfigError.single("runner.engine", engine, f"must be one of {', '.join(ENGINES)}")
    chosen = []
    for scenario in scenarios:
        try:
            chosen.append(engine_for(scenario, engine))
        except ValueError as error:
            raise ConfigError.single("runner.engine", engine, f"{error}; use auto or simpy") from None
    for note in fallback_notes(list(scenarios)) if engine == "auto" else []:
        on_note(note)
    return chosen


def next_target(goal: PrecisionGoal, runs: int, half_width: float) -> int:
    """Replications a scenario should have after the next round of ``runs=auto``.

    A CI's half-width shrinks like ``1/sqrt(n)``, so ``n (w / target)^2`` runs should
    reach the target; a round grows a scenario by 1.25x to 4x, never beyond ``max_runs``.
    Returns ``runs`` when the target is reached or ``max_runs`` is, or when more runs
    cannot reach it (a negative ``half_width``, see :data:`Measure`).
    """
    if (math.isfinite(half_width) and half_width <= goal.relative_half_width) or runs >= goal.max_runs:
        return runs
    if math.isfinite(half_width) and half_width > 0:
        estimate = math.ceil(runs * (half_width / goal.relative_half_width) ** 2)
    else:
        estimate = 2 * runs  # no estimate yet (too few values or a zero mean): double
    grown = max(math.ceil(runs * GROWTH_MIN), min(estimate, math.ceil(runs * GROWTH_MAX)))
    return min(goal.max_runs, grown)


class _Run:
    """One call of :func:`run_replications`: the store, the backend and the rounds."""

    def __init__(
        self,
        experiment: Experiment,
        scenarios: list[Scenario],
        store: DirectoryStore | MemoryStore,
        batch_size: int | None,
        progress: ProgressCallback,
    ) -> None:
        self.experiment, self.scenarios, self.store = experiment, scenarios, store
        self.batch_size, self.progress = batch_size, progress
        self.computed = 0

    def on_batch(self, batch: Batch, outcomes: list[Outcome]) -> None:
        keep(self.store, make_part(batch, outcomes))
        self.computed += len(outcomes)
        self.progress(len(outcomes))

    def run_up_to(self, backend: Backend, targets: Sequence[int]) -> None:
        """Run every replication ``< targets[s]`` of every scenario that the store lacks."""
        done = self.store.done()
        missing = {s: [r for r in range(n) if r not in done.get(s, set())] for s, n in enumerate(targets)}
        missing = {s: reps for s, reps in missing.items() if reps}
        if missing:
            backend.run(batches_for(missing, backend.workers, self.batch_size), self.on_batch)

    def rounds(self, backend: Backend, measure: Measure | None) -> list[int]:
        """Run until every scenario has its replications; return how many each got."""
        goal = self.experiment.precision
        if goal is None:
            targets = [self.experiment.runs] * len(self.scenarios)
            self.run_up_to(backend, targets)
            return targets
        if measure is None:
            raise ValueError("runs=auto needs a measure of precision (use simulator.run_experiment)")
        targets = [goal.pilot_runs] * len(self.scenarios)
        while True:
            self.run_up_to(backend, targets)
            following = [
                next_target(goal, n, measure(*self.store.kpi_values(s, goal.kpi, n))) for s, n in enumerate(targets)
            ]
            if following == targets:
                break
            targets = following
        # Every scenario ends with the most any needed: scenarios are compared run by run
        # (common random numbers), and means over 150 runs beside differences over the 118
        # shared ones read "$3.66M against $3.64M, a difference of +$11.3k".
        shared = [max(targets)] * len(targets)
        self.run_up_to(backend, shared)
        return shared


def keep(store: DirectoryStore | MemoryStore, part: Part) -> None:
    """Add a part to the store.

    Raises:
        UnwritableOutputError: When the store cannot be written (a folder removed, a disk full).
    """
    try:
        store.add(part)
    except OSError as error:
        raise UnwritableOutputError(Path(store.location), reason(error)) from None


def _check_target_kpi(goal: PrecisionGoal, first: Mapping[int, list[Outcome]], names: Sequence[str]) -> None:
    """Refuse a ``runner.target_kpi`` that a scenario does not report (seen in each scenario's first run).

    A KPI one scenario lacks (``utilisation_sdr`` of a design without SDRs) never gets an
    interval there, so ``runs=auto`` would run that scenario to ``max_runs`` and stop unmet.
    """
    known: set[str] = set()
    lacking = []
    for s, outcomes in first.items():
        reported = [o.kpis for o in outcomes if isinstance(o, ReplicationResult)]
        for kpis in reported:
            known.update(kpis)
        if reported and not any(goal.kpi in kpis for kpis in reported):
            lacking.append(names[s])
    if known and goal.kpi not in known:
        close = difflib.get_close_matches(goal.kpi, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else " (summary.csv lists the names)"
        raise ConfigError([ConfigIssue("runner.target_kpi", goal.kpi, f"is no KPI the runs report{hint}")])
    if lacking:
        raise ConfigError(
            [
                ConfigIssue(
                    "runner.target_kpi",
                    goal.kpi,
                    f"scenario {', '.join(lacking)} does not report it, so runs=auto cannot measure its precision "
                    "there: choose a KPI every scenario reports (bookings, deals_won, ...)",
                )
            ]
        )


def run_replications(
    experiment: Experiment,
    workers: int | None = None,
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    backend: str = "local",
    address: str | None = None,
    store_dir: Path | None = None,
    resume: bool = False,
    measure: Measure | None = None,
    on_note: NoteCallback | None = None,
    engine: str = "auto",
) -> ExperimentResult:
    """Validate and run every replication of every scenario; the result has no summary yet.

    Args:
        experiment: Scenarios, baseline, seed, runs (or a precision goal).
        workers: Local worker processes (``1`` runs in this process), or LocalCluster
            workers with the Dask backend; ``None`` or ``0`` uses every available core.
            Results do not depend on it.
        batch_size: Replications per task; ``None`` picks one.
        on_progress: Called with the number of replications just finished (with those
            already in the store first, when resuming).
        backend: ``local`` or ``dask``.
        address: Dask scheduler address; ``None`` starts a LocalCluster.
        store_dir: Run directory whose ``store/`` receives every finished batch; ``None``
            keeps the results in memory. With the Dask backend, the cluster's log goes
            to ``dask.log`` there.
        resume: Continue the interrupted run in ``store_dir`` (same config required).
        measure: Relative CI half-width of a sample's mean; needed for a precision goal.
        on_note: Called with each note for the user (a damaged part of a resumed
            store that is computed again, a scenario the fast engine does not cover).
        engine: ``auto``, ``simpy`` or ``fast`` (:mod:`simulator.engines.choice`).

    Raises:
        ConfigError: If the experiment or a scenario is invalid, or a resume does not
            match the interrupted run, or ``engine`` cannot run a scenario (nothing is run).
        RunInterrupted: On an interrupt; finished replications stay in the store.
        UnwritableOutputError: When the store cannot be written; finished replications stay in it.
    """
    heard: list[str] = []  # kept for the report's How it was run, as well as said as they come

    def note(text: str) -> None:
        heard.append(text)
        if on_note is not None:
            on_note(text)

    experiment.validate()
    scenarios = [spec.compile() for spec in experiment.scenarios]
    names = [s.name for s in scenarios]
    engines = choose_engines(scenarios, engine, note)
    if resume and store_dir is None:
        raise ConfigError.single(  # the command line always has one: only the Python API gets here
            "runner.resume",
            True,
            "needs the run directory of an interrupted run: give it as store_dir= (the folder holding its store/)",
        )
    store = DirectoryStore(store_dir) if store_dir is not None else MemoryStore()
    if resume and isinstance(store, DirectoryStore):
        try:
            notes = store.resume(fingerprint(experiment))  # before a cluster is started for nothing
        except OSError as error:
            raise UnwritableOutputError(Path(store.location), reason(error)) from None
        for text in notes:
            note(text)
    goal = experiment.precision
    first: dict[int, list[Outcome]] = {}
    if goal is not None and not resume:  # check the KPI on each scenario's first run before writing anything
        if backend == "dask" and address:  # the runs go there: a scheduler nobody runs is refused before any
            check_scheduler(address)
        first = {s: run_batch(scenario, experiment.seed, (0,), engines[s]) for s, scenario in enumerate(scenarios)}
        _check_target_kpi(goal, first, [scenario.name for scenario in scenarios])
    progress = on_progress or (lambda _n: None)
    run = _Run(experiment, scenarios, store, batch_size, progress)
    log = store_dir / DASK_LOG if store_dir is not None else None
    chosen = _backend(scenarios, experiment.seed, backend, address, resolve_workers(workers), log, engines, note)
    started = time.perf_counter()
    try:
        with chosen:  # connect (or start a cluster) first: an unreachable scheduler leaves nothing behind
            if isinstance(store, DirectoryStore) and not resume:
                try:
                    replaced = store.start(fingerprint(experiment))
                except OSError as error:
                    raise UnwritableOutputError(Path(store.location), reason(error)) from None
                if replaced:
                    note(
                        f"the folder held an earlier run's {replaced:,} replications: this run replaces them "
                        "(runner.resume=true continues an interrupted run instead)"
                    )
            for s, outcomes in first.items():
                run.on_batch(Batch(s, (0,)), outcomes)
            already = sum(len(reps) for reps in store.done().values()) - run.computed
            if already:
                progress(already)
            targets = run.rounds(chosen, measure)
        wall = time.perf_counter() - started
        # the store read back: a stop here, every replication kept, had escaped as a bare interrupt ("nothing was kept")
        empty = pd.DataFrame()  # summaries and comparisons are the analysis layer's work
        failures = store.failures()
        failed = failed_runs(failures)  # left out of every scenario: each is read over the same runs
        replications = store.replications(names)
        monthly, tables = store.monthly_source(names), store.table_sources(names)
    except (KeyboardInterrupt, SchedulerLostError) as stop:
        done = sum(len(reps) for reps in store.done().values())
        total = None if goal else experiment.runs * len(scenarios)
        why = str(stop) if isinstance(stop, SchedulerLostError) else ""
        raise RunInterrupted(done, total, store.location, why) from None
    if failed:
        monthly = WithoutRuns(monthly, failed)
        tables = {name: WithoutRuns(source, failed) for name, source in tables.items()}
    return ExperimentResult(
        experiment,
        without_runs(replications, failed),
        monthly,
        empty,
        empty,
        failures,
        wall,
        chosen.workers,
        tables,
        runs_per_scenario=dict(zip(names, targets, strict=True)),
        computed=run.computed,
        partners_left_out=left_out_partners(replications, failed),
        run_notes=heard,
    )
