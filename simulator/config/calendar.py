"""The one calendar: working days -> months, quarters and years; window bounds; proration.

Simulation time is a count of working days from day 0. Every figure that belongs to a
period (a month's seasonality, a quarter's plan, a year's quota, pay or attrition rate,
a month-end forecast, a monthly table row) is placed on this calendar, so that they all
cut time the same way.

Two kinds of calendar:
- **abstract** (no ``clock.start_date``): a year of ``days_per_year`` working days (250
  by default) starting on day 0 as a notional January; month *m* of a year starts on
  working day ``floor(m * days_per_year / 12 + 0.5)`` (halves round up) of that year, so a 250-day year has months
  of 20 and 21 working days and quarters of 62 and 63;
- **dated** (``clock.start_date``): day 0 is the first working day on or after the start
  date; working days are Monday to Friday minus ``clock.holidays``; months, quarters and
  years are the calendar's own, so months have 19 to 23 working days.

Both are held the same way, as the working day on which each month starts, over whole
calendar years around the simulated span (the first month may start before day 0 and the
last end after the horizon), so every quarter and year has its full length and partial
periods are prorated by the working days they share with a window.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

DEFAULT_DAYS_PER_YEAR = 250.0
"""Working days in the abstract calendar's year (52 weeks x 5 days less about 10 public holidays)."""

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True, slots=True)
class PeriodSlice:
    """One calendar period's overlap with a window, in working days."""

    index: int  # the period's number counted from the calendar's first (0-based)
    label: str  # '2017-10', '2017-Q4', '2017' (dated) or 'Y1-01', 'Y1-Q4', 'Y1' (abstract)
    of_year: int  # month 0-11, quarter 0-3 or 0 for a year
    start: float  # the overlap's first working day
    end: float  # the overlap's end (exclusive)
    length: float  # the whole period's working days

    @property
    def share(self) -> float:
        """The share of the period's working days inside the window."""
        return (self.end - self.start) / self.length if self.length > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Calendar:
    """Month boundaries in working days, over whole calendar years.

    Attributes:
        month_start: (M + 1,) working day on which each month starts, month ``m`` covering
            ``[month_start[m], month_start[m + 1])``; ``M`` is a multiple of 12 and month 0
            is a January; ``month_start[0] <= 0`` and ``month_start[-1] >= horizon``.
        first_year: calendar year of month 0 (1 for an abstract calendar).
        days_per_year: working days in a year, the unit of every annual figure (pay,
            quota, attrition rate, a yearly plan): 250 by default; for a dated calendar the
            mean over its years.
        start_date: the date of day 0 (None: abstract).
    """

    month_start: FloatArray
    first_year: int
    days_per_year: float
    start_date: dt.date | None = None

    @property
    def n_months(self) -> int:
        """Months held (whole years)."""
        return int(self.month_start.size - 1)

    @property
    def days_per_month(self) -> float:
        """The mean month: a year's working days over 12 (the unit of tenure and of rates per month)."""
        return self.days_per_year / 12.0

    @overload
    def years(self, days: float) -> float: ...
    @overload
    def years(self, days: FloatArray) -> FloatArray: ...
    def years(self, days: float | FloatArray) -> float | FloatArray:
        """Working days expressed in years of this calendar."""
        return days / self.days_per_year

    def month_of(self, day: float | FloatArray) -> IntArray:
        """Index of the month holding working day ``day`` (an array for an array)."""
        return np.asarray(np.searchsorted(self.month_start, day, side="right") - 1, dtype=np.int64)

    def month_of_year(self, month: int | IntArray) -> int | IntArray:
        """0 for January ... 11 for December."""
        return month % 12

    def edges(self, period: str) -> FloatArray:
        """Start of every period of a kind (``month``, ``quarter``, ``year``) plus the last end."""
        return np.asarray(self.month_start[:: PERIOD_MONTHS[period]], dtype=np.float64)

    def label(self, period: str, index: int) -> str:
        """The name of period ``index`` of a kind: ``2017-10``, ``2017-Q4``, ``2017`` (``Y1-…`` abstract)."""
        months = PERIOD_MONTHS[period]
        year = self.first_year + (index * months) // 12
        prefix = f"{year}" if self.start_date is not None else f"Y{year}"
        if period == "year":
            return prefix
        of_year = (index * months % 12) // months
        return f"{prefix}-{of_year + 1:02d}" if period == "month" else f"{prefix}-Q{of_year + 1}"

    def slices(self, period: str, lo: float, hi: float) -> list[PeriodSlice]:
        """The periods of a kind overlapping the window ``[lo, hi)``, each with its overlap.

        Raises:
            ValueError: if the window is empty or outside the calendar.
        """
        if not hi > lo:
            raise ValueError(f"an empty window [{lo}, {hi})")
        if lo < self.month_start[0] or hi > self.month_start[-1]:
            raise ValueError(
                f"window [{lo}, {hi}) outside the calendar [{self.month_start[0]}, {self.month_start[-1]})"
            )
        edges = self.edges(period)
        per_year = 12 // PERIOD_MONTHS[period]
        first = int(np.searchsorted(edges, lo, side="right") - 1)
        out: list[PeriodSlice] = []
        for p in range(first, edges.size - 1):
            start, end = float(edges[p]), float(edges[p + 1])
            if start >= hi:
                break
            out.append(PeriodSlice(p, self.label(period, p), p % per_year, max(start, lo), min(end, hi), end - start))
        return out

    def month_window(self, lo: float, hi: float) -> tuple[FloatArray, list[str]]:
        """Edges (n + 1,) of the calendar months inside ``[lo, hi)``, cut at the window, and their labels."""
        months = self.slices("month", lo, hi)
        edges = np.array([m.start for m in months] + [months[-1].end], dtype=np.float64)
        return edges, [m.label for m in months]

    def years_over(self, lo: float, hi: float) -> float:
        """``[lo, hi)`` in years, each calendar year's part counted in that year's working days.

        On an abstract calendar every year has ``days_per_year`` days, so it is
        ``(hi - lo) / days_per_year`` exactly; on a dated one, the yearly :meth:`prorate` of 1.
        """
        if self.start_date is None:
            return float((hi - lo) / self.days_per_year)
        return self.prorate("year", [1.0], lo, hi)

    def prorate(self, period: str, values: Sequence[float], lo: float, hi: float) -> float:
        """A per-period figure held over ``[lo, hi)``: each period's value x its share inside.

        ``values`` repeat every year: one value for a yearly figure, four for quarters, 12
        for months (quarter ``k`` of every year gets ``values[k]``).
        """
        return float(sum(values[s.of_year % len(values)] * s.share for s in self.slices(period, lo, hi)))


def abstract_calendar(horizon_days: float, days_per_year: float = DEFAULT_DAYS_PER_YEAR) -> Calendar:
    """A calendar of notional years of ``days_per_year`` working days, day 0 on 1 January of year 1."""
    n_years = max(1, math.ceil(horizon_days / days_per_year - 1e-9))
    month = np.arange(12 * n_years + 1)
    year, of_year = np.divmod(month, 12)
    starts = year * days_per_year + np.floor(of_year * days_per_year / 12.0 + 0.5)
    return Calendar(np.asarray(starts, dtype=np.float64), 1, float(days_per_year))


def whole_years_window(
    start: dt.date, holidays: Sequence[dt.date], lo: float, hi: float
) -> tuple[float, float, str] | None:
    """The whole calendar years nearest the window ``[lo, hi)`` of a dated calendar; None if it is whole years.

    Returns:
        ``(warm-up, horizon, years)``: the working days at which the first calendar year
        starting at or after ``lo`` starts and the last of as many years as the window
        holds (at least one) ends, and those years in words (``2028``, ``2028 to 2029``).
    """
    try:
        wider = dated_calendar(start, hi + 2 * 366, holidays)
    except (ValueError, OverflowError):  # past the year 9999: no years to suggest
        return None
    years = wider.edges("year")
    if np.isclose(years, lo).any() and np.isclose(years, hi).any():
        return None
    first = int(np.searchsorted(years, lo - 1e-9))
    count = max(1, round((hi - lo) / wider.days_per_year))
    last = min(first + count, years.size - 1)
    labels = [wider.label("year", k) for k in range(first, last)]
    return float(years[first]), float(years[last]), labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


def dated_calendar(start: dt.date, horizon_days: float, holidays: Sequence[dt.date] = ()) -> Calendar:
    """A business-day calendar: day 0 is the first working day on or after ``start``.

    Working days are Monday to Friday less ``holidays``; the calendar spans whole calendar
    years from ``start``'s year until the horizon is covered.
    """
    off = np.array(sorted(set(holidays)), dtype="datetime64[D]")
    day0 = np.busday_offset(np.datetime64(start, "D"), 0, roll="forward", holidays=off)
    first_year = start.year
    last_year = dt.MAXYEAR - first_year  # years the calendar can hold: Python's dates end with the year 9999
    n_years = 1
    while True:  # double the years until the horizon is covered, then keep the fewest that cover it
        if n_years > last_year:
            raise ValueError(f"a dated calendar from {start} cannot hold {horizon_days:g} working days before 10000")
        first = np.datetime64(f"{first_year:04d}-01", "M")
        firsts = np.arange(first, first + 12 * n_years + 1, dtype="datetime64[M]").astype("datetime64[D]")
        after = firsts >= day0  # busday_count of a reversed interval is off by one: count it forwards
        starts = np.where(
            after, np.busday_count(day0, firsts, holidays=off), -np.busday_count(firsts, day0, holidays=off)
        ).astype(np.float64)
        if starts[-1] >= horizon_days:
            break
        n_years = min(2 * n_years, last_year) if n_years < last_year else last_year + 1  # past it: refused
    n_years = 1 + int(np.argmax(starts[12::12] >= horizon_days))
    starts = starts[: 12 * n_years + 1]
    per_year = float((starts[-1] - starts[0]) / n_years)
    return Calendar(starts, first_year, per_year, start)
