"""Why lead to customer reads above its published 1–5%: the leads' mix of sources, from the runs' own figures.

salesim's lead to customer is won over the leads that ended in the window, every source's:
marketing (inbound) leads, and the booked meetings and partner referrals that arrive
further along and convert more. ramp_and_coaching's today read 5.2% "(0.2 points above)"
with no cause. The runs record each source's leads and bookings, not its wins: at the
inbound leads' share of the bookings, and deals of like size from every source, the inbound
leads alone convert at their bookings share over their leads share times the figure (today:
83% of the leads, 56% of the bookings, about 3.5%), inside the range. The words are said
only where that estimate is inside the range: otherwise the mix is not the cause, and
another must not be hidden behind it.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.tables import summary_mean

LEAD_TO_CUSTOMER = "lead_to_win_rate"
"""The KPI the published 1–5% is compared with."""
PUBLISHED_TOP = 0.05
"""The top of the published lead-to-customer range (BENCHMARKS.md, Funnel)."""


def source_mix_words(summary: pd.DataFrame, scenario: str) -> str:
    """``inbound leads, 83% of the leads, bring 56% of the bookings: ...``; '' when the mix does not explain it."""
    rate = summary_mean(summary, scenario, LEAD_TO_CUSTOMER)
    leads, inbound = summary_mean(summary, scenario, "leads_total"), summary_mean(summary, scenario, "leads_inbound")
    bookings = summary_mean(summary, scenario, "bookings")
    booked = summary_mean(summary, scenario, "bookings_inbound")
    figures = (rate, leads, inbound, bookings, booked)
    if not all(math.isfinite(f) for f in figures) or min(leads, inbound, bookings) <= 0.0 or inbound >= leads:
        return ""
    lead_share, booking_share = inbound / leads, booked / bookings
    alone = rate * booking_share / lead_share
    others = rate * (1.0 - booking_share) / (1.0 - lead_share)
    if not (alone <= PUBLISHED_TOP < rate and others > rate):
        return ""
    return (
        f"inbound leads, {lead_share:.0%} of the leads, bring {booking_share:.0%} of the bookings: with deals of "
        f"like size they convert at about {alone:.1%}, inside the range, and the booked meetings and partner "
        f"referrals, which arrive further along, at about {others:.0%}"
    )


def source_mix_reasons(summary: pd.DataFrame, scenario: str) -> dict[str, str]:
    """KPI -> why ``scenario``'s lead to customer reads above its range, where its leads' mix explains it."""
    words = source_mix_words(summary, scenario)
    return {LEAD_TO_CUSTOMER: words} if words else {}
