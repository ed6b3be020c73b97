"""Settings the runs are measured against, not worked to: a scenario changing only those changes no run.

A service level (``sla``), a bookings plan (``plan``) and the forecast's method
(``forecast``) are read after the fact: ``sla_breach_<stage>`` counts the leads that
waited past their stage's service level, ``hit_plan``, ``plan_shortfall`` and
``pipeline_coverage`` compare bookings and the pipeline with the plan,
``plan.assumed_attainment`` sets the spreadsheet's capacity (``capacity_spreadsheet``
and the ``capacity_gap_*`` bridge to bookings), ``forecast_*`` scores a forecast of
the month's and quarter's bookings. No rep, lead or customer behaves differently under
them (the model has no escalation of a lead nearing its service level, no push at a
quarter's end for a plan). A what-if on one of them alone ("a 4-hour service level at
first touch") leaves every other KPI the same in every run, and the comparison reads
"no clear difference" or "the same in every run" without saying why:
:func:`measured_only_notes` says it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MEASURED_ONLY = {
    "sla": "the service levels (sla.stages) only count breaches (sla_breach_<stage>): no rep works to them",
    "plan": (
        "the plan only sets what bookings and pipeline are compared with (hit_plan, plan_shortfall, "
        "pipeline_coverage) and the spreadsheet's capacity (capacity_spreadsheet, capacity_gap_*): "
        "no rep sells differently for it"
    ),
    "forecast": "the forecast's settings only score a forecast (forecast_*): no rep works differently for it",
}
"""Each measured-only section, with what it does and does not do, in a note's words."""


def measured_only_notes(configs: Mapping[str, Mapping[str, Any]], baseline: str) -> list[str]:
    """A note for each scenario that differs from the baseline only in sections the runs are measured against.

    Args:
        configs: Scenario name -> its composed config (plain dicts).
        baseline: The baseline scenario's name (no note when it is missing).

    Returns:
        One note per such scenario: which sections, what they do, and that every other KPI
        is the same in every run (the scenarios meet the same luck). A scenario that also
        differs elsewhere gets none (its other changes move the runs); nor does one the same
        as the baseline (noted elsewhere as alike).
    """
    base = configs.get(baseline)
    if base is None:
        return []
    notes = []
    for name, config in configs.items():
        if name == baseline:
            continue
        differing = sorted(key for key in set(config) | set(base) if config.get(key) != base.get(key))
        if not differing or any(key not in MEASURED_ONLY for key in differing):
            continue
        said = "; ".join(MEASURED_ONLY[key] for key in differing)
        notes.append(
            f"scenario {name} differs from the baseline {baseline} only in {', '.join(differing)}: {said}; "
            "every other KPI is the same in every run, so the comparison measures the setting, not its effect"
        )
    return notes
