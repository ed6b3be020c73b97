"""A percentile of a count over runs is a count a run can have; its mean may be fractional.

prospecting_time's 'Range of single runs' read "Deals won 75.8 / 106 / 138" and "Lost: at a
hand-off 27.9 / 43.5 / 55.3": P10 / P50 / P90 interpolated between runs, no run's count.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.draw_means import run_quantiles
from simulator.analysis.kpi_names import is_count
from simulator.analysis.statistics import summarise

WON = np.array([61.0, 74, 80, 88, 95, 106, 107, 119, 125, 138, 141, 151])


def _runs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": "today",
            "replication": np.arange(WON.size),
            "deals_won": WON,
            "bookings": WON * 31_000.5,
        }
    )


def test_a_count_s_percentiles_over_runs_are_counts_some_run_had() -> None:
    assert is_count("deals_won") and not is_count("bookings")
    for draws in (0, 5):  # 12 runs on 5 parameter draws weigh the draws alike
        summary = summarise(_runs(), draws=draws).set_index("kpi")
        won = summary.loc["deals_won"]
        assert {float(won[q]) for q in ("p10", "p50", "p90")} <= set(WON), won
        assert float(won["p10"]) <= float(won["p50"]) <= float(won["p90"])
    summary = summarise(_runs()).set_index("kpi")
    assert summary.loc["deals_won", "mean"] == pytest.approx(WON.mean())  # a mean stays fractional
    assert summary.loc["deals_won", "mean"] != round(summary.loc["deals_won", "mean"])
    bookings = summary.loc["bookings"]  # an amount keeps the interpolated percentiles
    assert [float(bookings[q]) for q in ("p10", "p50", "p90")] == pytest.approx(
        list(np.quantile(WON * 31_000.5, [0.1, 0.5, 0.9]))
    )


def test_observed_quantiles_are_numpy_s_inverted_cdf_and_weigh_draws() -> None:
    values = np.array([3.0, 9.0, 1.0, 7.0, 5.0, np.nan])
    qs = [0.1, 0.25, 0.5, 0.75, 0.9]
    assert list(run_quantiles(values, qs, observed=True)) == list(np.quantile(values[:5], qs, method="inverted_cdf"))
    assert list(run_quantiles(values, qs, np.ones(6), observed=True)) == list(
        np.quantile(values[:5], qs, method="inverted_cdf")
    )
    heavy = np.array([1.0, 1.0, 4.0, 1.0, 1.0, 1.0])  # the run at 1 weighs half of the total
    assert list(run_quantiles(values, [0.1, 0.5, 0.6], heavy, observed=True)) == [1.0, 1.0, 3.0]


def test_the_report_s_range_of_runs_row_reads_a_count_whole() -> None:
    from simulator.report.document import _spread_cell

    summary = summarise(_runs()).set_index("kpi")
    assert _spread_cell(summary.loc["deals_won"], "deals_won") == "74 / 106 / 141"
    assert _spread_cell(summary.loc["bookings"], "bookings").count("$") == 3


def test_the_distribution_figure_s_box_and_whiskers_of_a_count_are_counts() -> None:
    from simulator.report.plots import _box_stats

    stats = _box_stats(WON, observed=True)
    assert {stats[k] for k in ("whislo", "q1", "med", "q3", "whishi")} <= set(WON), stats
    assert stats["mean"] == pytest.approx(WON.mean())
    linear = _box_stats(WON, observed=False)  # what matplotlib's boxplot(whis=(10, 90)) drew
    assert linear["whislo"] == pytest.approx(np.percentile(WON, 10))


def test_the_back_test_s_band_of_a_count_is_of_counts_some_run_had() -> None:
    from simulator.analysis.backtest import backtest_table

    period = SimpleNamespace(label="2017-Q4", kind="quarter", first="2017-10-01", last="2017-12-31", whole=True)
    runs: list[dict[Any, float]] = [
        {("2017-Q4", "won_deals"): float(w), ("2017-Q4", "bookings"): float(w) * 31_000.5} for w in WON
    ]
    origin = SimpleNamespace(origin="2017-09-30", periods=[period], runs=runs, actual={("2017-Q4", "won_deals"): 70.0})
    table = backtest_table([origin]).set_index("kpi")  # type: ignore[list-item]
    assert {float(table.loc["won_deals", q]) for q in ("p10", "p50", "p90")} <= set(WON)
    assert float(table.loc["bookings", "p10"]) == pytest.approx(np.quantile(WON * 31_000.5, 0.1))
