"""A count the scenario's config rules out reads "none: <why>", not a Garwood bound as if more runs might find one.

``lead_assignment``'s round robin read "Lost: at a hand-off  0 in all 5 runs (0 to 0.74 a
run)" though one rep works each lead through every stage; shared_queue read deals lost
"when the owner left" the same way though no lead has an owner to re-deal.
"""

from __future__ import annotations

import pandas as pd
import pytest

import simulator
from simulator.analysis.impossible_counts import impossible_counts, mark_impossible
from simulator.analysis.mean_cells import format_mean_ci, format_mean_cis
from simulator.analysis.tables import summary_row
from simulator.run.experiment import Experiment


@pytest.fixture(scope="module")
def assignment() -> Experiment:
    return simulator.load_experiment("lead_assignment", ["runs=2"])


@pytest.fixture(scope="module")
def org_designs() -> Experiment:
    return simulator.load_experiment("generalist_vs_specialist", ["runs=2"])


def _zero_row(scenario: str, kpi: str, runs: int = 5) -> dict[str, object]:
    return {"scenario": scenario, "kpi": kpi, "n": runs, "mean": 0.0, "std": 0.0, "ci_low": 0.0, "ci_high": 0.74}


def test_each_count_a_config_rules_out_is_named_with_its_reason(
    assignment: Experiment, org_designs: Experiment
) -> None:
    owned = impossible_counts(assignment.scenario("round_robin").config)
    assert owned["deals_lost_handoff"] == (
        "no hand-off in this scenario (one full cycle rep works each lead through every stage)"
    )
    assert "deals_reassigned" not in owned and "deals_lost_reassignment" not in owned  # reps leave: deals re-dealt
    assert owned["deals_lost_no_decision"] == "no stage ends in a buyer's no decision in this scenario"
    pooled = impossible_counts(assignment.scenario("shared_queue").config)
    assert "deals_lost_handoff" not in pooled  # the next free rep takes each stage: hand-offs happen
    assert (
        pooled["deals_reassigned"]
        == pooled["deals_lost_reassignment"]
        == ("no lead has an owner to re-deal in this scenario (its sales teams work one shared queue)")
    )
    assert "deals_lost_handoff" not in impossible_counts(org_designs.scenario("specialist").config)  # SDR to AE
    static = simulator.load_experiment("generalist_vs_specialist", ["runs=2", "workforce=static"])
    still = impossible_counts(static.scenario("specialist").config)
    assert still["reps_left"] == "no rep leaves in this scenario (no attrition)"
    assert still["deals_reassigned"] == still["deals_lost_reassignment"]
    assert still["deals_reassigned"].startswith("no SDR and AE rep leaves in this scenario"), still
    assert still["reps_hired"] == "no hire in this scenario (no planned hires, and no leaver to replace)"
    assert "reps_left" not in owned and "reps_hired" not in owned
    channel = simulator.load_experiment("partner_channel", ["runs=2"])
    none = impossible_counts(channel.scenario("no_channel").config)  # the partner manager's seat removed
    why = "no partner channel in this scenario (no team works the partner pipeline)"
    for kpi in ("partners_active", "partner_referrals", "leads_partner", "stage_entries_partner_recruit"):
        assert none[kpi] == why
    assert "partners_active" not in impossible_counts(channel.scenario("partner_manager").config)
    unlimited = simulator.load_experiment(
        "generalist_vs_specialist", ["runs=2", "pipeline.stages.0.max_wait_days=null"]
    )
    leaks = impossible_counts(unlimited.scenario("generalist").config)
    assert leaks["stage_leaked_awareness"] == (
        "no wait limit at awareness in this scenario (pipeline.stages.0.max_wait_days is unset)"
    )
    assert "deals_lost_leaked" not in leaks and "stage_leaked_close" not in leaks  # the other stages keep theirs


def test_a_ruled_out_count_reads_none_and_a_possible_one_its_bound(assignment: Experiment) -> None:
    summary = pd.DataFrame(
        [_zero_row("round_robin", "deals_lost_handoff"), _zero_row("shared_queue", "deals_lost_handoff")]
    )
    mark_impossible(summary, assignment)
    rows = [summary_row(summary, name, "deals_lost_handoff") for name in ("round_robin", "shared_queue")]
    cells = format_mean_cis(rows, "deals_lost_handoff")
    assert cells[0] == "none: no hand-off in this scenario (one full cycle rep works each lead through every stage)"
    assert cells[1] == "0 in all 5 runs (0 to 0.74 a run)"  # possible there: the runs saw none, the bound stands
    assert format_mean_ci(rows[0], "deals_lost_handoff", words=False).startswith("none: no hand-off")
    one_run = summary_row(summary, "round_robin", "deals_lost_handoff")
    assert one_run is not None
    one_run = one_run.copy()
    one_run["ci_low"] = one_run["ci_high"] = float("nan")
    assert format_mean_ci(one_run, "deals_lost_handoff").startswith("none: no hand-off")


def test_a_run_s_report_reads_none_where_its_config_rules_a_count_out() -> None:
    from simulator.analysis.run_figures import summary_with_run_figures
    from simulator.analysis.tables import summary_of
    from simulator.run.settings import RunnerSettings

    experiment = simulator.load_experiment("lead_assignment", ["runs=2"])
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, progress=False))
    summary = summary_of(result)
    for (scenario, kpi), reason in summary.attrs["impossible"].items():  # none ruled out that the runs counted
        marked = summary_row(summary, scenario, kpi)
        assert marked is not None and float(marked["mean"]) == 0.0, (scenario, kpi, reason)
    row = summary_row(summary, "round_robin", "deals_lost_handoff")
    assert row is not None and float(row["mean"]) == 0.0
    with_figures = summary_row(summary_with_run_figures(result), "round_robin", "deals_lost_handoff")
    assert with_figures is not None and with_figures.get("impossible")  # the unusual section's table keeps it
    assert format_mean_ci(row, "deals_lost_handoff").startswith("none: no hand-off in this scenario")
