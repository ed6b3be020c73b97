"""The optimisation figure: every trial's cost against its KPI, and the finalists with their CIs.

Left: one dot per trial (complete trials in colour, pruned ones hollow grey), the budget
as a dashed line (prorated to the measured window, as the trials' costs are), the answer
ringed. Right: each finalist re-run on common random numbers, its mean with the 95% CI,
labelled with the probability that it is truly the best, or "practically equal" when the
report gives none (:mod:`simulator.analysis.finalists`).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from simulator.analysis.decision import decision_of
from simulator.analysis.formatting import format_chance
from simulator.analysis.kpi_names import kpi_axis_label, kpi_label, kpi_unit
from simulator.analysis.optimisation import Optimisation
from simulator.analysis.ranking import MIN_RUNS_FOR_BEST
from simulator.report.plot_style import (
    BETTER_COLOUR,
    UNCLEAR_COLOUR,
    WORSE_COLOUR,
    empty_figure,
    error_extents,
    format_axis,
    right_label,
    save_figure,
    x_label,
)

TRIAL_COLOUR = "#1f77b4"


def plot_optimisation(found: Optimisation, out_dir: Path | str) -> Path:
    """Draw ``optimisation.png`` (see the module docstring)."""
    path = Path(out_dir) / "optimisation.png"
    trials, kpi = found.trials, found.problem.kpi
    if trials.empty:
        return save_figure(empty_figure("Team-mix optimisation", "No trial ran"), path)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.0, 0.35 * len(found.finalists) + 4.2), width_ratios=[1.1, 1.0])
    done = trials[trials["state"] == "complete"]
    cut = trials[trials["state"] == "pruned"]
    left.scatter(done["cost"], done["mean"], color=TRIAL_COLOUR, s=28, label="trial")
    if len(cut):
        left.scatter(
            cut["cost"], cut["mean"], facecolors="none", edgecolors=UNCLEAR_COLOUR, s=28, label="pruned (fewer runs)"
        )
    dear = trials[trials["state"] == "over budget"]  # stopped as clearly over: drawn too, or "every trial" misses them
    if len(dear):
        left.scatter(
            dear["cost"], dear["mean"], marker="x", color=WORSE_COLOUR, s=28, label="clearly over budget (fewer runs)"
        )
    budget = found.problem.window_budget  # the trials' costs are over the measured window: so is the line
    if budget is not None:
        over = "" if abs(found.problem.window_years - 1.0) < 1e-9 else " (prorated to the window)"
        left.axvline(budget, color=WORSE_COLOUR, linestyle="--", label=f"budget{over}")
    answer = next((f for f in found.finalists if f.candidate == found.recommended), None)
    if answer is not None:
        left.scatter(
            [answer.cost],
            [answer.mean],
            s=220,
            marker="*",
            color=BETTER_COLOUR,
            label=f"the answer, re-run ({found.final_runs} runs)",
            zorder=3,
        )
    decision = decision_of(found.problem.experiment)
    target = decision.rule.target if decision.rule is not None and decision.primary == kpi else None
    if target is not None:
        left.axhline(target, color=UNCLEAR_COLOUR, linestyle=":", label="the experiment's target")
    format_axis(left, "cost_of_sales", "x")
    format_axis(left, kpi, "y")
    if kpi_unit(kpi) == "rate":  # a share: the axis stays within 0-100%
        low, high = left.get_ylim()
        left.set_ylim(max(low, -0.005), min(high, 1.005))
    left.set_xlabel("Cost of sales ($, mean over runs)")
    left.set_ylabel(kpi_axis_label(kpi))
    left.set_title("Every trial: cost against the KPI", loc="left")
    left.grid(alpha=0.3)
    # below the panels: "best" inside the panel still covered trials where no corner was empty
    fig.legend(loc="outside lower center", ncol=3, frameon=False)
    names = [
        f.candidate.words() + finalist_marks(f.today, f.candidate == found.recommended)  # as the table marks them
        for f in found.finalists
    ]
    y = np.arange(len(found.finalists))
    contenders = sum(f.contender for f in found.finalists)
    # no P(best) for a contender among others: too few final runs (every finalist of 2 runs had read "the only one")
    unranked = f"P(best) not given: {found.final_runs} runs, under {MIN_RUNS_FOR_BEST}"
    alone = "the only one within the budget" if found.problem.budget is not None else "the only one within the bounds"
    for i, finalist in enumerate(found.finalists):
        colour = (
            BETTER_COLOUR
            if finalist.candidate == found.recommended
            else (UNCLEAR_COLOUR if finalist.today else TRIAL_COLOUR)
        )
        err = error_extents(finalist.mean, finalist.ci_low, finalist.ci_high)
        right.errorbar(finalist.mean, i, xerr=err, fmt="o", color=colour, capsize=4)
        chance = (
            "practically equal"
            if finalist.practically_equal
            else f"P(best) {format_chance(finalist.p_best)}"
            if math.isfinite(finalist.p_best)
            else "over the budget"  # an over-budget mix had read "for scale", today's label
            if not finalist.feasible
            else (alone if contenders == 1 else unranked)
            if finalist.contender
            else "today's, for scale"
            if finalist.today
            else "outside the bounds"
        )
        right_label(right, i, chance)
    right.set_yticks(y, names)
    right.set_ylim(len(found.finalists) - 0.5, -0.5)
    format_axis(right, kpi, "x")
    if kpi_unit(kpi) == "rate":
        low, high = right.get_xlim()
        right.set_xlim(max(low, -0.005), min(high, 1.005))
    x_label(right, f"{kpi_axis_label(kpi)}: mean with 95% CI, re-run on common random numbers")
    right.set_title(f"The finalists ({found.final_runs} runs each)", loc="left")
    right.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Team-mix optimisation of {kpi_label(kpi).lower()}")
    return save_figure(fig, path)


def finalist_marks(today: bool, chosen: bool) -> str:
    """`` (today, chosen)``, `` (today)``, `` (chosen)`` or '': a finalist's marks, in the chart and the table."""
    marks = [word for word, yes in (("today", today), ("chosen", chosen)) if yes]
    return f" ({', '.join(marks)})" if marks else ""
