"""The Hydra entry point: compose the config, validate it, run, write, print.

This module, :mod:`simulator.compose`, :mod:`simulator.command_line`, :mod:`simulator.job`
(a job composed and validated, the exit statuses), :mod:`simulator.hydra_callbacks`
(the output folder checked, a sweep's jobs gathered), :mod:`simulator.config_files`
(each config file parsed once a process) and :mod:`simulator.user_overrides` (the user's
overrides classified) are the only ones that import Hydra. The job
composes every scenario of the experiment (the experiment's base, the user's overrides,
the scenario's own; see :mod:`simulator.compose`), builds a typed
:class:`~simulator.run.experiment.Experiment`, and calls the plain functions of the
library, which tests call directly.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from simulator.command_folders import (
    discard_unkept_sweep,
    forget_created_folders,
    remove_created_folders,
    remove_if_empty,
    stopped_sweep,
    sweep_kept_words,
)
from simulator.command_line import hydra_refusal, prepare_command_line
from simulator.config.errors import ConfigError
from simulator.config_files import parse_config_files_once
from simulator.config_search import config_dir
from simulator.hydra_callbacks import OutputCheck, SweepSummary
from simulator.io.output_dir import UnwritableOutputError
from simulator.io.piped_output import drop_when_unread
from simulator.io.stop_signals import command_ended, sigterm_interrupts
from simulator.job import (
    COMMAND_LINE_ENV,
    EXIT_CONFIG_ERROR,
    EXIT_INTERRUPTED,
    EXIT_REPLICATION_FAILURES,
    EXIT_UNWRITABLE_OUTPUT,
    command_line_options,
    prepared_job,
    refuse,
)
from simulator.kept_runs import earlier_run_words, unbegun_stop_words
from simulator.notebook_loader import load_experiment
from simulator.refusal_second_look import second_look
from simulator.resume_commands import config_options, resume_command, sweep_job_settings, sweep_resume_command
from simulator.run.store_files import held_replications
from simulator.subcommands import SUBCOMMANDS, run_subcommand
from simulator.sweep_stops import job_running, jobs_stopped_first

DESCRIBE_FLAG = "--describe"
MULTIRUN_FLAGS = ("--multirun", "-m")
"""Hydra's flag for a sweep; taken wherever it is typed among the overrides."""
FULL_ERROR_ENV = "HYDRA_FULL_ERROR"

# OutputCheck and SweepSummary stay importable from here: the configs of calibrated companies
# written before they moved to simulator.hydra_callbacks name them as simulator.cli's.
__all__ = [
    "EXIT_CONFIG_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_REPLICATION_FAILURES",
    "EXIT_UNWRITABLE_OUTPUT",
    "OutputCheck",
    "SweepSummary",
    "config_dir",
    "load_experiment",
    "main",
]


def _run_job(cfg: DictConfig) -> int:
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    single = hydra_cfg.mode is None or hydra_cfg.mode.name != "MULTIRUN"
    written = Path(str(hydra_cfg.run.dir)) if single else None

    def refused(error: ConfigError) -> int:
        print(f"salesim: {error}", file=sys.stderr)
        print("salesim: nothing was run and no results were written.", file=sys.stderr)
        remove_if_empty(out_dir, written)
        return EXIT_CONFIG_ERROR

    try:
        experiment, settings = prepared_job(hydra_cfg)
    except ConfigError as error:
        return refused(error)
    if command_line_options().get("describe"):
        from simulator.report.document import describe_experiment

        try:
            print(describe_experiment(experiment), flush=True)
        except BrokenPipeError:  # piped into head: the reader has what it wanted
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
        finally:
            remove_if_empty(out_dir, written)
        return 0
    from simulator.report.session import run_and_write  # the library side of a job, once the config is valid
    from simulator.run.runner import RunInterrupted

    task = experiment.resolved_config.get("command_line_overrides", [])
    if single:
        resume = resume_command(task, out_dir)
    else:
        resume = sweep_resume_command(command_line_options().get("argv", []), Path(str(hydra_cfg.sweep.dir)))
        settings = sweep_job_settings(settings, out_dir)
    # a sweep's job in a worker process (joblib): the sweep's own process says each job's runs and the resume, once
    elsewhere = not single and command_line_options().get("pid", os.getpid()) != os.getpid()
    if elsewhere:  # a joblib worker's own standard output, piped into head as the sweep's
        drop_when_unread()
    try:
        with job_running(command_line_options().get("jobs") if elsewhere else None):  # a stop reaches it first
            result = run_and_write(
                experiment, out_dir, settings=settings, resume_command=resume, resume_on_stop=not elsewhere
            )
    except ConfigError as error:
        return refused(error)
    except UnwritableOutputError as error:
        print(f"salesim: {error}", file=sys.stderr)
        remove_if_empty(out_dir, written)
        return EXIT_UNWRITABLE_OUTPUT
    except RunInterrupted:
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:  # before this run's store opened (the engine loading, the workers starting)
        remove_if_empty(out_dir, written)
        if single or elsewhere:  # a joblib job says its own: the sweep's process says the sweep's, once
            job = "" if single else out_dir.name
            print(f"\nsalesim: {unbegun_stop_words(out_dir, settings.resume, job)}", file=sys.stderr)
            if single and settings.resume and held_replications(out_dir) is not None:
                print(f"salesim: to resume: {resume}", file=sys.stderr)
        elif discard_unkept_sweep():  # a sweep's first job: nothing to resume
            print("\nsalesim: interrupted before any replication finished; nothing was kept", file=sys.stderr)
        else:  # the sweep's finished jobs are kept: it had said "nothing was kept" and no way to resume
            sweep = Path(str(hydra_cfg.sweep.dir))
            print(
                f"\nsalesim: interrupted before this job's first replication finished; the sweep keeps what its "
                f"jobs finished in {sweep}{_kept_words(sweep)}",
                file=sys.stderr,
            )
            print(f"salesim: to resume: {resume}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_REPLICATION_FAILURES if result.failures else 0


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> int:
    mode = HydraConfig.get().mode
    if mode is not None and mode.name == "MULTIRUN":
        try:
            code = _run_job(cfg)
        except Exception:  # a sweep's job: Hydra would re-raise it and stop the sweep before it gathers the others
            number = HydraConfig.get().job.num
            print(f"salesim: sweep job {number} crashed; the sweep goes on without it:", file=sys.stderr)
            traceback.print_exc()
            return 1
    else:
        code = _run_job(cfg)
    if code == EXIT_INTERRUPTED or (code and (mode is None or mode.name != "MULTIRUN")):
        sys.exit(code)
    return code


def _kept_words(sweep: Path) -> str:
    """`` (job 0: 50 of 80, job 1: 30 of 80)``: what each job of a stopped sweep kept; '' with no job folder."""
    words = sweep_kept_words(sweep)
    return f" ({words})" if words else ""


def _config_dirs(args: Sequence[str]) -> list[Path]:
    """The folders ``--config-dir`` and ``--config-path`` name in ``args`` (a calibrated company's, say)."""
    found = []
    for i, arg in enumerate(args):
        if arg in ("--config-dir", "-cd", "--config-path", "-cp") and i + 1 < len(args):
            found.append(Path(args[i + 1]))
        elif arg.startswith(("--config-dir=", "--config-path=")):
            found.append(Path(arg.split("=", 1)[1]))
    return [folder for folder in found if folder.resolve() != config_dir()]


def _own_primary(args: list[str]) -> list[str]:
    """``--config-dir DIR`` with a ``DIR/config.yaml``: that file is the primary config (shipped groups still found)."""
    if any(a.startswith(("--config-path", "-cp", "--config-name", "-cn")) for a in args):
        return args
    for i, arg in enumerate(args):
        folder, width = None, 1
        if arg in ("--config-dir", "-cd") and i + 1 < len(args):
            folder, width = args[i + 1], 2
        elif arg.startswith("--config-dir="):
            folder = arg.split("=", 1)[1]
        if folder is not None and (Path(folder) / "config.yaml").is_file():
            primary = str(Path(folder).resolve())
            return [*args[:i], "--config-path", primary, "--config-dir", str(config_dir()), *args[i + width :]]
    return args


def one_line_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, line: str | None = None
) -> str:
    """A Python warning as the terminal shows salesim's own: one line, no source file or code line."""
    return f"salesim: warning: {message}\n"


def multirun_first(args: list[str]) -> list[str]:
    """``args`` with ``--multirun`` (``-m``) first: Hydra takes its overrides as one run of words.

    ``runs=10 --multirun key=a,b`` had been refused in argparse's words ("unrecognized arguments").
    """
    return [a for a in args if a in MULTIRUN_FLAGS] + [a for a in args if a not in MULTIRUN_FLAGS]


CONFIG_OPTIONS = ("--config-dir", "-cd", "--config-path", "-cp", "--config-name", "-cn")


def config_options_first(args: list[str]) -> list[str]:
    """``args`` with ``--config-dir DIR`` (``--config-path``, ``--config-name``, each with its value) first.

    ``runs=50 --config-dir calibrated/crm-maven experiment=org_question`` had been refused in
    argparse's words ("unrecognized arguments: experiment=org_question") and Hydra's usage.
    """
    first: list[str] = []
    rest: list[str] = []
    words = iter(args)
    for word in words:
        if word in CONFIG_OPTIONS:
            first += [word, *[value for value in [next(words, None)] if value is not None]]
        elif word.startswith(tuple(f"{option}=" for option in CONFIG_OPTIONS)):
            first.append(word)
        else:
            rest.append(word)
    return first + rest


def main() -> None:
    """Console entry point (``salesim`` and ``python -m simulator``).

    ``--describe`` prints what each scenario changes from the baseline and runs nothing.
    Value overrides reach Hydra as ``++key=value`` (see :func:`simulator.command_line.prepare_command_line`)
    so that a key only the scenarios have is not refused by Hydra's base composition.
    A first word naming a command (``warmup``, ``sensitivity``, ``optimise``, ``calibrate``,
    ``backtest``) runs that command instead of an experiment. A ``--config-dir`` folder with
    its own ``config.yaml`` (a calibrated company written by ``salesim calibrate``) is the
    primary config; the shipped groups stay on the search path.
    Whatever Hydra refuses while composing (an override's syntax, a missing experiment or
    config directory, a YAML syntax error) is one salesim message and exit status 2;
    ``HYDRA_FULL_ERROR=1`` set by the user keeps Hydra's own report.
    """
    warnings.formatwarning = one_line_warning
    parse_config_files_once()
    forget_created_folders()  # main() called again in one process (the Python API, tests) starts afresh
    args = typed = sys.argv[1:]
    if args and args[0] in SUBCOMMANDS:
        try:
            code = run_subcommand(args[0], args[1:])
        finally:
            command_ended()  # a stop from here on is noted: the command's results are written
        sys.exit(code)
    if args and re.fullmatch(r"[A-Za-z][\w-]*", args[0]):  # a bare word is no override: a command mistyped
        close = difflib.get_close_matches(args[0], list(SUBCOMMANDS), n=1, cutoff=0.6)
        hint = f": did you mean '{close[0]}'?" if close else ""
        print(
            f"salesim: unknown command '{args[0]}'{hint} (commands: {', '.join(SUBCOMMANDS)}; a run takes "
            "key=value overrides, e.g. experiment=plan_check)",
            file=sys.stderr,
        )
        print("salesim: nothing was run.", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)
    describe = DESCRIBE_FLAG in args
    sweep = any(a in MULTIRUN_FLAGS or a.lstrip("+").lower() == "hydra.mode=multirun" for a in args)
    if describe and sweep:  # Hydra writes a sweep's folder before any job runs
        print(
            "salesim: --describe describes one experiment and writes nothing; a sweep (--multirun) writes its "
            "folder before any job: drop --multirun, and give one value of each swept key to see that job",
            file=sys.stderr,
        )
        print("salesim: nothing was run.", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)
    args = config_options_first(multirun_first(args))
    args = _own_primary(args)
    unforced = [a for a in args if a != DESCRIBE_FLAG]  # the second look quotes the overrides as typed, not ++
    try:
        args, rewritten = prepare_command_line(unforced, [config_dir()])
    except ConfigError as error:
        refuse(error)
    os.environ[COMMAND_LINE_ENV] = json.dumps(
        {
            "describe": describe,
            "rewritten": rewritten,
            "config": config_options(sys.argv[1:]),
            "argv": sys.argv[1:],
            "pid": os.getpid(),  # a sweep's job in another process (joblib) leaves the resume command to this one
        }
    )
    users_full_error = os.environ.get(FULL_ERROR_ENV)
    os.environ[FULL_ERROR_ENV] = "1"  # Hydra raises what it refuses instead of printing it: worded below
    sys.argv = [sys.argv[0], *args]
    try:
        # a sweep's main process too: as Ctrl-C, its jobs in other processes (joblib) stopped first, keeping their runs
        with sigterm_interrupts(), jobs_stopped_first() if sweep else contextlib.nullcontext() as jobs:
            if jobs is not None:
                os.environ[COMMAND_LINE_ENV] = json.dumps({**command_line_options(), "jobs": str(jobs)})
            try:
                _hydra_main()
            finally:  # the run or the sweep has ended, written or stopped: a stop from here on is noted
                command_ended()
    except KeyboardInterrupt:  # while Hydra or the config loaded, or the experiment was composed: nothing was run
        stopped = stopped_sweep()  # or a sweep whose jobs run in other processes (joblib): each kept what it made
        if stopped is not None:
            print(
                f"\nsalesim: interrupted: the sweep's jobs keep the replications they finished in {stopped}"
                f"{_kept_words(stopped)}",
                file=sys.stderr,
            )
            resume = sweep_resume_command(command_line_options().get("argv", []), stopped)
            print(f"salesim: to resume: {resume}", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        discard_unkept_sweep()  # Hydra's multirun.yaml in a sweep folder of this command's
        remove_created_folders()
        kept, resume = earlier_run_words(typed)  # a resume's folder holds the run it came to continue
        print(f"\nsalesim: interrupted; nothing was run{f', and {kept}' if kept else ''}", file=sys.stderr)
        if resume:
            print(f"salesim: to resume: {resume}", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # --help or --cfg piped into head: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
        sys.exit(0)
    except Exception as error:
        folders = [config_dir(), *_config_dirs(args)]
        refusal = hydra_refusal(error, args, folders) if users_full_error is None else None
        if refusal is None:
            stopped = stopped_sweep()  # a launcher's own failure (joblib's worker killed): the jobs kept their runs
            if stopped is None:
                raise
            traceback.print_exc()
            print(
                f"salesim: the sweep stopped; its jobs keep the replications they finished in {stopped}"
                f"{_kept_words(stopped)}",
                file=sys.stderr,
            )
            print(
                f"salesim: to resume: {sweep_resume_command(command_line_options().get('argv', []), stopped)}",
                file=sys.stderr,
            )
            sys.exit(1)
        refuse(second_look(refusal, unforced))
    finally:
        os.environ.pop(COMMAND_LINE_ENV, None)
        if users_full_error is None:
            os.environ.pop(FULL_ERROR_ENV, None)
