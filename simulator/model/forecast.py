"""Month-end forecasts of the open pipeline, scored against what those deals then did.

At the end of every calendar month of the window, each open deal is weighted by the share of
deals at its stage that are won within the next period (a month, or a quarter of three
months); the sum is the forecast of the period's bookings from today's pipeline (the
commit a sales leader builds from the CRM; deals created and won inside the period are
not in it). Weights are configured per stage, or learned from the earlier month ends of
the same run: of the value open at stage s at an earlier month end whose period has
fully elapsed, the share that was won within that period. A forecast is scored once
its period has elapsed inside the window:

- ``forecast_mape``: mean of |forecast - actual| / actual over the scored month ends
  whose actual was positive (a month that booked nothing has no percentage error);
- ``forecast_mape_unscored``: the scored month ends MAPE had to leave out (actual $0);
- ``forecast_wape``: sum of |forecast - actual| over sum of actuals, every scored month
  end included (weighted absolute percentage error: a month that booked $0 adds its
  whole forecast to the error);
- ``forecast_bias``: (sum of forecasts - sum of actuals) / sum of actuals (> 0: too high);
- the same with ``_quarter`` for the next-quarter forecast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.model.masks import true_cells
from simulator.model.plan import stages_at
from simulator.model.plan_tables import FloatArray, ForecastTables
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.window import window_months


@dataclass(frozen=True, slots=True)
class ForecastSeries:
    """Forecasts made at each month end (index m: the end of month m of the window) and outcomes."""

    month: FloatArray  # forecast of the next month's bookings from the open pipeline (NaN: none)
    month_actual: FloatArray  # what those deals booked in that month (NaN: not elapsed)
    quarter: FloatArray
    quarter_actual: FloatArray


def _snapshots(run: ReplicationRun, ends: FloatArray, periods: Sequence[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Value open per stage at each month end, and the part of it won within each period after.

    Args:
        run: The replication.
        ends: (M,) the month ends (working days).
        periods: P arrays (M,): where each month end's period ends (the next calendar
            month's end, the end of the next three).

    Returns:
        ``open_value`` of shape (M, S) and ``won_value`` of shape (P, M, S) for M month
        ends, S stages and P periods.
    """
    log, value = run.log, run.leads.deal_value
    n_stages, n_ends = run.scenario.n_stages, ends.size
    # the (month end, lead) pairs of the deals open then, month end by month end, lead by lead:
    # bins m * S + stage add their values in the order a bincount per month end would
    with np.errstate(invalid="ignore"):
        open_now = (run.leads.arrival_day[None, :] <= ends[:, None]) & ~(log.outcome_day[None, :] <= ends[:, None])
    month, lead = true_cells(open_now)
    stage = stages_at(run, lead, ends[month])
    keep = stage >= 0
    month, lead, stage = month[keep], lead[keep], stage[keep]
    bins = month * n_stages + stage
    size = n_ends * n_stages
    open_value = np.bincount(bins, weights=value[lead], minlength=size).reshape(n_ends, n_stages).astype(np.float64)
    won_value = np.zeros((len(periods), n_ends, n_stages))
    won = log.outcome[lead] == Outcome.WON
    closed = log.outcome_day[lead]
    for p, period_end in enumerate(periods):
        hit = won & (closed < period_end[month])
        won_value[p] = np.bincount(bins[hit], weights=value[lead[hit]], minlength=size).reshape(n_ends, n_stages)
    return open_value, won_value


def _forecasts(
    ends: FloatArray,
    period_end: FloatArray,
    horizon: float,
    open_value: FloatArray,
    won_value: FloatArray,
    configured: FloatArray | None,
) -> tuple[FloatArray, FloatArray]:
    forecast = np.full(ends.size, np.nan)
    elapsed = period_end <= horizon + 1e-9
    actual = np.where(elapsed, won_value.sum(axis=1), np.nan)  # each row's sum, as won_value[m].sum()
    for m, day in enumerate(ends):
        if configured is not None:
            forecast[m] = float(open_value[m] @ configured)
            continue
        history = period_end[:m] <= day + 1e-9
        if not history.any():
            continue
        past_open = open_value[:m][history].sum(axis=0)
        past_won = won_value[:m][history].sum(axis=0)
        open_total = past_open.sum()
        overall = past_won.sum() / open_total if open_total > 0 else 0.0
        weights = np.divide(past_won, past_open, out=np.full(past_open.shape, overall), where=past_open > 0)
        forecast[m] = float(open_value[m] @ weights)
    return forecast, actual


def forecast_series(run: ReplicationRun, tables: ForecastTables) -> ForecastSeries:
    """The next-month and next-quarter forecasts made at every month end of the window.

    Month ends are the calendar's; the next month is the next calendar month and the next
    quarter the next three calendar months after the month end.
    """
    sc = run.scenario
    ends = window_months(sc).edges[1:-1]
    starts = sc.calendar.month_start
    index = sc.calendar.month_of(ends)
    month_end = starts[np.minimum(index + 1, starts.size - 1)]
    quarter_end = starts[np.minimum(index + 3, starts.size - 1)]
    quarter_end = np.where(index + 3 < starts.size, quarter_end, np.inf)
    open_value, won_value = _snapshots(run, ends, (month_end, quarter_end))
    hi = sc.horizon_days
    month_f, month_a = _forecasts(
        ends, month_end, hi, open_value, won_value[0], None if tables.learned else tables.month
    )
    quarter_f, quarter_a = _forecasts(
        ends, quarter_end, hi, open_value, won_value[1], None if tables.learned else tables.quarter
    )
    return ForecastSeries(month_f, month_a, quarter_f, quarter_a)


@dataclass(frozen=True, slots=True)
class ForecastScores:
    """Accuracy of one series of forecasts against what then happened (see the module docstring)."""

    mape: float  # mean |F - A| / A over periods with A > 0 (NaN: none)
    wape: float  # sum |F - A| / sum A over every scored period (NaN: nothing booked)
    bias: float  # (sum F - sum A) / sum A (NaN: nothing booked)
    unscored: int  # scored periods MAPE leaves out because A was 0


def forecast_scores(forecast: FloatArray, actual: FloatArray) -> ForecastScores:
    """Score forecasts against actuals; a period counts when both are known (finite)."""
    scored = np.isfinite(forecast) & np.isfinite(actual)
    f, a = forecast[scored], actual[scored]
    positive = a > 0
    mape = float(np.mean(np.abs(f[positive] - a[positive]) / a[positive])) if positive.any() else math.nan
    booked = float(a.sum())
    wape = float(np.abs(f - a).sum() / booked) if booked > 0 else math.nan
    bias = float((f.sum() - booked) / booked) if booked > 0 else math.nan
    return ForecastScores(mape, wape, bias, int((~positive).sum()))


def forecast_kpis(series: ForecastSeries) -> dict[str, float]:
    """Accuracy of the month-end forecasts, next month and next quarter: MAPE, WAPE, bias, unscored periods."""
    month = forecast_scores(series.month, series.month_actual)
    quarter = forecast_scores(series.quarter, series.quarter_actual)
    return {
        "forecast_mape": month.mape,
        "forecast_bias": month.bias,
        "forecast_mape_quarter": quarter.mape,
        "forecast_bias_quarter": quarter.bias,
        "forecast_wape": month.wape,
        "forecast_wape_quarter": quarter.wape,
        "forecast_mape_unscored": float(month.unscored),
        "forecast_mape_unscored_quarter": float(quarter.unscored),
    }
