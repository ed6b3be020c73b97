"""The pipelines beside new business: each mechanism moves the numbers the right way, entities are conserved.

Comparisons are paired on common random numbers (same seed and replication index),
with tolerances of 4 standard errors of the mean paired difference, over short
horizons to keep the suite lean.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import yaml

from simulator.config.errors import ConfigError
from simulator.config.schema import parse_scenario
from simulator.config.validation import validate_scenario
from simulator.engines.simpy import simulate
from simulator.model.metrics import kpi_row
from simulator.model.multi_pipeline import PROSPECTING
from simulator.model.pipeline_luck import draw_pool, draw_slot_leads
from simulator.model.pipeline_records import CustomerState, PoolState
from simulator.model.records import Outcome, ReplicationRun
from tests.scenarios import CONFIGS, compiled, shipped
from tests.test_model import REGRESSIONS

Z = 4.0
SEED = 7


def full(
    org: str = "specialist", horizon: float = 80.0, patch: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    """The shipped four-pipeline config over a short horizon."""
    data = copy.deepcopy(shipped(org))
    data["pipelines"] = yaml.safe_load((CONFIGS / "pipelines" / "default.yaml").read_text())
    data["clock"] = {"horizon_days": horizon, "warmup_days": 0, "days_per_year": 252}
    if patch is not None:
        patch(data)
    return data


def rows(data: dict[str, Any], n: int) -> list[dict[str, float]]:
    scenario = compiled(data)
    return [kpi_row(simulate(scenario, SEED, r)) for r in range(n)]


def paired(base: list[dict[str, float]], variant: list[dict[str, float]], key: str) -> tuple[float, float]:
    diff = np.array([v[key] - b[key] for b, v in zip(base, variant, strict=True)])
    return float(diff.mean()), float(diff.std(ddof=1) / math.sqrt(diff.size))


def team(name: str, **values: Any) -> Callable[[dict[str, Any]], None]:
    def patch(data: dict[str, Any]) -> None:
        data["org"]["teams"][name].update(values)

    return patch


def test_a_config_without_pipelines_gives_todays_numbers() -> None:
    """The seeded regression of the single pipeline, with the new teams idle and no new section."""
    row = kpi_row(simulate(compiled(shipped("generalist")), 123, 0))
    expected = REGRESSIONS["generalist"]  # the seeded regression of tests/test_model.py
    assert (row["deals_won"], row["leads_total"], round(row["bookings"], 2)) == tuple(expected.values())
    assert "meetings_booked" not in row


@functools.cache
def base_rows() -> list[dict[str, float]]:
    """The shipped four pipelines' 10 runs, the baseline two tests compare against (read, never changed)."""
    return rows(full(), 10)


def test_prm_automation_books_more_meetings() -> None:
    base = base_rows()
    tools = rows(full(patch=team("sdr", prm_automation=True)), 10)
    diff, se = paired(base, tools, "meetings_booked")
    assert diff > Z * se and diff > 0, (diff, se)
    assert all(row["prm_tool_cost"] > 0 for row in tools) and all(row["prm_tool_cost"] == 0 for row in base)
    # one price for a seat: the PRM cost the answer shows is the tools' part of the cost of sales
    # (it read $3,519 against $3,469 there: seats at the horizon for the whole window, at a second price)
    assert [row["prm_tool_cost"] for row in tools] == pytest.approx([row["cost_tools"] for row in tools], rel=1e-12)


def test_more_csms_churn_fewer_accounts_and_keep_more_revenue() -> None:
    few = rows(full(horizon=120.0, patch=team("csm", headcount=1)), 10)
    many = rows(full(horizon=120.0, patch=team("csm", headcount=5)), 10)
    churn, churn_se = paired(few, many, "churned_accounts")
    grr, grr_se = paired(few, many, "gross_revenue_retention")
    assert churn < -Z * churn_se and churn < 0, (churn, churn_se)
    assert grr > Z * grr_se and grr > 0, (grr, grr_se)


def test_a_partner_manager_brings_partner_sourced_bookings_once_partners_ramp() -> None:
    def without(data: dict[str, Any]) -> None:
        del data["org"]["teams"]["partner_manager"]

    none = rows(full(horizon=200.0, patch=without), 8)
    manager = rows(full(horizon=200.0), 8)
    assert all(row["partners_active"] == 0 and row["partner_sourced_bookings"] == 0 for row in none)
    diff, se = paired(none, manager, "partner_referrals")
    assert diff > Z * se and diff > 0, (diff, se)
    assert np.mean([row["partner_sourced_bookings"] for row in manager]) > 0
    assert all(row["partners_active"] > 0 for row in manager)


def test_the_partners_fee_shown_is_the_one_the_cost_of_sales_pays() -> None:
    """One referral fee, economics.sources.<partner source>.margin (it read pipelines.partner.margin_share)."""

    def fee(data: dict[str, Any]) -> None:
        data["economics"] = {"sources": {"partner": {"margin": 0.1}}}

    row = kpi_row(simulate(compiled(full(horizon=200.0, patch=fee)), SEED, 0))
    assert row["partner_sourced_bookings"] > 0
    assert row["partner_margin_cost"] == pytest.approx(0.1 * row["partner_sourced_bookings"], rel=1e-12)
    assert row["partner_margin_cost"] == pytest.approx(row["cost_partner_fees"], rel=1e-12)


def test_reserved_prospecting_hours_book_more_meetings_and_take_ae_time_from_deals() -> None:
    reserve = team(
        "ae", time_allocation={"priority": ["sales", "prospecting"], "reserved_hours_per_week": {"prospecting": 6}}
    )
    base = base_rows()
    blocks = rows(full(patch=reserve), 10)
    meetings, meetings_se = paired(base, blocks, "meetings_booked")
    deals, deals_se = paired(base, blocks, "utilisation_ae_sales")
    assert meetings > Z * meetings_se and meetings > 0, (meetings, meetings_se)
    assert deals < -Z * deals_se and deals < 0, (deals, deals_se)
    assert all(row["utilisation_ae_prospecting"] > 0 for row in blocks)


@functools.cache
def conserved_run(org: str) -> ReplicationRun:
    return simulate(compiled(full(org, horizon=150.0)), 3, 1)


@pytest.mark.parametrize("org", ["generalist", "specialist"])
def test_every_account_partner_lead_and_customer_ends_in_exactly_one_state(org: str) -> None:
    run = conserved_run(org)
    record, log, leads, sc = run.pipelines, run.log, run.leads, run.scenario
    assert record is not None and sc.pipelines is not None
    # target accounts: every one untouched, in progress, dropped or booked; bookings are outbound leads
    states = np.bincount(record.account_state, minlength=4)
    assert states.sum() == sc.pipelines.target_accounts
    outbound = sc.source_names.index("outbound")
    assert states[PoolState.DONE] == (leads.source == outbound).sum() == np.isfinite(record.meeting_day).sum()
    assert (record.account_stage[record.account_state == PoolState.UNTOUCHED] == -1).all()
    # partners: active ones are the only ones referring, referrals are the partner leads
    assert np.bincount(record.partner_state, minlength=4).sum() == sc.pipelines.partner_prospects
    assert (record.partner_referrals[record.partner_state != PoolState.DONE] == 0).all()
    partner = sc.source_names.index("partner")
    assert record.partner_referrals.sum() == (leads.source == partner).sum() == (record.lead_partner >= 0).sum()
    # leads: each ends one way; every lead created has an arrival
    assert np.isin(log.outcome, [o.value for o in Outcome]).all() and np.isfinite(leads.arrival_day).all()
    # customers: the initial book plus every deal won; each active or churned, churned once
    won = int((log.outcome == Outcome.WON).sum())
    assert record.customer_state.size == sc.pipelines.initial_customers + won
    churned = record.customer_state == CustomerState.CHURNED
    assert churned.sum() == record.renewal_churned.sum()
    assert np.bincount(record.renewal_customer[record.renewal_churned], minlength=churned.size).max(initial=0) <= 1
    row = kpi_row(run)
    assert row["renewals_won"] + row["churned_accounts"] == row["renewals_due"]
    assert row["bookings"] == pytest.approx(sum(row[f"bookings_{s}"] for s in sc.source_names))
    assert row["partner_sourced_bookings"] == pytest.approx(row["bookings_partner"])
    # time: each team's per-pipeline utilisation adds up to its utilisation
    for name in sc.team_names:
        parts = [v for k, v in row.items() if k.startswith(f"utilisation_{name}_")]
        assert sum(parts) == pytest.approx(row[f"utilisation_{name}"])
        assert min(parts) >= 0.0 and row[f"utilisation_{name}"] <= 1.0 + 1e-9


def test_digital_first_leads_enter_at_the_later_stage() -> None:
    def everyone(data: dict[str, Any]) -> None:
        data["pipelines"]["digital_first"]["share"] = 1.0

    run = simulate(compiled(full(horizon=40.0, patch=everyone)), 1, 0)
    inbound = run.leads.source == run.scenario.source_names.index("inbound")
    awareness = run.scenario.stage_names.index("awareness")
    assert inbound.sum() > 0 and not np.isfinite(run.log.stage_enter[inbound, awareness]).any()


def test_bad_pipeline_values_name_the_key() -> None:
    data = full()
    data["pipelines"]["retention"]["renewal"]["churn_probability"] = 1.5
    data["pipelines"]["prospecting"]["source"] = "cold_calls"
    data["org"]["teams"]["sdr"]["time_allocation"]["idle_work"] = "golf"
    with pytest.raises(ConfigError) as caught:
        validate_scenario(parse_scenario(data))
    keys = {issue.key for issue in caught.value.issues}
    assert "pipelines.retention.renewal.churn_probability" in keys
    assert "org.teams.sdr.time_allocation.idle_work" in keys
    data = full()
    data["pipelines"]["prospecting"]["source"] = "cold_calls"
    with pytest.raises(ConfigError, match=r"pipelines\.prospecting\.source"):
        validate_scenario(parse_scenario(data))
    data = full()  # an uplift of 20 meant +20%: refused, with the key, the value and the reading
    data["pipelines"]["retention"]["expansion"]["uplift"] = {"dist": "lognormal", "median": 20, "p90": 500}
    with pytest.raises(ConfigError) as caught:
        validate_scenario(parse_scenario(data))
    (issue,) = caught.value.issues
    assert issue.key == "pipelines.retention.expansion.uplift" and "median 20, p90 500, mean" in issue.allowed
    assert issue.value == {"dist": "lognormal", "median": 20, "p90": 500}  # as written, not as mu and sigma
    assert "fraction of the account's ARR" in issue.allowed and "percentage" in issue.allowed
    data["pipelines"]["retention"]["expansion"]["uplift"] = {"dist": "lognormal", "median": 0.25, "p90": 60}
    with pytest.raises(ConfigError, match=r"median 0\.25, p90 60"):  # the tail typed as a percentage
        validate_scenario(parse_scenario(data))
    data["pipelines"]["retention"]["expansion"]["uplift"] = {"dist": "gamma", "mean": 50, "cv": 20}
    with pytest.raises(ConfigError, match=r"p90 [0-9.e-]+, mean 50: "):  # median and p90 near 0 hide the mean
        validate_scenario(parse_scenario(data))
    data["pipelines"]["retention"]["expansion"]["uplift"] = {"dist": "gamma", "mean": 3, "cv": 20}
    validate_scenario(parse_scenario(data))  # a mean of +300%: at the limit
    data["pipelines"]["retention"]["expansion"]["uplift"] = {"dist": "lognormal", "median": 1.5, "p90": 4.0}
    validate_scenario(parse_scenario(data))  # +150% at the median: unusual, allowed
    data["pipelines"]["retention"]["expansion"]["uplift"] = {"dist": "lognormal", "median": 0.5, "p90": 5}
    validate_scenario(parse_scenario(data))  # at the limit, whatever the rounding through mu and sigma


# Exact numbers of seed 123, replication 0 of the shipped four-pipeline model, computed
# once; an intended model change updates them on purpose, in the same commit. (Last:
# referral rates stepping up when a session ends, check-ins and expansions that go on
# through renewal windows, check-ins spread over each account's contract; reference_touches 6, so a
# year of 4 check-ins and 2 renewal stages churns at the base rate; customers' luck keyed
# draw by draw instead of drawn in chunks of 128, which moved only the churned accounts; larger
# accounts churning less, size_logit 0.25: 103 -> 115 churned in this run, 94.1 -> 95.0 over 8; partner
# referrals without the speed-to-lead decay and capped at 0.3 a partner-month: 106 -> 24 referrals, the
# AEs freed for inbound, whose bookings went $0.72M -> $1.41M; the old numbers come back with both reverted;
# enablement wearing off with a half-life of 60 days: the old numbers come back with half_life_days null;
# the full-cycle and SDR teams working newest first: 82 -> 86 and 83 -> 89 deals, the old numbers
# coming back with newest_first false on every team.)
FULL_REGRESSIONS = {
    "generalist": {"deals_won": 86.0, "meetings_booked": 411.0, "bookings": 3173078.0, "churned_accounts": 115.0},
    "specialist": {"deals_won": 89.0, "meetings_booked": 259.0, "bookings": 3217178.72, "churned_accounts": 115.0},
}


@pytest.mark.parametrize("org", sorted(FULL_REGRESSIONS))
def test_seeded_regression_numbers_of_the_four_pipelines(org: str) -> None:
    scenario = compiled(full(org, horizon=250.0))
    row = kpi_row(simulate(scenario, 123, 0))
    assert {k: round(row[k], 2) for k in FULL_REGRESSIONS[org]} == FULL_REGRESSIONS[org]
    again = kpi_row(simulate(scenario, 123, 0))
    assert all(row[k] == again[k] or (math.isnan(row[k]) and math.isnan(again[k])) for k in row)


def test_an_entity_keeps_its_luck_whatever_the_size_of_its_pool() -> None:
    """Common random numbers: the k-th account, partner or booked meeting meets the same luck."""
    scenario = compiled(full())
    tables = scenario.pipelines
    assert tables is not None and tables.stages[PROSPECTING] is not None
    small = draw_pool(5, 2, PROSPECTING, tables.stages[PROSPECTING], 50)
    large = draw_pool(5, 2, PROSPECTING, tables.stages[PROSPECTING], 500)
    for field in ("effort", "delay", "draw"):
        assert np.array_equal(getattr(small, field), getattr(large, field)[:, :50])
    few = draw_slot_leads(scenario, 5, 2, tables.prospecting_source, 30)
    many = draw_slot_leads(scenario, 5, 2, tables.prospecting_source, 300)
    assert np.array_equal(few.deal_value, many.deal_value[:30])
    assert np.array_equal(few.conversion_draw, many.conversion_draw[:, :30])


def test_a_team_serves_pipelines_in_its_priority_order() -> None:
    """Generalists who also own the customer book: renewals first makes new leads wait longer."""

    def own_the_book(priority: list[str]) -> Callable[[dict[str, Any]], None]:
        def patch(data: dict[str, Any]) -> None:
            del data["org"]["teams"]["csm"]
            data["org"]["teams"]["full_cycle"]["headcount"] = 8
            data["org"]["teams"]["full_cycle"]["time_allocation"]["priority"] = priority
            retention = data["pipelines"]["retention"]
            retention["initial_customers"] = 300  # a book 8 generalists can serve beside their deals
            retention["renewal"]["checkin_role"] = "full_cycle"
            for stage in retention["renewal"]["stages"] + retention["expansion"]["stages"]:
                stage["role"] = "full_cycle"

        return patch

    sales_first = compiled(full("generalist", 120.0, own_the_book(["sales", "renewal", "expansion", "prospecting"])))
    renewal_first = compiled(full("generalist", 120.0, own_the_book(["renewal", "expansion", "sales", "prospecting"])))
    a = [simulate(sales_first, SEED, r) for r in range(8)]
    b = [simulate(renewal_first, SEED, r) for r in range(8)]
    wait, wait_se = paired([kpi_row(r) for r in a], [kpi_row(r) for r in b], "first_touch_hours_mean")
    assert wait > Z * wait_se and wait > 0, (wait, wait_se)
    # and renewals get no fewer touches before their due date
    touches = np.array(
        [y.pipelines.renewal_touches.mean() - x.pipelines.renewal_touches.mean() for x, y in zip(a, b, strict=True)]  # type: ignore[union-attr]
    )
    assert touches.mean() > -Z * touches.std(ddof=1) / math.sqrt(touches.size), touches


def test_reps_hired_during_the_run_take_their_teams_pipeline_duties() -> None:
    """A new full-cycle rep prospects in idle time like the reps of day 0 (workforce x pipelines)."""

    def hire(data: dict[str, Any]) -> None:
        data["workforce"] = {"teams": {"full_cycle": {"hires": [{"day": 10, "count": 3}]}}}

    scenario = compiled(full("generalist", horizon=80.0, patch=hire))
    run = simulate(scenario, SEED, 0)
    assert run.pipelines is not None
    hired = np.flatnonzero(run.rep_hire_day > 0)
    assert hired.size == 3
    busy = run.pipelines.rep_busy_by_pipeline[hired, PROSPECTING]
    assert (busy > 0).all(), busy
