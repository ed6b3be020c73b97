"""Sales and marketing cost per $1 of new bookings: a ratio of means over runs with Fieller's CI.

Before, "What looks unusual" gave the ratio of the summary's means with no interval, so
it read as clear of its published range whatever the number of runs (two runs included).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from reporting_fixtures import make_result
from scipy import stats

from simulator.analysis.acquisition_cost import acquisition_cost, acquisition_cost_rows
from simulator.analysis.benchmarks import benchmark_checks
from simulator.analysis.published_ranges import SALES_AND_MARKETING_PER_NEW_ARR
from simulator.analysis.statistics import summarise
from simulator.analysis.unusual_words import unusual_sentence
from simulator.report.unusual_section import _cell, report_unusual_section
from simulator.run.experiment import ExperimentResult

KPI = SALES_AND_MARKETING_PER_NEW_ARR


def _inside_fieller(r: float, cost: np.ndarray, bookings: np.ndarray) -> bool:
    """The defining inequality, by hand: |mean(cost - r bookings)| <= t se(cost - r bookings)."""
    z = cost - r * bookings
    t = stats.t.ppf(0.975, cost.size - 1)
    return abs(z.mean()) <= t * z.std(ddof=1) / math.sqrt(cost.size) + 1e-9


def test_the_figure_is_the_ratio_of_means_and_its_ci_the_set_fieller_defines() -> None:
    rng = np.random.default_rng(3)
    bookings = rng.gamma(20.0, 50_000.0, 30)  # ~$1M a run
    cost = 1.5 * bookings + rng.normal(0.0, 150_000.0, 30)
    figure = acquisition_cost(cost, bookings)
    assert figure["n"] == 30
    assert figure["mean"] == pytest.approx(cost.mean() / bookings.mean(), rel=1e-12)  # not the mean of ratios
    low, high = figure["ci_low"], figure["ci_high"]
    assert 0.0 < low < figure["mean"] < high < math.inf
    for end in (low, high):  # each end on the boundary: inside, and just past it outside
        assert _inside_fieller(end, cost, bookings)
    assert not _inside_fieller(low * 0.999, cost, bookings) and not _inside_fieller(high * 1.001, cost, bookings)


def test_hand_calculation_of_two_runs() -> None:
    # cost (2, 4), bookings (1, 3): z(r) = (2 - r, 4 - 3r), mean 3 - 2r, se |1 - r|; the set
    # |3 - 2r| <= t |1 - r| (t = 12.71, 1 df) is two rays, r <= (t - 3)/(t - 2) and
    # r >= (t + 3)/(t + 2); the estimate 6/4 lies on the second: [1.068, inf)
    figure = acquisition_cost(np.array([2.0, 4.0]), np.array([1.0, 3.0]))
    t = float(stats.t.ppf(0.975, 1))
    assert figure["mean"] == pytest.approx(6.0 / 4.0)
    assert figure["ci_low"] == pytest.approx((t + 3.0) / (t + 2.0), rel=1e-9) and figure["ci_high"] == math.inf


def test_an_unbounded_interval_keeps_its_own_bottom_and_is_not_the_whole_half_line() -> None:
    """A fresh user's two runs ($2.08M and $2.18M of cost for $2.34M and $3.48M booked) read "$0.73 ($0.00 or more)".

    The set is two rays, and 0 is not in it: the ray holding the estimate starts at $0.27.
    (The relative difference's Fieller interval returns the whole half-line when the set
    holds 1, "no clear difference"; a cost per $1 has no such value.)
    """
    cost, bookings = np.array([2.08e6, 2.18e6]), np.array([2.34e6, 3.48e6])
    figure = acquisition_cost(cost, bookings)
    assert figure["ci_high"] == math.inf
    assert figure["ci_low"] == pytest.approx(0.27, abs=0.005) and figure["ci_low"] < figure["mean"]
    assert _inside_fieller(figure["ci_low"], cost, bookings) and not _inside_fieller(0.0, cost, bookings)
    assert not _inside_fieller(figure["ci_low"] * 0.99, cost, bookings)


def test_nan_runs_are_dropped_in_pairs_and_one_run_has_no_interval() -> None:
    figure = acquisition_cost(np.array([2.0, math.nan, 3.0]), np.array([1.0, 1.0, math.nan]))
    assert figure["n"] == 1 and figure["mean"] == 2.0 and math.isnan(figure["ci_low"]) and math.isnan(figure["ci_high"])
    nothing = acquisition_cost(np.array([2.0, 3.0]), np.array([0.0, 0.0]))
    assert math.isnan(nothing["mean"])


def test_runs_on_shared_parameter_draws_are_averaged_draw_by_draw() -> None:
    rng = np.random.default_rng(9)
    runs, draws = 40, 4
    level = np.array([1.0, 1.4, 1.8, 2.2])[np.arange(runs) % draws]  # the draws differ a lot, runs on one hardly
    bookings = np.full(runs, 1e6)
    cost = level * bookings * (1.0 + rng.normal(0.0, 0.01, runs))
    over_runs = acquisition_cost(cost, bookings)
    over_draws = acquisition_cost(cost, bookings, np.arange(runs), draws)
    assert over_draws["n"] == runs and over_draws["mean"] == pytest.approx(over_runs["mean"], rel=1e-9)
    # 4 draws (t with 3 df) instead of 40 runs treated as independent: far wider
    assert over_draws["ci_high"] - over_draws["ci_low"] > 2.5 * (over_runs["ci_high"] - over_runs["ci_low"])


def _with_costs(runs: int, cost_per_dollar: float, spread: float, seed: int = 1) -> ExperimentResult:
    result = make_result(runs=runs)
    table = result.replications.copy()
    rng = np.random.default_rng(seed)
    table["cost_marketing"] = 0.1 * cost_per_dollar * table["bookings"]
    table["cost_of_sales"] = 0.9 * cost_per_dollar * table["bookings"] * (1.0 + rng.normal(0.0, spread, len(table)))
    table["cost_retention"] = 0.0
    return dataclasses.replace(result, replications=table, summary=summarise(table))


def test_two_runs_below_the_range_are_not_read_as_clear_and_many_runs_are() -> None:
    few = _with_costs(2, 0.9, 0.3)  # $0.90, below the published $1.13-$2.00
    row = acquisition_cost_rows(few)
    assert set(row["kpi"]) == {KPI} and (row["n"] == 2).all()
    summary = pd.concat([few.summary, row], ignore_index=True)
    check = next(c for c in benchmark_checks(summary, "generalist") if c.benchmark.kpi == KPI)
    assert check.side == -1 and check.runs == 2 and not check.clear
    assert check.ci_high >= 1.13
    assert "its 95% CI reaches the range: more runs would tell" in unusual_sentence(check)
    assert _cell(check).endswith(", below, its CI reaching the range")  # the table's cell says so too
    many = _with_costs(200, 0.9, 0.05)
    summary = pd.concat([many.summary, acquisition_cost_rows(many)], ignore_index=True)
    check = next(c for c in benchmark_checks(summary, "generalist") if c.benchmark.kpi == KPI)
    assert check.side == -1 and check.clear and check.ci_low < 0.9 < check.ci_high < 1.13


def test_the_report_table_shows_the_interval() -> None:
    result = _with_costs(200, 0.9, 0.05)
    line = next(x for x in report_unusual_section(result) if x.startswith("| Sales and marketing cost per $1"))
    figure = acquisition_cost_rows(result).set_index("scenario").loc["generalist"]
    assert f"${figure['mean']:.2f} (${figure['ci_low']:.2f} to ${figure['ci_high']:.2f}), below" in line


def test_an_unbounded_top_reaches_every_range() -> None:
    check = dataclasses.replace(
        next(c for c in benchmark_checks(_summary_row(0.5, 0.2, math.inf), "s") if c.benchmark.kpi == KPI),
    )
    assert check.side == -1 and not check.clear


def _summary_row(mean: float, low: float, high: float) -> pd.DataFrame:
    return pd.DataFrame([{"scenario": "s", "kpi": KPI, "n": 5, "mean": mean, "ci_low": low, "ci_high": high}])


def test_a_scenario_with_no_new_bookings_says_why_its_cost_per_dollar_is_missing() -> None:
    from simulator.analysis.unusual_words import unusual_lines

    result = _with_costs(5, 0.9, 0.05)
    table = result.replications.copy()
    table.loc[table["scenario"] == "generalist", "bookings"] = 0.0
    result = dataclasses.replace(result, replications=table, summary=summarise(table))
    assert set(acquisition_cost_rows(result)["scenario"]) == {"specialist"}
    lines = [(line.who, line.sentence) for line in unusual_lines(result.summary, ["generalist", "specialist"])]
    assert ("generalist", "no new bookings in any run's window, so no cost per $1 of new bookings") in lines
    assert not any("no new bookings" in sentence for scenario, sentence in lines if scenario == "specialist")
