"""Two levers that are one: a team's hours a day and its selling share both set its selling hours.

``salesim sensitivity --runs 10 --global none`` named org.teams.full_cycle.hours_per_day and
org.teams.full_cycle.selling_fraction as the top two levers, with byte-identical swings
(+$1.54M, 95% CI +$1.19M to +$1.90M): 20% less of either is 2.88 selling hours a day, and
their low and high runs were the same on all 180 columns, replication by replication.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import simulator
from simulator.analysis.levers import BASELINE, Lever, scenario_name
from simulator.analysis.sensitivity import same_runs, sensitivity_table
from simulator.report.sensitivity_report import (
    SensitivityStudy,
    answer_paragraph,
    run_sensitivity,
    sensitivity_markdown,
)
from simulator.report.sensitivity_words import same_lever_words

HOURS = "org.teams.full_cycle.hours_per_day"
SHARE = "org.teams.full_cycle.selling_fraction"
HEADCOUNT = "org.teams.full_cycle.headcount"


def _runs(levels: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Three replications of the baseline and of each scenario, the KPI ``k`` at ``level + luck`` and ``other``."""
    rows = []
    for name, (level, other) in {BASELINE: (10.0, 1.0), **levels}.items():
        for r, luck in enumerate((0.0, 3.0, -2.0)):
            rows.append({"scenario": name, "replication": r, "k": level + luck, "other": other})
    return pd.DataFrame(rows)


def test_levers_with_the_same_runs_are_marked_and_levers_that_move_nothing_are_not() -> None:
    levers = [Lever(f"a.p{i}", 1.0, 0.8, 1.2, False) for i in range(5)]
    runs = _runs(
        {
            scenario_name(0, "low"): (5.0, 1.0),
            scenario_name(0, "high"): (15.0, 1.0),
            scenario_name(1, "low"): (5.0, 1.0),  # p1: p0's very runs
            scenario_name(1, "high"): (15.0, 1.0),
            scenario_name(2, "low"): (5.0, 1.0),  # p2: the same KPI, another column differs: not the same runs
            scenario_name(2, "high"): (15.0, 2.0),
            scenario_name(3, "low"): (10.0, 1.0),  # p3 and p4 move nothing: the baseline's runs, no one's twin
            scenario_name(3, "high"): (10.0, 1.0),
            scenario_name(4, "low"): (10.0, 1.0),
            scenario_name(4, "high"): (10.0, 1.0),
        }
    )
    assert same_runs(runs, levers) == {"a.p0": "a.p0", "a.p1": "a.p0"}
    table = sensitivity_table(runs, levers, "k").set_index("parameter")
    assert table.loc["a.p1", "same_as"] == "a.p0" and table.loc["a.p0", "same_as"] == ""
    assert table.loc["a.p2", "same_as"] == "" and table.loc["a.p3", "same_as"] == ""
    assert table.loc["a.p0", "swing"] == table.loc["a.p1", "swing"] == table.loc["a.p2", "swing"] == 10.0


def test_the_answer_names_twin_levers_once_as_one_lever() -> None:
    table = pd.DataFrame(
        {
            "parameter": [HOURS, SHARE, HEADCOUNT, "market.deal_value.p90"],
            "kpi": "bookings",
            "baseline_mean": 3.64e6,
            "swing": [1.54e6, 1.54e6, 1.36e6, 1.03e6],
            "swing_ci_low": [1.19e6, 1.19e6, 0.79e6, 0.71e6],
            "swing_ci_high": [1.90e6, 1.90e6, 1.93e6, 1.35e6],
            "clear": True,
            "same_as": ["", HOURS, "", ""],
        }
    )
    text = answer_paragraph(SensitivityStudy("e", "generalist", "bookings", 0.2, 10, 1, table, None, [], 0.0))
    assert (
        f"moves most with {HOURS} and {SHARE}, the same lever: both set the full cycle team's selling hours "
        "(low to high: +$1.54M, 95% CI +$1.19M to +$1.90M), "
        f"{HEADCOUNT} (low to high: +$1.36M" in text
    )
    assert "market.deal_value.p90 (low to high" in text  # the third distinct lever, where the twin had stood
    assert text.count(SHARE) == 1
    # one test, not two: 3 levers were tested at 95% (4 had read "4 of 4 levers")
    once = "(levers with the very same runs counted once)."
    assert f"3 of 3 levers have a clear effect at 10 runs per scenario {once}" in text
    assert (
        same_lever_words(["a.x", "a.y"]) == "both ran the very same low runs and high runs, replication by replication"
    )


def test_hours_a_day_and_the_selling_share_run_the_very_same_runs(tmp_path: Path) -> None:
    experiment = simulator.load_experiment("generalist_vs_specialist", ["runs=4"])
    study = run_sensitivity(
        experiment, "generalist", "bookings", 0.2, 4, [HOURS, SHARE, HEADCOUNT], method="none", workers=1
    )
    table = study.table.set_index("parameter")
    assert table.loc[SHARE, "same_as"] == HOURS and table.loc[HOURS, "same_as"] == ""
    assert table.loc[HEADCOUNT, "same_as"] == "" and len(study.table) == 3  # both rows kept
    assert bool(table.loc[HOURS, "clear"]) and table.loc[HOURS, "swing"] == table.loc[SHARE, "swing"]
    assert f"{HOURS} and {SHARE}, the same lever: both set" in answer_paragraph(study)
    row = next(line for line in sensitivity_markdown(study, tmp_path, {}).splitlines() if f"`{SHARE}`" in line)
    assert f"(the same runs as `{HOURS}`)" in row


def test_two_levers_that_are_one_skip_the_global_method_and_keep_their_runs() -> None:
    """--params hours_per_day,selling_fraction ran 20 runs, then exited 2 with "--global-params = 1: must be at least
    2", a value nobody gave; with a third lever, the answer said the twin was "left out" of the global method."""
    experiment = simulator.load_experiment("generalist_vs_specialist", ["runs=4"])
    study = run_sensitivity(experiment, "generalist", "bookings", 0.2, 4, [HOURS, SHARE], workers=1)
    assert study.global_result is None and len(study.table) == 2
    assert study.notes[-1] == (
        f"the morris method was not run: it needs two levers, and {HOURS} and {SHARE} ran the very same runs "
        "(one lever)"
    )
    three = run_sensitivity(experiment, "generalist", "bookings", 0.2, 4, [HOURS, SHARE, HEADCOUNT], workers=1)
    assert three.global_result is not None and set(three.global_result.table["parameter"]) == {HOURS, HEADCOUNT}
    assert "left out of it" not in answer_paragraph(three)


def test_the_command_says_the_global_method_was_not_run_on_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The twins' note stood only under report.md's "How it was run"; the terminal answer did not say it."""
    from simulator.report.sensitivity_command import sensitivity_main

    args = ["--params", f"{HOURS},{SHARE}", "--runs", "3", "--workers", "1", "--out", str(tmp_path / "s")]
    assert sensitivity_main(args, lambda overrides: simulator.load_experiment("generalist_vs_specialist")) == 0
    assert "salesim: note: the morris method was not run: it needs two levers" in capsys.readouterr().err
