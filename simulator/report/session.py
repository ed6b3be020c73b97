"""One job as a user sees it: run an experiment with a progress bar, write, print the answer.

The run directory is checked first: one that cannot be written, or that holds anything
a salesim run did not write, stops the job before anything is simulated or written; so
does a Dask scheduler address where none answers, before the run's first line; then the
temporary files of a run killed while writing (``kill -9``) are removed.
Finished batches stream into its results store as they arrive.
Ctrl-C (SIGINT) or SIGTERM stops the run within a second or two: running batches are
stopped, finished replications are kept, and a line says how many are done and the
command that resumes. A resume names each damaged part of the store it computes again,
and tries failed replications again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from simulator.analysis.decision import check_experiment, check_reported
from simulator.analysis.drift_words import said_together
from simulator.analysis.plan_window import plan_window_notes
from simulator.analysis.precision import auto_runs_words
from simulator.analysis.results import run_experiment
from simulator.analysis.territory import depleting_territories, territories
from simulator.analysis.transient import result_drifts
from simulator.analysis.wording import count_of
from simulator.engines import fast
from simulator.engines.choice import engine_for, engines_used, warm_up
from simulator.io.atomic import remove_leftover_temporaries
from simulator.io.output_dir import UnwritableOutputError, check_writable, reason
from simulator.io.stop_signals import sigterm_interrupts
from simulator.model.scenario import Scenario
from simulator.report.claims import refuse_foreign_run
from simulator.report.outputs import remove_outputs, write_outputs
from simulator.report.progress_lock import use_thread_lock
from simulator.run.dask_backend import check_scheduler
from simulator.run.experiment import Experiment, ExperimentResult
from simulator.run.runner import RunInterrupted, fingerprint
from simulator.run.settings import RunnerSettings
from simulator.run.store import STORE_DIRNAME, DirectoryStore
from simulator.run.store_files import MANIFEST, held_replications
from simulator.run.workers import resolve_workers, workers_note

FAILURES_SHOWN = 10
"""Failed replications listed one by one on the terminal (failures.json has them all)."""


PROGRESS_DELAY_SECONDS = 1.0
"""The progress bar appears this long after the runs start (a refusal before then shows none)."""


def _where(settings: RunnerSettings) -> str:
    if settings.backend == "dask":
        return f"on the Dask cluster at {settings.address}" if settings.address else "on a local Dask cluster"
    n_workers = resolve_workers(settings.workers)
    return f"on {n_workers} worker{'s' if n_workers > 1 else ''}"


def _announce(experiment: Experiment, settings: RunnerSettings) -> None:
    goal = experiment.precision
    runs = (
        f"runs=auto (until the 95% CI of the mean of {goal.kpi} is within ±{goal.relative_half_width:.1%}, "
        f"at most {goal.max_runs} runs)"
        if goal
        else count_of(experiment.runs, "run")
    )
    print(
        f"salesim: {experiment.name}: {count_of(len(experiment.scenarios), 'scenario')} x {runs} "
        f"{_where(settings)} (seed {experiment.seed}){', resuming' if settings.resume else ''}",
        file=sys.stderr,
    )
    for line in [*experiment.clock_notes(), *plan_window_notes(experiment)]:
        print(f"salesim: note: {line}", file=sys.stderr)
    capped = workers_note("runner.workers", settings.workers) if not settings.address else None
    if capped:
        print(f"salesim: note: {capped}", file=sys.stderr)


def note_writer(bar: Any) -> Callable[[str], None]:
    """Writes a run's note above ``bar`` (a tqdm bar): into a log, whose bar line has no end, on a line of its own.

    A terminal redraws the bar below the note; a log (stderr not a terminal) keeps the bar's
    last line open once the bar has shown (after its delay), and a note written there ended
    it mid-line.
    """

    def note(text: str) -> None:
        shown = not bar.disable and bar.n > 0 and time.time() - bar.start_t >= PROGRESS_DELAY_SECONDS
        apart = "\n" if shown and not sys.stderr.isatty() else ""
        bar.write(f"{apart}salesim: {text}", file=sys.stderr)

    return note


def _store_started_since(out_dir: Path, begun: int) -> bool:
    """Whether this run opened a fresh store in ``out_dir`` (its manifest written since ``begun``, in ns).

    Interrupted before that (while the workers start), the folder still holds the earlier
    run whole, store and outputs, and stays as it was.
    """
    manifest = out_dir / STORE_DIRNAME / MANIFEST
    return manifest.is_file() and manifest.stat().st_mtime_ns >= begun


def _kept_by(stop: KeyboardInterrupt, out_dir: Path, resuming: bool, begun: int) -> RunInterrupted | None:
    """A stop as a :class:`RunInterrupted` that counts what the run's store holds; None when this run has none.

    A resume's store holds the run it continues from the start: a stop while its engine
    loaded had said "interrupted before any replication finished; nothing was kept" over the
    earlier run's replications, with no resume. A new run's store is its own once opened.
    """
    if isinstance(stop, RunInterrupted):
        return stop
    held = held_replications(out_dir) if resuming or _store_started_since(out_dir, begun) else None
    return None if held is None else RunInterrupted(*held, str(out_dir / STORE_DIRNAME))


def _run(experiment: Experiment, out_dir: Path, settings: RunnerSettings) -> ExperimentResult:
    """The run, its folder checked: a resume's store checked, the engine loaded, the replications made."""
    if settings.resume:  # a resume that does not match is refused before the engine loads (a first compile)
        DirectoryStore(out_dir).check_resume(fingerprint(experiment))
    if settings.backend == "dask" and settings.address:  # before a word of the run is said or its engine compiled
        check_scheduler(settings.address)
    remove_leftover_temporaries(out_dir)  # of a run killed while writing (kill -9); store/ cleans its own
    _announce(experiment, settings)
    check_reported(experiment, _compile_engine(experiment, settings), settings.engine)
    goal = experiment.precision
    total = (goal.max_runs if goal else experiment.runs) * len(experiment.scenarios)
    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked from this one
    use_thread_lock()
    with tqdm(  # shown after a second: a run refused at once (a resume that does not match) shows no bar
        total=total,
        unit="run",
        disable=not settings.progress,
        file=sys.stderr,
        dynamic_ncols=True,
        delay=PROGRESS_DELAY_SECONDS,
    ) as bar:

        def advance(done: int) -> None:
            bar.update(done)

        return run_experiment(
            experiment, on_progress=advance, settings=settings, store_dir=out_dir, on_note=note_writer(bar)
        )


def _say_interrupted(interrupted: RunInterrupted, resume_command: str) -> None:
    of = f" of {interrupted.total:,}" if interrupted.total else ""
    why = interrupted.reason or "interrupted"  # a lost scheduler: the runs still out were not failures of the model
    kept = f"{interrupted.done:,}{of} replications are done and kept in {interrupted.location}"
    print(f"\nsalesim: {why}: {kept}", file=sys.stderr)
    if resume_command:
        print(f"salesim: to resume: {resume_command}", file=sys.stderr)


def run_and_write(
    experiment: Experiment,
    out_dir: Path,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    *,
    settings: RunnerSettings | None = None,
    resume_command: str = "",
    resume_on_stop: bool = True,
) -> ExperimentResult:
    """Run ``experiment``, write every output to ``out_dir`` and print the results table.

    Args:
        experiment: What to run.
        out_dir: The run directory (its ``store/`` keeps finished batches).
        workers: Worker processes when ``settings`` is not given.
        batch_size: Replications per task when ``settings`` is not given.
        progress: Show a progress bar when ``settings`` is not given.
        settings: The ``runner`` config group.
        resume_command: The command that resumes this run, printed on an interrupt.
        resume_on_stop: Print it on an interrupt (a sweep's job in a worker process leaves it
            to the sweep's own process, which says it once for every job).

    Raises:
        ConfigError: When the experiment, a scenario or its decision KPIs are invalid (checked before anything runs).
        RunInterrupted: After printing how many replications are done and how to resume.
        UnwritableOutputError: When ``out_dir`` cannot be written, or holds what salesim did not
            write (an ``OccupiedOutputError``); checked before anything runs.
    """
    settings = settings or RunnerSettings(workers=workers or 0, batch_size=batch_size or 0, progress=progress)
    begun = time.time_ns()
    check_experiment(experiment)  # the scenarios' problems and the decision's, in one message
    refuse_foreign_run(out_dir)  # a run replaces what salesim wrote there, and nothing else
    check_writable(out_dir)
    writing = False
    with sigterm_interrupts():
        try:
            try:
                result = _run(experiment, out_dir, settings)
                writing = True  # a stop from here on finds this run's own outputs half written, not an earlier run's
                try:
                    write_outputs(result, out_dir)
                except KeyboardInterrupt:  # every replication is in the store: a resume only writes the outputs
                    made = sum(result.runs_per_scenario.values())
                    raise RunInterrupted(made, made, str(out_dir / STORE_DIRNAME)) from None
                except OSError as error:
                    raise UnwritableOutputError(out_dir, reason(error)) from None
            except KeyboardInterrupt as stop:  # outside the runner's own handling: the store as it stands
                kept = _kept_by(stop, out_dir, settings.resume, begun)
                if kept is None:  # this run opened no store: the caller says what the folder keeps
                    raise
                raise kept from None
        except RunInterrupted as interrupted:
            _say_interrupted(interrupted, resume_command if resume_on_stop else "")
            if _store_started_since(out_dir, begun) and remove_outputs(out_dir):  # an earlier run's, beside ours
                whose = (
                    "the report and tables this run was writing" if writing else "the earlier run's report and tables"
                )
                print(f"salesim: {whose} in {out_dir} were removed", file=sys.stderr)
            raise
    try:
        _say_results(result, out_dir, resume_command)
    except KeyboardInterrupt:  # the run is done and written: the stop cut its words short, not its results
        made = sum(result.runs_per_scenario.values())
        print(
            f"\nsalesim: interrupted after the run had finished: its {count_of(made, 'replication')} and its "
            f"results are written in full in {out_dir}",
            file=sys.stderr,
        )
        if resume_on_stop and resume_command:  # as any stop says it (a sweep's later jobs have not run)
            print(f"salesim: to resume: {resume_command}", file=sys.stderr)
        raise RunInterrupted(made, made, str(out_dir / STORE_DIRNAME)) from None
    return result


def _say_results(result: ExperimentResult, out_dir: Path, resume_command: str) -> None:
    """The run's answer, results table and notes on the terminal, once its results are written."""
    from simulator.analysis.answer import answer
    from simulator.report.answer_section import answer_text
    from simulator.report.document import results_table
    from simulator.report.unusual_section import unusual_summary

    experiment = result.experiment
    print(answer_text(result, answer(result)))
    print()
    print(results_table(result))
    unusual = unusual_summary(result)
    if unusual:
        print(unusual)
    warmup = experiment.scenarios[0].config.clock.warmup_days
    horizon = experiment.scenarios[0].config.clock.horizon_days
    for drift, sentence in said_together(
        result_drifts(result), lambda d: d.sentence(warmup, experiment.baseline, horizon)
    ):
        print(f"salesim: {'warning' if drift.warns else 'note'}: {sentence}", file=sys.stderr)
    for line in depleting_territories(result.replications, territories(experiment)):
        print(f"salesim: warning: {line}", file=sys.stderr)
    _say_failures(result, resume_command)
    for line in auto_runs_words(result):
        print(f"salesim: runs=auto: {line}")
    print(f"salesim: {_runs_made(result)}; results in {out_dir}")


def _compile_engine(experiment: Experiment, settings: RunnerSettings) -> list[Scenario]:
    """Compile the fast engine before the progress bar starts, saying so when it is not on disk yet."""
    scenarios = [spec.compile() for spec in experiment.scenarios]
    on_fast = any(engine_for(s, settings.engine) == "fast" for s in scenarios)
    elsewhere = fast.cache_not_where_asked() if on_fast else ""
    if elsewhere:
        print(f"salesim: warning: {elsewhere}", file=sys.stderr)
    if on_fast and not fast.compiled_on_disk():
        if fast.compiling_elsewhere():
            words = (
                "waiting for another process compiling the fast engine into the disk cache (up to 1.5 to 3 "
                "minutes on 2 cores); this run then loads it from there"
            )
        else:
            words = (
                "compiling the fast engine (the first run only, 1.5 to 3 minutes on 2 cores; later runs load it "
                "from the disk cache)"
            )
        print(f"salesim: {words}", file=sys.stderr, flush=True)
    warm_up(scenarios, settings.engine)
    print(f"salesim: engine: {engines_used(scenarios, settings.engine)}", file=sys.stderr)
    return scenarios


def _say_failures(result: ExperimentResult, resume_command: str) -> None:
    for failure in result.failures[:FAILURES_SHOWN]:
        print(
            f"salesim: replication {failure.replication} of scenario {failure.scenario} (seed {failure.seed}) "
            f"failed: {failure.error}",
            file=sys.stderr,
        )
    if len(result.failures) > FAILURES_SHOWN:
        print(f"salesim: ... and {len(result.failures) - FAILURES_SHOWN} more", file=sys.stderr)
    if result.failures:
        failed = count_of(len(result.failures), "replication")
        print(f"salesim: {failed} failed; see failures.json", file=sys.stderr)
        if result.partners_left_out:
            print(
                f"salesim: the same runs of the other scenarios ({result.partners_left_out} completed) are left out "
                "of the results too, so every scenario is read over the same runs",
                file=sys.stderr,
            )
        if resume_command:
            print(f"salesim: to try them again: {resume_command}", file=sys.stderr)


def _runs_made(result: ExperimentResult) -> str:
    """How many runs this call made, and how long it took (a resume also counts those it kept).

    A failed run is counted apart (``7 runs in 3.1 s, and 1 failed``), so the counts add up
    to ``runs_per_scenario`` in ``summary.json``, which counts every run made.
    """
    failures = len(result.failures)
    made = sum(result.runs_per_scenario.values()) - failures
    failed = f", and {failures:,} failed" if failures else ""
    if result.computed is None or result.computed >= made + failures:
        return f"{count_of(made, 'run')} in {result.wall_seconds:.1f} s{failed}"
    computed = result.computed - failures  # every failure left was tried in this call
    kept = made - computed
    if result.computed == 0:  # a finished run resumed: nothing left to make, its outputs written again
        wall = f"{result.wall_seconds:.1f} s"
        return f"no run left to make: the {kept:,} runs kept from the earlier run written again in {wall}"
    took = f"{count_of(computed, 'run')} in {result.wall_seconds:.1f} s{failed}"
    return f"{took} (and {kept:,} kept from the earlier run)"
