"""A share of a replication's KPI row and its denominator, the share's trials.

A share is NaN where nothing could be counted (no opportunity closed, no visit to a stage
with an SLA). Its denominator is recorded beside it, NaN where the share is: a share at 0
(or 1) in every run has an interval over all runs' trials together
(:func:`simulator.analysis.quantities.trial_columns`), not over the runs.
"""

from __future__ import annotations

import math


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; NaN when the denominator is not positive (nothing to take a share of)."""
    return numerator / denominator if denominator > 0 else math.nan


def trials(denominator: float) -> float:
    """The denominator of a share, as recorded beside it: NaN where :func:`ratio` gives the share NaN."""
    return float(denominator) if denominator > 0 else math.nan
