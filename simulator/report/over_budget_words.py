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
