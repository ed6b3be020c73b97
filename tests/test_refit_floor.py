""" "More runs would tell" is said only where more runs can tell: not where a calibrated company's refits hold the CI.

crm-maven's run of 100 runs on 40 refits read "median sales cycle 42.0 working days; published
42.7–59.8 (0.7 below; its 95% CI reaches the range: more runs would tell)" while the same
report's "How precise is this" said more runs cannot narrow the interval: its 40 refits hold
the median cycle's CI to at least ±1.8 working days, more than the 0.7 between it and the range.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from reporting_fixtures import BASELINE, make_result

from simulator.analysis.answer_choice import unsure_words
from simulator.analysis.intervals import t_quantile
from simulator.analysis.refit_floor import scenario_floors
from simulator.analysis.statistics import summarise
from simulator.analysis.unusual_words import unusual_lines
from simulator.report.unusual_section import report_unusual_section, unusual_summary

CYCLE = "cycle_time_days_p50"  # the published range: 41.1-57.5 working days at 250 a year


def _cycle(mean: float, low: float, high: float) -> pd.DataFrame:
    return pd.DataFrame([{"scenario": "as_is", "kpi": CYCLE, "mean": mean, "ci_low": low, "ci_high": high, "n": 100}])


def test_a_ci_the_refits_hold_on_the_range_needs_more_refits_not_more_runs() -> None:
    table = _cycle(40.4, 38.6, 42.3)  # 0.7 below 41.1, its CI reaching it
    (held,) = (line.sentence for line in unusual_lines(table, ["as_is"], floors={"as_is": {CYCLE: 1.8}}, refits=40))
    assert "more runs would tell" not in held
    assert (
        "its 95% CI reaches the range: the 40 refits' own spread holds it to at least ±1.8 working days however many "
        "runs: more refits (`salesim calibrate --draws`) would tell, more runs cannot" in held
    )
    # a floor short of the range: more runs (on the same refits) can move the CI off it
    (narrow,) = (line.sentence for line in unusual_lines(table, ["as_is"], floors={"as_is": {CYCLE: 0.3}}, refits=40))
    assert "its 95% CI reaches the range: more runs would tell" in narrow
    # independent runs (no refits shared): as before
    (alone,) = (line.sentence for line in unusual_lines(table, ["as_is"]))
    assert "its 95% CI reaches the range: more runs would tell" in alone


def test_the_floor_is_the_spread_between_the_refits_and_only_where_runs_share_them() -> None:
    draws, runs = 40, 100
    replication = np.arange(runs)
    level = np.linspace(-1.0, 1.0, draws)[replication % draws]  # the refits differ; runs on one hardly
    noise = np.random.default_rng(3).normal(0.0, 0.01, runs)
    table = pd.DataFrame({"scenario": "as_is", "replication": replication, "x": 42.0 + level + noise})
    floor = scenario_floors(table, "as_is", ["x", "absent"], draws)["x"]
    assert floor == pytest.approx(
        t_quantile(draws) * np.std(np.linspace(-1, 1, draws), ddof=1) / math.sqrt(draws), rel=0.02
    )
    assert scenario_floors(table.head(draws), "as_is", ["x"], draws) == {}  # a run per refit: no floor
    assert scenario_floors(table, "as_is", ["x"], 0) == {}


def test_the_report_and_the_terminal_say_more_refits_where_the_refits_hold_the_ci() -> None:
    result = make_result(runs=100)
    runs = result.replications.copy()
    baseline = runs["scenario"] == BASELINE
    # the median cycle 40.4 working days, 0.7 below the range, and set by each run's refit (run r on refit r mod 40)
    runs.loc[baseline, CYCLE] = 40.4 + 3.0 * np.sin(runs.loc[baseline, "replication"].to_numpy() % 40)
    specs = tuple(dataclasses.replace(s, draws=(s.config,) * 40) for s in result.experiment.scenarios)
    drawn = dataclasses.replace(
        result,
        experiment=dataclasses.replace(result.experiment, scenarios=specs),
        replications=runs,
        summary=summarise(runs, draws=40),
    )
    assert drawn.experiment.parameter_draw_count == 40
    for text in ("\n".join(report_unusual_section(drawn)), unusual_summary(drawn)):
        line = next(x for x in text.splitlines() if "median sales cycle 40" in x)
        assert "more runs would tell" not in line and "more refits (`salesim calibrate --draws`) would tell" in line


def test_a_target_the_refits_hold_the_ci_across_needs_more_refits() -> None:
    ranking = pd.DataFrame({"scenario": ["more"], "mean": [3.05e6], "ci_low": [2.95e6], "ci_high": [3.15e6]})
    held = unsure_words(ranking, "more", "bookings", 3.0e6, refits=40, floor=80_000.0)
    assert "reaches below the target" in held and "more runs would" not in held
    assert "the 40 refits' own spread holds it to at least ±$80.0k however many runs: more refits" in held
    assert unsure_words(ranking, "more", "bookings", 3.0e6, refits=40, floor=20_000.0).endswith("more runs would")
    assert unsure_words(ranking, "more", "bookings", 3.0e6).endswith("more runs would")
