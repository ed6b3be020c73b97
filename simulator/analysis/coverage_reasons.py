"""Why the pipeline a quarter starts with reads below the published 3–5× of quota.

The rule (BENCHMARKS.md, Cycle and pipeline; Forecasting calls it folklore: it is 1 ÷ a
33% win rate) counts on a quarter's bookings all coming from the opportunities open when
it starts, a third or less of them won. In salesim's default organisation (``plan_check``,
docs/MODEL.md) 37% of what a quarter books became an opportunity within the quarter, and
the deals open at its start won 52% of their value by its end (those still open are the
ones not yet lost): a quarter's bookings need about 1.2× of them open at its start, and
the pipeline reads 1.1–1.3× its plan, a fact about its cycle, not a thin pipeline. The
words here give both measured shares and the coverage they call for beside a coverage
below the range.

Coverage is the pipeline over the *plan*, so a plan out of line with what the organisation
books moves it as much: a $100k plan read "47.7× the quarter's plan … 42.7 above" with no
word, and a $26M plan (7 times what the runs book) 0.2×, put down to the short cycle
alone. A plan at least 1.5 times the runs' bookings, or at most 1/1.5 of them, is said, with
the coverage the same pipeline would read against a plan of what the runs book.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from simulator.analysis.formatting import format_money
from simulator.analysis.published_ranges import below_key
from simulator.analysis.tables import summary_mean

COVERAGE_KPI = "pipeline_coverage"
OPEN_DAYS_KPI = "opportunity_days_mean"
OPENED_KPI = "opened_in_quarter_share"
WON_KPI = "opening_pipeline_won_share"
PLAN_APART = 1.5
"""A plan this many times the runs' bookings (or this fraction of them) is said as a cause of the coverage."""


def short_cycle_words(summary: pd.DataFrame, scenario: str, year_days: float) -> str:
    """Why ``scenario``'s coverage reads low: what a quarter books without its opening pipeline, and how that converts.

    Measured (``opened_in_quarter_share`` and ``opening_pipeline_won_share``): the 3–5× rule
    counts on every dollar a quarter books being open at its start and a third of it won; at
    the run's own rates a quarter's bookings need ``(1 - opened) / won`` times them open at its
    start. A summary without the two (an older run's) falls back on the mean open time being
    under a quarter, and ``""`` otherwise. The mean open time alone had said "so most of what
    a quarter books is opened within it" of plan_check, where 37% was: lost deals' short
    lives had pulled the mean down.

    Args:
        summary: The summary table (the two shares' rows, and ``opportunity_days_mean``, working days).
        scenario: The scenario.
        year_days: The scenario's working days a year (a quarter is a fourth of them).
    """
    days, quarter = summary_mean(summary, scenario, OPEN_DAYS_KPI), year_days / 4.0
    opened = summary_mean(summary, scenario, OPENED_KPI)
    won = summary_mean(summary, scenario, WON_KPI)
    rule = "1 ÷ a 33% win rate: folklore, BENCHMARKS.md"
    if math.isfinite(opened) and math.isfinite(won) and won > 0.0:
        return (
            f"{opened:.0%} of what a quarter books became an opportunity within the quarter, and the deals open at "
            f"its start won {won:.0%} of their value by its end, where the 3–5× rule counts on all of it open at "
            f"the start and a third or less of that won ({rule}): at these rates a quarter's bookings need about "
            f"{(1.0 - opened) / won:.1f}× of them open at its start"
        )
    if not (math.isfinite(days) and days < quarter):
        return ""
    return (
        f"its opportunities stay open {days:.0f} working days on average until they end, under a quarter's "
        f"{quarter:.0f}, so much of what a quarter books is opened within it and the pipeline it starts with reads "
        f"low; the 3–5× rule counts on deals open longer than a quarter ({rule})"
    )


def plan_size_words(summary: pd.DataFrame, scenario: str) -> str:
    """Why ``scenario``'s coverage reads as it does when its plan is far from what its runs book; ``""`` otherwise."""
    plan, booked = summary_mean(summary, scenario, "plan_target"), summary_mean(summary, scenario, "bookings")
    coverage = summary_mean(summary, scenario, COVERAGE_KPI)
    if not all(math.isfinite(v) and v > 0 for v in (plan, booked, coverage)):
        return ""
    ratio = plan / booked
    if 1 / PLAN_APART < ratio < PLAN_APART:
        return ""
    size = f"{ratio:.1f} times" if ratio > 1 else f"{ratio:.1%} of" if ratio < 0.1 else f"{ratio:.0%} of"
    reads = "low" if ratio > 1 else "high"
    return (
        f"the plan held over the window, {format_money(plan)}, is {size} what the runs book "
        f"({format_money(booked)}); coverage is the pipeline over the plan, so it reads {reads}"
        f" for a plan out of line with this organisation's bookings: against a plan of what the runs book, the same "
        f"pipeline would read about {coverage * ratio:.1f}×"
    )


QUARTERS_APART = 3.0
"""A quarterly plan whose largest quarter is this many times its smallest is said as a cause of the coverage."""


def lopsided_quarters_words(quarters: Sequence[float]) -> str:
    """Why the coverage reads as it does when the whole quarters' own plans differ widely; ``""`` otherwise.

    Coverage is the mean over the window's whole quarters of the pipeline over each quarter's
    plan: [$100k, $100k, $100k, $8M] read "9.1× … 4.1 above" with no word, its three small
    quarters each covered many times, though the whole plan is 2.1 times what the runs book.
    ``quarters``: the plans of the window's whole quarters (a part quarter is held to a share of its own).
    """
    held = [q for q in quarters if math.isfinite(q) and q > 0]
    if len(held) < 2 or max(held) < QUARTERS_APART * min(held):
        return ""
    return (
        f"the quarters' own plans run from {format_money(min(held))} to {format_money(max(held))}, and coverage is "
        "the mean over the quarters of the pipeline over each quarter's plan, so a small quarter's plan counts its "
        "pipeline many times over and a large one's few"
    )


def coverage_reasons(
    summary: pd.DataFrame, scenario: str, year_days: float, quarters: Sequence[float] = ()
) -> dict[str, str]:
    """The reasons for a coverage below or above the published 3–5×, keyed as the unusual-figures table reads them.

    Below: lopsided quarters (:func:`lopsided_quarters_words`), the plan's size (:func:`plan_size_words`) and
    the short cycle (:func:`short_cycle_words`), each when it applies; above: the quarters and the plan's size.
    """
    plan, lopsided = plan_size_words(summary, scenario), lopsided_quarters_words(quarters)
    low_words = (lopsided, plan if "reads low" in plan else "", short_cycle_words(summary, scenario, year_days))
    high_words = (lopsided, plan if "reads high" in plan else "")
    low, high = "; and ".join(w for w in low_words if w), "; and ".join(w for w in high_words if w)
    reasons = {below_key(COVERAGE_KPI): low} if low else {}
    if high:
        reasons[COVERAGE_KPI] = high
    return reasons
