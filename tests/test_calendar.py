"""The one calendar: months, quarters and years in working days, and everything cut by it."""

from __future__ import annotations

import copy
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.config.calendar import abstract_calendar, dated_calendar
from simulator.config.clock import ClockConfig
from simulator.config.errors import ConfigError
from simulator.config.schema import parse_scenario
from simulator.engines.simpy import simulate
from simulator.model.market import draw_arrivals
from simulator.model.metrics import kpi_row, monthly_series
from simulator.model.scenario import compile_scenario
from simulator.model.window import window_months
from tests.scenarios import compiled, shipped

# ---------------------------------------------------------------------------- the abstract calendar


def test_a_250_day_year_has_months_of_20_and_21_days_and_quarters_of_62_and_63() -> None:
    cal = abstract_calendar(250.0)
    lengths = np.diff(cal.month_start)
    assert set(lengths.tolist()) == {20.0, 21.0} and lengths.sum() == 250.0
    assert np.diff(cal.edges("quarter")).tolist() == [63.0, 62.0, 63.0, 62.0]
    assert cal.days_per_month == pytest.approx(250 / 12)
    assert [cal.label("month", m) for m in (0, 11)] == ["Y1-01", "Y1-12"]
    assert cal.label("quarter", 1) == "Y1-Q2" and cal.label("year", 0) == "Y1"


def test_a_yearly_figure_is_held_to_the_day() -> None:
    cal = abstract_calendar(250.0)
    assert cal.prorate("year", [3.5e6], 0.0, 250.0) == pytest.approx(3.5e6)
    for days in (1.0, 37.5, 100.0, 249.0):
        assert cal.prorate("year", [3.5e6], 0.0, days) == pytest.approx(3.5e6 * days / 250.0)
    assert cal.prorate("year", [3.5e6], 63.0, 188.0) == pytest.approx(3.5e6 * 125.0 / 250.0)


def test_a_window_starting_mid_quarter_takes_each_quarter_by_its_share() -> None:
    cal = abstract_calendar(250.0)
    slices = cal.slices("quarter", 100.0, 200.0)
    assert [s.label for s in slices] == ["Y1-Q2", "Y1-Q3", "Y1-Q4"]
    assert [s.share for s in slices] == pytest.approx([25 / 62, 1.0, 12 / 62])
    plan = [1e6, 2e6, 3e6, 4e6]
    assert cal.prorate("quarter", plan, 100.0, 200.0) == pytest.approx(2e6 * 25 / 62 + 3e6 + 4e6 * 12 / 62)


def test_the_quarterly_plan_of_the_issue_q2_to_q4_is_four_million() -> None:
    """Warm-up of 63 days (Q1), a 252-day horizon: the window is Q2-Q4 plus two days of next year's Q1."""
    cal = abstract_calendar(252.0)
    assert cal.prorate("quarter", [0, 0, 0, 4e6], 63.0, 252.0) == pytest.approx(4e6)
    assert [s.label for s in cal.slices("quarter", 63.0, 252.0)] == ["Y1-Q2", "Y1-Q3", "Y1-Q4", "Y2-Q1"]


def test_partial_months_are_cut_at_the_window() -> None:
    cal = abstract_calendar(250.0)
    edges, labels = cal.month_window(10.0, 50.0)
    assert edges.tolist() == [10.0, 21.0, 42.0, 50.0]
    assert labels == ["Y1-01", "Y1-02", "Y1-03"]


def test_a_multi_year_horizon_repeats_the_plan_every_year() -> None:
    cal = abstract_calendar(750.0)
    assert cal.n_months == 36 and cal.month_start[-1] == 750.0
    assert cal.prorate("year", [1e6], 0.0, 750.0) == pytest.approx(3e6)
    assert cal.prorate("quarter", [1, 2, 3, 4], 0.0, 750.0) == pytest.approx(30.0)
    assert cal.label("month", 35) == "Y3-12" and cal.label("quarter", 8) == "Y3-Q1"
    assert int(cal.month_of(500.0)) == 24 and int(cal.month_of(499.99)) == 23


def test_windows_outside_the_calendar_are_refused() -> None:
    cal = abstract_calendar(250.0)
    with pytest.raises(ValueError, match="empty window"):
        cal.slices("month", 10.0, 10.0)
    with pytest.raises(ValueError, match="outside the calendar"):
        cal.slices("month", 0.0, 251.0)


# ---------------------------------------------------------------------------- the dated calendar


def test_a_dated_calendar_has_months_of_20_to_23_working_days() -> None:
    cal = dated_calendar(dt.date(2017, 1, 2), 250.0)
    lengths = np.diff(cal.month_start[:13])
    # 2017: Jan 22, Feb 20, Mar 23, Apr 20, May 23, Jun 22, Jul 21, Aug 23, Sep 21, Oct 22, Nov 22, Dec 21
    assert lengths.tolist() == [22, 20, 23, 20, 23, 22, 21, 23, 21, 22, 22, 21]
    assert cal.label("month", 9) == "2017-10" and cal.label("quarter", 3) == "2017-Q4"


def test_day_zero_is_the_first_working_day_and_months_before_it_count_backwards() -> None:
    cal = dated_calendar(dt.date(2017, 10, 1), 70.0)  # a Sunday: day 0 is Monday 2 October
    october = 9
    assert cal.month_start[october] == 0.0 and cal.month_start[october + 1] == 22.0
    assert cal.month_start[october - 1] == -21.0  # September 2017 had 21 working days
    assert cal.first_year == 2017 and cal.start_date == dt.date(2017, 10, 1)


def test_holidays_are_not_working_days() -> None:
    plain = dated_calendar(dt.date(2017, 12, 1), 30.0)
    christmas = dated_calendar(dt.date(2017, 12, 1), 30.0, [dt.date(2017, 12, 25), dt.date(2017, 12, 26)])
    assert np.diff(plain.month_start)[11] - np.diff(christmas.month_start)[11] == 2


def test_a_window_starting_mid_month_on_a_dated_calendar() -> None:
    cal = dated_calendar(dt.date(2017, 10, 16), 60.0)  # day 0 = Monday 16 October: 10 working days into October
    edges, labels = cal.month_window(0.0, 60.0)
    assert labels == ["2017-10", "2017-11", "2017-12", "2018-01"]
    assert edges.tolist() == [0.0, 12.0, 34.0, 55.0, 60.0]
    slices = cal.slices("month", 0.0, 60.0)
    assert slices[0].share == pytest.approx(12 / 22)


# ---------------------------------------------------------------------------- the clock section


def test_days_per_month_is_refused_with_the_setting_that_replaces_it() -> None:
    data = {**shipped(), "clock": {"horizon_days": 250, "days_per_month": 20}}
    with pytest.raises(ConfigError) as error:
        parse_scenario(data)
    message = str(error.value)
    assert "clock.days_per_month = 20" in message and "clock.days_per_year=240" in message


def test_a_dated_clock_refuses_its_own_year_length_and_holidays_need_a_date() -> None:
    with pytest.raises(ConfigError, match="days_per_year"):
        parse_scenario({**shipped(), "clock": {"start_date": "2017-10-02", "days_per_year": 250}})
    with pytest.raises(ConfigError, match="holidays"):
        parse_scenario({**shipped(), "clock": {"holidays": ["2017-12-25"]}})
    clock = ClockConfig.model_validate({"start_date": "2017-10-02", "horizon_days": 63})
    assert clock.calendar().label("month", 9) == "2017-10"


def test_a_start_date_on_the_command_line_is_enough_for_a_dated_calendar() -> None:
    # the shipped clock leaves the year's length null: the date alone must not be refused
    [spec, *_] = simulator.load_experiment(overrides=["clock.start_date=2027-01-04", "runs=2"]).scenarios
    calendar = spec.config.clock.calendar()
    assert calendar.label("month", 0) == "2027-01" and calendar.days_per_year != 250.0  # 2027 has 261 weekdays
    [spec, *_] = simulator.load_experiment(overrides=["runs=2"]).scenarios
    assert spec.config.clock.days_per_year is None and spec.config.clock.calendar().days_per_year == 250.0
    with pytest.raises(ConfigError) as error:
        simulator.load_experiment(overrides=["clock.start_date=9998-06-01"])  # Python's dates end in 9999
    assert "clock.start_date = '9998-06-01': is too late" in str(error.value)
    with pytest.raises(ConfigError, match="9997-01-04': is too late"):  # the calendar-year note looks 2 years on
        simulator.load_experiment(overrides=["clock.start_date=9997-01-04"])
    with pytest.raises(ConfigError, match=r"clock\.start_date = 20270104: is written YYYY-MM-DD"):  # no dashes
        simulator.load_experiment(overrides=["clock.start_date=20270104"])
    with pytest.raises(ConfigError) as error:
        simulator.load_experiment(overrides=["clock.start_date=2027-01-04", "clock.days_per_year=260"])
    assert "clock.days_per_year = 260" in str(error.value) and "must be null (left out)" in str(error.value)


# ---------------------------------------------------------------------------- everything cut by the calendar


def test_seasonality_follows_the_calendar_month_of_a_dated_start() -> None:
    data = shipped()
    data["market"]["seasonality"] = [1.0] * 9 + [3.0, 1.0, 1.0]  # October triples
    data["clock"] = {"start_date": "2017-10-02", "horizon_days": 65}  # October, November, December
    sc = compiled(data)
    counts = np.zeros(3)
    for r in range(20):
        arrival, _ = draw_arrivals(sc, 5, r)
        counts += np.histogram(arrival, bins=[0, 22, 44, 65])[0]
    per_day = counts / np.array([22, 22, 21])
    assert per_day[0] / per_day[1] == pytest.approx(3.0, rel=0.1)


def test_monthly_tables_carry_the_calendar_month_and_quarter() -> None:
    data = shipped()
    data["clock"] = {"start_date": "2017-10-16", "horizon_days": 60}
    run = simulate(compiled(data), 3, 0)
    series = monthly_series(run)
    assert series.calendar_month.tolist() == ["2017-10", "2017-11", "2017-12", "2018-01"]
    assert series.quarter.tolist() == ["2017-Q4", "2017-Q4", "2017-Q4", "2018-Q1"]
    assert series.leads.sum() == np.isfinite(run.leads.arrival_day).sum()


def test_a_yearly_plan_is_held_to_its_value_over_a_year() -> None:
    """The report and the model agree: a 250-day window is held to the plan itself, not 13/12 of it."""
    data = {**shipped(), "plan": {"bookings": 3_500_000}}
    row = kpi_row(simulate(compiled(data), 2, 0))
    assert row["plan_target"] == pytest.approx(3_500_000)
    assert row["hit_plan"] == float(row["bookings"] >= 3_500_000)
    assert row["plan_shortfall"] == pytest.approx(max(0.0, 3_500_000 - row["bookings"]))


def test_a_quarterly_plan_is_applied_by_calendar_quarter_not_by_position() -> None:
    """The issue's case: Q2-Q4 measured, all of the plan in Q4: the window is held to $4M."""
    data = {**shipped(), "plan": {"bookings": [0, 0, 0, 4_000_000]}}
    data["clock"] = {"warmup_days": 63, "horizon_days": 252}
    row = kpi_row(simulate(compiled(data), 2, 0))
    assert row["plan_target"] == pytest.approx(4_000_000)
    assert row["bookings"] < 4_000_000 and row["hit_plan"] == 0.0
    assert row["plan_shortfall"] == pytest.approx(4_000_000 - row["bookings"])
    # a quarter planned at $0 has nothing to hit: no value, where it had read "hit" (100% of runs)
    assert math.isnan(row["hit_plan_y1_q2"]) and math.isnan(row["hit_plan_y1_q3"]) and row["hit_plan_y1_q4"] == 0.0
    from simulator.analysis.statistics import summarise
    from simulator.report.plan_section import _quarter_cells

    table = pd.DataFrame([{"scenario": "s", "replication": r, **row} for r in range(3)])
    summary = summarise(table)
    assert _quarter_cells(summary, ["s"], "hit_plan_y1_q2") == ["no plan ($0)"]
    assert _quarter_cells(summary, ["s"], "hit_plan_y1_q4")[0].startswith("0.0% (0.0% to ")


def test_hires_in_month_k_start_on_the_first_working_day_of_that_calendar_month() -> None:
    data = copy.deepcopy(shipped())
    data["clock"] = {"start_date": "2017-10-16", "horizon_days": 60}
    data["workforce"] = {"teams": {"full_cycle": {"hires": [{"month": 2, "count": 1}, {"month": 3, "count": 1}]}}}
    sc = compile_scenario(parse_scenario(data))
    team = sc.team_names.index("full_cycle")
    assert sc.workforce.teams[team].hire_days == (12.0, 34.0)  # 1 November, 1 December 2017
    assert window_months(sc).labels[1:3] == ("2017-11", "2017-12")


def test_a_dated_clock_with_a_warm_up_is_told_how_to_measure_whole_calendar_years() -> None:
    shipped_year = ClockConfig.model_validate({"start_date": "2027-01-04", "horizon_days": 500, "warmup_days": 250})
    advice = shipped_year.year_window_advice()
    # 2027 from Monday 4 January has 260 weekdays, leap 2028 starting on a Saturday 260 more
    assert advice is not None and "to measure 2028, set clock.warmup_days=260 clock.horizon_days=520" in advice
    aligned = ClockConfig.model_validate({"start_date": "2027-01-04", "horizon_days": 520, "warmup_days": 260})
    assert aligned.year_window_advice() is None
    assert aligned.calendar().label("month", aligned.calendar().month_of(260)) == "2028-01"
    assert aligned.calendar().month_of(519) == aligned.calendar().month_of(260) + 11  # December 2028
    as_of = ClockConfig.model_validate({"start_date": "2027-06-01", "horizon_days": 120, "warmup_days": 0})
    assert as_of.year_window_advice() is None  # a forecast from an as-of date is not a calendar year
    assert ClockConfig.model_validate({"horizon_days": 500, "warmup_days": 250}).year_window_advice() is None
    experiment = simulator.load_experiment(overrides=["clock.start_date=2027-01-04", "runs=2"])
    assert experiment.clock_notes() == [advice]  # once, though both scenarios have the clock
