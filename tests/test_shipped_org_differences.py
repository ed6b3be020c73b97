"""A shipped org design differs from the one an experiment sets it against only where the question changes it."""

from __future__ import annotations

import simulator
from simulator.run.differences import scenario_differences


def test_solution_engineers_changes_only_the_seats_and_the_proof_stage() -> None:
    """solution_engineers' "What each scenario changes" listed org.routing.awareness "sdr" -> "—" and a description
    without "(pooled desk)", as if the engineers' design took the first touch from a pooled SDR desk: its SDRs are the
    same pooled desk working awareness (its role, sdr), and the answer's MQL to SQL rates are equal."""
    experiment = simulator.load_experiment("solution_engineers")
    changed = {d.key: (d.baseline, d.value) for d in scenario_differences(experiment)}
    assert set(changed) == {
        "org.name",
        "org.description",
        "org.teams.ae.headcount",
        "org.teams.se",
        "org.routing.probation",
    }, changed
    baseline, engineers = changed["org.description"]
    assert baseline.startswith("SDRs (pooled desk) qualify") and engineers.startswith("SDRs (pooled desk) qualify")
