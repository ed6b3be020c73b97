"""The answer to an experiment's question, in one paragraph of plain words with CIs.

The answer is read on the experiment's decision KPIs (:mod:`simulator.analysis.decision`):
the scenarios are ranked on the primary KPI; the best one is set against the baseline
(both means with their 95% CIs, the paired difference with its CI and how often it did
better run by run), with what happens to each guardrail; a decision rule, when given,
says which scenario to choose. Every figure comes from the result tables.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from simulator.analysis.answer_choice import decided_choice, meets_target
from simulator.analysis.answer_words import (
    SENTENCE_UNITS,
    difference_words,
    interval_words,
    kpi_phrase,
    mean_words,
    means_apart,
    means_of,
    ranked_digits,
    row_digits,
)
from simulator.analysis.band_words import run_spread_words
from simulator.analysis.decision import decision_of
from simulator.analysis.equivalence import equal_words, ranking_practically_equal, tied_with
from simulator.analysis.formatting import (
    digits_apart,
    format_amount,
    format_chance,
    format_share,
    format_signed_amount,
    format_value,
    level_unit,
    ties_words,
)
from simulator.analysis.gain_leaks import leaked_gain_words
from simulator.analysis.guardrail_elsewhere import better_elsewhere_words
from simulator.analysis.kpi_names import kpi_unit, kpi_words
from simulator.analysis.lever_pairs import lever_words
from simulator.analysis.quantities import direction
from simulator.analysis.ranking import MIN_RUNS_FOR_BEST, rank_scenarios
from simulator.analysis.source_words import source_clause
from simulator.analysis.tables import (
    comparison_of,
    comparison_row,
    period_words,
    scenario_names,
    tied_in_every_run,
    window_words,
)
from simulator.analysis.unpriced_levers import unpriced_lever_words
from simulator.analysis.wording import count_of, is_plural, join_words
from simulator.analysis.worse_elsewhere import worse_elsewhere_words
from simulator.config.decision import DecisionSettings
from simulator.run.experiment import ExperimentResult


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


def _guardrail_clause(result: ExperimentResult, scenario: str, kpi: str) -> str | None:
    row = comparison_row(comparison_of(result), scenario, kpi)
    if row is None or int(row["n_pairs"]) < 2:
        return None
    phrase = kpi_phrase(result, kpi)
    plural = is_plural(phrase)
    diff = float(row["mean_diff"])
    interval = interval_words(row, kpi)
    if tied_in_every_run(row):  # with its CI where that has width (a share at 0 in every run of both)
        within = f" ({interval})" if interval and interval != "the same in every run" else ""
        return f"{phrase} {'are' if plural else 'is'} the same in every run{within}"
    if not bool(row["significant"]):
        return f"no clear change in {phrase} ({format_signed_amount(kpi, diff, row_digits(row, kpi))}, {interval})"
    good = direction(kpi) * diff
    verdict = "" if good == 0 else ("; better" if good > 0 else "; worse")
    verb = ("rise" if diff > 0 else "fall") if plural else ("rises" if diff > 0 else "falls")
    levels = _money_levels(result, scenario, kpi)
    if levels:  # "at what cost?": the cost itself, not only how far it moves
        signed = format_signed_amount(kpi, diff, row_digits(row, kpi))
        return f"{phrase} {verb} {levels}, {signed} ({interval}{verdict})" if interval else f"{phrase} {verb} {levels}"
    return f"{phrase} {verb} by {format_amount(kpi, diff, row_digits(row, kpi))} ({interval}{verdict})"


def _money_levels(result: ExperimentResult, scenario: str, kpi: str) -> str:
    """``from $3.66M to $3.95M``: a money guardrail's mean with the baseline and with ``scenario`` (empty otherwise).

    plan_check asks at what cost of sales today's reps book the plan; its answer gave only the
    +$294.7k two more reps add, and the $3.66M it costs today was in the tables alone.
    """
    if kpi_unit(kpi) != "money":
        return ""
    means = means_of(result, kpi, (result.experiment.baseline, scenario))
    if not all(math.isfinite(m) for m in means) or means[0] == 0.0:  # "from $0 to $344.0k, +$344.0k" says it twice
        return ""
    extra = digits_apart(kpi, means[0], means[1])  # a clear +$2.5k on $3.66M had read "from $3.66M to $3.66M"
    extra = max(extra, ranked_digits(result, kpi))  # as the ranked table beneath: "$3.683M", not "$3.68M" there
    before, after = (format_value(kpi, m, extra_digits=extra) for m in means)
    return f"from {before} to {after}"


def _lead_sentence(result: ExperimentResult, decision: DecisionSettings, top: str) -> str:
    """The best alternative against the baseline on the primary KPI, with every guardrail."""
    kpi, baseline = decision.primary, result.experiment.baseline
    phrase = kpi_phrase(result, kpi)
    row = comparison_row(comparison_of(result), top, kpi)
    base, best = means_apart(result, kpi, baseline, top)
    if row is None or not bool(row["significant"]):
        clear = _clear_changes(result, kpi, exclude=top)
        verb = "improves" if clear and direction(kpi) else "changes"
        if len(scenario_names(result)) == 2:  # one alternative: "the best of the others" had named the only one
            head = (
                f"{top} does not clearly change {phrase}: {baseline} (the baseline) gives {base}, "
                f"and {top} gives {best}"
            )
        else:
            head = (
                f"No scenario clearly {verb} {phrase}: {baseline} (the baseline) gives {base}, and the best of the "
                f"others, {top}, gives {best}"
            )
        if row is not None and tied_in_every_run(row):
            interval = interval_words(row, kpi)
            head += ", the same in every run" + (f" ({interval})" if interval != "the same in every run" else "")
        elif row is not None and not interval_words(row, kpi):
            diff = format_signed_amount(kpi, float(row["mean_diff"]))
            head += f", a difference of {diff} from {int(row['n_pairs'])} paired run, too few for a CI"
        elif row is not None:
            head += f", a difference of {difference_words(row, kpi)} whose CI includes zero"
    else:
        verb = "raises" if float(row["mean_diff"]) > 0 else "lowers"
        share = float(row["share_better"])
        head = (
            f"{top} {verb} {phrase} from {base} with {baseline} to {best}, a difference of "
            f"{difference_words(row, kpi)}, better in {format_share(share)} of paired runs"
        )
        ties = ties_words(row)
        if ties:
            head += f" and worse in {format_share(float(row['share_worse']))} ({ties})"
    clauses = [c for c in (_guardrail_clause(result, top, g) for g in decision.guardrails) if c]
    if clauses:
        head += "; " + join_words(clauses) + f", against {baseline}"
    head += "."  # a scenario's name starts it as typed, never capitalised
    if (row is None or not bool(row["significant"])) and decision.scenarios_are != "conditions":
        for scenario, change in _clear_changes(result, kpi, exclude=top):  # conditions: each said in full below
            verb = "raises" if float(change["mean_diff"]) > 0 else "lowers"
            head += (
                f" {scenario} clearly {verb} {phrase}, to {means_apart(result, kpi, baseline, scenario)[1]}, "
                "a difference of "
                f"{difference_words(change, kpi)}{source_clause(result, scenario) if kpi == 'bookings' else ''}."
            )
    return head


def _other_conditions(result: ExperimentResult, decision: DecisionSettings, ranking: pd.DataFrame, top: str) -> str:
    """Each condition the lead sentence did not name, against the baseline, with its guardrails ('' for choices).

    Conditions are met, not chosen, and the question asks what each one does: rep_attrition asks what 20%,
    35% or 50% turnover cost, and its answer set turnover_20 against today while turnover_50's -$312.5k of
    bookings and -$298.0k of contribution were left to the ranking's "$3.44M".
    """
    if decision.scenarios_are != "conditions":
        return ""
    kpi, baseline = decision.primary, result.experiment.baseline
    phrase = kpi_phrase(result, kpi)
    sentences = []
    for scenario in (str(s) for s in ranking["scenario"]):
        row = comparison_row(comparison_of(result), scenario, kpi)
        if scenario in (baseline, top) or row is None:
            continue
        value = means_apart(result, kpi, baseline, scenario)[1]
        if bool(row["significant"]):
            verb = "raises" if float(row["mean_diff"]) > 0 else "lowers"
            head = (
                f"{scenario} {verb} {phrase} to {value}, a difference of {difference_words(row, kpi)}, better in "
                f"{format_share(float(row['share_better']))} of paired runs"
            )
        else:
            head = f"{scenario} does not clearly change {phrase}: it gives {value}, a difference of " + (
                difference_words(row, kpi) + (" whose CI includes zero" if interval_words(row, kpi) else "")
            )
        clauses = [c for c in (_guardrail_clause(result, scenario, g) for g in decision.guardrails) if c]
        sentences.append(head + ("; " + join_words(clauses) if clauses else "") + ".")
    return " ".join(sentences)


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
    extra = max(extra, ranked_digits(result, kpi))  # as the lead sentence says the same means
    names = [str(n) for n in ranking["scenario"]]
    items = [f"{n} {format_value(kpi, m, extra_digits=extra)}" for n, m in zip(names, means, strict=True)]
    first = ranking.iloc[0]
    p_best = float(first["p_best"])
    chance = (
        f"; the scenarios are practically equal on {kpi_phrase(result, kpi)} "
        f"({equal_words(result.experiment.baseline)}), so no "
        "probability of being the best is given: it would name a favourite for a difference too small to matter"
        if equal
        else _chances_words(ranking, _tied_at_top(result, ranking, kpi))
        if math.isfinite(p_best)
        else f"; {_too_few(runs)} to say how likely it is the best (that takes {MIN_RUNS_FOR_BEST})"
        if runs < MIN_RUNS_FOR_BEST
        else ""
    )
    unit = f" ({SENTENCE_UNITS[kpi_unit(kpi)]})" if kpi_unit(kpi) in SENTENCE_UNITS else ""
    return f"Ranked on {kpi_phrase(result, kpi)}{unit}: {', '.join(items)}{chance}."


def _tied_at_top(result: ExperimentResult, ranking: pd.DataFrame, kpi: str) -> list[str]:
    """The scenarios equal to the top one on ``kpi`` in every paired run (they share its draws), in ranking order."""
    runs = result.replications
    if kpi not in runs.columns or "replication" not in runs.columns:
        return []
    tied = set(tied_with(runs[["scenario", "replication", kpi]], kpi, str(ranking.iloc[0]["scenario"])))
    return [str(s) for s in ranking["scenario"] if str(s) in tied]


def _chances_words(ranking: pd.DataFrame, tied: Sequence[str] = ()) -> str:
    """``; X is the best with a probability of 62%``, or each likely one's when the top mean is not the likeliest.

    ``tied``: scenarios equal to the top one in every run; together they are the best (a
    calibrated company's three designs that hit the plan in the same runs had read "as_is
    is the best with a probability of 33%", the draws shared three ways).

    With three or more scenarios the highest mean need not be the likeliest best: two close,
    correlated designs split the draws they lead (org_structures read "pods_by_product_uplift
    is the best with a probability of 32%" beside specialists' 40% in the table).
    """
    chances = [(str(r["scenario"]), float(r["p_best"])) for _, r in ranking.iterrows()]
    first, p_first = chances[0]
    if tied:
        together = p_first + sum(p for name, p in chances if name in tied)
        return (
            f"; {join_words([first, *tied])} are the same in every run on it: together they are the best with a "
            f"probability of {format_chance(together)}"
        )
    if p_first >= max(p for _, p in chances):
        return f"; {first} is the best with a probability of {format_chance(p_first)}"
    likely = [f"{name} {format_chance(p)}" for name, p in sorted(chances, key=lambda c: -c[1]) if p >= 0.05]
    return (
        f"; the highest mean is not the likeliest best: the probability of being the best is {join_words(likely)} "
        "(close designs split the runs they lead)"
    )


def _single_scenario(result: ExperimentResult, decision: DecisionSettings, ranking: pd.DataFrame) -> Answer:
    scenario = result.experiment.baseline
    figures = [
        f"{kpi_phrase(result, k)} {mean_words(result, scenario, k)}" for k in [decision.primary, *decision.guardrails]
    ]
    paragraph = f"{scenario} gives {join_words(figures)}." + run_spread_words(
        result, scenario, decision.primary, kpi_phrase(result, decision.primary)
    )
    target = decision.rule.target if decision.rule else None
    recommended: str | None = scenario
    if target is not None and not ranking.empty:
        reached = meets_target(float(ranking.iloc[0]["mean"]), decision.primary, target)
        recommended = scenario if reached else None
        goal = f"{format_value(decision.primary, target)}{level_unit(decision.primary)}"
        paragraph += f" It {'reaches' if reached else 'misses'} the target of {goal}."
    return Answer(paragraph, recommended, ranking, decision)


def answer(result: ExperimentResult) -> Answer:
    """The answer to the experiment's question (see the module docstring); worked out once per result.

    A measured window other than one year is said first (``Over the measured 24 months:``):
    ``clock.warmup_days=0`` doubled the default's window, and its $6.94M of bookings read as
    a year's.
    """

    def worked_out() -> Answer:
        found = _answer(result)
        period = period_words(result)
        if period == " per year" or found.ranking.empty:
            return found
        return dataclasses.replace(found, paragraph=f"Over the measured {window_words(result)}: {found.paragraph}")

    return result.derived("answer", worked_out)


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
    recommended, choice = decided_choice(result, decision, ranking)
    top = recommended if recommended and recommended != result.experiment.baseline else others[0]
    sentences = [
        _lead_sentence(result, decision, top),
        _other_conditions(result, decision, ranking, top),  # conditions: what each one does, not only the top
        _ranking_sentence(result, ranking, decision.primary),
        lever_words(result, decision.primary),  # "A or B?" asked beside A and B together: A against B
        leaked_gain_words(result, decision, top),  # the gain upstream leaks at a team past the ceiling: say why
        choice,
        unpriced_lever_words(result, recommended),  # a coaching programme's cost is in no cost of sales: say so
    ]
    chosen = recommended or result.experiment.baseline
    said = top if chosen == result.experiment.baseline else result.experiment.baseline  # the lead compared them
    if decision.scenarios_are != "conditions":  # no scenario is chosen among conditions: no trade-off to name
        sentences.append(better_elsewhere_words(result, decision, chosen, said))
        sentences.append(worse_elsewhere_words(result, decision, recommended, said))  # why the others are passed over
    return Answer(" ".join(s for s in sentences if s), recommended, ranking, decision)
