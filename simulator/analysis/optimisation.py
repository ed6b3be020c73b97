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
3. The best feasible candidates and today's mix are run again, together, with
   ``final_runs`` replications on common random numbers: each gets its mean with a 95%
   CI, its cost with a CI, and the probability that it is truly the best of those within
   the bounds and the budget (a paired bootstrap over runs,
   :func:`simulator.analysis.ranking.probability_best`). The answer is the finalist with
   the best mean whose mean cost is within the budget (today's mix when nothing beats it);
   of finalists with the same mean (every run hits the plan), the cheaper.

The search starts from today's mix (an enqueued first trial) when it lies within the bounds.

:func:`exhaustive` evaluates every combination instead (small problems, and the tests).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import optuna
import pandas as pd
from optuna.distributions import BaseDistribution, IntDistribution
from optuna.pruners import BasePruner
from optuna.trial import FrozenTrial, TrialState

from simulator.analysis.ranking import probability_best
from simulator.analysis.statistics import kpi_interval
from simulator.analysis.team_mix import COST_KPI, Candidate, Evaluation, TeamMixProblem
from simulator.config.errors import ConfigError

TRIAL_COLUMNS = ("trial", "state", "runs", "mean", "se", "cost", "cost_se", "feasible")
COMPLETE, PRUNED, OVER_BUDGET = "complete", "pruned", "over budget"
ASKS_PER_TRIAL = 20  # proposals per distinct mix at most, before the search stops (a small space is exhausted)
"""A trial's state in the table: run in full, pruned as clearly worse, or clearly over budget after its first runs."""


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
class Finalist:
    """A candidate re-run with the final number of runs.

    Attributes:
        candidate: The headcounts.
        mean: Mean of the KPI; ``ci_low``/``ci_high`` its 95% CI.
        cost: Mean cost of sales; ``cost_low``/``cost_high`` its 95% CI.
        p_best: Probability that it is truly the best of the finalists (paired bootstrap).
        feasible: Its mean cost is within the budget.
        today: True for the scenario's own headcounts.
        contender: Feasible and within the search's bounds: it can be recommended.
    """

    candidate: Candidate
    mean: float
    ci_low: float
    ci_high: float
    cost: float
    cost_low: float
    cost_high: float
    p_best: float
    feasible: bool
    today: bool = False
    contender: bool = False


@dataclass(slots=True)
class Optimisation:
    """What :func:`optimise` (or :func:`exhaustive`) found.

    Attributes:
        problem: The problem.
        trials: One row per trial: ``trial``, ``state`` (complete, pruned), the headcount
            of each team, ``runs``, ``mean``, ``se``, ``cost``, ``cost_se``, ``feasible``.
        finalists: The candidates re-run, best first.
        recommended: The answer (None when no finalist is within the budget).
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
    budget = problem.window_budget
    if budget is None or not math.isfinite(evaluation.cost_low):
        return False
    return evaluation.cost_low > budget


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
    if not 2 <= first_runs <= runs or trials < 1 or finalists < 1 or final_runs < 2:
        raise ConfigError.single(
            "--runs/--first-runs/--trials/--finalists/--final-runs",
            [runs, first_runs, trials, finalists, final_runs],
            "need 2 <= first runs <= runs, at least one trial and one finalist, and at least 2 final runs",
        )
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(2, trials // 3)))
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=ClearlyWorsePruner())
    space: dict[str, BaseDistribution] = {
        team: IntDistribution(low, high) for team, (low, high) in problem.bounds.items()
    }
    today = problem.today()
    if problem.within_bounds(today):
        study.enqueue_trial(dict(today.headcounts))  # the search starts from today's mix
    outcomes: dict[Candidate, tuple[str, Evaluation]] = {}
    rows: list[dict[str, object]] = []
    space_size = len(problem.every_candidate())
    asks = 0
    while len(outcomes) < min(trials, space_size) and asks < ASKS_PER_TRIAL * trials:
        asked: list[optuna.Trial] = []
        wanted: list[Candidate] = []
        while len(set(wanted) - set(outcomes)) < min(batch, trials - len(outcomes)) and asks < ASKS_PER_TRIAL * trials:
            trial = study.ask(space)
            asks += 1
            candidate = problem.candidate(trial.params)
            if candidate in outcomes:  # proposed again: told at once from its evaluation, costs nothing
                _tell(study, trial, *outcomes[candidate], problem, rows)
                continue
            asked.append(trial)
            wanted.append(candidate)
        new = list(dict.fromkeys(wanted))
        first = problem.run(new, first_runs, workers, on_progress)[0] if new else {}
        for trial, candidate in zip(asked, wanted, strict=True):
            if candidate not in first or candidate in outcomes:
                continue
            evaluation = first[candidate]
            if _over_budget(problem, evaluation):
                outcomes[candidate] = (OVER_BUDGET, evaluation)
                continue
            if first_runs < runs:
                trial.report(_upper(evaluation, problem.sign), first_runs)
                if trial.should_prune():
                    outcomes[candidate] = (PRUNED, evaluation)
                    continue
            if first_runs == runs:
                outcomes[candidate] = (COMPLETE, evaluation)
        survivors = [c for c in new if c not in outcomes]
        if survivors:
            for candidate, evaluation in problem.run(survivors, runs, workers, on_progress)[0].items():
                outcomes[candidate] = (COMPLETE, evaluation)
        for trial, candidate in zip(asked, wanted, strict=True):
            _tell(study, trial, *outcomes[candidate], problem, rows)
    complete = {c: e for c, (state, e) in outcomes.items() if state == COMPLETE}
    table = pd.DataFrame(rows).sort_values("trial", kind="stable").reset_index(drop=True)
    chosen, final_runs_table = _finalists(problem, complete, finalists, final_runs, workers, on_progress)
    settings: dict[str, object] = {
        "trials": trials,
        "runs": runs,
        "first_runs": first_runs,
        "seed": seed,
        "batch": batch,
    }
    return Optimisation(problem, table, chosen, _recommended(chosen), final_runs_table, settings)


def _tell(
    study: optuna.Study,
    trial: optuna.Trial,
    state: str,
    evaluation: Evaluation,
    problem: TeamMixProblem,
    rows: list[dict[str, object]],
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
    rows.append(_row(trial.number, state, evaluation, problem))


def _finalists(
    problem: TeamMixProblem,
    complete: dict[Candidate, Evaluation],
    count: int,
    runs: int,
    workers: int | None,
    on_progress: Callable[[int], None] | None,
) -> tuple[list[Finalist], int]:
    # equal means (every run hits the plan): the cheaper mix first
    ranked = sorted(
        (e for e in complete.values() if problem.feasible(e)), key=lambda e: (-problem.sign * e.mean, e.cost)
    )
    chosen = [e.candidate for e in ranked[:count]]
    if not chosen:  # nothing within the budget: show the cheapest found
        chosen = [min(complete.values(), key=lambda e: e.cost).candidate] if complete else []
    today = problem.today()
    candidates = [*chosen, *([today] if today not in chosen else [])]
    if not candidates:
        return [], runs
    evaluations, result = problem.run(candidates, runs, workers, on_progress)
    contenders = [c.name for c in candidates if problem.feasible(evaluations[c]) and problem.within_bounds(c)]
    p_best = probability_best(result.replications, problem.kpi, contenders, problem.sign) if contenders else {}
    found = []
    for candidate in candidates:
        mine = result.replications[result.replications["scenario"] == candidate.name]
        interval = kpi_interval(problem.kpi, mine[problem.kpi].to_numpy(dtype=float))
        cost = kpi_interval(COST_KPI, mine[COST_KPI].to_numpy(dtype=float)) if COST_KPI in mine else None
        evaluation = evaluations[candidate]
        found.append(
            Finalist(
                candidate,
                interval.mean,
                interval.ci_low,
                interval.ci_high,
                evaluation.cost,
                cost.ci_low if cost else math.nan,
                cost.ci_high if cost else math.nan,
                p_best.get(candidate.name, math.nan),
                problem.feasible(evaluation),
                today=candidate == today,
                contender=candidate.name in contenders,
            )
        )
    found.sort(key=lambda f: (-problem.sign * f.mean, f.cost))  # a tie on the KPI goes to the cheaper mix
    return found, runs


def _recommended(finalists: Sequence[Finalist]) -> Candidate | None:
    contenders = [f for f in finalists if f.contender]
    return contenders[0].candidate if contenders else None


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
    complete, _ = problem.run(problem.every_candidate(), runs, workers, on_progress)
    rows = [_row(i, "complete", e, problem) for i, e in enumerate(complete.values())]
    chosen, used = _finalists(problem, complete, finalists, final_runs, workers, on_progress)
    settings: dict[str, object] = {"trials": len(rows), "runs": runs, "first_runs": runs, "search": "exhaustive"}
    return Optimisation(problem, pd.DataFrame(rows), chosen, _recommended(chosen), used, settings)
