"""The answer to an experiment's question, in one paragraph of plain words with CIs.

The answer is read on the experiment's decision KPIs (:mod:`simulator.analysis.decision`):
the scenarios are ranked on the primary KPI; the best one is set against the baseline
(both means with their 95% CIs, the paired difference with its CI and how often it did
better run by run), with what happens to each guardrail; a decision rule, when given,
says which scenario to choose. Every figure comes from the result tables.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pandas as pd

from simulator.analysis.band_words import run_spread_words
from simulator.analysis.decision import decision_of
from simulator.analysis.equivalence import PRACTICAL_EQUIVALENCE, equal_words, ranking_practically_equal
from simulator.analysis.formatting import (
    digits_apart,
    format_amount,
    format_mean_ci,
    format_money,
    format_share,
    format_signed_amount,
    format_signed_range,
    format_value,
    ties_words,
)
from simulator.analysis.kpi_names import kpi_unit, kpi_words
from simulator.analysis.planning import plan_figure
from simulator.analysis.quantities import direction
from simulator.analysis.ranking import MIN_RUNS_FOR_BEST, rank_scenarios
from simulator.analysis.tables import (
    comparison_of,
    comparison_row,
    scenario_names,
    summary_of,
    summary_row,
    tied_in_every_run,
)
from simulator.analysis.wording import count_of, is_plural, join_words, possessive
from simulator.config.decision import DecisionSettings
from simulator.run.experiment import ExperimentResult

SENTENCE_UNITS = {"hours": "hours", "days": "working days"}
"""Units a KPI's values carry in a sentence, where a table's header would say them (money and % carry their own)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to an experiment's question.

    Attributes:
        paragraph: One paragraph of plain words (no markup) with 95% CIs.
        recommended: The scenario to choose (by the rule, or the clearly best on the
            primary KPI that keeps within the guardrail limits), the baseline when nothing
            beats it, None when a target is out of every scenario's reach.
        ranking: The scenarios best first on the primary KPI (see
            :func:`simulator.analysis.ranking.rank_scenarios`).
        decision: The decision KPIs the answer is read on.
    """

    paragraph: str
    recommended: str | None
    ranking: pd.DataFrame
    decision: DecisionSettings


def kpi_phrase(result: ExperimentResult, kpi: str) -> str:
    """A KPI inside a sentence; the plan's probability names the plan (``the chance of hitting the $3.50M plan``)."""
    if kpi == "hit_plan":
        plans = {plan_figure(result, s) for s in scenario_names(result)} - {None}
        if len(plans) == 1:
            return f"the chance of hitting the {format_money(float(next(iter(plans))))} plan"  # type: ignore[arg-type]
        return "the chance of hitting the plan"
    return kpi_words(kpi)


def _difference(row: pd.Series, kpi: str) -> str:
    """``+13.0 points (95% CI +9.0 to +17.0 points)``."""
    diff = format_signed_amount(kpi, float(row["mean_diff"]))
    interval = _interval(row, kpi)
    return f"{diff} ({interval})" if interval else diff


def _interval(row: pd.Series, kpi: str) -> str:
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    if math.isclose(low, high, rel_tol=1e-6, abs_tol=1e-9):  # every pair differs by the same (a headcount's cost)
        return "the same in every run"
    return f"95% CI {format_signed_range(kpi, low, high)}"


def _guardrail_clause(result: ExperimentResult, scenario: str, kpi: str) -> str | None:
    row = comparison_row(comparison_of(result), scenario, kpi)
    if row is None or int(row["n_pairs"]) < 2:
        return None
    phrase = kpi_phrase(result, kpi)
    plural = is_plural(phrase)
    if tied_in_every_run(row):
        return f"{phrase} {'are' if plural else 'is'} the same in every run"
    diff = float(row["mean_diff"])
    interval = _interval(row, kpi)
    if not bool(row["significant"]):
        return f"no clear change in {phrase} ({format_signed_amount(kpi, diff)}, {interval})"
    good = direction(kpi) * diff
    verdict = "" if good == 0 else ("; better" if good > 0 else "; worse")
    verb = ("rise" if diff > 0 else "fall") if plural else ("rises" if diff > 0 else "falls")
    return f"{phrase} {verb} by {format_amount(kpi, diff)} ({interval}{verdict})"


def _limits_broken(result: ExperimentResult, decision: DecisionSettings, scenario: str) -> list[str]:
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


def _meets_target(mean: float, kpi: str, target: float) -> bool:
    return mean >= target if (direction(kpi) or 1) > 0 else mean <= target


def _mean_words(result: ExperimentResult, scenario: str, kpi: str, extra_digits: int = 0) -> str:
    """A mean (95% CI) inside a sentence: ``0.4 hours (0.3 to 0.5)``, the unit said where a table's header says it."""
    text = format_mean_ci(summary_row(summary_of(result), scenario, kpi), kpi, extra_digits=extra_digits)
    unit = SENTENCE_UNITS.get(kpi_unit(kpi))
    if unit is None or text == "-":
        return text
    mean, _, interval = text.partition(" (")
    return f"{mean} {unit} ({interval}" if interval else f"{mean} {unit}"


def _means_apart(result: ExperimentResult, kpi: str, first: str, second: str) -> tuple[str, str]:
    """Two scenarios' means (95% CI) in words, with the decimals that tell the means apart."""
    rows = [summary_row(summary_of(result), name, kpi) for name in (first, second)]
    means = [float(r["mean"]) if r is not None else math.nan for r in rows]
    extra = digits_apart(kpi, means[0], means[1])
    return _mean_words(result, first, kpi, extra), _mean_words(result, second, kpi, extra)


def _lead_sentence(result: ExperimentResult, decision: DecisionSettings, top: str) -> str:
    """The best alternative against the baseline on the primary KPI, with every guardrail."""
    kpi, baseline = decision.primary, result.experiment.baseline
    phrase = kpi_phrase(result, kpi)
    row = comparison_row(comparison_of(result), top, kpi)
    base, best = _means_apart(result, kpi, baseline, top)
    if row is None or not bool(row["significant"]):
        clear = _clear_changes(result, kpi, exclude=top)
        verb = "improves" if clear and direction(kpi) else "changes"
        head = (
            f"No scenario clearly {verb} {phrase}: {baseline} (the baseline) gives {base}, and the best of the "
            f"others, {top}, gives {best}"
        )
        if row is not None and tied_in_every_run(row):
            head += ", the same in every run"
        elif row is not None and not _interval(row, kpi):
            diff = format_signed_amount(kpi, float(row["mean_diff"]))
            head += f", a difference of {diff} from {int(row['n_pairs'])} paired run, too few for a CI"
        elif row is not None:
            head += f", a difference of {_difference(row, kpi)} whose CI includes zero"
    else:
        verb = "raises" if float(row["mean_diff"]) > 0 else "lowers"
        share = float(row["share_better"])
        head = (
            f"{top} {verb} {phrase} from {base} with {baseline} to {best}, a difference of "
            f"{_difference(row, kpi)}, better in {format_share(share)} of paired runs"
        )
        ties = ties_words(row)
        if ties:
            head += f" and worse in {format_share(float(row['share_worse']))} ({ties})"
    clauses = [c for c in (_guardrail_clause(result, top, g) for g in decision.guardrails) if c]
    if clauses:
        head += "; " + join_words(clauses) + f", against {baseline}"
    head += "."  # a scenario's name starts it as typed, never capitalised
    if row is None or not bool(row["significant"]):
        for scenario, change in _clear_changes(result, kpi, exclude=top):
            verb = "raises" if float(change["mean_diff"]) > 0 else "lowers"
            head += (
                f" {scenario} clearly {verb} {phrase}, to {_means_apart(result, kpi, baseline, scenario)[1]}, "
                "a difference of "
                f"{_difference(change, kpi)}."
            )
    return head


def _clear_changes(result: ExperimentResult, kpi: str, exclude: str) -> list[tuple[str, pd.Series]]:
    """The scenarios (other than the baseline and ``exclude``) whose paired difference on ``kpi`` is clear.

    When the best of the others is no clear change, these are the clearly worse ones (or,
    in a rare tie of ranks, a clearly better one with a lower mean): without them, "no
    scenario clearly changes" would be false.
    """
    comparison = comparison_of(result)
    found = []
    for scenario in scenario_names(result):
        if scenario in (result.experiment.baseline, exclude):
            continue
        row = comparison_row(comparison, scenario, kpi)
        if row is not None and bool(row["significant"]):
            found.append((scenario, row))
    return found


def _too_few(runs: int) -> str:
    """``1 run is too few``, ``5 runs are too few``."""
    return f"{count_of(runs, 'run')} {'is' if runs == 1 else 'are'} too few"


def _ranking_sentence(result: ExperimentResult, ranking: pd.DataFrame, kpi: str) -> str | None:
    runs = int(ranking["n"].min()) if len(ranking) > 1 else MIN_RUNS_FOR_BEST
    # a ranking without paired differences (a hand-made one) has no practical equivalence to judge
    equal = "diff_low" in ranking.columns and ranking_practically_equal(ranking, result.experiment.baseline)
    if len(ranking) < 3 and not equal:
        if runs < MIN_RUNS_FOR_BEST:  # the ranking table's P(best) reads "-": say why
            return f"{_too_few(runs)} to say how likely either is the best (that takes {MIN_RUNS_FOR_BEST})."
        return None
    means = [float(m) for m in ranking["mean"]]
    extra = max((digits_apart(kpi, a, b) for a, b in itertools.pairwise(means)), default=0)
    names = [str(n) for n in ranking["scenario"]]
    items = [f"{n} {format_value(kpi, m, extra_digits=extra)}" for n, m in zip(names, means, strict=True)]
    first = ranking.iloc[0]
    p_best = float(first["p_best"])
    chance = (
        f"; the scenarios are practically equal on {kpi_phrase(result, kpi)} "
        f"({equal_words(result.experiment.baseline)}), so no "
        "probability of being the best is given: it would name a favourite for a difference too small to matter"
        if equal
        else f"; {first['scenario']} is the best in {p_best:.0%} of resamplings of the runs"
        if math.isfinite(p_best)
        else f"; {_too_few(runs)} to say how likely it is the best (that takes {MIN_RUNS_FOR_BEST})"
        if runs < MIN_RUNS_FOR_BEST
        else ""
    )
    unit = f" ({SENTENCE_UNITS[kpi_unit(kpi)]})" if kpi_unit(kpi) in SENTENCE_UNITS else ""
    return f"Ranked on {kpi_phrase(result, kpi)}{unit}: {', '.join(items)}{chance}."


def _single_scenario(result: ExperimentResult, decision: DecisionSettings, ranking: pd.DataFrame) -> Answer:
    scenario = result.experiment.baseline
    figures = [
        f"{kpi_phrase(result, k)} {_mean_words(result, scenario, k)}" for k in [decision.primary, *decision.guardrails]
    ]
    paragraph = f"{scenario} gives {join_words(figures)}." + run_spread_words(
        result, scenario, decision.primary, kpi_phrase(result, decision.primary)
    )
    target = decision.rule.target if decision.rule else None
    recommended: str | None = scenario
    if target is not None and not ranking.empty:
        reached = _meets_target(float(ranking.iloc[0]["mean"]), decision.primary, target)
        recommended = scenario if reached else None
        paragraph += f" It {'reaches' if reached else 'misses'} the target of {format_value(decision.primary, target)}."
    return Answer(paragraph, recommended, ranking, decision)


def _unsure(ranking: pd.DataFrame, scenario: str, kpi: str, target: float) -> str:
    """Words for a mean that meets the target while its 95% CI reaches the other side (5 runs: 80% of 37.6-96.4%)."""
    row = ranking[ranking["scenario"] == scenario].iloc[0]
    low, high = float(row["ci_low"]), float(row["ci_high"])
    worst = high if (direction(kpi) or 1) < 0 else low
    if not math.isfinite(worst) or _meets_target(worst, kpi, target):
        return ""
    return (
        f" on average, but its 95% CI ({format_value(kpi, low)} to {format_value(kpi, high)}) reaches past the "
        "target, so the runs cannot yet tell whether it does: more runs would"
    )


def _choice(result: ExperimentResult, decision: DecisionSettings, ranking: pd.DataFrame) -> tuple[str | None, str]:
    """The scenario to choose and the sentence that says why."""
    kpi, baseline = decision.primary, result.experiment.baseline
    phrase = kpi_phrase(result, kpi)
    ordered = [str(s) for s in ranking["scenario"]]
    means = dict(zip(ordered, ranking["mean"].astype(float), strict=True))
    clear = dict(
        zip(ordered, ranking["significant"].astype(bool) & (ranking["diff"] * (direction(kpi) or 1) > 0), strict=True)
    )
    target = decision.rule.target if decision.rule else None
    if target is not None:
        meeting = [
            s for s in ordered if _meets_target(means[s], kpi, target) and not _limits_broken(result, decision, s)
        ]
        goal = f"the target of {format_value(kpi, target)} for {phrase}"
        if not meeting:
            best = format_value(kpi, means[ordered[0]])
            tied = [s for s in ordered if format_value(kpi, means[s]) == best]  # equal as shown: none is closer
            closest = f"the closest is {ordered[0]}" if len(tied) == 1 else f"the closest are {join_words(tied)}"
            return None, f"No scenario reaches {goal}; {closest} at {best}."
        cheapest = _cheapest(result, decision, meeting)
        why = (
            f" and has the best {kpi_phrase(result, decision.guardrails[0])} of those that do"
            if len(meeting) > 1 and decision.guardrails
            else ""
        )
        unsure = _unsure(ranking, cheapest, kpi, target)
        return cheapest, f"By the decision rule, choose {cheapest}: it reaches {goal}{why}{unsure}."
    better = [s for s in ordered if s != baseline and clear[s]]
    allowed = [s for s in better if not _limits_broken(result, decision, s)]
    passed_over = ""
    if allowed:  # no target: a gain the dollars it costs outweigh, or that cannot be weighed against them
        costly = {s: _costs_more_than_it_gains(result, decision, s) for s in allowed}
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
        broken = join_words(_limits_broken(result, decision, better[0]))
        return baseline, f"Keep {baseline}: {better[0]} is better on {phrase}, but {broken}."
    return baseline, f"Keep {baseline}: no other scenario is clearly better on {phrase}."


def _costs_more_than_it_gains(result: ExperimentResult, decision: DecisionSettings, scenario: str) -> str | None:
    """Without a target, a gain on the primary KPI that money guardrails say is not worth having, in words.

    A difference can be statistically clear and still not worth having: +$348 of bookings
    for +$126.5k of cost of sales. With the primary KPI in dollars, the loss outweighs the
    gain. With the primary KPI in another unit (points of net revenue retention, meetings),
    salesim cannot set it against dollars: a money guardrail clearly worse, by more than any
    money guardrail is clearly better (a contribution that rises pays for the cost that
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
                    f"it gains {format_amount(kpi, gain)} of {kpi_phrase(result, kpi)} for "
                    f"{format_amount(guardrail, -change)} worse {kpi_phrase(result, guardrail)}"
                )
        return None
    if not changes or gain <= 0:
        return None
    loss, worst = min(changes)
    if -loss <= max(0.0, *(change for change, _ in changes)):
        return None
    more = "more" if diff > 0 else "less"  # 0.2 points more net revenue retention, 0.3 hours less time to touch
    cost = format_amount(worst, -loss)
    return (
        f"it gives {format_amount(kpi, diff)} {more} {kpi_phrase(result, kpi)} for {cost} worse "
        f"{kpi_phrase(result, worst)}, two things salesim cannot set against each other: choose {scenario} only if "
        f"that is worth {cost} to you"
    )


def _cheapest(result: ExperimentResult, decision: DecisionSettings, candidates: list[str]) -> str:
    if not decision.guardrails:
        return candidates[0]
    kpi = decision.guardrails[0]
    sign = direction(kpi) or 1
    summary = summary_of(result)

    def score(s: str) -> float:
        row = summary_row(summary, s, kpi)
        return sign * float(row["mean"]) if row is not None else -math.inf

    return max(candidates, key=score)


def answer(result: ExperimentResult) -> Answer:
    """The answer to the experiment's question (see the module docstring); worked out once per result."""
    return result.derived("answer", lambda: _answer(result))


def _answer(result: ExperimentResult) -> Answer:
    decision = decision_of(result.experiment)
    names = scenario_names(result)
    runs = result.replications
    empty = pd.DataFrame()
    if (
        "scenario" not in runs.columns
        or decision.primary not in runs.columns
        or not runs[decision.primary].notna().any()
    ):
        text = f"No run produced {kpi_words(decision.primary)}, so there is no answer to give."
        return Answer(text, None, empty, decision)
    ranking = rank_scenarios(
        runs, decision.primary, result.experiment.baseline, names, result.experiment.parameter_draw_count
    )
    if len(names) == 1:
        return _single_scenario(result, decision, ranking)
    others = [s for s in ranking["scenario"] if s != result.experiment.baseline]
    if not others:  # every run of the other scenarios failed
        missing = [n for n in names if n != result.experiment.baseline]
        verb = "has no results (its runs failed)" if len(missing) == 1 else "have no results (their runs failed)"
        text = (
            f"Only {result.experiment.baseline} produced {kpi_words(decision.primary)}: {', '.join(missing)} "
            f"{verb}, so there is nothing to compare."
        )
        return Answer(text, None, ranking, decision)
    recommended, choice = _choice(result, decision, ranking)
    top = recommended if recommended and recommended != result.experiment.baseline else others[0]
    sentences = [_lead_sentence(result, decision, top), _ranking_sentence(result, ranking, decision.primary), choice]
    return Answer(" ".join(s for s in sentences if s), recommended, ranking, decision)
