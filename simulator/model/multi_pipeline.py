"""The pipelines beside new business, compiled to small tables the engine reads.

Pipelines have fixed indices (:data:`SALES` ... :data:`EXPANSION`); the sales pipeline
keeps today's stage arrays in :class:`~simulator.model.scenario.Scenario`, and every
other pipeline gets a :class:`WorkStages` table here. Teams get, per pipeline, a rank
(their priority order), reserved hours per working day and an idle-work pipeline.

Sources fed by a pipeline (booked meetings are outbound leads, partner referrals are
partner leads) get no Poisson arrivals: their leads are *slots* appended after the
Poisson leads, the k-th booked meeting taking the k-th slot of its source, so each
keeps pre-drawn luck that does not depend on when or whether it was created.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.config.calendar import Calendar
from simulator.config.pipeline_checks import team_for_stage
from simulator.config.pipelines import PIPELINE_KEYS, WorkStageConfig
from simulator.config.schema import ScenarioConfig
from simulator.model.kernel import FloatArray, IntArray, Kernel
from simulator.model.odds import logit

SALES, PROSPECTING, PARTNER, RENEWAL, EXPANSION = range(len(PIPELINE_KEYS))
N_PIPELINES = len(PIPELINE_KEYS)
DAYS_PER_WEEK = 5.0


@dataclass(frozen=True, slots=True)
class WorkStages:
    """The stages of one non-sales pipeline; ``team`` is -1 where reps work their own entities."""

    names: tuple[str, ...]
    effort_hours: tuple[Kernel, ...]
    delay_days: tuple[Kernel, ...]
    base_logit: FloatArray
    team: IntArray

    @property
    def size(self) -> int:
        """Number of stages."""
        return len(self.names)


@dataclass(frozen=True, slots=True)
class PipelineTables:
    """Everything beyond the sales pipeline, as plain numbers and small arrays."""

    configured: tuple[int, ...]  # pipeline indices present (SALES always)
    stages: tuple[WorkStages | None, ...]  # (P,) None for SALES and absent pipelines
    team_rank: IntArray  # (T, P) smaller is served first
    team_reserved_hours_per_day: FloatArray  # (T, P)
    team_idle_work: IntArray  # (T,) pipeline index or -1
    team_prm: IntArray  # (T,) 1 if the team has PRM automation
    # prospecting
    prospecting_source: int  # -1 if absent
    target_accounts: int
    prospecting_slots: int  # lead slots for booked meetings (a bound on them)
    prospecting_block: int  # fresh accounts a rep takes in one sitting
    meeting_entry_stage: int  # sales stage a booked meeting enters, -1: the source's
    prm_effort_factor: float
    prm_conversion_lift: float
    # partner
    partner_source: int  # -1 if absent
    partner_prospects: int
    max_partners_per_manager: int
    enablement_interval_days: float
    enablement_effort: Kernel | None
    enablement_retention: float  # share of a partner's enablement left one interval later (1: it never wears off)
    referral_base_per_day: float
    referral_max_per_day: float
    referral_hours_scale: float
    partner_slots: int
    # retention and expansion
    retention: bool
    initial_customers: int
    initial_arr: Kernel | None
    contract_days: float
    renewal_lead_days: float
    churn_logit: float
    reference_load: float
    load_logit: float
    size_logit: float
    reference_arr: float
    touch_logit: float
    reference_touches: float
    checkin_interval_days: float
    checkin_effort: Kernel | None
    owner_team: int  # team owning customer accounts (works check-ins), -1 if absent
    expansion_per_day: float
    expansion_uplift: Kernel | None
    # digital-first buyers
    digital_source: int  # -1 if absent
    digital_share: float
    digital_entry_stage: int

    def slots(self, source: int) -> int:
        """Number of lead slots of a fed source (0 for a Poisson source)."""
        if source == self.prospecting_source:
            return self.prospecting_slots
        if source == self.partner_source:
            return self.partner_slots
        return 0

    def fed(self, source: int) -> bool:
        """True if ``source``'s leads are a pipeline's output, not Poisson arrivals."""
        return source in (self.prospecting_source, self.partner_source)

    def has(self, pipeline: int) -> bool:
        """True if ``pipeline`` is configured."""
        return pipeline in self.configured


def _stages(stages: tuple[WorkStageConfig, ...], teams: list[int]) -> WorkStages:
    return WorkStages(
        names=tuple(s.name for s in stages),
        effort_hours=tuple(Kernel.of(s.effort_hours) for s in stages),
        delay_days=tuple(Kernel.of(s.delay_days) for s in stages),
        base_logit=np.array([logit(s.conversion) for s in stages], dtype=np.float64),
        team=np.array(teams, dtype=np.int64),
    )


def compile_pipelines(config: ScenarioConfig, horizon_days: float, calendar: Calendar) -> PipelineTables | None:
    """The tables of ``config.pipelines``, or None when only the sales pipeline is configured.

    Rates per month or year become rates per working day of ``calendar``'s mean month or year.
    """
    pipelines, org = config.pipelines, config.org
    if not pipelines.active:
        return None
    team_names = list(org.teams)
    source_names = list(config.market.sources)
    sales_stages = [stage.name for stage in config.pipeline.stages]

    def routed(stages: tuple[WorkStageConfig, ...]) -> list[int]:
        found = [team_for_stage(org, s.name, s.role) for s in stages]
        return [team_names.index(t) if t is not None else -1 for t in found]

    stage_tables: list[WorkStages | None] = [None] * N_PIPELINES
    configured = [SALES]
    prospecting, partner, retention = pipelines.prospecting, pipelines.partner, pipelines.retention
    if prospecting is not None:
        stage_tables[PROSPECTING] = _stages(prospecting.stages, [-1] * len(prospecting.stages))
        configured.append(PROSPECTING)
    if partner is not None:
        stage_tables[PARTNER] = _stages(partner.stages, [-1] * len(partner.stages))
        configured.append(PARTNER)
    expansion = retention.expansion if retention is not None else None
    if retention is not None:
        stage_tables[RENEWAL] = _stages(retention.renewal.stages, routed(retention.renewal.stages))
        configured.append(RENEWAL)
    if expansion is not None:
        stage_tables[EXPANSION] = _stages(expansion.stages, routed(expansion.stages))
        configured.append(EXPANSION)

    teams = [org.teams[t] for t in team_names]
    rank = np.array([[t.time_allocation.rank(p) for p in PIPELINE_KEYS] for t in teams], dtype=np.int64)
    reserved = np.array(
        [[t.time_allocation.reserved_hours_per_week.get(p, 0.0) / DAYS_PER_WEEK for p in PIPELINE_KEYS] for t in teams],
        dtype=np.float64,
    )
    idle = np.array(
        [
            PIPELINE_KEYS.index(t.time_allocation.idle_work) if t.time_allocation.idle_work != "none" else -1
            for t in teams
        ],
        dtype=np.int64,
    )
    month = calendar.days_per_month
    referral = partner.referral if partner is not None else None
    max_per_day = referral.max_leads_per_month / month if referral is not None else 0.0
    base_per_day = referral.base_leads_per_month / month if referral is not None else 0.0
    prospects = partner.prospects if partner is not None else 0
    # Referral slots: a bound on referrals no partner can pass (every prospect active
    # all the horizon at the top rate) plus 8 standard deviations of a Poisson count.
    bound = prospects * max(max_per_day, base_per_day) * horizon_days
    partner_slots = math.ceil(bound + 8.0 * math.sqrt(bound) + 20.0) if partner is not None else 0
    owner_team = -1
    if retention is not None:
        found = [n for n, t in org.teams.items() if t.role == retention.renewal.checkin_role]
        renewal_team = int(stage_tables[RENEWAL].team[0])  # type: ignore[union-attr]
        owner_team = team_names.index(found[0]) if found else renewal_team
    prospecting_slots = 0
    if prospecting is not None:
        # Slots for booked meetings: twice the share of accounts that would book at the
        # base conversions (with the PRM lift and the most skilled team's mean skill),
        # plus 100; never more than the accounts.
        best_skill = max((team.skill.mean for team in org.teams.values()), default=0.0)
        lift = max(0.0, prospecting.prm.conversion_lift) + max(0.0, config.effects.skill_weight * best_skill)
        share = math.prod(
            1.0 / (1.0 + math.exp(-logit(s.conversion) - lift)) if 0 < s.conversion < 1 else s.conversion
            for s in prospecting.stages
        )
        bound = prospecting.target_accounts * min(1.0, 2.0 * share) + 100
        prospecting_slots = min(prospecting.target_accounts, math.ceil(bound))
    digital = pipelines.digital_first
    return PipelineTables(
        configured=tuple(configured),
        stages=tuple(stage_tables),
        team_rank=rank,
        team_reserved_hours_per_day=reserved,
        team_idle_work=idle,
        team_prm=np.array([1 if t.prm_automation else 0 for t in teams], dtype=np.int64),
        prospecting_source=source_names.index(prospecting.source) if prospecting is not None else -1,
        target_accounts=prospecting.target_accounts if prospecting is not None else 0,
        prospecting_slots=prospecting_slots,
        prospecting_block=prospecting.block_accounts if prospecting is not None else 1,
        meeting_entry_stage=(
            sales_stages.index(prospecting.entry_stage)
            if prospecting is not None and prospecting.entry_stage is not None
            else -1
        ),
        prm_effort_factor=prospecting.prm.effort_factor if prospecting is not None else 1.0,
        prm_conversion_lift=prospecting.prm.conversion_lift if prospecting is not None else 0.0,
        partner_source=source_names.index(partner.source) if partner is not None else -1,
        partner_prospects=prospects,
        max_partners_per_manager=partner.max_partners_per_manager if partner is not None else 0,
        enablement_interval_days=partner.enablement.interval_days if partner is not None else math.inf,
        enablement_effort=Kernel.of(partner.enablement.effort_hours) if partner is not None else None,
        enablement_retention=(
            0.5 ** (partner.enablement.interval_days / partner.enablement.half_life_days)
            if partner is not None and partner.enablement.half_life_days is not None
            else 1.0
        ),
        referral_base_per_day=base_per_day,
        referral_max_per_day=max_per_day,
        referral_hours_scale=referral.hours_scale if referral is not None else 1.0,
        partner_slots=partner_slots,
        retention=retention is not None,
        initial_customers=retention.initial_customers if retention is not None else 0,
        initial_arr=Kernel.of(retention.initial_arr) if retention is not None else None,
        contract_days=retention.contract_months * month if retention is not None else math.inf,
        renewal_lead_days=retention.renewal.lead_days if retention is not None else 0.0,
        churn_logit=logit(retention.renewal.churn_probability) if retention is not None else 0.0,
        reference_load=retention.renewal.reference_load if retention is not None else 1.0,
        load_logit=retention.renewal.load_logit if retention is not None else 0.0,
        size_logit=retention.renewal.size_logit if retention is not None else 0.0,
        reference_arr=retention.renewal.reference_arr if retention is not None else 1.0,
        touch_logit=retention.renewal.touch_logit if retention is not None else 0.0,
        reference_touches=retention.renewal.reference_touches if retention is not None else 0.0,
        checkin_interval_days=retention.renewal.checkin_interval_days if retention is not None else math.inf,
        checkin_effort=Kernel.of(retention.renewal.checkin_effort_hours) if retention is not None else None,
        owner_team=owner_team,
        expansion_per_day=expansion.per_account_per_year / calendar.days_per_year if expansion is not None else 0.0,
        expansion_uplift=Kernel.of(expansion.uplift) if expansion is not None else None,
        digital_source=source_names.index(digital.source) if digital is not None else -1,
        digital_share=digital.share if digital is not None else 0.0,
        digital_entry_stage=sales_stages.index(digital.entry_stage) if digital is not None else 0,
    )
