"""Paired comparisons of scenarios against the baseline, KPI by KPI (common random numbers).

Every scenario of an experiment replays the same leads with the same luck, so scenario
X's replication *r* is paired with the baseline's replication *r*; comparing the pairs
cancels the luck both share. Each difference's interval is held to what a difference of
its KPI can take (:mod:`simulator.analysis.intervals`); runs on a calibrated company's
parameter draws are compared draw by draw (:mod:`simulator.analysis.draw_means`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import draw_means, unit_kind
from simulator.analysis.intervals import (
    DEFAULT_CONFIDENCE,
    MeanInterval,
    interval_of_mean,
    pooled_trials,
    wilson_interval,
)
from simulator.analysis.kpi_names import is_count
from simulator.analysis.paired_intervals import (
    bounded_difference,
    is_degenerate_share,
    mover_difference,
    paired_event_interval,
    relative_interval,
)
from simulator.analysis.quantities import Kind, direction, has_relative_difference, kpi_kind
from simulator.analysis.statistics import kpi_columns, mean_interval, run_trials, scenario_order

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


def _share_better(
    diff: np.ndarray, kpi_direction: int, confidence: float, replications: np.ndarray, draws: int
) -> tuple[float, float, float, float]:
    """Share of pairs where the scenario is strictly better, its Wilson interval, and the share strictly worse.

    For a KPI with no better direction, "better" is "higher". The pairs neither better nor
    worse are ties (common for yes/no and count KPIs). With pairs sharing parameter draws,
    the interval is over the draws' shares.
    """
    if diff.size == 0:
        return math.nan, math.nan, math.nan, math.nan
    sign = kpi_direction if kpi_direction != 0 else 1
    better = (sign * diff > 0).astype(np.float64)
    shares = draw_means(better, replications, draws)
    if shares is None:
        low, high = wilson_interval(float(better.sum()), int(diff.size), confidence)
    else:
        inner = interval_of_mean(shares, Kind.PROPORTION, confidence)
        low, high = inner.ci_low, inner.ci_high
    return float(better.mean()), low, high, float(np.sum(sign * diff < 0)) / diff.size


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
    scenario: str,
    baseline: str,
    kpi: str,
    pairs: pd.DataFrame,
    confidence: float,
    identical: bool = False,
    draws: int = 0,
) -> dict[str, object]:
    scen = pairs[f"{kpi}_scenario"].to_numpy(dtype=np.float64)
    base = pairs[f"{kpi}_baseline"].to_numpy(dtype=np.float64)
    keep = ~(np.isnan(scen) | np.isnan(base))
    scen, base, index = scen[keep], base[keep], pairs["replication"].to_numpy()[keep]
    base_trials = run_trials(pairs, kpi, "_baseline")
    scen = _rounded_alike(scen, base)
    diff = scen - base
    interval = mean_interval(diff, confidence, replications=index, draws=draws)
    kind = kpi_kind(kpi)
    kpi_direction = direction(kpi)
    # With runs sharing parameter draws, the pair's unit is a draw: its means of both sides
    unit_scen, unit_base = draw_means(scen, index, draws), draw_means(base, index, draws)
    by_draw = unit_scen is not None and unit_base is not None
    if unit_scen is None or unit_base is None:
        unit_scen, unit_base, unit = scen, base, kind
    else:
        unit = unit_kind(kind)
    baseline_mean = float(unit_base.mean()) if unit_base.size else math.nan
    # each mean's own interval, as the summary's (Wilson for an event; a share at 0 in every run: its trials)
    where = interval_of_mean(unit_base, unit, confidence, trials=_trials(base, base_trials, keep))
    own = interval_of_mean(unit_scen, unit, confidence, trials=_trials(scen, run_trials(pairs, kpi, "_scenario"), keep))
    # a share at 0 (or 1) in every run of a side: the paired t interval cannot see that side's uncertainty
    sides = (own, where) if _square_and_add(unit, identical, own, where) else None
    # known exactly: its own interval is that one value (a count at 0 in every run is not: 0 to 0.037 a run)
    shifted = sides is None and not identical and kind is not Kind.EVENT and not is_count(kpi)
    shifted = shifted and _fixed(unit_base, where)
    if kind is Kind.EVENT and identical:  # no run told them apart on any KPI: 0, as every other KPI's interval
        low, high = 0.0, 0.0
    elif kind is Kind.EVENT and not by_draw:  # shares of 0/1 outcomes: Newcombe's paired score interval
        low, high = paired_event_interval(scen, base, confidence)
    elif sides is not None:  # Newcombe's square-and-add of the two sides' own intervals
        low, high = mover_difference(*sides)
    elif shifted:  # the same baseline in every run: the scenario's own interval, shifted
        low, high = own.ci_low - float(unit_base[0]), own.ci_high - float(unit_base[0])
    else:
        low, high = interval.ci_low, interval.ci_high
    significant = bool(low > 0 or high < 0)  # False when the bounds are NaN
    known = math.isfinite(where.ci_low) and math.isfinite(where.ci_high)
    baseline_low, baseline_high = (where.ci_low, where.ci_high) if known else (baseline_mean, baseline_mean)
    # Newcombe's interval is built from each side's continuity-corrected score interval and stays
    # within what the shares allow: cut at the summary's (uncorrected) interval of the baseline, a
    # plan hit in all 10 runs of both read "-34.5 to +27.8 points"
    if not (kind is Kind.EVENT and not by_draw):
        low, high = bounded_difference(low, high, kind, baseline_low, baseline_high)  # never changes the verdict
    relative, relative_low, relative_high = _relative(
        unit_scen, unit_base, kpi, unit, interval.mean, baseline_mean, confidence, sides
    )
    if shifted and math.isfinite(relative) and not math.isnan(low):
        relative_low, relative_high = low / baseline_mean, high / baseline_mean  # as the difference's, over it
    share, share_low, share_high, share_worse = _share_better(diff, kpi_direction, confidence, index, draws)
    return {
        "scenario": scenario,
        "baseline": baseline,
        "kpi": kpi,
        "n_pairs": interval.n,
        "baseline_mean": baseline_mean,
        "scenario_mean": float(unit_scen.mean()) if unit_scen.size else math.nan,
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


def _fixed(values: np.ndarray, own: MeanInterval) -> bool:
    """Two or more runs, all with one value, and its own interval that value alone: a side known exactly.

    $0 of partner bookings without a partner channel is; no month end left unscored in 100
    runs is not ("0 to 0.037 a run"): its difference keeps the paired interval, held to that.

    Its paired differences are the other side's values shifted, so their interval is that
    side's own (the summary's: log scale for an amount), shifted: partner_channel's terminal
    row had read "$334.9k [$299.3k, $374.7k]" and "+$334.9k [+$297.2k, +$372.5k]" beside it.
    """
    if values.size < 2 or not bool(np.all(values == values[0])) or not math.isfinite(float(values[0])):
        return False
    return own.ci_low == own.ci_high == float(values[0])


def _trials(values: np.ndarray, trials: np.ndarray | None, keep: np.ndarray) -> float | None:
    """The trials behind one side's shares in the kept pairs (:func:`pooled_trials`)."""
    return pooled_trials(values, None if trials is None else trials[keep])


def _square_and_add(unit: Kind, identical: bool, scenario: MeanInterval, baseline: MeanInterval) -> bool:
    """A share at 0 (or 1) in every run of one side or both, each side with an interval: Newcombe's method 10.

    Not for two identical designs on the same luck (their difference is 0 exactly), nor a
    utilisation (a time share at 1 in every run is measured, exactly), nor an event (its
    paired score interval already sees both sides).
    """
    if unit is not Kind.PROPORTION or identical:
        return False
    bounds = (scenario.ci_low, scenario.ci_high, baseline.ci_low, baseline.ci_high)
    if not all(math.isfinite(b) for b in bounds):
        return False
    return is_degenerate_share(scenario.mean) or is_degenerate_share(baseline.mean)


def _relative(
    scen: np.ndarray,
    base: np.ndarray,
    kpi: str,
    kind: Kind,
    diff: float,
    baseline_mean: float,
    confidence: float,
    sides: tuple[MeanInterval, MeanInterval] | None = None,
) -> tuple[float, float, float]:
    """Relative difference and its Fieller interval (MOVER-R with ``sides``); NaN: no ratio, or a baseline of 0."""
    if not has_relative_difference(kpi) or not baseline_mean > 0.0:
        return math.nan, math.nan, math.nan
    low, high = relative_interval(scen, base, kind, confidence, sides=sides)
    return diff / baseline_mean, low, high


def compare(
    replications: pd.DataFrame,
    baseline: str,
    confidence: float = DEFAULT_CONFIDENCE,
    draws: int = 0,
    kpis: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compare each non-baseline scenario with the baseline, KPI by KPI, paired on replication.

    Args:
        replications: Tidy table, one row per scenario x replication.
        baseline: Name of the scenario the others are compared with.
        confidence: Level of the interval of the mean difference.
        draws: Parameter draws the runs cycle through (run r on draw r mod draws); 0: none.
        kpis: The KPIs to compare (default: every KPI column). Whether a scenario's runs are
            identical to the baseline's is judged on every KPI column all the same: pass the
            whole table, not a slice of it, or two designs that differ elsewhere read as one.

    Returns:
        Columns as in :data:`COMPARISON_COLUMNS`. ``mean_diff`` is scenario minus baseline
        over the pairs where both values exist, ``ci_low``/``ci_high`` its paired t
        interval held to the values a difference of the KPI can take; ``relative_diff``
        divides it by ``baseline_mean`` and ``relative_ci_*`` is Fieller's interval of
        the ratio of means minus one (never below -100%; ``inf`` when the runs cannot
        bound it), both NaN for signed KPIs, relative biases or a baseline mean of 0;
        ``share_better`` is the share of pairs where the scenario is strictly better
        given the KPI's direction (for neutral KPIs: strictly higher), with its Wilson
        interval; ``significant`` is True when the difference's interval excludes zero (the
        paired t interval; for a share at 0 or 1 in every run of a side, Newcombe's
        square-and-add of the two sides' own intervals, and MOVER-R for the ratio). With
        ``draws`` (see :func:`mean_interval`) and more runs than draws, means, differences
        and their intervals are over the draws' means (run r of every scenario is on draw
        r mod draws, so the pairs stay paired); ``n_pairs`` counts runs.

    Raises:
        ValueError: If the baseline is not in the table.
    """
    scenarios = scenario_order(replications)
    if baseline not in scenarios:
        raise ValueError(f"baseline '{baseline}' not in the replications table (scenarios: {scenarios})")
    rows: list[dict[str, object]] = []
    every = kpi_columns(replications)
    wanted = every if kpis is None else [k for k in every if k in set(kpis)]
    for scenario in scenarios:
        if scenario == baseline:
            continue
        pairs = paired_runs(replications, baseline, scenario)
        identical = _identical_runs(pairs, every)
        rows.extend(_comparison_row(scenario, baseline, kpi, pairs, confidence, identical, draws) for kpi in wanted)
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
