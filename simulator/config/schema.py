"""The typed configuration schema of one scenario: pydantic models, and parsing from plain dicts.

A scenario is a market (where leads come from), a pipeline (the stages they go
through), an org design (teams and routing), the effects on conversion and a clock.
Configs arrive as plain nested dicts (from YAML, Hydra or a notebook);
:func:`parse_scenario` validates them into frozen models and reports every unknown key,
wrong type and value out of range with its dotted path, worded as in
:mod:`simulator.config.errors`. Choices are ``Literal`` types, ranges field constraints,
references inside one section (a route naming a team, the opportunity stage) model
validators; references across sections (a source's entry stage, a stage without a team)
and the sizes that cannot run are checked by :mod:`simulator.config.validation`.

Adding a config section
-----------------------
1. Write it as :class:`~simulator.config.fields.ConfigModel` subclasses in a new module
   ``simulator/config/<section>.py``. Use the field types of :mod:`simulator.config.fields`
   (``Number``, ``WholeNumber``, ``Text``, ``Flag``, ``Probability``, ``NonNegative``,
   ``Positive``, ``AtLeastOne``), ``Field(ge=..., le=...)`` for other ranges (with
   ``explained("...")`` for a message of your own), ``Literal[...]`` for choices and
   :data:`~simulator.config.distributions.DistributionField` for distributions; put a
   docstring under each field (editors show it from the JSON Schema).
2. Add it as a field of :class:`ScenarioConfig` with a default
   (``workforce: WorkforceConfig = WorkforceConfig()``) so existing configs stay valid;
   the top level of a composed config (:mod:`simulator.config.composed`) inherits it.
3. A check within the section is a ``@model_validator(mode="after")`` that raises
   :class:`~simulator.config.errors.ConfigError` with keys relative to the section; a
   check across sections goes in :mod:`simulator.config.validation`.
4. Ship a Hydra group ``configs/<section>/``, add the group to
   :data:`simulator.config.json_schemas.GROUPS`, run ``salesim-schema schemas`` and start
   each of its YAML files with ``# yaml-language-server: $schema=../../schemas/<section>.schema.json``
   (``tests/test_schema.py`` checks all three).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from simulator.config.clock import ClockConfig
from simulator.config.decisions import QuarterEndConfig, QuarterMonthDelays
from simulator.config.distributions import Distribution, DistributionField
from simulator.config.economics import EconomicsConfig
from simulator.config.errors import ConfigError, ConfigIssue, issues_from_validation_error
from simulator.config.fields import (
    DEAL_CEILING,
    DEAL_SLIP,
    ConfigModel,
    Flag,
    NonNegative,
    Number,
    Positive,
    Probability,
    Text,
    deal_excess_words,
    deal_slip_words,
    explained,
)
from simulator.config.initial_pipeline import InitialPipelineConfig, table_config
from simulator.config.lead_attributes import LeadAttributesConfig, ProductConfig, SegmentMix, Weight
from simulator.config.org import OrgConfig
from simulator.config.pipelines import PipelinesConfig
from simulator.config.plan import ForecastConfig, PlanConfig, SlaConfig
from simulator.config.workforce import WorkforceConfig

EXPERIMENT_KEYS = ("seed", "runs", "experiment", "runner", "parameter_draws", "hydra")
"""Top-level keys of a composed config that belong to the experiment, not to a scenario."""


class SourceConfig(ConfigModel):
    """A lead source (inbound, outbound, partner, ...): a Poisson arrival stream."""

    leads_per_month: NonNegative
    """Mean arrivals per month before seasonality."""
    entry_stage: Text | None = None
    """The stage its leads start at; null: the first stage of the pipeline."""
    conversion_lift: Number = 0.0
    """Logit shift on every stage for leads of this source."""
    speed_to_lead: bool = True
    """Whether a slow first touch lowers the first worked stage's conversion (``effects.speed_to_lead``).
    The published decay is measured on online inquiries (HBR 2011: web leads); false for a source
    whose leads come introduced, such as partner referrals. A booked meeting is exempt either way:
    its booking call was the first touch."""
    leads_by_month: dict[
        Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"), explained("must be a month written YYYY-MM")],
        NonNegative,
    ] = Field(default_factory=dict)
    """Dated arrival series: calendar month ('2017-10') -> mean leads that month, replacing
    ``leads_per_month`` x seasonality for the months listed (needs ``clock.start_date``)."""
    month_cv: Annotated[
        Number, Field(ge=0, le=2), explained("must be a coefficient of variation from 0 to 2 (0: steady Poisson)")
    ] = 0.0
    """Month-to-month swing of the inflow beyond Poisson: each month's mean leads (rate x
    seasonality, or the dated series) is multiplied by a gamma factor of mean 1 and this
    coefficient of variation, drawn per source and month, so a month's count is negative
    binomial, variance ``m + (month_cv * m)**2``. 0 (the default): a Poisson stream."""


DOLLAR_MULTIPLIER = 10.0
"""A product's deal-value multiplier from which it reads as dollars (a calibrated company's), not a ratio."""


class MarketConfig(ConfigModel):
    """Where leads come from and what they look like on arrival."""

    name: Text = "market"
    """Market name shown in reports."""
    sources: Annotated[dict[str, SourceConfig], Field(min_length=1), explained("needs at least one lead source")]
    """Lead sources by name."""
    seasonality: Annotated[
        tuple[NonNegative, ...],
        Field(min_length=12, max_length=12),
        explained("must list exactly 12 numbers", types_too=True),
    ] = (1.0,) * 12
    """Arrival multipliers, January to December."""
    segments: Annotated[dict[str, NonNegative], Field(min_length=1), explained("needs at least one segment")] = Field(
        default_factory=lambda: {"all": 1.0}
    )
    """Lead segments (sector x size x geography) and their relative weights."""
    deal_value: DistributionField
    """Deal value (ACV) in currency units."""
    buying_circle: DistributionField = Distribution.constant(1.0)
    """Number of stakeholders in the buying decision."""
    sectors: dict[str, Weight] = Field(default_factory=dict)
    """Sector -> relative weight of leads in it (none: one sector, ``all``)."""
    geographies: dict[str, Weight] = Field(default_factory=dict)
    """Geography -> relative weight of leads in it (none: one geography, ``all``)."""
    products: dict[str, ProductConfig] = Field(default_factory=dict)
    """Product -> its share of leads and how its deals differ (none: one product, ``all``)."""
    segment_mix: dict[str, SegmentMix] = Field(default_factory=dict)
    """Segment -> sector, geography or product weights replacing the market-wide ones."""

    @property
    def attributes(self) -> LeadAttributesConfig:
        """The lead attributes beyond the segment, as the pods and the market draws read them."""
        return LeadAttributesConfig(
            sectors=self.sectors, geographies=self.geographies, products=self.products, segment_mix=self.segment_mix
        )

    def mean_deal_value(self) -> float:
        """A deal's mean value ($): the deal value's mean times the products' multiplier, weighted by their shares."""
        total = sum(p.weight for p in self.products.values())
        if total <= 0:
            return self.deal_value.mean
        return self.deal_value.mean * sum(p.weight * p.deal_value_multiplier for p in self.products.values()) / total

    @model_validator(mode="after")
    def _usable(self) -> MarketConfig:
        issues = []
        # a calibrated company's products carry the dollars (multipliers of 10 and more, of a spread around 1):
        # a market selling mostly its $55 product is no slip
        dollars = max((p.deal_value_multiplier for p in self.products.values()), default=1.0) >= DOLLAR_MULTIPLIER
        if sum(self.segments.values()) <= 0:
            issues.append(ConfigIssue("segments", dict(self.segments), "weights must add up to more than 0"))
        written = self.deal_value.as_written()  # its own mean in the words: the value as typed
        if self.deal_value.mean <= 0:
            issues.append(ConfigIssue("deal_value", written, "must have a positive mean"))
        elif not dollars and self.mean_deal_value() < DEAL_SLIP:
            issues.append(ConfigIssue("deal_value", written, deal_slip_words(self.deal_value.mean, written)))
        elif self.mean_deal_value() > DEAL_CEILING:  # a median in $k beside a p90 in $ had run at $250B of bookings
            median = self.deal_value.quantile(0.5)  # as typed: the products' spread around 1 aside
            words = deal_excess_words(self.mean_deal_value(), None if dollars else written, median=median)
            if words is not None:
                issues.append(ConfigIssue("deal_value", written, words))
        if self.buying_circle.mean < 1:
            issues.append(
                ConfigIssue("buying_circle", self.buying_circle.as_written(), "needs a mean of at least 1 person")
            )
        if issues:
            raise ConfigError(issues)
        return self


class StageConfig(ConfigModel):
    """One stage of the buyer's journey."""

    name: Annotated[Text, Field(min_length=1), explained("must be a non-empty stage name")]
    """Stage name, unique within the pipeline."""
    role: Text
    """The role that usually works this stage (routing decides)."""
    effort_hours: DistributionField
    """Rep hours of work per lead at this stage."""
    delay_days: DistributionField = Distribution.constant(0.0)
    """Buyer's time (working days) before the next stage."""
    conversion: Probability
    """Base probability that a lead moves on from this stage."""
    max_wait_days: Positive | None = None
    """Working days an untouched lead waits before it is lost (leaks); null: it never leaks."""
    circle_sensitive: Flag = False
    """Whether the buying circle's size weighs on conversion here."""
    description: Text = ""
    """Shown in reports."""
    decide_after_delay: Flag = False
    """The decision is announced after the buyer's delay: losses (and, on the last stage, wins) close then."""
    lost_delay_days: DistributionField | None = None
    """Buyer's delay before a loss closes (with ``decide_after_delay``; null: ``delay_days``)."""
    no_decision: Probability = 0.0
    """Share of this stage's decisions that end with no decision (the buyer keeps the status quo)."""
    no_decision_days: DistributionField | None = None
    """Working days after the rep's work until a no-decision deal is closed as such (null: ``delay_days``)."""
    delays_by_quarter_month: (
        Annotated[
            tuple[QuarterMonthDelays, ...],
            Field(min_length=3, max_length=3),
            explained("must list 3 entries: the first, second and third month of a quarter"),
        ]
        | None
    ) = None
    """Delays by the month of the quarter a deal was created in (with ``decide_after_delay``; null: the stage's)."""

    @model_validator(mode="after")
    def _not_negative(self) -> StageConfig:
        delays = [("effort_hours", self.effort_hours), ("delay_days", self.delay_days)]
        delays += [
            (k, d)
            for k, d in (("lost_delay_days", self.lost_delay_days), ("no_decision_days", self.no_decision_days))
            if d is not None
        ]
        issues = [
            ConfigIssue(name, value.as_written(), f"cannot be negative (its lowest value is {value.quantile(0.0):g})")
            for name, value in delays
            if value.quantile(0.0) < 0
        ]
        if self.delays_by_quarter_month is not None and not self.decide_after_delay:
            issues.append(ConfigIssue("delays_by_quarter_month", "3 entries", "needs decide_after_delay: true"))
        if self.lost_delay_days is not None and not self.decide_after_delay:
            issues.append(
                ConfigIssue(
                    "lost_delay_days",
                    self.lost_delay_days.as_written(),
                    "needs decide_after_delay: true (losses otherwise close when the work ends)",
                )
            )
        if issues:
            raise ConfigError(issues)
        return self


class PipelineConfig(ConfigModel):
    """An ordered list of stages from first touch to close."""

    name: Text = "pipeline"
    """Pipeline name shown in reports."""
    stages: Annotated[tuple[StageConfig, ...], Field(min_length=1), explained("needs at least one stage")]
    """Ordered stages; a lead converts at each or is lost."""
    opportunity_stage: Text | None = None
    """First stage at which a lead counts as an opportunity; null: the second stage."""
    quarter_end: QuarterEndConfig = QuarterEndConfig()
    """Wins pulled into the last days of a calendar quarter (off by default)."""
    fitted_from: Text | None = None
    """The CRM export the stages were fitted from (set by ``salesim calibrate``): their number
    is the export's (one, when it records only open and decided), so it is not held against
    the usual 4 to 10; null for a pipeline written by hand."""
    fitted_figures: dict[Literal["win_rate", "cycle_time_days_p50"], Number] = Field(default_factory=dict)
    """The export's own figures of the KPIs the fit decides (set by ``salesim calibrate``): its win rate of
    decided deals and its won cycle's median in working days. The report reads a run's figure against them:
    the company's own history where they agree, the run's window where they do not."""

    @model_validator(mode="after")
    def _names(self) -> PipelineConfig:
        issues: list[ConfigIssue] = []
        seen: list[str] = []
        for i, stage in enumerate(self.stages):
            if stage.name in seen:
                issues.append(ConfigIssue(f"stages.{i}.name", stage.name, "must be unique within the pipeline"))
            seen.append(stage.name)
        if self.quarter_end.share > 0 and not any(stage.decide_after_delay for stage in self.stages):
            issues.append(
                ConfigIssue(
                    "quarter_end.share",
                    self.quarter_end.share,
                    "needs a stage with decide_after_delay: true (its close day is known ahead)",
                )
            )
        if self.opportunity_stage is not None and self.opportunity_stage not in seen:
            allowed = f"must be a stage of the pipeline: {', '.join(seen)}"
            issues.append(ConfigIssue("opportunity_stage", self.opportunity_stage, allowed))
        if issues:
            raise ConfigError(issues)
        return self


class SpeedToLeadConfig(ConfigModel):
    """Odds of converting the first stage fall as ``(1 + t / scale_hours) ** -exponent``."""

    scale_hours: Positive = 1.0
    """Hours over which the decay starts to bite."""
    exponent: NonNegative = 1.62
    """How fast the odds fall; 0 switches the effect off."""


class BuyingCircleEffectConfig(ConfigModel):
    """Each stakeholder beyond ``reference_size`` shifts the logit by ``-logit_per_person``."""

    reference_size: NonNegative = 5.0
    """Circle size with no effect."""
    logit_per_person: NonNegative = 0.1
    """Logit shift per stakeholder above (or below) the reference."""


class EffectsConfig(ConfigModel):
    """Effects on conversion, composed in logit space."""

    speed_to_lead: SpeedToLeadConfig = SpeedToLeadConfig()
    """Slower first touches convert less."""
    skill_weight: NonNegative = 1.0
    """Logit shift per unit of rep skill."""
    buying_circle: BuyingCircleEffectConfig = BuyingCircleEffectConfig()
    """Consensus gets harder with every stakeholder (circle-sensitive stages only)."""


class ScenarioConfig(ConfigModel):
    """Everything one replication needs, apart from its seed."""

    market: MarketConfig
    """Where leads come from."""
    pipeline: PipelineConfig
    """The stages leads go through."""
    org: OrgConfig
    """Teams and the routing of stages to them."""
    effects: EffectsConfig = EffectsConfig()
    """Effects on conversion."""
    clock: ClockConfig = ClockConfig()
    """Simulated time."""
    pipelines: PipelinesConfig = PipelinesConfig()
    """The pipelines beside new business: prospecting, partner, retention and expansion."""
    economics: EconomicsConfig = EconomicsConfig()
    """Pay, quotas, tool and lead costs (the money KPIs)."""
    plan: PlanConfig = PlanConfig()
    """The bookings plan and the capacity planner's assumptions."""
    forecast: ForecastConfig = ForecastConfig()
    """How month-end forecasts weight the open pipeline."""
    sla: SlaConfig = SlaConfig()
    """Service levels per stage (SLA breach KPIs)."""
    workforce: WorkforceConfig = WorkforceConfig()
    """Hiring, ramp-up, attrition, backfill and coaching."""
    initial_pipeline: InitialPipelineConfig | None = None
    """The open deals on day 0 (a starting state, e.g. a CRM's open pipeline at the as-of date)."""

    @model_validator(mode="before")
    @classmethod
    def _null_section_is_default(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            data = {k: v for k, v in data.items() if not (v is None and k in cls.model_fields and k not in _REQUIRED)}
            start = data.get("initial_pipeline")
            if isinstance(start, Mapping) and list(start) == ["deals"] and isinstance(start["deals"], str):
                with contextlib.suppress(ValidationError, ConfigError):  # else validated below, naming its key
                    data["initial_pipeline"] = table_config(start["deals"])
        return data


_REQUIRED = ("market", "pipeline", "org")


def parse_scenario(data: Mapping[str, Any], strict: bool = True) -> ScenarioConfig:
    """Turn a plain nested dict into a :class:`ScenarioConfig`.

    Args:
        data: A mapping with keys ``market``, ``pipeline``, ``org`` and optionally
            ``effects`` and ``clock``. The experiment's own keys (:data:`EXPERIMENT_KEYS`:
            ``seed``, ``runs``, ``runner``, ``experiment``, ``parameter_draws``) are left to the experiment;
            any other key is refused.
        strict: Report unknown keys; if False, leave them out silently.

    Raises:
        ConfigError: With every missing, unknown, mistyped or out-of-range key found.
    """
    if not isinstance(data, Mapping):
        raise ConfigError.single("<root>", data, "must be a mapping of keys to values")
    sections = {str(k): v for k, v in data.items() if k not in EXPERIMENT_KEYS}
    try:
        return ScenarioConfig.model_validate(sections)
    except ValidationError as error:
        issues = issues_from_validation_error(error)
    unknown = [i for i in issues if i.allowed.startswith("unknown key")]
    if strict or len(unknown) < len(issues):
        raise ConfigError(issues if strict else [i for i in issues if i not in unknown])
    return parse_scenario(_without(sections, [i.key for i in unknown]))


def _without(data: Mapping[str, Any], keys: list[str]) -> dict[str, Any]:
    """``data`` without the entries at the dotted ``keys`` (list indices as numbers)."""
    pruned: Any = copy.deepcopy(dict(data))
    for key in keys:
        *path, last = key.split(".")
        parent = pruned
        for part in path:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        if isinstance(parent, dict):
            parent.pop(last, None)
    return dict(pruned)
