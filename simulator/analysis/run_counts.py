"""How many runs an experiment needs: the run count that pins a KPI's mean to a relative precision.

The current runs serve as a pilot for each scenario's standard deviation and mean; the
count is the smallest whose Student t interval's half-width is within the target share of
the mean (:mod:`simulator.analysis.precision` words it for the report; ``runs=auto`` runs
until it is reached).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import DrawSpread, draw_spread
from simulator.analysis.intervals import DEFAULT_CONFIDENCE, t_half_width, t_quantile
from simulator.analysis.statistics import kpi_interval, mean_interval, scenario_order


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
    from scipy import stats

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
    draws: int = 0,
    shown: bool = False,
) -> dict[str, int]:
    """Count the runs each scenario needs for a CI of ``kpi``'s mean within ``±relative_precision``.

    Uses the current runs as a pilot for the standard deviation and the mean. With runs
    sharing a calibrated company's parameter draws (``draws``: run r on draw r mod it),
    the count is a whole number of runs per draw, from the spread between draws and
    within them (:func:`simulator.analysis.draw_means.draw_spread`); a scenario whose
    draws alone hold the interval wider than the target (:func:`draw_floors`) is left out.

    Args:
        replications: Tidy table of the pilot runs.
        kpi: The KPI that must be pinned down.
        relative_precision: Target CI half-width as a share of the mean (0.05 = ±5%).
        confidence: Level of the interval.
        draws: Parameter draws the runs cycle through; 0: none.
        shown: Count for the interval the report shows for ``kpi`` and its wider side
            (:func:`~simulator.analysis.statistics.relative_half_width` with ``kpi``: log
            scale for an amount), the measure ``runs=auto`` stops on and the "now ±" words
            read, rather than the Student t interval: the report had said "99 runs give a
            95% CI of mean bookings within ±5.5% ...; the 100 runs made reach it (now ±5.6%)"
            beside "stopped by the cap of 100 runs at ±5.6%, short of the ±5.5% target".
            Its spread is the t interval's widened by the ratio of the two half-widths at the
            runs made (runs on parameter draws keep their own count).

    Returns:
        ``{scenario: runs}``. Scenarios where the KPI has fewer than two values or a zero
        mean are left out, since no run count can give them a relative precision.
    """
    if kpi not in replications.columns:
        raise KeyError(f"KPI '{kpi}' not in the replications table")
    needed: dict[str, int] = {}
    for scenario in scenario_order(replications):
        runs = replications.loc[replications["scenario"] == scenario]
        values, index = runs[kpi].to_numpy(dtype=float), runs["replication"].to_numpy()
        spread = draw_spread(values, index, draws)
        interval = mean_interval(values, confidence, replications=index, draws=draws)
        if spread is None:
            std = interval.std * (_widening(kpi, values, interval.half_width, confidence) if shown else 1.0)
            count = runs_for_precision(std, interval.mean, relative_precision, confidence)
        else:
            count = _runs_on_draws(spread, interval.mean, relative_precision, draws, confidence)
        if count is not None:
            needed[scenario] = count
    return needed


def _runs_on_draws(
    spread: DrawSpread, mean: float, relative_precision: float, draws: int, confidence: float
) -> int | None:
    """Runs (a whole number per draw) whose interval over ``draws`` draws' means is within the target.

    The variance of the mean of ``draws`` draws' means over ``m`` runs each is
    ``(between + within / m) / draws``; None when even endless runs leave it too wide.
    """
    if not math.isfinite(mean) or mean == 0.0:
        return None
    allowed = draws * (relative_precision * abs(mean) / t_quantile(draws, confidence)) ** 2
    if allowed <= spread.between:
        return None
    per_draw = 1 if spread.within == 0.0 else max(1, math.ceil(spread.within / (allowed - spread.between)))
    return per_draw * draws


def draw_floors(
    replications: pd.DataFrame, kpi: str, draws: int, confidence: float = DEFAULT_CONFIDENCE
) -> dict[str, float]:
    """The narrowest relative half-width each scenario's mean can reach on ``draws`` parameter draws.

    However many runs each draw gets, the interval of the mean over the draws' means
    keeps the spread between the draws: ``t * sqrt(between / draws) / |mean|``. Only
    scenarios whose runs share draws (more runs than draws) are measured.
    """
    floors: dict[str, float] = {}
    for scenario in scenario_order(replications):
        runs = replications.loc[replications["scenario"] == scenario]
        floor = draw_floor(runs[kpi].to_numpy(dtype=float), runs["replication"].to_numpy(), draws, confidence)
        if math.isfinite(floor):
            floors[scenario] = floor
    return floors


def draw_floor(
    values: np.ndarray, replications: np.ndarray, draws: int, confidence: float = DEFAULT_CONFIDENCE
) -> float:
    """:func:`draw_floors` for one sample: NaN unless its runs share draws and its mean is not 0."""
    spread = draw_spread(values, replications, draws)
    mean = mean_interval(values, confidence, replications=replications, draws=draws).mean
    if spread is None or not math.isfinite(mean) or mean == 0.0:
        return math.nan
    return t_quantile(draws, confidence) * math.sqrt(spread.between / draws) / abs(mean)


def _widening(kpi: str, values: np.ndarray, t_half: float, confidence: float) -> float:
    """The shown interval's wider side over the Student t half-width, at the runs made (1 when either is unknown)."""
    shown = kpi_interval(kpi, values, confidence)
    wider = max(shown.mean - shown.ci_low, shown.ci_high - shown.mean)
    if not (math.isfinite(wider) and math.isfinite(t_half)) or wider <= 0.0 or t_half <= 0.0:
        return 1.0
    return wider / t_half
