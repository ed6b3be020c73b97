"""Team mixes as candidates: headcounts per team within bounds, each evaluated by simulation.

A *candidate* is one headcount per team (``ae=8, sdr=4``); its scenario is the chosen
scenario with ``org.teams.<team>.headcount`` set to it. Candidates are evaluated in
batches (one experiment per batch, every candidate on the same seed, so replication *r*
of every candidate replays the same leads with the same luck: common random numbers).
An evaluation gives the mean of the KPI to maximise (or minimise), its standard error and
the 95% CI its kind of quantity calls for (Wilson's score interval for a 0/1 KPI such as
``hit_plan``: :func:`simulator.analysis.statistics.kpi_interval`), and the mean cost of
sales with its standard error and CI, against the budget.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.analysis.decision import decision_of
from simulator.analysis.formatting import format_money
from simulator.analysis.lever_values import with_value
from simulator.analysis.quantities import direction
from simulator.config.errors import ConfigError
from simulator.config.schema import ScenarioConfig
from simulator.run.build import experiment_from_dicts
from simulator.run.experiment import Experiment, ExperimentResult
from simulator.run.parameter_draws import redrawn

COST_KPI = "cost_of_sales"
FEWEST_REPS = 1
"""The smallest headcount a team can have (``org.teams.<team>.headcount``: a whole number >= 1)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One headcount per team, in the order of the bounds."""

    headcounts: tuple[tuple[str, int], ...]

    @property
    def name(self) -> str:
        """``ae_8-sdr_4``: the scenario's name."""
        return "-".join(f"{team}_{n}" for team, n in self.headcounts)

    def words(self) -> str:
        """``8 ae, 4 sdr`` as the report writes it."""
        return ", ".join(f"{team}={n}" for team, n in self.headcounts)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What ``runs`` replications of a candidate gave.

    Attributes:
        candidate: The candidate.
        runs: Replications made (0..runs-1).
        mean: Mean of the KPI.
        se: Standard error of that mean (NaN with one run).
        cost: Mean cost of sales.
        cost_se: Its standard error.
        ci_low: Lower end of the 95% CI of the mean, of the interval the KPI's kind calls for
            (Wilson's for a 0/1 KPI); ``ci_high`` the upper end. Of zero width when every
            run gave the same value (NaN without a run, or with one run of a KPI that is not 0/1).
        cost_low: Lower end of the 95% CI of the mean cost; ``cost_high`` the upper end.
    """

    candidate: Candidate
    runs: int
    mean: float
    se: float
    cost: float
    cost_se: float
    ci_low: float = math.nan
    ci_high: float = math.nan
    cost_low: float = math.nan
    cost_high: float = math.nan


@dataclass(frozen=True, slots=True)
class TeamMixProblem:
    """Choose a headcount per team, within bounds and a budget, to make a KPI as good as it gets.

    Attributes:
        experiment: The experiment the scenario comes from (its seed is used).
        scenario: The scenario whose teams are resized.
        kpi: The KPI; better is its direction of good (higher for bookings, contribution,
            the chance of hitting the plan).
        bounds: Team -> (fewest, most) reps, both included.
        budget: The most mean cost of sales a candidate may have in a year ($); None for
            no budget. Runs measure cost over their window, so a run is held to
            :attr:`window_budget`, the budget prorated to the window on the scenario's calendar.
    """

    experiment: Experiment
    scenario: str
    kpi: str
    bounds: Mapping[str, tuple[int, int]]
    budget: float | None = None

    @property
    def window_years(self) -> float:
        """The scenario's measured window (horizon less warm-up) in years of its calendar."""
        from simulator.analysis.tables import window_years  # with the tables: a problem is checked without them

        return window_years(self.experiment, self.scenario)

    @property
    def window_budget(self) -> float | None:
        """The yearly budget prorated to the measured window ($); None for no budget."""
        return None if self.budget is None else self.budget * self.window_years

    @property
    def target(self) -> float | None:
        """The experiment's decision target when its primary KPI is the one searched; None otherwise."""
        decision = decision_of(self.experiment)
        if decision.rule is None or decision.rule.target is None or decision.primary != self.kpi:
            return None
        return float(decision.rule.target)

    def reaches_target(self, mean: float) -> bool:
        """True when a mean of the KPI reaches :attr:`target` on its better side (False without a target)."""
        target = self.target
        return target is not None and self.sign * (mean - target) >= 0

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is (a KPI without a direction is maximised)."""
        return direction(self.kpi) or 1

    def check(self) -> None:
        """Raise a :class:`ConfigError` for a team the scenario lacks or bounds that are not whole and ordered.

        A team keeps at least :data:`FEWEST_REPS` rep (the config's rule for
        ``org.teams.<team>.headcount``), so LOW below it is refused here, before any run.
        """
        teams = (self.experiment.resolved_config["scenarios"][self.scenario].get("org") or {}).get("teams") or {}
        for team, (low, high) in self.bounds.items():
            if team not in teams:
                raise ConfigError.single("--team", team, f"not a team of {self.scenario}: {', '.join(teams)}")
            issue = bounds_issue(team, low, high)
            if issue is not None:
                raise ConfigError.single(f"--team {team}", f"{low}:{high}", issue)
            # a calibrated team's named reps each hold a seat: fewer seats than named reps is refused by the config
            named = sum(1 for share in (teams[team].get("reps") or {}).values() if share is not None)
            if low < named:
                raise ConfigError.single(
                    f"--team {team}",
                    f"{low}:{high}",
                    f"{team} names {named} reps (org.teams.{team}.reps), each holding a seat: its headcount cannot go "
                    f"below {named} unless reps are set to null as overrides (org.teams.{team}.reps.NAME=null); "
                    f"try --team {team}={named}:{max(high, named)}",
                )
        if not self.bounds:
            raise ConfigError.single("--team", [], "give at least one team to size, e.g. --team full_cycle=8:16")
        least = self.least_fixed_cost()
        # $7,000 meant as $7.0M; half, as empty seats (attrition, hiring lags) cost nothing while they are empty
        if self.budget is not None and self.budget < least / 2:
            fewest = ", ".join(f"{team}={low}" for team, (low, _) in self.bounds.items())
            raise ConfigError.single(
                "--budget",
                self.budget,
                f"no mix within the bounds costs so little: the reps' fixed pay and on-costs alone come to "
                f"{format_money(least)} a year at the fewest reps ({fewest}, the other teams as they are); typed in "
                "thousands? give whole dollars a year",
            )

    def least_fixed_cost(self) -> float:
        """The cost per year of the fewest reps the bounds allow, without commission or hiring ($, a year).

        The searched teams at their low bounds, the other teams at their headcounts, each rep
        at its role's fixed cost (:meth:`RoleEconomics.fixed_cost_per_year`): no mix's cost
        of sales can be below it.
        """
        config = self.config_of_scenario()
        total = 0.0
        for name, team in config.org.teams.items():
            reps = self.bounds[name][0] if name in self.bounds else team.headcount
            total += reps * config.economics.role(team.role or name).fixed_cost_per_year()
        return total

    def candidate(self, params: Mapping[str, Any]) -> Candidate:
        """The candidate of a parameter set (team -> headcount)."""
        return Candidate(tuple((team, int(params[team])) for team in self.bounds))

    def today(self) -> Candidate:
        """The scenario's own headcounts."""
        teams = self.experiment.resolved_config["scenarios"][self.scenario]["org"]["teams"]
        return Candidate(tuple((team, int(teams[team]["headcount"])) for team in self.bounds))

    def within_bounds(self, candidate: Candidate) -> bool:
        """True when every headcount of ``candidate`` lies within its team's bounds."""
        return all(self.bounds[team][0] <= n <= self.bounds[team][1] for team, n in candidate.headcounts)

    def size(self) -> int:
        """How many mixes lie within the bounds."""
        return math.prod(high - low + 1 for low, high in self.bounds.values())

    def random_candidate(self, rng: random.Random) -> Candidate:
        """A mix drawn uniformly from within the bounds."""
        return Candidate(tuple((team, rng.randint(low, high)) for team, (low, high) in self.bounds.items()))

    def config_of_scenario(self) -> ScenarioConfig:
        """The searched scenario's own config (today's mix)."""
        return self.experiment.scenario(self.scenario).config

    def every_candidate(self) -> list[Candidate]:
        """Every combination within the bounds (for an exhaustive search)."""
        ranges = [range(low, high + 1) for low, high in self.bounds.values()]
        return [Candidate(tuple(zip(self.bounds, combo, strict=True))) for combo in itertools.product(*ranges)]

    def config(self, candidate: Candidate) -> dict[str, Any]:
        """The scenario's composed config with the candidate's headcounts."""
        config = self.experiment.resolved_config["scenarios"][self.scenario]
        for team, n in candidate.headcounts:
            config = with_value(config, f"org.teams.{team}.headcount", float(n), True)
        return dict(config)

    def experiment_for(self, candidates: Sequence[Candidate], runs: int) -> Experiment:
        """One experiment holding ``candidates`` as scenarios (the first is the baseline), seeds shared.

        Under the experiment's parameter draws when it has them (a calibrated company: run *r*
        of every candidate on refit *r* mod their number), as its own runs are.
        """
        base = dict(self.experiment.resolved_config["base"])
        meta = dict(base.get("experiment") or {})
        meta.update(
            name=f"{self.experiment.name}_optimise", baseline=candidates[0].name, question=self.experiment.question
        )
        base.update(experiment=meta, runs=runs, seed=self.experiment.seed)
        scenarios = {c.name: {**self.config(c), "runs": runs, "experiment": meta} for c in candidates}
        return redrawn(experiment_from_dicts(base, scenarios), self.experiment)  # a calibrated company's refits

    def run(
        self,
        candidates: Sequence[Candidate],
        runs: int,
        workers: int | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> tuple[dict[Candidate, Evaluation], ExperimentResult]:
        """Evaluate ``candidates`` (distinct) with replications 0..runs-1 each; also return the runs."""
        from simulator.analysis.results import run_experiment  # the tables and the engines, when a mix is run
        from simulator.analysis.statistics import kpi_interval, run_trials

        result = run_experiment(self.experiment_for(candidates, runs), workers=workers, on_progress=on_progress)
        runs_table = result.replications
        if self.kpi not in runs_table.columns:
            raise KeyError(f"no run reports the KPI {self.kpi!r}")
        found = {}
        for candidate in candidates:
            mine = runs_table[runs_table["scenario"] == candidate.name]
            values = mine[self.kpi].to_numpy(dtype=float)
            mean, se = _mean_se(values)
            interval = kpi_interval(self.kpi, values, trials=run_trials(mine, self.kpi))
            if COST_KPI in mine:
                costs = mine[COST_KPI].to_numpy(dtype=float)
                (cost, cost_se), spend = _mean_se(costs), kpi_interval(COST_KPI, costs)
                cost_low, cost_high = spend.ci_low, spend.ci_high
            else:
                cost, cost_se, cost_low, cost_high = 0.0, 0.0, 0.0, 0.0
            found[candidate] = Evaluation(
                candidate, len(mine), mean, se, cost, cost_se, interval.ci_low, interval.ci_high, cost_low, cost_high
            )
        return found, result

    def feasible(self, evaluation: Evaluation) -> bool:
        """True when the candidate's mean cost of sales is within the window's budget (or there is none)."""
        budget = self.window_budget
        return budget is None or evaluation.cost <= budget

    def may_be_feasible(self, evaluation: Evaluation) -> bool:
        """True unless the candidate is clearly over the budget: the low end of its cost's 95% CI is above it.

        A search's few runs measure a cost with noise: plan_check's 13 reps read $3.858M over
        8 runs against a $3.84M budget (0.5% over) and cost $3.813M over 40.
        """
        budget = self.window_budget
        if budget is None or evaluation.cost <= budget:
            return True
        return not (math.isfinite(evaluation.cost_low) and evaluation.cost_low > budget)


def bounds_issue(team: str, low: object, high: object) -> str | None:
    """What is wrong with the bounds LOW:HIGH of ``team``'s headcount (None when they are whole, ordered and >= 1)."""
    if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool) or isinstance(high, bool):
        return f"must be whole numbers LOW:HIGH, {FEWEST_REPS} <= LOW <= HIGH"
    if low < FEWEST_REPS:
        return (
            f"LOW must be at least {FEWEST_REPS}, as org.teams.{team}.headcount must be a whole number >= {FEWEST_REPS}"
        )
    if low > high:
        return f"must be whole numbers LOW:HIGH, {FEWEST_REPS} <= LOW <= HIGH"
    return None


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    clean = values[np.isfinite(values)]
    if clean.size == 0:
        return math.nan, math.nan
    se = float(clean.std(ddof=1) / math.sqrt(clean.size)) if clean.size >= 2 else math.nan
    return float(clean.mean()), se
