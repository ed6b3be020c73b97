"""A scenario's "Org design" cell does not claim owners for a team its own override pools, nor the reverse.

``lead_assignment`` (200 runs, seed 11): shared_queue (``org.teams.full_cycle.assignment=pooled``)
read "full-cycle reps, each owning leads from first touch to close" in "The scenarios", the
generalist design's own words, beside "none: no lead has an owner to re-deal in this scenario (its
sales teams work one shared queue)" in its key numbers and 78.9 leads lost at hand-offs a run.
"""

from __future__ import annotations

from types import SimpleNamespace

import simulator
from simulator.analysis.design_words import design_words
from simulator.report.document import _scenarios_section


def _cells(name: str, overrides: list[str] | None = None) -> dict[str, str]:
    experiment = simulator.load_experiment(name, ["runs=2", *(overrides or [])])
    lines = _scenarios_section(SimpleNamespace(experiment=experiment))  # type: ignore[arg-type]
    rows = [line.split(" | ") for line in lines if line.startswith("| **")]
    return {row[0].strip("| *").split("*")[0]: row[1] for row in rows}


def test_a_pooled_scenario_on_an_owners_design_says_no_rep_owns_a_lead() -> None:
    cells = _cells("lead_assignment")
    assert cells["round_robin"] == "full-cycle reps, each owning leads from first touch to close"
    assert cells["least_loaded"] == cells["round_robin"]  # owners still: dealt otherwise, as the changes table says
    assert cells["shared_queue"] == (
        "the baseline's design (full-cycle reps, each owning leads from first touch to close) with one change: "
        "its full cycle team works one shared queue (the next free rep takes each stage, so no rep owns a lead)"
    )


def test_owners_on_a_pooled_desk_are_named_and_another_design_keeps_its_words() -> None:
    experiment = simulator.load_experiment("sdr_headcount", ["runs=2"])
    base = experiment.scenario("sdr_4").config.org
    dealt = base.model_copy(
        update={"teams": {**base.teams, "sdr": base.teams["sdr"].model_copy(update={"assignment": "round_robin"})}}
    )
    words = design_words(base.description, dealt, base, base.description)
    assert words.endswith(
        "with one change: its SDR team gives each lead an owner (dealt in turn) rather than one shared queue"
    ), words
    assert design_words("another design", dealt, base, base.description) == "another design"
    assert set(_cells("sdr_headcount").values()) == {base.description}


def test_four_changed_teams_are_not_called_one_change() -> None:
    base = simulator.load_experiment("sdr_headcount", ["runs=2"]).scenario("sdr_4").config.org
    teams = {name: team.model_copy(update={"assignment": "pooled"}) for name, team in base.teams.items()}
    teams["sdr"] = base.teams["sdr"].model_copy(update={"assignment": "round_robin"})
    words = design_words(base.description, base.model_copy(update={"teams": teams}), base, base.description)
    assert "with 4 changes: its SDR team gives each lead an owner" in words and "one change" not in words, words
