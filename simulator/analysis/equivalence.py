"""Practical equivalence: when scenarios differ by too little to matter, none is a favourite.

P(best) (:func:`simulator.analysis.ranking.probability_best`) names the scenario with the
best mean with the highest probability, however small the differences. With common
random numbers the paired runs differ so little that a +$2 difference on $2.96M of
bookings (CI -$3 to +$8) made one option "the best in 78% of resamplings" (issue F-j): a
leader reads that as a preference. The rule here (a region of practical equivalence, as in
equivalence testing: Schuirmann's two one-sided tests, 1987, read through the 95% CI):
when every paired difference's 95% CI lies within :data:`PRACTICAL_EQUIVALENCE` of the
reference scenario's mean (the baseline in a ranking, the best cell or mix in a sweep or
optimisation), the scenarios are practically equal on that KPI and P(best) is not
presented as a preference. The margin is salesim's choice, not a published figure: 0.5% of
bookings is $15k of $3M, less than one average deal of the shipped configurations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.analysis.paired_intervals import paired_event_interval
from simulator.analysis.quantities import Kind, kpi_kind
from simulator.analysis.wording import possessive

PRACTICAL_EQUIVALENCE = 0.005
"""Share of the reference scenario's mean within which a difference is practically nil (0.5%)."""


def within_margin(low: float, high: float, reference: float, margin: float = PRACTICAL_EQUIVALENCE) -> bool:
    """True when the interval ``[low, high]`` lies within ``±margin·|reference|`` (NaN ends: False)."""
    if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(reference)):
        return False
    bound = margin * abs(reference)
    return -bound <= low and high <= bound


def ranking_practically_equal(ranking: pd.DataFrame, baseline: str, margin: float = PRACTICAL_EQUIVALENCE) -> bool:
    """True when every scenario's paired difference to ``baseline`` has its 95% CI within the margin.

    ``ranking`` has the columns of :data:`simulator.analysis.ranking.RANKING_COLUMNS`: the
    differences and CIs the report's ranking table shows. Fewer than two scenarios, or a
    difference without a CI (too few runs), is never practically equal.
    """
    if len(ranking) < 2 or not {"scenario", "mean", "diff_low", "diff_high"} <= set(ranking.columns):
        return False
    base = ranking[ranking["scenario"] == baseline]
    if base.empty:
        return False
    reference = float(base.iloc[0]["mean"])
    others = ranking[ranking["scenario"] != baseline]
    return all(
        within_margin(float(r["diff_low"]), float(r["diff_high"]), reference, margin) for _, r in others.iterrows()
    )


def paired_practically_equal(
    replications: pd.DataFrame, kpi: str, scenarios: Sequence[str], margin: float = PRACTICAL_EQUIVALENCE
) -> bool:
    """True when each scenario's paired difference to ``scenarios[0]`` has its 95% CI within the margin.

    Runs are paired by ``replication`` (common random numbers); only runs every scenario
    has are used. Fewer than two scenarios or two shared runs: False. The CI is the paired
    t interval, or Newcombe's paired score interval for a KPI of 0/1 outcomes (hitting the
    plan), as in the comparison table: the t interval collapses to 0 whenever the runs hit
    alike, whatever their number.
    """
    from scipy import stats

    runs = replications[replications["scenario"].isin(list(scenarios))]
    table = runs.pivot_table(index="replication", columns="scenario", values=kpi, aggfunc="first").dropna()
    present = [s for s in scenarios if s in table.columns]
    if len(present) < 2 or present[0] != scenarios[0] or len(table) < 2:
        return False
    reference = table[present[0]].to_numpy(dtype=float)
    t = float(stats.t.ppf(0.975, len(table) - 1))
    event = kpi_kind(kpi) is Kind.EVENT
    for scenario in present[1:]:
        values = table[scenario].to_numpy(dtype=float)
        if event:
            low, high = paired_event_interval(values, reference)
        else:
            diff = values - reference
            half = t * float(np.std(diff, ddof=1)) / math.sqrt(len(diff))
            low, high = float(diff.mean()) - half, float(diff.mean()) + half
        if not within_margin(low, high, float(reference.mean()), margin):
            return False
    return True


def equal_words(reference: str, margin: float = PRACTICAL_EQUIVALENCE) -> str:
    """``every paired difference's 95% CI lies within ±0.5% of as_is's mean``."""
    return f"every paired difference's 95% CI lies within ±{margin:.1%} of {possessive(reference)} mean"


def tied_with(runs: pd.DataFrame, kpi: str, leader: str) -> list[str]:
    """The scenarios (a sweep's jobs) whose ``kpi`` equals ``leader``'s in every paired run, in table order.

    ``runs``: one row per ``scenario`` x ``replication`` (common random numbers pair run r).
    """
    table = runs.pivot_table(index="replication", columns="scenario", values=kpi, aggfunc="first")
    if leader not in table.columns:
        return []
    mine = table[leader].to_numpy(dtype=float)
    return [
        str(job)
        for job in table.columns
        if job != leader and np.array_equal(table[job].to_numpy(dtype=float), mine, equal_nan=True)
    ]
