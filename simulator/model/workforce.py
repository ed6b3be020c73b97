"""The workforce of a scenario as the engine reads it, and what it did as KPIs.

Modelling assumptions (see docs/MODEL.md, "Workforce"):
- A ramp curve is piecewise constant by month of tenure: in month ``m`` (from 1) a rep
  works ``productivity[m-1]`` of a ramped rep's selling hours and its skill is shifted
  by ``skill_shift[m-1]`` on the logit of conversion; after the listed months it is
  fully ramped. A month of tenure is the calendar's mean month (a twelfth of its working
  days a year); coaching happens at the calendar's month ends inside the measured window (as a
  hire's month counts from its start, the window is coaching's first year).
- Attrition is a constant hazard: each rep's remaining tenure is exponential with
  ``attrition_rate`` leavers per rep-year (a year of the calendar), so the
  expected annual turnover of a backfilled team is the rate. Memoryless, so reps
  already there on day 0 and new hires draw their remaining tenure alike.
- Reps are numbered team by team at the start; hires get the next numbers in the order
  they join. A rep's record keeps the day it joined the run, the day it left (inf: still
  there at the horizon) and its tenure in months on the day it joined (0 for a hire, the
  drawn tenure for a rep there on day 0, inf for a static team's rep: fully ramped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.config.calendar import Calendar
from simulator.config.workforce import Hire, WorkforceConfig, hire_start_day, initial_tenure

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RampCurve:
    """Productivity and skill shift by month of tenure; empty: always fully ramped."""

    productivity: tuple[float, ...] = ()
    skill_shift: tuple[float, ...] = ()

    @property
    def months(self) -> int:
        """Months until a rep is fully ramped."""
        return max(len(self.productivity), len(self.skill_shift))

    def level(self, tenure_months: float) -> float:
        """Share of a ramped rep's selling hours at this tenure."""
        m = math.floor(tenure_months) if math.isfinite(tenure_months) else len(self.productivity)
        return self.productivity[m] if 0 <= m < len(self.productivity) else 1.0

    def skill(self, tenure_months: float) -> float:
        """Logit shift of skill at this tenure."""
        m = math.floor(tenure_months) if math.isfinite(tenure_months) else len(self.skill_shift)
        return self.skill_shift[m] if 0 <= m < len(self.skill_shift) else 0.0

    def is_ramped(self, tenure_months: float) -> bool:
        """True once the rep has passed every month of the curve."""
        return tenure_months >= self.months

    def levels(self, tenure_months: FloatArray) -> FloatArray:
        """Vectorised :meth:`level` over an array of tenures (NaN where not employed gives 0)."""
        table = np.array([*self.productivity, 1.0])
        with np.errstate(invalid="ignore"):
            index = np.where(np.isfinite(tenure_months), np.floor(tenure_months), len(self.productivity))
        index = np.clip(index, 0, len(self.productivity)).astype(np.int64)
        return np.where(np.isnan(tenure_months), 0.0, table[index])


@dataclass(frozen=True, slots=True)
class TeamWorkforce:
    """One team's workforce settings, compiled. Distributions as (kernel code, params) or None."""

    ramp: RampCurve
    attrition_per_day: float
    backfill: tuple[int, FloatArray] | None
    initial_tenure: tuple[int, FloatArray] | None
    coaching_rate: float
    hire_days: tuple[float, ...]
    coaching_toward_best: bool = False


@dataclass(frozen=True, slots=True)
class WorkforcePlan:
    """Every team's workforce settings (indexed like the scenario's teams)."""

    teams: tuple[TeamWorkforce, ...] = ()
    reassignment_loss_probability: float = 0.0
    days_per_month: float = 250.0 / 12.0  # a month of tenure: the calendar's mean month
    month_ends: tuple[float, ...] = ()  # days a calendar month ends after the warm-up, to the horizon (coaching)

    @property
    def dynamic(self) -> bool:
        """True if anything changes the workforce or its levels during a run."""
        return any(
            t.ramp.months or t.attrition_per_day > 0 or t.initial_tenure is not None or t.coaching_rate or t.hire_days
            for t in self.teams
        )

    def ramp(self, team: int) -> RampCurve:
        """The ramp curve of a team (fully ramped if the team has none)."""
        return self.teams[team].ramp if self.teams else RampCurve()

    def ramp_level(self, team: int, tenure_months: float) -> float:
        """Productivity of a rep of ``team`` at ``tenure_months`` (1.0 when ramped)."""
        return self.ramp(team).level(tenure_months)

    def is_ramped(self, team: int, tenure_months: float) -> bool:
        """True if a rep of ``team`` at ``tenure_months`` is fully ramped."""
        return self.ramp(team).is_ramped(tenure_months)


def compile_workforce(
    config: WorkforceConfig,
    teams: dict[str, str],
    calendar: Calendar,
    horizon_days: float,
    names: tuple[str, ...],
    warmup_days: float = 0.0,
) -> WorkforcePlan:
    """The engine's form of the ``workforce:`` section.

    Args:
        config: The parsed section.
        teams: Team name -> role.
        calendar: The clock's calendar (a hire in month *k* starts on the first working
            day of the *k*-th calendar month of the measured window; rates per year are
            per its year).
        horizon_days: The end of the run.
        names: Team names in scenario order.
        warmup_days: The start of the measured window.
    """

    def start_day(hire: Hire) -> float:
        return hire_start_day(hire, calendar, warmup_days)

    compiled = []
    for name in names:
        settings = config.for_team(name, teams[name])
        ramp = settings.ramp
        rate = settings.attrition_rate or 0.0
        backfill, tenure = settings.backfill_days, initial_tenure(settings)
        hire_days = sorted(start_day(h) for h in settings.hires for _ in range(h.count))
        compiled.append(
            TeamWorkforce(
                ramp=RampCurve(tuple(ramp.productivity), tuple(ramp.skill_shift)) if ramp else RampCurve(),
                attrition_per_day=rate / calendar.days_per_year,
                backfill=None if backfill is None else (backfill.kernel_code(), backfill.kernel_params()),
                initial_tenure=None if tenure is None else (tenure.kernel_code(), tenure.kernel_params()),
                coaching_rate=settings.coaching_rate or 0.0,
                hire_days=tuple(hire_days),
                coaching_toward_best=settings.coaching_toward == "best",
            )
        )
    month_ends = tuple(float(d) for d in calendar.month_start if warmup_days < d <= horizon_days)
    return WorkforcePlan(tuple(compiled), config.reassignment_loss_probability, calendar.days_per_month, month_ends)


def tenure_months(
    hire_day: FloatArray, leave_day: FloatArray, start_tenure_months: FloatArray, day: float, days_per_month: float
) -> FloatArray:
    """Each rep's tenure in months on ``day`` (NaN if not employed that day).

    With :meth:`RampCurve.is_ramped` it tells the ramped reps, with :meth:`RampCurve.level` their FTE.
    """
    employed = (hire_day <= day) & (day < leave_day)
    with np.errstate(invalid="ignore"):
        tenure = start_tenure_months + (day - hire_day) / days_per_month
    return np.where(employed, tenure, np.nan)


def employed_days(hire_day: FloatArray, leave_day: FloatArray, start: float, end: float) -> FloatArray:
    """Days each rep was employed inside ``[start, end)`` (rep-days: the base of cost and utilisation)."""
    return np.maximum(0.0, np.minimum(leave_day, end) - np.maximum(hire_day, start))


def busy_share(busy_days: float, employed: float) -> float:
    """Utilisation: busy days over employed days (NaN with no employed days), at most 1.

    Busy time is summed interval by interval, so a rep busy the whole window can sum to
    1 + 1e-16 of it by rounding; the share is held to 1. (Real excess, a leaver busy
    past its recorded leave day, is prevented where the leave day is recorded.)
    """
    if employed <= 0.0:
        return math.nan
    return min(busy_days / employed, 1.0)


def daily_staffing(
    plan: WorkforcePlan,
    rep_team: NDArray[np.int64],
    hire_day: FloatArray,
    leave_day: FloatArray,
    start_tenure_months: FloatArray,
    n_days: int,
) -> tuple[FloatArray, FloatArray]:
    """Headcount and ramped FTE of every team at the middle of every working day.

    Returns:
        Two arrays of shape (teams, days): reps employed, and the sum of their ramp levels.
    """
    n_teams = len(plan.teams) if plan.teams else int(rep_team.max(initial=-1)) + 1
    heads = np.zeros((n_teams, n_days))
    fte = np.zeros((n_teams, n_days))
    if rep_team.size == 0 or n_days == 0:
        return heads, fte
    mid = np.arange(n_days, dtype=np.float64) + 0.5
    employed = (hire_day[:, None] <= mid[None, :]) & (mid[None, :] < leave_day[:, None])
    with np.errstate(invalid="ignore"):
        tenure = start_tenure_months[:, None] + (mid[None, :] - hire_day[:, None]) / plan.days_per_month
    tenure = np.where(employed, tenure, np.nan)
    for t in range(n_teams):
        members = rep_team == t
        heads[t] = employed[members].sum(axis=0)
        fte[t] = plan.ramp(t).levels(tenure[members]).sum(axis=0)
    return heads, fte
