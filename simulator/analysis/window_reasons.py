"""Why a yearly published figure of quota attainment is read with care over a window other than a year.

The published attainment figures (median attainment 43–54%, 20–28% of reps at quota:
BENCHMARKS.md, Pay, quota and unit economics) are a whole year's. salesim holds each rep
to the window's share of the yearly quota, so its figure over 2.4 months of Q1 is a fair
measure of that window, yet not the year's: a short window's attainment turns on when a
rep's few deals happened to close, and on the window's seasons. A 2.4-month window read
"median quota attainment of ramped reps 37.6%; published 43–54% (5.4 points below)" with
no word, beside retention's "101.3% a year (100.3% over the 2.4-month window)". Such a
figure is said with the window it was measured over; a window within 5% of a year is a year.
"""

from __future__ import annotations

from simulator.analysis.published_ranges import below_key
from simulator.analysis.unusual_words import window_length

YEARLY_ONLY = ("quota_attainment_p50", "reps_at_quota_share")
"""Benchmarked figures published for a whole year that no conversion brings another window to."""
YEAR_TOLERANCE = 0.05
"""A window within this share of a year is a year: a dated calendar's 250 working days are 0.96 of its 261."""


def window_reasons(window_years: float) -> dict[str, str]:
    """KPI (and its ``below_key``) -> the words saying the figure is over a window other than a year; ``{}`` for a year.

    Args:
        window_years: The scenario's measured window in years of its calendar.
    """
    if abs(window_years - 1.0) <= YEAR_TOLERANCE:
        return {}
    words = (
        f"measured over the {window_length(window_years)} window against its share of the yearly quota; the "
        "published figures are of a whole year, and over "
        + (
            "a shorter window a rep's attainment turns more on when its few deals closed and on the window's seasons"
            if window_years < 1.0
            else "a longer one late starters and leavers weigh differently"
        )
    )
    return {key: words for kpi in YEARLY_ONLY for key in (kpi, below_key(kpi))}


def with_window_reasons(reasons: dict[str, str], window_years: float) -> dict[str, str]:
    """``reasons`` with :func:`window_reasons` said after any reason a figure already has."""
    merged = dict(reasons)
    for key, words in window_reasons(window_years).items():
        merged[key] = f"{merged[key]}; {words}" if merged.get(key) else words
    return merged
