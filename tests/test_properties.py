"""Property tests of the SimPy engine on small random scenarios (Hypothesis).

Each example builds a small scenario dict (1-6 stages, 1-3 teams of 1-4 reps, random
routing, policies, hand-offs, sources and clock), compiles it with the library's own
parser and validator, runs one replication and checks invariants that must hold for
every scenario and every seed: leads are conserved, time never runs backwards, a rep
works one thing at a time, leaks respect the stage's maximum wait, owners keep their
leads. Scenarios are sized to a few hundred leads at most so an example takes well
under 0.3 s.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engines.simpy import simulate
from simulator.model.market import draw_rep_skills
from simulator.model.metrics import kpi_row, monthly_series
from simulator.model.pipeline import HOURS_PER_ELAPSED_DAY, conversion_logit, probability, speed_to_lead_shift
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.scenario import LEAST_LOADED, ROUND_ROBIN, Scenario
from simulator.model.window import window_months
from tests.scenarios import compiled, shipped

pytestmark = pytest.mark.filterwarnings("ignore::simulator.config.validation.PipelineShapeWarning")

EPS = 1e-9  # slack for sums of floating-point day counts
ASSIGNMENTS = ("pooled", "round_robin", "least_loaded")
PRIORITIES = ("fifo", "closest_to_close")

# --------------------------------------------------------------------------- strategies

hours = st.floats(0.0, 6.0, allow_nan=False)


@st.composite
def efforts(draw: st.DrawFn) -> Any:
    """Rep effort in hours: exponential, uniform or constant (zero effort allowed)."""
    kind = draw(st.sampled_from(("exponential", "uniform", "constant")))
    if kind == "exponential":
        return {"dist": "exponential", "mean": draw(st.floats(0.1, 6.0))}
    if kind == "uniform":
        low = draw(st.floats(0.0, 3.0))
        return {"dist": "uniform", "low": low, "high": low + draw(st.floats(0.1, 4.0))}
    return {"dist": "constant", "value": draw(hours)}


@st.composite
def delays(draw: st.DrawFn) -> Any:
    """A delay in days: a bare number (constant), exponential or uniform."""
    kind = draw(st.sampled_from(("bare", "exponential", "uniform")))
    if kind == "exponential":
        return {"dist": "exponential", "mean": draw(st.floats(0.05, 5.0))}
    if kind == "uniform":
        low = draw(st.floats(0.0, 2.0))
        return {"dist": "uniform", "low": low, "high": low + draw(st.floats(0.1, 3.0))}
    return draw(st.sampled_from((0.0, 0.5, 1.0, 2.5)))


@st.composite
def scenario_dicts(draw: st.DrawFn, warmup: bool = False) -> dict[str, Any]:
    """A small but complete scenario dict exercising every engine feature."""
    n_stages = draw(st.integers(1, 6))
    stage_names = [f"stage{s}" for s in range(n_stages)]
    stages = [
        {
            "name": name,
            "role": "any",
            "effort_hours": draw(efforts()),
            "delay_days": draw(delays()),
            "conversion": draw(st.floats(0.0, 1.0)),
            "max_wait_days": draw(st.none() | st.floats(0.05, 10.0)),
            "circle_sensitive": draw(st.booleans()),
        }
        for name in stage_names
    ]
    n_teams = draw(st.integers(1, 3))
    team_names = [f"team{t}" for t in range(n_teams)]
    teams = {
        name: {
            "role": "any",
            "headcount": draw(st.integers(1, 4)),
            "hours_per_day": 8.0,
            "selling_fraction": draw(st.floats(0.25, 1.0)),
            "skill": {"mean": draw(st.floats(-0.5, 0.5)), "sd": draw(st.floats(0.0, 0.5))},
            "assignment": draw(st.sampled_from(ASSIGNMENTS)),
            "priority": draw(st.sampled_from(PRIORITIES)),
            "newest_first": draw(st.booleans()),
        }
        for name in team_names
    }
    routing = {name: draw(st.sampled_from(team_names)) for name in stage_names}
    n_sources = draw(st.integers(1, 3))
    sources = {
        f"source{k}": {
            "leads_per_month": draw(st.floats(1.0, 20.0)),  # <= 60 a month in all: a few hundred leads at most
            "entry_stage": draw(st.none() | st.sampled_from(stage_names)),
            "conversion_lift": draw(st.floats(-1.0, 1.0)),
            "speed_to_lead": draw(st.booleans()),
        }
        for k in range(n_sources)
    }
    horizon = draw(st.floats(30.0, 120.0))
    return {
        "market": {
            "name": "random",
            "sources": sources,
            "seasonality": draw(st.lists(st.floats(0.5, 1.5), min_size=12, max_size=12)),
            "segments": {"small": draw(st.floats(0.1, 1.0)), "large": draw(st.floats(0.0, 1.0))},
            "deal_value": {"dist": "uniform", "low": 1000.0, "high": 50000.0},
            "buying_circle": draw(
                st.sampled_from(
                    (
                        {"dist": "constant", "value": 3},
                        {"dist": "empirical", "values": [1, 3, 6, 9], "weights": [1, 2, 2, 1]},
                    )
                )
            ),
        },
        "pipeline": {"name": "random", "stages": stages},
        "org": {
            "name": "random",
            "teams": teams,
            "routing": routing,
            "handoff": {
                "delay_days": draw(delays()),
                "loss_probability": draw(st.just(0.0) | st.floats(0.0, 0.5)),
                "extra_effort_hours": {"dist": "constant", "value": draw(st.floats(0.0, 2.0))},
            },
        },
        "effects": {
            "speed_to_lead": {"scale_hours": draw(st.floats(0.5, 4.0)), "exponent": draw(st.floats(0.0, 2.0))},
            "skill_weight": draw(st.floats(0.0, 1.5)),
            "buying_circle": {"reference_size": 3, "logit_per_person": draw(st.floats(0.0, 0.3))},
        },
        "clock": {
            "horizon_days": horizon,
            "warmup_days": draw(st.floats(0.0, horizon / 3)) if warmup else 0.0,
            "days_per_year": 252,
        },
    }


seeds = st.integers(0, 2**32 - 1)
replications = st.integers(0, 7)


def run_of(data: dict[str, Any], seed: int, replication: int) -> ReplicationRun:
    return simulate(compiled(data), seed, replication)


def team_of_stage(run: ReplicationRun) -> np.ndarray:
    """(N, S) team index that works each stage for each lead (routing is by segment)."""
    return run.scenario.routing[:, run.leads.segment].T


# --------------------------------------------------------------------------- conservation


@given(scenario_dicts(), seeds, replications)
def test_every_lead_ends_exactly_one_way_and_kpi_counts_add_up(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    log, n = run.log, run.leads.size
    outcomes = {int(o) for o in Outcome}
    assert set(np.unique(log.outcome).tolist()) <= outcomes
    is_open = log.outcome == Outcome.OPEN
    # an ended journey has a day and a stage; an open one has neither
    assert np.array_equal(np.isnan(log.outcome_day), is_open)
    assert np.array_equal(log.outcome_stage < 0, is_open)
    counts = {o: int((log.outcome == o).sum()) for o in Outcome}
    assert sum(counts.values()) == n

    row = kpi_row(run)
    # warmup 0: the window is [0, horizon), every lead arrived inside it and every
    # ended journey ended inside it, so the period counts are exact partitions
    assert row["leads_total"] == n
    assert sum(row[f"leads_{name}"] for name in run.scenario.source_names) == n
    assert row["deals_won"] == counts[Outcome.WON]
    assert row["deals_lost_disqualified"] == counts[Outcome.DISQUALIFIED]
    assert row["deals_lost_leaked"] == counts[Outcome.LEAKED]
    assert row["deals_lost_handoff"] == counts[Outcome.LOST_HANDOFF]
    assert row["deals_lost"] == (row["deals_lost_disqualified"] + row["deals_lost_leaked"] + row["deals_lost_handoff"])
    assert row["open_pipeline_count"] == counts[Outcome.OPEN]
    assert row["leads_total"] == row["deals_won"] + row["deals_lost"] + row["open_pipeline_count"]
    assert sum(row[f"stage_leaked_{s}"] for s in run.scenario.stage_names) == row["deals_lost_leaked"]
    won = log.outcome == Outcome.WON
    assert math.isclose(row["bookings"], float(run.leads.deal_value[won].sum()), rel_tol=1e-12, abs_tol=1e-6)
    assert math.isclose(
        row["bookings"] + row["open_pipeline_value"],
        float(run.leads.deal_value[won | is_open].sum()),
        rel_tol=1e-12,
        abs_tol=1e-6,
    )

    # each outcome is consistent with the stage records of the stage where it happened
    last = run.scenario.n_stages - 1
    rows = np.arange(n)
    stage = np.clip(log.outcome_stage, 0, None)
    assert np.all(log.outcome_stage[won] == last)
    assert np.all(log.stage_passed[won, last])
    disqualified = log.outcome == Outcome.DISQUALIFIED
    assert np.all(np.isfinite(log.stage_end[rows, stage][disqualified]))
    assert not np.any(log.stage_passed[rows, stage][disqualified])
    ended_unworked = (log.outcome == Outcome.LEAKED) | (log.outcome == Outcome.LOST_HANDOFF)
    assert np.all(np.isnan(log.stage_start[rows, stage][ended_unworked]))


@given(scenario_dicts(warmup=True), seeds, replications)
def test_daily_census_and_monthly_series_agree_with_the_journey_log(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    sc, log, leads = run.scenario, run.log, run.leads
    assert run.daily_open.shape == (math.ceil(sc.horizon_days - 0.5),)
    census_time = np.arange(run.daily_open.size) + 0.5
    arrived = np.searchsorted(leads.arrival_day, census_time, side="right")
    ended_day = np.sort(log.outcome_day[log.outcome != Outcome.OPEN])
    leaked = log.outcome == Outcome.LEAKED
    other_day = np.sort(log.outcome_day[(log.outcome != Outcome.OPEN) & ~leaked])
    ended = np.searchsorted(ended_day, census_time, side="right")
    ended_not_leaked = np.searchsorted(other_day, census_time, side="right")
    # leaks are noticed lazily (when a rep reaches the lead, or at the horizon), so a
    # leaked lead may still be counted open for a while after the wait ran out
    assert np.all(run.daily_open >= arrived - ended)
    assert np.all(run.daily_open <= arrived - ended_not_leaked)
    row, monthly = kpi_row(run), monthly_series(run)
    assert monthly.leads.sum() == row["leads_total"]
    assert monthly.deals_won.sum() == row["deals_won"]
    assert math.isclose(monthly.bookings.sum(), row["bookings"], rel_tol=1e-9, abs_tol=1e-6)
    assert np.all(monthly.open_at_month_end >= 0)
    # the open pipeline as each month ends: the last is the KPI read at the horizon, and month
    # to month it moves by the month's new leads less the leads that ended in it
    assert monthly.open_at_month_end[-1] == row["open_pipeline_count"]
    edges = window_months(sc).edges
    ended_in_month, _ = np.histogram(log.outcome_day[log.outcome != Outcome.OPEN], bins=edges)
    assert np.array_equal(np.diff(monthly.open_at_month_end), (monthly.leads - ended_in_month)[1:])


@given(scenario_dicts(warmup=True), seeds, replications)
def test_kpis_stay_in_their_ranges(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    row = kpi_row(run)

    def fraction_or_nan(key: str) -> bool:
        return math.isnan(row[key]) or 0.0 <= row[key] <= 1.0

    for key in ("win_rate", "untouched_lead_share", *(f"stage_conversion_{s}" for s in run.scenario.stage_names)):
        assert fraction_or_nan(key), (key, row[key])
    for key, value in row.items():
        if key.startswith(("leads_", "deals_", "stage_entries_", "stage_leaked_", "open_pipeline_count")):
            assert value >= 0, (key, value)
            assert float(value).is_integer(), (key, value)
        if key.startswith(("stage_wait_days_", "cycle_time_days_", "first_touch_hours_", "bookings", "avg_deal")):
            assert math.isnan(value) or value >= -EPS, (key, value)
    for prefix in ("cycle_time_days", "first_touch_hours"):
        mean, p90 = row[f"{prefix}_mean"], row[f"{prefix}_p90"]
        assert math.isnan(mean) == math.isnan(p90)
    assert math.isnan(row["cycle_time_days_p50"]) or row["cycle_time_days_p50"] <= row["cycle_time_days_p90"]
    assert row["deals_won"] + row["deals_lost"] <= run.leads.size


# --------------------------------------------------------------------------- time


@given(scenario_dicts(warmup=True), seeds, replications)
def test_times_never_run_backwards(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    sc, log, leads = run.scenario, run.log, run.leads
    horizon, n_stages = sc.horizon_days, sc.n_stages
    arrival = leads.arrival_day
    assert np.all(np.diff(arrival) >= 0)
    assert np.all((arrival >= 0) & (arrival < horizon))
    enter, start, end = log.stage_enter, log.stage_start, log.stage_end
    # a stage is started only if entered, ended only if started
    assert not np.any(np.isnan(enter) & np.isfinite(start))
    assert not np.any(np.isnan(start) & np.isfinite(end))
    assert np.array_equal(np.isfinite(start), log.stage_rep >= 0)
    assert not np.any(log.stage_passed & np.isnan(end))
    # SimPy's clock reaches an arrival as ``now + (day - now)``, which can be one ulp
    # away from ``day``: compare with a tolerance of a few nanodays
    with np.errstate(invalid="ignore"):
        assert not np.any(enter < arrival[:, None] - EPS)
        assert not np.any(start < enter)
        assert not np.any(end < start)
        assert not np.any(end > horizon)
    # stages are visited one after the other, from the source's entry stage on
    entry = sc.source_entry_stage[leads.source]
    visited = np.isfinite(enter)
    assert not np.any(visited & (np.arange(n_stages)[None, :] < entry[:, None]))
    for s in range(1, n_stages):
        later = visited[:, s] & (entry < s)
        assert np.all(log.stage_passed[later, s - 1]), "a stage is entered only after the previous one was passed"
        assert np.all(enter[later, s] >= end[later, s - 1])
    # outcome days: after arrival, after entering the stage where the journey ended, not after the horizon
    ended = log.outcome != Outcome.OPEN
    assert np.all(log.outcome_day[ended] >= arrival[ended] - EPS)
    assert np.all(log.outcome_day[ended] <= horizon)
    rows = np.flatnonzero(ended)
    at = log.outcome_stage[rows]
    entered_at = enter[rows, at]
    assert np.all(np.isnan(entered_at) | (log.outcome_day[rows] >= entered_at))
    won = log.outcome == Outcome.WON
    assert np.array_equal(log.outcome_day[won], end[won, n_stages - 1])
    # first touch is the start of the first worked stage
    first_start = np.where(np.isfinite(start), start, np.inf).min(axis=1, initial=np.inf)
    first_start[np.isinf(first_start)] = np.nan
    assert np.array_equal(log.first_touch_day, first_start, equal_nan=True)
    touched = np.isfinite(log.first_touch_day)
    assert np.all((log.first_touch_day[touched] - arrival[touched]) * HOURS_PER_ELAPSED_DAY >= -EPS)
    mean_hours = kpi_row(run)["first_touch_hours_mean"]
    assert math.isnan(mean_hours) or mean_hours >= -EPS


# --------------------------------------------------------------------------- reps


def work_intervals(run: ReplicationRun, rep: int) -> np.ndarray:
    """(k, 2) work intervals of one rep, sorted; work still going at the horizon ends there."""
    log = run.log
    mask = log.stage_rep == rep
    start = log.stage_start[mask]
    end = np.where(np.isnan(log.stage_end[mask]), run.scenario.horizon_days, log.stage_end[mask])
    order = np.lexsort((end, start))
    return np.column_stack((start[order], end[order]))


@given(scenario_dicts(warmup=True), seeds, replications)
def test_a_rep_works_one_thing_at_a_time_and_utilisation_is_a_fraction(
    data: dict[str, Any], seed: int, rep: int
) -> None:
    run = run_of(data, seed, rep)
    sc, log = run.scenario, run.log
    lo, hi = sc.warmup_days, sc.horizon_days
    assert run.rep_team.shape == (sc.n_reps,)
    worked = log.stage_rep >= 0
    # the rep working a stage belongs to the team the stage is routed to
    assert np.array_equal(run.rep_team[log.stage_rep[worked]], team_of_stage(run)[worked])
    for r in range(sc.n_reps):
        intervals = work_intervals(run, r)
        assert np.all(intervals[1:, 0] >= intervals[:-1, 1] - EPS), f"rep {r} works two leads at once"
        # busy time counted by the engine is exactly the in-window part of its work
        clipped = np.clip(intervals, lo, hi)
        assert math.isclose(run.rep_busy_days[r], float((clipped[:, 1] - clipped[:, 0]).sum()), abs_tol=1e-7)
    assert np.all(run.rep_busy_days >= 0)
    assert np.all(run.rep_busy_days <= (hi - lo) + EPS)
    row = kpi_row(run)
    for team in sc.team_names:
        assert -EPS <= row[f"utilisation_{team}"] <= 1.0 + EPS


# --------------------------------------------------------------------------- leakage


@given(scenario_dicts(), seeds, replications)
def test_leaks_happen_only_after_the_maximum_wait(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    sc, log = run.scenario, run.log
    max_wait = sc.stage_max_wait_days
    leaked = np.flatnonzero(log.outcome == Outcome.LEAKED)
    stage = log.outcome_stage[leaked]
    assert np.all(np.isfinite(max_wait[stage])), "a lead leaked at a stage without max_wait_days"
    waited = log.outcome_day[leaked] - log.stage_enter[leaked, stage]
    assert np.all(waited >= max_wait[stage] - EPS)
    assert np.allclose(waited, max_wait[stage], rtol=0, atol=1e-7), "a leak is dated when the wait ran out"
    # a worked stage was started before its wait ran out
    with np.errstate(invalid="ignore"):
        assert not np.any(log.stage_start - log.stage_enter > max_wait[None, :] + EPS)
    # nobody still waiting at the horizon has waited past the limit: the census closed them
    is_open = log.outcome == Outcome.OPEN
    for s in range(sc.n_stages):
        waiting = is_open & np.isfinite(log.stage_enter[:, s]) & np.isnan(log.stage_start[:, s])
        if s + 1 < sc.n_stages:
            waiting &= np.isnan(log.stage_enter[:, s + 1])
        assert np.all(sc.horizon_days - log.stage_enter[waiting, s] <= max_wait[s] + EPS)


@given(scenario_dicts(), seeds, replications)
def test_without_max_wait_nothing_leaks(data: dict[str, Any], seed: int, rep: int) -> None:
    for stage in data["pipeline"]["stages"]:
        stage["max_wait_days"] = None
    run = run_of(data, seed, rep)
    assert not np.any(run.log.outcome == Outcome.LEAKED)
    assert kpi_row(run)["deals_lost_leaked"] == 0


# --------------------------------------------------------------------------- owners and hand-offs


@given(scenario_dicts(), seeds, replications)
def test_owner_policies_keep_one_rep_per_team_for_a_lead(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    sc, log = run.scenario, run.log
    teams = team_of_stage(run)
    for t in range(sc.n_teams):
        if sc.team_assignment[t] not in (ROUND_ROBIN, LEAST_LOADED):
            continue
        reps = np.where((teams == t) & (log.stage_rep >= 0), log.stage_rep, -1)
        highest = reps.max(axis=1)
        assert np.all((reps == -1) | (reps == highest[:, None])), f"team {t} changed a lead's owner"


@given(scenario_dicts(), seeds, replications)
def test_handoff_losses_happen_only_at_a_change_of_rep(data: dict[str, Any], seed: int, rep: int) -> None:
    run = run_of(data, seed, rep)
    sc, log, leads = run.scenario, run.log, run.leads
    lost = np.flatnonzero(log.outcome == Outcome.LOST_HANDOFF)
    stage = log.outcome_stage[lost]
    if sc.handoff_loss_probability == 0:
        assert lost.size == 0
    entry = sc.source_entry_stage[leads.source[lost]]
    assert np.all(stage > entry), "the first stage of a journey has no hand-off"
    assert np.all(log.stage_passed[lost, stage - 1])
    assert np.all(leads.handoff_draw[stage, lost] < sc.handoff_loss_probability)
    # a single owner-policy team that works every stage never hands a lead over
    if sc.n_teams == 1 and sc.team_assignment[0] in (ROUND_ROBIN, LEAST_LOADED):
        assert lost.size == 0


# --------------------------------------------------------------------------- conversion effects


@given(scenario_dicts(), seeds, replications)
def test_every_stage_result_follows_from_the_lead_luck_and_the_rep(data: dict[str, Any], seed: int, rep: int) -> None:
    """Recompute each worked stage's pass/fail from the luck arrays, the rep's skill and the first touch."""
    run = run_of(data, seed, rep)
    sc, log, leads = run.scenario, run.log, run.leads
    skills = draw_rep_skills(sc, seed, rep)
    for lead, stage in zip(*np.nonzero(np.isfinite(log.stage_end)), strict=True):
        start = log.stage_start[lead, stage]
        first = start == log.first_touch_day[lead] and not np.any(log.stage_start[lead, :stage] <= start)
        touch = (start - leads.arrival_day[lead]) * HOURS_PER_ELAPSED_DAY if first else None
        rep_index = log.stage_rep[lead, stage]
        z = conversion_logit(
            sc, int(stage), int(leads.source[lead]), int(leads.buying_circle[lead]), float(skills[rep_index]), touch
        )
        expected = leads.conversion_draw[stage, lead] < probability(z)
        assert log.stage_passed[lead, stage] == expected, (lead, stage)
    certain = np.isinf(sc.stage_base_logit)
    worked = np.isfinite(log.stage_end)
    for stage in np.flatnonzero(certain):
        assert np.all(log.stage_passed[worked[:, stage], stage] == (sc.stage_base_logit[stage] > 0))


def _base_scenario() -> Scenario:
    return compiled(shipped("generalist"))


BASE = _base_scenario()
CIRCLE_STAGE = int(np.flatnonzero(BASE.stage_circle_sensitive)[0])


@given(
    st.floats(0.0, 1e4),
    st.floats(0.0, 1e4),
    st.floats(0.01, 100.0),
    st.floats(0.0, 5.0),
)
def test_speed_to_lead_shift_never_rises_with_slower_first_touch(
    hours_a: float, hours_b: float, scale: float, exponent: float
) -> None:
    sc = dataclasses.replace(BASE, speed_scale_hours=scale, speed_exponent=exponent)
    fast, slow = sorted((hours_a, hours_b))
    assert speed_to_lead_shift(sc, slow) <= speed_to_lead_shift(sc, fast)
    assert speed_to_lead_shift(sc, fast) <= 0.0
    assert speed_to_lead_shift(sc, 0.0) == 0.0


@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.floats(0.001, 1.0),
    st.floats(0.0, 20.0),
    st.floats(-2.0, 2.0),
    st.none() | st.floats(0.0, 100.0),
)
def test_conversion_logit_falls_with_a_larger_buying_circle(
    circle_a: int, circle_b: int, per_person: float, reference: float, skill: float, touch: float | None
) -> None:
    sc = dataclasses.replace(BASE, circle_logit_per_person=per_person, circle_reference_size=reference)
    small, large = sorted((circle_a, circle_b))
    z_small = conversion_logit(sc, CIRCLE_STAGE, 0, small, skill, touch)
    z_large = conversion_logit(sc, CIRCLE_STAGE, 0, large, skill, touch)
    assert z_large <= z_small
    if large > small:
        assert z_large < z_small
    # stages that are not circle-sensitive ignore the circle
    plain = int(np.flatnonzero(~BASE.stage_circle_sensitive)[0])
    assert conversion_logit(sc, plain, 0, small, skill, touch) == conversion_logit(sc, plain, 0, large, skill, touch)


@settings(max_examples=50)
@given(st.integers(1, 40), st.floats(0.0, 100.0), st.sampled_from((0.0, 1.0)))
def test_conversion_logit_of_certain_stages_is_not_moved(circle: int, touch: float, conversion: float) -> None:
    logits = BASE.stage_base_logit.copy()
    logits[CIRCLE_STAGE] = math.inf if conversion == 1.0 else -math.inf
    sc = dataclasses.replace(BASE, stage_base_logit=logits)
    assert conversion_logit(sc, CIRCLE_STAGE, 0, circle, 0.3, touch) == logits[CIRCLE_STAGE]
