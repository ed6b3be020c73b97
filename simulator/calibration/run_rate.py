"""The export's recent quarters: the run-rate a calibrated forecast is read against.

A forecast from the open pipeline at the as-of date can sit far below the quarters the
company just booked for a reason of the export's own: when its last months record few new
deals (a CRM export that stops recording before its end, or a real drop), little of the
next quarter's bookings can come from them, and the open deals left are old. As of
2017-12-31 the shared export's last two months had 283 and 121 new deals against a level
of 770, and its forecast of 2018-Q1 was $1.61M ($1.73M before those months were left out
of the outcome fit) against $3.09M, $2.98M and $2.80M booked
in its last three quarters. ``calibration.md`` lists those quarters, and ``salesim
calibrate`` warns when the last months thin out.
"""

from __future__ import annotations

import numpy as np

from simulator.calibration.actuals import Period, actual_figures, periods_between
from simulator.calibration.calibrate import Calibration
from simulator.calibration.fit_arrivals import thin_months

QUARTERS = 4
"""Whole quarters of the export listed as the run-rate."""


def recent_quarters(cal: Calibration, count: int = QUARTERS) -> list[tuple[Period, float, float]]:
    """The last ``count`` whole calendar quarters the export records closes for: (quarter, bookings $, deals won).

    A quarter is whole when it ends by the as-of date and the export's last date, and begins
    on or after the export's first close (an earlier quarter would miss closes: $0 from 0
    wins for the quarter before an export's closes start).
    """
    end = min(cal.as_of, cal.export.export_date)
    closed = cal.export.frame["closed"].to_numpy(dtype="datetime64[D]")
    closed = closed[~np.isnat(closed)]
    if closed.size == 0:
        return []
    start = cal.export.close_start if cal.export.close_start is not None else closed.min()
    whole = [p for p in periods_between(start, end) if p.kind == "quarter" and p.whole]
    chosen = whole[-count:]
    figures = actual_figures(cal.export, chosen, cal.holidays)
    return [(p, figures[(p.label, "bookings")], figures[(p.label, "won_deals")]) for p in chosen]


def quarters_words(quarters: list[tuple[Period, float, float]]) -> str:
    """``2017-Q2 $3,086,111 from 1,254 wins, 2017-Q3 ...``; empty when there are none."""
    return ", ".join(f"{p.label} ${bookings:,.0f} from {won:,.0f} wins" for p, bookings, won in quarters)


def thinning_warning(cal: Calibration, quarters: bool = True) -> str | None:
    """The warning when the export's last month (and the one before it) record under half the months before them.

    The months before are the median of the (up to) six usable months before the thin
    ones, at least three of them. The last month must itself be thin (a gap followed by
    a normal month is not the export thinning out at its end), the month before it joins
    when it is thin too, and the shortfall must be beyond chance: under 1% for Poisson
    arrivals at the usual rate (a month of 1 where 4.5 is usual happens 6% of the time).
    A level of 0 the run would draw is warned of whatever the months before. None
    otherwise; ``quarters``: name the export's last quarters' bookings in it
    (``calibration.md`` lists them just above).
    """
    history = list(cal.arrivals.history.items())
    level = float(cal.arrivals.level.value)
    thin = thin_months(history)
    if thin is None:
        if level > 0.0 or not history:
            return None
        return (
            f"the run draws no new opportunities: the level is the median of the last {cal.arrivals.level.n} "
            "usable months, and at least half of them recorded none; if the CRM stopped recording new deals for "
            "a while, an as-of date before the gap, or a longer history (mapping.assumptions.recent_months), fits "
            "the company as it was"
        )
    months, usual = thin
    mean = sum(n for _, n in months) / len(months)
    named = " and ".join(f"{n:,} in {month}" for month, n in months)
    booked = quarters_words(recent_quarters(cal)) if quarters else ""
    return (
        f"the export's last {'months record' if len(months) > 1 else 'month records'} few new opportunities "
        f"({named}), {100 * (1 - mean / usual):.0f}% below the {usual:,.0f} a month of the months before; the run "
        f"draws {level:,.0f} a month. The deals {'those months' if len(months) > 1 else 'that month'} would have "
        "carried into the run are missing and the open deals left are older, so the forecast can sit well below "
        "the quarters just booked"
        + (f" ({booked})" if booked else "")
        + "; if the CRM stopped recording new deals before the export's end, an earlier --as-of fits the company "
        "as it was"
    )
