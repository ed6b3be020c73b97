"""Runs sharing a calibrated company's parameter draws: intervals over the draws' means.

5,000 runs on 40 bootstrap refits of crm-maven read a mean bookings of ±$8k where the
refits' own spread allows about ±$83k: the interval took runs on one refit as
independent. These tests build runs with a known between-draw and within-draw spread
(seeded, so each is exact) and check the intervals cover the true mean as often as they
claim, where the old intervals did not.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.comparison import compare
from simulator.analysis.draw_means import draw_means, draw_spread, draw_weights, run_quantiles, shares_draws
from simulator.analysis.precision import runs_needed_sentence
from simulator.analysis.ranking import probability_best, rank_scenarios
from simulator.analysis.run_counts import draw_floors, replications_needed
from simulator.analysis.statistics import kpi_interval, mean_interval, relative_half_width, summarise

DRAWS, PER_DRAW = 40, 25
MEAN, BETWEEN, WITHIN = 3.0e6, 0.25e6, 0.4e6  # bookings: the refits' spread and the period's luck


def _runs(rng: np.random.Generator, runs: int = DRAWS * PER_DRAW, draws: int = DRAWS) -> np.ndarray:
    """Bookings of ``runs`` runs, run r on draw r mod ``draws``: draw effect plus the run's own luck."""
    effect = rng.normal(0.0, BETWEEN, draws)
    return MEAN + effect[np.arange(runs) % draws] + rng.normal(0.0, WITHIN, runs)


def test_intervals_over_draws_cover_the_true_mean_as_claimed_and_run_by_run_ones_do_not() -> None:
    rng = np.random.default_rng(20261204)
    trials, index = 400, np.arange(DRAWS * PER_DRAW)
    covered = {"draws": 0, "runs": 0}
    for _ in range(trials):
        values = _runs(rng)
        for name, draws in (("draws", DRAWS), ("runs", 0)):
            interval = kpi_interval("bookings", values, replications=index, draws=draws)
            covered[name] += interval.ci_low <= MEAN <= interval.ci_high
    se = math.sqrt(0.95 * 0.05 / trials)
    assert abs(covered["draws"] / trials - 0.95) < 3 * se, covered  # 95% within three standard errors
    # runs taken as independent: a standard error of $14.9k where $41.5k is right covers 2 Phi(0.70) - 1 = 52%
    assert covered["runs"] / trials < 0.6, covered


def test_the_half_width_is_the_draws_spread_over_root_draws_not_over_root_runs() -> None:
    values, index = _runs(np.random.default_rng(3)), np.arange(DRAWS * PER_DRAW)
    over_draws = mean_interval(values, replications=index, draws=DRAWS)
    over_runs = mean_interval(values)
    expected = 2.0227 * math.sqrt(BETWEEN**2 + WITHIN**2 / PER_DRAW) / math.sqrt(DRAWS)  # t(39) = 2.0227
    assert over_draws.half_width == pytest.approx(expected, rel=0.3)
    assert over_draws.half_width > 3 * over_runs.half_width
    assert over_draws.n == over_runs.n == DRAWS * PER_DRAW and over_draws.std == over_runs.std  # the runs' own
    assert relative_half_width(values, replications=index, draws=DRAWS) == pytest.approx(
        over_draws.half_width / over_draws.mean
    )


def test_every_draw_weighs_the_same_however_many_runs_it_has() -> None:
    # 50 runs on 40 draws: draws 0-9 have two runs, 30-39 one
    values = np.where(np.arange(50) % DRAWS < 10, 100.0, 0.0)
    means = draw_means(values, np.arange(50), DRAWS)
    assert means is not None and means.size == DRAWS
    assert kpi_interval("bookings", values, replications=np.arange(50), draws=DRAWS).mean == pytest.approx(25.0)
    assert float(values.mean()) == pytest.approx(40.0)  # the runs' mean weighs draws 0-9 twice


def test_no_more_runs_than_draws_leaves_the_runs_the_unit() -> None:
    values, index = _runs(np.random.default_rng(5), runs=30), np.arange(30)
    assert not shares_draws(index, DRAWS) and draw_means(values, index, DRAWS) is None
    assert kpi_interval("bookings", values, replications=index, draws=DRAWS) == kpi_interval("bookings", values)
    assert mean_interval(values, replications=index, draws=0) == mean_interval(values)


def test_nan_runs_are_dropped_before_the_draws_means() -> None:
    values = np.array([1.0, np.nan, 3.0, 5.0, 7.0, np.nan])  # draws of 3: {1, 5}, {nan, 7}, {3, nan}
    means = draw_means(values, np.arange(6), 3)
    assert means is not None and means.tolist() == [3.0, 7.0, 3.0]


def _table(rng: np.random.Generator, effect_sd: float) -> pd.DataFrame:
    """Two designs on the same runs: the lever's effect varies with the draw (its parameters)."""
    runs = DRAWS * PER_DRAW
    base = _runs(rng)
    lever = 0.05e6 + rng.normal(0.0, effect_sd, DRAWS)[np.arange(runs) % DRAWS] + rng.normal(0.0, 0.02e6, runs)
    rows = {"scenario": ["as_is"] * runs + ["hire"] * runs, "replication": [*range(runs), *range(runs)]}
    return pd.DataFrame({**rows, "bookings": np.concatenate([base, base + lever])})


def test_paired_differences_over_draws_cover_the_lever_effect_as_claimed() -> None:
    rng = np.random.default_rng(77)
    trials, covered, naive = 300, 0, 0
    for _ in range(trials):
        table = _table(rng, effect_sd=0.1e6)
        row = compare(table, "as_is", draws=DRAWS).set_index("kpi").loc["bookings"]
        covered += row["ci_low"] <= 0.05e6 <= row["ci_high"]
        plain = compare(table, "as_is").set_index("kpi").loc["bookings"]
        naive += plain["ci_low"] <= 0.05e6 <= plain["ci_high"]
    se = math.sqrt(0.95 * 0.05 / trials)
    assert abs(covered / trials - 0.95) < 3 * se, covered
    assert naive / trials < 0.6, naive


def test_the_summary_and_the_ranking_read_the_draws_too() -> None:
    table = _table(np.random.default_rng(9), effect_sd=0.1e6)
    summary = summarise(table, draws=DRAWS).set_index(["scenario", "kpi"]).loc[("as_is", "bookings")]
    runs = table[table.scenario == "as_is"]
    by_draw = kpi_interval("bookings", runs["bookings"], replications=runs["replication"].to_numpy(), draws=DRAWS)
    assert (summary["ci_low"], summary["ci_high"]) == (by_draw.ci_low, by_draw.ci_high)
    assert summary["p10"] == pytest.approx(runs["bookings"].quantile(0.1))  # the band stays the runs'
    ranking = rank_scenarios(table, "bookings", "as_is", ["as_is", "hire"], draws=DRAWS).set_index("scenario")
    assert ranking.loc["as_is", "ci_low"] == by_draw.ci_low
    # P(best) resamples the 40 draws, not the 1,000 runs: less sure than run by run
    sure = probability_best(table, "bookings", ["as_is", "hire"])["hire"]
    assert probability_best(table, "bookings", ["as_is", "hire"], parameter_draws=DRAWS)["hire"] <= sure


def test_more_runs_cannot_pass_the_draws_floor_and_the_report_says_so() -> None:
    values = _runs(np.random.default_rng(11))
    table = pd.DataFrame({"scenario": "as_is", "replication": np.arange(values.size), "bookings": values})
    spread = draw_spread(values, np.arange(values.size), DRAWS)
    assert spread is not None and spread.between == pytest.approx(BETWEEN**2, rel=0.5)
    assert spread.within == pytest.approx(WITHIN**2, rel=0.1)
    floor = draw_floors(table, "bookings", DRAWS)["as_is"]
    assert floor == pytest.approx(2.0227 * BETWEEN / math.sqrt(DRAWS) / MEAN, rel=0.5)  # about 2.8%
    assert replications_needed(table, "bookings", relative_precision=0.02, draws=DRAWS) == {}  # below the floor
    reachable = replications_needed(table, "bookings", relative_precision=0.05, draws=DRAWS)["as_is"]
    assert reachable % DRAWS == 0 and reachable < values.size  # a whole number of runs per draw
    words = runs_needed_sentence("as_is", values.size, None, 0.031, "bookings", 0.02, (DRAWS, floor))
    assert f"on {DRAWS} bootstrap refits" in words and "more runs cannot" in words
    refits = math.ceil(DRAWS * (floor / 0.02) ** 2)  # about 80: the floor narrows as 1/sqrt(refits)
    assert f"about {refits:,} refits (`salesim calibrate --draws {refits}`" in words


def test_runs_auto_stops_once_the_draws_floor_is_above_the_target() -> None:
    """runs=auto on 40 refits with a 1% target ran to its cap of 10,000 runs for nothing."""
    from simulator.analysis.results import _precision
    from simulator.run.experiment import PrecisionGoal
    from simulator.run.runner import next_target

    values, index = _runs(np.random.default_rng(13)), np.arange(DRAWS * PER_DRAW)
    goal = PrecisionGoal("bookings", 0.01, max_runs=10_000, pilot_runs=4)
    width = _precision(values, index, DRAWS, goal.relative_half_width)
    assert width < 0 and abs(width) == pytest.approx(relative_half_width(values, replications=index, draws=DRAWS))
    assert next_target(goal, values.size, width) == values.size  # stopped: more runs cannot reach 1%
    reachable = _precision(values, index, DRAWS, 0.05)
    assert reachable > 0
    few = _precision(values[:30], index[:30], DRAWS, goal.relative_half_width)  # one run per draw so far
    assert few > 0 and next_target(goal, 30, few) > 30


def test_a_run_count_past_the_draws_says_it_assumes_independent_runs() -> None:
    """runs=40 on 40 refits read '94 runs give +-2%'; at 94 runs the floor said +-2.8% whatever the runs."""
    words = runs_needed_sentence("as_is", 40, 94, 0.029, "bookings", 0.02, None, DRAWS)
    # the shortfall and the refits' limit first: "94 runs give ±2%" had led, the caveat after it
    opening = "**as_is**: the 40 runs made fall short of a 95% CI of mean bookings within ±2% (now ±2.9%)."
    assert words.startswith(opening), words
    assert "Independent runs would reach it at about 94, but past 40 runs they share the 40 bootstrap refits" in words
    assert "80 runs (two on each refit) show how far runs can narrow it" in words and "more are needed" not in words
    assert "independent" not in runs_needed_sentence("as_is", 10, 30, 0.05, "bookings", 0.02, None, DRAWS)


def test_a_single_scenario_gets_no_probability_of_being_the_best() -> None:
    """A calibrated company's forecast (one scenario) showed P(best) 100%: the best of one."""
    table = _table(np.random.default_rng(21), effect_sd=0.1e6)
    alone = rank_scenarios(table[table.scenario == "as_is"], "bookings", "as_is", ["as_is"], draws=DRAWS)
    assert math.isnan(float(alone["p_best"].iloc[0]))
    both = rank_scenarios(table, "bookings", "as_is", ["as_is", "hire"], draws=DRAWS)
    assert float(both["p_best"].sum()) == pytest.approx(1.0)


def test_a_band_weighs_every_draw_alike_when_some_draws_carry_a_run_more() -> None:
    """100 runs on 40 refits put 3 runs on 20 refits and 2 on the others: the band leaned to the first 20."""
    # by hand: run 0 and run 4 share draw 0 (weight 1/2 each); sorted 1, 2, 3, 10, 10 sit at
    # 0, 1, 2, 3, 3.5 of 3.5, so the median is 2 + (0.5 - 2/7) / (2/7) = 2.75 (the runs' own: 3)
    weights = draw_weights(np.arange(5), 4)
    assert weights is not None and list(weights) == [0.5, 1.0, 1.0, 1.0, 0.5]
    values = np.array([10.0, 1.0, 2.0, 3.0, 10.0])
    assert run_quantiles(values, [0.0, 0.5, 1.0], weights) == pytest.approx([1.0, 2.75, 10.0])
    assert draw_weights(np.arange(80), 40) is None and draw_weights(np.arange(30), 40) is None  # alike already
    # 1,500 runs on 1,000 draws: draws 0-499 (two runs each) centred at +1, the rest at -1. Every
    # draw alike, the band is symmetric about 0; run by run its median sits near +0.38
    rng = np.random.default_rng(20261204)
    index = np.arange(1500)
    centre = np.where(index % 1000 < 500, 1.0, -1.0)
    values = centre + rng.normal(0.0, 1.0, index.size)
    table = pd.DataFrame({"scenario": "as_is", "replication": index, "bookings": values + 10.0})
    row = summarise(table, draws=1000).set_index("kpi").loc["bookings"]
    se = 1.2533 * math.sqrt(2.0) / math.sqrt(1000)  # the median's standard error, ~1,000 draws' worth of runs
    assert abs(row["p50"] - 10.0) < 4 * se, row["p50"]
    assert abs((row["p10"] - 10.0) + (row["p90"] - 10.0)) < 8 * se
    assert float(np.median(values)) > 0.3  # the runs' own median: what the band read before
    equal = summarise(table.iloc[:1000], draws=1000).set_index("kpi").loc["bookings"]
    assert equal["p10"] == pytest.approx(np.quantile(values[:1000] + 10.0, 0.1))  # unchanged with one run a draw
