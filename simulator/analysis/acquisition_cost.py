"""Sales and marketing cost per $1 of new bookings over runs: a ratio of means with Fieller's interval.

The published figure ($1.76 in 2023, $2.00 in 2024 of sales and marketing per $1 of
new-customer ARR, Benchmarkit; $1.13, Pacific Crest 2016; BENCHMARKS.md, Pay, quota and
unit economics) is a ratio of totals, so the runs' figure is one too: the mean cost of
winning new customers (``cost_of_sales`` less ``cost_retention``, plus ``cost_marketing``,
$ over the window) over the mean ``bookings`` ($ of new deals won in the window), not the
mean of each run's ratio (which a run with few wins pulls up).

Its 95% CI is Fieller's for a ratio of two means measured on the same runs
(Fieller 1954; :func:`simulator.analysis.paired_intervals.fieller_ratio`): the ratios ``r`` for
which ``mean(cost) - r·mean(bookings)`` is within ``t·se`` of zero. It stays at or above
zero and is unbounded above when the bookings' mean is not clearly above zero (then the
ray of ratios holding the estimate, from its own bottom). Before,
the figure had no interval and read as clear of its range with two runs. Runs that share
a calibrated company's parameter draw are first averaged draw by draw, as every other
interval of the summary (:mod:`simulator.analysis.draw_means`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import draw_means
from simulator.analysis.intervals import DEFAULT_CONFIDENCE
from simulator.analysis.paired_intervals import fieller_ratio
from simulator.analysis.published_ranges import SALES_AND_MARKETING_PER_NEW_ARR
from simulator.run.experiment import ExperimentResult

COST_COLUMNS = ("cost_of_sales", "cost_marketing", "bookings")
"""The KPIs the figure needs; ``cost_retention`` is subtracted where the run has it."""


def acquisition_cost(
    cost: np.ndarray,
    bookings: np.ndarray,
    replications: np.ndarray | None = None,
    draws: int = 0,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, float]:
    """Mean cost over mean bookings, with Fieller's interval; runs with a NaN in either are left out.

    Args:
        cost: Sales and marketing cost of winning new customers, $ a run, shape ``(runs,)``.
        bookings: New bookings, $ a run, same shape.
        replications: Each run's replication index (with ``draws``: runs on one draw averaged first).
        draws: Parameter draws the runs cycle through; 0: none.
        confidence: Two-sided confidence level.

    Returns:
        ``n`` (runs used), ``mean`` (the ratio of means, NaN when no bookings), ``ci_low`` and
        ``ci_high`` (NaN with fewer than two runs; ``inf`` on top when the bookings' mean
        is not clearly above zero).
    """
    cost, bookings = np.asarray(cost, dtype=np.float64), np.asarray(bookings, dtype=np.float64)
    keep = np.isfinite(cost) & np.isfinite(bookings)
    cost, bookings = cost[keep], bookings[keep]
    index = np.asarray(replications)[keep] if replications is not None else None
    n = int(cost.size)
    per_draw = draw_means(cost, index, draws)
    if per_draw is not None:
        cost, bookings = per_draw, draw_means(bookings, index, draws)  # type: ignore[assignment]
    booked = float(bookings.mean()) if bookings.size else math.nan
    mean = float(cost.mean()) / booked if booked > 0.0 else math.nan
    low, high = fieller_ratio(cost, bookings, confidence, null=None) if cost.size >= 2 else (math.nan, math.nan)
    return {"n": n, "mean": mean, "ci_low": low, "ci_high": high}


def acquisition_cost_rows(result: ExperimentResult) -> pd.DataFrame:
    """Per scenario, a summary-like row (``scenario``, ``kpi``, ``n``, ``mean``, ``ci_low``, ``ci_high``) of the figure.

    Scenarios whose runs have no cost or bookings KPI, or no bookings at all, get none.
    Worked out once per result.
    """

    def compute() -> pd.DataFrame:
        table = result.replications
        if table.empty or any(c not in table.columns for c in COST_COLUMNS):
            return pd.DataFrame()
        draws = result.experiment.parameter_draw_count
        rows = []
        for scenario, runs in table.groupby("scenario", sort=False):
            cost = runs["cost_of_sales"].to_numpy(np.float64) + runs["cost_marketing"].to_numpy(np.float64)
            if "cost_retention" in runs.columns:  # serving existing customers is not spent on new ARR
                cost = cost - runs["cost_retention"].to_numpy(np.float64)
            booked = runs["bookings"].to_numpy(np.float64)
            figure = acquisition_cost(cost, booked, runs["replication"].to_numpy(), draws)
            if math.isfinite(figure["mean"]):
                rows.append({"scenario": str(scenario), "kpi": SALES_AND_MARKETING_PER_NEW_ARR} | figure)
        return pd.DataFrame(rows)

    return result.derived("acquisition_cost", compute)
