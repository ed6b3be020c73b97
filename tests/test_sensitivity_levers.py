"""Which numbers sensitivity moves: no per-rep share, no reference figure; a side that cannot run says why.

A calibrated company's study counted 65 levers, 30 of them reps' shares of new opportunities
(``org.teams.West.reps.agent_35``) and two the export's own figures kept for the report's words
(``pipeline.fitted_figures.win_rate``, $0 of effect), so "up to about 3 of the 19 may be chance"
was counted over the wrong number; its headcount notes said "the low value 8 cannot run" unexplained.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator.analysis.levers import find_levers, lever_experiment
from simulator.config.errors import ConfigError
from simulator.run.build import experiment_from_dict
from simulator.run.experiment import Experiment
from tests.scenarios import single_stage_queue


def owners_experiment() -> Experiment:
    """A calibrated company's shape, small: ten named reps sharing new leads by share, and fitted figures."""
    config: dict[str, Any] = single_stage_queue(6.0, 0.05, reps=10, horizon_days=30.0, conversion=0.6)
    team = config["org"]["teams"]["servers"]
    team.update(assignment="by_share", reps={f"rep_{i:02d}": 0.01 * (i + 1) for i in range(10)})
    config["pipeline"]["fitted_figures"] = {"win_rate": 0.64, "cycle_time_days_p50": 45.0}
    config.update(seed=5, runs=2, experiment={"name": "owners", "question": "What drives bookings?"})
    return experiment_from_dict(config)


def test_per_rep_shares_and_fitted_figures_are_no_levers() -> None:
    config = owners_experiment().resolved_config["scenarios"]["base"]
    keys = [lever.key for lever in find_levers(config, 0.2)]
    assert not [key for key in keys if ".reps." in key]  # shares of the team's new leads: a mix
    assert not [key for key in keys if "fitted_figures" in key]  # read by the report's words only
    assert "org.teams.servers.headcount" in keys and "pipeline.stages.0.conversion" in keys
    with pytest.raises(ConfigError, match="the simulation never reads it, so moving it changes nothing"):
        find_levers(config, 0.2, keys=["pipeline.fitted_figures.win_rate"])


def test_a_side_that_cannot_run_says_why() -> None:
    experiment = owners_experiment()
    levers = find_levers(experiment.resolved_config["scenarios"]["base"], 0.2, keys=["org.teams.servers.headcount"])
    notes: list[str] = []
    built, kept = lever_experiment(experiment, "base", levers, 2, notes)
    assert [s.name for s in built.scenarios] == ["baseline", "p000_high"] and kept[0].low is None
    assert notes == [
        "org.teams.servers.headcount: the low value 8 cannot run (org.teams.servers.reps names 10 reps, more than "
        "headcount (8)); that side is left out"
    ]


def test_how_it_was_run_counts_the_scenarios_that_ran() -> None:
    """It said "275 scenarios at most" where the default scenario's 137 levers ran 274 (1 rep cannot go to 0)."""
    import math

    import pandas as pd

    from simulator.report.sensitivity_words import scenarios_words

    table = pd.DataFrame({"parameter": ["a", "b"], "low": [math.nan, 0.8], "high": [2.0, 1.2]})
    assert (
        scenarios_words(table)
        == "4 scenarios (the baseline, and each lever low and high; 1 side could not run, see the notes)"
    )
    assert scenarios_words(table.assign(low=0.8)) == "5 scenarios (the baseline, and each lever low and high)"
