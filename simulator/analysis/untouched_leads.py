"""The leads a faster first touch leaves untouched: said beside the mean time to first touch.

``first_touch_hours_mean`` averages the leads a rep touched. A team answering newest first
(``org.teams.<team>.newest_first``) and short of reps touches the fresh leads at once and
lets the stale ones leak untouched, so its mean first touch falls as its coverage does: a
fresh user's 6 reps given twice the inbound leads read "the first touch on a new lead 1.1
hours sooner ... better in 63.3% of paired runs" while 56% of their new leads were never
touched (1,482 leaked against 262). ``untouched_lead_share`` is the share of the new leads
decided in the window (touched, or leaked before any touch) that leaked untouched.
"""

from __future__ import annotations

import math

from simulator.analysis.formatting import format_signed_range, format_value
from simulator.analysis.tables import comparison_of, comparison_row
from simulator.run.experiment import ExperimentResult

FIRST_TOUCH = "first_touch_hours_mean"
UNTOUCHED = "untouched_lead_share"


def untouched_sentences(result: ExperimentResult, names: list[str]) -> list[str]:
    """A sentence per scenario whose first touch is sooner while clearly more of its new leads go untouched.

    ``names``: the scenarios, baseline first. Clearly: the paired 95% CI of the difference in
    :data:`UNTOUCHED` lies above zero. Empty when no scenario is so.
    """
    comparison = comparison_of(result)
    baseline = result.experiment.baseline
    sentences = []
    for scenario in names[1:]:
        touch = comparison_row(comparison, scenario, FIRST_TOUCH)
        share = comparison_row(comparison, scenario, UNTOUCHED)
        if touch is None or share is None:
            continue
        sooner = float(touch["mean_diff"]) < 0.0
        low, high = float(share["ci_low"]), float(share["ci_high"])
        if not (sooner and math.isfinite(low) and low > 0.0):
            continue
        mine, theirs = float(share["scenario_mean"]), float(share["baseline_mean"])
        sentences.append(
            f"{scenario}'s first touch is sooner only for the leads it touches: {format_value(UNTOUCHED, mine)} of its "
            f"new leads leaked before any touch, against {format_value(UNTOUCHED, theirs)} with {baseline} (a "
            f"difference of {format_value(UNTOUCHED, float(share['mean_diff']), signed=True)}, 95% CI "
            f"{format_signed_range(UNTOUCHED, low, high)}); the mean time to first touch counts only the leads "
            "touched, so read it with the share never touched."
        )
    return sentences
