"""The Hydra entry point: compose the config, validate it, run, write, print.

This module and :mod:`simulator.compose` are the only ones that import Hydra. The job
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
import shlex
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import hydra
from hydra import compose
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from simulator.command_line import SEARCHPATH, UNKNOWN_KEY, hydra_refusal, prepare_command_line, restore_overrides
from simulator.compose import compose_experiment, config_dir, load_experiment
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.io.occupied import OccupiedOutputError
from simulator.io.output_dir import UnwritableOutputError, check_writable
from simulator.run.experiment import Experiment
from simulator.run.settings import RunnerSettings, runner_settings

EXIT_CONFIG_ERROR = 2
EXIT_UNWRITABLE_OUTPUT = 2
EXIT_REPLICATION_FAILURES = 3
EXIT_INTERRUPTED = 130
# What main() learnt from the command line before Hydra saw it, for the job (also in launcher processes).
COMMAND_LINE_ENV = "SALESIM_COMMAND_LINE"
DESCRIBE_FLAG = "--describe"
FULL_ERROR_ENV = "HYDRA_FULL_ERROR"

__all__ = ["OutputCheck", "SweepSummary", "config_dir", "load_experiment", "main"]


def _command_line_options() -> dict[str, Any]:
    try:
        options = json.loads(os.environ.get(COMMAND_LINE_ENV, "{}"))
    except ValueError:
        options = {}
    return options if isinstance(options, dict) else {}


def _typed_overrides(hydra_cfg: Any) -> dict[str, list[str]]:
    """Hydra's record of the overrides as typed (``task`` and ``hydra``): ``${...}`` is composed, not read here."""
    typed = OmegaConf.to_container(hydra_cfg.overrides, resolve=False)
    assert isinstance(typed, dict)
    return {str(k): [str(o) for o in v] for k, v in typed.items()}


def _job_experiment(hydra_cfg: Any, job: Sequence[str] | None = None, quiet: bool = False) -> Experiment:
    """Compose every scenario of a job's experiment: base, the user's overrides, the scenario's own.

    ``job``: the job's overrides as Hydra passes them (default: this job's); ``quiet``
    keeps the notes for later (a sweep checks its jobs before running them).
    """
    typed = _typed_overrides(hydra_cfg)
    task = restore_overrides(typed["task"] if job is None else job, _command_line_options().get("rewritten", []))
    searchpath = [o for o in typed["hydra"] if o.startswith(SEARCHPATH + "=")]
    config_name = hydra_cfg.job.config_name or "config"

    def composer(overrides: list[str]) -> DictConfig:
        return compose(config_name=config_name, overrides=[*searchpath, *overrides])

    experiment, notes = compose_experiment(task, composer, set(hydra_cfg.runtime.choices))
    experiment.resolved_config["command_line_overrides"] = task
    for note in [] if quiet else notes:
        print(f"salesim: note: {note}", file=sys.stderr)
    return experiment


def _prepared_job(
    hydra_cfg: Any, job: Sequence[str] | None = None, quiet: bool = False
) -> tuple[Experiment, RunnerSettings]:
    """A job's experiment and runner settings, validated; whatever Hydra refuses is a ConfigError."""
    try:
        experiment = _job_experiment(hydra_cfg, job, quiet)
        runner = experiment.resolved_config["base"].get("runner") or {}
        settings = runner_settings({str(k): v for k, v in runner.items()} if isinstance(runner, dict) else {})
    except ConfigError:
        raise
    except Exception as error:
        refusal = hydra_refusal(error)
        if refusal is None:
            raise
        raise refusal from None
    experiment.validate()
    from simulator.analysis.decision import check_decision  # the decision KPIs name KPIs salesim reports

    check_decision(experiment)
    return experiment, settings


def _run_job(cfg: DictConfig) -> int:
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    single = hydra_cfg.mode is None or hydra_cfg.mode.name != "MULTIRUN"
    written = Path(str(hydra_cfg.run.dir)) if single else None

    def refused(error: ConfigError) -> int:
        print(f"salesim: {error}", file=sys.stderr)
        print("salesim: nothing was run and no results were written.", file=sys.stderr)
        _remove_if_empty(out_dir, written)
        return EXIT_CONFIG_ERROR

    try:
        experiment, settings = _prepared_job(hydra_cfg)
    except ConfigError as error:
        return refused(error)
    if _command_line_options().get("describe"):
        from simulator.report.document import describe_experiment

        try:
            print(describe_experiment(experiment), flush=True)
        except BrokenPipeError:  # piped into head: the reader has what it wanted
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
        finally:
            _remove_if_empty(out_dir, written)
        return 0
    from simulator.report.session import run_and_write  # the library side of a job, once the config is valid
    from simulator.run.runner import RunInterrupted

    task = experiment.resolved_config.get("command_line_overrides", [])
    try:
        result = run_and_write(experiment, out_dir, settings=settings, resume_command=_resume_command(task, out_dir))
    except ConfigError as error:
        return refused(error)
    except UnwritableOutputError as error:
        print(f"salesim: {error}", file=sys.stderr)
        _remove_if_empty(out_dir, written)
        return EXIT_UNWRITABLE_OUTPUT
    except RunInterrupted:
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:  # before any batch was sent (the engine loading, the workers starting)
        print("\nsalesim: interrupted before any replication finished; nothing was kept", file=sys.stderr)
        _remove_if_empty(out_dir, written)
        return EXIT_INTERRUPTED
    return EXIT_REPLICATION_FAILURES if result.failures else 0


def _resume_command(task_overrides: Sequence[str], out_dir: Path) -> str:
    """The command that resumes this run: the same overrides, in the same run directory."""
    kept = [o for o in task_overrides if not o.lstrip("+~").startswith("runner.resume=")]
    words = ["python", "-m", "simulator", *kept, "runner.resume=true", f"hydra.run.dir={out_dir}"]
    return " ".join(shlex.quote(w) for w in words)


def _remove_if_empty(path: Path, written: Path | None = None) -> None:
    """Hydra creates the run directory before the job starts; leave nothing behind on a config error.

    When :class:`OutputCheck` saw the folders before Hydra made them, exactly the folders
    this command created go, deepest first, as long as they are empty: a folder that was
    there before (an empty folder of the user's) stays. Otherwise (no check ran) the run
    folder goes, then its parent if this run was its only one, then any emptied folder
    between it and the launch directory, including those the directory as written
    (``written``, e.g. ``outputs/../name/...``) created on its way.
    """
    if _NEW_FOLDERS is not None:
        created = set(_NEW_FOLDERS)
        if written is None:  # a sweep's job folder, made by Hydra inside the sweep folder for this job
            created.add(path.resolve())
        for folder in sorted(created, key=lambda f: len(f.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:
                if folder.exists():
                    return  # not empty: it and the folders above it stay
        return
    cwd = Path.cwd().resolve()
    try:
        path.rmdir()
        path.parent.rmdir()
    except OSError:
        return
    for folder in (cwd / (written or path)).parents[1:]:  # as written: outputs/../name climbs through outputs/
        resolved = folder.resolve()
        if resolved == cwd:
            continue
        if cwd not in resolved.parents:
            break
        try:
            folder.rmdir()
        except OSError:
            break


_NEW_FOLDERS: set[Path] | None = None
"""The folders of the run (or sweep) directory that did not exist before this command, once OutputCheck ran."""


class OutputCheck(Callback):
    """Before Hydra creates the run (or sweep) folder: refuse one that cannot be written, or is not salesim's.

    Hydra would fail with a traceback; this says which folder and why, exits with status
    2 and leaves nothing behind, before anything is composed or simulated. A folder that
    holds anything salesim did not write (a user's notes, data, a calibrated config) is
    refused alike, so a run never overwrites or deletes it.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check ``hydra.run.dir``."""
        from simulator.report.outputs import refuse_foreign_run

        _check_output(Path(str(config.hydra.run.dir)), "hydra.run.dir", refuse_foreign_run)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check ``hydra.sweep.dir``."""
        from simulator.report.sweep_report import refuse_foreign_sweep

        _check_output(Path(str(config.hydra.sweep.dir)), "hydra.sweep.dir", refuse_foreign_sweep)


def _check_output(folder: Path, key: str, refuse_foreign: Callable[[Path], None]) -> None:
    global _NEW_FOLDERS
    missing = [p for p in [folder, *folder.parents] if not p.exists()]  # deepest first
    _NEW_FOLDERS = (_NEW_FOLDERS or set()) | {p.resolve() for p in missing}
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
    exits non-zero if a job did.
    """

    def __init__(self, filename: str = "sweep_summary.csv") -> None:
        self.filename = filename
        self.exit_codes: list[int] = []

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before any job runs, compose and validate every job of the sweep; refuse the sweep if one is invalid.

        Jobs are the basic sweeper's (the cartesian product of the comma-separated values);
        another sweeper chooses its jobs as it goes, and each is checked when it runs.
        """
        jobs = _sweep_jobs(config) or []
        shared = set.intersection(*(set(job) for job in jobs)) if jobs else set()
        rewritten = _command_line_options().get("rewritten", [])
        issues: list[ConfigIssue] = []
        prepared: list[tuple[int, list[str], Experiment, RunnerSettings]] = []
        for number, job in enumerate(jobs):
            try:
                prepared.append((number, job, *_prepared_job(config.hydra, job, quiet=True)))
            except ConfigError as error:
                issues += _job_issues(number, job, shared, rewritten, error)
        if not issues:  # decision KPIs only some set-ups report: one run of each scenario of each job
            from simulator.analysis.decision import check_reported

            for number, job, experiment, settings in prepared:
                try:
                    check_reported(experiment, [spec.compile() for spec in experiment.scenarios], settings.engine)
                except ConfigError as error:
                    issues += _job_issues(number, job, shared, rewritten, error)
        if issues:
            print(f"salesim: the {len(jobs)} jobs of the sweep were checked before running any", file=sys.stderr)
            _refuse(ConfigError(issues))

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        """Remember each job's exit code (jobs run in this process with the basic launcher)."""
        try:
            value = job_return.return_value
        except Exception:
            value = 1
        self.exit_codes.append(value if isinstance(value, int) else 0)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write the gathered table, heatmap and report in the sweep directory and set the exit status."""
        from simulator.report.sweep_report import write_sweep

        sweep_dir = Path(str(config.hydra.sweep.dir))
        written = write_sweep(sweep_dir) if sweep_dir.is_dir() else []
        if written:
            jobs = sum(1 for p in sweep_dir.iterdir() if (p / "summary.csv").is_file())
            print(f"salesim: sweep of {jobs} jobs gathered in {written[0]} (heatmap and report.html beside it)")
        worst = max(self.exit_codes, default=0)
        if worst:
            print(f"salesim: {sum(1 for c in self.exit_codes if c)} sweep jobs failed", file=sys.stderr)
            sys.exit(worst)


def _job_issues(
    number: int, job: Sequence[str], shared: set[str], rewritten: Sequence[str], error: ConfigError
) -> list[ConfigIssue]:
    """A sweep job's issues, each prefixed with the job's number and its own overrides."""
    swept = " ".join(restore_overrides([o for o in job if o not in shared], rewritten))
    return [ConfigIssue(f"[job {number}: {swept}] {i.key}", i.value, i.allowed) for i in error.issues]


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
    parsed = OverridesParser.create().parse_overrides([*lines, *_typed_overrides(config.hydra)["task"]])
    return BasicSweeper.split_arguments(parsed, None)[0]


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> int:
    code = _run_job(cfg)
    mode = HydraConfig.get().mode
    if code == EXIT_INTERRUPTED or (code and (mode is None or mode.name != "MULTIRUN")):
        sys.exit(code)
    return code


# Overrides a command's own options replace: each is refused, naming the option to use.
_COMMAND_OPTIONS = {
    "runs": "--runs N",
    "hydra.run.dir": "--out DIR",
    "hydra.sweep.dir": "--out DIR",
    "runner.resume": "no resume: run it again",
}


def _command_experiment(command: str, overrides: Sequence[str], workers_option: bool = True) -> Experiment:
    """The experiment a command (warmup, sensitivity, optimise) reads, with its overrides.

    Raises:
        ConfigError: An override the command's own option replaces (``runs=3`` for ``--runs``,
            ``hydra.run.dir`` for ``--out``): it would be silently ignored.
    """
    workers = "--workers N" if workers_option else "no workers: it runs in this process"
    options = dict(_COMMAND_OPTIONS, **{"runner.workers": workers})
    issues = []
    for override in overrides:
        key = override.lstrip("+~").split("=", 1)[0]
        if key in options:
            wanted = options[key]
            words = (
                f"salesim {command} takes {wanted} instead"
                if wanted.startswith("--")
                else f"salesim {command} takes {wanted}"
            )
            issues.append(ConfigIssue("command line", override, words))
    if issues:
        raise ConfigError(issues)
    return load_experiment(None, overrides)


def _warmup_main(args: Sequence[str]) -> int:
    """``salesim warmup [OPTIONS] [OVERRIDES...]`` (see :mod:`simulator.report.warmup_command`)."""
    from simulator.report.warmup_command import warmup_main

    return warmup_main(args, lambda overrides: _command_experiment("warmup", overrides, workers_option=False))


def _sensitivity_main(args: Sequence[str]) -> int:
    """``salesim sensitivity [OPTIONS] [OVERRIDES...]`` (see :mod:`simulator.report.sensitivity_report`)."""
    from simulator.report.sensitivity_report import sensitivity_main

    return sensitivity_main(args, lambda overrides: _command_experiment("sensitivity", overrides))


def _optimise_main(args: Sequence[str]) -> int:
    """``salesim optimise [OPTIONS] [OVERRIDES...]`` (see :mod:`simulator.report.optimisation_report`)."""
    from simulator.report.optimisation_report import optimise_main

    return optimise_main(args, lambda overrides: _command_experiment("optimise", overrides))


def _calibrate_main(args: Sequence[str]) -> int:
    from simulator.crm_commands import calibrate_main

    return calibrate_main(args)


def _backtest_main(args: Sequence[str]) -> int:
    from simulator.crm_commands import backtest_main

    return backtest_main(args)


SUBCOMMANDS = {
    "warmup": _warmup_main,
    "sensitivity": _sensitivity_main,
    "optimise": _optimise_main,
    "calibrate": _calibrate_main,
    "backtest": _backtest_main,
}


def _subcommand(name: str, args: Sequence[str]) -> int:
    """Run a command; SIGTERM stops it as Ctrl-C does, and a stop the command did not word is one line, status 130.

    Each command says what an interrupt of its runs leaves (nothing is written before
    every run is done); one that comes elsewhere (Python or the engine loading, the
    export being read) ends here, with no traceback.
    """
    from simulator.report.session import sigterm_interrupts

    try:
        with sigterm_interrupts():
            return SUBCOMMANDS[name](args)
    except KeyboardInterrupt:
        print(f"\nsalesim: {name}: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


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
    args = sys.argv[1:]
    if args and args[0] in SUBCOMMANDS:
        sys.exit(_subcommand(args[0], args[1:]))
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
    args = _own_primary(args)
    try:
        args, rewritten = prepare_command_line([a for a in args if a != DESCRIBE_FLAG], [config_dir()])
    except ConfigError as error:
        _refuse(error)
    os.environ[COMMAND_LINE_ENV] = json.dumps({"describe": describe, "rewritten": rewritten})
    users_full_error = os.environ.get(FULL_ERROR_ENV)
    os.environ[FULL_ERROR_ENV] = "1"  # Hydra raises what it refuses instead of printing it: worded below
    sys.argv = [sys.argv[0], *args]
    try:
        _hydra_main()
    except KeyboardInterrupt:  # while Python, Hydra or the config loaded: nothing was run
        print("\nsalesim: interrupted; nothing was run", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # --help or --cfg piped into head: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
        sys.exit(0)
    except Exception as error:
        refusal = hydra_refusal(error) if users_full_error is None else None
        if refusal is None:
            raise
        _refuse(_closest_key(refusal, args))
    finally:
        os.environ.pop(COMMAND_LINE_ENV, None)
        if users_full_error is None:
            os.environ.pop(FULL_ERROR_ENV, None)


def _closest_key(refusal: ConfigError, args: Sequence[str]) -> ConfigError:
    """A key Hydra refused before salesim saw it (``--cfg job KEY=V``), told as a run tells it: with the closest key.

    The shipped configs are composed with the command line's overrides, as a run would; its
    refusal (``did you mean ...``) replaces Hydra's. Any other refusal is returned as it is.
    """
    if not any(issue.allowed == UNKNOWN_KEY for issue in refusal.issues):
        return refusal
    from hydra._internal.utils import get_args_parser

    try:
        parsed = get_args_parser().parse_args(list(args))
        if parsed.config_dir or parsed.config_path or parsed.config_name:
            return refusal  # a config of the user's: the shipped ones cannot say which key was meant
        load_experiment(None, [line.lstrip("+") for line in parsed.overrides])
    except ConfigError as error:
        return error
    except (Exception, SystemExit):  # composing failed otherwise: the first refusal stands
        return refusal
    return refusal


def _refuse(error: ConfigError) -> NoReturn:
    """Print a configuration error in salesim's words and exit with status 2."""
    print(f"salesim: {error}", file=sys.stderr)
    print("salesim: nothing was run and no results were written.", file=sys.stderr)
    sys.exit(EXIT_CONFIG_ERROR)
