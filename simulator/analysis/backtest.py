"""Back-test scoring: each actual against the simulated P10–P90 band, and the band's coverage.

One row per origin × period × KPI: the actual, the simulated P10, P50 and P90 over the
replications, and whether the actual fell inside [P10, P90]. An 80% band should hold the
actual about 80% of the time: the coverage over every row (months and quarters), by KPI and
by origin, is the back-test's answer to "how far can these bands be trusted".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.calibration.backtest_kpis import KPIS
from simulator.run.backtest import OriginResult, spread_parts

COLUMNS = ("origin", "period", "period_kind", "kpi", "actual", "p10", "p50", "p90", "inside_p10_p90")
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
                p10, p50, p90 = (
                    (float(np.quantile(values, q)) for q in (0.1, 0.5, 0.9)) if values.size else (math.nan,) * 3
                )
                inside = bool(p10 <= actual <= p90) if np.isfinite(actual) and np.isfinite(p10) else None
                rows.append((str(result.origin), period.label, period.kind, kpi, actual, p10, p50, p90, inside))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def coverage(table: pd.DataFrame) -> dict[str, float]:
    """Share of rows with the actual inside P10–P90: overall, by KPI, by origin and by kind of period."""
    scored = table[table["inside_p10_p90"].notna()]
    result = {"overall": float(scored["inside_p10_p90"].astype(bool).mean()) if len(scored) else math.nan}
    for column in ("kpi", "origin", "period_kind"):
        for value, rows in scored.groupby(column):
            result[f"{column}={value}"] = float(rows["inside_p10_p90"].astype(bool).mean())
    result["rows"] = float(len(scored))
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
                        period.label,
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
