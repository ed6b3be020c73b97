"""What a reader of a calibrated company must know before trusting its runs, in words.

Each is printed by ``salesim calibrate`` and written to the calibrated experiments'
``caveats``, so the report and the terminal say it beside each answer: the history the
as-of date leaves (:func:`simulator.calibration.calibrate.thin_history`), an export whose
last months thin out (:func:`simulator.calibration.run_rate.thinning_warning`), and an
effort per deal the reps could not give (:func:`effort_warning`).
"""

from __future__ import annotations

from simulator.calibration.calibrate import Calibration, thin_history
from simulator.calibration.run_rate import thinning_warning

WORKING_DAYS_A_MONTH = 365.25 / 12 * 5 / 7
"""Monday-to-Friday days in an average month (as :func:`simulator.calibration.calibrate.effort_hours` counts)."""


def effort_warning(cal: Calibration) -> str | None:
    """The warning when the mapping's ``effort_hours`` would take the busiest rep past its selling hours.

    Its share of the new opportunities a month, each taking that effort, against
    ``hours_per_day x selling_fraction`` a working day. An export records no effort, so
    calibrate cannot refuse the assumption; a run on it queues the deals and forecasts far
    fewer wins than the export records (200 hours a deal on crm-maven: 102 wins a quarter
    where it decided ~1,200, every team 98% busy). None when it fits, or when calibrate
    chose the effort itself.
    """
    assumptions = cal.mapping.assumptions
    if assumptions.effort_hours is None:
        return None
    busiest = max((s for owners in cal.people.teams.values() for s in owners.values()), default=0.0)
    deals_a_day = busiest * cal.arrivals.level.value / WORKING_DAYS_A_MONTH
    hours_a_day = assumptions.hours_per_day * assumptions.selling_fraction
    needed = deals_a_day * assumptions.effort_hours / hours_a_day if hours_a_day > 0 else 0.0
    if needed <= 1.0:
        return None
    fits = hours_a_day / deals_a_day
    return (
        f"mapping.assumptions.effort_hours = {assumptions.effort_hours:g}: the busiest rep gets "
        f"{deals_a_day * WORKING_DAYS_A_MONTH:,.0f} new opportunities a month, and at {assumptions.effort_hours:g} "
        f"hours each needs {needed:.0%} of its selling hours ({assumptions.hours_per_day:g} a day x "
        f"{assumptions.selling_fraction:g} selling): the run queues the deals and forecasts far fewer wins than the "
        f"export records; at most {fits:.2f} hours a deal fits its hours"
    )


def calibration_cautions(cal: Calibration, quarters: bool = True) -> list[str]:
    """Every caution of ``cal``, in the order calibrate prints them (``quarters``: the thinning names the quarters)."""
    thinning = thinning_warning(cal, quarters=quarters)
    effort = effort_warning(cal)
    return [*thin_history(cal), *([thinning] if thinning else []), *([effort] if effort else [])]
