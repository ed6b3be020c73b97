"""Single levers beside their combination: which of the levers alone is worth more, paired run by run.

An experiment that asks "A or B?" often runs A, B and both (ramp_and_coaching: fast_ramp,
coaching and fast_ramp_and_coaching). Its answer sets the best scenario against the
baseline, and the combination is usually the best, so the question itself went unanswered:
fast_ramp's +$94k and coaching's +$91k of bookings against today (100 runs) stood apart in
the ranking with no word on whether either is worth more than the other. The levers are
found from the resolved settings, not from how the overrides were typed: a scenario is a
combination when the settings it changes from the baseline are exactly the union of those
of two or more other scenarios (its levers), each changing settings no other lever touches.
Each pair of levers is then compared on the primary KPI with the same paired comparison as
the table against the baseline (:func:`simulator.analysis.comparison.compare`, the runs
paired on replication), and said clear, practically equal (the CI within
:data:`~simulator.analysis.equivalence.PRACTICAL_EQUIVALENCE` of the second's mean), or
unclear.
"""

from __future__ import annotations

import itertools
import math

from simulator.analysis.answer_words import difference_words, kpi_phrase, means_of, row_digits
from simulator.analysis.comparison import compare
from simulator.analysis.equivalence import PRACTICAL_EQUIVALENCE, within_margin
from simulator.analysis.formatting import format_share, format_signed_amount
from simulator.analysis.quantities import direction
from simulator.analysis.tables import comparison_of, comparison_row
from simulator.analysis.wording import possessive
from simulator.run.differences import format_setting, scenario_differences
from simulator.run.experiment import ExperimentResult

MAX_LEVERS = 3
"""Most levers a combination is read for (three levers are three pairs; more would crowd the answer)."""


def combinations(result: ExperimentResult) -> dict[str, list[str]]:
    """Combination scenario -> its levers (other scenarios), in the experiment's order; {} when none is one.

    A scenario's changes are its resolved settings that differ from the baseline's
    (:func:`simulator.run.differences.scenario_differences`), each as key and value.
    """
    changes: dict[str, set[tuple[str, str]]] = {}
    for difference in scenario_differences(result.experiment):
        changes.setdefault(difference.scenario, set()).add((difference.key, format_setting(difference.value)))
    order = [spec.name for spec in result.experiment.scenarios if spec.name in changes]
    found = {}
    for whole in order:
        parts = [name for name in order if name != whole and changes[name] < changes[whole]]
        levers = [p for p in parts if not any(changes[q] < changes[p] for q in parts)]  # the smallest parts
        keys = [{key for key, _ in changes[p]} for p in levers]
        disjoint = all(not (a & b) for a, b in itertools.combinations(keys, 2))
        if 2 <= len(levers) <= MAX_LEVERS and disjoint and set().union(*(changes[p] for p in levers)) == changes[whole]:
            found[whole] = levers
    return found


def lever_words(result: ExperimentResult, kpi: str) -> str:
    """How the levers of each combination compare with each other on ``kpi`` ("" when no scenario is one)."""
    runs = result.replications
    if "scenario" not in runs.columns or kpi not in runs.columns:
        return ""
    sentences = []
    for whole, levers in combinations(result).items():
        said = [_pair_words(result, kpi, a, b) for a, b in itertools.combinations(levers, 2)]
        said = [s for s in said if s]
        if said:
            sentences.append(f"Of the levers {whole} combines, {'; '.join(said)}.")
    return " ".join(sentences)


def _pair_words(result: ExperimentResult, kpi: str, first: str, second: str) -> str:
    """``fast_ramp and coaching cannot be told apart on bookings (...): ...`` (the better mean first)."""
    means = means_of(result, kpi, (first, second))
    if not all(math.isfinite(m) for m in means):
        return ""
    sign = direction(kpi) or 1
    if sign * means[1] > sign * means[0]:
        first, second = second, first
    pair = result.replications[result.replications["scenario"].isin([first, second])]
    table = compare(pair, second, draws=result.experiment.parameter_draw_count, kpis=[kpi])
    rows = table[(table["scenario"] == first) & (table["kpi"] == kpi)]
    if rows.empty or int(rows.iloc[0]["n_pairs"]) < 2:
        return ""
    row = rows.iloc[0]
    phrase = kpi_phrase(result, kpi)
    each = _against_baseline(result, kpi, first, second)
    versus = (
        f"{first} less {second} is {difference_words(row, kpi)}, {first} better in "
        f"{format_share(float(row['share_better']))} of paired runs"
    )
    reference = means_of(result, kpi, (second,))[0]
    if within_margin(float(row["ci_low"]), float(row["ci_high"]), reference):  # clear or not, too small to matter
        return (
            f"{first} and {second} are practically equal on {phrase}{each}: {versus}, the CI within "
            f"±{PRACTICAL_EQUIVALENCE:.1%} of {possessive(second)} mean"
        )
    if bool(row["significant"]):
        return f"{first} is worth more than {second} on {phrase}{each}: {versus}"
    return (
        f"{first} and {second} cannot be told apart on {phrase}{each}: {versus}, a CI that includes zero, so "
        "neither alone is clearly worth more than the other"
    )


def _against_baseline(result: ExperimentResult, kpi: str, first: str, second: str) -> str:
    """`` (+$94.1k and +$91.1k against today)``: each lever's paired difference with the baseline ("" without both)."""
    comparison = comparison_of(result)
    rows = [comparison_row(comparison, name, kpi) for name in (first, second)]
    if any(r is None for r in rows) or result.experiment.baseline in (first, second):
        return ""
    amounts = [format_signed_amount(kpi, float(r["mean_diff"]), row_digits(r, kpi)) for r in rows if r is not None]
    return f" ({amounts[0]} and {amounts[1]} against {result.experiment.baseline})"
