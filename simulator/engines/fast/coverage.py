"""Which features of a scenario the fast engine covers, and which send it to the SimPy engine."""

from __future__ import annotations

import numpy as np

from simulator.model.scenario import BY_SHARE, Scenario


def uncovered(scenario: Scenario) -> list[str]:
    """The features of ``scenario`` the fast engine does not run (empty: it runs all of them).

    Each is named as a user would name it in a config, for the line that says why a run
    fell back to the SimPy engine. Dated arrivals (``leads_by_month``) and the calendar
    need nothing of the engine (they shape the drawn leads and the workforce plan).
    """
    missing = []
    decisions = scenario.decisions
    if decisions is not None:
        if bool(np.any(decisions.after_delay)):
            missing.append("decisions after the buyer's delay (pipeline.stages.<stage>.decide_after_delay)")
        if bool(np.any(decisions.no_decision > 0.0)):
            missing.append("no decisions (pipeline.stages.<stage>.no_decision)")
        if decisions.quarter_end_share > 0.0:
            missing.append("quarter-end pulls (pipeline.quarter_end)")
    if scenario.initial is not None:
        missing.append("a starting open pipeline (initial_pipeline)")
    if bool(np.any(scenario.team_assignment == BY_SHARE)):
        missing.append("assignment by share to named reps (org.teams.<team>.assignment: by_share)")
    return missing
