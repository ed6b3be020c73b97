"""How many runs an experiment needs: the run count that pins a KPI's mean to a relative precision.

The current runs serve as a pilot for each scenario's standard deviation and mean; the
count is the smallest whose Student t interval's half-width is within the target share of
the mean (:mod:`simulator.analysis.precision` words it for the report; ``runs=auto`` runs
until it is reached).
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from simulator.analysis.intervals import DEFAULT_CONFIDENCE, t_half_width
from simulator.analysis.statistics import mean_interval, scenario_order


def runs_for_precision(
    std: float, mean: float, relative_precision: float, confidence: float = DEFAULT_CONFIDENCE
) -> int | None:
    """Find the smallest n whose t interval half-width is within ``relative_precision * |mean|``.

    Args:
        std: Standard deviation of single runs (estimated from a pilot).
        mean: Mean of the KPI (estimated from a pilot).
        relative_precision: Target half-width as a share of the mean (0.05 = ±5%).
        confidence: Level of the interval.

    Returns:
        The number of runs, at least 2; None when the mean is zero or unknown (no
        relative precision is reachable).
    """
    if not (math.isfinite(std) and math.isfinite(mean)) or mean == 0.0:
        return None
    target = relative_precision * abs(mean)
    if std == 0.0:
        return 2
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    n = max(2, math.ceil((z * std / target) ** 2))  # normal approximation: a lower bound for t
    while t_half_width(std, n, confidence) > target:
        n = max(n + 1, math.ceil(n * 1.01))
    while n > 2 and t_half_width(std, n - 1, confidence) <= target:
        n -= 1
    return n


def replications_needed(
    replications: pd.DataFrame,
    kpi: str,
    relative_precision: float = 0.05,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, int]:
    """Count the runs each scenario needs for a CI of ``kpi``'s mean within ``±relative_precision``.

    Uses the current runs as a pilot for the standard deviation and the mean.

    Args:
        replications: Tidy table of the pilot runs.
        kpi: The KPI that must be pinned down.
        relative_precision: Target CI half-width as a share of the mean (0.05 = ±5%).
        confidence: Level of the interval.

    Returns:
        ``{scenario: runs}``. Scenarios where the KPI has fewer than two values or a zero
        mean are left out, since no run count can give them a relative precision.
    """
    if kpi not in replications.columns:
        raise KeyError(f"KPI '{kpi}' not in the replications table")
    needed: dict[str, int] = {}
    for scenario in scenario_order(replications):
        interval = mean_interval(replications.loc[replications["scenario"] == scenario, kpi], confidence)
        runs = runs_for_precision(interval.std, interval.mean, relative_precision, confidence)
        if runs is not None:
            needed[scenario] = runs
    return needed
