"""Creation months too thinly recorded to fit from: left out of every fit that pools creation months.

An export that stops recording before its end keeps, of its last months' deals, mostly
those that already closed: the shared export as of 2017-12-31 records 283 deals created in
November 2017 and 121 in December against about 790 a month before, and November's 157
wins closed in a median of 10 working days (the months before: 47-57 for the second and
third month of a quarter). Censoring corrects for deals still open, not for deals never
recorded, so pooled into the outcome fit such months pull the durations short: the won
cycle of deals created in a quarter's second month fitted at 34 working days as of
2017-12-31 against 57 as of 2017-09-30, where May's and August's own wins take 55 and 57.

One rule decides which months: the thinning test of ``salesim calibrate``'s warning
(:func:`simulator.calibration.fit_arrivals.thin_months`: the last month, and the one
before it when thin too, under half the median of the months before and short beyond
chance), which also leaves them out of the month-to-month swing. Those months are left out
of the outcome fit (the won, lost and no-decision shares, the win rate and each product's,
the won and lost durations, pooled and by month of the quarter) and of the win and stall
rates' wander between months. Their deals still count: the open ones start the run, each
month with its own no-decision share, and their rows stay in the arrival series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calibration.estimates import Estimate
from simulator.calibration.fit_arrivals import thin_months


def thin_creation_months(history: dict[str, int]) -> list[str]:
    """The creation months (``'YYYY-MM'``) the thinning test judges under-recorded; empty when none."""
    found = thin_months(list(history.items()))
    return [month for month, _ in found[0]] if found is not None else []


def pooled_cohorts(frame: pd.DataFrame, thin: list[str]) -> pd.DataFrame:
    """``frame`` without the deals created in the ``thin`` months (``frame`` itself when there are none)."""
    if not thin:
        return frame
    month = frame["created"].to_numpy(dtype="datetime64[D]").astype("datetime64[M]")
    return frame[~np.isin(month, np.array(thin, dtype="datetime64[M]"))]


def without_thin(cohorts: dict[str, Estimate], thin: list[str]) -> dict[str, Estimate]:
    """The creation months' estimates but those of the ``thin`` months."""
    return {month: estimate for month, estimate in cohorts.items() if month not in thin}


def thin_words(thin: list[str], history: dict[str, int]) -> str:
    """What calibration.md says of the months left out of the pooled fits (empty when none)."""
    if not thin:
        return ""
    found = thin_months(list(history.items()))
    usual = f" against the usual {found[1]:,.0f} a month" if found is not None else ""
    counts = " and ".join(f"{history.get(m, 0):,} in {m}" for m in thin)
    plural = len(thin) > 1
    return (
        f"**Left out of the pooled fits**: the creation month{'s' if plural else ''} {' and '.join(thin)} "
        f"({counts}{usual}), under-recorded by the same test as the warning of thin last months: the deals "
        f"{'they record' if plural else 'it records'} are mostly those that already closed, which censoring "
        "cannot correct. Left out of the outcome fit (won, lost and no-decision shares, the win rate of decided "
        "deals and each product's, the won and lost cycles, pooled and by month of the quarter), of the win "
        "rate's and the stall rate's wander between creation months, and of the month-to-month swing. "
        f"{'Their' if plural else 'Its'} open deals still start the run, with "
        f"{'each month its' if plural else 'the month its'} own no-decision share below."
    )
