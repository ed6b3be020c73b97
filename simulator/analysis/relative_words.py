"""A relative difference in words: ``+23.3% (95% CI +3.0% to +45.0%)``, or a multiple from ten times on.

The comparison table's ``relative_diff`` (a ratio of means less one, never below -100%)
and its Fieller interval, as the report's sentences and tables write them. A rate's change
is read in points only (:func:`~simulator.analysis.kpi_names.reads_in_points`): it has no
relative words, though the table keeps its ratio.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.formatting import format_percent, format_percent_range, percent_digits, reads_zero
from simulator.analysis.kpi_names import reads_in_points


def relative_interval_words(row: pd.Series) -> str | None:
    """Return the 95% CI of the relative difference (``+3.0% to +45.0%``), None when there is none."""
    low, high = float(row.get("relative_ci_low", math.nan)), float(row.get("relative_ci_high", math.nan))
    if math.isnan(low) or math.isnan(high):
        return None
    if math.isinf(high):
        return f"{format_percent(low)} to no upper bound"
    first, last = format_percent_range(low, high, percent_digits(low, high))
    return f"{first} to {last}"


MULTIPLE_FROM = 9.0
"""A relative difference of +900% or more reads as a multiple (``2,108 times as much``), not as +210696.9%."""


def relative_words(row: pd.Series) -> str | None:
    """The relative difference with its 95% CI (``+23.3% (95% CI +3.0% to +45.0%)``), None when undefined.

    Ten times the baseline or more reads as a multiple with its CI in multiples (sdr_headcount's
    SDR first touch, 0.004 hours in the baseline, had read "+210696.9%"). None for a rate,
    whose change is said in points: net revenue retention's "+1.2 points" had a "+1.3%" beside it.
    """
    relative = float(row.get("relative_diff", math.nan))
    if not math.isfinite(relative) or reads_in_points(str(row.get("kpi", ""))):
        return None
    if relative >= MULTIPLE_FROM:
        words = f"{_times(1.0 + relative)} as much"
        low, high = float(row.get("relative_ci_low", math.nan)), float(row.get("relative_ci_high", math.nan))
        if math.isfinite(low) and math.isnan(high):
            return words
        if math.isfinite(low):
            upper = "no upper bound" if math.isinf(high) else _times(1.0 + high)
            return f"{words} (95% CI {_times(1.0 + low)} to {upper})"
        return words
    interval = relative_interval_words(row)
    low, high = float(row.get("relative_ci_low", math.nan)), float(row.get("relative_ci_high", math.nan))
    decimals = 1 + percent_digits(low, high)
    point = format_percent(relative, decimals=decimals)
    for more in range(1, 4):  # a change that is not 0 never reads 0: se's +0.02 leads had read "0.00%"
        if relative == 0.0 or not reads_zero(point):
            break
        point = format_percent(relative, decimals=decimals + more)
    return f"{point} (95% CI {interval})" if interval else point


def _times(multiple: float) -> str:
    """``2,108 times``, ``12 times``, ``1.5 times`` (one decimal below 10)."""
    return f"{multiple:,.0f} times" if multiple >= 10 else f"{multiple:.1f} times"
