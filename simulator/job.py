"""A job of the Hydra entry point: its experiment composed and validated, and its exit statuses.

Shared by :mod:`simulator.cli` (which runs the job) and :mod:`simulator.hydra_callbacks`
(which checks every job of a sweep before any runs). With :mod:`simulator.cli`,
:mod:`simulator.compose`, :mod:`simulator.command_line` and :mod:`simulator.hydra_callbacks`,
one of the modules of the entry point that import Hydra.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from hydra import compose
from omegaconf import DictConfig, OmegaConf

from simulator.command_line import hydra_refusal, restore_overrides
from simulator.compose import compose_experiment
from simulator.config.errors import ConfigError
from simulator.config_search import SEARCHPATH, config_folders
from simulator.run.experiment import COMPOSITION_NOTES, Experiment
from simulator.run.parameter_draws import load_parameter_draws, missing_draws_issues
from simulator.run.settings import RunnerSettings, runner_settings

EXIT_CONFIG_ERROR = 2
EXIT_UNWRITABLE_OUTPUT = 2
EXIT_REPLICATION_FAILURES = 3
EXIT_INTERRUPTED = 130
# What main() learnt from the command line before Hydra saw it, for the job (also in launcher processes).
COMMAND_LINE_ENV = "SALESIM_COMMAND_LINE"


def worst_status(statuses: Iterable[int]) -> int:
    """The exit status of a command made of jobs (a sweep): the worst of theirs, 0 when there is none.

    Failed replications (3: the job finished, its answer over fewer runs) are the mildest;
    a job that failed (1), a job refused (2) and an interrupt (130) are worse, each than the one before.
    """
    return max(statuses, key=lambda code: (code != 0, code != EXIT_REPLICATION_FAILURES, code), default=0)


def command_line_options() -> dict[str, Any]:
    """What :func:`simulator.cli.main` learnt from the command line before Hydra saw it."""
    try:
        options = json.loads(os.environ.get(COMMAND_LINE_ENV, "{}"))
    except ValueError:
        options = {}
    return options if isinstance(options, dict) else {}


def typed_overrides(hydra_cfg: Any) -> dict[str, list[str]]:
    """Hydra's record of the overrides as typed (``task`` and ``hydra``): ``${...}`` is composed, not read here."""
    typed = OmegaConf.to_container(hydra_cfg.overrides, resolve=False)
    assert isinstance(typed, dict)
    return {str(k): [str(o) for o in v] for k, v in typed.items()}


def job_experiment(hydra_cfg: Any, job: Sequence[str] | None = None, quiet: bool = False) -> Experiment:
    """Compose every scenario of a job's experiment: base, the user's overrides, the scenario's own.

    ``job``: the job's overrides as Hydra passes them (default: this job's); ``quiet``
    keeps the notes for later (a sweep checks its jobs before running them).
    """
    typed = typed_overrides(hydra_cfg)
    task = restore_overrides(typed["task"] if job is None else job, command_line_options().get("rewritten", []))
    searchpath = [o for o in typed["hydra"] if o.startswith(SEARCHPATH + "=")]
    config_name = hydra_cfg.job.config_name or "config"

    def composer(overrides: list[str]) -> DictConfig:
        return compose(config_name=config_name, overrides=[*searchpath, *overrides])

    folders = config_folders(hydra_cfg)
    experiment, notes = compose_experiment(
        task, composer, set(hydra_cfg.runtime.choices), lambda base: missing_draws_issues(base, folders)
    )
    experiment = load_parameter_draws(experiment, folders)
    experiment.resolved_config["command_line_overrides"] = task
    notes = experiment.resolved_config.get(COMPOSITION_NOTES, notes)  # with the draws' own
    for note in [] if quiet else notes:
        print(f"salesim: note: {note}", file=sys.stderr)
    return experiment


def prepared_job(
    hydra_cfg: Any, job: Sequence[str] | None = None, quiet: bool = False
) -> tuple[Experiment, RunnerSettings]:
    """A job's experiment and runner settings, validated; whatever Hydra refuses is a ConfigError."""
    try:
        experiment = job_experiment(hydra_cfg, job, quiet)
        runner = experiment.resolved_config["base"].get("runner") or {}
        settings = runner_settings({str(k): v for k, v in runner.items()} if isinstance(runner, dict) else {})
    except ConfigError:
        raise
    except Exception as error:
        refusal = hydra_refusal(error)
        if refusal is None:
            raise
        raise refusal from None
    from simulator.analysis.decision import check_experiment  # the decision KPIs name KPIs salesim reports

    check_experiment(experiment)  # the scenarios' problems and the decision's, in one message
    return experiment, settings


def refuse(error: ConfigError) -> NoReturn:
    """Print a configuration error in salesim's words and exit with status 2."""
    print(f"salesim: {error}", file=sys.stderr)
    print("salesim: nothing was run and no results were written.", file=sys.stderr)
    sys.exit(EXIT_CONFIG_ERROR)
