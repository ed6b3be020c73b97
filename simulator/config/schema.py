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

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, ValidationError, model_validator

from simulator.config.calendar import (
    DEFAULT_DAYS_PER_YEAR,
    Calendar,
    abstract_calendar,
    dated_calendar,
    whole_years_window,
)
from simulator.config.decisions import QuarterEndConfig, QuarterMonthDelays
from simulator.config.distributions import Distribution, DistributionField
from simulator.config.economics import EconomicsConfig
from simulator.config.errors import ConfigError, ConfigIssue, issues_from_validation_error
from simulator.config.fields import (
    AtLeastOne,
    ConfigModel,
    Flag,
    NonNegative,
    Number,
    Positive,
    Probability,
    Text,
    explained,
    is_number,
)
from simulator.config.initial_pipeline import InitialPipelineConfig
from simulator.config.lead_attributes import LeadAttributesConfig, ProductConfig, SegmentMix, Weight
from simulator.config.pipelines import PipelinesConfig, TimeAllocationConfig
from simulator.config.plan import ForecastConfig, PlanConfig, SlaConfig
from simulator.config.pods import OverflowConfig, ServesConfig, TeamPodConfig
from simulator.config.workforce import WorkforceConfig

AssignmentPolicy = Literal["pooled", "round_robin", "least_loaded", "by_share"]
PriorityRule = Literal["fifo", "closest_to_close"]
ASSIGNMENT_POLICIES: tuple[str, ...] = get_args(AssignmentPolicy)
PRIORITY_RULES: tuple[str, ...] = get_args(PriorityRule)

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

    @model_validator(mode="after")
    def _usable(self) -> MarketConfig:
        issues = []
        if sum(self.segments.values()) <= 0:
            issues.append(ConfigIssue("segments", dict(self.segments), "weights must add up to more than 0"))
        if self.deal_value.mean <= 0:
            issues.append(ConfigIssue("deal_value", self.deal_value.as_written(), "must have a positive mean"))
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


class SkillConfig(ConfigModel):
    """Rep skill as a normal shift on the logit of conversion."""

    mean: Number = 0.0
    """Mean skill of the team's reps."""
    sd: NonNegative = 0.0
    """Spread of skill between reps."""


class TeamConfig(ConfigModel):
    """A pool of reps with one role and one way of sharing work."""

    role: Text = ""
    """What the team does: it works the stages with this role (default: the team's name)."""
    headcount: AtLeastOne
    """Number of reps."""
    hours_per_day: Annotated[Number, Field(gt=0, le=24), explained("must be in (0, 24]")] = 8.0
    """Working hours per day."""
    selling_fraction: Annotated[Number, Field(gt=0, le=1), explained("must be in (0, 1]")] = 0.4
    """Share of hours spent selling."""
    skill: SkillConfig = SkillConfig()
    """Rep skill, drawn once per rep."""
    assignment: AssignmentPolicy = "round_robin"
    """How new leads are shared: pooled (next free rep), round_robin, least_loaded or by_share (owners)."""
    reps: dict[str, Weight | None] = Field(default_factory=dict)
    """Named reps -> their relative share of the team's new leads (``by_share``); reps beyond
    the named ones (headcount, hires) take the mean share. A rep set to null has left before
    day 0 (``org.teams.Central.reps.agent_11=null``): not counted in headcount, no leads, and
    the starting deals it owned are dealt by the team's rule, as a leaver's are."""
    priority: PriorityRule = "closest_to_close"
    """Which queued lead a rep works first."""
    prm_automation: Flag = False
    """The team's reps have PRM (sales-engagement) seats: a tool cost per seat."""
    serves: ServesConfig = ServesConfig()
    """The slice of leads this team serves, by segment, sector, geography or product (a pod)."""
    specialist_uplift: Number = 0.0
    """Logit added when this team, serving only some products, works one of them (neutral: 0)."""
    overflow: OverflowConfig | None = None
    """This team's overflow rule (else ``org.overflow``)."""
    time_allocation: TimeAllocationConfig = TimeAllocationConfig()
    """How the team shares its hours across pipelines: priority, reserved hours, idle work."""

    @property
    def staying(self) -> dict[str, float]:
        """The named reps who work on day 0 and their shares (those set to null have left)."""
        return {name: share for name, share in self.reps.items() if share is not None}

    def refill_note(self, name: str) -> str | None:
        """A note when reps set to null left while the headcount keeps their seats: unnamed reps fill them."""
        left = [rep for rep, share in self.reps.items() if share is None]
        unnamed = self.headcount - len(self.staying)
        if not left or unnamed <= 0:
            return None
        return (
            f"org.teams.{name}: {', '.join(left)} left (null), and its headcount of {self.headcount} keeps "
            f"{unnamed} unnamed seat{'s' if unnamed > 1 else ''} at the named reps' mean share of leads; to cut "
            f"the seat{'s' if unnamed > 1 else ''}, set org.teams.{name}.headcount={len(self.staying)}"
        )

    @model_validator(mode="after")
    def _named_reps(self) -> TeamConfig:
        staying = self.staying
        if len(staying) > self.headcount:
            raise ConfigError.single(
                "reps",
                list(staying),
                f"names more reps than headcount ({self.headcount}): to cut the team, set each rep who leaves to null "
                "(org.teams.<team>.reps.<rep>=null: its open deals are dealt to the others by the team's rule), "
                f"or raise headcount to {len(staying)}",
            )
        if self.assignment == "by_share" and staying and sum(staying.values()) <= 0:
            raise ConfigError.single("reps", dict(self.reps), "shares must add up to more than 0")
        return self

    @property
    def pod(self) -> TeamPodConfig:
        """The team's pod settings, as routing and overflow read them."""
        return TeamPodConfig(serves=self.serves, specialist_uplift=self.specialist_uplift, overflow=self.overflow)


class HandoffConfig(ConfigModel):
    """What passing a lead to another rep costs."""

    delay_days: DistributionField = Distribution.constant(0.0)
    """Working days until the receiving rep has the context."""
    loss_probability: Probability = 0.0
    """Chance the lead is dropped at the hand-off."""
    extra_effort_hours: DistributionField = Distribution.constant(0.0)
    """Hours the receiving rep spends catching up."""

    @model_validator(mode="after")
    def _not_negative(self) -> HandoffConfig:
        issues = [
            ConfigIssue(name, value.as_written(), "cannot be negative")
            for name, value in (("delay_days", self.delay_days), ("extra_effort_hours", self.extra_effort_hours))
            if value.quantile(0.0) < 0
        ]
        if issues:
            raise ConfigError(issues)
        return self


class OrgConfig(ConfigModel):
    """An org design: teams, and the routing of stages to teams.

    A stage goes to the team named in ``routing``; failing that, to the first team whose
    ``role`` is the stage's role; failing that, to ``default_team``.
    """

    name: Text = "org"
    """Org design name shown in reports."""
    teams: Annotated[dict[str, TeamConfig], Field(min_length=1), explained("needs at least one team")]
    """Teams by name."""
    routing: dict[str, Annotated[Text, explained("must be a team name", types_too=True)]] = Field(default_factory=dict)
    """Stage name -> team name, for stages not worked by the team with their role."""
    default_team: Text | None = None
    """Team for every stage that neither routing nor a role assigns."""
    handoff: HandoffConfig = HandoffConfig()
    """Cost of passing a lead between reps."""
    description: Text = ""
    """Shown in reports."""
    overflow: OverflowConfig | None = None
    """The pods' overflow rule: when a pod passes new work on, and to whom (a team's own rule wins)."""

    @model_validator(mode="before")
    @classmethod
    def _role_defaults_to_team_name(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("teams"), Mapping):
            teams = {
                name: {"role": str(name), **spec} if isinstance(spec, Mapping) and "role" not in spec else spec
                for name, spec in data["teams"].items()
            }
            return {**data, "teams": teams}
        return data

    @model_validator(mode="after")
    def _teams_exist(self) -> OrgConfig:
        allowed = f"must name a team of the org: {', '.join(self.teams)}"
        issues = [
            ConfigIssue(f"routing.{stage}", team, allowed)
            for stage, team in self.routing.items()
            if team not in self.teams
        ]
        if self.default_team is not None and self.default_team not in self.teams:
            issues.append(ConfigIssue("default_team", self.default_team, allowed))
        if issues:
            raise ConfigError(issues)
        return self

    def team_for(self, stage: StageConfig) -> str | None:
        """The team that works ``stage`` (None if nothing routes it)."""
        if stage.name in self.routing:
            return self.routing[stage.name]
        for name, team in self.teams.items():
            if team.role == stage.role:
                return name
        return self.default_team


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
            raise ConfigError.single("start_date", value, "is written YYYY-MM-DD, with the dashes: 2027-01-04")
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
            return {k: v for k, v in data.items() if not (v is None and k in cls.model_fields and k not in _REQUIRED)}
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
