"""The export's recent quarters: the run-rate a calibrated forecast is read against.

A forecast from the open pipeline at the as-of date can sit far below the quarters the
company just booked for a reason of the export's own: when its last months record few new
deals (a CRM export that stops recording before its end, or a real drop), little of the
next quarter's bookings can come from them, and the open deals left are old. As of
2017-12-31 the shared export's last two months had 283 and 121 new deals against a level
of 770, and its forecast of 2018-Q1 was $1.73M against $3.09M, $2.98M and $2.80M booked
in its last three quarters. ``calibration.md`` lists those quarters, and ``salesim
calibrate`` warns when the last months thin out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calibration.actuals import Period, actual_figures, periods_between
from simulator.calibration.calibrate import Calibration

QUARTERS = 4
"""Whole quarters of the export listed as the run-rate."""

THIN_MONTHS = 2
"""Last months of new opportunities compared with the level."""

THIN_SHARE = 0.5
"""Below this share of the level on average, the last months are said to thin out."""


def recent_quarters(cal: Calibration, count: int = QUARTERS) -> list[tuple[Period, float, float]]:
    """The last ``count`` whole calendar quarters the export records closes for: (quarter, bookings $, deals won).

    A quarter is whole when it ends by the as-of date and the export's last date, and begins
    on or after the first close the export records (its first quarters may miss closes).
    """
    end = min(cal.as_of, cal.export.export_date)
    created = cal.export.frame["created"].to_numpy(dtype="datetime64[D]")
    start = cal.export.close_start if cal.export.close_start is not None else created[~np.isnat(created)].min()
    whole = [p for p in periods_between(start, end) if p.kind == "quarter" and _whole(p)]
    chosen = whole[-count:]
    figures = actual_figures(cal.export, chosen, cal.holidays)
    return [(p, figures[(p.label, "bookings")], figures[(p.label, "won_deals")]) for p in chosen]


def quarters_words(quarters: list[tuple[Period, float, float]]) -> str:
    """``2017-Q2 $3,086,281 from 1,254 wins, 2017-Q3 ...``; empty when there are none."""
    return ", ".join(f"{p.label} ${bookings:,.0f} from {won:,.0f} wins" for p, bookings, won in quarters)


def thinning_warning(cal: Calibration, quarters: bool = True) -> str | None:
    """The warning when the last :data:`THIN_MONTHS` months of new opportunities fall below half the level.

    None when they do not, or with too few months to tell; ``quarters``: name the export's
    last quarters' bookings in it (``calibration.md`` lists them just above).
    """
    history = list(cal.arrivals.history.items())
    level = float(cal.arrivals.level.value)
    if len(history) <= THIN_MONTHS or level <= 0.0:
        return None
    last = history[-THIN_MONTHS:]
    mean = sum(n for _, n in last) / len(last)
    if mean >= THIN_SHARE * level:
        return None
    months = " and ".join(f"{n:,} in {month}" for month, n in last)
    booked = quarters_words(recent_quarters(cal)) if quarters else ""
    return (
        f"the export's last months record few new opportunities ({months}), {100 * (1 - mean / level):.0f}% below "
        f"the level of {level:,.0f} a month the run draws: the deals they would have carried into the run are "
        "missing and the open deals left are older, so the forecast can sit well below the quarters just booked"
        + (f" ({booked})" if booked else "")
        + "; if the CRM stopped recording new deals before the export's end, an earlier --as-of fits the company "
        "as it was"
    )


def _whole(period: Period) -> bool:
    """True when ``period`` is its calendar quarter from its first day to its last."""
    quarter = pd.Period(str(period.first), freq="Q")
    first, last = (np.datetime64(t.date(), "D") for t in (quarter.start_time, quarter.end_time))
    return bool(period.first == first and period.last == last)
