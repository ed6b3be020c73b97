"""The planning view of one replication: money, quota, plan, capacity, forecast, queues.

One entry point per output: :func:`planning_kpis` adds columns to the KPI row,
:func:`planning_monthly` adds columns to the monthly series, :func:`planning_tables`
gives the tidy extra tables (per rep, and queues per month x stage x team). Scenarios
compiled without these settings (``None``) add nothing.
"""

from __future__ import annotations

import numpy as np

from simulator.model.dysfunctions import queue_table, sla_kpis
from simulator.model.economics import economics_kpis, rep_ledger
from simulator.model.forecast import ForecastSeries, forecast_kpis, forecast_series
from simulator.model.pipeline_coverage import coverage_kpis
from simulator.model.plan import capacity_kpis, plan_kpis
from simulator.model.records import ReplicationRun


def planning_kpis(run: ReplicationRun) -> dict[str, float]:
    """Cost, quota, plan, capacity, forecast and SLA KPIs of one replication."""
    sc = run.scenario
    row: dict[str, float] = {}
    if sc.economics is not None:
        economics = sc.economics
        ledger = run.once("rep_ledger", lambda: rep_ledger(run, economics))
        row.update(economics_kpis(run, ledger, sc.economics))
        if sc.plan is not None:
            row.update(plan_kpis(run, sc.plan))
            row.update(coverage_kpis(run, sc.plan))
            row.update(capacity_kpis(run, ledger, sc.economics, sc.plan))
    if sc.forecast is not None:
        row.update(forecast_kpis(_forecasts(run)))
    if sc.stage_sla_days is not None:
        row.update(sla_kpis(run, sc.stage_sla_days))
    return row


def _forecasts(run: ReplicationRun) -> ForecastSeries:
    """The run's month-end forecasts, computed once for its KPIs and its monthly series."""
    tables = run.scenario.forecast
    assert tables is not None
    return run.once("forecast_series", lambda: forecast_series(run, tables))


def _pad(values: np.ndarray, n_months: int) -> np.ndarray:
    padded = np.full(n_months, np.nan)
    padded[: min(values.size, n_months)] = values[:n_months]
    return padded


def planning_monthly(run: ReplicationRun, n_months: int) -> dict[str, np.ndarray]:
    """Monthly columns: the forecasts made at each month end and what those deals then booked."""
    if run.scenario.forecast is None:
        return {}
    series = _forecasts(run)
    return {
        "forecast_next_month": _pad(series.month, n_months),
        "forecast_next_month_actual": _pad(series.month_actual, n_months),
        "forecast_next_quarter": _pad(series.quarter, n_months),
        "forecast_next_quarter_actual": _pad(series.quarter_actual, n_months),
    }


def planning_tables(run: ReplicationRun) -> dict[str, dict[str, np.ndarray]]:
    """Tidy extra tables: ``reps`` (one row per rep) and ``monthly_queues``."""
    sc = run.scenario
    tables = {"monthly_queues": queue_table(run)}
    if sc.economics is not None:
        economics = sc.economics
        ledger = run.once("rep_ledger", lambda: rep_ledger(run, economics))
        # reps who left before the window opened (during the warm-up) have nothing to show
        kept = np.flatnonzero(ledger.employed_days > 0)
        names = np.array(sc.team_names)
        table: dict[str, np.ndarray] = {"rep": kept}
        if sc.rep_names:
            table["name"] = _rep_labels(sc.rep_names, kept)
        tables["reps"] = table | {
            "team": names[ledger.team[kept]] if kept.size else np.array([], dtype=names.dtype),
            "employed_days": ledger.employed_days[kept],
            "credited_bookings": ledger.credited_bookings[kept],
            "credited_expansion_bookings": ledger.expansion_credit[kept],
            "quota_attainment": ledger.attainment[kept],
        }
    return tables


def _rep_labels(rep_names: tuple[str, ...], reps: np.ndarray) -> np.ndarray:
    """Each rep's name as the config gives it; "(unnamed)" for an unnamed seat, "(hired)" for a later hire."""
    day0 = len(rep_names)
    labels = [rep_names[k] or "(unnamed)" if k < day0 else "(hired)" for k in reps.tolist()]
    return np.array(labels, dtype=object)
