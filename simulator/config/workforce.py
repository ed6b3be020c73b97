"""The ``workforce:`` config section: hiring plan, ramp-up, attrition, backfill, coaching.

Settings are given per *role* (every team of that role uses them, so one section serves
every org design) and may be overridden per *team*; a team entry also carries the team's
hiring plan. A setting given nowhere is neutral: no ramp (everyone fully productive), no
attrition, leavers not backfilled, no coaching, no hires. The whole section absent is the
static organisation of earlier versions, with identical numbers.

Example (times in working days, tenures in months)::

    workforce:
      reassignment_loss_probability: 0.1
      roles:
        ae:
          ramp: {productivity: [0.17, 0.33, 0.5, 0.67, 0.83], skill_shift: [-0.5, -0.4, -0.3, -0.2, -0.1]}
          attrition_rate: 0.35
          backfill_days: {dist: triangular, low: 19, mode: 35, high: 48}
          initial_tenure_months: {dist: exponential, mean: 18}
      teams:
        ae:
          hires: [{month: 1, count: 2}]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from simulator.config.calendar import Calendar
from simulator.config.distributions import Distribution, DistributionField
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.fields import ConfigModel

DistributionSpec = DistributionField


class RampConfig(ConfigModel):
    """A ramp curve: productivity and skill by month of tenure (month 1 is the first month).

    After the last listed month a rep is fully ramped: productivity 1 and no skill shift.
    Empty lists mean no ramp.
    """

    productivity: tuple[Annotated[float, Field(gt=0.0, le=1.0)], ...] = Field(
        default=(), description="share of a ramped rep's selling hours, in month 1, 2, ... of tenure"
    )
    skill_shift: tuple[Annotated[float, Field(ge=-10.0, le=10.0)], ...] = Field(
        default=(), description="logit shift added to the rep's skill in month 1, 2, ... of tenure"
    )

    @model_validator(mode="after")
    def _never_decreases(self) -> RampConfig:
        issues: list[ConfigIssue] = []
        for name, curve in (("productivity", self.productivity), ("skill_shift", self.skill_shift)):
            for i in range(1, len(curve)):
                if curve[i] < curve[i - 1]:
                    allowed = f"must be at least month {i}'s {curve[i - 1]:g}: a ramp curve never decreases"
                    issues.append(ConfigIssue(f"{name}.{i}", curve[i], allowed))
        if self.skill_shift and self.skill_shift[-1] > 0:
            allowed = "must be at most 0: a fully ramped rep's shift is 0, so a positive last month would fall"
            issues.append(ConfigIssue(f"skill_shift.{len(self.skill_shift) - 1}", self.skill_shift[-1], allowed))
        if issues:
            raise ConfigError(issues)
        return self


class Hire(ConfigModel):
    """Planned hires joining a team at one date (``day`` in working days, or ``month`` from 1)."""

    day: float | None = Field(default=None, ge=0.0, description="working day the hires start")
    month: int | None = Field(
        default=None, ge=1, description="month of the measured window they start (1 = its first; day: from day 0)"
    )
    count: int = Field(default=1, ge=1, description="number of reps joining")

    @model_validator(mode="after")
    def _one_date(self) -> Hire:
        if (self.day is None) == (self.month is None):
            raise ValueError("give exactly one of day or month")
        return self


class WorkforceSettings(ConfigModel):
    """Ramp, attrition, backfill, initial tenures and coaching of one role or team (None: not set here)."""

    ramp: RampConfig | None = Field(default=None, description="ramp curve of new reps")
    attrition_rate: float | None = Field(
        default=None, ge=0.0, le=5.0, description="leavers per rep-year (tenures exponential with this hazard)"
    )
    backfill_days: DistributionSpec | None = Field(
        default=None, description="working days from a leaver's exit to the replacement's start; null: no backfill"
    )
    initial_tenure_months: DistributionSpec | Literal["steady_state"] | None = Field(
        default=None,
        description="tenure of the reps already there on day 0; steady_state: the tenures a team with this "
        "attrition rate has after years of turnover (exponential, mean 12 / attrition_rate months); "
        "null: all fully ramped",
    )
    coaching_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="share of each rep's skill gap closed per month"
    )
    coaching_toward: Literal["mean", "best"] | None = Field(
        default=None, description="whose skill the gap is measured to: the team mean (default) or its best rep"
    )


class TeamWorkforceConfig(WorkforceSettings):
    """A team's overrides of its role's settings, and its hiring plan."""

    hires: tuple[Hire, ...] = Field(default=(), description="planned hires (new seats)")


class WorkforceConfig(ConfigModel):
    """The ``workforce:`` section."""

    reassignment_loss_probability: float = Field(
        default=0.0, ge=0.0, le=1.0, description="chance that a leaver's open deal is lost when reassigned"
    )
    roles: dict[str, WorkforceSettings] = Field(default_factory=dict, description="settings per role")
    teams: dict[str, TeamWorkforceConfig] = Field(default_factory=dict, description="overrides and hires per team")

    def for_team(self, team: str, role: str) -> TeamWorkforceConfig:
        """The settings of one team: its own entries, else its role's, else neutral."""
        own = self.teams.get(team, TeamWorkforceConfig())
        inherited = self.roles.get(role, WorkforceSettings())
        merged = {
            name: getattr(own, name) if getattr(own, name) is not None else getattr(inherited, name)
            for name in WorkforceSettings.model_fields
        }
        return TeamWorkforceConfig(**merged, hires=own.hires)


def initial_tenure(settings: WorkforceSettings) -> Distribution | None:
    """The distribution of day-0 tenures (months) of a team's reps; None: fully ramped.

    ``steady_state`` is the age of a seat's current rep after years of turnover at a
    constant hazard: exponential with the same rate (memoryless), so its mean is
    12 / attrition_rate months (34 months at 35% a year); without attrition every rep of
    day 0 is taken as fully ramped.
    """
    tenure = settings.initial_tenure_months
    if tenure != "steady_state":
        return tenure
    rate = settings.attrition_rate or 0.0
    return Distribution.from_spec({"dist": "exponential", "mean": 12.0 / rate}, "") if rate > 0 else None


def check_workforce(workforce: WorkforceConfig, teams: Mapping[str, str], issues: list[ConfigIssue]) -> None:
    """Cross-checks the schema cannot make: team names exist, distributions are sensible.

    Args:
        workforce: The parsed section.
        teams: Team name -> role, from the org.
        issues: Where to add what is wrong.
    """
    for name in workforce.teams:
        if name not in teams:
            allowed = f"must name a team of the org: {', '.join(teams) or '(none defined)'}"
            issues.append(ConfigIssue(f"workforce.teams.{name}", name, allowed))
    entries: list[tuple[str, WorkforceSettings]] = [(f"roles.{k}", v) for k, v in workforce.roles.items()]
    entries += [(f"teams.{k}", v) for k, v in workforce.teams.items()]
    for where, settings in entries:
        for field in ("backfill_days", "initial_tenure_months"):
            dist = getattr(settings, field)
            if isinstance(dist, str):
                continue
            if dist is not None and (dist.quantile(0.0) < 0 or not math.isfinite(dist.mean)):
                spec = dist.as_written()
                issues.append(ConfigIssue(f"workforce.{where}.{field}", spec, "must be finite and never negative"))


def hire_start_day(hire: Hire, calendar: Calendar, warmup_days: float = 0.0) -> float:
    """The working day planned hires start.

    Their ``day`` (counted from the run's start, warm-up included), or the first working
    day of the ``month``-th calendar month of the *measured window*: month 1 is the one
    holding the window's first day (``warmup_days``), and its hires start with the window.
    A plan's months are the months it is measured on: counted from the run's start, a
    year's hires fell in the warm-up year and were ramped before measurement began. A
    month past the calendar's last is its last month's start, beyond the horizon.
    """
    if hire.day is not None:
        return float(hire.day)
    starts = calendar.month_start
    first = int(calendar.month_of(float(warmup_days)))
    return max(float(warmup_days), float(starts[min(first + (hire.month or 1) - 1, starts.size - 1)]))


def hires_beyond_horizon(
    workforce: WorkforceConfig, calendar: Calendar, horizon_days: float, warmup_days: float = 0.0
) -> list[ConfigIssue]:
    """Planned hires dated at or after the end of the run: they could never join.

    Args:
        workforce: The parsed section.
        calendar: The clock's calendar (:meth:`simulator.config.clock.ClockConfig.calendar`).
        horizon_days: ``clock.horizon_days``.
        warmup_days: ``clock.warmup_days`` (a hire's ``month`` counts from the window's start).
    """
    issues: list[ConfigIssue] = []
    first = int(calendar.month_of(float(warmup_days)))
    last_month = int(np.count_nonzero(calendar.month_start[first + 1 : -1] < horizon_days)) + 1
    for team, settings in workforce.teams.items():
        for i, hire in enumerate(settings.hires):
            day = hire_start_day(hire, calendar, warmup_days)
            if day < horizon_days:
                continue
            field, value = ("day", hire.day) if hire.day is not None else ("month", hire.month)
            beyond = hire.day is None and first + (hire.month or 1) - 1 >= calendar.month_start.size - 1
            when = (
                f"the measured window has {last_month} months"
                if beyond
                else f"starts on working day {day:g}, after the run ends"
            )
            allowed = (
                f"{when} (clock.horizon_days = {horizon_days:g}): must be a day below {horizon_days:g} or a month "
                f"up to {last_month} (months count from the measured window's start), so the hire joins before the "
                "run ends"
            )
            issues.append(ConfigIssue(f"workforce.teams.{team}.hires.{i}.{field}", value, allowed))
    return issues


__all__ = [
    "Hire",
    "RampConfig",
    "TeamWorkforceConfig",
    "WorkforceConfig",
    "WorkforceSettings",
    "check_workforce",
    "hire_start_day",
    "hires_beyond_horizon",
    "initial_tenure",
]


def unread_role_fields(
    workforce: WorkforceConfig, other: WorkforceConfig, team_roles: Mapping[str, str]
) -> dict[str, str]:
    """Roles whose settings differ between ``workforce`` and ``other`` where no team reads the difference.

    A role's settings reach a team of that role only in the fields the team's own
    ``workforce.teams`` entry leaves unset (:meth:`WorkforceConfig.for_team`); a role no team
    has is read by none. ``team_roles``: team -> role, the org's teams.

    Returns:
        Role -> why nothing reads it (``no team has the role full_cycle``), for each role
        whose entries differ and reach no team.
    """
    unread: dict[str, str] = {}
    for role in sorted(set(workforce.roles) | set(other.roles)):
        mine, theirs = workforce.roles.get(role, WorkforceSettings()), other.roles.get(role, WorkforceSettings())
        fields = [name for name in WorkforceSettings.model_fields if getattr(mine, name) != getattr(theirs, name)]
        if not fields:
            continue
        teams = [team for team, team_role in team_roles.items() if team_role == role]
        if not teams:
            unread[role] = f"no team has the role {role}, only {', '.join(sorted(set(team_roles.values())))}"
        elif all(
            getattr(workforce.teams.get(t, TeamWorkforceConfig()), name) is not None for t in teams for name in fields
        ):
            own = ", ".join(f"workforce.teams.{t}" for t in teams)
            unread[role] = f"its teams set {', '.join(fields)} themselves ({own})"
    return unread
