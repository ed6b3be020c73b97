"""Back-test scoring: each actual against the simulated P10–P90 band, and the band's coverage.

One row per origin × period × KPI: the actual, the simulated P10, P50 and P90 over the
replications, and whether the actual fell inside [P10, P90]. An 80% band should hold the
actual about 80% of the time: the coverage over every row of a whole month or quarter, by
KPI and by origin, is the back-test's answer to "how far can these bands be trusted".
A part-period (a month or quarter cut by the origin or ``--until``: its first and last
day in the table, ``whole_period`` false) is counted apart: it had been labelled and
counted as the whole quarter ("2017-Q4" holding Oct 1 to Dec 15).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import run_quantiles
from simulator.calibration.backtest_kpis import COUNTS, KPIS
from simulator.run.backtest import OriginResult, spread_parts

COLUMNS = (
    "origin",
    "period",
    "period_kind",
    "period_first",
    "period_last",
    "whole_period",
    "kpi",
    "actual",
    "p10",
    "p50",
    "p90",
    "inside_p10_p90",
)
HEADLINE = ("won_deals", "bookings", "win_rate")


def backtest_table(results: list[OriginResult]) -> pd.DataFrame:
    """The back-test table (see :data:`COLUMNS`); rows whose actual or band is undefined are kept with NaN."""
    rows = []
    for result in results:
        for period in result.periods:
            for kpi in KPIS:
                key = (period.label, kpi)
                values = np.array([r.get(key, math.nan) for r in result.runs], dtype=float)
                values = values[np.isfinite(values)]
                actual = result.actual.get(key, math.nan)
                # a count's band is of counts some run had (a P10 of 75.8 deals won is no month's count)
                p10, p50, p90 = (float(v) for v in run_quantiles(values, [0.1, 0.5, 0.9], observed=kpi in COUNTS))
                inside = bool(p10 <= actual <= p90) if np.isfinite(actual) and np.isfinite(p10) else None
                dates = (str(period.first), str(period.last), period.whole)
                rows.append((str(result.origin), period.label, period.kind, *dates, kpi, actual, p10, p50, p90, inside))
    return pd.DataFrame(rows, columns=list(COLUMNS))


PART_KEYS = ("part_periods", "part_rows")
"""The coverage's keys for the part-periods, counted apart from the whole ones."""


def coverage(table: pd.DataFrame) -> dict[str, float]:
    """Share of rows with the actual inside P10–P90 over whole periods: overall, by KPI, by origin, by kind of period.

    ``rows``: the whole periods' rows scored. Part-periods are counted apart:
    ``part_periods`` their share inside (NaN with none scored), ``part_rows`` their rows.
    """
    scored = table[table["inside_p10_p90"].notna()]
    part = scored[~scored["whole_period"].astype(bool)]
    scored = scored[scored["whole_period"].astype(bool)]
    result = {"overall": float(scored["inside_p10_p90"].astype(bool).mean()) if len(scored) else math.nan}
    for column in ("kpi", "origin", "period_kind"):
        for value, rows in scored.groupby(column):
            result[f"{column}={value}"] = float(rows["inside_p10_p90"].astype(bool).mean())
    result["rows"] = float(len(scored))
    result["part_periods"] = float(part["inside_p10_p90"].astype(bool).mean()) if len(part) else math.nan
    result["part_rows"] = float(len(part))
    return result


def spread_split(results: list[OriginResult]) -> pd.DataFrame:
    """Per origin, quarter and headline KPI: the standard deviation over runs, in parameter and process parts."""
    rows = []
    for result in results:
        for period in result.periods:
            if period.kind != "quarter":
                continue
            for kpi in HEADLINE:
                process, parameter = spread_parts(result, (period.label, kpi))
                total = process + parameter
                share = parameter / total if total > 0 else math.nan
                rows.append(
                    (
                        str(result.origin),
                        period.shown,  # a part-quarter with its dates
                        kpi,
                        math.sqrt(total) if total >= 0 else math.nan,
                        math.sqrt(process),
                        math.sqrt(parameter),
                        share,
                    )
                )
    return pd.DataFrame(
        rows,
        columns=["origin", "period", "kpi", "sd_total", "sd_process", "sd_parameter", "parameter_share_of_variance"],
    )
