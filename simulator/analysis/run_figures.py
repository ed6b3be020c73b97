"""Figures worked out from a scenario's runs together, beside the summary of each run's KPIs.

Two headline figures are no run's KPI, so the summary table of run means does not hold
them: the median quota attainment of every run's reps pooled (what published surveys'
median is, :func:`simulator.analysis.planning.pooled_attainment_rows`) and the sales and
marketing cost per $1 of new bookings (a ratio of means with Fieller's CI,
:func:`simulator.analysis.acquisition_cost.acquisition_cost_rows`). The report's "what
looks unusual" reads them; ``summary.csv`` and ``summary.json`` hold them too, so each
figure the report shows can be found in a file.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.acquisition_cost import acquisition_cost_rows
from simulator.analysis.planning import pooled_attainment_rows
from simulator.analysis.tables import summary_of
from simulator.run.experiment import ExperimentResult


def summary_with_run_figures(result: ExperimentResult) -> pd.DataFrame:
    """The summary table (scenario x KPI rows), then a row per scenario for each figure of the runs together.

    Those rows carry ``scenario``, ``kpi``, ``n`` (runs), ``mean`` (the figure) and its
    95% ``ci_low`` and ``ci_high``; ``std`` and the P10–P90 are empty (no run has the figure).
    """
    summary = summary_of(result)
    extra = [rows for rows in (pooled_attainment_rows(result), acquisition_cost_rows(result)) if not rows.empty]
    if summary.empty or not extra:
        return summary
    combined = pd.concat([summary, *extra], ignore_index=True)
    combined.attrs = dict(summary.attrs)  # the counts its config rules out (impossible_counts): concat drops them
    return combined
