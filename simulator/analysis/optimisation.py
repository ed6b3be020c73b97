"""Team-mix optimisation: Optuna's ask-and-tell over headcounts, clearly worse trials pruned, finalists re-run.

The search (:func:`optimise`):

1. A seeded TPE sampler (Optuna, ask-and-tell, one process asking, trials told in a fixed
   order so the same seed gives the same search) proposes a headcount per team within
   its bounds, a batch at a time; the batch is simulated as one experiment on common
   random numbers (:mod:`simulator.analysis.team_mix`).
2. Each new candidate first gets ``first_runs`` replications. When the lower end of the
   95% CI of its cost of sales is above the budget it stops there (clearly too dear) and
   is told with its budget constraint broken (cost minus budget > 0), which TPE's
   constrained mode ranks below every feasible trial. It is *pruned* (Optuna's
   ``TrialState.PRUNED``, through :class:`ClearlyWorsePruner`) when the best end of the
   95% CI of its mean is worse than the best complete trial's mean (clearly worse). The
   interval is the one the KPI's kind calls for, as everywhere in salesim: Wilson's
   score interval for a 0/1 KPI (``hit_plan``: no hit in 3 runs still allows a 56%
   chance). An interval of zero width (every first run gave the same value of a KPI
   that is not 0/1) never prunes: a few equal runs do not make a mean certain. A cost
   that is the same in every run is taken as known (salaries with nothing to vary them).
   Otherwise it gets ``runs`` replications and its mean is told to the study.
3. ``trials`` is the number of distinct mixes simulated (all of them when the bounds hold
   fewer). A mix proposed again is told to the study from its evaluation at no cost and
   adds no row to the trials table; after :data:`STALE_ASKS` such proposals in a row an
   untried mix (a seeded draw) is enqueued, so a sampler that keeps proposing what it
   knows cannot stall the search nor make it re-simulate a mix.
4. The best candidates not clearly over the budget (a mean cost a little over it, with
   the low end of its 95% CI within it, is measured again rather than dropped) and
   today's mix are run again, together, with
   ``final_runs`` replications on common random numbers: each gets its mean with a 95%
   CI, its cost with a CI, and the probability that it is truly the best of those within
   the bounds and the budget (from the paired runs,
   :func:`simulator.analysis.ranking.probability_best`). The answer is the finalist with
   the best mean whose mean cost is within the budget; of finalists with the same mean
   (every run hits the plan, or none does), the cheaper, and
   :func:`simulator.analysis.finalists.top_ties` names them all. When today's mix lies
   outside the bounds, is within the budget and has a better mean than every finalist
   within them, the answer is today's mix.

The search starts from today's mix (an enqueued first trial) when it lies within the bounds.

:func:`exhaustive` evaluates every combination instead (small problems, and the tests).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import optuna
import pandas as pd
from optuna.distributions import BaseDistribution, IntDistribution
from optuna.pruners import BasePruner
from optuna.trial import FrozenTrial, TrialState

from simulator.analysis.finalists import Finalist, final_round, recommended
from simulator.analysis.search_options import search_sizes_issues
from simulator.analysis.team_mix import Candidate, Evaluation, TeamMixProblem
from simulator.config.errors import ConfigError

TRIAL_COLUMNS = ("trial", "state", "runs", "mean", "se", "cost", "cost_se", "cost_ci_low", "feasible")
COMPLETE, PRUNED, OVER_BUDGET = "complete", "pruned", "over budget"
"""A trial's state in the table: run in full, pruned as clearly worse, or clearly over budget after its first runs."""
STALE_ASKS = 20
"""Proposals in a row of mixes already simulated after which an untried mix is enqueued."""
SMALL_SPACE = 100_000
"""Mixes within the bounds up to which an untried one is drawn from a list of them (beyond: drawn until new)."""


class ClearlyWorsePruner(BasePruner):
    """Prune a trial whose reported upper bound is below the best complete feasible trial's value.

    A trial reports the upper end of the 95% CI of its (signed) mean as its intermediate
    value: when even that is below the best mean found, the trial is clearly worse.
    """

    def prune(self, study: optuna.Study, trial: FrozenTrial) -> bool:
        """True when the trial is clearly worse than the best so far."""
        step = trial.last_step
        if step is None:
            return False
        best = [
            t.value
            for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if t.user_attrs.get("feasible") and t.value is not None
        ]
        return bool(best) and trial.intermediate_values[step] < max(best)


@dataclass(slots=True)
class Optimisation:
    """What :func:`optimise` (or :func:`exhaustive`) found.

    Attributes:
        problem: The problem.
        trials: One row per distinct mix simulated, in the order they were: ``trial`` (0, 1, ...),
            ``state`` (complete, pruned, over budget), the headcount
            of each team, ``runs``, ``mean``, ``se``, ``cost``, ``cost_se``, ``feasible``.
        finalists: The candidates re-run, best first.
        recommended: The answer (None when no finalist is within the budget): the best
            finalist within the bounds and the budget, or today's mix when it is outside the
            bounds and better than all of them.
        final_runs: Replications of each finalist.
        settings: The search's settings, for the report.
    """

    problem: TeamMixProblem
    trials: pd.DataFrame
    finalists: list[Finalist]
    recommended: Candidate | None
    final_runs: int
    settings: dict[str, object] = field(default_factory=dict)


def _upper(evaluation: Evaluation, sign: int) -> float:
    """The best end of the 95% CI of the mean, on the signed scale (higher is better).

    Infinite (never pruned) when the interval says nothing: NaN, or of zero width (every
    run gave the same value of a KPI that is not 0/1: too few runs to know its mean). A
    0/1 KPI has Wilson's interval, which never has zero width.
    """
    low, high = evaluation.ci_low, evaluation.ci_high
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return math.inf
    return high if sign > 0 else -low


def _over_budget(problem: TeamMixProblem, evaluation: Evaluation) -> bool:
    """The lower end of the 95% CI of the mean cost (log scale, as for any amount) is above the budget."""
    return not problem.may_be_feasible(evaluation)


def _row(number: int, state: str, evaluation: Evaluation, problem: TeamMixProblem) -> dict[str, object]:
    return {
        "trial": number,
        "state": state,
        **dict(evaluation.candidate.headcounts),
        "runs": evaluation.runs,
        "mean": evaluation.mean,
        "se": evaluation.se,
        "cost": evaluation.cost,
        "cost_se": evaluation.cost_se,
        "cost_ci_low": evaluation.cost_low,  # within the budget: re-run in the final round though its mean is over
        "feasible": problem.feasible(evaluation),
    }


def optimise(
    problem: TeamMixProblem,
    trials: int = 30,
    runs: int = 8,
    first_runs: int = 3,
    finalists: int = 3,
    final_runs: int = 40,
    seed: int = 0,
    batch: int = 4,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Optimisation:
    """Search the team mixes with Optuna (see the module docstring).

    Args:
        problem: Teams, bounds, KPI and budget.
        trials: Distinct mixes to simulate (a mix proposed again is told from its evaluation, at no cost);
            the search stops sooner when the space has fewer mixes.
        runs: Replications of a trial that is not pruned.
        first_runs: Replications before the pruning decision (``runs`` disables pruning).
        finalists: Best feasible candidates re-run at the end.
        final_runs: Replications of each finalist.
        seed: Seed of the TPE sampler.
        batch: Trials asked before their simulations run together.
        workers: Worker processes (None: every core).
        on_progress: Called with the number of replications just finished.

    Raises:
        ConfigError: Bad bounds or settings.
    """
    problem.check()
    sizes = search_sizes_issues(runs, first_runs, trials, finalists, final_runs)
    if sizes:
        raise ConfigError(sizes)
    if batch < 1:
        raise ConfigError.single("batch", batch, "must be a whole number >= 1")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(2, trials // 3)))
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=ClearlyWorsePruner())
    space: dict[str, BaseDistribution] = {
        team: IntDistribution(low, high) for team, (low, high) in problem.bounds.items()
    }
    today = problem.today()
    if problem.within_bounds(today):
        study.enqueue_trial(dict(today.headcounts))  # the search starts from today's mix
    target = min(trials, problem.size())  # distinct mixes to simulate
    rng = random.Random(seed)  # draws the untried mixes a stalled search is given
    outcomes: dict[Candidate, tuple[str, Evaluation]] = {}
    rows: list[dict[str, object]] = []
    stale = 0
    while len(outcomes) < target:
        asked: list[tuple[optuna.Trial, Candidate]] = []
        new: list[Candidate] = []
        while len(new) < min(batch, target - len(outcomes)):
            if stale >= STALE_ASKS:  # the sampler keeps proposing mixes it knows: enqueue one it does not
                study.enqueue_trial(dict(_untried(problem, rng, {*outcomes, *new}).headcounts))
                stale = 0
            trial = study.ask(space)
            candidate = problem.candidate(trial.params)
            if candidate in outcomes:  # proposed again: told at once from its evaluation, costs nothing
                _tell(study, trial, *outcomes[candidate], problem)
                stale += 1
                continue
            stale = stale + 1 if candidate in new else 0
            if candidate not in new:
                new.append(candidate)
            asked.append((trial, candidate))
        _evaluate(study, problem, asked, new, outcomes, (first_runs, runs), workers, on_progress)
        for trial, candidate in asked:
            _tell(study, trial, *outcomes[candidate], problem)
        rows += [_row(len(rows) + i, *outcomes[c], problem) for i, c in enumerate(new)]
    complete = {c: e for c, (state, e) in outcomes.items() if state == COMPLETE}
    table = pd.DataFrame(rows, columns=_columns(problem))
    others = [e for state, e in outcomes.values() if state != COMPLETE]  # over budget or stopped early
    chosen, final_runs_table = final_round(problem, complete, finalists, final_runs, workers, on_progress, others)
    settings: dict[str, object] = {
        "trials": trials,
        "runs": runs,
        "first_runs": first_runs,
        "seed": seed,
        "batch": batch,
        "finalists": finalists,
    }
    return Optimisation(problem, table, chosen, recommended(chosen, problem.sign), final_runs_table, settings)


def _untried(problem: TeamMixProblem, rng: random.Random, known: set[Candidate]) -> Candidate:
    """A mix within the bounds not in ``known`` (a seeded uniform draw; ``known`` must leave one)."""
    if problem.size() <= SMALL_SPACE:
        return rng.choice([c for c in problem.every_candidate() if c not in known])
    while True:  # a large space: nearly every draw is new
        candidate = problem.random_candidate(rng)
        if candidate not in known:
            return candidate


def _columns(problem: TeamMixProblem) -> list[str]:
    return ["trial", "state", *problem.bounds, *TRIAL_COLUMNS[2:]]


def _evaluate(
    study: optuna.Study,
    problem: TeamMixProblem,
    asked: Sequence[tuple[optuna.Trial, Candidate]],
    new: Sequence[Candidate],
    outcomes: dict[Candidate, tuple[str, Evaluation]],
    runs: tuple[int, int],
    workers: int | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Simulate the batch's new mixes: first runs, then stop the clearly dear or worse, then the rest in full."""
    first_runs, full_runs = runs
    first = problem.run(new, first_runs, workers, on_progress)[0] if new else {}
    for trial, candidate in asked:
        if candidate in outcomes:  # a second proposal of the same mix in this batch
            continue
        evaluation = first[candidate]
        if _over_budget(problem, evaluation):
            outcomes[candidate] = (OVER_BUDGET, evaluation)
        elif first_runs < full_runs:
            trial.report(_upper(evaluation, problem.sign), first_runs)
            if trial.should_prune():
                outcomes[candidate] = (PRUNED, evaluation)
        else:
            outcomes[candidate] = (COMPLETE, evaluation)
    survivors = [c for c in new if c not in outcomes]
    if survivors:
        for candidate, evaluation in problem.run(survivors, full_runs, workers, on_progress)[0].items():
            outcomes[candidate] = (COMPLETE, evaluation)


def _tell(
    study: optuna.Study, trial: optuna.Trial, state: str, evaluation: Evaluation, problem: TeamMixProblem
) -> None:
    """Tell the study: a pruned trial as pruned; any other with its signed mean and its budget gap.

    A trial over budget is told complete with its first runs' mean and a positive budget
    gap, so the sampler learns that region breaks the constraint (TPE ranks infeasible
    trials below every feasible one).
    """
    budget = problem.window_budget
    gap = evaluation.cost - budget if budget is not None else 0.0
    trial.set_constraint("budget", float(gap))  # feasible at or below 0: TPE ranks infeasible trials last
    trial.set_user_attr("feasible", state == COMPLETE and problem.feasible(evaluation))
    if state == PRUNED:
        study.tell(trial, state=TrialState.PRUNED)
    else:
        study.tell(trial, problem.sign * evaluation.mean, state=TrialState.COMPLETE)


def exhaustive(
    problem: TeamMixProblem, runs: int, workers: int | None = None, on_progress: Callable[[int], None] | None = None
) -> pd.DataFrame:
    """Every combination within the bounds, each with ``runs`` replications (common random numbers).

    Returns:
        One row per candidate, best feasible first: the headcounts, ``runs``, ``mean``,
        ``se``, ``cost``, ``cost_se``, ``feasible``.
    """
    problem.check()
    evaluations, _ = problem.run(problem.every_candidate(), runs, workers, on_progress)
    rows = [_row(i, "complete", e, problem) for i, e in enumerate(evaluations.values())]
    table = pd.DataFrame(rows).drop(columns=["trial", "state"])
    table["_score"] = [
        problem.sign * m if f else -math.inf for m, f in zip(table["mean"], table["feasible"], strict=True)
    ]
    ordered = table.sort_values(["_score", "cost"], ascending=[False, True], kind="stable")  # ties: cheaper first
    return ordered.drop(columns="_score").reset_index(drop=True)


def exhaustive_optimisation(
    problem: TeamMixProblem,
    runs: int = 8,
    finalists: int = 3,
    final_runs: int = 40,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Optimisation:
    """Every combination with ``runs`` replications, then the best feasible ones re-run as :func:`optimise` does."""
    problem.check()
    sizes = search_sizes_issues(runs, runs, 1, finalists, final_runs, exhaustive=True)
    if sizes:
        raise ConfigError(sizes)
    complete, _ = problem.run(problem.every_candidate(), runs, workers, on_progress)
    rows = [_row(i, "complete", e, problem) for i, e in enumerate(complete.values())]
    chosen, used = final_round(problem, complete, finalists, final_runs, workers, on_progress)
    settings: dict[str, object] = {
        "trials": len(rows),
        "runs": runs,
        "first_runs": runs,
        "search": "exhaustive",
        "finalists": finalists,
    }
    return Optimisation(problem, pd.DataFrame(rows), chosen, recommended(chosen, problem.sign), used, settings)
