"""Money, quota, the plan, capacity reconciliation, forecasts, queues and SLA breaches (issue 8)."""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from reporting_fixtures import BASELINE, make_result

import simulator
from simulator.analysis.formatting import format_money
from simulator.analysis.intervals import wilson_interval
from simulator.analysis.planning import NO_BOTTLENECK_DAYS, bottlenecks
from simulator.analysis.statistics import summarise
from simulator.config.errors import ConfigError
from simulator.config.schema import parse_scenario
from simulator.config.validation import validate_scenario
from simulator.engines.simpy import simulate
from simulator.model.dysfunctions import queue_table
from simulator.model.economics import economics_kpis, rep_ledger
from simulator.model.employment import productive_days
from simulator.model.metrics import kpi_row
from simulator.model.pipeline_records import CustomerState
from simulator.model.plan import capacity_kpis
from simulator.model.plan_tables import PlanTables
from simulator.model.planning import planning_tables
from simulator.model.records import Outcome
from simulator.model.window import window_year_days
from simulator.report.outputs import write_outputs
from simulator.report.plan_section import capacity_section, planning_sections
from simulator.run.build import experiment_from_dict
from simulator.run.table_source import FrameTable
from tests.scenarios import CONFIGS, compiled, shipped, single_stage_queue

ECONOMICS = {
    "roles": {
        "server": {
            "base_salary": 100_000,
            "on_target_variable": 20_000,
            "pay_share": 0.8,
            "commission_rate": 0.1,
            "quota": 500_000,
        }
    },
    "tool_cost_per_seat_year": 1_000,
    "sources": {"arrivals": {"cost_per_lead": 10, "margin": 0.05}},
}


TOY_YEAR = 240.0  # working days in the toy's year (tests/scenarios.py: 20-day months)


def toy(reps: int = 2, horizon: float = 125.0, conversion: float = 1.0, **sections: Any) -> dict[str, Any]:
    """One stage, $1,000 deals, reps with PRM seats: costs a reader can work out by hand."""
    data = single_stage_queue(2.0, 0.2, reps, horizon, conversion=conversion)
    data["org"]["teams"]["servers"]["prm_automation"] = True
    data["economics"] = copy.deepcopy(ECONOMICS)
    data["market"]["deal_value"] = {"dist": "constant", "value": 1000.0}
    data.update(sections)
    return data


def two_stage_pipeline(conversion: float, horizon: float = 147.0) -> dict[str, Any]:
    """Two stages with a 5-day buyer delay and enough reps that nobody waits: every deal closes in a week."""
    data = single_stage_queue(
        3.0, 0.05, 20, horizon, conversion=conversion, service={"dist": "constant", "value": 0.05}
    )
    first = data["pipeline"]["stages"][0]
    data["pipeline"]["stages"] = [
        {**first, "name": "meet", "delay_days": {"dist": "constant", "value": 5.0}},
        {**first, "name": "sign"},
    ]
    data["market"]["deal_value"] = {"dist": "constant", "value": 1000.0}
    return data


# ---------------------------------------------------------------------------- money and quota


def test_cost_kpis_match_a_hand_computation() -> None:
    run = simulate(compiled(toy()), 3, 0)
    row = kpi_row(run)
    bookings, won, leads = row["bookings"], row["deals_won"], row["leads_total"]
    assert bookings == 1000.0 * won > 0
    half_year = 125.0 / TOY_YEAR
    fixed_per_rep = 100_000 + 120_000 * (1 / 0.8 - 1)  # base + on-costs of an OTE of $120k at a 80% pay share
    assert row["cost_people_fixed"] == pytest.approx(2 * half_year * fixed_per_rep)
    assert row["cost_commission"] == pytest.approx(0.1 * bookings)
    assert row["cost_tools"] == pytest.approx(2 * half_year * 1_000)
    assert row["cost_partner_fees"] == pytest.approx(0.05 * bookings)
    assert row["cost_marketing"] == pytest.approx(10 * leads)
    cost = 2 * half_year * (fixed_per_rep + 1_000) + 0.15 * bookings
    assert row["cost_of_sales"] == pytest.approx(cost)
    assert row["cac"] == pytest.approx((cost + 10 * leads) / won)
    # sales and marketing alike, as CAC: the inverse of the new CAC ratio (Benchmarkit)
    assert row["sales_efficiency"] == pytest.approx(bookings / (cost + 10 * leads))
    assert row["contribution"] == pytest.approx(bookings - cost - 10 * leads)
    assert row["bookings_per_rep"] == pytest.approx(bookings / 2)
    assert row["cost_retention"] == 0.0  # no customer book: every dollar goes to new customers


def four_pipelines(expansion_close_role: str = "csm") -> dict[str, Any]:
    """The shipped generalist organisation with its four pipelines and its economics, over 150 days."""
    data = shipped("generalist", economics="default")
    data["pipelines"] = yaml.safe_load((CONFIGS / "pipelines" / "default.yaml").read_text())
    data["pipelines"]["retention"]["expansion"]["stages"][1]["role"] = expansion_close_role
    data["clock"] = {"horizon_days": 150.0, "warmup_days": 20.0, "days_per_year": 252}
    return data


def test_cac_leaves_out_the_cost_of_serving_existing_customers() -> None:
    """CAC and S&M per $ of new ARR carried the CSMs' whole pay (their renewals and expansions)."""
    run = simulate(compiled(four_pipelines()), 3, 0)
    row = kpi_row(run)
    sc = run.scenario
    assert sc.economics is not None
    csm = sc.team_names.index("csm")
    lo, hi = sc.warmup_days, sc.horizon_days
    days = np.clip(np.minimum(run.rep_leave_day, hi) - np.maximum(run.rep_hire_day, lo), 0.0, None)
    members = run.rep_team == csm
    per_year = sc.economics.team_fixed_cost[csm] + sc.economics.team_tool_cost[csm]
    joined = members & (run.rep_hire_day > 0) & (run.rep_hire_day >= lo) & (run.rep_hire_day < hi)
    by_hand = (
        float(days[members].sum() / window_year_days(sc)) * per_year + joined.sum() * sc.economics.team_hiring_cost[csm]
    )
    # the CSMs work only renewals and expansions here, the other teams never touch the book
    assert row["utilisation_full_cycle_renewal"] == row["utilisation_full_cycle_expansion"] == 0.0
    assert row["cost_retention"] == pytest.approx(by_hand, rel=1e-12) and by_hand > 100_000
    acquisition = row["cost_of_sales"] - by_hand
    assert row["cac"] == pytest.approx((acquisition + row["cost_marketing"]) / row["deals_won"])
    assert row["sales_efficiency"] == pytest.approx(row["bookings"] / (acquisition + row["cost_marketing"]))
    assert row["expansion_bookings"] > 0
    assert row["contribution"] == pytest.approx(row["bookings"] - acquisition - row["cost_marketing"])
    # the meetings the reps book by prospecting are paid in their time, not at $220 a lead
    assert row["leads_outbound"] > 0 and row["cost_marketing"] == pytest.approx(84.0 * row["leads_inbound"])


def test_a_team_working_new_business_and_the_book_is_split_by_its_time() -> None:
    run = simulate(compiled(four_pipelines(expansion_close_role="full_cycle")), 3, 0)
    row = kpi_row(run)
    sc = run.scenario
    parts = ("sales", "prospecting", "partner", "renewal", "expansion")
    share = {
        team: (row[f"utilisation_{team}_renewal"] + row[f"utilisation_{team}_expansion"])
        / sum(row[f"utilisation_{team}_{p}"] for p in parts)
        for team in ("full_cycle", "csm")
    }
    assert 0.0 < share["full_cycle"] < 0.2 and share["csm"] == 1.0
    ledger = rep_ledger(run, sc.economics)  # type: ignore[arg-type]
    cost = {
        team: float(
            (
                ledger.employed_days
                / window_year_days(sc)
                * (sc.economics.team_fixed_cost + sc.economics.team_tool_cost)[ledger.team]
            )[ledger.team == sc.team_names.index(team)].sum()
        )
        for team in share
    }
    hired = row["cost_hiring"]  # joiners' hiring cost, split with their team
    # and the full-cycle reps' commission on the expansions they close (8%), all of it serving the book
    upsells = row["cost_commission_expansion"]
    assert upsells == pytest.approx(0.08 * row["expansion_bookings"]) and upsells > 0
    expected = sum(cost[t] * share[t] for t in share) + upsells
    assert expected <= row["cost_retention"] <= expected + hired


def test_the_reps_table_leaves_out_reps_gone_before_the_window() -> None:
    """801 rows of a default run's reps.csv were reps who left during the warm-up, with zero days."""
    data = four_pipelines()
    data["clock"] = {"horizon_days": 300.0, "warmup_days": 200.0, "days_per_year": 252}
    data["workforce"] = yaml.safe_load((CONFIGS / "workforce" / "default.yaml").read_text())
    run = simulate(compiled(data), 3, 0)
    gone = np.flatnonzero(run.rep_leave_day <= 200.0)
    assert gone.size > 0  # some reps left during the warm-up
    reps = planning_tables(run)["reps"]
    assert (reps["employed_days"] > 0).all() and not set(gone) & set(reps["rep"])
    assert len(reps["rep"]) == run.rep_team.size - gone.size


def test_each_rep_who_joins_costs_its_roles_hiring_cost() -> None:
    """Replacing a rep cost nothing: 50% turnover read cheaper than 35% (rep_attrition's cost of sales)."""
    data = toy(workforce={"teams": {"servers": {"hires": [{"day": 30, "count": 2}, {"day": 60, "count": 1}]}}})
    data["economics"]["roles"]["server"]["hiring_cost"] = 5_000
    row = kpi_row(simulate(compiled(data), 3, 0))
    assert row["cost_hiring"] == 3 * 5_000  # the two reps of day 0 are already there
    parts = ("cost_people_fixed", "cost_commission", "cost_tools", "cost_partner_fees", "cost_hiring")
    assert row["cost_of_sales"] == pytest.approx(sum(row[k] for k in parts))
    assert kpi_row(simulate(compiled(toy()), 3, 0))["cost_hiring"] == 0.0


def test_bookings_are_credited_to_the_closing_rep_and_attainment_follows() -> None:
    run = simulate(compiled(toy(reps=3)), 4, 0)
    sc = run.scenario
    assert sc.economics is not None
    ledger = rep_ledger(run, sc.economics)
    won = run.log.outcome == Outcome.WON
    assert ledger.credited_bookings.sum() == pytest.approx(run.leads.deal_value[won].sum())
    for rep in range(3):
        closed = won & (run.log.stage_rep[:, 0] == rep)
        assert ledger.credited_bookings[rep] == pytest.approx(run.leads.deal_value[closed].sum())
    expected = ledger.credited_bookings / (500_000 * 125.0 / TOY_YEAR)
    np.testing.assert_allclose(ledger.attainment, expected)
    row = kpi_row(run)
    assert row["quota_attainment_p50"] == pytest.approx(float(np.median(expected)))
    assert row["reps_at_quota_share"] == pytest.approx(float(np.mean(expected >= 1)))


def test_costs_follow_headcount_and_days_employed() -> None:
    small, large = (kpi_row(simulate(compiled(toy(reps=n)), 5, 0)) for n in (2, 4))
    assert large["cost_people_fixed"] == pytest.approx(2 * small["cost_people_fixed"])
    assert large["cost_tools"] == pytest.approx(2 * small["cost_tools"])
    run = simulate(compiled(toy(reps=2)), 5, 0)
    assert run.scenario.economics is not None
    # A rep who leaves half-way costs half a rep; one hired 10 days before the run is not yet ramped,
    # and sells at half speed (the ramp curve's first month) for its first 10 days of the window.
    data = toy(reps=2)
    data["economics"]["roles"]["server"]["ramp_months"] = 1
    data["workforce"] = {"roles": {"server": {"ramp": {"productivity": [0.5]}}}}
    sc = compiled(data)
    assert sc.economics is not None
    run = dataclasses.replace(
        simulate(sc, 5, 0),
        rep_hire_day=np.array([0.0, 0.0]),
        rep_leave_day=np.array([62.5, np.inf]),
        rep_start_tenure_months=np.array([np.inf, 0.5]),
    )
    ledger = rep_ledger(run, sc.economics)
    costs = economics_kpis(run, ledger, sc.economics)
    np.testing.assert_allclose(ledger.employed_days, [62.5, 125.0])
    assert costs["cost_people_fixed"] == pytest.approx(small["cost_people_fixed"] * 0.75)
    assert math.isfinite(ledger.attainment[0]) and math.isnan(ledger.attainment[1])
    np.testing.assert_allclose(productive_days(run), [62.5, 125.0 - 10 * 0.5])
    gaps = capacity_kpis(run, ledger, sc.economics, PlanTables(None, "year", 1.0))
    per_day = 500_000 / TOY_YEAR
    assert gaps["capacity_gap_attrition"] == pytest.approx(62.5 * per_day)
    assert gaps["capacity_gap_ramp"] == pytest.approx(10 * 0.5 * per_day)


def test_economics_sections_leave_every_existing_kpi_unchanged() -> None:
    plain = shipped()
    richer = {
        **plain,
        "economics": copy.deepcopy(ECONOMICS),
        "plan": {"bookings": 1e6},
        "sla": {"stages": {"close": 1}},
    }
    # a role priced one by one must be named (a misspelt role is refused): every team gets the default pay line
    for team in plain["org"]["teams"].values():
        richer["economics"]["roles"].setdefault(team["role"], {})
    richer["clock"] = plain["clock"] = {"horizon_days": 60}
    base, with_money = (kpi_row(simulate(compiled(d), 11, 0)) for d in (plain, richer))
    for kpi, value in base.items():
        if kpi.startswith(("cost", "cac", "sales_eff", "contribution", "bookings_per", "quota", "reps_at", "sla_")):
            continue
        assert with_money[kpi] == value or (math.isnan(value) and math.isnan(with_money[kpi])), kpi


# ---------------------------------------------------------------------------- the plan


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def _bookings_experiment(seed: int, runs: int, plan: float | None) -> simulator.ExperimentResult:
    data = single_stage_queue(1.0, 0.2, 3, 60.0, conversion=0.5)
    data["market"]["deal_value"] = {"dist": "lognormal", "median": 20000, "p90": 60000}
    data.update(seed=seed, runs=runs, plan={"bookings": plan})
    return simulator.run_experiment(experiment_from_dict(data), workers=1)


def test_a_plan_at_the_median_of_bookings_is_hit_about_half_the_time() -> None:
    pilot = _bookings_experiment(seed=1, runs=150, plan=None)
    p50 = float(np.median(pilot.replications["bookings"]))
    window_share = 3 / 12  # 60 days at 20 days a month: three months of a yearly plan
    result = _bookings_experiment(seed=2, runs=150, plan=p50 / window_share)
    hits = result.replications["hit_plan"]
    assert set(hits.unique()) <= {0.0, 1.0}
    standard_error = math.sqrt(0.25 / 150 + 0.25 / 150)  # the new runs and the pilot's median both vary
    assert abs(hits.mean() - 0.5) < 4 * standard_error
    short = result.replications["plan_shortfall"]
    assert ((short > 0) == (hits == 0)).all()
    row = result.summary[(result.summary.kpi == "hit_plan")].iloc[0]
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson_interval(hits.sum(), 150))


def test_quarterly_plan_gives_a_probability_per_quarter() -> None:
    # a second quarter no run reaches, within 100 times the reps' quotas ($1M) and the other quarters: beyond, a slip
    data = toy(reps=2, horizon=120.0, plan={"bookings": [1e5, 5e6, 1e5, 1e5]})
    row = kpi_row(simulate(compiled(data), 1, 0))
    assert row["hit_plan_y1_q1"] == 1.0 and row["hit_plan_y1_q2"] == 0.0 and row["hit_plan"] == 0.0
    assert "hit_plan_y1_q3" not in row  # 6 months of 20 days: two calendar quarters
    assert row["plan_target"] == pytest.approx(1e5 + 5e6)


def test_a_quarterly_plan_and_a_plan_never_missed_reach_the_report(tmp_path: Path) -> None:
    # each quarter's probability in its own table; a plan hit in every run (a Wilson bound a hair
    # below 1 drew a negative whisker and stopped the figures before the report) gives all files
    overrides = ["runs=6", "clock.horizon_days=125", "clock.warmup_days=0"]  # Q1 and Q2: 62 + 63 working days
    quarterly = simulator.load_experiment("plan_check", [*overrides, "plan.bookings=[100000,9e6,100000,100000]"])
    result = simulator.run_experiment(quarterly, workers=1)
    write_outputs(result, tmp_path)
    report = (tmp_path / "report.md").read_text()
    table = report.split("Quarter by quarter:", 1)[1].split("\n\n", 2)[1]
    assert "Probability of hitting the plan in Y1-Q1 (%) | $100.0k | 100.0% (" in table
    assert "Probability of hitting the plan in Y1-Q2 (%) | $9.00M | 0.0% (" in table and "Y1-Q3" not in table
    assert (tmp_path / "decision.png").stat().st_size > 0 and (tmp_path / "report.html").stat().st_size > 0


def test_capacity_gaps_add_up_to_the_simulated_bookings() -> None:
    data = {**shipped(org="specialist"), "clock": {"horizon_days": 100}}
    row = kpi_row(simulate(compiled(data), 2, 0))
    gaps = sum(row[k] for k in row if k.startswith("capacity_gap_"))
    assert row["capacity_spreadsheet"] - gaps == pytest.approx(row["bookings"])
    ae_quota = 750_000  # the schema default prices every role like an AE (the shipped economics does not)
    seats = sum(team["headcount"] for team in data["org"]["teams"].values())  # 8 AEs, 4 SDRs, 3 CSMs, 1 PM
    assert row["capacity_spreadsheet"] == pytest.approx(seats * ae_quota * 0.5 * 100 / 250)
    assert row["capacity_gap_leakage"] > 0 and row["capacity_gap_cycle"] > 0
    assert row["capacity_gap_carry_in"] == 0.0  # no warm-up: nothing was open when the window started


def test_the_spreadsheet_counts_planned_hires_from_their_start_date() -> None:
    """A planner's seats include the hiring plan; with nobody leaving, no attrition gap appears."""
    data = {**shipped(org="specialist"), "clock": {"horizon_days": 100}}
    data["workforce"] = {"teams": {"ae": {"hires": [{"day": 40, "count": 2}]}}}
    row = kpi_row(simulate(compiled(data), 2, 0))
    seats = sum(team["headcount"] for team in data["org"]["teams"].values()) * 100 + 2 * 60
    assert row["capacity_spreadsheet"] == pytest.approx(seats * 750_000 * 0.5 / 250)
    assert row["capacity_gap_attrition"] == pytest.approx(0.0, abs=1e-6)
    gaps = sum(row[k] for k in row if k.startswith("capacity_gap_"))
    assert row["capacity_spreadsheet"] - gaps == pytest.approx(row["bookings"])


def _bridge_rows(patch: Callable[[dict[str, Any]], None], runs: int = 20) -> pd.DataFrame:
    """Capacity bridge lines of the shipped generalist org with the shipped economics and workforce."""
    data = {**shipped(), "clock": {"horizon_days": 175, "warmup_days": 25}}
    data["economics"] = yaml.safe_load((CONFIGS / "economics" / "default.yaml").read_text())
    data["workforce"] = yaml.safe_load((CONFIGS / "workforce" / "default.yaml").read_text())
    patch(data)
    sc = compiled(data)
    rows = [kpi_row(simulate(sc, 31, r)) for r in range(runs)]
    return pd.DataFrame(rows)[[c for c in rows[0] if c.startswith("capacity_")] + ["bookings"]]


def _moved(base: pd.DataFrame, lever: pd.DataFrame, line: str) -> float:
    """The paired change of a bridge line in standard errors."""
    diff = (lever[line] - base[line]).to_numpy()
    se = diff.std(ddof=1) / math.sqrt(diff.size)
    return float(diff.mean() / se) if se > 0 else math.copysign(math.inf, diff.mean()) if diff.mean() else 0.0


def _holds(base: pd.DataFrame, lever: pd.DataFrame, lines: list[str], own: str) -> None:
    """Lines other than ``own`` change by under 5% of ``own``'s change (a leaver finishes the item in hand at
    its own pace, so employment ends shift by hours when the work does); the spreadsheet not at all."""
    pd.testing.assert_series_equal(lever["capacity_spreadsheet"], base["capacity_spreadsheet"])
    change = abs((lever[own] - base[own]).mean())
    for line in lines:
        assert abs((lever[line] - base[line]).mean()) < 0.05 * change, line


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def patch(data: dict[str, Any]) -> None:
        *keys, last = path.split(".")
        node = data
        for key in keys:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value

    return patch


def _no_ramp(data: dict[str, Any]) -> None:
    data["workforce"]["roles"]["full_cycle"].pop("ramp")


def test_each_lever_moves_its_own_line_of_the_capacity_bridge() -> None:
    """Ramp, attrition, leakage and coverage each move their own line (>4 SE); the others hold where they must."""
    base = _bridge_rows(lambda d: None)
    for frame in (base,):
        total = frame[[c for c in frame if c.startswith("capacity_gap_")]].sum(axis=1)
        np.testing.assert_allclose(frame["capacity_spreadsheet"] - total, frame["bookings"], rtol=1e-9)
        assert (frame["capacity_gap_carry_in"] < 0).all()  # the warm-up's pipeline books inside the window
    # a faster ramp: the ramp line shrinks; seats and vacancies are the same draws
    fast = _bridge_rows(_set("workforce.roles.full_cycle.ramp.productivity", [0.6, 0.9, 1.0, 1.0, 1.0]))
    assert _moved(base, fast, "capacity_gap_ramp") < -4
    _holds(base, fast, ["capacity_gap_attrition"], "capacity_gap_ramp")
    # more attrition (no ramp curve, so new hires do not move the ramp line): the attrition line grows
    steady = _bridge_rows(_no_ramp)
    churny = _bridge_rows(lambda d: (_no_ramp(d), _set("workforce.roles.full_cycle.attrition_rate", 1.2)(d)))
    assert _moved(steady, churny, "capacity_gap_attrition") > 4
    assert (steady["capacity_gap_ramp"] == 0).all() and (churny["capacity_gap_ramp"] == 0).all()
    pd.testing.assert_series_equal(churny["capacity_spreadsheet"], steady["capacity_spreadsheet"])
    # shorter patience of buyers: the leakage line grows; the workforce lines are untouched
    impatient = _bridge_rows(_set("pipeline.stages.0.max_wait_days", 2))
    assert _moved(base, impatient, "capacity_gap_leakage") > 4
    _holds(base, impatient, ["capacity_gap_attrition", "capacity_gap_ramp"], "capacity_gap_leakage")
    # fewer leads: the pipeline fills less of the capacity, the coverage line grows
    thin = _bridge_rows(lambda d: [_set(f"market.sources.{k}.leads_per_month", 5)(d) for k in d["market"]["sources"]])
    assert _moved(base, thin, "capacity_gap_coverage") > 4
    _holds(base, thin, ["capacity_gap_attrition", "capacity_gap_ramp"], "capacity_gap_coverage")


# ---------------------------------------------------------------------------- forecasts


def _forecast_errors(conversion: float, runs: int = 20) -> np.ndarray:
    sc = compiled(two_stage_pipeline(conversion))
    return np.array([kpi_row(simulate(sc, 21, r))["forecast_mape"] for r in range(runs)])


def test_forecast_error_is_zero_for_a_deterministic_pipeline() -> None:
    for forecast in (
        {"weights": "learned"},
        {"weights": "configured", "month": {"meet": 1, "sign": 1}, "quarter": {"meet": 1, "sign": 1}},
    ):
        data = {**two_stage_pipeline(1.0), "forecast": forecast}
        row = kpi_row(simulate(compiled(data), 21, 0))
        for kpi in ("forecast_mape", "forecast_bias", "forecast_mape_quarter", "forecast_bias_quarter"):
            assert row[kpi] == pytest.approx(0.0, abs=1e-12), (forecast["weights"], kpi)


def test_forecast_error_grows_with_the_pipeline_variance() -> None:
    certain, likely, coin = (_forecast_errors(c) for c in (1.0, 0.8, 0.5))
    assert np.all(certain < 1e-12)
    for low, high in ((certain, likely), (likely, coin)):
        diff = high - low  # paired on the same leads (common random numbers)
        assert diff.mean() > 4 * diff.std(ddof=1) / math.sqrt(diff.size)


# ---------------------------------------------------------------------------- queues, SLA, bottleneck


def test_queue_areas_and_visits_add_up() -> None:
    sc = compiled(single_stage_queue(4.0, 1.0, 4, 100.0))
    run = simulate(sc, 3, 0)
    table = queue_table(run)
    entered = np.isfinite(run.log.stage_enter[:, 0])
    end = np.where(np.isfinite(run.log.stage_start[:, 0]), run.log.stage_start[:, 0], 100.0)[entered]
    waits = end - run.log.stage_enter[entered, 0]
    lengths = np.array([20.0] * 5)
    assert float((table["queue_length"] * lengths).sum()) == pytest.approx(float(waits.sum()))
    started = np.isfinite(run.log.stage_start[:, 0])
    assert table["visits"].sum() == started.sum()
    assert np.nansum(table["wait_days"] * table["visits"]) == pytest.approx(
        float((run.log.stage_start[started, 0] - run.log.stage_enter[started, 0]).sum())
    )


def test_sla_breach_at_max_wait_counts_the_leaked_and_tighter_slas_breach_more() -> None:
    base = {**shipped(org="specialist"), "clock": {"horizon_days": 80}}
    base["org"]["teams"]["sdr"]["headcount"] = 1
    row = kpi_row(simulate(compiled(base), 4, 0))
    assert row["sla_breach_awareness"] * row["sla_visits_awareness"] == pytest.approx(row["stage_leaked_awareness"])
    tight = kpi_row(simulate(compiled({**base, "sla": {"stages": {"awareness": 1.0}}}), 4, 0))
    assert tight["sla_breach_awareness"] > row["sla_breach_awareness"] > 0


def test_sla_breaches_are_over_the_visits_whose_sla_fell_due_in_the_window() -> None:
    """solution_engineers read "SLA breaches at need specified 13.7%" beside "219 (16% of those reaching it) leak
    there", at an SLA equal to the stage's max wait: the share had been over every visit entering in the window,
    the last SLA days' entrants included, who could not breach before the horizon."""
    base = {**shipped(org="specialist"), "clock": {"horizon_days": 80}}
    base["org"]["teams"]["sdr"]["headcount"] = 1
    run = simulate(compiled(base), 4, 0)
    row = kpi_row(run)
    assert row["sla_breach_awareness"] > row["stage_leaked_awareness"] / row["stage_entries_awareness"] > 0.05
    enter = run.log.stage_enter[:, 0]
    due = enter[np.isfinite(enter)] + run.scenario.stage_sla_days[0]
    assert row["sla_visits_awareness"] == float(((due >= 0.0) & (due < 80.0)).sum())


def test_the_understaffed_team_is_named_the_bottleneck() -> None:
    experiment = simulator.load_experiment(
        overrides=[
            "org=specialist",
            "org.teams.sdr.headcount=1",
            "runs=2",
            "clock.horizon_days=63",
            "clock.warmup_days=0",
        ]
    )
    table = bottlenecks(simulator.run_experiment(experiment, workers=1))
    whole = table[(table.scenario == "specialist") & (table.period == "all")].iloc[0]
    assert (whole.stage, whole.team) == ("awareness", "sdr")
    assert set(table.period) == {"all", "Y1-Q1"}  # 63 working days: the first calendar quarter


def test_no_team_is_named_the_bottleneck_when_no_lead_waits() -> None:
    result = make_result(runs=4)
    queues = pd.DataFrame(
        {
            "scenario": BASELINE,
            "replication": [0, 0, 1, 1],
            "quarter": "Y1-Q1",
            "stage": ["qualify", "close"] * 2,
            "team": "full_cycle",
            "wait_days": [0.01, 0.04, 0.02, 0.045],  # at most about 20 minutes: shown as 0.0 days
            "visits": [10, 10, 10, 10],
            "queue_length": [0.1, 0.2, 0.1, 0.3],
        }
    )
    result.table_sources = {"monthly_queues": FrameTable(queues)}
    table = bottlenecks(result)
    assert len(table) == 2 and table.stage.isna().all() and table.team.isna().all()
    assert table.wait_days.iloc[0] == pytest.approx(0.0425) and table.queue_length.iloc[0] == pytest.approx(0.25)
    section = "\n".join(planning_sections(result))
    assert f"none (no mean wait reached {NO_BOTTLENECK_DAYS} working days)" in section
    assert "0.0 working days wait" not in section
    queues.loc[1, "wait_days"] = 0.07  # close's mean wait is now (0.7 + 0.45) / 20 = 0.0575 days
    table = bottlenecks(result)
    assert list(table.stage) == ["close", "close"] and "close at" in "\n".join(planning_sections(result)).lower()


# ---------------------------------------------------------------------------- config and report


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        ({"economics": {"roles": {"ae": {"quota": -1}}}}, "economics.roles.ae.quota"),
        ({"economics": {"rolez": {}}}, "economics.rolez"),
        ({"plan": {"bookings": [1, 2, 3]}}, "plan.bookings"),
        ({"forecast": {"weights": "configured", "month": {"close": 0.5}}}, "forecast.month"),
        ({"sla": {"stages": {"nowhere": 1}}}, "sla.stages.nowhere"),
        ({"org": {"teams": {"full_cycle": {"prm_automation": "yes"}}}}, "org.teams.full_cycle.prm_automation"),
    ],
)
def test_bad_planning_config_names_the_key(patch: dict[str, Any], key: str) -> None:
    data = shipped()
    for section, value in patch.items():
        data[section] = simulator.run.build.deep_merge(data.get(section) or {}, value)
    with pytest.raises(ConfigError) as error:
        validate_scenario(parse_scenario(data))
    assert any(issue.key == key for issue in error.value.issues), error.value


def test_plan_check_report_has_the_planning_sections(tmp_path: Path) -> None:
    experiment = simulator.load_experiment("plan_check", ["runs=2", "clock.horizon_days=126", "clock.warmup_days=0"])
    result = simulator.run_experiment(experiment, workers=1)
    write_outputs(result, tmp_path)
    report = (tmp_path / "report.md").read_text()
    for heading in (
        "## The plan",
        "## What it costs",
        "## The capacity plan against the simulation",
        "## Forecasts",
        "## Bottlenecks",
    ):
        assert heading in report, heading
    for name in ("quota_attainment.png", "reps.csv", "monthly_queues.csv"):
        assert (tmp_path / name).stat().st_size > 0, name
    summary = summarise(result.replications)
    assert {"hit_plan", "plan_shortfall", "cost_of_sales", "cac", "forecast_mape"} <= set(summary.kpi)
    # what counts towards the plan, and the spreadsheet beside it: 12 reps x $560k x 50% x 126/250 of a year
    # is $1.69M, 84% of the $2.02M the half year holds; on paper $4M / ($560k x 50%) = 14.3 reps
    plan = report.split("## The plan", 1)[1].split("## What it costs", 1)[0]
    assert "What counts towards the plan: new-business bookings" in plan and "of expansion bookings" in plan
    assert (
        "- **today**: the capacity planner's spreadsheet (seats x quota x the assumed 50% attainment) puts these "
        "seats at $1.69M over the window, 84% of the plan's $2.02M; on paper the plan takes 14.3 full cycle reps at "
        "its quota of $560.0k, where the spreadsheet counts 12.0 seats" in plan
    ), plan
    assert "the plan takes 14.3 full cycle reps at its quota of $560.0k, where the spreadsheet counts 14.0" in plan


def test_a_quarterly_plan_over_part_of_a_year_counts_the_seats_the_run_has() -> None:
    """A quarterly plan held over half a year: the seats and the quota are the window's, not the plan's weight.

    plan_check over Y2-Q1 and Y2-Q2 with [0.5M, 0.5M, 1M, 2M]: the window holds $1.00M of the
    $4.00M typed, but half a year of the 12 seats; the words had divided by the plan's share
    (1/4) where the window is half a year, and read "the spreadsheet counts 24.0 seats".
    """
    overrides = ["runs=1", "clock.horizon_days=375", "plan.bookings=[500000,500000,1000000,2000000]"]
    experiment = simulator.load_experiment("plan_check", overrides)
    result = simulator.run_experiment(experiment, workers=1)
    from simulator.report.plan_words import plan_reading_lines

    text = "\n".join(plan_reading_lines(result, summarise(result.replications), ["today"]))
    # 12 seats x $560k x 50% x 125/250 of a year = $1.68M; the window's $1.00M takes $1.00M / ($560k x 50% x 0.5)
    assert "puts these seats at $1.68M over the window, 168% of the plan's $1.00M" in text, text
    assert "on paper the window's part of the plan takes 7.1 full cycle reps at its quota of $560.0k" in text, text
    assert "where the spreadsheet counts 12.0 seats" in text, text


def test_a_run_without_quota_says_so_instead_of_a_capacity_bridge_from_zero() -> None:
    def rows(scenario: str, spreadsheet: float) -> list[dict[str, Any]]:
        values = {"capacity_spreadsheet": spreadsheet, "capacity_gap_queueing": 2e5, "bookings": 3e6}
        return [{"scenario": scenario, "kpi": k, "mean": v, "ci_low": v, "ci_high": v} for k, v in values.items()]

    alone = capacity_section(pd.DataFrame(rows("as_is", 0.0)), ["as_is"])
    assert alone[0] == "## The capacity plan against the simulation" and "No team carries a quota" in alone[2]
    assert not any(line.startswith("|") for line in alone)  # no bridge from $0
    both = capacity_section(pd.DataFrame(rows("as_is", 0.0) + rows("quota", 5e6)), ["as_is", "quota"])
    header = next(line for line in both if line.startswith("| "))
    assert "quota" in header and "as_is" not in header
    assert any(line.startswith("- **as_is**: not shown. No team carries a quota") for line in both)
    assert capacity_section(pd.DataFrame(rows("as_is", 0.0))[lambda t: t.kpi == "bookings"], ["as_is"]) == []


def test_the_capacity_bridges_largest_line_the_rest_is_said_in_words() -> None:
    """The default run's largest line was "pipeline coverage and attainment, the rest, which adds $738.6k": no more."""
    from simulator.analysis.planning import capacity_bridge

    values = {"capacity_spreadsheet": 3.36e6, "capacity_gap_leakage": 7.7e4, "capacity_gap_ramp": 2.2e5}
    values |= {"capacity_gap_carry_in": -5.0e5, "capacity_gap_coverage": -7.386e5, "bookings": 3.67e6}
    rows = [{"scenario": "today", "kpi": k, "mean": v, "ci_low": v, "ci_high": v} for k, v in values.items()]
    summary = pd.DataFrame(rows)
    bridge = capacity_bridge(summary, "today")
    rest = bridge[-2][1]
    assert bridge[-2][0].startswith("pipeline coverage and attainment, the rest") and rest > 0
    lines = capacity_section(summary, ["today"], {"today": 0.5})
    line = next(line for line in lines if line.startswith("- **today**"))
    assert line.startswith("- **today**: the largest difference is pipeline coverage and attainment, the rest, which ")
    assert f"the leads and win rates booked {format_money(rest)} more than seats x quota x the assumed 50%" in line
    # "the plan" is the bookings plan the report asks about: the quota arithmetic is named as such
    assert "this pipeline converts more than that quota arithmetic counts on, so the arithmetic understates" in line
    assert "the plan" not in line
    # without the assumed attainment, the line stays as it was; a shortfall says the leads did not fill the seats
    assert "after every loss" not in next(x for x in capacity_section(summary, ["today"]) if x.startswith("- **"))
    short = pd.DataFrame([{**r, "mean": 9.0e5} if r["kpi"] == "capacity_gap_coverage" else r for r in rows])
    said = next(x for x in capacity_section(short, ["today"], {"today": 0.5}) if x.startswith("- **"))
    assert "less than seats x quota x the assumed 50% attainment: the leads did not fill" in said, said
    assert said.endswith("the capacity that quota arithmetic counts.") and "the plan" not in said, said


def test_the_capacity_bridges_carried_in_line_is_set_against_the_deals_open_at_the_end() -> None:
    """speed_to_lead's oldest_first read "the largest difference is carried in, which adds $503.9k." and stopped,
    as if the deals it started with were a gift: the $412.5k still open at its end stand against them."""
    values = {"capacity_spreadsheet": 3.36e6, "capacity_gap_attrition": 1.492e5, "capacity_gap_ramp": 2.18e5}
    values |= {"capacity_gap_leakage": 3.71e4, "capacity_gap_queueing": 8.48e4, "capacity_gap_cycle": 4.125e5}
    values |= {"capacity_gap_carry_in": -5.039e5, "capacity_gap_coverage": -4.864e5, "bookings": 3.45e6}
    rows = [{"scenario": "oldest_first", "kpi": k, "mean": v, "ci_low": v, "ci_high": v} for k, v in values.items()]
    lines = capacity_section(pd.DataFrame(rows), ["oldest_first"], {"oldest_first": 0.5})
    line = next(line for line in lines if line.startswith("- **oldest_first**"))
    assert line.startswith("- **oldest_first**: the largest difference is carried in, which adds $503.9k: "), line
    assert "the other side of the sales cycle line (-$412.5k)" in line, line
    assert line.endswith("together they add $91.4k."), line


def test_the_question_names_the_plan_and_headcount_the_run_used() -> None:
    """plan_check's question follows ``plan.bookings`` and the headcount; a wrong name is refused."""
    from simulator.analysis.question_words import format_setting, question_text
    from simulator.report.document import describe_experiment

    shipped_question = simulator.load_experiment("plan_check", ["runs=2"])
    assert "12 full-cycle reps book the $4.00M plan" in question_text(shipped_question)
    moved = simulator.load_experiment(
        "plan_check", ["runs=2", "plan.bookings=5250000", "org.teams.full_cycle.headcount=9"]
    )
    assert "9 full-cycle reps book the $5.25M plan" in question_text(moved)
    assert "$5.25M plan" in describe_experiment(moved).splitlines()[0]
    quarterly = simulator.load_experiment("plan_check", ["runs=2", "plan.bookings=[1e6,1e6,1.5e6,1.5e6]"])
    assert "the $5.00M plan" in question_text(quarterly)
    with pytest.raises(ConfigError) as error:
        simulator.load_experiment(
            "plan_check", ["runs=2", "experiment.question='Hit {plan.bookingz}? {org.teams}'"]
        ).validate()
    found = {(issue.key, str(issue.value)) for issue in error.value.issues}
    assert found == {("experiment.question", "{plan.bookingz}"), ("experiment.question", "{org.teams}")}
    staged = simulator.load_experiment(
        "plan_check", ["runs=2", "experiment.question='At {pipeline.stages.1.conversion}, no {clock.holidays}?'"]
    )
    staged.validate()
    assert question_text(staged) == "At 60%, no none?"
    for whole in ("{pipeline.stages}", "{org.teams}"):
        with pytest.raises(ConfigError, match="names a whole section: name one number or word inside it"):
            simulator.load_experiment("plan_check", ["runs=2", f"experiment.question='{whole}'"]).validate()
    effort = simulator.load_experiment(
        "plan_check", ["runs=2", "experiment.question='{pipeline.stages.1.effort_hours}'"]
    )
    effort.validate()  # a distribution reads as its mean
    mean = effort.scenarios[0].config.pipeline.stages[1].effort_hours.mean
    assert question_text(effort) == f"{round(mean, 6):,.4g}"
    with pytest.raises(ConfigError, match=r"did you mean \{org.teams.full_cycle.headcount\}"):
        simulator.load_experiment(
            "plan_check", ["runs=2", "experiment.question='{org.teams.fullcycle.headcount}'"]
        ).validate()
    quarter = simulator.load_experiment(
        "plan_check", ["runs=2", "plan.bookings=[1e6,1e6,1.5e6,1.5e6]", "experiment.question='{plan.bookings.0}'"]
    )
    assert question_text(quarter) == "$1.00M"
    with pytest.raises(ConfigError) as error:
        simulator.load_experiment(
            "plan_check", ["runs=2", "plan.bookings=null", "experiment.question='{plan.booking} {plan.bookings}'"]
        ).validate()
    words = [issue.allowed for issue in error.value.issues if issue.key == "experiment.question"]
    assert "did you mean {plan.bookings}?" in words[0] and "is not set (null)" in words[1]
    plain = simulator.load_experiment("plan_check", ["runs=2", "experiment.question='Set {x} or {} apart?'"])
    assert question_text(plain) == "Set {x} or {} apart?"
    with_words = simulator.load_experiment(
        "plan_check",
        ["runs=2", "plan.bookings=null", "experiment.question='{plan.bookings|no} plan, {org.teams.x.headcount|3}'"],
    )
    with_words.validate()  # a setting with words is no error where it is not set
    assert question_text(with_words) == "no plan, 3"
    misspellings = ("{plan.bookngs|x}", "{org.teams.full_cycle.headcont|12}", "{a.b|}", "{plan.bookngs|x|y}")
    for misspelt in (*misspellings, "{org.teams.full_cyle.headcount|12}"):  # a team close to one there: a typo
        with pytest.raises(ConfigError) as error:  # words stand in for an entry a config lacks, not for a typo
            simulator.load_experiment("plan_check", ["runs=2", f"experiment.question='{misspelt}'"]).validate()
        assert [str(issue.value) for issue in error.value.issues] == [misspelt]
    with pytest.raises(ConfigError, match=r"give the words to show then after a bar: \{org.teams.x.headcount\|words\}"):
        simulator.load_experiment("plan_check", ["runs=2", "experiment.question='{org.teams.x.headcount}'"]).validate()
    with pytest.raises(ConfigError) as error:  # words would not help a misspelt field: not offered
        simulator.load_experiment("plan_check", ["runs=2", "experiment.question='{plan.bookngs}'"]).validate()
    assert "|words" not in str(error.value) and "did you mean {plan.bookings}?" in str(error.value)
    assert format_setting("plan.assumed_attainment", 0.5) == "50%"  # as a question types it, beside "20%"
    assert format_setting("org.handoff.loss_probability", 0.125) == "12.5%"
    assert format_setting("org.handoff.loss_probability", 0.0025) == "0.25%"
    assert format_setting("economics.roles.ae.quota", 750000) == "$750.0k"
    # a product's multiplier is a plain number, but a calibrated product's carries its price: a sensitivity
    # lever had read "4,833 / 5,800" for $4.8k / $5.8k
    assert format_setting("market.products.core.deal_value_multiplier", 0.75) == "0.75"
    assert format_setting("market.products.gtx_pro.deal_value_multiplier", 4833.0) == "$4.8k"
    # {runs} and {seed} read the experiment's own; a bare section or an unclosed brace is refused, not printed as typed
    from simulator.analysis.question_words import question_text

    asked = "With {runs} runs on seed {seed}, {x} and {} stay as typed"
    ran = simulator.load_experiment("plan_check", ["runs=3", f"experiment.question='{asked}'"])
    assert question_text(ran) == "With 3 runs on seed 8, {x} and {} stay as typed"
    # hiring_plan's question reads its scenario's own hires: "our four new reps" had stayed beside two
    hires = "experiment.scenarios.all_in_january=['+workforce.teams.full_cycle.hires=[{month:1,count:2}]']"
    assert question_text(simulator.load_experiment("hiring_plan", ["runs=2"])).startswith("Should our 4 new reps")
    assert question_text(simulator.load_experiment("hiring_plan", ["runs=2", hires])).startswith("Should our 2 new")
    # under runs=auto, the runs made once known: it had read "With auto runs" after the run
    auto = simulator.load_experiment("plan_check", ["runs=auto", f"experiment.question='{asked}'"])
    assert question_text(auto).startswith("With auto runs")  # before the run
    assert question_text(auto, {"plan_as_is": 140, "two_more": 140}).startswith("With 140 runs")
    assert question_text(auto, {"plan_as_is": 120, "two_more": 1600}).startswith("With 120-1,600 runs")
    for typed, words in (
        ("Can {plan} be hit?", "names a whole section"),
        ("Can {org.teams.full_cycle.headcount reps do it?", "has no closing brace: write it as {org.teams.full_cycle"),
    ):
        with pytest.raises(ConfigError, match=re.escape(words)):
            simulator.load_experiment("plan_check", ["runs=2", f"experiment.question='{typed}'"]).validate()
    # a multiplier of an amount is a number: the sensitivity table had read "$1 / $1 / $1" for 0.6 / 0.75 / 0.9
    assert format_setting("market.products.core.deal_value_multiplier", 0.75) == "0.75"
    # a logit shift is no share (0.5, not 50%), and a stage's no-decision probability is one (15.24%, not 0.1524)
    assert format_setting("market.sources.partner.conversion_lift", 0.5) == "0.5"
    assert format_setting("pipeline.stages.5.no_decision", 0.1524) == "15.24%"
    assert format_setting("clock.horizon_days", 250.0) == "250"
    assert format_setting("market.lead_rate", 12.5) == "12.5"


def test_bookings_per_rep_counts_the_reps_who_carry_a_quota() -> None:
    """12 full-cycle reps beside 11 CSMs and a partner manager: bookings per rep is bookings / 12.

    It divided by all 24 people, so plan_check read $159k per rep for $313k per seller.
    """
    from simulator.engines.fast.engine import simulate as fast_simulate
    from simulator.model.economics import economics_kpis, rep_ledger

    experiment = simulator.load_experiment(overrides=["runs=1", "workforce.roles.full_cycle.attrition_rate=0"])
    scenario = experiment.scenarios[0].compile()
    run = fast_simulate(scenario, 5, 0)
    economics = scenario.economics
    assert economics is not None
    row = economics_kpis(run, rep_ledger(run, economics), economics)
    teams = list(scenario.team_names)
    assert (run.rep_team == teams.index("full_cycle")).sum() == 12 and len(teams) == 3
    assert row["bookings_per_rep"] == pytest.approx(kpi_row(run)["bookings"] / 12)


def test_bookings_per_head_counts_everyone_on_new_business() -> None:
    """The specialist org read $426k of bookings per selling rep against the generalist's $324k though its
    12 people booked less: its 4 SDRs carry no quota. Bookings per head counts them, and the partner
    manager, and leaves the CSMs out by their time on the customer book (a fresh-user finding)."""
    from simulator.engines.fast.engine import simulate as fast_simulate
    from simulator.model.economics import economics_kpis, rep_ledger, retention_share

    for overrides, heads in (([], 13.0), (["org=specialist", "workforce.roles.sdr.attrition_rate=0"], 13.0)):
        no_leavers = ["workforce.roles.full_cycle.attrition_rate=0", "workforce.roles.ae.attrition_rate=0"]
        experiment = simulator.load_experiment(overrides=["runs=1", *no_leavers, *overrides])
        scenario = experiment.scenarios[0].compile()
        run = fast_simulate(scenario, 5, 0)
        economics = scenario.economics
        assert economics is not None
        ledger = rep_ledger(run, economics)
        row = economics_kpis(run, ledger, economics)
        share = retention_share(run)
        csm = list(scenario.team_names).index("csm")
        assert share[csm] == pytest.approx(1.0)  # the CSMs work the customer book only
        lo, hi = scenario.warmup_days, scenario.horizon_days
        fte = float((ledger.employed_days * (1.0 - share[ledger.team])).sum()) / (hi - lo)
        assert fte == pytest.approx(heads)  # 12 full-cycle reps + 1 partner manager; 8 AEs + 4 SDRs + 1
        bookings = kpi_row(run)["bookings"]
        assert row["bookings_per_head"] == pytest.approx(bookings / fte)
        assert row["bookings_per_head"] <= row["bookings_per_rep"]


def test_customer_book_per_owner_and_expansion_share_match_a_hand_computation() -> None:
    """F-g: the figures checked against ~$1.7M ARR per CSM and expansion at ~40% of new ARR (BENCHMARKS.md)."""
    run = simulate(compiled(four_pipelines()), 3, 0)
    row = kpi_row(run)
    record, sc = run.pipelines, run.scenario
    assert record is not None
    active = record.customer_state == CustomerState.ACTIVE
    assert row["customer_arr"] == pytest.approx(float(record.customer_arr[active].sum())) and row["customer_arr"] > 0
    csm = sc.team_names.index("csm")
    lo, hi = sc.warmup_days, sc.horizon_days
    days = np.clip(np.minimum(run.rep_leave_day, hi) - np.maximum(run.rep_hire_day, lo), 0.0, None)
    headcount = float(days[run.rep_team == csm].sum()) / (hi - lo)  # mean CSM headcount over the window
    assert row["customer_arr_per_rep_csm"] == pytest.approx(row["customer_arr"] / headcount)
    assert not any(k.startswith("customer_arr_per_rep_") and k != "customer_arr_per_rep_csm" for k in row)
    expansion = row["expansion_bookings"]
    assert expansion > 0
    assert row["expansion_share_of_new_arr"] == pytest.approx(expansion / (expansion + row["bookings"]))


def test_a_plan_held_to_part_of_its_year_is_said_before_the_runs() -> None:
    """A calibrated quarter held a $2.0M yearly plan to $498.1k with no word on the terminal."""
    from simulator.analysis.plan_window import plan_window_notes

    assert plan_window_notes(simulator.load_experiment("plan_check")) == []  # one whole year: held whole
    half = simulator.load_experiment("plan_check", ["clock.horizon_days=375"])  # 125 of the year's 250 days
    notes = plan_window_notes(half)
    assert len(notes) == 1  # both scenarios hold the same plan: said once
    assert notes[0].startswith("plan.bookings ($4.00M a year) is held to $2.00M over the measured window of 125 ")
    assert "(125 of Y2's 250 working days)" in notes[0] and "give four quarterly figures" in notes[0]
    quarterly = ["clock.horizon_days=375", "plan.bookings=[1e6,1e6,1.5e6,1.5e6]"]
    # Q1 and Q2 whole, but Q3 and Q4 outside the window: hit_plan reads $2.00M of the $5.00M typed, and says so
    assert plan_window_notes(simulator.load_experiment("plan_check", quarterly)) == [
        "plan.bookings ($5.00M a year in four quarters) is held to $2.00M over the measured window of 125 working "
        "days, which holds Y2-Q1 and Y2-Q2 only: the plan and hit_plan read those quarters' figures, not the "
        "year's $5.00M"
    ]
    year = ["plan.bookings=[1e6,1e6,1.5e6,1.5e6]"]
    assert plan_window_notes(simulator.load_experiment("plan_check", year)) == []  # all four whole: held whole
    cut = plan_window_notes(
        simulator.load_experiment("plan_check", ["clock.horizon_days=300", "plan.bookings=[1e6,1e6,1.5e6,1.5e6]"])
    )
    assert (
        len(cut) == 1
        and "held to $793.7k" in cut[0]
        and "(50 of Y2-Q1's 63 working days)" in cut[0]
        and "pro rata to working days" in cut[0]
    ), cut
    # a window of two years scores the second on the same quarters: said (it had been silent)
    two = plan_window_notes(
        simulator.load_experiment("plan_check", ["clock.horizon_days=750", "plan.bookings=[1e6,1e6,1e6,1e6]"])
    )
    assert two == [
        "plan.bookings ($4.00M a year in four quarters) is one year's plan, and the measured window spans 2 years "
        "(Y2, Y3): the run holds the same four quarterly figures each year, $8.00M in all, and hit_plan reads the "
        "whole window against that; for one year's plan, measure one whole year, from a year's first working day: "
        "to measure Y2, set clock.warmup_days=250 clock.horizon_days=500"
    ]
    # one year long already, across two years: "clock.horizon_days = clock.warmup_days + a year" was no advice
    for overrides, advice in (
        (
            ["clock.warmup_days=100", "clock.horizon_days=350"],
            "to measure Y2, set clock.warmup_days=250 clock.horizon_days=500",
        ),
        (
            ["clock.days_per_year=260", "clock.horizon_days=510"],
            "to measure Y2, set clock.warmup_days=260 clock.horizon_days=520",
        ),
        (["clock.start_date=2027-03-01"], "to measure 2029, set clock.warmup_days=480 clock.horizon_days=741"),
    ):
        notes = plan_window_notes(simulator.load_experiment("plan_check", overrides))
        assert len(notes) == 1 and notes[0].endswith(advice), notes


def test_the_report_says_a_plan_is_held_to_part_of_its_year(tmp_path: Path) -> None:
    """The note was on the terminal only; the report's plan table read "Plan (over 6 months) $2.00M" alone."""
    from simulator.report.outputs import write_outputs

    experiment = simulator.load_experiment("plan_check", ["clock.horizon_days=375", "runs=4"])
    write_outputs(simulator.run_experiment(experiment, workers=1), tmp_path)
    plan = (tmp_path / "report.md").read_text().split("## The plan")[1].split("## ")[0]
    assert "*Note: plan.bookings ($4.00M a year) is held to $2.00M over the measured window of 125 working days" in plan


def test_a_plan_several_times_its_reps_quotas_runs_with_a_word() -> None:
    """$45M for 12 reps whose quotas add up to $6.72M had answered "0.0%" without a word (a zero too many?)."""
    import warnings

    from simulator.config.validation import PlanSizeWarning

    with pytest.warns(PlanSizeWarning, match=r"\$45\.1M a year, 6\.7 times the \$6\.72M .* a zero too many\?"):
        simulator.load_experiment("plan_check", ["runs=2", "plan.bookings=45100000"]).validate()
    with pytest.warns(PlanSizeWarning, match=r"a zero too few\?"):
        simulator.load_experiment("plan_check", ["runs=2", "plan.bookings=451000"]).validate()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PlanSizeWarning)
        simulator.load_experiment("plan_check", ["runs=2", "plan.bookings=9100000"]).validate()  # a stretch: no word


def test_a_plan_out_of_line_with_its_quotas_asks_about_the_largest_teams_headcount(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """130 full-cycle reps had read "$4M a year, 5% of the $72.8M ...: a zero too few?", no word of the 130."""
    from simulator.config import validation

    monkeypatch.setattr(validation, "_SHAPES_WARNED", set())  # once a process: this test's words, whatever ran before
    too_large = (
        r"\$4M a year, 5% of the \$72\.8M .*: a zero too few\? Or is a headcount too large\? full_cycle has 130 reps\. "
    )
    with pytest.warns(validation.PlanSizeWarning, match=too_large + "The runs go on with it$"):
        simulator.load_experiment("plan_check", ["runs=2", "org.teams.full_cycle.headcount=130"]).validate()
    too_small = r"a zero too many\? Or is a headcount too small\? full_cycle has 12 reps\. The runs go on with it$"
    with pytest.warns(validation.PlanSizeWarning, match=too_small):
        simulator.load_experiment("plan_check", ["runs=2", "plan.bookings=45100000"]).validate()


def test_the_plan_says_its_chance_is_the_refits_mean_share_when_runs_share_refits() -> None:
    """3 of 100 runs on 40 refits hit the plan, all on refit 15's three: the table reads 2.5%, not 3.0%.

    The plan section had said "the share of runs that booked at least the plan", which a
    reader checking replications.csv by hand finds to be 3.0%.
    """
    from types import SimpleNamespace

    from simulator.report.plan_section import _hit_words

    hits = np.zeros(100)
    hits[[15, 55, 95]] = 1.0
    runs = pd.DataFrame({"scenario": "as_is", "replication": np.arange(100), "hit_plan": hits})
    summary = summarise(runs, draws=40)
    assert float(summary.loc[summary["kpi"] == "hit_plan", "mean"].iloc[0]) == pytest.approx(0.025)
    on_refits = SimpleNamespace(experiment=SimpleNamespace(parameter_draw_count=40), replications=runs)
    words = _hit_words(on_refits)  # type: ignore[arg-type]
    assert not words.startswith("The share of runs that booked at least the plan is the probability"), words
    assert "taken on each of the 40 refits of the export the runs are on and averaged with every refit" in words
    alone = SimpleNamespace(experiment=SimpleNamespace(parameter_draw_count=0), replications=runs)
    assert _hit_words(alone).startswith("The share of runs that booked at least the plan is the probability")  # type: ignore[arg-type]
