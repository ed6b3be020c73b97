"""Tests for :mod:`simulator.analysis.statistics`: intervals, paired comparisons, run counts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator.analysis.comparison import COMPARISON_COLUMNS, compare, correlation_of_pairs
from simulator.analysis.conclusions import difference_sentence
from simulator.analysis.formatting import format_share, ties_words
from simulator.analysis.run_counts import replications_needed
from simulator.analysis.statistics import (
    SUMMARY_COLUMNS,
    mean_interval,
    relative_half_width,
    summarise,
    unpaired_difference,
)


def _table(values: dict[str, dict[str, list[float]]]) -> pd.DataFrame:
    """Build a replications table from {scenario: {kpi: values}}."""
    frames = []
    for scenario, kpis in values.items():
        runs = len(next(iter(kpis.values())))
        frame = pd.DataFrame({"scenario": scenario, "replication": np.arange(runs), **kpis})
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _paired_sample(runs: int, seed: int, effect: float = 0.5) -> pd.DataFrame:
    """Two scenarios sharing a large common component (positively correlated pairs)."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(100.0, 10.0, runs)
    return _table(
        {
            "generalist": {"bookings": list(shared + rng.normal(0, 1, runs))},
            "specialist": {"bookings": list(shared + effect + rng.normal(0, 1, runs))},
        }
    )


def test_summary_has_contract_columns_and_order() -> None:
    table = _table({"b": {"x": [1.0, 2.0], "a": [3.0, 4.0]}, "a": {"x": [5.0, 6.0], "a": [7.0, 8.0]}})
    summary = summarise(table)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert summary["scenario"].tolist() == ["b", "b", "a", "a"]
    assert summary["kpi"].tolist() == ["x", "a", "x", "a"]


def test_ci_contains_true_mean_and_matches_scipy() -> None:
    rng = np.random.default_rng(20240601)
    values = rng.normal(50.0, 8.0, 400)
    summary = summarise(_table({"s": {"kpi": list(values)}})).iloc[0]
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert summary["ci_low"] == pytest.approx(low, rel=1e-12)
    assert summary["ci_high"] == pytest.approx(high, rel=1e-12)
    assert summary["ci_low"] < 50.0 < summary["ci_high"]
    assert summary["std"] == pytest.approx(values.std(ddof=1))
    assert summary["p50"] == pytest.approx(np.median(values))


def test_ci_coverage_close_to_nominal_over_fixed_seed_samples() -> None:
    rng = np.random.default_rng(7)
    samples = rng.normal(10.0, 3.0, size=(2000, 12))
    covered = sum(mean_interval(row).ci_low <= 10.0 <= mean_interval(row).ci_high for row in samples)
    # 95% nominal; binomial sd over 2000 samples ~0.5%, allow >4 sd.
    assert abs(covered / 2000 - 0.95) < 0.025


def test_nan_dropped_and_small_samples_give_nan_ci() -> None:
    table = _table(
        {
            "generalist": {
                "utilisation_sdr": [math.nan, math.nan, math.nan],
                "win_rate": [0.2, math.nan, 0.4],
            },
            "specialist": {"utilisation_sdr": [0.9, math.nan, math.nan], "win_rate": [0.3, 0.5, math.nan]},
        }
    )
    summary = {(r["scenario"], r["kpi"]): r for r in summarise(table).to_dict("records")}
    assert summary[("generalist", "utilisation_sdr")]["n"] == 0
    assert math.isnan(summary[("generalist", "utilisation_sdr")]["mean"])
    one = summary[("specialist", "utilisation_sdr")]
    assert one["n"] == 1 and one["mean"] == 0.9 and math.isnan(one["ci_low"]) and math.isnan(one["ci_high"])
    assert summary[("generalist", "win_rate")]["mean"] == pytest.approx(0.3)
    comparison = {r["kpi"]: r for r in compare(table, "generalist").to_dict("records")}
    # win_rate pairs: run 0 (0.2, 0.3) only; runs 1 and 2 have a NaN on one side.
    assert comparison["win_rate"]["n_pairs"] == 1
    assert comparison["win_rate"]["mean_diff"] == pytest.approx(0.1)
    assert math.isnan(comparison["win_rate"]["ci_low"])
    assert not comparison["win_rate"]["significant"]
    assert comparison["utilisation_sdr"]["n_pairs"] == 0
    assert math.isnan(comparison["utilisation_sdr"]["share_better"])


def test_compare_columns_and_paired_ci_matches_scipy() -> None:
    table = _paired_sample(300, seed=3)
    comparison = compare(table, "generalist")
    assert tuple(comparison.columns) == COMPARISON_COLUMNS
    row = comparison.to_dict("records")[0]
    diff = (
        table.loc[table.scenario == "specialist", "bookings"].to_numpy()
        - table.loc[table.scenario == "generalist", "bookings"].to_numpy()
    )
    low, high = stats.t.interval(0.95, diff.size - 1, loc=diff.mean(), scale=stats.sem(diff))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["mean_diff"] == pytest.approx(row["scenario_mean"] - row["baseline_mean"])
    assert row["relative_diff"] == pytest.approx(row["mean_diff"] / abs(row["baseline_mean"]))
    assert row["direction"] == 1 and row["significant"]


def test_paired_ci_narrower_than_unpaired_when_pairs_correlate() -> None:
    table = _paired_sample(200, seed=5)
    paired = compare(table, "generalist").to_dict("records")[0]
    unpaired = unpaired_difference(
        table.loc[table.scenario == "specialist", "bookings"],
        table.loc[table.scenario == "generalist", "bookings"],
    )
    assert (paired["ci_high"] - paired["ci_low"]) * 4 < unpaired.ci_high - unpaired.ci_low
    assert unpaired.ci_low < 0 < unpaired.ci_high  # the effect is lost in the noise without pairing
    assert paired["ci_low"] > 0  # ... and found with pairing
    assert correlation_of_pairs(table, "generalist", "bookings")["specialist"] > 0.9


def test_share_better_respects_direction() -> None:
    table = _table(
        {
            "generalist": {"deals_lost_leaked": [10.0] * 4, "deals_won": [5.0] * 4, "leads_total": [1.0] * 4},
            "specialist": {
                "deals_lost_leaked": [8.0, 9.0, 12.0, 10.0],
                "deals_won": [6.0, 4.0, 4.0, 5.0],
                "leads_total": [2.0, 0.0, 2.0, 1.0],
            },
        }
    )
    comparison = {r["kpi"]: r for r in compare(table, "generalist").to_dict("records")}
    assert comparison["deals_lost_leaked"]["direction"] == -1
    assert comparison["deals_lost_leaked"]["share_better"] == pytest.approx(0.5)  # fewer losses in runs 0 and 1
    assert comparison["deals_won"]["share_better"] == pytest.approx(0.25)  # a tie is not better
    assert comparison["leads_total"]["direction"] == 0
    assert comparison["leads_total"]["share_better"] == pytest.approx(0.5)  # neutral: share higher


def test_ties_are_counted_and_named_so_a_small_share_better_is_not_read_as_worse() -> None:
    # deals won in a small segment: one more in 12 of 60 paired runs, one fewer in 3; the other 45 tie
    base = [2.0] * 60
    scen = [3.0] * 12 + [1.0] * 3 + [2.0] * 45
    comparison = compare(_table({"generalist": {"deals_won": base}, "specialist": {"deals_won": scen}}), "generalist")
    row = comparison[comparison["kpi"] == "deals_won"].iloc[0]
    assert (row["share_better"], row["share_worse"]) == pytest.approx((0.20, 0.05))
    assert ties_words(row) == "equal in 75%"
    sentence = difference_sentence(row)
    assert "does better in 20% of paired runs, worse in 5% (equal in 75%)" in sentence
    assert "only 20%" not in sentence
    no_ties = compare(_paired_sample(40, 3), "generalist").iloc[0]
    assert ties_words(no_ties) is None and no_ties["share_better"] + no_ties["share_worse"] == pytest.approx(1.0)


def test_a_kpi_that_differs_by_rounding_alone_is_no_difference() -> None:
    """csm_coverage's CAC read a $1.7e-12 'clear' difference, better in 19% of runs: a subtraction's last bits."""
    rng = np.random.default_rng(4)
    cac = rng.normal(20_000.0, 2_000.0, 60)
    # the same figure computed as (a - b) with other a and b: equal up to the last few bits
    noisy = (cac + 3_600_000.0) - 3_600_000.0
    assert np.any(noisy != cac)
    efficiency = rng.normal(1.7, 0.2, 60)
    table = _table(
        {
            "csm_11": {"cac": list(cac), "sales_efficiency": list(efficiency), "bookings": list(cac)},
            "csm_7": {
                "cac": list(noisy),
                "sales_efficiency": list(efficiency * (1 + 1e-15)),
                "bookings": list(cac + 1),
            },
        }
    )
    rows = compare(table, "csm_11").set_index("kpi")
    for kpi in ("cac", "sales_efficiency"):
        row = rows.loc[kpi]
        assert row["mean_diff"] == 0.0 and (row["ci_low"], row["ci_high"]) == (0.0, 0.0), kpi
        assert not row["significant"] and row["share_better"] == 0.0 and row["share_worse"] == 0.0, kpi
    assert rows.loc["bookings", "significant"]  # a real difference of $1 a run still is one


def test_shares_of_paired_runs_add_up_to_the_difference_they_sit_beside() -> None:
    """plan_check read "+23.0 points, better in 26% of paired runs and worse in 4%": the runs were 26.5% and 3.5%."""
    base = [0.0] * 200
    scen = [1.0] * 53 + [0.0] * 140 + [-1.0] * 7  # 53 of 200 better, 7 worse, 140 equal
    comparison = compare(_table({"today": {"deals_won": base}, "more": {"deals_won": scen}}), "today")
    row = comparison[comparison["kpi"] == "deals_won"].iloc[0]
    assert row["mean_diff"] == pytest.approx(0.23)
    sentence = difference_sentence(row)
    assert "does better in 26.5% of paired runs, worse in 3.5% (equal in 70%)" in sentence
    assert [format_share(v) for v in (0.265, 0.035, 0.26, 0.04, 1.0, 0.0, 0.999)] == [
        "26.5%",
        "3.5%",
        "26%",
        "4%",
        "100%",
        "0%",
        "99.9%",
    ]


def test_compare_rejects_unknown_baseline() -> None:
    with pytest.raises(ValueError, match="baseline 'nope'"):
        compare(_paired_sample(10, seed=1), "nope")


def test_replications_needed_reaches_the_precision() -> None:
    rng = np.random.default_rng(9)
    table = _table({"s": {"bookings": list(rng.normal(100.0, 20.0, 50))}, "zero": {"bookings": [0.0] * 50}})
    needed = replications_needed(table, "bookings", relative_precision=0.02)
    assert set(needed) == {"s"}  # a zero mean has no relative precision
    std = table.loc[table.scenario == "s", "bookings"].std()
    mean = table.loc[table.scenario == "s", "bookings"].mean()
    n = needed["s"]
    half = stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)
    half_before = stats.t.ppf(0.975, n - 2) * std / math.sqrt(n - 1)
    assert half <= 0.02 * mean < half_before


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(-1e9, 1e9, allow_nan=False), st.just(math.nan)),
        min_size=1,
        max_size=40,
    )
)
def test_summary_invariants(values: list[float]) -> None:
    row = summarise(_table({"s": {"kpi": values}})).iloc[0]
    assert row["n"] == sum(not math.isnan(v) for v in values)
    if row["n"] >= 2:
        assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    if row["n"] >= 1:
        assert row["p10"] <= row["p50"] <= row["p90"]


def test_the_runs_needed_for_the_shown_interval_agree_with_the_precision_it_shows() -> None:
    """Bookings' CI is on the log scale (wider above): "99 runs give ±5.5%; the 100 runs made reach it (now ±5.6%)"
    had stood beside runs=auto's "stopped by the cap of 100 runs at ±5.6%, short of the ±5.5% target"."""
    rng = np.random.default_rng(3)
    table = _table({"s": {"bookings": list(rng.lognormal(15.0, 0.45, 100))}})
    values = table["bookings"].to_numpy()
    t_width = relative_half_width(values)  # the Student t interval's
    shown = relative_half_width(values, kpi="bookings")  # the report's, its wider side
    assert shown > t_width
    between = (t_width + shown) / 2.0
    assert replications_needed(table, "bookings", relative_precision=between)["s"] <= 100  # the t count: "reach it"
    assert replications_needed(table, "bookings", relative_precision=between, shown=True)["s"] > 100
    assert replications_needed(table, "bookings", relative_precision=shown * 1.001, shown=True)["s"] <= 100
    assert replications_needed(table, "bookings", relative_precision=shown * 0.999, shown=True)["s"] > 100
