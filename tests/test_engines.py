"""The fast engine against the SimPy engine, and the validations on both.

Both engines run the same processes on the same luck and order simultaneous events
alike (SimPy's ``(time, priority, id)``), so where the fast engine covers a scenario the
order of events is the same and so is every record: per replication every array of the
run and every KPI are equal (to 1e-9 for the KPIs, exactly for the records). The
shipped designs are compared on a short clock, random scenarios and random workforces
(Hypothesis: ties of constant delays and efforts included) on their own; the textbook
validations (M/M/c, the tandem network, leakage with deterministic patience, attrition)
run on both engines.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.config.errors import ConfigError
from simulator.config.pipelines import PipelinesConfig
from simulator.engines import fast
from simulator.engines.choice import engine_for, fallback_notes, simulate
from simulator.model.metrics import kpi_row
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.scenario import Scenario, compile_scenario
from simulator.run.settings import RunnerSettings
from tests.scenarios import THREE_STAGE_CONVERSIONS, compiled, single_stage_queue, three_stage_network
from tests.test_crm_features import crm_like
from tests.test_properties import scenario_dicts
from tests.test_theory import erlang_c_wait
from tests.test_workforce import workforce_sections

pytestmark = pytest.mark.filterwarnings("ignore::simulator.config.validation.PipelineShapeWarning")

Z = 4.0
SHORT = ["clock.horizon_days=120", "clock.warmup_days=30", "runs=2"]


def differences(a: ReplicationRun, b: ReplicationRun) -> list[str]:
    """Names of the records in which two runs differ (NaN equals NaN)."""

    def same(x: Any, y: Any) -> bool:
        if x is None or y is None:
            return x is None and y is None
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return False
        if x.dtype.kind == "f":
            return bool(np.all((x == y) | (np.isnan(x) & np.isnan(y))))
        return bool(np.array_equal(x, y))

    found = [
        f"leads.{f.name}"
        for f in dataclasses.fields(a.leads)
        if not same(getattr(a.leads, f.name), getattr(b.leads, f.name))
    ]
    found += [
        f"log.{f.name}" for f in dataclasses.fields(a.log) if not same(getattr(a.log, f.name), getattr(b.log, f.name))
    ]
    for f in dataclasses.fields(a):
        if f.name not in ("scenario", "leads", "log", "pipelines") and not same(getattr(a, f.name), getattr(b, f.name)):
            found.append(f.name)
    return found


def kpis_differ(a: ReplicationRun, b: ReplicationRun) -> list[str]:
    """KPIs whose values differ by more than 1e-9 (relative or absolute)."""
    x, y = kpi_row(a), kpi_row(b)
    assert x.keys() == y.keys()
    return [
        k
        for k in x
        if not (math.isnan(x[k]) and math.isnan(y[k])) and not math.isclose(x[k], y[k], rel_tol=1e-9, abs_tol=1e-9)
    ]


def assert_engines_agree(scenario: Scenario, seed: int, replications: range) -> None:
    for r in replications:
        reference, compiled_run = simulate(scenario, seed, r, "simpy"), simulate(scenario, seed, r, "fast")
        assert not differences(reference, compiled_run), (scenario.name, r, differences(reference, compiled_run))
        assert not kpis_differ(reference, compiled_run), (scenario.name, r, kpis_differ(reference, compiled_run))


def sales_only(experiment: str) -> list[Scenario]:
    """The scenarios of a shipped experiment on a short clock, with the sales pipeline alone."""
    loaded = simulator.load_experiment(overrides=[f"experiment={experiment}", *SHORT])
    return [
        compile_scenario(spec.config.model_copy(update={"pipelines": PipelinesConfig()}), spec.name)
        for spec in loaded.scenarios
    ]


# --------------------------------------------------------------------------- equality, replication by replication


@pytest.mark.parametrize(
    "experiment",
    [
        "generalist_vs_specialist",
        "lead_assignment",
        "org_structures",
        "handoff_quality",
        "speed_to_lead",
        "rep_attrition",
        "ramp_and_coaching",
        "hiring_plan",
        "solution_engineers",
    ],
)
def test_every_shipped_design_gives_the_same_records_on_both_engines(experiment: str) -> None:
    for scenario in sales_only(experiment):
        assert engine_for(scenario) == "fast"
        assert_engines_agree(scenario, 2026, range(2))


SHIPPED = sorted(path.stem for path in (Path(__file__).parents[1] / "configs" / "experiment").glob("*.yaml"))


@pytest.mark.parametrize("experiment", SHIPPED)
def test_every_shipped_experiment_with_its_pipelines_gives_the_same_records_on_both_engines(experiment: str) -> None:
    loaded = simulator.load_experiment(overrides=[f"experiment={experiment}", *SHORT])
    for spec in loaded.scenarios:
        scenario = spec.compile()
        if fast.uncovered(scenario):
            continue  # falls back to the SimPy engine (test_auto_falls_back_... checks how)
        assert_engines_agree(scenario, 2026, range(2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(), st.integers(0, 2**16))
def test_random_scenarios_give_the_same_records_on_both_engines(data: dict[str, Any], seed: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = compiled(data)
    assert_engines_agree(scenario, seed, range(1))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workforce_sections(), st.integers(0, 2**16))
def test_random_workforces_give_the_same_records_on_both_engines(data: dict[str, Any], seed: int) -> None:
    assert_engines_agree(compiled(data), seed, range(1))


# --------------------------------------------------------------------------- choosing the engine


def _starting_pipeline(data: dict[str, Any]) -> None:
    data["initial_pipeline"] = {"stage": ["decision"] * 3, "age_days": [5.0, 20.0, 40.0], "amount": [500.0] * 3}


def _by_share(data: dict[str, Any]) -> None:
    data["org"]["teams"]["agents"]["assignment"] = "by_share"
    data["org"]["teams"]["agents"]["reps"] = {"ann": 1.0, "bob": 3.0}


FALLBACKS = {  # a feature the fast engine does not run yet -> how a config asks for it, and its name
    "decide_after_delay": (lambda d: d["pipeline"]["stages"][0].update(decide_after_delay=True), "decide_after_delay"),
    "no_decision": (lambda d: d["pipeline"]["stages"][0].update(no_decision=0.2, no_decision_days=5.0), "no_decision"),
    "quarter_end": (
        lambda d: (
            d["pipeline"]["stages"][0].update(decide_after_delay=True),
            d["pipeline"].update(quarter_end={"share": 0.5, "window_days": 10, "lookahead_days": 20}),
        ),
        "pipeline.quarter_end",
    ),
    "initial_pipeline": (_starting_pipeline, "initial_pipeline"),
    "by_share": (_by_share, "by_share"),
}


@pytest.mark.parametrize("feature", sorted(FALLBACKS))
def test_auto_falls_back_to_simpy_naming_each_uncovered_feature_and_fast_refuses(feature: str) -> None:
    data = crm_like()
    configure, name = FALLBACKS[feature]
    before = compiled(copy.deepcopy(data))
    assert not fast.uncovered(before) and engine_for(before) == "fast"
    configure(data)
    scenario = compiled(data)
    missing = fast.uncovered(scenario)
    assert any(name in m for m in missing), missing
    assert engine_for(scenario, "auto") == "simpy"
    assert engine_for(scenario, "simpy") == "simpy"
    with pytest.raises(ValueError, match=name):
        engine_for(scenario, "fast")
    with pytest.raises(ValueError, match=name):
        fast.simulate(scenario, 1, 0)
    [note] = fallback_notes([scenario, before])
    assert note.startswith(f"scenario {scenario.name} runs on the SimPy engine") and name in note
    reference = simulate(scenario, 3, 0, "simpy")
    assert kpi_row(simulate(scenario, 3, 0)) == kpi_row(reference)


def test_a_run_with_an_uncovered_scenario_notes_it_once_and_fast_refuses_the_run() -> None:
    experiment = simulator.load_experiment(overrides=["runs=1", "clock.horizon_days=40", "clock.warmup_days=0"])
    first, *others = experiment.scenarios
    assert others and all(not fast.uncovered(spec.compile()) for spec in experiment.scenarios)
    data = first.config.model_dump()
    stage = data["pipeline"]["stages"][-1]["name"]
    data["initial_pipeline"] = {"stage": [stage] * 2, "age_days": [3.0, 9.0], "amount": [800.0] * 2}
    starting = dataclasses.replace(first, config=type(first.config).model_validate(data))
    experiment = dataclasses.replace(experiment, scenarios=[starting, *others])
    notes: list[str] = []
    result = simulator.run_experiment(experiment, workers=1, on_note=notes.append)
    assert len(result.replications) == 1 + len(others) and not result.failures
    assert len(notes) == 1 and "initial_pipeline" in notes[0] and first.name in notes[0]
    assert all(spec.name not in notes[0] for spec in others)
    with pytest.raises(ConfigError, match=r"runner\.engine"):
        simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, engine="fast"))


def test_dated_arrivals_give_the_same_records_on_both_engines() -> None:
    data = crm_like()
    data["market"]["sources"]["crm"]["leads_by_month"] = {"2017-11": 400.0, "2017-12": 20.0}
    scenario = compiled(data)
    assert scenario.source_month_leads is not None and engine_for(scenario) == "fast"
    assert_engines_agree(scenario, 4, range(3))


def test_the_python_api_takes_the_engine() -> None:
    [scenario] = sales_only("generalist_vs_specialist")[:1]
    a = simulator.run_replication(scenario, 5, 1, engine="simpy")
    b = simulator.run_replication(scenario, 5, 1, engine="fast")
    c = simulator.run_replication(scenario, 5, 1)
    assert a.kpis == b.kpis == c.kpis
    pd.testing.assert_frame_equal(pd.DataFrame(a.tables["reps"]), pd.DataFrame(b.tables["reps"]))


def test_fast_engine_tables_are_byte_identical_for_one_or_two_workers_and_on_dask(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from simulator.report.outputs import write_tables

    experiment = simulator.load_experiment(
        overrides=["~pipelines", "runs=6", "clock.horizon_days=60", "clock.warmup_days=0"]
    )
    written = {}
    for name, runner in {
        "one": RunnerSettings(workers=1, engine="fast"),
        "two": RunnerSettings(workers=2, batch_size=1, engine="fast"),
        "dask": RunnerSettings(backend="dask", workers=2, batch_size=2, engine="fast"),
    }.items():
        result = simulator.run_experiment(experiment, settings=runner)
        assert not result.failures
        write_tables(result, tmp_path / name)
        written[name] = (tmp_path / name / "replications.csv").read_bytes()
    assert written["one"] == written["two"] == written["dask"]
    reference = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, engine="simpy"))
    write_tables(reference, tmp_path / "simpy")
    assert (tmp_path / "simpy" / "replications.csv").read_bytes() == written["one"]


# --------------------------------------------------------------------------- validations on both engines


def mean_and_se(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=float)
    return float(array.mean()), float(array.std(ddof=1) / math.sqrt(array.size))


@pytest.mark.parametrize(("engine", "runs"), [("simpy", 8), ("fast", 40)])
def test_mmc_wait_and_utilisation_match_erlang_c_on_both_engines(engine: str, runs: int) -> None:
    arrivals, servers = 4.0, 5  # rho = 0.8
    scenario = compiled(single_stage_queue(arrivals, 1.0, servers, horizon_days=1600.0, warmup_days=100.0))
    rows = [kpi_row(simulate(scenario, 11, r, engine)) for r in range(runs)]
    wait, wait_se = mean_and_se([row["stage_wait_days_serve"] for row in rows])
    assert abs(wait - erlang_c_wait(arrivals, 1.0, servers)) < Z * wait_se
    busy, busy_se = mean_and_se([row["utilisation_servers"] for row in rows])
    assert abs(busy - arrivals / servers) < Z * busy_se


@pytest.mark.parametrize(("engine", "runs"), [("simpy", 8), ("fast", 40)])
def test_the_tandem_network_waits_as_its_jackson_network_on_both_engines(engine: str, runs: int) -> None:
    """Three stages worked by one pooled team: one M/M/c station visited 1 + p1 + p1 p2 times a lead."""
    scenario = compiled(three_stage_network(horizon_days=600.0, warmup_days=60.0))
    p1, p2, _ = THREE_STAGE_CONVERSIONS
    visits = 20.0 * (1.0 + p1 + p1 * p2)
    expected = erlang_c_wait(visits, 4.0, 11)  # 1-hour mean effort at 4 selling hours a day
    rows = [kpi_row(simulate(scenario, 3, r, engine)) for r in range(runs)]
    for stage in scenario.stage_names:  # arrivals see the time-average queue at every stage (arrival theorem)
        wait, se = mean_and_se([row[f"stage_wait_days_{stage}"] for row in rows])
        assert abs(wait - expected) < Z * se, (stage, wait, se, expected)
    won, won_se = mean_and_se([row["deals_won"] / row["leads_total"] for row in rows])
    assert abs(won - math.prod(THREE_STAGE_CONVERSIONS)) < Z * won_se


def abandonment_mmc_deterministic(arrival_rate: float, service_rate: float, servers: int, patience: float) -> float:
    """P(a customer abandons) in M/M/c+D, FIFO (Baccelli & Hebuterne 1981; Zeltyn & Mandelbaum 2005).

    The offered wait V has density ``lambda p_{c-1} exp(lambda H(x) - c mu x)`` for x > 0, with
    ``H(x) = min(x, D)``; a customer abandons when V > D.
    """
    lam, mu, c, d = arrival_rate, service_rate, servers, patience
    terms = [(lam / mu) ** j / math.factorial(j) for j in range(c)]
    weight = lam * terms[-1]  # lambda p_{c-1} / p_0
    inside = (math.exp((lam - c * mu) * d) - 1.0) / (lam - c * mu)
    beyond = math.exp((lam - c * mu) * d) / (c * mu)
    p0 = 1.0 / (sum(terms) + weight * (inside + beyond))
    return p0 * weight * beyond


@pytest.mark.parametrize(("engine", "runs"), [("simpy", 8), ("fast", 40)])
def test_leaks_match_the_abandonment_of_mmc_with_deterministic_patience_on_both_engines(engine: str, runs: int) -> None:
    arrivals, servers, patience = 3.3, 3, 0.5  # rho = 1.1 without the leaks
    data = single_stage_queue(arrivals, 1.0, servers, horizon_days=800.0, warmup_days=50.0)
    data["pipeline"]["stages"][0]["max_wait_days"] = patience
    scenario = compiled(data)
    shares = []
    for r in range(runs):
        run = simulate(scenario, 17, r, engine)
        settled = (run.leads.arrival_day >= 50.0) & (run.leads.arrival_day < 800.0 - 10.0)
        shares.append(float((run.log.outcome[settled] == Outcome.LEAKED).mean()))
    share, se = mean_and_se(shares)
    expected = abandonment_mmc_deterministic(arrivals, 1.0, servers, patience)
    assert abs(share - expected) < Z * se, (share, se, expected)


@pytest.mark.parametrize(("engine", "runs"), [("simpy", 10), ("fast", 60)])
def test_leavers_follow_the_attrition_hazard_on_both_engines(engine: str, runs: int) -> None:
    """No backfill: each of n reps leaves within H days with probability 1 - exp(-rate H)."""
    data = single_stage_queue(2.0, 1.0, 20, horizon_days=240.0)
    data["workforce"] = {"roles": {"server": {"attrition_rate": 0.8, "backfill_days": None}}}
    scenario = compiled(data)
    rate_per_day = 0.8 / 240.0  # the clock's 240-day year
    expected = 20 * (1.0 - math.exp(-rate_per_day * 240.0))
    left = [float(np.isfinite(simulate(scenario, 5, r, engine).rep_leave_day).sum()) for r in range(runs)]
    mean, se = mean_and_se(left)
    assert abs(mean - expected) < Z * se, (mean, se, expected)
