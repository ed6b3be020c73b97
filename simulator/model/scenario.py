"""Compile a validated scenario config into plain arrays and small tables.

The engine never reads the nested config: it reads a :class:`Scenario`, whose fields
are NumPy arrays indexed by stage, team, source and segment, and distribution codes
with parameter vectors for the Numba sampling core. This is the one contract between
configuration and engines, so a compiled engine can later read the same object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulator.config.calendar import Calendar
from simulator.config.org import ASSIGNMENT_POLICIES, PRIORITY_RULES
from simulator.config.schema import ScenarioConfig
from simulator.model.decisions import DecisionTables, compile_decisions
from simulator.model.initial_deals import InitialDeals, compile_initial
from simulator.model.kernel import FloatArray, IntArray, Kernel  # re-exported
from simulator.model.lead_attributes import LeadProfile, compile_lead_profile
from simulator.model.masks import BoolArray
from simulator.model.odds import logit
from simulator.model.plan_tables import (
    Economics,
    ForecastTables,
    PlanTables,
    compile_economics,
    compile_forecast,
    compile_plan,
    compile_sla,
)
from simulator.model.pods import PodTables, compile_pods, compile_routing
from simulator.model.workforce import WorkforcePlan, compile_workforce

POOLED, ROUND_ROBIN, LEAST_LOADED, BY_SHARE = (
    ASSIGNMENT_POLICIES.index(p) for p in ("pooled", "round_robin", "least_loaded", "by_share")
)
FIFO, CLOSEST_TO_CLOSE = (PRIORITY_RULES.index(p) for p in ("fifo", "closest_to_close"))

if TYPE_CHECKING:
    from simulator.model.multi_pipeline import PipelineTables


__all__ = [
    "BY_SHARE",
    "CLOSEST_TO_CLOSE",
    "FIFO",
    "LEAST_LOADED",
    "POOLED",
    "ROUND_ROBIN",
    "FloatArray",
    "IntArray",
    "Kernel",
    "Scenario",
]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scenario as arrays: what both engines read.

    Shapes: S stages, T teams, K sources, G segments, 12 months of seasonality, X slices
    (combinations of segment, sector, geography and product; X = G when only segments
    are configured).
    """

    name: str
    # clock
    horizon_days: float
    warmup_days: float
    calendar: Calendar  # working days -> months, quarters, years (the one place periods are cut)
    # market
    source_names: tuple[str, ...]
    source_leads_per_day: FloatArray  # (K,) before seasonality
    source_entry_stage: IntArray  # (K,)
    source_logit_lift: FloatArray  # (K,)
    source_speed_to_lead: NDArray[np.bool_]  # (K,) a slow first touch lowers the first worked stage's conversion
    seasonality: FloatArray  # (12,)
    segment_names: tuple[str, ...]
    segment_weights: FloatArray  # (G,), normalised
    deal_value: Kernel
    buying_circle: Kernel
    # pipeline
    stage_names: tuple[str, ...]
    stage_effort_hours: tuple[Kernel, ...]
    stage_delay_days: tuple[Kernel, ...]
    stage_base_logit: FloatArray  # (S,), +-inf for conversion 1 or 0
    stage_max_wait_days: FloatArray  # (S,), inf when a waiting lead never leaks
    stage_circle_sensitive: NDArray[np.bool_]  # (S,)
    opportunity_stage: int  # leads that reach this stage are opportunities (win rate's denominator)
    # organisation
    team_names: tuple[str, ...]
    team_headcount: IntArray  # (T,)
    team_selling_hours_per_day: FloatArray  # (T,)
    team_skill_mean: FloatArray  # (T,)
    team_skill_sd: FloatArray  # (T,)
    team_assignment: IntArray  # (T,) POOLED / ROUND_ROBIN / LEAST_LOADED
    team_priority: IntArray  # (T,) FIFO / CLOSEST_TO_CLOSE
    team_newest_first: BoolArray  # (T,) within the priority rule, the newest queued item first
    routing: IntArray  # (S, X) -> team index, by the lead's slice (its segment when nothing else is configured)
    handoff_delay_days: Kernel
    handoff_loss_probability: float
    handoff_extra_effort_hours: Kernel
    # effects on conversion (logit space)
    speed_scale_hours: float
    speed_exponent: float
    skill_weight: float
    circle_reference_size: float
    circle_logit_per_person: float
    # lead attributes and pods
    lead_profile: LeadProfile  # sectors, geographies, products: weights per segment and product multipliers
    pods: PodTables  # per-team conversion shifts by slice and overflow rules
    # money, plan, forecast and service levels (read by the metrics only; None: not compiled)
    economics: Economics | None = None
    plan: PlanTables | None = None
    forecast: ForecastTables | None = None
    stage_sla_days: FloatArray | None = None  # (S,), inf where a stage has no SLA
    # workforce over time (hires, ramp, attrition, coaching); the default is a static organisation
    workforce: WorkforcePlan = field(default_factory=WorkforcePlan)
    # pipelines beyond new business (prospecting, partner, retention), None: sales only
    pipelines: PipelineTables | None = None
    # dated arrival series: (K, calendar months) mean leads of each calendar month, NaN where
    # leads_per_month x seasonality applies; None: no source has a series
    source_month_leads: FloatArray | None = None
    # (K,) coefficient of variation of each source's monthly gamma factor; None: every source Poisson
    source_month_cv: FloatArray | None = None
    # decisions after the buyer's delay, no decisions, quarter-end pulls; None: none configured
    decisions: DecisionTables | None = None
    # named reps and their shares of new leads: per team (headcount,) relative shares, () when no team names reps
    team_rep_shares: tuple[FloatArray, ...] = ()
    rep_names: tuple[str, ...] = ()  # every rep of day 0, team by team ('' when unnamed); () when none is named
    # the open deals of day 0 (None: the run starts empty)
    initial: InitialDeals | None = None
    # a calibrated company's bootstrap refits, each the whole scenario: replication r runs on
    # draw r mod their number (simulator.run.parameter_draws); (): the parameters as fitted
    parameter_draws: tuple[Scenario, ...] = ()

    def for_replication(self, replication: int) -> Scenario:
        """The scenario replication ``replication`` runs on: its parameter draw, or itself."""
        if not self.parameter_draws:
            return self
        return self.parameter_draws[replication % len(self.parameter_draws)]

    @property
    def n_stages(self) -> int:
        """Number of pipeline stages."""
        return len(self.stage_names)

    @property
    def n_teams(self) -> int:
        """Number of teams."""
        return len(self.team_names)

    @property
    def n_reps(self) -> int:
        """Number of reps over all teams."""
        return int(self.team_headcount.sum())


def compile_scenario(config: ScenarioConfig, name: str = "scenario") -> Scenario:
    """Build the array form of a validated scenario config."""
    from simulator.model.multi_pipeline import compile_pipelines

    market, pipeline, org, effects, clock = config.market, config.pipeline, config.org, config.effects, config.clock
    calendar = clock.calendar()
    tables = compile_pipelines(config, float(clock.horizon_days), calendar)
    stage_names = tuple(stage.name for stage in pipeline.stages)
    team_names = tuple(org.teams)
    segment_names = tuple(market.segments)
    weights = np.array([market.segments[s] for s in segment_names], dtype=np.float64)
    profile = compile_lead_profile(market.attributes, segment_names)
    routing = compile_routing(config, profile, team_names)
    teams = [org.teams[t] for t in team_names]
    sources = list(market.sources.values())
    max_wait = [math.inf if stage.max_wait_days is None else stage.max_wait_days for stage in pipeline.stages]
    shares, rep_names = _named_reps(config)
    return Scenario(
        name=name,
        horizon_days=float(clock.horizon_days),
        warmup_days=float(clock.warmup_days),
        calendar=calendar,
        source_names=tuple(market.sources),
        source_leads_per_day=np.array(
            [
                0.0 if tables is not None and tables.fed(k) else s.leads_per_month / calendar.days_per_month
                for k, s in enumerate(sources)
            ],
            dtype=np.float64,
        ),
        source_entry_stage=np.array(
            [0 if s.entry_stage is None else stage_names.index(s.entry_stage) for s in sources], dtype=np.int64
        )
        if tables is None or tables.meeting_entry_stage < 0
        else np.array(
            [
                tables.meeting_entry_stage
                if tables.prospecting_source == k
                else (0 if s.entry_stage is None else stage_names.index(s.entry_stage))
                for k, s in enumerate(sources)
            ],
            dtype=np.int64,
        ),
        source_logit_lift=np.array([s.conversion_lift for s in sources], dtype=np.float64),
        source_speed_to_lead=np.array([s.speed_to_lead for s in sources], dtype=np.bool_),
        seasonality=np.array(market.seasonality, dtype=np.float64),
        segment_names=segment_names,
        segment_weights=weights / weights.sum(),
        deal_value=Kernel.of(market.deal_value),
        buying_circle=Kernel.of(market.buying_circle),
        stage_names=stage_names,
        stage_effort_hours=tuple(Kernel.of(stage.effort_hours) for stage in pipeline.stages),
        stage_delay_days=tuple(Kernel.of(stage.delay_days) for stage in pipeline.stages),
        stage_base_logit=np.array([logit(stage.conversion) for stage in pipeline.stages], dtype=np.float64),
        stage_max_wait_days=np.array(
            [math.inf if stage.max_wait_days is None else stage.max_wait_days for stage in pipeline.stages],
            dtype=np.float64,
        ),
        stage_circle_sensitive=np.array([stage.circle_sensitive for stage in pipeline.stages], dtype=np.bool_),
        opportunity_stage=(
            stage_names.index(pipeline.opportunity_stage)
            if pipeline.opportunity_stage is not None
            else min(1, len(stage_names) - 1)
        ),
        team_names=team_names,
        team_headcount=np.array([t.headcount for t in teams], dtype=np.int64),
        team_selling_hours_per_day=np.array([t.hours_per_day * t.selling_fraction for t in teams], dtype=np.float64),
        team_skill_mean=np.array([t.skill.mean for t in teams], dtype=np.float64),
        team_skill_sd=np.array([t.skill.sd for t in teams], dtype=np.float64),
        team_assignment=np.array([ASSIGNMENT_POLICIES.index(t.assignment) for t in teams], dtype=np.int64),
        team_priority=np.array([PRIORITY_RULES.index(t.priority) for t in teams], dtype=np.int64),
        team_newest_first=np.array([t.newest_first for t in teams], dtype=np.bool_),
        routing=routing,
        handoff_delay_days=Kernel.of(org.handoff.delay_days),
        handoff_loss_probability=float(org.handoff.loss_probability),
        handoff_extra_effort_hours=Kernel.of(org.handoff.extra_effort_hours),
        speed_scale_hours=float(effects.speed_to_lead.scale_hours),
        speed_exponent=float(effects.speed_to_lead.exponent),
        skill_weight=float(effects.skill_weight),
        circle_reference_size=float(effects.buying_circle.reference_size),
        circle_logit_per_person=float(effects.buying_circle.logit_per_person),
        economics=compile_economics(
            config.economics,
            [t.role for t in teams],
            [bool(getattr(t, "prm_automation", False)) for t in teams],
            tuple(market.sources),
            calendar,
        ),
        plan=compile_plan(config.plan),
        forecast=compile_forecast(config.forecast, stage_names),
        stage_sla_days=compile_sla(config.sla, stage_names, max_wait),
        workforce=compile_workforce(
            config.workforce,
            {n: t.role for n, t in org.teams.items()},
            calendar,
            clock.horizon_days,
            team_names,
            clock.warmup_days,
        ),
        lead_profile=profile,
        pods=compile_pods(config, profile, team_names),
        pipelines=tables,
        source_month_leads=_month_series(
            config, calendar, [tables is not None and tables.fed(k) for k in range(len(sources))]
        ),
        source_month_cv=np.array([s.month_cv for s in sources], dtype=np.float64)
        if any(s.month_cv > 0 for s in sources)
        else None,
        decisions=compile_decisions(config, calendar.edges("quarter"), calendar.month_start),
        team_rep_shares=shares,
        rep_names=rep_names,
        initial=compile_initial(config, profile, segment_names, rep_names),
    )


def _named_reps(config: ScenarioConfig) -> tuple[tuple[FloatArray, ...], tuple[str, ...]]:
    """Per team the shares of its day-0 reps (named first, the rest at the named mean), and every rep's name."""
    teams = config.org.teams
    if not any(team.reps or team.assignment == "by_share" for team in teams.values()):
        return (), ()
    shares: list[FloatArray] = []
    names: list[str] = []
    for team in teams.values():
        staying = team.staying  # reps set to null left before day 0: no seat, no share
        named = list(staying.values())
        mean = sum(named) / len(named) if named else 1.0
        shares.append(np.array(named + [mean] * (team.headcount - len(named)), dtype=np.float64))
        names.extend(list(staying) + [""] * (team.headcount - len(named)))
    return tuple(shares), tuple(names)


def _month_series(config: ScenarioConfig, calendar: Calendar, fed: list[bool]) -> FloatArray | None:
    """(K, calendar months) mean leads per whole calendar month from the dated series; NaN elsewhere.

    A source fed by another pipeline (booked meetings, referrals) ignores its series, as it ignores its rate.
    """
    sources = list(config.market.sources.values())
    if not any(source.leads_by_month for source in sources):
        return None
    labels = {calendar.label("month", m): m for m in range(calendar.n_months)}
    table = np.full((len(sources), calendar.n_months), np.nan)
    for k, source in enumerate(sources):
        if fed[k]:
            continue
        for month, leads in source.leads_by_month.items():
            if month in labels:
                table[k, labels[month]] = leads
    return table
