"""Levers salesim puts no price on, said beside an answer that chooses a scenario pulling them.

A faster ramp is an onboarding programme, coaching is a coaching programme, a better hand-off
is a playbook and the time to write and train it: each costs money in a real company, and
none of them is in salesim's cost of sales (docs/MODEL.md: "coaching that costs selling time"
is not modelled; no config key prices onboarding or a playbook). An answer that chooses such
a scenario and gives its cost of sales read as though the lever's cost were in it:
ramp_and_coaching's "cost of sales rises from $3.68M to $3.70M, +$15.6k ... Choose
fast_ramp_and_coaching" left a sales leader to think both programmes cost $15.6k a year,
where that was the commission on the extra bookings. The answer says the levers are unpriced
and gives the most they can cost and still pay: the scenario's gain in contribution (new
bookings less what winning them cost), paired run by run.
"""

from __future__ import annotations

from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.formatting import format_amount, format_signed_amount
from simulator.analysis.tables import comparison_of, comparison_row, period_words
from simulator.analysis.wording import join_words, possessive
from simulator.run.differences import scenario_differences
from simulator.run.experiment import ExperimentResult

UNPRICED_LEVERS = (
    ("ramp", "a faster ramp (an onboarding programme)"),
    ("coaching_rate", "coaching"),
    ("coaching_toward", "coaching"),
    ("handoff", "a better hand-off (a playbook)"),
)
"""A key segment of a setting salesim does not price -> the lever in words."""


def unpriced_levers(result: ExperimentResult, scenario: str) -> list[str]:
    """The levers ``scenario`` changes from the baseline that no cost of salesim's counts, in words (once each)."""
    keys = [d.key.split(".") for d in scenario_differences(result.experiment) if d.scenario == scenario]
    found: list[str] = []
    for segment, words in UNPRICED_LEVERS:  # in this order, whatever the config's
        if words not in found and any(segment in parts for parts in keys):
            found.append(words)
    return found


def unpriced_lever_words(result: ExperimentResult, chosen: str | None) -> str:
    """``salesim puts no price on coaching: ... they pay for themselves if ...``; '' when there is nothing to say.

    Said only for a chosen scenario other than the baseline that pulls an unpriced lever.
    """
    if chosen is None or chosen == result.experiment.baseline:
        return ""
    levers = unpriced_levers(result, chosen)
    if not levers:
        return ""
    one = len(levers) == 1
    head = (
        f"salesim puts no price on {join_words(levers)}: {possessive(chosen)} cost of sales holds no cost for "
        f"{'it' if one else 'them'}."
    )
    row = comparison_row(comparison_of(result), chosen, "contribution")
    if row is None:
        return head
    gain = float(row["mean_diff"])
    interval = interval_words(row, "contribution")
    said = format_amount("contribution", gain, row_digits(row, "contribution"))
    if bool(row["significant"]) and gain > 0:
        within = f" ({interval.replace('+', '')})" if interval else ""  # a gain said as a size: its bounds too
        return (
            f"{head} {'It pays for itself if it costs' if one else 'They pay for themselves if they cost'} less than "
            f"the {said}{period_words(result)}{within} that {chosen} adds to contribution (new bookings less "
            "what winning them cost)."
        )
    signed = format_signed_amount("contribution", gain, row_digits(row, "contribution"))
    return (
        f"{head} Its contribution (new bookings less what winning them cost) shows no clear gain "
        f"({signed}{', ' + interval if interval else ''}): "
        f"the runs cannot show that any price for {'it' if one else 'them'} is repaid."
    )
