"""Results earlier reviewers could not explain, now explained in the report with the runs' own figures.

- ``lead_assignment``: least-loaded qualified fewer leads than round robin though it
  answered them sooner (:mod:`simulator.analysis.assignment_reasons`).

Each is checked against a shipped experiment's run (40 paired runs a scenario, the
compiled engine), every figure in the words read back from the summary it came from.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import simulator
from simulator.analysis.answer_words import difference_words
from simulator.analysis.assignment_reasons import (
    MECHANISM,
    assignment_reasons,
    least_loaded_notes,
    least_loaded_words,
)
from simulator.analysis.formatting import format_value
from simulator.analysis.published_ranges import below_key
from simulator.analysis.run_figures import summary_with_run_figures
from simulator.analysis.tables import comparison_of, summary_mean, summary_of
from simulator.report.answer_section import comparison_notes
from simulator.run.experiment import ExperimentResult
from simulator.run.settings import RunnerSettings

RUNS = 40


def _run(name: str, store: Path) -> ExperimentResult:
    experiment = simulator.load_experiment(name, [f"runs={RUNS}"])
    return simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, engine="fast"), store_dir=store)


@pytest.fixture(scope="module")
def assignment(tmp_path_factory: pytest.TempPathFactory) -> ExperimentResult:
    return _run("lead_assignment", tmp_path_factory.mktemp("lead_assignment"))


def _row(comparison: pd.DataFrame, scenario: str, kpi: str) -> pd.Series:
    return comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)].iloc[0]


def test_least_loaded_qualifying_fewer_leads_is_explained_beside_the_answer(assignment: ExperimentResult) -> None:
    """least_loaded answered 8 hours sooner and leaked 52 fewer, yet qualified 12.5% against 15.1%: no word said why."""
    summary, comparison = summary_of(assignment), comparison_of(assignment)
    rate = "mql_to_sql_rate"
    row = _row(comparison, "least_loaded", rate)
    assert bool(row["significant"]) and row["mean_diff"] < 0  # the puzzle holds on these runs
    (note,) = least_loaded_notes(assignment)  # shared_queue (pooled) qualifies more: no words
    names = ("least_loaded", "round_robin")
    rates = [format_value(rate, summary_mean(summary, s, rate)) for s in names]
    assert note.startswith(
        f"least_loaded qualifies {rates[0]} of the leads its full cycle reps work at awareness against "
        f"round_robin's {rates[1]}, {difference_words(row, rate)} paired run by run"
    )
    touch = "first_touch_hours_mean_full_cycle"
    hours = [format_value(touch, summary_mean(summary, s, touch)) for s in names]
    assert f"though it first touches them sooner ({hours[0]} against {hours[1]} hours of working days)" in note
    assert MECHANISM in note and "the least skilled, new hires in their ramp among them" in note
    meetings = [format_value("meetings_booked", summary_mean(summary, s, "meetings_booked")) for s in names]
    assert f"({meetings[0]} meetings booked against {meetings[1]})" in note
    assert note in comparison_notes(assignment)  # said beside the answer, in the report and on the terminal
    # beside the qualification figure too, when it reads outside its range
    reasons = assignment_reasons(assignment, summary_with_run_figures(assignment))
    assert set(reasons) == {"least_loaded"}
    assert reasons["least_loaded"][below_key(rate)] == f"round_robin reads {rates[1]}: {MECHANISM}"
    # a difference the runs do not show gets no words: another cause must not be hidden behind this one
    unclear = comparison.copy()
    unclear.loc[(unclear["scenario"] == "least_loaded") & (unclear["kpi"] == rate), "significant"] = False
    assert least_loaded_words(summary, unclear, "least_loaded", "round_robin", "full_cycle", "awareness") == ""
