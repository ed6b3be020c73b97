"""New opportunities per calendar month: a dated series, its trend and seasonality, and the forecast rule.

Months used: the whole calendar months from the first month the export shows completely
(not before closes begin, when the export is left-truncated: deals created earlier that
closed before then are missing) to the last whole month on or before the as-of date.

**Forecast rule** (stated in calibration.md): the level is the median of the last
``recent_months`` used months (robust to a one-month spike such as July 2017's 1,198 in the
shared export; its CI is the order-statistic interval); a linear trend (least squares on the used months) is added
only when its 95% CI excludes zero and at least 12 months are used; monthly seasonality
factors (mean of each calendar month over the mean) multiply the level only with at least
24 months. With fewer, the forecast is flat at the level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError
from simulator.calibration.estimates import Z95, Estimate, median_of

MIN_TREND_MONTHS = 12
MIN_SEASON_MONTHS = 24


@dataclass(frozen=True)
class ArrivalFit:
    """Monthly counts used, the level, trend and seasonality, and the forecast per future month."""

    history: dict[str, int]  # 'YYYY-MM' -> opportunities created that month (months used)
    level: Estimate
    trend_per_month: Estimate
    trend_applied: bool
    seasonality: list[float] | None
    forecast: dict[str, float] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # months not used and why (counts)


def _month(value: np.datetime64) -> pd.Period:
    return pd.Period(str(value)[:7], freq="M")


def fit_arrivals(
    created: np.ndarray, as_of: np.datetime64, until: np.datetime64, first_usable: np.datetime64 | None, recent: int
) -> ArrivalFit:
    """Fit and forecast monthly new opportunities from creation dates (``datetime64[D]``).

    Raises:
        CalibrationError: When no whole calendar month lies between the first usable month
            and the as-of date.
    """
    created = created[created <= as_of]
    months = pd.Series(pd.PeriodIndex(created.astype(str), freq="M")).value_counts().sort_index()
    first = months.index.min()
    if created.size and int(str(created.min())[8:10]) > 1:  # the export starts mid-month
        first = first + 1
    if first_usable is not None:
        start = _month(first_usable)
        first = max(first, start if int(str(first_usable)[8:10]) == 1 else start + 1)
    last = _month(as_of)
    if (as_of + np.timedelta64(1, "D")).astype(object).day != 1:  # the as-of month is not over
        last = last - 1
    used = pd.period_range(first, last, freq="M")
    history = {str(p): int(months.get(p, 0)) for p in used}
    left_out = {str(p): int(n) for p, n in months.items() if p not in used}
    counts = np.array(list(history.values()), dtype=np.float64)
    if counts.size == 0:  # every opportunity at once is no monthly rate (it read 1,564 a month for ~790)
        raise CalibrationError(
            f"--as-of {as_of}: no whole calendar month of new opportunities before it (the first usable month is "
            f"{first}, the export's first whole month after closes begin), so no monthly arrival rate can be "
            f"fitted: choose an as-of date on or after the end of {first}, and better a few months later"
        )
    tail = counts[-recent:]
    median = median_of(tail)
    level = Estimate(median.value, median.low, median.high, int(tail.size))
    t = np.arange(counts.size, dtype=np.float64)
    if counts.size >= 3:
        slope, intercept = np.polyfit(t, counts, 1)
        resid = counts - (slope * t + intercept)
        se = math.sqrt(resid.var(ddof=2) / max(((t - t.mean()) ** 2).sum(), 1e-12))
    else:
        slope, se = 0.0, math.inf
    trend = Estimate(float(slope), float(slope - Z95 * se), float(slope + Z95 * se), int(counts.size))
    apply_trend = counts.size >= MIN_TREND_MONTHS and (trend.low > 0 or trend.high < 0)
    season = None
    if counts.size >= MIN_SEASON_MONTHS:
        by_month = pd.Series(counts, index=[p.month for p in used]).groupby(level=0).mean()
        season = [float(by_month.get(m, counts.mean()) / counts.mean()) for m in range(1, 13)]
    forecast: dict[str, float] = {}
    centre = counts.size - (tail.size + 1) / 2  # the level sits at the middle of the recent months
    for k, period in enumerate(pd.period_range(last + 1, _month(until), freq="M")):
        value = level.value + (slope * (counts.size + k - centre) if apply_trend else 0.0)
        if season is not None:
            value *= season[period.month - 1]
        forecast[str(period)] = max(float(value), 0.0)
    return ArrivalFit(history, level, trend, apply_trend, season, forecast, left_out)
