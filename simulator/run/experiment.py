"""An experiment: a question, scenarios to compare (one is the baseline), a seed, a number of runs.

Plain data only. :func:`simulator.analysis.results.run_experiment` runs one; the tidy tables it
returns travel together with their provenance in :class:`ExperimentResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulator.config.errors import ConfigError, ConfigIssue, merge_scenario_issues
from simulator.config.schema import ScenarioConfig
from simulator.config.validation import validate_scenario
from simulator.model.scenario import Scenario, compile_scenario


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """One scenario of an experiment: its name, a sentence for reports, its config."""

    name: str
    config: ScenarioConfig
    description: str = ""

    def compile(self) -> Scenario:
        """The array form the engine reads."""
        return compile_scenario(self.config, self.name)


@dataclass(frozen=True, slots=True)
class Experiment:
    """What to run: scenarios sharing one seed (common random numbers) and a number of runs."""

    name: str
    scenarios: tuple[ScenarioSpec, ...]
    baseline: str
    seed: int
    runs: int
    question: str = ""
    resolved_config: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        """Check the experiment and every scenario; raise one ConfigError listing every issue."""
        issues: list[ConfigIssue] = []
        names = [s.name for s in self.scenarios]
        if not self.scenarios:
            issues.append(ConfigIssue("experiment.scenarios", [], "needs at least one scenario"))
        if self.baseline not in names:
            issues.append(ConfigIssue("experiment.baseline", self.baseline, f"must be one of the scenarios: {names}"))
        if len(set(names)) != len(names):
            issues.append(ConfigIssue("experiment.scenarios", names, "scenario names must be unique"))
        if self.runs < 1:
            issues.append(ConfigIssue("runs", self.runs, "must be a whole number >= 1"))
        if self.seed < 0:
            issues.append(ConfigIssue("seed", self.seed, "must be a whole number >= 0"))
        issues.extend(merge_scenario_issues(self._scenario_issues(), len(self.scenarios)))
        if issues:
            raise ConfigError(issues)

    def _scenario_issues(self) -> dict[str, list[ConfigIssue]]:
        found: dict[str, list[ConfigIssue]] = {}
        for spec in self.scenarios:
            try:
                validate_scenario(spec.config)
            except ConfigError as error:
                found[spec.name] = error.issues
        return found

    def scenario(self, name: str) -> ScenarioSpec:
        """The scenario called ``name``."""
        for spec in self.scenarios:
            if spec.name == name:
                return spec
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class ReplicationFailure:
    """A replication that raised: enough to rebuild it alone and see why."""

    scenario: str
    replication: int
    seed: int
    error: str
    traceback: str


@dataclass(slots=True)
class ExperimentResult:
    """The tidy tables of one experiment, with their provenance.

    Attributes:
        experiment: What was run.
        replications: One row per scenario x replication: ``scenario``, ``replication``,
            then one column per KPI.
        monthly: One row per scenario x replication x month: ``scenario``,
            ``replication``, ``month``, ``bookings``, ``deals_won``, ``leads``,
            ``open_at_month_end``, ``cumulative_bookings``.
        summary: Per scenario x KPI: ``n``, ``mean``, ``std``, ``ci_low``, ``ci_high``,
            ``p10``, ``p50``, ``p90``.
        comparison: Per non-baseline scenario x KPI: the paired difference to the baseline.
        failures: Replications that raised.
        wall_seconds: Wall time of the run.
        workers: Worker processes used.
        tables: Tidy extra tables by name, each with ``scenario`` and ``replication`` first:
            ``reps`` (one row per rep: team, employed days, credited bookings, quota
            attainment) and ``monthly_queues`` (one row per month x stage x team: queue
            length, wait, visits).
    """

    experiment: Experiment
    replications: pd.DataFrame
    monthly: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame
    failures: list[ReplicationFailure]
    wall_seconds: float
    workers: int = 1
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
