"""Hydra's callbacks: the output folder checked before Hydra makes it, and a sweep's jobs gathered.

:class:`OutputCheck` refuses a run (or sweep) folder that cannot be written or holds what
salesim did not write, and remembers the folders this command creates, so that a job
refused later leaves none behind (:func:`remove_if_empty`). :class:`SweepSummary` checks
every job of a sweep before any runs and gathers their summaries at the end. Both are
named in ``configs/config.yaml`` (``hydra.callbacks``).
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn
from hydra.errors import HydraException
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from simulator.analysis.wording import count_of, join_words
from simulator.command_folders import note_created, note_sweep_dir, remove_created_folders
from simulator.command_line import restore_overrides
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.io.atomic import atomic_write
from simulator.io.occupied import OccupiedOutputError
from simulator.io.output_dir import UnwritableOutputError, check_writable
from simulator.job import (
    EXIT_CONFIG_ERROR,
    EXIT_REPLICATION_FAILURES,
    EXIT_UNWRITABLE_OUTPUT,
    command_line_options,
    prepared_job,
    refuse,
    typed_overrides,
    worst_status,
)
from simulator.run.experiment import Experiment
from simulator.run.settings import RunnerSettings
from simulator.sweep_job_words import job_label, job_words, merged_job_issues, repeated_jobs


class OutputCheck(Callback):
    """Before Hydra creates the run (or sweep) folder: refuse one that cannot be written, or is not salesim's.

    Hydra would fail with a traceback; this says which folder and why, exits with status
    2 and leaves nothing behind, before anything is composed or simulated. A folder that
    holds anything salesim did not write (a user's notes, data, a calibrated config) is
    refused alike, so a run never overwrites or deletes it.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check ``hydra.run.dir``."""
        from simulator.report.claims import refuse_foreign_run

        _check_output(Path(str(config.hydra.run.dir)), "hydra.run.dir", refuse_foreign_run)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check ``hydra.sweep.dir``."""
        from simulator.report.claims import refuse_foreign_sweep

        _check_output(Path(str(config.hydra.sweep.dir)), "hydra.sweep.dir", refuse_foreign_sweep)
        note_sweep_dir(Path(str(config.hydra.sweep.dir)))


def _check_output(folder: Path, key: str, refuse_foreign: Callable[[Path], None]) -> None:
    missing = [p for p in [folder, *folder.parents] if not p.exists()]  # deepest first
    note_created(missing)
    try:
        refuse_foreign(folder)
        check_writable(folder)
    except UnwritableOutputError as error:
        print(f"salesim: {error}", file=sys.stderr)
        if not isinstance(error, OccupiedOutputError):  # that one says what to do
            print(f"salesim: nothing was run; choose another folder with {key}=<folder>", file=sys.stderr)
        sys.exit(EXIT_UNWRITABLE_OUTPUT)
    for created in missing:  # Hydra creates them again for the job; a run refused later leaves nothing
        with contextlib.suppress(OSError):
            created.rmdir()


class SweepSummary(Callback):
    """After a ``--multirun`` sweep, gather every job's summary into ``sweep_summary.csv``.

    One row per job × scenario × KPI, with the job's number, overrides and a column per
    swept parameter, so a sweep over, say, AE and SDR headcount reads as one table; with
    one or two swept parameters a ``heatmap.png`` of the primary decision KPI, and a
    ``report.md``/``report.html`` (see :mod:`simulator.report.sweep_report`). The sweep
    exits with the worst of its jobs' statuses (:func:`~simulator.job.worst_status`: 3 when
    every job finished but some replications failed), naming the jobs, whichever launcher
    ran them: each job leaves its status in a folder of this command's (:attr:`statuses`),
    since with ``hydra/launcher=joblib`` :meth:`on_job_end` runs in the job's own process.
    """

    def __init__(self, filename: str = "sweep_summary.csv") -> None:
        self.filename = filename
        self.exit_codes: list[int] = []
        """The statuses of the jobs run in this process (the basic launcher), in job order."""
        self.statuses: str | None = None
        """The folder each job leaves its exit status in (a file named by its number), made as the sweep starts."""
        self.earlier_record: bytes | None = None
        """The sweep folder's ``multirun.yaml`` before Hydra writes this sweep's over it (an earlier sweep's)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before any job runs, compose and validate every job of the sweep; refuse the sweep if one is invalid.

        Jobs are the basic sweeper's (the cartesian product of the comma-separated values);
        another sweeper chooses its jobs as it goes, and each is checked when it runs.
        """
        swept = _swept(config)
        try:
            listed = _sweep_jobs(config)
        except (ValueError, HydraException) as error:  # range(10,16,0) had been a traceback, exit 1
            refuse(ConfigError.single("--multirun", " ".join(swept), _unlisted_words(error)))
        if listed == []:  # range(16,10) had launched 0 jobs, written multirun.yaml and exited 0 without a word
            refuse(
                ConfigError.single(
                    "--multirun",
                    " ".join(swept),
                    "gives no job: "
                    + (
                        "a glob(...) that matches no option of its config group (glob(*) lists them all)"
                        if "glob(" in " ".join(swept)
                        else "an empty range (range(START,STOP) counts up from START to below STOP; "
                        "a negative STEP counts down)"
                    ),
                )
            )
        jobs = listed or []
        repeated = repeated_jobs(jobs, [line.lstrip("+~").split("=", 1)[0] for line in swept])
        if repeated:  # key=8,8 ran the same replications twice, and the report dropped the swept column
            refuse(ConfigError.single("--multirun", " ".join(swept), repeated))
        shared = set.intersection(*(set(job) for job in jobs)) if jobs else set()
        rewritten = command_line_options().get("rewritten", [])
        found: dict[str, list[ConfigIssue]] = {}  # "0: runs=2" -> the job's issues
        prepared: list[tuple[int, list[str], Experiment, RunnerSettings]] = []
        for number, job in enumerate(jobs):
            try:
                prepared.append((number, job, *prepared_job(config.hydra, job, quiet=True)))
            except ConfigError as error:
                found[job_label(number, job, shared, rewritten)] = error.issues
        if not found:  # a resume whose job differs from the run in its folder: refused here, not after others ran
            for number, job, experiment, settings in prepared:
                try:
                    _check_job_resume(config, number, experiment, settings)
                except ConfigError as error:
                    found[job_label(number, job, shared, rewritten)] = error.issues
        if not found:  # each Dask scheduler the jobs name answers, before any job says a word
            found = _unreachable_schedulers(prepared, shared, rewritten)
        if not found:  # decision KPIs only some set-ups report: one run of each scenario of each job
            from simulator.analysis.decision import check_reported

            for number, job, experiment, settings in prepared:
                try:
                    check_reported(experiment, [spec.compile() for spec in experiment.scenarios], settings.engine)
                except ConfigError as error:
                    found[job_label(number, job, shared, rewritten)] = error.issues
        issues = merged_job_issues(found, len(jobs))
        if issues:
            print(f"salesim: the {len(jobs)} jobs of the sweep were checked before running any", file=sys.stderr)
            refuse(ConfigError(issues))
        self.statuses = tempfile.mkdtemp(prefix="salesim-sweep-")
        atexit.register(shutil.rmtree, self.statuses, ignore_errors=True)  # a sweep stopped before its end too
        from simulator.report.layouts import HYDRA_RECORD

        record = Path(str(config.hydra.sweep.dir)) / HYDRA_RECORD
        self.earlier_record = record.read_bytes() if record.is_file() else None

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        """Remember the job's exit status here and in :attr:`statuses`.

        With the basic launcher this is the sweep's process; with joblib, the job's worker
        and its own copy of this callback, so only the file reaches the sweep.
        """
        try:
            value = job_return.return_value
        except Exception:
            value = 1
        code = value if isinstance(value, int) else 0
        self.exit_codes.append(code)
        if self.statuses is not None:
            with contextlib.suppress(OSError):  # a launcher on another machine: the gathering tells what it can
                (Path(self.statuses) / str(config.hydra.job.num)).write_text(str(code))

    def job_statuses(self) -> dict[int, int]:
        """Each job's exit status by its number, as the jobs left them in :attr:`statuses` (else as seen here)."""
        found: dict[int, int] = {}
        if self.statuses is not None:
            for path in Path(self.statuses).glob("*"):
                with contextlib.suppress(OSError, ValueError):
                    found[int(path.name)] = int(path.read_text())
        return found or dict(enumerate(self.exit_codes))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write the gathered table, heatmap and report in the sweep directory and set the exit status."""
        from simulator.report.sweep_jobs import replication_failures
        from simulator.report.sweep_report import write_sweep

        statuses = self.job_statuses()
        if self.statuses is not None:
            shutil.rmtree(self.statuses, ignore_errors=True)
        sweep_dir = Path(str(config.hydra.sweep.dir))
        gathered, expected, jobs = True, None, None
        rewritten = command_line_options().get("rewritten", [])
        try:
            jobs = _sweep_jobs(config)
            # as each job records them (its config.yaml): typed, without the ++ salesim added
            expected = None if jobs is None else [restore_overrides(job, rewritten) for job in jobs]
            written = write_sweep(sweep_dir, expected) if sweep_dir.is_dir() else []
        except Exception as error:  # Hydra would only warn, and the jobs' exit statuses below were lost with it
            gathered, written = False, []
            print(
                f"salesim: the sweep's jobs could not be gathered ({type(error).__name__}: {error}); "
                "each job's results are in its own folder",
                file=sys.stderr,
            )
        folders: list[str] = []
        if written:
            import pandas as pd

            folders = [str(job) for job in pd.read_csv(written[0], usecols=["job"])["job"].unique()]  # this sweep's
            n = len(folders)
            of = f"{n} of {len(expected)}" if expected and n < len(expected) else f"{n}"
            jobs_word = "job" if of == "1" else "jobs"
            print(f"salesim: sweep of {of} {jobs_word} gathered in {written[0]} (heatmap and report.html beside it)")
        if not statuses and gathered:  # no job left its status (a launcher elsewhere): the gathering tells what it can
            missing = max(0, len(expected) - len(folders)) if expected else 0
            partial = [f for f in folders if replication_failures(sweep_dir / f)]
            _say_jobs([f"job {f}" for f in partial], missing)
            worst = worst_status([1 if missing else 0, EXIT_REPLICATION_FAILURES if partial else 0])
        else:
            failed = sorted(
                n for n, code in statuses.items() if code not in (0, EXIT_CONFIG_ERROR, EXIT_REPLICATION_FAILURES)
            )
            refused = sorted(n for n, code in statuses.items() if code == EXIT_CONFIG_ERROR)
            partial_jobs = sorted(n for n, code in statuses.items() if code == EXIT_REPLICATION_FAILURES)
            _say_refused(job_words(refused, jobs, rewritten))
            _say_jobs(job_words(partial_jobs, jobs, rewritten), len(failed), job_words(failed, jobs, rewritten))
            worst = worst_status([*statuses.values(), 0 if gathered else 1])
        if statuses and all(code == EXIT_CONFIG_ERROR for code in statuses.values()):
            self._unwrite_record(sweep_dir)
        if worst:
            sys.exit(worst)

    def _unwrite_record(self, sweep_dir: Path) -> None:
        """Every job refused, nothing ran: the sweep folder as it was (Hydra had written its ``multirun.yaml``).

        An earlier sweep's record is put back (a resume refused for a changed value had
        replaced it); a folder this command made goes, as a refused run's does.
        """
        from simulator.report.layouts import HYDRA_RECORD

        record = sweep_dir / HYDRA_RECORD
        if self.earlier_record is not None:
            earlier = self.earlier_record
            atomic_write(record, lambda f: f.write(earlier), binary=True)
            return
        record.unlink(missing_ok=True)
        remove_created_folders()


def _say_refused(named: Sequence[str]) -> None:
    """Name on the terminal the sweep's jobs refused before they ran (exit 2: their config or output folder)."""
    if named:
        one = len(named) == 1
        print(
            f"salesim: {count_of(len(named), 'sweep job')} refused: {join_words([*named])}; "
            f"{'its' if one else 'their'} lines above say why, and {'it' if one else 'they'} ran nothing",
            file=sys.stderr,
        )


def _say_jobs(partial: Sequence[str], failed: int, named: Sequence[str] = ()) -> None:
    """Name on the terminal the sweep's jobs that failed (``named`` when known) and those whose replications did."""
    if failed:
        print(
            f"salesim: {count_of(failed, 'sweep job')} failed{': ' if named else ''}{join_words([*named])}",
            file=sys.stderr,
        )
    if partial:
        one = len(partial) == 1
        print(
            f"salesim: replications failed in {count_of(len(partial), 'sweep job')}: {join_words([*partial])}; "
            f"{'its' if one else 'their'} cells rest on fewer runs ({'its' if one else 'each'} folder's "
            "failures.json lists the failures, and the sweep's resume command tries them again)",
            file=sys.stderr,
        )


def _unlisted_words(error: Exception) -> str:
    """Why a sweep's values cannot be listed as jobs, in a user's words where Hydra's are its own internals."""
    text = " ".join(str(error).split())
    if "object_type=RangeSweep" in text or "object_type=Glob" in text:
        # key=range(8,9,1),8 had read "Unexpected type annotation: Set[str] full_key: tags object_type=RangeSweep"
        return (
            "cannot be listed as jobs: a range(...) or glob(...) stands alone as a key's values; it cannot be "
            "joined with others by commas (write the values as one list, 8,9,10, or as one range)"
        )
    return f"cannot be listed as jobs ({text})"


def _swept(config: DictConfig) -> list[str]:
    """The sweep's overrides as typed that list several values (``key=8,10``, ``key=range(16,10)``)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    task = typed_overrides(config.hydra)["task"]
    try:
        parsed = OverridesParser.create().parse_overrides(task)
    except Exception:  # Hydra refuses it itself, in its words
        return list(task)
    swept = [line for line, override in zip(task, parsed, strict=True) if override.is_sweep_override()] or list(task)
    return restore_overrides(swept, command_line_options().get("rewritten", []))


def _unreachable_schedulers(
    prepared: Sequence[tuple[int, list[str], Experiment, RunnerSettings]], shared: set[str], rewritten: list[str]
) -> dict[str, list[ConfigIssue]]:
    """The jobs whose ``runner.address`` no Dask scheduler answers at, each address tried once."""
    from simulator.run.dask_backend import check_scheduler

    refused: dict[str, ConfigIssue | None] = {}
    found: dict[str, list[ConfigIssue]] = {}
    for number, job, _, settings in prepared:
        address = settings.address
        if settings.backend != "dask" or not address:
            continue
        if address not in refused:
            try:
                check_scheduler(address)
                refused[address] = None
            except ConfigError as error:
                refused[address] = error.issues[0]
        issue = refused[address]
        if issue is not None:
            found[job_label(number, job, shared, rewritten)] = [issue]
    return found


def _check_job_resume(config: DictConfig, number: int, experiment: Experiment, settings: RunnerSettings) -> None:
    """Refuse a resumed sweep's job whose folder holds a run of another config, before any job runs.

    Checked per job as each ran, a resume with one value changed (``8,12`` for ``8,10``)
    had written job 0's outputs again, refused job 1, then gathered over job 0 alone: the
    finished sweep's report, table and record were replaced by a one-point answer beside its
    old heatmap, under "nothing was run and no results were written". Job folders named
    other than by number (``hydra.sweep.subdir``) are checked as each job runs.

    Raises:
        ConfigError: The differences the job's store names (:meth:`DirectoryStore.check_resume`).
    """
    from simulator.run.runner import fingerprint
    from simulator.run.store import DirectoryStore

    sweep = config.hydra.sweep
    typed = OmegaConf.to_container(sweep, resolve=False)  # the folder names as typed, not resolved
    if not settings.resume or not isinstance(typed, dict) or typed.get("subdir") != "${hydra.job.num}":
        return
    store = DirectoryStore(Path(str(sweep.dir)) / str(number))
    if store.holds_run():  # a job with no run yet runs from the start (sweep_job_settings)
        store.check_resume(fingerprint(experiment))


def _sweep_jobs(config: DictConfig) -> list[list[str]] | None:
    """The overrides of every job of a basic sweep, as Hydra will pass them; None for another sweeper."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper  # the sweeper's own job list
    from hydra.core.override_parser.overrides_parser import OverridesParser

    sweeper = config.hydra.get("sweeper") or {}
    if not str(sweeper.get("_target_", "")).endswith("BasicSweeper"):
        return None
    given = sweeper.get("params")
    params = OmegaConf.to_container(given, resolve=False) if isinstance(given, DictConfig) else {}
    lines = [f"{key!s}={value!s}" for key, value in (params if isinstance(params, dict) else {}).items()]
    from hydra.core.global_hydra import GlobalHydra

    # glob(...) lists a config group's options: the parser needs Hydra's config loader to read them
    hydra_now = GlobalHydra.instance()
    loader = hydra_now.config_loader() if hydra_now.is_initialized() else None
    parsed = OverridesParser.create(config_loader=loader).parse_overrides(
        [*lines, *typed_overrides(config.hydra)["task"]]
    )
    return BasicSweeper.split_arguments(parsed, None)[0]
