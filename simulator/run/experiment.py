"""An experiment: a question, scenarios to compare (one is the baseline), a seed, a number of runs.

Plain data only. :func:`simulator.analysis.results.run_experiment` runs one; the tidy tables it
returns travel together with their provenance in :class:`ExperimentResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from simulator.config.composed import MAX_SEED, SEED_RULE
from simulator.config.decision import DecisionSettings
from simulator.config.errors import ConfigError, ConfigIssue, listed, merge_scenario_issues
from simulator.config.question import question_settings
from simulator.config.runner_settings import PRECISION_ALLOWED
from simulator.config.schema import ScenarioConfig
from simulator.config.validation import validate_scenario

if TYPE_CHECKING:  # the simulation stack is loaded when a scenario is compiled, not to validate one
    import pandas as pd

    from simulator.model.scenario import Scenario
    from simulator.run.table_source import TableSource

T = TypeVar("T")

REPLACED_OVERRIDES = "overrides_replaced"
"""Key of ``resolved_config``: scenario -> {key: the scenario's own override} for each user override it replaces."""
SKIPPED_OVERRIDES = "overrides_skipped"
"""Key of ``resolved_config``: scenario -> [key of each user override skipped there, as the scenario lacks it]."""
COMPOSITION_NOTES = "composition_notes"
"""Key of ``resolved_config``: the notes printed while composing (an override replaced or skipped)."""
COMPARISON_NOTES = "comparison_notes"
"""Key of ``resolved_config``: the composition notes that make a comparison tell nothing (scenarios the same once
composed, a setting no team reads): the answer says them beside it."""
RUN_ANNOTATIONS = frozenset(
    {"command_line_overrides", REPLACED_OVERRIDES, SKIPPED_OVERRIDES, COMPOSITION_NOTES, COMPARISON_NOTES}
)
"""Keys of ``resolved_config`` that describe how a run was asked for, not what decides its numbers."""


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """One scenario of an experiment: its name, a sentence for reports, its config.

    ``horizon_shifted``: the horizon was set by an override (the command line or the
    scenario's own), so planned hires dated beyond it are left out with a note rather
    than refused. ``allow_large`` (``runner.allow_large``): the scenario may run above
    the size budget. ``draws``: the scenario under each of a calibrated company's
    parameter draws (:mod:`simulator.run.parameter_draws`); replication r runs on draw
    r mod their number.
    """

    name: str
    config: ScenarioConfig
    description: str = ""
    horizon_shifted: bool = False
    allow_large: bool = False
    draws: tuple[ScenarioConfig, ...] = ()

    def compile(self, draws: bool = True) -> Scenario:
        """The array form the engine reads (with its parameter draws, each compiled, unless ``draws`` is false)."""
        import dataclasses

        from simulator.model.scenario import compile_scenario

        scenario = compile_scenario(self.config, self.name)
        if not self.draws or not draws:
            return scenario
        drawn = tuple(compile_scenario(config, self.name) for config in self.draws)
        return dataclasses.replace(scenario, parameter_draws=drawn)


@dataclass(frozen=True, slots=True)
class PrecisionGoal:
    """``runs=auto``: add replications until the mean of one KPI is known precisely enough.

    Attributes:
        kpi: The KPI whose mean must be pinned down (``runner.target_kpi``).
        relative_half_width: Target half-width of its 95% CI as a share of the mean
            (``runner.target_precision``; 0.02 = ±2%).
        max_runs: Replications per scenario never exceeded (``runner.max_runs``).
        pilot_runs: Replications per scenario of the first round (``runner.pilot_runs``).
    """

    kpi: str
    relative_half_width: float
    max_runs: int
    pilot_runs: int

    def issues(self) -> list[ConfigIssue]:
        """What is wrong with the goal, keyed as the ``runner`` config group spells it."""
        found: list[ConfigIssue] = []
        if not isinstance(self.kpi, str) or not self.kpi:
            found.append(ConfigIssue("runner.target_kpi", self.kpi, "must be the name of a KPI, e.g. bookings"))
        if not 0.0 < self.relative_half_width < 1.0:
            found.append(ConfigIssue("runner.target_precision", self.relative_half_width, PRECISION_ALLOWED))
        if self.pilot_runs < 2:
            found.append(ConfigIssue("runner.pilot_runs", self.pilot_runs, "must be a whole number >= 2"))
        if self.max_runs < max(2, self.pilot_runs):
            found.append(
                ConfigIssue("runner.max_runs", self.max_runs, f"must be >= runner.pilot_runs ({self.pilot_runs})")
            )
        return found


@dataclass(frozen=True, slots=True)
class Experiment:
    """What to run: scenarios sharing one seed (common random numbers) and a number of runs.

    With a ``precision`` goal (``runs=auto``), ``runs`` is the most a scenario may get
    (``runner.max_runs``) and the runner decides how many each scenario needs.
    ``decision`` names the KPIs the answer is read on (``experiment.decision``).
    ``draws_source``: the calibrated company's parameter draws file and its contents, when
    the scenarios' draws came from one (:mod:`simulator.run.parameter_draws`), so that a
    study built from this experiment's configs (a team-mix search, a lever study) runs its
    own scenarios under the same draws.
    """

    name: str
    scenarios: tuple[ScenarioSpec, ...]
    baseline: str
    seed: int
    runs: int
    question: str = ""
    resolved_config: dict[str, Any] = field(default_factory=dict)
    precision: PrecisionGoal | None = None
    decision: DecisionSettings | None = None
    draws_source: tuple[Path, Mapping[str, Any]] | None = None

    def validate(self) -> None:
        """Check the experiment and every scenario; raise one ConfigError listing every issue."""
        issues: list[ConfigIssue] = []
        names = [s.name for s in self.scenarios]
        if not self.scenarios:
            issues.append(ConfigIssue("experiment.scenarios", [], "needs at least one scenario"))
        if self.baseline not in names:
            shown = listed(names, "there are none (experiment.scenarios is empty)")
            issues.append(ConfigIssue("experiment.baseline", self.baseline, f"must be one of the scenarios: {shown}"))
        if len(set(names)) != len(names):
            issues.append(ConfigIssue("experiment.scenarios", names, "scenario names must be unique"))
        if self.runs < 1:
            issues.append(ConfigIssue("runs", self.runs, "must be a whole number >= 1"))
        if not 0 <= self.seed <= MAX_SEED:
            issues.append(ConfigIssue("seed", self.seed, SEED_RULE))
        if self.precision is not None:
            issues.extend(self.precision.issues())
        baseline = next((s for s in self.scenarios if s.name == self.baseline), None)
        if baseline is not None:
            scenarios = {s.name: s.config for s in self.scenarios}
            issues.extend(question_settings(self.question, baseline.config, scenarios)[1])
        issues.extend(merge_scenario_issues(self._scenario_issues(), len(self.scenarios)))
        if issues:
            raise ConfigError(issues)

    def _scenario_issues(self) -> dict[str, list[ConfigIssue]]:
        found: dict[str, list[ConfigIssue]] = {}
        for spec in self.scenarios:
            try:
                validate_scenario(spec.config, allow_large=spec.allow_large, horizon_shifted=spec.horizon_shifted)
                for k, config in enumerate(spec.draws):  # a fitted draw the checks refuse is named with its index
                    try:
                        validate_scenario(config, allow_large=spec.allow_large, horizon_shifted=spec.horizon_shifted)
                    except ConfigError as error:
                        raise ConfigError(
                            [ConfigIssue(f"parameter draw {k}: {i.key}", i.value, i.allowed) for i in error.issues]
                        ) from None
            except ConfigError as error:
                found[spec.name] = error.issues
        return found

    def scenario(self, name: str) -> ScenarioSpec:
        """The scenario called ``name``."""
        for spec in self.scenarios:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def parameter_draw_count(self) -> int:
        """The calibrated company's parameter draws the runs cycle through (run r on draw r mod it); 0: none."""
        return max((len(spec.draws) for spec in self.scenarios), default=0)

    def clock_notes(self) -> list[str]:
        """Notes on the scenarios' clocks for the terminal, once each: a dated window that is not whole years."""
        notes = (spec.config.clock.year_window_advice() for spec in self.scenarios)
        return list(dict.fromkeys(note for note in notes if note))


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
        monthly_table: The monthly table, one row per scenario x replication x month
            (``scenario``, ``replication``, ``month``, ``bookings``, ``deals_won``,
            ``leads``, ``open_at_month_end``, ``cumulative_bookings``, ...), as a source
            read in pieces or by columns; :attr:`monthly` reads it whole.
        summary: Per scenario x KPI: ``n``, ``mean``, ``std``, ``ci_low``, ``ci_high``,
            ``p10``, ``p50``, ``p90``.
        comparison: Per non-baseline scenario x KPI: the paired difference to the baseline.
        failures: Replications that raised.
        wall_seconds: Wall time of the run.
        workers: Worker processes used.
        table_sources: Tidy extra tables by name, each with ``scenario`` and
            ``replication`` first, as sources: ``reps`` (one row per rep: team, employed
            days, credited new-business and expansion bookings, quota attainment) and ``monthly_queues`` (one row per
            month x stage x team: queue length, wait, visits); :attr:`tables` reads each
            whole when asked for.
        runs_per_scenario: Replications made per scenario (they differ with ``runs=auto``).
        computed: Replications run by this call, failed ones included; the others were
            kept from the interrupted run it resumed. None when not known.
        partners_left_out: Completed runs left out of the tables because the same
            replication failed in another scenario (:mod:`simulator.run.paired_runs`): every
            scenario is read over the same runs. They stay in the results store.
        run_notes: What the run told the user as it went (a worker that died and whose run
            was made again, a scenario the fast engine did not cover, a damaged part of a
            resumed store computed again): the report's How it was run repeats them.
    """

    experiment: Experiment
    replications: pd.DataFrame
    monthly_table: TableSource
    summary: pd.DataFrame
    comparison: pd.DataFrame
    failures: list[ReplicationFailure]
    wall_seconds: float
    workers: int = 1
    table_sources: dict[str, TableSource] = field(default_factory=dict)
    runs_per_scenario: dict[str, int] = field(default_factory=dict)
    computed: int | None = None
    partners_left_out: int = 0
    run_notes: list[str] = field(default_factory=list)
    _derived: dict[str, tuple[tuple[object, ...], Any]] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, made once for this result and kept: figures that read the large tables again.

        The report, the figures and the terminal ask for some of the same things (the
        answer, the transient check); each is worked out once. Replacing one of the
        result's tables (or its experiment) makes it worked out again.
        """
        inputs = (self.experiment, self.replications, self.monthly_table, self.table_sources, self.summary)
        kept = self._derived.get(key)
        if kept is not None and all(a is b for a, b in zip(kept[0], inputs, strict=True)):
            return cast(T, kept[1])
        value = compute()
        self._derived[key] = (inputs, value)
        return value

    @property
    def monthly(self) -> pd.DataFrame:
        """The whole monthly table (read from the results store on each call for a run on disk)."""
        return self.monthly_table.frame()

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """The extra tables by name, each read whole when asked for."""
        from simulator.run.table_source import LoadedTables  # pandas is loaded with the results, not before

        return LoadedTables(self.table_sources)
