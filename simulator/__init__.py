"""salesim: a Monte Carlo simulator of B2B sales organisations.

The public API, for scripts and notebooks::

    import simulator as ss
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=50"])
    result = ss.run_experiment(experiment)
    result.summary, result.comparison  # tidy pandas tables

Nothing in the library imports Hydra; :func:`load_experiment` does so lazily, as the
entry point does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from simulator.analysis.results import run_experiment
    from simulator.config.distributions import Distribution
    from simulator.config.errors import ConfigError, ConfigIssue
    from simulator.config.schema import ScenarioConfig, parse_scenario
    from simulator.config.validation import validate_scenario
    from simulator.model.scenario import Scenario, compile_scenario
    from simulator.run.build import experiment_from_dict, experiment_from_dicts
    from simulator.run.experiment import Experiment, ExperimentResult, ReplicationFailure, ScenarioSpec
    from simulator.run.replication import ReplicationResult, run_replication

# Where each name of the public API lives: imported on first use, so that the command
# line refuses a bad config without loading the simulation and statistics stack.
_HOMES = {
    "run_experiment": "simulator.analysis.results",
    "Distribution": "simulator.config.distributions",
    "ConfigError": "simulator.config.errors",
    "ConfigIssue": "simulator.config.errors",
    "ScenarioConfig": "simulator.config.schema",
    "parse_scenario": "simulator.config.schema",
    "validate_scenario": "simulator.config.validation",
    "Scenario": "simulator.model.scenario",
    "compile_scenario": "simulator.model.scenario",
    "experiment_from_dict": "simulator.run.build",
    "experiment_from_dicts": "simulator.run.build",
    "Experiment": "simulator.run.experiment",
    "ExperimentResult": "simulator.run.experiment",
    "ReplicationFailure": "simulator.run.experiment",
    "ScenarioSpec": "simulator.run.experiment",
    "ReplicationResult": "simulator.run.replication",
    "run_replication": "simulator.run.replication",
}


def __getattr__(name: str) -> Any:
    """The public API's names, imported from their modules on first use."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


__all__ = [
    "ConfigError",
    "ConfigIssue",
    "Distribution",
    "Experiment",
    "ExperimentResult",
    "ReplicationFailure",
    "ReplicationResult",
    "Scenario",
    "ScenarioConfig",
    "ScenarioSpec",
    "compile_scenario",
    "experiment_from_dict",
    "experiment_from_dicts",
    "load_experiment",
    "parse_scenario",
    "run_experiment",
    "run_replication",
    "validate_scenario",
    "write_outputs",
]


def load_experiment(
    name: str | None = None, overrides: Sequence[str] = (), config_folder: str | Path | None = None
) -> Experiment:
    """Compose an experiment with Hydra overrides, from a config folder of yours if given.

    See :func:`simulator.notebook_loader.load_experiment` (``config_folder``: a calibrated company's
    folder, as ``--config-dir`` takes it).
    """
    from simulator.notebook_loader import load_experiment as _load

    return _load(name, overrides, config_folder)


def write_outputs(result: ExperimentResult, out_dir: Path | str) -> list[Any]:
    """Write every output file of a result (see :mod:`simulator.report.outputs`).

    Raises:
        OccupiedOutputError: ``out_dir`` holds anything this function did not write there
            (your own ``report.md``, notes, data, a command-line run's folder): nothing is
            written. A new or empty folder, or one it wrote before, is fine.
    """
    from pathlib import Path as _Path

    from simulator.report.outputs import write_api_outputs

    return write_api_outputs(result, _Path(out_dir))
