"""The answer's words on mixes over the budget doing better than the pick (:mod:`simulator.analysis.over_budget`)."""

from __future__ import annotations

import math

from simulator.analysis.finalists import Finalist
from simulator.analysis.formatting import (
    difference_digits,
    format_money,
    format_signed_amount,
    format_signed_range,
    format_value,
    level_unit,
)
from simulator.analysis.optimisation import Optimisation
from simulator.analysis.over_budget import better_over_budget, seen_over_budget
from simulator.report.optimisation_words import figures_words


def over_budget_words(found: Optimisation, chosen: Finalist) -> str:
    """`` Over the budget, full_cycle=13 does better ...``: the cheapest re-run mix over budget beating the pick.

    Its difference from the chosen mix is paired run by run (the final round runs on common
    random numbers), and said not clear when its CI includes zero. Then the cheaper mix the
    search saw over the budget and did not re-run, if any (:func:`seen_words`).
    """
    problem, kpi, budget = found.problem, found.problem.kpi, found.problem.window_budget
    near = better_over_budget(found, chosen)
    unseen = seen_words(found, chosen, after=near is not None)
    if near is None or budget is None:
        return unseen
    mix = f"today's mix, {near.candidate.words()}," if near.today else near.candidate.words()
    over = format_money(near.cost - budget)
    window = "" if abs(problem.window_years - 1.0) < 1e-9 else " over the measured window"
    # today's is paired with the chosen mix already (versus_today_words); the others ran on the same luck too
    pair = near.paired.get(chosen.candidate.name)
    versus = ""
    if not near.today and pair is not None and all(math.isfinite(v) for v in pair):
        unclear = ", not clearly: the CI includes zero" if pair[1] <= 0.0 <= pair[2] else ""
        extra = difference_digits(kpi, *pair)
        versus = (
            f" ({format_signed_amount(kpi, pair[0], extra)} against the chosen mix, 95% CI "
            f"{format_signed_range(kpi, pair[1], pair[2], extra)}, paired run by run{unclear})"
        )
    elif not near.today:
        gap = format_signed_amount(kpi, near.mean - chosen.mean)
        versus = f" ({gap} against the chosen mix, a difference of means)"
    said = f"{figures_words(kpi, near)}, {over} over the budget{window}{versus}"
    return f" Over the budget, {mix} does better on average: {said}.{unseen}"


def seen_words(found: Optimisation, chosen: Finalist, after: bool = False) -> str:
    """`` In the search's 8 runs full_cycle=11 did better too ...``: a mix left out of the final round; or ''."""
    seen = seen_over_budget(found, chosen)
    budget = found.problem.window_budget
    if seen is None or budget is None:
        return ""
    kpi = found.problem.kpi
    return (
        f" In the search's {seen.runs} runs {seen.candidate.words()} did better{' too' if after else ''}, "
        f"{format_value(kpi, seen.mean)}{level_unit(kpi)} for {format_money(seen.cost)}, "
        f"{format_money(seen.cost - budget)} over the budget: it was not re-run (a few runs put its cost clearly over)."
    )


def cost_unsure_words(found: Optimisation, chosen: Finalist) -> str:
    """`` Its mean cost of sales, $4.195M, is within the budget of $4.200M, but its 95% CI reaches $4.63M: ...``.

    A mix is within the budget by its mean cost over the final runs; plan_check's 16 reps, at
    $4,195,495 over 2 runs (95% CI $3.80M to $4.63M) against $4.2M, read "the best mix found within
    a budget of $4.20M ... for a cost of sales of $4.20M" with nothing said of a cost that may well
    be over it, where a KPI's CI reaching below the target is said. '' when the CI's top is within it.
    """
    budget = found.problem.window_budget
    if budget is None or not chosen.feasible or not math.isfinite(chosen.cost_high) or chosen.cost_high <= budget:
        return ""
    extra = 0  # digits enough to show the mean under the budget ("$4.20M within $4.20M" read as equal)
    while extra < 4 and format_money(chosen.cost, extra_digits=extra) == format_money(budget, extra_digits=extra):
        extra += 1
    window = "" if abs(found.problem.window_years - 1.0) < 1e-9 else " over the measured window"
    return (
        f" Its mean cost of sales, {format_money(chosen.cost, extra_digits=extra)}, is within the budget of "
        f"{format_money(budget, extra_digits=extra)}{window}, but its 95% CI reaches "
        f"{format_money(chosen.cost_high)}: more final runs would tell whether it stays within it."
    )
