"""Scenarios ranked on one KPI, with the probability that each is truly the best.

Runs are paired across scenarios (common random numbers: run *r* of every scenario
replays the same leads with the same luck), so the probability comes from the runs'
paired means and spread: the scenarios' true means are drawn from the multivariate
Student t their runs give (centred on the runs' means, scaled by the runs' covariance
over n, n - 1 degrees of freedom: the posterior under the usual flat prior, Gelman et
al. 2013, *Bayesian Data Analysis*, 3rd ed., section 3.6), and the share of draws a
scenario has the best mean is its probability of being the best (ties share the draw).
For two scenarios it is worked out exactly from the statistic of the paired CI beside it
(:mod:`simulator.analysis.best_of_two`: Student's t, or McNemar's exact test for a
yes/no KPI): the CI excludes zero exactly when the probability is above 97.5% or below
2.5%. (A bootstrap of runs had read "100%" beside a CI that included zero whenever one
scenario was never worse in 20 runs.) The draws use their own seeded generator, so the
same runs always give the same probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from simulator.analysis.best_of_two import first_hits_more, first_is_better
from simulator.analysis.comparison import compare
from simulator.analysis.draw_means import draw_of, shares_draws
from simulator.analysis.quantities import Kind, direction, kpi_kind
from simulator.analysis.statistics import kpi_interval, run_trials

BEST_DRAWS = 4000
BEST_SEED = 20260
RANKING_COLUMNS = (
    "rank",
    "scenario",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_low",
    "diff_high",
    "significant",
    "p_best",
)


def paired_table(replications: pd.DataFrame, kpi: str, scenarios: Sequence[str]) -> pd.DataFrame:
    """One row per replication every scenario has a value for, one column per scenario (in order)."""
    runs = replications[replications["scenario"].isin(list(scenarios))]
    table = runs.pivot_table(index="replication", columns="scenario", values=kpi, aggfunc="first")
    present = [s for s in scenarios if s in table.columns]
    return table[present].dropna()


MIN_RUNS_FOR_BEST = 10
"""Shared runs below which no probability of being the best is given.

A handful of runs hardly knows its own spread: two runs one scenario won both times had
read "P(best) 100%" beside a difference the paired test called unclear, and a t
distribution of one or two degrees of freedom gives a probability that moves with every
added run. Ten runs is the least the shipped experiments use.
"""

PICKS_PER_BLOCK = 1 << 20
"""Normal draws made and held at a time."""


def probability_best(
    replications: pd.DataFrame,
    kpi: str,
    scenarios: Sequence[str],
    good: int | None = None,
    draws: int = BEST_DRAWS,
    seed: int = BEST_SEED,
    parameter_draws: int = 0,
) -> dict[str, float]:
    """The probability that each scenario has the best mean of ``kpi`` (paired runs, Student t; module docstring).

    Args:
        replications: One row per scenario x replication.
        kpi: The KPI.
        scenarios: The scenarios to rank.
        good: +1 when higher is better, -1 when lower is; default: the KPI's direction
            (+1 for a KPI with none).
        draws: Draws of the scenarios' means.
        seed: Seed of the draws' own generator.
        parameter_draws: A calibrated company's parameter draws the runs cycle through
            (run r on draw r mod it): with more runs than draws, the draws' means are the
            units (n is the draws), as runs on one draw are not independent.

    Returns:
        Scenario -> probability; they sum to 1. NaN for every scenario when fewer than
        :data:`MIN_RUNS_FOR_BEST` runs are shared.
    """
    sign = good if good is not None else (direction(kpi) or 1)
    table = paired_table(replications, kpi, scenarios)
    if len(table) < MIN_RUNS_FOR_BEST or table.shape[1] == 0:
        return {s: math.nan for s in scenarios}
    grouped = shares_draws(table.index.to_numpy(), parameter_draws)
    if grouped:
        table = table.groupby(draw_of(table.index.to_numpy(), parameter_draws)).mean()
    values = sign * table.to_numpy(dtype=float)
    n = len(values)
    raw = table.to_numpy(dtype=float)
    events = kpi_kind(kpi) is Kind.EVENT and not grouped and bool(np.isin(raw, (0.0, 1.0)).all())

    def better(i: int, j: int) -> float:
        """P(column i has the better mean than column j), from the paired CI's own statistic."""
        return first_hits_more(raw[:, i], raw[:, j], sign) if events else first_is_better(values[:, i] - values[:, j])

    if values.shape[1] == 2:  # worked out exactly: no draw's noise at the CI's edge
        first = better(0, 1)
        found = dict(zip(table.columns, (first, 1.0 - first), strict=True))
        return {s: float(found.get(s, 0.0)) for s in scenarios}
    mean = values.mean(axis=0)
    centred = values - mean
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    # the t draws in blocks of about a million normals, so memory stays flat however many
    # runs (4,000 x 40,000 would take gigabytes); identical columns draw identical means,
    # and columns a constant apart keep that constant: ties and sure differences stay exact
    spread = np.sqrt((n - 1) / rng.chisquare(n - 1, draws)) / math.sqrt(n * (n - 1))
    block = max(1, PICKS_PER_BLOCK // n)
    parts = []
    for start in range(0, draws, block):
        size = min(block, draws - start)
        normal = rng.standard_normal((size, n)) @ centred  # each column: variance (n - 1) s^2
        parts.append(mean + normal * spread[start : start + size, None])
    means = np.concatenate(parts)  # (draws, scenarios)
    best = means.max(axis=1, keepdims=True)
    ties = np.isclose(means, best, rtol=1e-12, atol=0.0)
    shares = (ties / ties.sum(axis=1, keepdims=True)).mean(axis=0)
    shares = _within_pairs(shares, better, values)
    found = dict(zip(table.columns, shares.tolist(), strict=True))
    return {s: float(found.get(s, 0.0)) for s in scenarios}


def _within_pairs(shares: np.ndarray, better: Callable[[int, int], float], values: np.ndarray) -> np.ndarray:
    """``shares`` with the likeliest held to its chance of beating each other one alone, the excess to its rival.

    Being the best of several needs beating each: P(best) <= P(better than j) for every j,
    which the paired CI against j reads. The draws hold this only within their noise, and a
    yes/no KPI's draws (Student t on 0/1 values) not at all: three scenarios hitting the
    plan read "99%" beside a CI of 0.0 to +31.1 points against the next, where the two
    alone read 97%. ``values`` (runs x scenarios): scenarios equal in every run share what
    is moved to one of them alike (two equal finalists had read 1.8% and 1.7%).
    """
    shares = shares.copy()

    def equals(j: int) -> list[int]:
        return [m for m in range(shares.size) if np.array_equal(values[:, m], values[:, j])]

    i = int(np.argmax(shares))  # the one the words name; the others' shares are small beside their noise
    mine = equals(i)
    others = [j for j in range(shares.size) if j not in mine]
    if not others:  # one scenario with runs (a sweep of which one job finished): no rival to hold it to
        return shares
    chances = [better(i, j) for j in others]
    k = int(np.argmin(chances))
    if shares[i] > chances[k]:
        rivals = equals(others[k])
        shares[rivals] += (shares[i] - chances[k]) * len(mine) / len(rivals)
        shares[mine] = chances[k]
    for j in others:  # no draw crowned it: its chance is below the draws' resolution, not 0 ("0%" read as certain)
        alone = better(j, i)  # its chance of beating the likeliest alone, a bound on its chance of being the best
        if shares[j] == 0.0 and math.isfinite(alone) and 0.0 < alone < shares[i]:
            shares[j] = alone
            shares[mine] -= alone / len(mine)
    return shares


def rank_scenarios(
    replications: pd.DataFrame, kpi: str, baseline: str, scenarios: Sequence[str], draws: int = 0
) -> pd.DataFrame:
    """The scenarios best first on ``kpi``: mean with its 95% CI, paired difference to the baseline, P(best).

    ``draws``: the calibrated company's parameter draws the runs cycle through; with more
    runs than draws, means, intervals and P(best) are over the draws' means.

    Returns:
        One row per scenario with a value, columns :data:`RANKING_COLUMNS`; ``diff`` is the
        mean paired difference to the baseline (0 for the baseline itself) and
        ``significant`` says whether its 95% CI excludes zero.
    """
    present = [s for s in scenarios if kpi in replications.columns and (replications["scenario"] == s).any()]
    if not present:
        return pd.DataFrame(columns=list(RANKING_COLUMNS))
    sign = direction(kpi) or 1
    # the whole table: runs identical on this KPI alone are no proof of the same design (comparison.compare)
    comparison = compare(replications, baseline, draws=draws, kpis=[kpi])
    p_best = (  # one scenario is the best of one: no probability to give
        probability_best(replications, kpi, present, sign, parameter_draws=draws)
        if len(present) > 1
        else {s: math.nan for s in present}
    )
    rows = []
    for scenario in present:
        mine = replications.loc[replications["scenario"] == scenario]
        interval = kpi_interval(
            kpi,
            mine[kpi].to_numpy(dtype=float),
            replications=mine["replication"].to_numpy(),
            draws=draws,
            trials=run_trials(mine, kpi),
        )
        diff = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
        d = diff.iloc[0] if len(diff) else None
        rows.append(
            {
                "scenario": scenario,
                "n": interval.n,
                "mean": interval.mean,
                "ci_low": interval.ci_low,
                "ci_high": interval.ci_high,
                "diff": float(d["mean_diff"]) if d is not None else 0.0,
                "diff_low": float(d["ci_low"]) if d is not None else math.nan,
                "diff_high": float(d["ci_high"]) if d is not None else math.nan,
                "significant": bool(d["significant"]) if d is not None else False,
                "p_best": p_best[scenario],
            }
        )
    table = pd.DataFrame(rows)
    table = table.sort_values("mean", ascending=sign < 0, kind="stable", na_position="last").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table[list(RANKING_COLUMNS)]
