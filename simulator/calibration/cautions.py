"""What a reader of a calibrated company must know before trusting its runs, in words.

Each is printed by ``salesim calibrate`` and written to the calibrated experiments'
``caveats``, so the report and the terminal say it beside each answer: the history the
as-of date leaves (:func:`thin_history`), an export whose
last months thin out (:func:`simulator.calibration.run_rate.thinning_warning`), and an
effort per deal the reps could not give (:func:`effort_warning`), deal values
that are a price list's, not fitted (:func:`value_warning`), dates read month first
with nothing to tell their order (:func:`date_order_warnings`), and amounts in another
currency than salesim's dollars (:func:`currency_warning`).
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.calibration.calibrate import Calibration
from simulator.calibration.date_order import SHORT_YEAR, UNRESOLVED
from simulator.calibration.fit_arrivals import after_export_warning
from simulator.calibration.fit_values import list_priced, valued_wins, won_by
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


def value_warning(cal: Calibration) -> str | None:
    """The warning when some products' deal values are their list prices: no won deal of theirs has a value.

    A fresh user emptied crm-maven's ``close_value`` on every won row: calibrate wrote the
    price list's values as "median won, n = 0" with a CI of one point, and said nothing.
    """
    # a product of the price list no deal sells (another spelling of one, say) has nothing resting on its price
    sold = set(cal.export.frame["product"]) - {""}
    priced = [product for product in list_priced(cal.values) if product in sold]
    valued_products = [product for product in cal.values.product_median if product in sold or not product]
    wins, valued = valued_wins(cal.export.frame, cal.as_of)
    assumed = cal.mapping.assumptions.deal_value
    all_priced = bool(priced) and len(priced) == len(valued_products)
    if valued == 0 and assumed is not None and not all_priced:
        return (
            f"none of the {wins:,} won deals closed by {cal.as_of} has a value: the deal value is the mapping's "
            f"assumptions.deal_value (${assumed:,.0f}"
            + (f"; the price list's for {', '.join(priced)}" if priced else "")
            + "), not fitted, and the bookings forecast rests on it"
        )
    if not priced:
        return None
    if all_priced:
        return (
            f"none of the {wins:,} won deals closed by {cal.as_of} has a value (none or 0): every product's deal "
            "value is the price list's, not fitted, and the bookings forecast rests on them"
        )
    # a product that won nothing yet is told so: "no won deal of GTX Basic ... has a value (0 of the 8 wins have
    # none or 0)" had said its wins lacked values, and counted every product's wins beside it
    won = set(won_by(cal.export.frame, cal.as_of)["product"])
    unvalued, unsold = [p for p in priced if p in won], [p for p in priced if p not in won]
    lacking = f"{wins - valued:,} of the {wins:,} wins have none or 0"
    parts = [f"no won deal of {', '.join(unvalued)} closed by {cal.as_of} has a value ({lacking})"] if unvalued else []
    if unsold:
        parts.append(f"{', '.join(unsold)} won no deal by {cal.as_of}")
    either = "their deal values are" if len(priced) > 1 else "its deal value is"
    return f"{'; '.join(parts)}: {either} the price list's, not fitted"


def currency_warning(cal: Calibration) -> str | None:
    """The warning when the export's amounts are written in another currency than the dollar.

    salesim writes every amount with ``$`` and costs each rep at its default role pay, in
    dollars: an export in € had its bookings set against dollar pay (cost of sales,
    contribution) with nothing said. None for amounts in $ or with no currency written.
    """
    currency = cal.export.currency
    if currency in ("", "$"):
        return None
    return (
        f"the export's amounts are in {currency}: salesim writes every amount with $ (read it as {currency}), and "
        "costs each rep at its default role pay, in dollars, so cost of sales, contribution and cost per $ of "
        f"bookings mix the two until economics/calibrated.yaml holds the company's own pay in {currency} (the "
        f"mapping's assumptions.quota and deal_value are read in {currency} too)"
    )


def date_order_warnings(cal: Calibration) -> list[str]:
    """One warning a table read month first for want of a date telling the order, or whose dates may be year first.

    A fresh user's export, every date's day 12 or less and written day first, was counted
    only in calibration.md's table while the terminal blamed the thin last months the
    misread dates made (:mod:`simulator.calibration.date_order`).
    """
    return [
        f"{count:,} {problem}: {action}"
        for problem, count, action in cal.export.problems.items
        if problem.startswith((UNRESOLVED, SHORT_YEAR))
    ]


def calibration_cautions(cal: Calibration, quarters: bool = True) -> list[str]:
    """Every caution of ``cal``, in the order calibrate prints them (``quarters``: the thinning names the quarters)."""
    thinning = thinning_warning(cal, quarters=quarters)
    found = [effort_warning(cal), value_warning(cal), currency_warning(cal)]
    return [*date_order_warnings(cal), *thin_history(cal), *([thinning] if thinning else []), *[w for w in found if w]]


def origin_cautions(origins: Sequence[str], calibrations: Sequence[Calibration]) -> list[str]:
    """The cautions of a back-test's calibrations, one per origin: a caution every origin has is said once.

    A caution only some origins have ends with the origins it is of (``(as of 2017-06-30)``).
    The back-test had said none of them: an export read month first for want of a telling
    date, or in euros against dollar pay, was scored with nothing said.
    """
    said: dict[str, list[str]] = {}
    for origin, cal in zip(origins, calibrations, strict=True):
        for line in calibration_cautions(cal):
            said.setdefault(line, []).append(origin)
    return [line if len(at) == len(origins) else f"{line} (as of {', '.join(at)})" for line, at in said.items()]


MIN_DECIDED = 100
"""Decided deals (won or lost) below which the outcome fit is said to rest on little."""


def _level_words(months: int, recent: int) -> str:
    """How the level is set from the few months there are (it had said "the median of the last 6" of 4 months)."""
    if months == 1:
        return f"the level is that month's count, where recent_months asks for the median of {recent}"
    return f"the level is the median of these {months}, where recent_months asks for {recent}"


def thin_history(cal: Calibration) -> list[str]:
    """What the as-of date leaves too little of: whole months of arrivals, decided deals (warnings, in words)."""
    lines = []
    after = after_export_warning(cal.arrivals, *cal.export.covered(), cal.as_of)
    if after:
        lines.append(after)
    months, recent = len(cal.arrivals.history), cal.mapping.assumptions.recent_months
    if months < recent:
        lines.append(
            f"only {months} whole month{'s' if months != 1 else ''} of new opportunities before {cal.as_of} "
            f"({_level_words(months, recent)}): the arrival rate rests on little history, and the "
            "outcome fit sees only the deals decided within it, the fast ones first (win rate and no-decision "
            "share lean toward them); a later as-of date gives both more"
        )
    decided = cal.outcomes.win_rate.n
    if decided < MIN_DECIDED:
        lines.append(
            f"only {decided} deals decided (won or lost) before {cal.as_of} in the cohorts the export shows whole: "
            "the quick decisions come first, so the win rate and cycle lean toward the deals that closed fast"
        )
    return lines
