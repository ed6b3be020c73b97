"""The pipelines beside new business: prospecting, partners, retention and expansion.

Each section is optional: a config without ``pipelines`` (every config written for one
pipeline, the textbook queues of the tests included) simulates exactly what it did
before. The sections are pydantic v2 models; Their errors are worded like the rest of the schema's
(dotted key, value, what is allowed). :class:`TimeAllocationConfig` is a team's rule
for sharing its hours across pipelines (``org.teams.<team>.time_allocation``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from simulator.config.distributions import Distribution, DistributionField
from simulator.config.errors import ConfigError
from simulator.config.fields import ConfigModel, is_number

# Pipeline keys, in the order used by compiled tables and per-pipeline KPIs.
PIPELINE_KEYS = ("sales", "prospecting", "partner", "renewal", "expansion")
POOL_PIPELINES = ("prospecting", "partner")  # entities drawn from a pool by the reps who work them


PipelineKey = Literal["sales", "prospecting", "partner", "renewal", "expansion"]
PoolKey = Literal["prospecting", "partner"]
DEFAULT_PRIORITY: tuple[PipelineKey, ...] = ("renewal", "expansion", "sales", "partner", "prospecting")


Effort = DistributionField
Delay = DistributionField
Money = DistributionField
ZERO = Distribution("constant", (0.0,))


class WorkStageConfig(ConfigModel):
    """One stage of a non-sales pipeline: rep effort, the buyer's delay after it, a conversion."""

    name: str = Field(min_length=1, description="stage name, unique over every pipeline")
    role: str = Field(
        default="", description="role that works the stage (renewal and expansion stages are routed by it)"
    )
    effort_hours: Effort = Field(description="rep hours per entity at this stage")
    delay_days: Delay = Field(default=ZERO, description="buyer-side days before the next stage")
    conversion: float = Field(default=1.0, ge=0.0, le=1.0, description="probability of moving on")
    description: str = ""


class PrmConfig(ConfigModel):
    """Effect of PRM / sales-engagement tools on a team with ``prm_automation: true``.

    No independent measurement of these tools' effect exists (BENCHMARKS.md): both
    effects are parameters to vary, not findings.
    """

    effort_factor: float = Field(
        default=0.6, gt=0.0, le=1.0, description="effort per account x this (more touches per hour)"
    )
    conversion_lift: float = Field(
        default=0.0, description="logit shift on prospecting stages (more touches per account)"
    )

    @model_validator(mode="before")
    @classmethod
    def _seat_cost_is_economics(cls, data: Any) -> Any:
        # one price for a PRM seat: two (this one for prm_tool_cost, economics' for the
        # cost of sales) let the tools' cost in the answer and in the contribution disagree
        if isinstance(data, Mapping) and "seat_cost_per_month" in data:
            value = data["seat_cost_per_month"]
            hint = ""
            if is_number(value) and 0 < value < 1:  # the old key read 0.074 as $74 typed in thousands
                hint = f"; for ${1000 * value:g} a seat-month set economics.tool_cost_per_seat_year={12000 * value:g}"
            elif is_number(value):
                hint = f"; for ${value:g} a seat-month set economics.tool_cost_per_seat_year={12 * value:g}"
            raise ConfigError.single(
                "seat_cost_per_month",
                value,
                "no longer a setting: a PRM seat is priced once, by economics.tool_cost_per_seat_year (888 by "
                "default, $74 a seat-month), for both prm_tool_cost and the cost of sales" + hint,
            )
        return data


class ProspectingConfig(ConfigModel):
    """Target accounts worked into booked meetings, each meeting an outbound lead."""

    source: str = Field(description="market source whose leads are the booked meetings")
    target_accounts: int = Field(ge=0, description="accounts in the territory (the pool)")
    entry_stage: str | None = Field(
        default=None, description="sales stage a booked meeting enters (None: the source's)"
    )
    block_accounts: int = Field(default=1, ge=1, le=100, description="fresh accounts a rep takes in one sitting")
    stages: tuple[WorkStageConfig, ...] = Field(min_length=1, description="research -> outreach -> conversation")
    prm: PrmConfig = Field(default_factory=PrmConfig)


class ReferralConfig(ConfigModel):
    """An active partner's referrals: a Poisson rate growing with enablement hours received."""

    base_leads_per_month: float = Field(default=0.1, ge=0.0, description="rate of a partner never enabled")
    max_leads_per_month: float = Field(default=1.0, ge=0.0, description="rate of a fully enabled partner")
    hours_scale: float = Field(default=10.0, gt=0.0, description="rate = base + (max - base)(1 - exp(-hours / scale))")

    @model_validator(mode="after")
    def _base_below_max(self) -> ReferralConfig:
        if self.base_leads_per_month > self.max_leads_per_month:
            allowed = (
                f"must be at most max_leads_per_month ({self.max_leads_per_month:g}): "
                "enablement raises a partner's rate from the base toward the maximum"
            )
            raise ConfigError.single("base_leads_per_month", self.base_leads_per_month, allowed)
        return self


class EnablementConfig(ConfigModel):
    """Recurring enablement sessions a partner manager gives each active partner."""

    interval_days: float = Field(default=21.0, gt=0.0, description="a session is requested every this many days")
    effort_hours: Effort = Field(description="manager hours per session")
    half_life_days: float | None = Field(
        default=None,
        gt=0.0,
        description="working days in which half of a partner's enablement wears off (applied at each session "
        "request); null: it never does",
    )


class PartnerConfig(ConfigModel):
    """Partner managers recruit and enable partners, whose referrals are partner leads."""

    source: str = Field(description="market source whose leads are the partners' referrals")
    prospects: int = Field(ge=0, description="candidate partners in the market (the pool)")
    max_partners_per_manager: int = Field(
        default=10, ge=1, description="a manager stops recruiting at this many partners"
    )
    stages: tuple[WorkStageConfig, ...] = Field(min_length=1, description="recruit -> onboard; passing all: active")
    enablement: EnablementConfig
    referral: ReferralConfig = Field(default_factory=ReferralConfig)

    @model_validator(mode="before")
    @classmethod
    def _margin_is_economics(cls, data: Any) -> Any:
        # one referral fee: two (this one for partner_margin_cost, economics' for the cost of
        # sales and the contribution) let the fee the report shows and the one it pays disagree
        if isinstance(data, Mapping) and "margin_share" in data:
            source, value = data.get("source", "<source>"), data["margin_share"]
            default = " (0.2 by default)" if source == "partner" else ""  # the shipped sources': inbound's is 0
            hint = (
                f"; for a fee of {value:.0%} set economics.sources.{source}.margin={value:g}"
                if is_number(value)
                else ""
            )
            raise ConfigError.single(
                "margin_share",
                value,
                f"no longer a setting: the partners' referral fee is economics.sources.{source}.margin{default}, for "
                "both partner_margin_cost and the cost of sales" + hint,
            )
        return data


class RenewalConfig(ConfigModel):
    """The renewal pipeline and the churn decision at each renewal date."""

    lead_days: float = Field(default=40.0, ge=0.0, description="renewal work starts this many days before the due date")
    stages: tuple[WorkStageConfig, ...] = Field(min_length=1, description="renewal stages (each worked one = a touch)")
    churn_probability: float = Field(
        default=0.1,
        gt=0.0,
        lt=1.0,
        description=(
            "chance an account churns at a renewal (once a contract term), at reference load and touches; "
            "with 12-month contracts, the annual logo churn"
        ),
    )
    reference_load: float = Field(default=104.0, gt=0.0, description="accounts per CSM with no load effect")
    size_logit: float = Field(
        default=0.0,
        ge=0.0,
        le=5.0,  # at 5 an account twice as large has 1/32 the churn odds: beyond, churn is all or nothing by size
        description="churn logit - this x ln(account ARR / reference_arr): larger accounts churn less; 0: none",
    )
    reference_arr: float = Field(default=25_000.0, ge=1.0, description="account ARR ($) with no size effect")
    load_logit: float = Field(
        default=1.0, ge=0.0, description="churn logit + this x (load / reference - 1), above reference"
    )
    touch_logit: float = Field(default=0.2, ge=0.0, description="churn logit - this x (touches - reference_touches)")
    reference_touches: float = Field(default=4.0, ge=0.0, description="touches per term with no touch effect")
    checkin_interval_days: float = Field(
        default=63.0, gt=0.0, description="a check-in is requested every this many days"
    )
    checkin_effort_hours: Effort = Field(description="CSM hours per check-in")
    checkin_role: str = Field(default="csm", description="role of the account owners")


class ExpansionConfig(ConfigModel):
    """Upsell opportunities per account, worked through a short pipeline."""

    per_account_per_year: float = Field(default=0.5, ge=0.0, description="Poisson rate per active account")
    uplift: Money = Field(description="added ARR as a fraction of the account's ARR")
    stages: tuple[WorkStageConfig, ...] = Field(min_length=1, description="expansion stages; passing all: won")


class RetentionConfig(ConfigModel):
    """A book of customers (initial ones and every deal won), their renewals and expansions."""

    initial_customers: int = Field(ge=0, description="customers at day 0, renewal dates spread over one term")
    initial_arr: Money = Field(description="ARR of an initial customer, $")
    contract_months: int = Field(default=12, ge=1, description="contract term of every customer")
    renewal: RenewalConfig
    expansion: ExpansionConfig | None = None


class DigitalFirstConfig(ConfigModel):
    """A share of a source's leads did most of the journey online and enter further along."""

    source: str = Field(description="market source concerned (inbound)")
    share: float = Field(ge=0.0, le=1.0, description="share of its leads entering at entry_stage")
    entry_stage: str = Field(description="sales stage where digital-first leads enter")


class PipelinesConfig(ConfigModel):
    """The pipelines beside new business; each absent section is switched off."""

    prospecting: ProspectingConfig | None = None
    partner: PartnerConfig | None = None
    retention: RetentionConfig | None = None
    digital_first: DigitalFirstConfig | None = None

    def stages(self) -> dict[str, tuple[WorkStageConfig, ...]]:
        """Stages of each configured pipeline (renewal and expansion apart)."""
        found: dict[str, tuple[WorkStageConfig, ...]] = {}
        if self.prospecting is not None:
            found["prospecting"] = self.prospecting.stages
        if self.partner is not None:
            found["partner"] = self.partner.stages
        if self.retention is not None:
            found["renewal"] = self.retention.renewal.stages
            if self.retention.expansion is not None:
                found["expansion"] = self.retention.expansion.stages
        return found

    @property
    def active(self) -> bool:
        """True if any mechanism beyond the single sales pipeline is configured."""
        return any(s is not None for s in (self.prospecting, self.partner, self.retention, self.digital_first))


class TimeAllocationConfig(ConfigModel):
    """How a team shares its hours across pipelines.

    Reps take the next item of the first pipeline in ``priority`` that has work for them;
    ``reserved_hours_per_week`` are spent on a pool pipeline first whatever else waits
    (blocks of prospecting, say); idle time turns into ``idle_work``.
    """

    priority: tuple[PipelineKey, ...] = Field(default=DEFAULT_PRIORITY, description="pipelines, first served first")
    reserved_hours_per_week: dict[str, float] = Field(default_factory=dict, description="hours reserved")
    idle_work: Literal["none", "prospecting", "partner"] = Field(default="none", description="what idle time becomes")

    @model_validator(mode="after")
    def _complete(self) -> TimeAllocationConfig:
        if len(set(self.priority)) != len(self.priority):
            raise ValueError("priority lists each pipeline at most once")
        for pipeline in self.reserved_hours_per_week:
            if pipeline not in POOL_PIPELINES:
                raise ValueError(f"reserved hours name a pool pipeline: {', '.join(POOL_PIPELINES)}")
        for hours in self.reserved_hours_per_week.values():
            if not 0.0 <= hours <= 60.0:
                raise ValueError("reserved hours per week must be between 0 and 60")
        return self

    def rank(self, pipeline: str) -> int:
        """Position of ``pipeline`` in the priority order (unlisted ones come last, in key order)."""
        if pipeline in self.priority:
            return self.priority.index(pipeline)
        return len(self.priority) + PIPELINE_KEYS.index(pipeline)

    def duties(self) -> tuple[str, ...]:
        """Pool pipelines the team works: its idle work and those it reserves hours for."""
        duties = [p for p in POOL_PIPELINES if p == self.idle_work or self.reserved_hours_per_week.get(p, 0.0) > 0]
        return tuple(duties)
