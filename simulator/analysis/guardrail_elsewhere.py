"""A guardrail another scenario does better on than the chosen one: the trade-off the answer would leave unsaid.

The answer compares the chosen scenario with the baseline, on the primary KPI and each
guardrail. A third scenario can beat the chosen one on a guardrail: hiring_plan chose
``all_in_january`` for its bookings (+$403k against one hire a quarter) and its
contribution rose too, yet ``no_hires`` had the highest contribution of the three
($1.64M against $1.59M) at $590k less bookings, a trade-off the ranking table showed and
the answer never said. :func:`better_elsewhere_words` says it, paired run by run (the
scenarios meet the same luck), with whether the difference is clear.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.answer_words import difference_words, interval_words, kpi_phrase
from simulator.analysis.comparison import compare
from simulator.analysis.formatting import format_nonzero_values, level_unit
from simulator.analysis.quantities import direction
from simulator.analysis.tables import comparison_of, comparison_row, summary_of, summary_row
from simulator.analysis.wording import possessive
from simulator.config.decision import DecisionSettings
from simulator.run.experiment import ExperimentResult

LEANING = 6.0
"""An unclear difference is named only when its mean is at least a sixth of its CI's width from 0 (a third of the
half-width: the CI reaches twice as far on its side as on the other; hiring_plan's +$48k, CI -$49k to +$145k)."""


def _same_in_every_run(row: pd.Series) -> bool:
    """Whether a comparison row's difference reads "the same in every run" (:func:`.answer_words.interval_words`)."""
    return interval_words(row, str(row["kpi"])) == "the same in every run"


def better_elsewhere_words(
    result: ExperimentResult, decision: DecisionSettings, chosen: str, said: str | None = None
) -> str:
    """A sentence naming a scenario with a better mean than ``chosen``'s on a guardrail ('' when none has one).

    Args:
        result: The experiment's result (its replications are paired on replication).
        decision: The decision KPIs (the primary and its guardrails).
        chosen: The scenario the answer chose (or keeps).
        said: The scenario the answer's lead sentence compared with ``chosen`` on every guardrail
            (the best alternative when the baseline is kept, the baseline when another is
            chosen): a guardrail on which it has the best mean is left out here, its figures
            said already (speed_to_lead had named oldest_first's 0.8 hours less to a first
            touch as "does better" beside newest_first's 8.7 the lead sentence gave).

    Returns:
        For each guardrail with a direction on which ``chosen`` is not clearly worse than the
        baseline (a cost the answer already says rises is a known price, and the cheapest
        scenario beats it in almost every experiment), the best other scenario by mean where
        it beats ``chosen``'s mean: both means, the paired difference with its 95% CI ("though
        not clearly" when the CI holds zero) and the primary KPI's paired difference beside it;
        one sentence, the first guardrail with a clear difference, else the first with any (the
        answer stays a paragraph: sdr_headcount's four guardrails had read four more sentences).
    """
    against_baseline = comparison_of(result)
    summary = summary_of(result)
    runs = result.replications
    fallback = ""  # the first unclear sentence, said when no guardrail has a clear one
    for kpi in decision.guardrails:
        sign = direction(kpi)
        own = summary_row(summary, chosen, kpi)
        if not sign or own is None or not math.isfinite(float(own["mean"])):
            continue
        versus = comparison_row(against_baseline, chosen, kpi)
        if versus is not None and bool(versus["significant"]) and sign * float(versus["mean_diff"]) < 0:
            continue
        means = {}
        for name in summary["scenario"].unique():
            row = summary_row(summary, str(name), kpi)
            if str(name) != chosen and row is not None and math.isfinite(float(row["mean"])):
                means[str(name)] = float(row["mean"])
        if not means:
            continue
        best = max(means, key=lambda n: sign * means[n])
        if best == said or not sign * (means[best] - float(own["mean"])) > 0:
            continue  # the lead sentence gave the best on it already: a lesser one named "does better" misleads
        pair = runs[runs["scenario"].isin([chosen, best])]
        table = compare(pair, chosen, kpis=[kpi, decision.primary])
        row, primary = comparison_row(table, best, kpi), comparison_row(table, best, decision.primary)
        if row is None or int(row["n_pairs"]) < 2:
            continue
        width = float(row["ci_high"]) - float(row["ci_low"])
        if not bool(row["significant"]) and abs(float(row["mean_diff"])) < width / LEANING:
            continue  # a tie: ramp_and_coaching's 28.5% against 28.2% (95% CI -3.4 to +4.0 points) said nothing
        verdict = "does better" if bool(row["significant"]) else "has a better mean, though not clearly"
        theirs, ours = format_nonzero_values(kpi, [means[best], float(own["mean"])])
        sentence = (
            f"On {kpi_phrase(result, kpi)}, {best} {verdict}: {theirs} against {possessive(chosen)} "
            f"{ours}{level_unit(kpi)}, {difference_words(row, kpi)}"
        )
        if not _same_in_every_run(row):
            sentence += " paired run by run"
        if primary is not None and kpi != decision.primary:
            sentence += f", with {kpi_phrase(result, decision.primary)} {difference_words(primary, decision.primary)}"
        if bool(row["significant"]):
            return sentence + "."
        fallback = fallback or sentence + "."
    return fallback
