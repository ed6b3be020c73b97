"""Why the pipeline a quarter starts with reads below the published 3–5× of quota.

The rule (BENCHMARKS.md, Cycle and pipeline; Forecasting calls it folklore: it is 1 ÷ a
33% win rate) counts on a quarter's bookings coming from the opportunities open when it
starts, which holds when deals stay open for more than a quarter. salesim's default
organisation keeps an opportunity open 17 working days on average, under a quarter's
~62, so most of what a quarter books is opened and closed within it and the pipeline it
starts with reads 1.1–1.3× its plan (``plan_check``, docs/MODEL.md): a fact about its
short cycle, not a thin pipeline. The words here say so beside the figure, only when the
run's own opportunities stay open less than a quarter; coverage below the range with
longer-lived deals gets no such words.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.published_ranges import below_key
from simulator.analysis.tables import summary_mean

COVERAGE_KPI = "pipeline_coverage"
OPEN_DAYS_KPI = "opportunity_days_mean"


def short_cycle_words(summary: pd.DataFrame, scenario: str, year_days: float) -> str:
    """Why ``scenario``'s coverage reads low when its opportunities stay open less than a quarter; ``""`` otherwise.

    Args:
        summary: The summary table (``opportunity_days_mean`` rows, working days).
        scenario: The scenario.
        year_days: The scenario's working days a year (a quarter is a fourth of them).
    """
    days, quarter = summary_mean(summary, scenario, OPEN_DAYS_KPI), year_days / 4.0
    if not (math.isfinite(days) and days < quarter):
        return ""
    return (
        f"its opportunities stay open {days:.0f} working days on average until they end, under a quarter's "
        f"{quarter:.0f}, so most of what a quarter books is opened within it and the pipeline it starts with reads "
        "low; the 3–5× rule counts on deals open longer than a quarter (it is 1 ÷ a 33% win rate: folklore, "
        "BENCHMARKS.md)"
    )


def coverage_reasons(summary: pd.DataFrame, scenario: str, year_days: float) -> dict[str, str]:
    """``{"pipeline_coverage:below": words}`` when :func:`short_cycle_words` has any, else ``{}``."""
    words = short_cycle_words(summary, scenario, year_days)
    return {below_key(COVERAGE_KPI): words} if words else {}
