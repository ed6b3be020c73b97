"""runs=auto with a cap that stops one scenario short and not the other: every sentence about all of them is true.

``python -m simulator experiment=csm_coverage runs=auto runner.target_kpi=expansion_bookings
runner.target_precision=0.1 runner.max_runs=40``: csm_11 and csm_15 reached ±4.5% and ±4.2%,
csm_7 was stopped by the cap at ±12.9% (65 runs would do), and "How precise is this" opened
"every scenario then got the runs the least precise one needed": csm_7 needed 65 and got 40.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

import simulator
from simulator.analysis.precision import auto_runs_lines, auto_runs_words
from simulator.report.how_run_section import _runs_words
from tests.scenarios import shipped

KPI = "cycle_time_days_mean"


def _result(spreads: dict[str, float], runs: int = 9) -> simulator.ExperimentResult:
    config = {**shipped("generalist"), "seed": 11, "runs": "auto", "experiment": {"name": "auto", "question": "q?"}}
    config["clock"].update(horizon_days=40, warmup_days=0)
    config["runner"] = {"target_kpi": KPI, "target_precision": 0.05, "max_runs": runs, "pilot_runs": 4}
    experiment = simulator.experiment_from_dict(
        config, {"base": {}, "more_reps": {"org": {"teams": {"full_cycle": {"headcount": 16}}}}}
    )
    result = simulator.run_experiment(experiment, workers=1)
    draws = np.linspace(-1.0, 1.0, runs)  # the same shape in each scenario, a spread of its own: fixed, no seed
    made = result.replications
    rows = []
    for name, spread in spreads.items():
        mine = made.loc[made["scenario"] == name].copy()
        mine[KPI] = 40.0 * (1.0 + spread * draws)
        rows.append(mine)
    return dataclasses.replace(result, replications=pd.concat(rows, ignore_index=True))


def test_one_scenario_short_of_the_target_is_named_and_none_is_said_to_have_its_runs() -> None:
    result = _result({"base": 0.01, "more_reps": 0.5})
    assert result.runs_per_scenario == {"base": 9, "more_reps": 9}
    words = auto_runs_words(result)
    assert words[0].startswith("base reached ±") and "more_reps was stopped by the cap of 9 runs" in words[1]
    opening = auto_runs_lines(result)[0]
    assert "the least precise one needed" not in opening, opening
    assert opening.endswith(
        "with at most 9 runs per scenario; more_reps stopped short of it (below), and every scenario then got the "
        "most runs any one was given, 9, so that all are compared on the same runs:"
    ), opening
    assert _runs_words(result) == (
        "9 runs per scenario, stopped short of the precision wanted for more_reps (see How precise is this)"
    )
    # every scenario short: said of every scenario; none short: the least precise one's need, as before
    assert (
        "; every scenario stopped short of it (below)" in auto_runs_lines(_result({"base": 0.5, "more_reps": 0.5}))[0]
    )
    reached = auto_runs_lines(_result({"base": 0.01, "more_reps": 0.01}))[0]
    assert reached.endswith(
        "every scenario then got the runs the least precise one needed, so that all are compared on the same runs:"
    )
