"""How many month ends a run's forecast accuracy rests on.

A month-end forecast is scored when it was made (learned weights need a month end before
it with its outcome known) and its next month (or quarter) ends inside the window. A
calibrated quarter has three month ends: the first has no history, the last no next month
inside the window, so its MAPE, WAPE and bias rest on one forecast each run and read alike
(MAPE = WAPE = −bias whenever that one forecast ran low). The report says how many.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.run.experiment import ExperimentResult

PAIRS = {
    "month": ("forecast_next_month", "forecast_next_month_actual"),
    "quarter": ("forecast_next_quarter", "forecast_next_quarter_actual"),
}
"""The monthly table's forecast and actual columns of each horizon."""


def scored_month_ends(result: ExperimentResult) -> dict[str, dict[str, int]]:
    """Scenario -> horizon (``month``, ``quarter``) -> month ends scored in a run, and ``ends``: its month ends.

    The most any run of the scenario scored (runs of one scenario share the calendar, so they
    agree unless a run booked nothing to score against). Empty without a monthly table or its
    forecast columns.
    """

    def count() -> dict[str, dict[str, int]]:
        columns = ["scenario", "replication", *(c for pair in PAIRS.values() for c in pair)]
        monthly = result.monthly_table.frame(columns)
        if monthly.empty or not set(columns) <= set(monthly.columns):
            return {}
        found: dict[str, dict[str, int]] = {}
        for scenario, rows in monthly.groupby("scenario", sort=False):
            runs = rows.groupby("replication", sort=False)
            counts = {"ends": int(runs.size().max())}
            for horizon, (forecast, actual) in PAIRS.items():
                both = np.isfinite(rows[forecast].to_numpy(float)) & np.isfinite(rows[actual].to_numpy(float))
                counts[horizon] = int(pd.Series(both).groupby(rows["replication"].to_numpy()).sum().max())
            found[str(scenario)] = counts
        return found

    return result.derived("scored_month_ends", count)
