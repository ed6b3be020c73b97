"""The choice the answer's decision rule makes: which scenario reaches the target within the limits, or none.

With ``experiment.decision.rule`` (a target for the primary KPI, the most each guardrail may
get worse), the answer names the scenario to choose: the cheapest of those whose mean
reaches the target without breaking a limit, said unsure when the target lies inside the
mean's interval; and a scenario whose primary KPI gain is outweighed by the money it costs
(a money KPI's gain against its cost of sales) is said to cost more than it gains.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.answer_words import kpi_phrase, row_digits
from simulator.analysis.equivalence import PRACTICAL_EQUIVALENCE, ranking_practically_equal
from simulator.analysis.formatting import (
    format_amount,
    format_value,
    level_unit,
)
from simulator.analysis.kpi_names import kpi_unit
from simulator.analysis.quantities import direction
from simulator.analysis.refit_floor import more_runs_words, reaches, scenario_floors
from simulator.analysis.tables import (
    comparison_of,
    comparison_row,
    summary_of,
    summary_row,
)
from simulator.analysis.wording import is_plural, join_words, possessive
from simulator.config.decision import DecisionSettings
from simulator.run.experiment import ExperimentResult


def limits_broken(result: ExperimentResult, decision: DecisionSettings, scenario: str) -> list[str]:
    """The guardrails ``scenario`` worsens by more than the rule allows, in words."""
    if decision.rule is None or scenario == result.experiment.baseline:
        return []
    broken = []
    for kpi, limit in decision.rule.max_worsening.items():
        row = comparison_row(comparison_of(result), scenario, kpi)
        if row is None:
            continue
        worse = -direction(kpi) * float(row["mean_diff"])
        if worse > limit:
            broken.append(
                f"{kpi_phrase(result, kpi)} worsens by {format_amount(kpi, worse)} (limit {format_amount(kpi, limit)})"
            )
    return broken


def meets_target(mean: float, kpi: str, target: float) -> bool:
    """True when ``mean`` reaches ``target`` on the KPI's better side (at least, or at most if lower is better)."""
    return mean >= target if (direction(kpi) or 1) > 0 else mean <= target


def unsure_words(
    ranking: pd.DataFrame, scenario: str, kpi: str, target: float, refits: int = 0, floor: float = math.nan
) -> str:
    """Words for a mean that meets the target while its 95% CI reaches the other side (5 runs: 80% of 37.6-96.4%).

    ``refits`` and ``floor``: the calibrated company's refits the runs share and the narrowest
    CI half-width they allow however many runs (:func:`simulator.analysis.refit_floor.refit_floor`);
    where that floor reaches the target too, more refits would tell, not more runs.
    """
    row = ranking[ranking["scenario"] == scenario].iloc[0]
    low, high = float(row["ci_low"]), float(row["ci_high"])
    worst = high if (direction(kpi) or 1) < 0 else low
    if not math.isfinite(worst) or meets_target(worst, kpi, target):
        return ""
    side = "above" if (direction(kpi) or 1) < 0 else "below"  # the CI's end on the side that misses the target
    mean = float(row["mean"])
    more = more_runs_words(refits, floor, reaches(mean, floor, target), format_amount(kpi, floor), "")
    return (
        f" on average, but its 95% CI ({format_value(kpi, low)} to {format_value(kpi, high)}{level_unit(kpi)}) reaches"
        f" {side} the "
        f"target, so the runs cannot yet tell whether it does: {more}"
    )


def _none_reaches(kpi: str, goal: str, ordered: list[str], means: dict[str, float]) -> str:
    """``No scenario reaches {goal}; the closest is X at $3.9M`` (those equal as shown named together)."""
    best = format_value(kpi, means[ordered[0]])
    tied = [s for s in ordered if format_value(kpi, means[s]) == best]  # equal as shown: none is closer
    closest = f"the closest is {ordered[0]}" if len(tied) == 1 else f"the closest are {join_words(tied)}"
    return f"No scenario reaches {goal}; {closest} at {best}{level_unit(kpi)}."


def _conditions_target_words(
    result: ExperimentResult, decision: DecisionSettings, ordered: list[str], means: dict[str, float]
) -> str:
    """For scenarios that are conditions: which reach the decision rule's target on average ('' without one)."""
    target = decision.rule.target if decision.rule else None
    if target is None:
        return ""
    kpi = decision.primary
    goal = f"the target of {format_value(kpi, target)}{level_unit(kpi)} for {kpi_phrase(result, kpi)}"
    meeting = [s for s in ordered if meets_target(means[s], kpi, target)]
    if not meeting:
        return _none_reaches(kpi, goal, ordered, means)
    missing = [s for s in ordered if s not in meeting]
    reach = "reaches" if len(meeting) == 1 else "reach"
    rest = f"; {join_words(missing)} {'does' if len(missing) == 1 else 'do'} not" if missing else ""
    return f"{join_words(meeting)} {reach} {goal} on average{rest}."


def decided_choice(
    result: ExperimentResult, decision: DecisionSettings, ranking: pd.DataFrame
) -> tuple[str | None, str]:
    """The scenario to choose and the sentence that says why (none of either for scenarios that are conditions)."""
    kpi, baseline = decision.primary, result.experiment.baseline
    phrase = kpi_phrase(result, kpi)
    ordered = [str(s) for s in ranking["scenario"]]
    means = dict(zip(ordered, ranking["mean"].astype(float), strict=True))
    if decision.scenarios_are == "conditions":  # none to choose; a target still says which conditions reach it
        return None, _conditions_target_words(result, decision, ordered, means)
    clear = dict(
        zip(ordered, ranking["significant"].astype(bool) & (ranking["diff"] * (direction(kpi) or 1) > 0), strict=True)
    )
    target = decision.rule.target if decision.rule else None
    if target is not None:
        meeting = [s for s in ordered if meets_target(means[s], kpi, target) and not limits_broken(result, decision, s)]
        goal = f"the target of {format_value(kpi, target)}{level_unit(kpi)} for {phrase}"
        if not meeting:
            return None, _none_reaches(kpi, goal, ordered, means)
        cheapest = cheapest_of(result, decision, meeting)
        why = (
            f" and has the best {kpi_phrase(result, decision.guardrails[0])} of those that do"
            if len(meeting) > 1 and decision.guardrails
            else ""
        )
        draws = result.experiment.parameter_draw_count
        floor = scenario_floors(result.replications, cheapest, [kpi], draws).get(kpi, math.nan)
        unsure = unsure_words(ranking, cheapest, kpi, target, draws if math.isfinite(floor) else 0, floor)
        return cheapest, f"By the decision rule, choose {cheapest}: it reaches {goal}{why}{unsure}."
    better = [s for s in ordered if s != baseline and clear[s]]
    allowed = [s for s in better if not limits_broken(result, decision, s)]
    passed_over = ""
    if allowed:  # no target: a gain the dollars it costs outweigh, or that cannot be weighed against them
        costly = {s: costs_more_than_it_gains(result, decision, s) for s in allowed}
        worth = [s for s in allowed if not costly[s]]
        if not worth:
            return baseline, f"Keep {baseline}: {allowed[0]} is better on {phrase}, but {costly[allowed[0]]}."
        if worth[0] != allowed[0]:
            passed_over = f" ({allowed[0]} is better still, but {costly[allowed[0]]})"
        allowed = worth
    if allowed and ranking_practically_equal(ranking, baseline):  # a re-org for +$299 on $2.96M is no answer
        return baseline, (
            f"Keep {baseline}: {allowed[0]} is clearly better on {phrase}, but by less than "
            f"{PRACTICAL_EQUIVALENCE:.1%} of {possessive(baseline)} mean: practically equal, a gain too small to "
            f"act on (if {allowed[0]} costs nothing to adopt, either will do)."
        )
    if allowed:
        rule = " within the guardrail limits" if decision.rule and decision.rule.max_worsening else ""
        return allowed[0], f"Choose {allowed[0]}: it is clearly better than {baseline} on {phrase}{rule}{passed_over}."
    if better:
        broken = join_words(limits_broken(result, decision, better[0]))
        return baseline, f"Keep {baseline}: {better[0]} is better on {phrase}, but {broken}."
    others = [s for s in ordered if s != baseline]
    worse = [s for s in others if bool(ranking.loc[ranking["scenario"] == s, "significant"].iloc[0])]
    if direction(kpi) and others and len(worse) == len(others):  # "no other is clearly better" undersold a loss
        verb = "is" if len(worse) == 1 else "are both" if len(worse) == 2 else "are all"
        return baseline, f"Keep {baseline}: {join_words(worse)} {verb} clearly worse on {phrase}."
    if len(others) == 1:  # one alternative: name it, as the lead sentence does
        return baseline, f"Keep {baseline}: {others[0]} is not clearly better on {phrase}."
    return baseline, f"Keep {baseline}: no other scenario is clearly better on {phrase}."


def costs_more_than_it_gains(result: ExperimentResult, decision: DecisionSettings, scenario: str) -> str | None:
    """Without a target, a gain on the primary KPI that money guardrails say is not worth having, in words.

    A difference can be statistically clear and still not worth having: +$348 of bookings
    for +$126.5k of cost of sales. With the primary KPI in dollars, the loss outweighs the
    gain. With the primary KPI in another unit (points of net revenue retention, meetings),
    salesim cannot set it against dollars (a retention rate's points are given in the dollars
    of expansions and churned ARR they are made of, for the user to weigh): a money guardrail
    clearly worse, by more than any money guardrail is clearly better (a contribution that rises pays for the cost that
    rises with it), leaves the choice to the user. A guardrail the rule limits
    (``max_worsening``) is judged by its limit instead; an empty rule is no rule.
    """
    kpi = decision.primary
    if decision.rule is not None and decision.rule.target is not None:
        return None
    limited = decision.rule.max_worsening if decision.rule is not None else {}
    comparison = comparison_of(result)
    row = comparison_row(comparison, scenario, kpi)
    if row is None:
        return None
    diff = float(row["mean_diff"])
    gain = (direction(kpi) or 1) * diff
    changes = []  # (good change, guardrail) of the money guardrails that clearly changed
    for guardrail in decision.guardrails:
        other = comparison_row(comparison, scenario, guardrail)
        if other is None or guardrail in limited or kpi_unit(guardrail) != "money" or not bool(other["significant"]):
            continue
        changes.append(((direction(guardrail) or 0) * float(other["mean_diff"]), guardrail))
    if kpi_unit(kpi) == "money":
        for change, guardrail in changes:
            if -change > gain > 0:
                return (
                    f"it gains {_as_said(result, scenario, kpi, gain)} of {kpi_phrase(result, kpi)} for "
                    f"{_as_said(result, scenario, guardrail, -change)} {_worse(guardrail)} "
                    f"{kpi_phrase(result, guardrail)}"
                )
        return None
    if not changes or gain <= 0:
        return None
    loss, worst = min(changes)
    if -loss <= max(0.0, *(change for change, _ in changes)):
        return None
    more = "more" if diff > 0 else "less"  # 0.2 points more net revenue retention, 0.3 hours less time to touch
    cost = _as_said(result, scenario, worst, -loss)
    gives = f"it gives {_as_said(result, scenario, kpi, diff)} {more} {kpi_phrase(result, kpi)} "
    gives += f"for {cost} {_worse(worst)} {kpi_phrase(result, worst)}"
    choose = f"choose {scenario} only if that is worth {cost} to you"
    unpaid = _no_money_gain(result, decision, scenario, worst)
    if unpaid:  # prm_automation: the meetings did not turn into bookings, and contribution nets the seats' cost
        return f"{gives}, with no clear gain in {unpaid} from it: {choose} in itself"
    dollars = _retention_dollars(result, scenario, kpi)
    if dollars:  # csm_coverage: "0.1 points more NRR for $571.4k ..., two things salesim cannot set against each other"
        return f"{gives}: in dollars, {dollars}; {choose}"
    return f"{gives}, two things salesim cannot set against each other: {choose}"


RETENTION_DOLLARS = {
    "net_revenue_retention": ("expansion_bookings", "churned_arr"),
    "gross_revenue_retention": ("churned_arr",),
    "renewal_rate": ("churned_arr",),
}
"""A retention rate -> the money KPIs its points are made of (expansions won, ARR lost)."""


def _retention_dollars(result: ExperimentResult, scenario: str, kpi: str) -> str:
    """``expansion bookings rise by $84.7k and churned ARR shows no clear change``; '' for other KPIs.

    Points of retention are dollars of ARR: a CRO weighs 0.1 points of NRR by the ARR it keeps or adds.
    """
    found = []
    for money in RETENTION_DOLLARS.get(kpi, ()):
        row = comparison_row(comparison_of(result), scenario, money)
        if row is None or not math.isfinite(float(row["mean_diff"])):
            continue
        phrase = kpi_phrase(result, money)
        plural = is_plural(phrase)  # "expansion bookings rise", "churned ARR shows"
        if not bool(row["significant"]):
            found.append(f"{phrase} {'show' if plural else 'shows'} no clear change")
            continue
        diff = float(row["mean_diff"])
        verb = ("rise" if diff > 0 else "fall") if plural else ("rises" if diff > 0 else "falls")
        found.append(f"{phrase} {verb} by {format_amount(money, abs(diff), row_digits(row, money))}")
    return join_words(found) if any("by" in f for f in found) else ""


def _as_said(result: ExperimentResult, scenario: str, kpi: str, amount: float) -> str:
    """An amount at the digits the lead sentence gives the same difference (its comparison row's).

    prm_automation's answer read "PRM tool cost rises by $3.46k" and, a sentence on, "for $3.5k more PRM tool cost
    ... worth $3.5k to you": one difference, two roundings.
    """
    row = comparison_row(comparison_of(result), scenario, kpi)
    return format_amount(kpi, amount, None if row is None else row_digits(row, kpi))


def _worse(guardrail: str) -> str:
    """``more`` for a cost that rises, ``less`` for a money figure that falls ("$3.5k worse PRM tool cost" had read)."""
    return "more" if (direction(guardrail) or 0) < 0 else "less"


def _no_money_gain(result: ExperimentResult, decision: DecisionSettings, scenario: str, worst: str) -> str:
    """The money guardrails where more is better (bookings, contribution) ``scenario`` does not clearly raise, in words.

    A gain not in dollars (meetings booked) that such a guardrail measures in dollars, and finds no
    clear gain in, is no trade-off salesim cannot weigh: the answer says the dollars did not follow.
    ``worst`` (the guardrail the trade-off names) and guardrails the rule limits are left out.
    """
    limited = decision.rule.max_worsening if decision.rule is not None else {}
    comparison = comparison_of(result)
    flat = []
    for guardrail in decision.guardrails:
        if (
            guardrail == worst
            or guardrail in limited
            or kpi_unit(guardrail) != "money"
            or (direction(guardrail) or 0) <= 0
        ):
            continue
        row = comparison_row(comparison, scenario, guardrail)
        if row is not None and not (bool(row["significant"]) and float(row["mean_diff"]) > 0):
            flat.append(kpi_phrase(result, guardrail))
    return join_words(flat, "or")


def cheapest_of(result: ExperimentResult, decision: DecisionSettings, candidates: list[str]) -> str:
    """The candidate best on the first guardrail (the cheapest, for a cost); the first without guardrails."""
    if not decision.guardrails:
        return candidates[0]
    kpi = decision.guardrails[0]
    sign = direction(kpi) or 1
    summary = summary_of(result)

    def score(s: str) -> float:
        row = summary_row(summary, s, kpi)
        return sign * float(row["mean"]) if row is not None else -math.inf

    return max(candidates, key=score)
