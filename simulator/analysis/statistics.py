"""Statistics over replications: the mean of each KPI and its confidence interval (run counts: :mod:`.run_counts`).

Each KPI's interval is the one its kind of quantity calls for (a share stays in
[0, 1], an amount never goes below zero): the kinds are in
:mod:`simulator.analysis.quantities`, the intervals in :mod:`simulator.analysis.intervals`.
NaN KPI values (a ratio with a zero denominator, a team that does not exist in one
scenario) are dropped per KPI, and ``n`` says how many values were used. Paired
comparisons against the baseline are in :mod:`simulator.analysis.comparison`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import draw_means, draw_weights, run_quantiles, unit_kind
from simulator.analysis.intervals import (
    DEFAULT_CONFIDENCE,
    MeanInterval,
    finite,
    interval_of_mean,
    pooled_trials,
    t_half_width,
)
from simulator.analysis.kpi_names import is_count
from simulator.analysis.quantities import kpi_kind, trial_columns

KEY_COLUMNS = ("scenario", "replication")
SUMMARY_COLUMNS = ("scenario", "kpi", "n", "mean", "std", "ci_low", "ci_high", "p10", "p50", "p90")


def kpi_columns(replications: pd.DataFrame) -> list[str]:
    """Return the KPI columns of a replications table in column order (everything but the keys)."""
    return [str(c) for c in replications.columns if c not in KEY_COLUMNS]


def scenario_order(replications: pd.DataFrame) -> list[str]:
    """Return the scenario names in the order they first appear."""
    return [str(s) for s in pd.unique(replications["scenario"])]


def mean_interval(
    values: np.ndarray | pd.Series,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    replications: np.ndarray | None = None,
    draws: int = 0,
) -> MeanInterval:
    """Compute the mean of ``values`` and its Student t confidence interval, ignoring NaNs.

    This is the symmetric, unbounded interval (the ``signed`` kind); it sizes the runs
    ``runs=auto`` needs. The summary uses :func:`kpi_interval`, which respects each KPI's range.

    Args:
        values: One KPI's values, one per replication.
        confidence: Two-sided confidence level.
        replications: Each value's replication index (needed with ``draws``).
        draws: The calibrated company's parameter draws the runs cycle through (run r on
            draw r mod draws); when a draw carries several runs, the mean and its interval
            are over the draws' means (:mod:`simulator.analysis.draw_means`).

    Returns:
        The interval; bounds are NaN with fewer than two values, because one run says
        nothing about how much runs vary. ``n`` and ``std`` are the runs' own.
    """
    means = draw_means(np.asarray(values, dtype=np.float64), replications, draws)
    if means is not None:
        return _of_runs(values, mean_interval(means, confidence))
    clean = finite(values)
    n = int(clean.size)
    if n == 0:
        return MeanInterval(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(clean.mean())
    std = float(clean.std(ddof=1)) if n >= 2 else math.nan
    half = t_half_width(std, n, confidence)
    return MeanInterval(n, mean, std, mean - half, mean + half)


def relative_half_width(
    values: np.ndarray | pd.Series,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    replications: np.ndarray | None = None,
    draws: int = 0,
    kpi: str | None = None,
) -> float:
    """Return the half-width of the CI of the mean as a share of the mean (NaN for a zero or unknown mean).

    This is the precision ``runs=auto`` aims at: 0.02 means the mean is known within ±2%.
    ``replications`` and ``draws``: as for :func:`mean_interval`. With ``kpi``, the interval
    the report shows for it (:func:`kpi_interval`: log scale for an amount, Wilson for a
    share), and its wider side: "reached ±5.0%" had stood beside a CI of -4.87% to +5.12%.
    """
    if kpi is None:
        interval = mean_interval(values, confidence, replications=replications, draws=draws)
        width = interval.half_width
    else:
        interval = kpi_interval(kpi, values, confidence, replications=replications, draws=draws)
        width = max(interval.mean - interval.ci_low, interval.ci_high - interval.mean)
    if not math.isfinite(interval.mean) or interval.mean == 0.0:
        return math.nan
    return width / abs(interval.mean)


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
    from scipy import stats

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


def run_trials(runs: pd.DataFrame, kpi: str, suffix: str = "") -> np.ndarray | None:
    """Each run's trials of the share ``kpi`` (its denominator, :func:`~.quantities.trial_columns`), in row order.

    None when the model records no denominator for it or ``runs`` lacks one of its columns
    (a table written before the column existed). ``suffix``: the columns' suffix in a table
    of pairs (``_baseline``).
    """
    columns = [f"{c}{suffix}" for c in trial_columns(kpi)]
    if not columns or any(c not in runs.columns for c in columns):
        return None
    return runs[columns].to_numpy(dtype=np.float64).sum(axis=1)


def _quantiles(
    values: np.ndarray, weights: np.ndarray | None = None, observed: bool = False
) -> tuple[float, float, float]:
    """P10, P50 and P90 of single runs, each parameter draw weighing the same (``weights``, see ``draw_weights``).

    ``observed``: each a value some run had (a count's, :func:`~.draw_means.run_quantiles`).
    """
    p10, p50, p90 = run_quantiles(values, [0.1, 0.5, 0.9], weights, observed)
    if math.isnan(p10):
        return math.nan, math.nan, math.nan
    # Guard against rounding in the interpolation breaking the order a reader expects.
    p50 = max(p50, p10)
    return float(p10), float(p50), float(max(p90, p50))


def kpi_interval(
    kpi: str,
    values: np.ndarray | pd.Series,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    replications: np.ndarray | None = None,
    draws: int = 0,
    trials: np.ndarray | None = None,
) -> MeanInterval:
    """The mean of one KPI over runs with the interval its kind of quantity calls for (NaNs ignored).

    Wilson for 0/1 KPIs (``hit_plan``), Wilson with the effective number of trials for
    shares, log scale for non-negative amounts, Student t for signed ones: see
    :mod:`simulator.analysis.intervals`. The interval never leaves the KPI's range.
    With runs sharing parameter draws (``replications``, ``draws``: see
    :func:`mean_interval`) it is over the draws' means, and ``n`` and ``std`` are the runs', save
    a count at 0 in every run: the runs' total is one Poisson count whatever each draw's rate,
    so its bound is 3.69 over every run (80 runs on 40 refits had read 3.69 / 40 as "0 in all 80 runs").
    ``trials``: each run's denominator of a share (:func:`run_trials`), which a share at 0
    (or 1) in every run takes as its trials, all runs' together; None: the runs are its trials.
    """
    array = np.asarray(values, dtype=np.float64)
    means = draw_means(array, replications, draws)
    pooled = pooled_trials(array, trials)
    count = is_count(kpi)  # at 0 in every run: 0 to 3.69 / n a run, not 0 exactly
    ran = finite(array)
    none_in_any = count and ran.size > 0 and not np.any(ran)  # the runs' total, 0, a Poisson count: over every run
    if means is None or none_in_any:
        return interval_of_mean(array, kpi_kind(kpi), confidence, trials=pooled, count=count)
    over_draws = interval_of_mean(means, unit_kind(kpi_kind(kpi)), confidence, trials=pooled, count=count)
    return _of_runs(array, over_draws)


def _of_runs(values: np.ndarray | pd.Series, over_draws: MeanInterval) -> MeanInterval:
    """An interval computed over the draws' means, with the runs' own count and spread."""
    runs = finite(values)
    return MeanInterval(int(runs.size), over_draws.mean, float(runs.std(ddof=1)), over_draws.ci_low, over_draws.ci_high)


def summarise(replications: pd.DataFrame, confidence: float = DEFAULT_CONFIDENCE, draws: int = 0) -> pd.DataFrame:
    """Describe how each KPI is distributed across replications, one row per scenario x KPI.

    Args:
        replications: Tidy table, one row per scenario x replication, one column per KPI.
        confidence: Level of the interval of the mean.
        draws: Parameter draws the runs cycle through (see :func:`mean_interval`): with
            more runs than draws, the mean and its CI are over the draws' means.

    Returns:
        Columns ``scenario, kpi, n, mean, std, ci_low, ci_high, p10, p50, p90``; scenarios
        in order of first appearance, KPIs in column order. The CI is for the *mean*
        (where the average run lands), from :func:`kpi_interval`: it stays inside the
        KPI's range (a share in [0, 1], an amount at or above zero); a share at 0 (or 1) in
        every run is over its trials where the table holds its denominator (:func:`run_trials`).
        P10/P90 describe the spread of single runs; a count's are counts some run had
        (:func:`~.draw_means.run_quantiles`), its mean may be fractional.
    """
    rows: list[dict[str, object]] = []
    kpis = kpi_columns(replications)
    for scenario in scenario_order(replications):
        runs = replications[replications["scenario"] == scenario]
        for kpi in kpis:
            values = runs[kpi].to_numpy(dtype=np.float64)
            index = runs["replication"].to_numpy()
            rows.append(_summary_row(scenario, kpi, values, confidence, index, draws, run_trials(runs, kpi)))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _summary_row(
    scenario: str,
    kpi: str,
    values: np.ndarray,
    confidence: float,
    replications: np.ndarray,
    draws: int,
    trials: np.ndarray | None = None,
) -> dict[str, object]:
    interval = kpi_interval(kpi, values, confidence, replications=replications, draws=draws, trials=trials)
    p10, p50, p90 = _quantiles(values, draw_weights(replications, draws), is_count(kpi))
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
