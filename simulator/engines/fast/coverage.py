"""Which features of a scenario the fast engine covers, and which send it to the SimPy engine."""

from __future__ import annotations

from simulator.model.scenario import Scenario


def uncovered(scenario: Scenario) -> list[str]:
    """The features of ``scenario`` the fast engine does not run (empty: it runs all of them).

    Each is named as a user would name it in a config, for the line that says why a run
    fell back to the SimPy engine. Today it runs every feature of the model: dated
    arrivals (``leads_by_month``) and the calendar need nothing of the engine (they shape
    the drawn leads and the workforce plan); buyer decisions (``decide_after_delay``,
    ``no_decision``, ``quarter_end``), the starting open pipeline (``initial_pipeline``)
    and by-share assignment to named reps it runs as the SimPy engine does. A feature
    added to the model but not to this engine must be named here.
    """
    missing: list[str] = []
    return missing
