"""The guardrails on which the scenarios the answer passes over are clearly worse: part of why it keeps the baseline.

The answer's lead sentence sets the best alternative against the baseline on every guardrail;
the other alternatives get only their primary KPI, in the ranking. org_structures kept
generalists "no other scenario is clearly better on bookings", while specialists and both
product pods cost $300.7k to $321.6k more a year and lengthened the median cycle by 10 working
days, each clearly, paired run by run: the cost of those designs, which the question needs,
was left to the tables. :func:`worse_elsewhere_words` says it when the answer keeps the baseline.
"""

from __future__ import annotations

from simulator.analysis.answer_words import difference_words, kpi_phrase
from simulator.analysis.quantities import direction
from simulator.analysis.tables import comparison_of, comparison_row, scenario_names
from simulator.config.decision import DecisionSettings
from simulator.run.experiment import ExperimentResult


def worse_elsewhere_words(
    result: ExperimentResult, decision: DecisionSettings, kept: str | None, said: str | None = None
) -> str:
    """``Against generalists, other scenarios are also clearly worse (paired run by run) on cost of sales: ...``.

    One scenario is named as such: ``Against closest_to_close, oldest_first is also clearly worse (paired run by
    run) on median sales cycle: +1.9 working days (95% CI +1.5 to +2.3 working days)``.

    Args:
        result: The experiment's result.
        decision: The decision KPIs.
        kept: The scenario the answer chose; words only when it is the baseline.
        said: The scenario whose guardrails the lead sentence gave already (left out).

    Returns:
        One sentence, a clause per guardrail with a direction on which some other scenario is
        clearly worse than the baseline (each such scenario's paired difference and 95% CI);
        '' when there is none, when another scenario is chosen, or for scenarios that are conditions.
    """
    baseline = result.experiment.baseline
    if kept != baseline or decision.scenarios_are == "conditions":
        return ""
    comparison = comparison_of(result)
    others = [s for s in scenario_names(result) if s not in (baseline, said)]
    found: list[tuple[str, list[tuple[str, str]]]] = []
    for kpi in decision.guardrails:
        sign = direction(kpi)
        if not sign:
            continue
        worse = []
        for scenario in others:
            row = comparison_row(comparison, scenario, kpi)
            if row is not None and bool(row["significant"]) and sign * float(row["mean_diff"]) < 0:
                worse.append((scenario, difference_words(row, kpi)))
        if worse:
            found.append((kpi_phrase(result, kpi), worse))
    names = {scenario for _, worse in found for scenario, _ in worse}
    if not names:
        return ""
    if len(names) == 1:  # "other scenarios are ... on median sales cycle, oldest_first +1.9" had named one
        clauses = [f"on {phrase}: {worse[0][1]}" for phrase, worse in found]
        who = f"{names.pop()} is"
    else:
        clauses = [f"on {phrase}: {_listed([f'{n} {words}' for n, words in worse])}" for phrase, worse in found]
        who = "other scenarios are"
    return f"Against {baseline}, {who} also clearly worse (paired run by run) " + "; ".join(clauses) + "."


def _listed(items: list[str]) -> str:
    """``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
