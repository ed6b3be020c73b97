"""A quarterly plan with one quarter several times above or below the others: a zero slipped, said before the runs.

``plan.bookings=[8000000,1000000,1200000,1500000]`` (Q1 typed with a zero too many),
``[800000,1000000,1200000,15000000]`` (an $18M plan) and ``[80000,1000000,1200000,1500000]``
(a zero dropped) had run without a word: only a quarter under 1% of the largest is refused
(:class:`simulator.config.plan.PlanConfig`, a slip of units, thousands or millions). A lopsided
plan can be real (all of it in Q4 is a tested plan), so a quarter out of line with the
others is a note before the runs, as a plan out of line with its reps' quotas is
(:mod:`simulator.config.validation`), not a refusal: it names the quarter, its value, the
other quarters' typical value and the reading one or more zeros off that would be in line.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from simulator.config.errors import shown
from simulator.config.fields import dollars_words

QUARTER_STRETCH = 5.0
"""A quarter this many times above or below the other quarters' median is worth a word (a zero off?).

A seasonal plan stays well inside it: half the year in Q4 is 3 times the other quarters.
"""
LEAST_OTHERS = 2
"""The other quarters planned above $0 a quarter is compared with: with fewer, which one slipped cannot be told."""
ZEROS = ("a zero", "two zeros", "three zeros")


def lopsided_quarters(quarters: Sequence[float]) -> list[str]:
    """One note per quarter at least :data:`QUARTER_STRETCH` times above or below the others' median.

    Quarters planned at $0 are left out, as the others a quarter is compared with; a
    quarter with fewer than :data:`LEAST_OTHERS` others above $0 is not judged. Each note
    reads ``plan.bookings.K = VALUE: is $X for quarter K+1, R times the other quarters'
    typical $Y (their median): a zero too many? ...`` with the reading ten (or a hundred)
    times smaller or larger.
    """
    notes = []
    for k, value in enumerate(quarters):
        others = [q for j, q in enumerate(quarters) if j != k and q > 0]
        if value <= 0 or len(others) < LEAST_OTHERS:
            continue
        typical = statistics.median(others)
        ratio = value / typical
        if 1 / QUARTER_STRETCH < ratio < QUARTER_STRETCH:
            continue
        zeros = max(1, min(len(ZEROS), round(abs(math.log10(ratio)))))
        meant = value / 10**zeros if ratio > 1 else value * 10**zeros
        how = f"{ratio:.1f} times" if ratio > 1 else f"{ratio:.0%} of"
        slip = f"{ZEROS[zeros - 1]} too many" if ratio > 1 else f"{ZEROS[zeros - 1]} dropped"
        notes.append(
            f"plan.bookings.{k} = {shown(float(value))}: is {dollars_words(value)} for quarter {k + 1}, {how} the "
            f"other quarters' typical {dollars_words(typical)} (their median): {slip}? {meant:.0f} "
            f"({dollars_words(meant)}) would be in line with them. A plan can be lopsided, so the runs go on with it"
        )
    return notes
