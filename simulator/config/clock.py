"""Simulated time of a scenario: the horizon, the warm-up and the calendar that names the working days.

``clock:`` of a scenario config (:class:`ClockConfig`); the calendars themselves are in
:mod:`simulator.config.calendar`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import Field, model_validator

from simulator.config.calendar import (
    DEFAULT_DAYS_PER_YEAR,
    Calendar,
    abstract_calendar,
    dated_calendar,
    whole_years_window,
)
from simulator.config.errors import ConfigError
from simulator.config.fields import ConfigModel, NonNegative, Number, explained, is_number

MAX_HORIZON_YEARS = 50
MAX_HORIZON_DAYS = MAX_HORIZON_YEARS * int(DEFAULT_DAYS_PER_YEAR)
"""The longest horizon simulated: 50 years of 250 working days (longer ones cannot finish).

It is checked as the clock is read, before any calendar is built over the horizon.
"""

Horizon = Annotated[
    Number,
    Field(gt=0, le=MAX_HORIZON_DAYS),
    explained(
        f"must be a finite number of working days > 0 and at most {MAX_HORIZON_DAYS:,} ({MAX_HORIZON_YEARS} years "
        f"of {DEFAULT_DAYS_PER_YEAR:g}); longer horizons cannot run"
    ),
]

LOOK_AHEAD_YEARS = 5
"""Years past the horizon a dated calendar must hold: the calendar-year note looks 2 ahead."""


def dated_span_problem(start: dt.date, horizon_days: float, holidays: Sequence[dt.date]) -> str | None:
    """Why a dated calendar from ``start`` cannot hold ``horizon_days`` (and the years after them); None if it can."""
    try:
        dated_calendar(start, horizon_days + LOOK_AHEAD_YEARS * 262, holidays)
    except (ValueError, OverflowError):  # Python's dates end with the year 9999
        return (
            f"is too late: {horizon_days:g} working days from it, and {LOOK_AHEAD_YEARS} years after them, "
            "would pass the year 9999"
        )
    return None


class ClockConfig(ConfigModel):
    """Simulated time, in working days, and the calendar that names them (:mod:`simulator.config.calendar`)."""

    horizon_days: Horizon = 250.0
    """Working days simulated (250 = one year of the abstract calendar)."""
    warmup_days: NonNegative = 0.0
    """Days simulated before measurement starts (the run-in that fills the pipeline)."""
    days_per_year: (
        Annotated[Number, Field(ge=12, le=366), explained("must be a number of working days between 12 and 366")] | None
    ) = None
    """Working days in a year of the abstract calendar; months are twelfths of it (None: 250, the default).

    A dated calendar counts its own: with ``start_date`` it stays None.
    """
    start_date: dt.date | None = None
    """Date of day 0: working days then follow the business-day calendar (None: an abstract calendar)."""
    holidays: list[dt.date] = Field(default_factory=list)
    """Public holidays of a dated calendar (not working days)."""

    @model_validator(mode="before")
    @classmethod
    def _a_date_is_not_a_number(cls, data: Any) -> Any:
        value = data.get("start_date") if isinstance(data, Mapping) else None
        if isinstance(value, int | float) and not isinstance(value, bool):  # 20270104 read as YAML's integer
            raise ConfigError.single("start_date", value, f"is written YYYY-MM-DD, with the dashes{_dashed(value)}")
        return data

    @model_validator(mode="before")
    @classmethod
    def _days_per_month_is_gone(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "days_per_month" in data:
            value = data["days_per_month"]
            raise ConfigError.single(
                "days_per_month",
                value,
                "no longer a setting: a month is a twelfth of clock.days_per_year (250 by default), or a calendar "
                "month with clock.start_date"
                + (f"; for {value}-day months set clock.days_per_year={12 * value}" if is_number(value) else ""),
            )
        return data

    @model_validator(mode="after")
    def _warmup_inside_horizon(self) -> ClockConfig:
        if self.warmup_days >= self.horizon_days:
            raise ConfigError.single(
                "warmup_days",
                self.warmup_days,
                f"must be below clock.horizon_days = {self.horizon_days:g} (the run-in comes before the measured "
                "days; lower one or raise the other)",
            )
        if self.start_date is not None and self.days_per_year is not None:
            raise ConfigError.single(
                "days_per_year",
                int(self.days_per_year) if float(self.days_per_year).is_integer() else self.days_per_year,
                "must be null (left out) with clock.start_date: a dated calendar counts its own working days",
            )
        if self.holidays and self.start_date is None:
            raise ConfigError.single(
                "holidays", [str(d) for d in self.holidays], "need clock.start_date (a dated calendar)"
            )
        if self.start_date is not None:
            too_late = dated_span_problem(self.start_date, self.horizon_days, self.holidays)
            if too_late:
                raise ConfigError.single("start_date", str(self.start_date), too_late)
        return self

    def year_window_advice(self) -> str | None:
        """For a dated clock with a warm-up, how to measure whole calendar years when the window is not; else None.

        The shipped clock counts a year as 250 working days; a dated year has its own count
        (261 in 2027), so a start date alone puts the measured window mid-year. A clock
        without a warm-up (a forecast from an as-of date) is left as it is.
        """
        if self.start_date is None or self.warmup_days <= 0:
            return None
        found = whole_years_window(self.start_date, self.holidays, self.warmup_days, self.horizon_days)
        if found is None:
            return None
        lo, hi, measured = found
        return (
            f"the measured window (working days {self.warmup_days:g} to {self.horizon_days:g} from "
            f"{self.start_date}) is not whole calendar years of the dated calendar; to measure {measured}, set "
            f"clock.warmup_days={lo:g} clock.horizon_days={hi:g}"
        )

    def calendar(self) -> Calendar:
        """The calendar of this clock, covering the horizon."""
        if self.start_date is None:
            days_per_year = DEFAULT_DAYS_PER_YEAR if self.days_per_year is None else self.days_per_year
            return abstract_calendar(self.horizon_days, days_per_year)
        return dated_calendar(self.start_date, self.horizon_days, self.holidays)


def _dashed(value: float) -> str:
    """``: 2026-03-01`` of ``20260301``; of a number that is no day as YYYYMMDD, ``, such as 2027-01-04``.

    Every number had been answered "with the dashes: 2027-01-04", so 20260301 read as 2027-01-04.
    """
    digits = f"{value:.0f}" if math.isfinite(value) and float(value).is_integer() else ""
    if len(digits) == 8:
        try:
            return ": " + dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
        except ValueError:
            pass
    return ", such as 2027-01-04"
