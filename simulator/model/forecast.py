"""Month-end forecasts of the open pipeline, scored against what those deals then did.

At the end of every month of the window, each open deal is weighted by the share of
deals at its stage that are won within the next period (a month, or a quarter of three
months); the sum is the forecast of the period's bookings from today's pipeline (the
commit a sales leader builds from the CRM; deals created and won inside the period are
not in it). Weights are configured per stage, or learned from the earlier month ends of
the same run: of the value open at stage s at an earlier month end whose period has
fully elapsed, the share that was won within that period. A forecast is scored once
its period has elapsed inside the window:

- ``forecast_mape``: mean of |forecast - actual| / actual over the scored month ends;
- ``forecast_bias``: (sum of forecasts - sum of actuals) / sum of actuals (> 0: too high);
- ``forecast_mape_quarter`` and ``forecast_bias_quarter`` for the next-quarter forecast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.model.plan import current_stage, month_edges
from simulator.model.plan_tables import FloatArray, ForecastTables
from simulator.model.records import Outcome, ReplicationRun


@dataclass(frozen=True, slots=True)
class ForecastSeries:
    """Forecasts made at each month end (index m: the end of month m of the window) and outcomes."""

    month: FloatArray  # forecast of the next month's bookings from the open pipeline (NaN: none)
    month_actual: FloatArray  # what those deals booked in that month (NaN: not elapsed)
    quarter: FloatArray
    quarter_actual: FloatArray


def _snapshot(run: ReplicationRun, day: float, period: float) -> tuple[FloatArray, FloatArray]:
    """Open value per stage at ``day`` and the part of it won within ``(day, day + period]``."""
    log, value = run.log, run.leads.deal_value
    n_stages = run.scenario.n_stages
    with np.errstate(invalid="ignore"):
        open_now = (run.leads.arrival_day <= day) & ~(log.outcome_day <= day)
        won_in = (log.outcome == Outcome.WON) & (log.outcome_day > day) & (log.outcome_day <= day + period)
    stage = current_stage(run, day)
    keep = open_now & (stage >= 0)
    open_value = np.bincount(stage[keep], weights=value[keep], minlength=n_stages)
    won_value = np.bincount(stage[keep & won_in], weights=value[keep & won_in], minlength=n_stages)
    return open_value.astype(np.float64), won_value.astype(np.float64)


def _forecasts(run: ReplicationRun, configured: FloatArray | None, period: float) -> tuple[FloatArray, FloatArray]:
    hi = run.scenario.horizon_days
    ends = month_edges(run)[1:-1]
    snapshots = [_snapshot(run, float(day), period) for day in ends]
    forecast = np.full(ends.size, np.nan)
    actual = np.full(ends.size, np.nan)
    for m, day in enumerate(ends):
        open_value, won_value = snapshots[m]
        if day + period <= hi + 1e-9:
            actual[m] = won_value.sum()
        if configured is not None:
            forecast[m] = float(open_value @ configured)
            continue
        history = [j for j in range(m) if ends[j] + period <= day + 1e-9]
        if not history:
            continue
        past_open = np.sum([snapshots[j][0] for j in history], axis=0)
        past_won = np.sum([snapshots[j][1] for j in history], axis=0)
        overall = past_won.sum() / past_open.sum() if past_open.sum() > 0 else 0.0
        weights = np.divide(past_won, past_open, out=np.full(past_open.shape, overall), where=past_open > 0)
        forecast[m] = float(open_value @ weights)
    return forecast, actual


def forecast_series(run: ReplicationRun, tables: ForecastTables) -> ForecastSeries:
    """The next-month and next-quarter forecasts made at every month end of the window."""
    month = float(run.scenario.days_per_month)
    month_f, month_a = _forecasts(run, None if tables.learned else tables.month, month)
    quarter_f, quarter_a = _forecasts(run, None if tables.learned else tables.quarter, 3 * month)
    return ForecastSeries(month_f, month_a, quarter_f, quarter_a)


def _scores(forecast: FloatArray, actual: FloatArray) -> tuple[float, float]:
    scored = np.isfinite(forecast) & np.isfinite(actual)
    f, a = forecast[scored], actual[scored]
    positive = a > 0
    mape = float(np.mean(np.abs(f[positive] - a[positive]) / a[positive])) if positive.any() else math.nan
    bias = float((f.sum() - a.sum()) / a.sum()) if a.sum() > 0 else math.nan
    return mape, bias


def forecast_kpis(series: ForecastSeries) -> dict[str, float]:
    """Accuracy of the month-end forecasts: MAPE and relative bias, next month and next quarter."""
    mape, bias = _scores(series.month, series.month_actual)
    mape_q, bias_q = _scores(series.quarter, series.quarter_actual)
    return {
        "forecast_mape": mape,
        "forecast_bias": bias,
        "forecast_mape_quarter": mape_q,
        "forecast_bias_quarter": bias_q,
    }
