"""New opportunities per calendar month: a dated series, its trend and seasonality, and the forecast rule.

Months used: the whole calendar months from the first month the export shows completely
(not before closes begin, when the export is left-truncated: deals created earlier that
closed before then are missing) to the last whole month on or before the as-of date, and
not after the month of the export's last created date: a month after it is not a month
with no new opportunities, the export recorded nothing then, so it is left out (and named,
``after_export``), never counted as zero. (The month of the last created date is kept: a
quiet end of month cannot be told from an export cut a few days early.)

**Forecast rule** (stated in calibration.md): the level is the median of the last
``recent_months`` used months (robust to a one-month spike such as July 2017's 1,198 in the
shared export; its CI is the order-statistic interval); a linear trend (least squares on the used months) is added
only when its 95% CI excludes zero and at least 12 months are used; monthly seasonality
factors (mean of each calendar month over the mean) multiply the level only with at least
24 months. With fewer, the forecast is flat at the level.

**Swing** (:func:`month_swing`): how much more than Poisson the used months vary about what
the forecast rule draws, as the CV of a gamma factor of each month's mean (the run's
``market.sources.*.month_cv``); the thin last months of an export that stops recording
(:func:`thin_months`) are left out of it.
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
MIN_SWING_MONTHS = 3

THIN_MONTHS = 2
"""Last months of new opportunities compared with the months before them (and the last one alone)."""

BEFORE_MONTHS, MIN_BEFORE = 6, 3
"""The months before them: up to six, at least three."""

THIN_SHARE = 0.5
"""Below this share of the months before them, a last month is said to be thin."""

CHANCE = 0.01
"""A shortfall as large or larger happens less often than this by chance (Poisson arrivals at the usual rate)."""


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
    after_export: list[str] = field(default_factory=list)  # months to the as-of date the export does not cover
    # month-to-month swing beyond Poisson: the CV of the run's monthly gamma factor (market.sources.*.month_cv)
    swing: Estimate = field(default_factory=lambda: Estimate(0.0, 0.0, 0.0, 0))


def last_whole_month(day: np.datetime64) -> pd.Period:
    """The last calendar month that ends on or before ``day``."""
    last = _month(day)
    return last if (day + np.timedelta64(1, "D")).astype(object).day == 1 else last - 1


def _month(value: np.datetime64) -> pd.Period:
    return pd.Period(str(value)[:7], freq="M")


def fit_arrivals(
    created: np.ndarray,
    as_of: np.datetime64,
    until: np.datetime64,
    first_usable: np.datetime64 | None,
    recent: int,
    last_created: np.datetime64 | None = None,
) -> ArrivalFit:
    """Fit and forecast monthly new opportunities from creation dates (``datetime64[D]``).

    Months after the month of ``last_created`` (the export's last created date; default,
    the last of ``created``) are left out, not counted as months with no new opportunities.

    Raises:
        CalibrationError: When no whole calendar month lies between the first usable month
            and the as-of date (or the export's end).
    """
    if last_created is None:
        last_created = created.max() if created.size else as_of
    created = created[created <= as_of]
    months = pd.Series(pd.PeriodIndex(created.astype(str), freq="M")).value_counts().sort_index()
    first = months.index.min()
    if created.size and int(str(created.min())[8:10]) > 1:  # the export starts mid-month
        first = first + 1
    if first_usable is not None:
        start = _month(first_usable)
        first = max(first, start if int(str(first_usable)[8:10]) == 1 else start + 1)
    last = last_whole_month(as_of)  # the as-of month, unless it is over
    shown = _month(last_created)  # the export records no creation later
    after_export = [str(p) for p in pd.period_range(max(shown + 1, first), last, freq="M")]
    used = pd.period_range(first, min(last, shown), freq="M")
    history = {str(p): int(months.get(p, 0)) for p in used}
    left_out = {str(p): int(n) for p, n in months.items() if p not in used}
    counts = np.array(list(history.values()), dtype=np.float64)
    if counts.size == 0 and after_export:
        raise CalibrationError(
            f"--as-of {as_of}: no whole calendar month of new opportunities the export covers before it (the "
            f"first usable month is {first}; the export's last opportunity was created on {last_created}, so "
            f"{after_export[0]} to {after_export[-1]} are not in it and cannot count as months with no new "
            "opportunities): no monthly arrival rate can be fitted; export more months, or choose an earlier as-of "
            "date"
        )
    if counts.size == 0:  # every opportunity at once is no monthly rate (it read 1,564 a month for ~790)
        raise CalibrationError(
            f"--as-of {as_of}: no whole calendar month of new opportunities before it (the first usable month is "
            f"{first}, the export's first whole month after closes begin), so no monthly arrival rate can be "
            f"fitted: choose an as-of date on or after the end of {first}, and better a few months later"
        )
    tail = counts[-recent:]
    median = median_of(tail)
    level = Estimate(median.value, median.low, median.high, int(tail.size), coverage=median.coverage)
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
    gap = len(after_export)  # months between the last one used and the forecast's first
    for k, period in enumerate(pd.period_range(last + 1, _month(until), freq="M")):
        value = level.value + (slope * (counts.size + gap + k - centre) if apply_trend else 0.0)
        if season is not None:
            value *= season[period.month - 1]
        forecast[str(period)] = max(float(value), 0.0)
    swing = month_swing(history, apply_trend, season)
    return ArrivalFit(history, level, trend, apply_trend, season, forecast, left_out, after_export, swing)


def month_swing(history: dict[str, int], trend: bool = False, season: list[float] | None = None) -> Estimate:
    """The months' swing beyond Poisson: the CV of a gamma factor of each month's mean, with its 95% CI.

    A month's count is then negative binomial, variance ``m + (cv·m)²``: the moment
    estimator is ``cv² = (s² − m) / m²`` (0 when the months vary no more than Poisson's
    ``m``), ``s²`` the months' squared deviations from what the forecast rule draws
    (their mean, or the trend line when the trend applies, times the seasonality when it
    applies) over their degrees of freedom, ``m`` the mean of that; the CI puts the
    chi-square interval of ``s²`` through the same formula. The thin last months
    :func:`thin_months` finds are left out: an export that stops recording is not a swing
    of the inflow (``calibrate`` warns of them). With fewer than three months, or one
    degree of freedom left, the swing is 0 with no CI (n = the months there were): its
    interval had been 0 to 0, which read as a swing measured to be none.
    """
    from scipy import stats

    items = list(history.items())
    thin = thin_months(items)
    if thin is not None:
        items = items[: -len(thin[0])]
    counts = np.array([n for _, n in items], dtype=np.float64)
    t = np.arange(counts.size, dtype=np.float64)
    fitted = (
        np.polyval(np.polyfit(t, counts, 1), t)
        if trend and counts.size >= 3
        else np.full(counts.size, counts.mean() if counts.size else 0.0)
    )
    if season is not None:
        fitted = fitted * np.array([season[pd.Period(month, freq="M").month - 1] for month, _ in items])
    dof = counts.size - (2 if trend else 1) - (11 if season is not None else 0)
    m = float(fitted.mean()) if counts.size else 0.0
    if counts.size < MIN_SWING_MONTHS or dof < 2 or m <= 0.0:
        return Estimate(0.0, -math.inf, math.inf, int(counts.size))
    squares = float(((counts - fitted) ** 2).sum())

    def cv(variance: float) -> float:
        return math.sqrt(max(variance - m, 0.0)) / m

    low = cv(squares / float(stats.chi2.ppf(0.975, dof)))
    high = cv(squares / float(stats.chi2.ppf(0.025, dof)))
    return Estimate(cv(squares / dof), low, high, int(counts.size))


def _months(months: list[str], join: str = "") -> str:
    """``2018-01, 2018-02 and 2018-03`` (or ``2017-07 to 2017-12`` with ``join=' to '``)."""
    if join and len(months) > 1:
        return f"{months[0]}{join}{months[-1]}"
    return months[0] if len(months) == 1 else ", ".join(months[:-1]) + f" and {months[-1]}"


def after_export_warning(
    fit: ArrivalFit, last_created: np.datetime64, export_date: np.datetime64, as_of: np.datetime64
) -> str | None:
    """The warning of months left out after the export's last creation (None when there are none)."""
    after = fit.after_export
    if not after:
        return None
    used = list(fit.history)[-fit.level.n :]
    return (
        f"the export's last opportunity was created on {last_created} and its last date is {export_date}: "
        f"{_months(after)} (to the as-of date {as_of}) {'are' if len(after) > 1 else 'is'} not in it, so left "
        "out of the arrival series, not counted as months with no new opportunities; the level is the median of "
        f"{_months(used, ' to ')}"
        + (
            f", and the deals open on {export_date} start the run as if still open on {as_of}"
            if as_of > export_date
            else ""
        )
    )


def thin_months(history: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], float] | None:
    """The thin last month (and the one before it, when thin too) with the usual count before them; None if not thin."""
    from scipy import stats

    found: tuple[list[tuple[str, int]], float] | None = None
    for last in range(1, THIN_MONTHS + 1):
        before = [n for _, n in history[:-last][-BEFORE_MONTHS:]]
        if len(before) < MIN_BEFORE:
            break
        usual = float(np.median(before))
        count = history[-last][1]
        if usual <= 0.0 or count >= THIN_SHARE * usual:
            break
        months = history[-last:]
        if stats.poisson.cdf(sum(n for _, n in months), usual * last) >= CHANCE:
            break
        found = (months, usual)
    return found
