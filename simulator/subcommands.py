"""The commands beside a run (``salesim warmup``, ``sensitivity``, ``optimise``, ``calibrate``, ``backtest``).

:func:`simulator.cli.main` hands a first word naming one of :data:`SUBCOMMANDS` here: each
reads the experiment as a run does (its overrides, ``--config-dir``), refuses the overrides
its own options replace, and runs in this machine's processes; a stop it did not word is
one line and exit status 130.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from simulator.config.errors import ConfigError, ConfigIssue, with_more
from simulator.io.stop_signals import sigterm_interrupts
from simulator.job import EXIT_INTERRUPTED
from simulator.notebook_loader import load_experiment
from simulator.run.experiment import Experiment
from simulator.run.signals import forget_written, results_written

# Overrides a command's own options replace: each is refused, naming the option to use.
_COMMAND_OPTIONS = {
    "runs": "--runs N",
    "hydra.run.dir": "--out DIR",
    "hydra.sweep.dir": "--out DIR",
    "runner.resume": "no resume: run it again",
}
_ELSEWHERE = ("runner.backend", "runner.address")
"""Where a run's batches go: a command runs its own on this machine, so these would be ignored."""


def _command_experiment(
    command: str, overrides: Sequence[str], workers_option: bool = True, folder: str | None = None
) -> Experiment:
    """The experiment a command (warmup, sensitivity, optimise) reads, with its overrides and ``--config-dir``.

    The experiment is checked whole, as a run checks it before anything runs: ``salesim warmup
    org.teams.full_cycle.role=wizard`` had run and written its study, and ``salesim sensitivity``
    had refused it as "--params = [...]: no lever to move", every moved scenario being invalid.

    Raises:
        ConfigError: An override the command's own option replaces (``runs=3`` for ``--runs``,
            ``hydra.run.dir`` for ``--out``): it would be silently ignored; or any problem a run
            of the experiment would refuse.
    """
    issues = command_override_issues(command, overrides, workers_option)
    refused = {issue.value for issue in issues}  # composed without them: the others' problems named beside them
    try:
        experiment = load_experiment(None, [o for o in overrides if o not in refused], folder)
        experiment.validate()
    except ConfigError as error:
        raise ConfigError(with_more(issues, error.issues)) from None
    if issues:
        raise ConfigError(issues)
    return experiment


def _config_dir_option(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """A command's ``--config-dir DIR`` (a calibrated company's folder, as a run takes it) and its other arguments."""
    rest = list(args)
    for i, arg in enumerate(rest):
        if arg in ("--config-dir", "-cd") and i + 1 < len(rest):
            return rest[i + 1], rest[:i] + rest[i + 2 :]
        if arg.startswith("--config-dir="):
            return arg.split("=", 1)[1], rest[:i] + rest[i + 1 :]
    return None, rest


def command_override_issues(command: str, overrides: Sequence[str], workers_option: bool = True) -> list[ConfigIssue]:
    """The overrides a command's own option replaces (``runs=3`` for ``--runs``) or it ignores: found without composing.

    A command runs on this machine: ``runner=dask`` or ``runner.backend=dask`` had run
    ``salesim sensitivity`` locally without a word (and without Dask installed).
    """
    workers = "--workers N" if workers_option else "no workers: it runs in this process"
    options = dict(_COMMAND_OPTIONS, **{"runner.workers": workers})
    issues = []
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key in _ELSEWHERE or (key == "runner" and value != "local"):
            where = "worker processes on this machine (--workers N)" if workers_option else "this process"
            words = f"salesim {command} runs in {where}; the main command runs a config's scenarios on Dask"
            issues.append(ConfigIssue("command line", override, words))
        elif key in options:
            wanted = options[key]
            words = (
                f"salesim {command} takes {wanted} instead"
                if wanted.startswith("--")
                else f"salesim {command} takes {wanted}"
            )
            issues.append(ConfigIssue("command line", override, words))
    return issues


def _warmup_main(args: Sequence[str]) -> int:
    """``salesim warmup [OPTIONS] [OVERRIDES...]`` (see :mod:`simulator.report.warmup_command`)."""
    from simulator.report.warmup_command import warmup_main

    folder, args = _config_dir_option(args)
    return warmup_main(args, lambda overrides: _command_experiment("warmup", overrides, False, folder), folder)


def _sensitivity_main(args: Sequence[str]) -> int:
    """``salesim sensitivity [OPTIONS] [OVERRIDES...]`` (see :mod:`simulator.report.sensitivity_report`)."""
    from simulator.report.sensitivity_command import sensitivity_main

    folder, args = _config_dir_option(args)
    return sensitivity_main(
        args,
        lambda overrides: _command_experiment("sensitivity", overrides, folder=folder),
        lambda overrides: command_override_issues("sensitivity", overrides),
    )


def _optimise_main(args: Sequence[str]) -> int:
    """``salesim optimise [OPTIONS] [OVERRIDES...]`` (see :mod:`simulator.report.optimise_command`)."""
    from simulator.report.optimise_command import optimise_main

    folder, args = _config_dir_option(args)
    return optimise_main(args, lambda overrides: _command_experiment("optimise", overrides, folder=folder))


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


def run_subcommand(name: str, args: Sequence[str]) -> int:
    """Run a command; SIGTERM stops it as Ctrl-C does, and a stop the command did not word is one line, status 130.

    Each command says what an interrupt of its runs leaves (nothing is written before
    every run is done); one that comes elsewhere (Python or the engine loading, the
    export being read) ends here, with no traceback.
    """
    forget_written()
    try:
        with sigterm_interrupts():
            return SUBCOMMANDS[name](args)
    except KeyboardInterrupt:
        if results_written(name):  # as it printed its answer: "nothing was written" had said so of written results
            print(f"\nsalesim: {name}: interrupted after its results were written in full", file=sys.stderr)
        else:
            print(f"\nsalesim: {name}: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
