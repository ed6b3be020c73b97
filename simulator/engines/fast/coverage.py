"""Which features of a scenario the fast engine covers, and which send it to the SimPy engine."""

from __future__ import annotations

from simulator.model.scenario import Scenario


def uncovered(scenario: Scenario) -> list[str]:
    """The features of ``scenario`` the fast engine does not run (empty: it runs all of them).

    Each is named as a user would name it in a config, for the line that says why a run
    fell back to the SimPy engine.
    """
    return []
