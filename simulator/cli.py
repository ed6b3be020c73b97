"""The Hydra entry point: compose the config, validate it, run, write, print.

This module and :mod:`simulator.compose` are the only ones that import Hydra. The job
composes every scenario of the experiment (the experiment's base, the user's overrides,
the scenario's own; see :mod:`simulator.compose`), builds a typed
:class:`~simulator.run.experiment.Experiment`, and calls the plain functions of the
library, which tests call directly.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
import yaml
from hydra import compose
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from simulator.compose import (
    SEARCHPATH,
    compose_experiment,
    config_dir,
    load_experiment,
    prepare_command_line,
    restore_overrides,
)
from simulator.config.errors import ConfigError
from simulator.io.output_dir import UnwritableOutputError, check_writable
from simulator.run.experiment import Experiment
from simulator.run.runner import RunInterrupted
from simulator.run.settings import runner_settings

EXIT_CONFIG_ERROR = 2
EXIT_UNWRITABLE_OUTPUT = 2
EXIT_REPLICATION_FAILURES = 3
EXIT_INTERRUPTED = 130
# What main() learnt from the command line before Hydra saw it, for the job (also in launcher processes).
COMMAND_LINE_ENV = "SALESIM_COMMAND_LINE"
DESCRIBE_FLAG = "--describe"

__all__ = ["OutputCheck", "SweepSummary", "config_dir", "load_experiment", "main"]


def _command_line_options() -> dict[str, Any]:
    try:
        options = json.loads(os.environ.get(COMMAND_LINE_ENV, "{}"))
    except ValueError:
        options = {}
    return options if isinstance(options, dict) else {}


def _job_experiment(hydra_cfg: Any) -> Experiment:
    """Compose every scenario of the job's experiment: base, the user's overrides, the scenario's own."""
    options = _command_line_options()
    task = restore_overrides(list(hydra_cfg.overrides.task), options.get("rewritten", []))
    searchpath = [o for o in hydra_cfg.overrides.hydra if o.startswith(SEARCHPATH + "=")]
    config_name = hydra_cfg.job.config_name or "config"

    def composer(overrides: list[str]) -> DictConfig:
        return compose(config_name=config_name, overrides=[*searchpath, *overrides])

    experiment, notes = compose_experiment(task, composer, set(hydra_cfg.runtime.choices))
    experiment.resolved_config["command_line_overrides"] = task
    for note in notes:
        print(f"salesim: note: {note}", file=sys.stderr)
    return experiment


def _run_job(cfg: DictConfig) -> int:
    from simulator.report.session import run_and_write  # the library side of a job

    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    try:
        experiment = _job_experiment(hydra_cfg)
        runner = OmegaConf.to_container(cfg.runner, resolve=True) if "runner" in cfg else {}
        settings = runner_settings({str(k): v for k, v in runner.items()} if isinstance(runner, dict) else {})
        experiment.validate()
        if _command_line_options().get("describe"):
            from simulator.report.document import describe_experiment

            print(describe_experiment(experiment))
            _remove_if_empty(out_dir)
            return 0
        task = experiment.resolved_config.get("command_line_overrides", [])
        result = run_and_write(experiment, out_dir, settings=settings, resume_command=_resume_command(task, out_dir))
    except ConfigError as error:
        print(f"salesim: {error}", file=sys.stderr)
        print("salesim: nothing was run and no results were written.", file=sys.stderr)
        _remove_if_empty(out_dir)
        return EXIT_CONFIG_ERROR
    except UnwritableOutputError as error:
        print(f"salesim: {error}", file=sys.stderr)
        _remove_if_empty(out_dir)
        return EXIT_UNWRITABLE_OUTPUT
    except RunInterrupted:
        return EXIT_INTERRUPTED
    return EXIT_REPLICATION_FAILURES if result.failures else 0


def _resume_command(task_overrides: Sequence[str], out_dir: Path) -> str:
    """The command that resumes this run: the same overrides, in the same run directory."""
    kept = [o for o in task_overrides if not o.lstrip("+~").startswith("runner.resume=")]
    words = ["python", "-m", "simulator", *kept, "runner.resume=true", f"hydra.run.dir={out_dir}"]
    return " ".join(shlex.quote(w) for w in words)


def _remove_if_empty(path: Path) -> None:
    """Hydra creates the run directory before the job starts; leave nothing behind on a config error.

    The run folder goes, then its parent (the per-experiment folder) if this run was its
    only one, then any emptied folder between it and the launch directory (``outputs/``).
    """
    cwd = Path.cwd().resolve()
    try:
        path.rmdir()
        path.parent.rmdir()
        for folder in path.resolve().parents[1:]:
            if folder == cwd or cwd not in folder.parents:
                break
            folder.rmdir()
    except OSError:
        pass


class OutputCheck(Callback):
    """Before Hydra creates the run (or sweep) folder: refuse one that cannot be written.

    Hydra would fail with a traceback; this says which folder and why, exits with status
    2 and leaves nothing behind, before anything is composed or simulated.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check ``hydra.run.dir``."""
        _check_output(Path(str(config.hydra.run.dir)), "hydra.run.dir")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check ``hydra.sweep.dir``."""
        _check_output(Path(str(config.hydra.sweep.dir)), "hydra.sweep.dir")


def _check_output(folder: Path, key: str) -> None:
    existed = folder.exists()
    try:
        check_writable(folder)
    except UnwritableOutputError as error:
        print(f"salesim: {error}", file=sys.stderr)
        print(f"salesim: nothing was run; choose another folder with {key}=<folder>", file=sys.stderr)
        sys.exit(EXIT_UNWRITABLE_OUTPUT)
    if not existed:
        with contextlib.suppress(OSError):
            folder.rmdir()  # Hydra creates it again for the job; a run refused later leaves nothing


class SweepSummary(Callback):
    """After a ``--multirun`` sweep, gather every job's summary into ``sweep_summary.csv``.

    One row per job × scenario × KPI, with the job's number and overrides, so a sweep
    over, say, AE headcount reads as one table. The sweep exits non-zero if a job did.
    """

    def __init__(self, filename: str = "sweep_summary.csv") -> None:
        self.filename = filename
        self.exit_codes: list[int] = []

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        """Remember each job's exit code (jobs run in this process with the basic launcher)."""
        try:
            value = job_return.return_value
        except Exception:
            value = 1
        self.exit_codes.append(value if isinstance(value, int) else 0)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write the gathered table in the sweep directory and set the exit status."""
        from simulator.io.atomic import atomic_write

        sweep_dir = Path(str(config.hydra.sweep.dir))
        tables = []
        for job_dir in sorted(p for p in sweep_dir.iterdir() if (p / "summary.csv").is_file()):
            summary = pd.read_csv(job_dir / "summary.csv")
            meta = yaml.safe_load((job_dir / "config.yaml").read_text()) or {}
            summary.insert(0, "overrides", " ".join(meta.get("command_line_overrides", [])))
            summary.insert(0, "job", job_dir.name)
            tables.append(summary)
        if tables:
            table = pd.concat(tables, ignore_index=True)
            path = atomic_write(sweep_dir / self.filename, lambda f: table.to_csv(f, index=False))
            print(f"salesim: sweep of {len(tables)} jobs gathered in {path}")
        worst = max(self.exit_codes, default=0)
        if worst:
            print(f"salesim: {sum(1 for c in self.exit_codes if c)} sweep jobs failed", file=sys.stderr)
            sys.exit(worst)


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> int:
    code = _run_job(cfg)
    mode = HydraConfig.get().mode
    if code == EXIT_INTERRUPTED or (code and (mode is None or mode.name != "MULTIRUN")):
        sys.exit(code)
    return code


def _warmup_main(args: Sequence[str]) -> int:
    """``salesim warmup [--runs N] [--years Y] [--scenario S] [--out DIR] [OVERRIDES...]``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(
        prog="salesim warmup",
        description="Run a scenario from day 0 for some years, average its state (open pipeline, customers, "
        "partners, ramped FTE, tenure) over runs and choose the warm-up by MSER-5. Overrides as for a run.",
    )
    parser.add_argument("--runs", type=int, default=20, help="replications to average (default 20)")
    parser.add_argument("--years", type=float, default=3.0, help="years of the calendar to simulate (default 3)")
    parser.add_argument("--scenario", default=None, help="scenario of the experiment (default: its baseline)")
    parser.add_argument("--out", default=None, help="output folder (default outputs/warmup/<experiment>/<time>)")
    options, overrides = parser.parse_known_args(list(args))
    if options.runs < 2 or not 0 < options.years <= 50:
        print("salesim: warmup: --runs must be at least 2 and --years in (0, 50]", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        experiment = load_experiment(None, overrides)
        name = options.scenario or experiment.baseline
        spec = experiment.scenario(name)
    except ConfigError as error:
        print(f"salesim: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except KeyError:
        names = ", ".join(s.name for s in experiment.scenarios)
        print(f"salesim: warmup: --scenario {options.scenario}: not a scenario of {experiment.name} ({names})")
        return EXIT_CONFIG_ERROR
    from simulator.analysis.warmup_study import study_warmup
    from simulator.report.warmup_report import warmup_markdown, write_warmup

    year = spec.config.clock.calendar().days_per_year
    out = Path(options.out or f"outputs/warmup/{experiment.name}/{time.strftime('%Y-%m-%d_%H-%M-%S')}")
    study = study_warmup(spec.config, name, experiment.seed, options.runs, options.years * year)
    written = write_warmup(study, out)
    print(warmup_markdown(study))
    print(f"salesim: warm-up study written to {written[0].parent}")
    return 0


def _calibrate_main(args: Sequence[str]) -> int:
    from simulator.crm_commands import calibrate_main

    return calibrate_main(args)


def _backtest_main(args: Sequence[str]) -> int:
    from simulator.crm_commands import backtest_main

    return backtest_main(args)


SUBCOMMANDS = {"warmup": _warmup_main, "calibrate": _calibrate_main, "backtest": _backtest_main}


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


def main() -> None:
    """Console entry point (``salesim`` and ``python -m simulator``).

    ``--describe`` prints what each scenario changes from the baseline and runs nothing.
    Value overrides reach Hydra as ``++key=value`` (see :func:`simulator.compose.prepare_command_line`)
    so that a key only the scenarios have is not refused by Hydra's base composition.
    A first word naming a command (``warmup``, ``calibrate``, ``backtest``) runs that command instead of an
    experiment. A ``--config-dir`` folder with its own ``config.yaml`` (a calibrated company written by
    ``salesim calibrate``) is the primary config; the shipped groups stay on the search path.
    """
    args = sys.argv[1:]
    if args and args[0] in SUBCOMMANDS:
        sys.exit(SUBCOMMANDS[args[0]](args[1:]))
    describe = DESCRIBE_FLAG in args
    args = _own_primary(args)
    args, rewritten = prepare_command_line([a for a in args if a != DESCRIBE_FLAG], [config_dir()])
    os.environ[COMMAND_LINE_ENV] = json.dumps({"describe": describe, "rewritten": rewritten})
    sys.argv = [sys.argv[0], *args]
    try:
        _hydra_main()
    finally:
        os.environ.pop(COMMAND_LINE_ENV, None)
