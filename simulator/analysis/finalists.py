"""The final round of a team-mix search: the best mixes found and today's, re-run together, and the answer.

The best candidates not clearly over budget (and today's mix) are run again with the final number of
runs on common random numbers (:func:`final_round`): each gets its mean with the 95% CI
its KPI's kind calls for, its cost with a CI, and the probability that it is truly the
best of those within the bounds and the budget (from the paired runs,
:func:`simulator.analysis.ranking.probability_best`). Of finalists with the same mean
(every run hits the plan, or none does) the cheaper comes first, and :func:`top_ties`
names every one tied at the top, so a report says a tie rather than resolving it
silently. When the contenders are practically equal (every paired difference's 95% CI
within 0.5% of the best's mean) the cheapest comes first: a dearer mix buys nothing.
:func:`recommended` picks the answer: the first finalist within the bounds and
the budget, or today's mix when it lies outside the bounds, is within the budget and has
a better mean than every one of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.analysis.comparison import compare, paired_runs
from simulator.analysis.equivalence import paired_practically_equal
from simulator.analysis.ranking import probability_best
from simulator.analysis.runs_to_tell import runs_to_tell
from simulator.analysis.statistics import kpi_interval, run_trials
from simulator.analysis.team_mix import COST_KPI, Candidate, Evaluation, TeamMixProblem


@dataclass(slots=True)
class Finalist:
    """A candidate re-run with the final number of runs.

    Attributes:
        candidate: The headcounts.
        mean: Mean of the KPI; ``ci_low``/``ci_high`` its 95% CI.
        cost: Mean cost of sales; ``cost_low``/``cost_high`` its 95% CI.
        p_best: Probability that it is truly the best of the finalists (from the paired runs); NaN
            when it is not a contender or the only one.
        feasible: Its mean cost is within the budget.
        today: True for the scenario's own headcounts.
        contender: Feasible and within the search's bounds: it can be recommended.
        practically_equal: Every contender's paired difference to the best contender has its
            95% CI within 0.5% of the best's mean
            (:func:`simulator.analysis.equivalence.paired_practically_equal`): ``p_best`` is
            then no preference and is not presented as one.
        versus_today: Its mean minus today's mix's, paired run by run in the final round
            (:func:`simulator.analysis.comparison.compare`); ``versus_today_low``/``_high`` its
            95% CI; ``clear_of_today`` whether that CI excludes zero. NaN (and False) for
            today's mix itself, or without today's mix in the round.
        same_as_today: Its KPI equals today's mix's in every final run, replication by
            replication (a headcount the KPI does not read: CSMs and the chance of hitting a
            new-business plan); False for today's mix itself.
        paired: Another finalist's name -> this one's mean minus its, paired run by run on the
            final round's common random numbers, and that difference's 95% CI.
        runs_to_tell: The fewest final runs at which its difference to today's mix, as its runs
            show it, would be clear (:func:`simulator.analysis.runs_to_tell.runs_to_tell`); None for
            today's mix, a difference of 0, or one no run count within the limit would tell.
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
    practically_equal: bool = False
    versus_today: float = math.nan
    versus_today_low: float = math.nan
    versus_today_high: float = math.nan
    clear_of_today: bool = False
    same_as_today: bool = False
    paired: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    runs_to_tell: int | None = None


def final_round(
    problem: TeamMixProblem,
    complete: dict[Candidate, Evaluation],
    count: int,
    runs: int,
    workers: int | None,
    on_progress: Callable[[int], None] | None,
    simulated: Iterable[Evaluation] = (),
) -> tuple[list[Finalist], int]:
    """Re-run the ``count`` best mixes of ``complete`` not clearly over budget and today's, with ``runs`` replications.

    A mix whose search mean cost is over the budget but the low end of its 95% CI is not
    (:meth:`TeamMixProblem.may_be_feasible`) is re-run too: its final runs, not the search's
    few, decide whether it is within the budget (plan_check's 13 reps: $3.858M over 8 runs
    against $3.84M, $3.813M over 40, and $336k of bookings above 12, had been dropped unsaid).

    With a target on the KPI (:attr:`TeamMixProblem.target`), the cheapest feasible mix
    whose search mean reaches it is re-run too, so the report can name the cheapest mix
    that reaches the target beside the best.

    When no mix chosen is within the budget by its search mean, the best mix that is is
    re-run too, or, with none, the cheapest mix simulated (of ``complete`` and ``simulated``:
    the search's trials over budget or stopped early), so the report can name the cheapest
    mix found.

    Returns:
        The finalists (best mean first; the cheaper of equal means first) and the runs each had.
    """
    # equal means (every run hits the plan): the cheaper mix first; a mix whose search cost is over the
    # budget by less than its noise is re-run, its final runs deciding whether it is within it
    best_first = sorted(
        (e for e in complete.values() if problem.may_be_feasible(e)), key=lambda e: (-problem.sign * e.mean, e.cost)
    )
    chosen = [e.candidate for e in best_first[:count]]
    reaching = [e for e in best_first if problem.reaches_target(e.mean)]
    cheapest = min(reaching, key=lambda e: e.cost).candidate if reaching else None
    if cheapest is not None and cheapest not in chosen:  # the cheapest mix the search saw reach the target
        chosen.append(cheapest)
    if not any(problem.feasible(complete[c]) for c in chosen):
        # none re-run is within the budget by its search mean (plan_check's 13-15 reps at $3.4M, their CIs' low ends
        # under it, had crowded out 10 reps at $3.34M, and the answer named 12 at $3.65M the cheapest found): the
        # best within it, or else the cheapest simulated, over budget or stopped early too, is re-run as well
        within = [e for e in best_first if problem.feasible(e)]
        every = [*complete.values(), *simulated]
        extra = within[0] if within else min(every, key=lambda e: e.cost) if every else None
        chosen += [extra.candidate] if extra is not None and extra.candidate not in chosen else []
    today = problem.today()
    candidates = [*chosen, *([today] if today not in chosen else [])]
    if not candidates:
        return [], runs
    evaluations, result = problem.run(candidates, runs, workers, on_progress)
    contenders = [c.name for c in candidates if problem.feasible(evaluations[c]) and problem.within_bounds(c)]
    by_run = result.replications.pivot(index="replication", columns="scenario", values=problem.kpi)
    # the same runs (a team the KPI does not read: CSMs and a new-business plan) are equal, not a 1-in-n chance each
    same = len(contenders) > 1 and all(_same_runs(by_run, name, contenders[0]) for name in contenders[1:])
    # one contender is no contest: no probability of being the best (the answer says so; the table had read 100%)
    contest = len(contenders) > 1 and not same
    p_best = probability_best(result.replications, problem.kpi, contenders, problem.sign) if contest else {}
    by_mean = result.replications[result.replications["scenario"].isin(contenders)].groupby("scenario")[problem.kpi]
    leader = [str(n) for n in (problem.sign * by_mean.mean()).sort_values(ascending=False, kind="stable").index]
    equal = same or paired_practically_equal(result.replications, problem.kpi, leader)
    versus = compare(result.replications, today.name, kpis=[problem.kpi])
    paired = _paired(result.replications, problem.kpi, [c.name for c in candidates])
    found = []
    for candidate in candidates:
        mine = result.replications[result.replications["scenario"] == candidate.name]
        interval = kpi_interval(
            problem.kpi, mine[problem.kpi].to_numpy(dtype=float), trials=run_trials(mine, problem.kpi)
        )
        cost = kpi_interval(COST_KPI, mine[COST_KPI].to_numpy(dtype=float)) if COST_KPI in mine else None
        evaluation = evaluations[candidate]
        diff, diff_low, diff_high, clear = _versus_today(versus, candidate.name)
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
                practically_equal=equal and candidate.name in contenders,
                versus_today=diff,
                versus_today_low=diff_low,
                versus_today_high=diff_high,
                clear_of_today=clear,
                same_as_today=candidate != today and _same_runs(by_run, candidate.name, today.name),
                paired=paired.get(candidate.name, {}),
                runs_to_tell=None
                if candidate == today
                else _runs_to_tell(result.replications, problem.kpi, candidate, today),
            )
        )
    return ranked(found, problem.sign), runs


def _paired(runs: pd.DataFrame, kpi: str, names: list[str]) -> dict[str, dict[str, tuple[float, float, float]]]:
    """Each finalist -> every other's name -> (its mean minus the other's, paired, and the 95% CI)."""
    found: dict[str, dict[str, tuple[float, float, float]]] = {name: {} for name in names}
    for i, other in enumerate(names[:-1]):  # each pair once: against the names after it, reversed for the other side
        rows = compare(runs[runs["scenario"].isin(names[i:])], other, kpis=[kpi])
        for _, row in rows.iterrows():
            name, diff = str(row["scenario"]), float(row["mean_diff"])
            low, high = float(row["ci_low"]), float(row["ci_high"])
            found[name][other] = (diff, low, high)
            found[other][name] = (-diff, -high, -low)
    return found


def _runs_to_tell(runs: pd.DataFrame, kpi: str, candidate: Candidate, today: Candidate) -> int | None:
    """The final runs that would tell ``candidate``'s difference to today's mix, as its paired runs show it."""
    pairs = paired_runs(runs, today.name, candidate.name)
    return runs_to_tell(
        pairs[f"{kpi}_scenario"].to_numpy(dtype=float), pairs[f"{kpi}_baseline"].to_numpy(dtype=float), kpi
    )


def _same_runs(by_run: pd.DataFrame, name: str, today: str) -> bool:
    """True when ``name``'s KPI equals ``today``'s in every replication (the same NaNs too)."""
    if name not in by_run.columns or today not in by_run.columns:
        return False
    mine, theirs = by_run[name].to_numpy(dtype=float), by_run[today].to_numpy(dtype=float)
    return bool(np.array_equal(mine, theirs, equal_nan=True))


def _versus_today(versus: pd.DataFrame, name: str) -> tuple[float, float, float, bool]:
    """A finalist's paired difference to today's mix, its 95% CI and whether it is clear; NaNs for today's."""
    rows = versus[versus["scenario"] == name]
    if rows.empty:
        return math.nan, math.nan, math.nan, False
    row = rows.iloc[0]
    return float(row["mean_diff"]), float(row["ci_low"]), float(row["ci_high"]), bool(row["significant"])


def ranked(finalists: Sequence[Finalist], sign: int) -> list[Finalist]:
    """The finalists in the order the answer reads them: the best mean first, the cheaper of equal means first.

    When the contenders (two or more) are practically equal, they come first cheapest
    first, the others after them by mean: a dearer mix that buys nothing is not chosen.
    """
    contenders = [f for f in finalists if f.contender]
    if len(contenders) > 1 and all(f.practically_equal for f in contenders):
        return sorted(finalists, key=lambda f: (not f.contender, f.cost if f.contender else -sign * f.mean))
    return sorted(finalists, key=lambda f: (-sign * f.mean, f.cost))  # a tie on the KPI goes to the cheaper mix


def recommended(finalists: Sequence[Finalist], sign: int) -> Candidate | None:
    """The first contender, or today's mix when it is outside the bounds and better than every contender.

    The first contender is the best (the cheaper of a tie), or the cheapest when the
    contenders are practically equal (:func:`final_round`'s order).
    """
    contenders = [f for f in finalists if f.contender]
    if not contenders:
        return None
    today = next((f for f in finalists if f.today and not f.contender and f.feasible), None)
    if today is not None and all(sign * today.mean > sign * f.mean for f in contenders):
        return today.candidate  # no mix within the bounds beats today's
    return contenders[0].candidate


def top_ties(finalists: Sequence[Finalist]) -> list[Finalist]:
    """The contenders whose mean equals the best contender's (cheapest first); one unless there is a tie."""
    contenders = [f for f in finalists if f.contender]
    if not contenders:
        return []
    best = contenders[0].mean
    return [f for f in contenders if math.isclose(f.mean, best, rel_tol=1e-12, abs_tol=1e-12)]


@dataclass(frozen=True, slots=True)
class NotReRun:
    """Mixes the search completed within the budget that the final round did not re-run.

    Attributes:
        tied: As good in the search as the last of the best re-run (its mean, or better),
            left out by the cheaper-first order of equal means or by ``--finalists``.
        reaching: Reached the experiment's target in the search (none without a target).
        finalists_needed: The ``--finalists`` that re-runs every one of them (0 when none).
        best: The search's best that the final round took by ``--finalists``, in its order.
        ranked: Every feasible mix the search completed, in its order.
    """

    tied: list[Candidate]
    reaching: list[Candidate]
    finalists_needed: int = 0
    best: list[Candidate] = field(default_factory=list)
    ranked: list[Candidate] = field(default_factory=list)

    def every(self) -> list[Candidate]:
        """Both, each once, in the search's order (best search mean first, the cheaper of equal means)."""
        named = set(self.tied) | set(self.reaching)
        return [c for c in self.ranked if c in named]


def not_re_run(problem: TeamMixProblem, trials: pd.DataFrame, finalists: Sequence[Finalist], count: int) -> NotReRun:
    """The search's feasible mixes left out of the final round that a reader would ask about.

    A search whose eight runs gave 17 and 20 reps both 8 of 8 hits of the plan re-ran
    17 (the cheaper of equal means) and said nothing of 20; one re-running only the
    cheapest of four mixes that reached the target in the search said "no mix found
    reaches it" when a dearer one did in its final runs.

    Args:
        problem: The search's problem.
        trials: The search's table (``state``, a column per team, ``mean``, ``feasible``).
        finalists: The final round's mixes.
        count: The best mixes the final round took (``--finalists``).
    """
    if trials.empty or "mean" not in trials or "feasible" not in trials:
        return NotReRun([], [])
    eligible = trials["feasible"].astype(bool)  # as final_round: a mix not clearly over budget
    if problem.window_budget is not None and "cost_ci_low" in trials:
        eligible |= ~(trials["cost_ci_low"].astype(float) > problem.window_budget)
    done = trials[(trials["state"] == "complete") & eligible]
    if done.empty:
        return NotReRun([], [])
    means = done["mean"].to_numpy(dtype=float)
    order = np.lexsort((done["cost"].to_numpy(dtype=float), -problem.sign * means))  # as final_round ranks them
    cut = problem.sign * means[order[min(count, order.size) - 1]]
    counts = {team: done[team].to_numpy(dtype=np.int64) for team in problem.bounds}
    re_run = {f.candidate for f in finalists}
    tied, reaching, needed = [], [], 0
    ranked = [problem.candidate({team: counts[team][i] for team in problem.bounds}) for i in order]
    for rank, i in enumerate(order):
        candidate = ranked[rank]
        if candidate in re_run:
            continue
        if problem.sign * means[i] >= cut:
            tied.append(candidate)
        if problem.reaches_target(float(means[i])):
            reaching.append(candidate)
        if tied[-1:] == [candidate] or reaching[-1:] == [candidate]:
            needed = rank + 1  # the best that many take it in (final_round ranks as here)
    return NotReRun(tied, reaching, needed, ranked[:count], ranked)
