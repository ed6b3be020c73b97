"""Statistics over replications: confidence intervals and paired comparisons (run counts: :mod:`.run_counts`).

Every scenario of an experiment replays the same leads with the same luck (common
random numbers), so scenario X's replication *r* is paired with the baseline's
replication *r*. Comparing the pairs cancels the luck both share, which gives much
narrower intervals for a difference than comparing two independent samples would.

Each KPI's interval is the one its kind of quantity calls for (a share stays in
[0, 1], an amount never goes below zero, a relative difference never below -100%): the
kinds are in :mod:`simulator.analysis.quantities`, the intervals in
:mod:`simulator.analysis.intervals`. NaN KPI values (a ratio with a zero denominator, a
team that does not exist in one scenario) are dropped per KPI, and ``n`` / ``n_pairs``
say how many values were used.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from simulator.analysis.intervals import (
    DEFAULT_CONFIDENCE,
    MeanInterval,
    bounded_difference,
    finite,
    interval_of_mean,
    paired_event_interval,
    relative_interval,
    t_half_width,
    wilson_interval,
)
from simulator.analysis.quantities import Kind, direction, has_relative_difference, kpi_kind

KEY_COLUMNS = ("scenario", "replication")
SUMMARY_COLUMNS = ("scenario", "kpi", "n", "mean", "std", "ci_low", "ci_high", "p10", "p50", "p90")
COMPARISON_COLUMNS = (
    "scenario",
    "baseline",
    "kpi",
    "n_pairs",
    "baseline_mean",
    "scenario_mean",
    "mean_diff",
    "ci_low",
    "ci_high",
    "relative_diff",
    "relative_ci_low",
    "relative_ci_high",
    "share_better",
    "share_better_ci_low",
    "share_better_ci_high",
    "share_worse",
    "direction",
    "significant",
)


def kpi_columns(replications: pd.DataFrame) -> list[str]:
    """Return the KPI columns of a replications table in column order (everything but the keys)."""
    return [str(c) for c in replications.columns if c not in KEY_COLUMNS]


def scenario_order(replications: pd.DataFrame) -> list[str]:
    """Return the scenario names in the order they first appear."""
    return [str(s) for s in pd.unique(replications["scenario"])]


def mean_interval(values: np.ndarray | pd.Series, confidence: float = DEFAULT_CONFIDENCE) -> MeanInterval:
    """Compute the mean of ``values`` and its Student t confidence interval, ignoring NaNs.

    This is the symmetric, unbounded interval (the ``signed`` kind); it sizes the runs
    ``runs=auto`` needs. The summary uses :func:`kpi_interval`, which respects each KPI's range.

    Args:
        values: One KPI's values, one per replication.
        confidence: Two-sided confidence level.

    Returns:
        The interval; bounds are NaN with fewer than two values, because one run says
        nothing about how much runs vary.
    """
    clean = finite(values)
    n = int(clean.size)
    if n == 0:
        return MeanInterval(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(clean.mean())
    std = float(clean.std(ddof=1)) if n >= 2 else math.nan
    half = t_half_width(std, n, confidence)
    return MeanInterval(n, mean, std, mean - half, mean + half)


def relative_half_width(values: np.ndarray | pd.Series, confidence: float = DEFAULT_CONFIDENCE) -> float:
    """Return the half-width of the CI of the mean as a share of the mean (NaN for a zero or unknown mean).

    This is the precision ``runs=auto`` aims at: 0.02 means the mean is known within ±2%.
    """
    interval = mean_interval(values, confidence)
    if not math.isfinite(interval.mean) or interval.mean == 0.0:
        return math.nan
    return interval.half_width / abs(interval.mean)


def unpaired_difference(
    scenario_values: np.ndarray | pd.Series,
    baseline_values: np.ndarray | pd.Series,
    confidence: float = DEFAULT_CONFIDENCE,
) -> MeanInterval:
    """Compute a Welch interval for a difference of means, treating the samples as independent.

    This is what the comparison would cost *without* common random numbers; it is
    kept for reference and to show how much pairing gains.

    Returns:
        A :class:`MeanInterval` of ``mean(scenario) - mean(baseline)``; ``std`` is the
        standard error of that difference.
    """
    a, b = finite(scenario_values), finite(baseline_values)
    if a.size < 2 or b.size < 2:
        diff = float(a.mean() - b.mean()) if a.size and b.size else math.nan
        return MeanInterval(int(min(a.size, b.size)), diff, math.nan, math.nan, math.nan)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    dof_denominator = va**2 / (a.size - 1) + vb**2 / (b.size - 1)
    dof = (va + vb) ** 2 / dof_denominator if dof_denominator > 0 else float(a.size + b.size - 2)
    diff = float(a.mean() - b.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2.0, dof) * se)
    return MeanInterval(int(min(a.size, b.size)), diff, se, diff - half, diff + half)


def _quantiles(clean: np.ndarray) -> tuple[float, float, float]:
    if clean.size == 0:
        return math.nan, math.nan, math.nan
    p10, p50, p90 = np.quantile(clean, [0.1, 0.5, 0.9])
    # Guard against rounding in the interpolation breaking the order a reader expects.
    p50 = max(p50, p10)
    return float(p10), float(p50), float(max(p90, p50))


def kpi_interval(kpi: str, values: np.ndarray | pd.Series, confidence: float = DEFAULT_CONFIDENCE) -> MeanInterval:
    """The mean of one KPI over runs with the interval its kind of quantity calls for (NaNs ignored).

    Wilson for 0/1 KPIs (``hit_plan``), Wilson with the effective number of trials for
    shares, log scale for non-negative amounts, Student t for signed ones: see
    :mod:`simulator.analysis.intervals`. The interval never leaves the KPI's range.
    """
    return interval_of_mean(np.asarray(values, dtype=np.float64), kpi_kind(kpi), confidence)


def summarise(replications: pd.DataFrame, confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """Describe how each KPI is distributed across replications, one row per scenario x KPI.

    Args:
        replications: Tidy table, one row per scenario x replication, one column per KPI.
        confidence: Level of the interval of the mean.

    Returns:
        Columns ``scenario, kpi, n, mean, std, ci_low, ci_high, p10, p50, p90``; scenarios
        in order of first appearance, KPIs in column order. The CI is for the *mean*
        (where the average run lands), from :func:`kpi_interval`: it stays inside the
        KPI's range (a share in [0, 1], an amount at or above zero). P10/P90 describe the
        spread of single runs.
    """
    rows: list[dict[str, object]] = []
    kpis = kpi_columns(replications)
    for scenario in scenario_order(replications):
        runs = replications[replications["scenario"] == scenario]
        for kpi in kpis:
            rows.append(_summary_row(scenario, kpi, runs[kpi].to_numpy(dtype=np.float64), confidence))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _summary_row(scenario: str, kpi: str, values: np.ndarray, confidence: float) -> dict[str, object]:
    interval = kpi_interval(kpi, values, confidence)
    p10, p50, p90 = _quantiles(finite(values))
    return {
        "scenario": scenario,
        "kpi": kpi,
        "n": interval.n,
        "mean": interval.mean,
        "std": interval.std,
        "ci_low": interval.ci_low,
        "ci_high": interval.ci_high,
        "p10": p10,
        "p50": p50,
        "p90": p90,
    }


def paired_runs(replications: pd.DataFrame, baseline: str, scenario: str) -> pd.DataFrame:
    """Join the scenario's runs to the baseline's runs on ``replication``.

    Returns:
        One row per shared replication index; KPI columns suffixed ``_scenario`` and
        ``_baseline``.

    Raises:
        ValueError: If either scenario is missing or repeats a replication index.
    """
    known = scenario_order(replications)
    for name in (baseline, scenario):
        if name not in known:
            raise ValueError(f"scenario '{name}' not in the replications table (scenarios: {known})")
    sides = []
    for name in (scenario, baseline):
        runs = replications[replications["scenario"] == name].drop(columns="scenario")
        if runs["replication"].duplicated().any():
            raise ValueError(f"scenario '{name}' repeats a replication index; pairs would be ambiguous")
        sides.append(runs)
    return sides[0].merge(sides[1], on="replication", suffixes=("_scenario", "_baseline"))


def _share_better(diff: np.ndarray, kpi_direction: int, confidence: float) -> tuple[float, float, float, float]:
    """Share of pairs where the scenario is strictly better, its Wilson interval, and the share strictly worse.

    For a KPI with no better direction, "better" is "higher". The pairs neither better nor
    worse are ties (common for yes/no and count KPIs).
    """
    if diff.size == 0:
        return math.nan, math.nan, math.nan, math.nan
    sign = kpi_direction if kpi_direction != 0 else 1
    wins = float(np.sum(sign * diff > 0))
    low, high = wilson_interval(wins, int(diff.size), confidence)
    return wins / diff.size, low, high, float(np.sum(sign * diff < 0)) / diff.size


ROUNDING = 1e-9
"""Paired values closer than this share of their size are one value computed two ways (rounding), not a difference."""


def _rounded_alike(scen: np.ndarray, base: np.ndarray) -> np.ndarray:
    """``scen`` with the baseline's value wherever the two differ by rounding alone (:data:`ROUNDING`).

    A KPI computed by subtraction differs in its last bits between designs that leave it
    unchanged: CAC (cost of sales less the cost of serving customers) read a $1.7e-12
    "clear" difference when only the CSMs' headcount changed.
    """
    alike = np.abs(scen - base) <= ROUNDING * np.maximum(np.abs(scen), np.abs(base))
    return np.where(alike, base, scen)


def _identical_runs(pairs: pd.DataFrame, kpis: list[str]) -> bool:
    """Every KPI of every paired run equal (NaN with NaN, up to rounding): the same design run on the same luck."""
    for kpi in kpis:
        base = pairs[f"{kpi}_baseline"].to_numpy(dtype=np.float64)
        scen = _rounded_alike(pairs[f"{kpi}_scenario"].to_numpy(dtype=np.float64), base)
        if not np.array_equal(scen, base, equal_nan=True):
            return False
    return bool(len(pairs))


def _comparison_row(
    scenario: str, baseline: str, kpi: str, pairs: pd.DataFrame, confidence: float, identical: bool = False
) -> dict[str, object]:
    scen = pairs[f"{kpi}_scenario"].to_numpy(dtype=np.float64)
    base = pairs[f"{kpi}_baseline"].to_numpy(dtype=np.float64)
    keep = ~(np.isnan(scen) | np.isnan(base))
    scen, base = scen[keep], base[keep]
    scen = _rounded_alike(scen, base)
    diff = scen - base
    interval = mean_interval(diff, confidence)
    baseline_mean = float(base.mean()) if base.size else math.nan
    kind = kpi_kind(kpi)
    kpi_direction = direction(kpi)
    if kind is Kind.EVENT and identical:  # no run told them apart on any KPI: 0, as every other KPI's interval
        low, high = 0.0, 0.0
    elif kind is Kind.EVENT:  # shares of 0/1 outcomes: Newcombe's paired score interval, never of zero width
        low, high = paired_event_interval(scen, base, confidence)
    else:
        low, high = interval.ci_low, interval.ci_high
    significant = bool(low > 0 or high < 0)  # False when the bounds are NaN
    where = interval_of_mean(base, kind, confidence)  # the baseline mean's own interval (Wilson for an event)
    known = math.isfinite(where.ci_low) and math.isfinite(where.ci_high)
    baseline_low, baseline_high = (where.ci_low, where.ci_high) if known else (baseline_mean, baseline_mean)
    low, high = bounded_difference(low, high, kind, baseline_low, baseline_high)  # never changes the verdict
    relative, relative_low, relative_high = _relative(scen, base, kpi, interval.mean, baseline_mean, confidence)
    share, share_low, share_high, share_worse = _share_better(diff, kpi_direction, confidence)
    return {
        "scenario": scenario,
        "baseline": baseline,
        "kpi": kpi,
        "n_pairs": interval.n,
        "baseline_mean": baseline_mean,
        "scenario_mean": float(scen.mean()) if scen.size else math.nan,
        "mean_diff": interval.mean,
        "ci_low": low,
        "ci_high": high,
        "relative_diff": relative,
        "relative_ci_low": relative_low,
        "relative_ci_high": relative_high,
        "share_better": share,
        "share_better_ci_low": share_low,
        "share_better_ci_high": share_high,
        "share_worse": share_worse,
        "direction": kpi_direction,
        "significant": significant,
    }


def _relative(
    scen: np.ndarray, base: np.ndarray, kpi: str, diff: float, baseline_mean: float, confidence: float
) -> tuple[float, float, float]:
    """Relative difference and its Fieller interval; NaN where a ratio means nothing or the baseline is 0."""
    if not has_relative_difference(kpi) or not baseline_mean > 0.0:
        return math.nan, math.nan, math.nan
    low, high = relative_interval(scen, base, kpi_kind(kpi), confidence)
    return diff / baseline_mean, low, high


def compare(replications: pd.DataFrame, baseline: str, confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """Compare each non-baseline scenario with the baseline, KPI by KPI, paired on replication.

    Args:
        replications: Tidy table, one row per scenario x replication.
        baseline: Name of the scenario the others are compared with.
        confidence: Level of the interval of the mean difference.

    Returns:
        Columns as in :data:`COMPARISON_COLUMNS`. ``mean_diff`` is scenario minus baseline
        over the pairs where both values exist, ``ci_low``/``ci_high`` its paired t
        interval held to the values a difference of the KPI can take; ``relative_diff``
        divides it by ``baseline_mean`` and ``relative_ci_*`` is Fieller's interval of
        the ratio of means minus one (never below -100%; ``inf`` when the runs cannot
        bound it), both NaN for signed KPIs, relative biases or a baseline mean of 0;
        ``share_better`` is the share of pairs where the scenario is strictly better
        given the KPI's direction (for neutral KPIs: strictly higher), with its Wilson
        interval; ``significant`` is True when the paired t interval excludes zero.

    Raises:
        ValueError: If the baseline is not in the table.
    """
    scenarios = scenario_order(replications)
    if baseline not in scenarios:
        raise ValueError(f"baseline '{baseline}' not in the replications table (scenarios: {scenarios})")
    rows: list[dict[str, object]] = []
    kpis = kpi_columns(replications)
    for scenario in scenarios:
        if scenario == baseline:
            continue
        pairs = paired_runs(replications, baseline, scenario)
        identical = _identical_runs(pairs, kpis)
        rows.extend(_comparison_row(scenario, baseline, kpi, pairs, confidence, identical) for kpi in kpis)
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return table.astype({"n_pairs": "int64", "direction": "int64", "significant": "bool"})


def correlation_of_pairs(replications: pd.DataFrame, baseline: str, kpi: str) -> dict[str, float]:
    """Correlate ``kpi`` between each scenario and the baseline across paired runs.

    A high positive correlation is common random numbers at work: the variance of a
    paired difference is ``var(a) + var(b) - 2 cov(a, b)``, so with correlation 0.8
    and equal spreads the difference is five times less noisy than unpaired.

    Returns:
        ``{scenario: Pearson correlation}`` for each non-baseline scenario; NaN with
        fewer than two complete pairs or a constant side.
    """
    if kpi not in replications.columns:
        raise KeyError(f"KPI '{kpi}' not in the replications table")
    result: dict[str, float] = {}
    for scenario in scenario_order(replications):
        if scenario == baseline:
            continue
        pairs = paired_runs(replications, baseline, scenario)[[f"{kpi}_scenario", f"{kpi}_baseline"]].dropna()
        result[scenario] = _pearson(pairs.iloc[:, 0].to_numpy(), pairs.iloc[:, 1].to_numpy())
    return result


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if a.size < 2 or np.std(a) == 0.0 or np.std(b) == 0.0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])
