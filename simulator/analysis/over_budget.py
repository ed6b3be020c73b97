"""The mixes over the budget that do better than the pick: what a little more budget buys.

The final round re-runs mixes not clearly over the budget (:func:`simulator.analysis.finalists.final_round`);
one its final runs put over, or one the search's few runs put clearly over, can still do better
on the KPI than the mix chosen within the budget. A leader setting a budget asks what a little
more buys: plan_check at a $3.45M budget chose 10 reps, while today's 12 ($220.2k over) and 11
(seen by the search at $3.58M, $127.3k over, and not re-run) booked more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.analysis.finalists import Finalist
from simulator.analysis.optimisation import Optimisation
from simulator.analysis.team_mix import Candidate


@dataclass(frozen=True, slots=True)
class SeenMix:
    """A mix of the search's table: its headcounts, search mean of the KPI, mean cost ($ over the window), runs."""

    candidate: Candidate
    mean: float
    cost: float
    runs: int


def better_over_budget(found: Optimisation, chosen: Finalist) -> Finalist | None:
    """The cheapest finalist over the budget whose mean beats ``chosen``'s; None without a budget or such a mix."""
    problem = found.problem
    if problem.window_budget is None:
        return None
    better = [
        f
        for f in found.finalists
        if not f.feasible
        and f.candidate != chosen.candidate
        and problem.sign * f.mean > problem.sign * chosen.mean
        and not math.isclose(f.mean, chosen.mean, rel_tol=1e-9, abs_tol=1e-12)
    ]
    return min(better, key=lambda f: f.cost) if better else None


def seen_over_budget(found: Optimisation, chosen: Finalist) -> SeenMix | None:
    """The cheapest mix the search saw over the budget, better than ``chosen`` there and not re-run; or None.

    Only a mix cheaper than :func:`better_over_budget`'s (when there is one) is named: a dearer
    one adds nothing a leader asks. Its figures are the search's few runs.
    """
    problem, trials = found.problem, found.trials
    needed = {"state", "runs", "mean", "cost", "feasible", *problem.bounds}
    if trials.empty or not needed <= set(trials.columns) or problem.window_budget is None:
        return None
    near = better_over_budget(found, chosen)
    dearest = near.cost if near is not None else math.inf
    re_run = {f.candidate for f in found.finalists}
    over = trials[trials["state"].isin(["complete", "over budget"]) & ~trials["feasible"].astype(bool)]
    seen = [
        SeenMix(problem.candidate({t: r[t] for t in problem.bounds}), float(r["mean"]), float(r["cost"]), int(r.runs))
        for _, r in over.iterrows()
        if math.isfinite(float(r["mean"]))
        and float(r["cost"]) < dearest
        and problem.sign * float(r["mean"]) > problem.sign * chosen.mean
    ]
    seen = [m for m in seen if m.candidate not in re_run]
    return min(seen, key=lambda m: m.cost) if seen else None
