"""Compiled money, plan, forecast and SLA settings: the small tables the metrics read.

Like the rest of :class:`~simulator.model.scenario.Scenario`, these are plain arrays
indexed by team, source or stage, built once from the validated config. They live in
their own module (importing nothing from the scenario) so the scenario can hold them
and the metrics modules that use them can import the journey records freely.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.config.calendar import Calendar
from simulator.config.economics import EconomicsConfig
from simulator.config.plan import ForecastConfig, PlanConfig, SlaConfig

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Economics:
    """Costs and quotas per team (T,) and per source (K,), all per year where it applies."""

    team_fixed_cost: FloatArray  # base salary, on-costs and fixed variable pay per rep-year
    team_commission_rate: FloatArray  # share of credited new-business bookings paid as commission
    team_expansion_commission_rate: FloatArray  # share of credited expansion bookings paid as commission
    team_expansion_quota_credit: NDArray[np.bool_]  # expansion bookings count towards quota attainment
    team_quota: FloatArray  # bookings quota per rep-year (0: no bookings quota)
    team_ramp_days: FloatArray  # tenure (working days) before a rep counts as ramped
    team_tool_cost: FloatArray  # tool cost per rep-year (PRM seats)
    team_hiring_cost: FloatArray  # one-off cost per rep joining after day 0 (recruiting, onboarding)
    source_cost_per_lead: FloatArray
    source_margin: FloatArray


@dataclass(frozen=True, slots=True)
class PlanTables:
    """The bookings plan and the planner's attainment assumption.

    ``period`` is ``year`` (``values``: one yearly figure) or ``quarter`` (four quarterly
    figures, Q1 first); ``values`` is None without a plan.
    """

    values: FloatArray | None
    period: str
    assumed_attainment: float

    @property
    def quarters(self) -> FloatArray | None:
        """The plan per calendar quarter (a yearly figure spread evenly), None without a plan."""
        if self.values is None:
            return None
        return self.values if self.period == "quarter" else np.repeat(self.values / 4.0, 4)


@dataclass(frozen=True, slots=True)
class ForecastTables:
    """Stage weights of the month-end forecast: learned in the run, or the configured (S,) arrays."""

    learned: bool
    month: FloatArray
    quarter: FloatArray


def compile_economics(
    config: EconomicsConfig,
    team_roles: Sequence[str],
    team_tools: Sequence[bool],
    source_names: Sequence[str],
    calendar: Calendar,
) -> Economics:
    """Per-team and per-source arrays of the economics section."""
    roles = [config.role(r) for r in team_roles]
    sources = [config.sources.get(name) for name in source_names]
    return Economics(
        team_fixed_cost=np.array([r.fixed_cost_per_year() for r in roles], dtype=np.float64),
        team_commission_rate=np.array([r.effective_commission_rate() for r in roles], dtype=np.float64),
        team_expansion_commission_rate=np.array(
            [r.effective_expansion_commission_rate() for r in roles], dtype=np.float64
        ),
        team_expansion_quota_credit=np.array([r.expansion_quota_credit for r in roles], dtype=np.bool_),
        team_quota=np.array([r.quota for r in roles], dtype=np.float64),
        team_ramp_days=np.array([r.ramp_months * calendar.days_per_month for r in roles], dtype=np.float64),
        team_tool_cost=np.array(
            [config.tool_cost_per_seat_year if tool else 0.0 for tool in team_tools], dtype=np.float64
        ),
        team_hiring_cost=np.array([r.hiring_cost for r in roles], dtype=np.float64),
        source_cost_per_lead=np.array([s.cost_per_lead if s else 0.0 for s in sources], dtype=np.float64),
        source_margin=np.array([s.margin if s else 0.0 for s in sources], dtype=np.float64),
    )


def compile_plan(config: PlanConfig) -> PlanTables:
    """The plan as one yearly figure or four quarterly ones."""
    bookings = config.bookings
    if bookings is None:
        return PlanTables(None, "year", float(config.assumed_attainment))
    quarterly = isinstance(bookings, list)
    return PlanTables(
        values=np.array(bookings if quarterly else [bookings], dtype=np.float64),
        period="quarter" if quarterly else "year",
        assumed_attainment=float(config.assumed_attainment),
    )


def compile_forecast(config: ForecastConfig, stage_names: Sequence[str]) -> ForecastTables:
    """Configured stage weights as arrays (NaN where a stage has none)."""
    return ForecastTables(
        learned=config.weights == "learned",
        month=np.array([config.month.get(s, math.nan) for s in stage_names], dtype=np.float64),
        quarter=np.array([config.quarter.get(s, math.nan) for s in stage_names], dtype=np.float64),
    )


def compile_sla(config: SlaConfig, stage_names: Sequence[str], max_wait_days: Sequence[float]) -> FloatArray:
    """SLA per stage in working days: configured, else the stage's max wait (inf: none)."""
    return np.array(
        [config.stages.get(s, float(w)) for s, w in zip(stage_names, max_wait_days, strict=True)], dtype=np.float64
    )
