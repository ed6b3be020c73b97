"""Where and how replications run: the ``runner`` config group as a typed object.

Checked before anything runs, so a wrong backend, a bad address or a missing Dask
installation is one clear config error naming the key, the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.runner_settings import ENGINES, PRECISION_ALLOWED, dask_address_problem
from simulator.run.dask_install import INSTALL_HINT, dask_installed
from simulator.run.experiment import PrecisionGoal

BACKENDS = ("local", "dask")
EXECUTION_KEYS = ("backend", "workers", "batch_size", "address", "resume", "progress", "allow_large")
"""Runner keys that change where and how fast replications run, never their numbers."""


@dataclass(frozen=True, slots=True)
class RunnerSettings:
    """How an experiment's replications are run (none of it changes the numbers).

    Attributes:
        backend: ``local`` (this machine's cores) or ``dask`` (a Dask cluster).
        workers: Local worker processes, or LocalCluster workers for ``dask``; 0 = every
            available core, 1 = in this process.
        batch_size: Replications per task; 0 = automatic.
        address: A Dask scheduler address (``tcp://host:8786``); None starts a LocalCluster.
        resume: Continue the interrupted run in the same run directory.
        progress: Show a progress bar.
        engine: ``auto`` (the fast engine when it covers a scenario, else the SimPy
            engine, with a note naming the features that decided it), ``simpy`` or ``fast``.
    """

    backend: str = "local"
    workers: int = 0
    batch_size: int = 0
    address: str | None = None
    resume: bool = False
    progress: bool = True
    engine: str = "auto"


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_runner_settings(runner: Mapping[str, Any]) -> list[ConfigIssue]:
    """Issues with the ``runner`` config group (checked before anything runs)."""
    issues: list[ConfigIssue] = []
    backend = runner.get("backend", "local")
    if backend not in BACKENDS:
        issues.append(ConfigIssue("runner.backend", backend, f"must be one of {', '.join(BACKENDS)}"))
    elif backend == "dask" and not dask_installed():
        issues.append(
            ConfigIssue("runner.backend", backend, f"needs Dask distributed, which is not installed: {INSTALL_HINT}")
        )
    for key in ("workers", "batch_size"):
        value = runner.get(key, 0)
        if not _whole(value):
            issues.append(ConfigIssue(f"runner.{key}", value, "must be a whole number >= 0 (0 = automatic)"))
    address = runner.get("address")
    if address is not None:
        problem = dask_address_problem(address) if isinstance(address, str) else "must be a string or null"
        if problem is not None:
            issues.append(ConfigIssue("runner.address", address, problem))
        elif backend != "dask":
            issues.append(ConfigIssue("runner.address", address, "applies only with runner.backend=dask"))
    engine = runner.get("engine", "auto")
    if engine not in ENGINES:
        issues.append(ConfigIssue("runner.engine", engine, f"must be one of {', '.join(ENGINES)}"))
    for key in ("resume", "progress"):
        value = runner.get(key, key == "progress")
        if not isinstance(value, bool):
            issues.append(ConfigIssue(f"runner.{key}", value, "must be true or false"))
    return issues + _goal_issues(runner)


def _goal_issues(runner: Mapping[str, Any]) -> list[ConfigIssue]:
    """The ``runs=auto`` keys, checked even when runs is a number, so a typo never waits for later."""
    kpi = runner.get("target_kpi", "bookings")
    precision = runner.get("target_precision", 0.02)
    counts = {key: runner.get(key, default) for key, default in (("max_runs", 2000), ("pilot_runs", 20))}
    issues = [
        ConfigIssue(f"runner.{key}", value, "must be a whole number")
        for key, value in counts.items()
        if isinstance(value, bool) or not isinstance(value, int)
    ]
    if isinstance(precision, bool) or not isinstance(precision, int | float):
        issues.append(ConfigIssue("runner.target_precision", precision, PRECISION_ALLOWED))
    if issues:
        return issues
    return PrecisionGoal(str(kpi) if kpi else "", float(precision), counts["max_runs"], counts["pilot_runs"]).issues()


def runner_settings(runner: Mapping[str, Any]) -> RunnerSettings:
    """The typed settings of a ``runner`` config group.

    Raises:
        ConfigError: With every issue of :func:`check_runner_settings`.
    """
    issues = check_runner_settings(runner)
    if issues:
        raise ConfigError(issues)
    return RunnerSettings(
        backend=str(runner.get("backend", "local")),
        workers=int(runner.get("workers", 0)),
        batch_size=int(runner.get("batch_size", 0)),
        address=runner.get("address"),
        resume=bool(runner.get("resume", False)),
        progress=bool(runner.get("progress", True)),
        engine=str(runner.get("engine", "auto")),
    )
