"""The plan as a run holds it: a yearly figure held to the measured window, said before the runs.

``plan.bookings`` is a year's figure (or four quarters'), and a run holds it over its
measured window to the day (:func:`simulator.model.window.plan_target`). A calibrated
quarter given ``+plan.bookings=2000000`` was held to $498.1k (65 of 2018's 261 working days)
with no word on the terminal: the report's table said "Plan (over 3 months)" only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.analysis.formatting import format_money
from simulator.config.calendar import whole_years_window
from simulator.config.clock import ClockConfig
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import Experiment

WHOLE = 1.0 - 1e-9
"""A period with at least this share of its working days inside the window is whole."""


@dataclass(frozen=True, slots=True)
class QuarterPlan:
    """One calendar quarter of a quarterly plan as a run holds it.

    Attributes:
        kpi: Its chance's KPI (``hit_plan_2027_q4``); ``plan_target_2027_q4`` holds ``held``.
        label: The calendar's label (``2027-Q4``, ``Y2-Q1``).
        days: Its working days inside the measured window.
        length: All its working days.
        figure: Its quarter's figure in ``plan.bookings``.
        held: The figure its part of the window is held to: ``figure`` x ``days`` / ``length``.
    """

    kpi: str
    label: str
    days: float
    length: float
    figure: float
    held: float

    @property
    def part(self) -> bool:
        """Whether the window holds only part of the quarter (so it is held to its share)."""
        return self.days < self.length * WHOLE


def quarter_plans(config: ScenarioConfig) -> list[QuarterPlan]:
    """The quarters a quarterly plan holds the measured window to, in time order; empty for a yearly plan or none.

    As the runs hold them (:func:`simulator.model.plan.plan_kpis`): the 2027-Q4 of a warm-up
    ending 2027-12-20 is 10 of its 66 working days, held to 10/66 of its figure, and its
    chance had read as if held to the whole quarter's.
    """
    bookings = config.plan.bookings
    if not isinstance(bookings, list):
        return []
    clock = config.clock
    return [
        QuarterPlan(
            f"hit_plan_{q.label.lower().replace('-', '_')}",
            q.label,
            q.end - q.start,
            q.length,
            float(bookings[q.of_year]),
            float(bookings[q.of_year]) * q.share,
        )
        for q in clock.calendar().slices("quarter", clock.warmup_days, clock.horizon_days)
    ]


def plan_window_notes(experiment: Experiment) -> list[str]:
    """One note per distinct plan a scenario holds to a window that is not whole periods of it.

    A yearly plan over a window that is not whole calendar years, or a quarterly plan over a
    window cutting a quarter, is held to its share of working days; the note gives the
    figure typed, the figure held and the days behind the share. Empty when every scenario
    has no plan or holds it whole.
    """
    notes: list[str] = []
    for spec in experiment.scenarios:
        config = spec.config
        bookings = config.plan.bookings
        if bookings is None:
            continue
        clock = config.clock
        values = list(bookings) if isinstance(bookings, list) else [float(bookings)]
        period = "quarter" if len(values) == 4 else "year"
        calendar = clock.calendar()
        slices = calendar.slices(period, clock.warmup_days, clock.horizon_days)
        held = calendar.prorate(period, values, clock.warmup_days, clock.horizon_days)
        window = clock.horizon_days - clock.warmup_days
        typed = f"{format_money(sum(values))} a year" + (" in four quarters" if period == "quarter" else "")
        years = calendar.slices("year", clock.warmup_days, clock.horizon_days)
        if len(years) > 1:  # a two-year window had scored its second year on this year's quarters without a word
            each = "the same four quarterly figures each year" if period == "quarter" else "the same figure each year"
            notes.append(
                f"plan.bookings ({typed}) is one year's plan, and the measured window spans {len(years)} years "
                f"({', '.join(y.label for y in years)}): the run holds {each}, {format_money(held)} in all, and "
                f"hit_plan reads the whole window against that; {_one_year_words(clock)}"
            )
            continue
        if all(abs(s.share - 1.0) < 1e-9 for s in slices):
            if period == "quarter" and len(slices) < len(values):
                # whole quarters, but not all four: hit_plan reads only theirs (a calibrated 2018-Q1 given a
                # $12M year in quarters read "Probability of hitting the plan 0.0%" on Q1's $2.5M, unsaid)
                labels = [s.label for s in slices]
                held_words = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
                theirs = "that quarter's figure" if len(labels) == 1 else "those quarters' figures"
                notes.append(
                    f"plan.bookings ({typed}) is held to {format_money(held)} over the measured window of {window:g} "
                    f"working days, which holds {held_words} only: the plan and hit_plan read {theirs}, not the "
                    f"year's {format_money(sum(values))}"
                )
            continue
        cut = ", ".join(f"{s.end - s.start:g} of {s.label}'s {s.length:g}" for s in slices if s.share < 1.0 - 1e-9)
        quarters = calendar.slices("quarter", clock.warmup_days, clock.horizon_days)
        whole_quarters = period == "year" and all(abs(q.share - 1.0) < 1e-9 for q in quarters)
        advice = (
            "; to hold the window's quarters to figures of their own, give four quarterly figures "
            "(plan.bookings=[Q1,Q2,Q3,Q4])"
            if whole_quarters
            else ", pro rata to working days"
        )
        notes.append(
            f"plan.bookings ({typed}) is held to {format_money(held)} over the measured window of {window:g} working "
            f"days ({cut} working days): the plan and hit_plan read that{advice}"
        )
    return list(dict.fromkeys(notes))


def _one_year_words(clock: ClockConfig) -> str:
    """How to measure one whole year of the calendar, the first to start at or after the warm-up's end.

    It had said "measure one year (clock.horizon_days = clock.warmup_days + a year)" to a
    window of 100 to 350 working days: one year long already, but across two years.
    """
    if clock.start_date is not None:
        found = whole_years_window(clock.start_date, clock.holidays, clock.warmup_days, clock.warmup_days + 250)
        if found is None:
            return "for one year's plan, measure one calendar year"
        lo, hi, year = found
    else:
        days = clock.calendar().days_per_year
        lo = math.ceil(clock.warmup_days / days - 1e-9) * days
        hi, year = lo + days, f"Y{round(lo / days) + 1}"
    return (
        f"for one year's plan, measure one whole year, from a year's first working day: to measure {year}, set "
        f"clock.warmup_days={lo:g} clock.horizon_days={hi:g}"
    )
