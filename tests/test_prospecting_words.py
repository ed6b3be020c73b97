"""Reserved prospecting hours are said as the share of selling time they are, and the gap to what is spent is explained.

prospecting_time's blocks_3h (30 runs) read "The AE team's time spent prospecting rises from
0.0% with no_blocks to 22.9% of its selling time ...: 3 hours a week are reserved for it": 3 of
an AE's 18 selling hours are 16.7%, and nothing said where the other 6.2 points came from. The
reserve is hours of work, which a rep still ramping up gives at its ramp's pace (19.0% without
the AEs' ramp).
"""

from __future__ import annotations

import pytest

import simulator
from simulator.analysis.attribution import prospecting_sentences
from simulator.run.experiment import ExperimentResult


def _run(*overrides: str) -> ExperimentResult:
    experiment = simulator.load_experiment("prospecting_time", ["runs=4", "seed=3", *overrides])
    return simulator.run_experiment(experiment, workers=1)


@pytest.fixture(scope="module")
def shipped() -> ExperimentResult:
    return _run()


def test_the_reserved_share_and_the_ramps_pace_are_said_beside_the_time_spent(shipped: ExperimentResult) -> None:
    (three,) = prospecting_sentences(shipped, "blocks_3h")
    assert "3 hours a week (16.7% of a ramped rep's selling time) are reserved for it" in three, three
    spent = float(shipped.replications.query("scenario == 'blocks_3h'")["utilisation_ae_prospecting"].mean())
    assert f"it spends {(spent - 1 / 6) * 100:.1f} points more, as a rep still ramping up works through" in three
    (six,) = prospecting_sentences(shipped, "blocks_6h")
    assert "6 hours a week (33.3% of a ramped rep's selling time)" in six, six


def test_a_team_with_no_ramp_is_not_said_to_ramp() -> None:
    result = _run("workforce.roles.ae.ramp=null")
    (three,) = prospecting_sentences(result, "blocks_3h")
    assert "(16.7% of a rep's selling time)" in three and "ramping" not in three, three
