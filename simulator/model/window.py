"""The measurement window on the calendar: its months, quarters, and the plan held over it.

Every monthly table, month-end forecast, queue report and plan figure of a replication
cuts the window ``[warmup_days, horizon_days)`` with these functions, which read the
scenario's :class:`~simulator.config.calendar.Calendar`: months are calendar months (the
first and last may be partial), quarters are calendar quarters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config.calendar import PeriodSlice
from simulator.model.kernel import FloatArray
from simulator.model.scenario import Scenario
from simulator.model.scenario_cache import per_scenario


@dataclass(frozen=True, slots=True)
class WindowMonths:
    """The calendar months of a measurement window.

    Attributes:
        edges: (n + 1,) working days: month ``m`` of the window is ``[edges[m], edges[m + 1])``,
            the first and last cut at the window's bounds.
        labels: (n,) the months' names (``2017-10``, or ``Y2-01`` on an abstract calendar).
        quarters: (n,) the calendar quarter's name of each month (``2017-Q4``, ``Y2-Q1``).
        full: (n,) True where the whole calendar month lies inside the window.
    """

    edges: FloatArray
    labels: tuple[str, ...]
    quarters: tuple[str, ...]
    full: np.ndarray

    @property
    def size(self) -> int:
        """Number of months (partial ones included)."""
        return len(self.labels)


def window_months(scenario: Scenario) -> WindowMonths:
    """The calendar months of the scenario's measurement window (worked out once per scenario; read-only arrays)."""
    return per_scenario(scenario, "window_months", lambda: _window_months(scenario))


def _window_months(scenario: Scenario) -> WindowMonths:
    calendar = scenario.calendar
    months = calendar.slices("month", scenario.warmup_days, scenario.horizon_days)
    edges = np.array([m.start for m in months] + [months[-1].end], dtype=np.float64)
    quarters = tuple(calendar.label("quarter", m.index // 3) for m in months)
    full = np.array([abs(m.share - 1.0) < 1e-12 for m in months], dtype=np.bool_)
    edges.setflags(write=False)
    full.setflags(write=False)
    return WindowMonths(edges, tuple(m.label for m in months), quarters, full)


def window_year_days(scenario: Scenario) -> float:
    """The working days of a year over the measured window: its days over its share of calendar years.

    An annual figure (a rep's quota, pay and tools) held over ``d`` working days of the
    window is the figure x ``d`` / this. On an abstract calendar it is the calendar's
    ``days_per_year``; on a dated one, the window's own years' (a window of 2028 alone:
    2028's working days, not the calendar's mean), so a rep's quota and pay over the window
    prorate as the plan does (:func:`plan_target`): a rep employed for the whole of a
    calendar year costs its salary and owes its quota, to the dollar.
    """
    return per_scenario(scenario, "window_year_days", lambda: _window_year_days(scenario))


def _window_year_days(scenario: Scenario) -> float:
    calendar, lo, hi = scenario.calendar, scenario.warmup_days, scenario.horizon_days
    if calendar.start_date is None or hi <= lo:  # every abstract year has the same days
        return float(calendar.days_per_year)
    years = calendar.years_over(lo, hi)
    return (hi - lo) / years if years > 0 else float(calendar.days_per_year)


def plan_periods(scenario: Scenario, period: str) -> list[PeriodSlice]:
    """The calendar periods (``quarter`` or ``year``) the window overlaps, each with its share inside."""
    return scenario.calendar.slices(period, scenario.warmup_days, scenario.horizon_days)


def plan_target(scenario: Scenario, period: str, values: FloatArray) -> float:
    """The plan held over the window, to the day.

    Each calendar period's figure (``values``: one for a yearly plan, four for a quarterly
    one, repeating every year) times the share of its working days inside the window: a
    yearly plan over a window of ``d`` working days of one year is plan x d / the year's
    working days (250 on the default abstract calendar).
    """
    return scenario.calendar.prorate(period, values.tolist(), scenario.warmup_days, scenario.horizon_days)
