"""The typed configuration schema of one scenario, and its parsing from plain dicts.

A scenario is a market (where leads come from), a pipeline (the stages they go
through), an org design (teams and routing), the effects on conversion and a clock.
Configs arrive as plain nested dicts (from YAML, Hydra or a notebook); :func:`parse_scenario`
turns them into frozen dataclasses, reporting unknown keys and wrong types with
their dotted path. Range and cross-reference checks live in :mod:`simulator.config.validation`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.config.distributions import Distribution
from simulator.config.economics import EconomicsConfig
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.plan import ForecastConfig, PlanConfig, SlaConfig
from simulator.config.sections import parse_section
from simulator.config.workforce import WorkforceConfig, parse_workforce

ASSIGNMENT_POLICIES = ("pooled", "round_robin", "least_loaded")
PRIORITY_RULES = ("fifo", "closest_to_close")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """A lead source (inbound, outbound, partner, ...)."""

    leads_per_month: float
    entry_stage: str | None = None  # None: the first stage of the pipeline
    conversion_lift: float = 0.0  # logit shift on every stage for leads of this source


@dataclass(frozen=True, slots=True)
class MarketConfig:
    """Where leads come from and what they look like on arrival."""

    name: str
    sources: dict[str, SourceConfig]
    seasonality: tuple[float, ...]
    segments: dict[str, float]
    deal_value: Distribution
    buying_circle: Distribution


@dataclass(frozen=True, slots=True)
class StageConfig:
    """One stage of the buyer's journey."""

    name: str
    role: str
    effort_hours: Distribution
    delay_days: Distribution
    conversion: float
    max_wait_days: float | None = None  # None: a waiting lead never leaks
    circle_sensitive: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """An ordered list of stages from first touch to close."""

    name: str
    stages: tuple[StageConfig, ...]
    opportunity_stage: str | None = None  # first stage where a lead counts as an opportunity; None: the second


@dataclass(frozen=True, slots=True)
class SpeedToLeadConfig:
    """Odds of converting the first stage fall as ``(1 + t / scale_hours) ** -exponent``."""

    scale_hours: float = 1.0
    exponent: float = 1.62


@dataclass(frozen=True, slots=True)
class BuyingCircleEffectConfig:
    """Each stakeholder beyond ``reference_size`` shifts the logit by ``-logit_per_person``."""

    reference_size: float = 5.0
    logit_per_person: float = 0.1


@dataclass(frozen=True, slots=True)
class EffectsConfig:
    """Effects on conversion, composed in logit space."""

    speed_to_lead: SpeedToLeadConfig = field(default_factory=SpeedToLeadConfig)
    skill_weight: float = 1.0
    buying_circle: BuyingCircleEffectConfig = field(default_factory=BuyingCircleEffectConfig)


@dataclass(frozen=True, slots=True)
class SkillConfig:
    """Rep skill as a normal shift on the logit of conversion."""

    mean: float = 0.0
    sd: float = 0.0


@dataclass(frozen=True, slots=True)
class TeamConfig:
    """A pool of reps with one role and one way of sharing work."""

    role: str
    headcount: int
    hours_per_day: float = 8.0
    selling_fraction: float = 0.4
    skill: SkillConfig = field(default_factory=SkillConfig)
    assignment: str = "round_robin"
    priority: str = "closest_to_close"
    prm_automation: bool = False  # the team's reps have PRM seats (a tool cost per seat)


@dataclass(frozen=True, slots=True)
class HandoffConfig:
    """What passing a lead to another rep costs."""

    delay_days: Distribution = field(default_factory=lambda: Distribution("constant", (0.0,)))
    loss_probability: float = 0.0
    extra_effort_hours: Distribution = field(default_factory=lambda: Distribution("constant", (0.0,)))


@dataclass(frozen=True, slots=True)
class OrgConfig:
    """An org design: teams, and the routing of stages to teams.

    A stage goes to the team named in ``routing``; failing that, to the first team whose
    ``role`` is the stage's role; failing that, to ``default_team``.
    """

    name: str
    teams: dict[str, TeamConfig]
    routing: dict[str, str]
    default_team: str | None = None
    handoff: HandoffConfig = field(default_factory=HandoffConfig)
    description: str = ""

    def team_for(self, stage: StageConfig) -> str | None:
        """The team that works ``stage`` (None if nothing routes it)."""
        if stage.name in self.routing:
            return self.routing[stage.name]
        for name, team in self.teams.items():
            if team.role == stage.role:
                return name
        return self.default_team


@dataclass(frozen=True, slots=True)
class ClockConfig:
    """Simulated time, in working days."""

    horizon_days: float = 250.0
    warmup_days: float = 0.0
    days_per_month: int = 21


@dataclass(frozen=True, slots=True)
class ScenarioConfig:
    """Everything one replication needs, apart from its seed."""

    market: MarketConfig
    pipeline: PipelineConfig
    org: OrgConfig
    effects: EffectsConfig = field(default_factory=EffectsConfig)
    clock: ClockConfig = field(default_factory=ClockConfig)
    economics: EconomicsConfig = field(default_factory=EconomicsConfig)
    plan: PlanConfig = field(default_factory=PlanConfig)
    forecast: ForecastConfig = field(default_factory=ForecastConfig)
    sla: SlaConfig = field(default_factory=SlaConfig)
    workforce: WorkforceConfig = field(default_factory=WorkforceConfig)


class _Reader:
    """Reads one mapping, remembering which keys were used so unknown keys can be reported."""

    def __init__(self, data: Any, key: str, issues: list[ConfigIssue]) -> None:
        self.key = key
        self.issues = issues
        if not isinstance(data, Mapping):
            issues.append(ConfigIssue(key or "<root>", data, "must be a mapping of keys to values"))
            data = {}
        self.data: Mapping[str, Any] = data
        self.used: list[str] = []

    def path(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def raw(self, name: str, default: Any = ..., required: bool = False) -> Any:
        self.used.append(name)
        if name in self.data:
            return self.data[name]
        if required or default is ...:
            self.issues.append(ConfigIssue(self.path(name), None, "is required but missing"))
            return None
        return default

    def number(self, name: str, default: Any = ..., allow_none: bool = False) -> Any:
        value = self.raw(name, default)
        if value is None and (allow_none or default is ...):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.issues.append(ConfigIssue(self.path(name), value, "must be a number"))
            return float("nan")
        return float(value)

    def integer(self, name: str, default: Any = ...) -> Any:
        value = self.raw(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            self.issues.append(ConfigIssue(self.path(name), value, "must be a whole number"))
            return 0
        return value

    def text(self, name: str, default: Any = ..., allow_none: bool = False) -> Any:
        value = self.raw(name, default)
        if value is None and (allow_none or default is ...):
            return None
        if not isinstance(value, str):
            self.issues.append(ConfigIssue(self.path(name), value, "must be a string"))
            return ""
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name, default)
        if not isinstance(value, bool):
            self.issues.append(ConfigIssue(self.path(name), value, "must be true or false"))
            return default
        return value

    def distribution(self, name: str, default: Distribution | None = None) -> Distribution:
        spec = self.raw(name, ... if default is None else None)
        if spec is None:
            return default if default is not None else Distribution("constant", (0.0,))
        try:
            return Distribution.from_spec(spec, self.path(name))
        except ConfigError as error:
            self.issues.extend(error.issues)
            return Distribution("constant", (0.0,))

    def mapping(self, name: str, default: Any = ...) -> Mapping[str, Any]:
        value = self.raw(name, default)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.issues.append(ConfigIssue(self.path(name), value, "must be a mapping"))
            return {}
        return value

    def finish(self) -> None:
        """Report keys that the schema does not know, with the closest known name."""
        for name in self.data:
            if name not in self.used:
                close = difflib.get_close_matches(str(name), self.used, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                allowed = ", ".join(sorted(self.used))
                self.issues.append(
                    ConfigIssue(self.path(str(name)), self.data[name], f"unknown key (known: {allowed}){hint}")
                )


def _parse_market(data: Any, issues: list[ConfigIssue]) -> MarketConfig:
    r = _Reader(data, "market", issues)
    sources: dict[str, SourceConfig] = {}
    for name, spec in r.mapping("sources").items():
        s = _Reader(spec, f"market.sources.{name}", issues)
        sources[str(name)] = SourceConfig(
            leads_per_month=s.number("leads_per_month"),
            entry_stage=s.text("entry_stage", None, allow_none=True),
            conversion_lift=s.number("conversion_lift", 0.0),
        )
        s.finish()
    raw_season = r.raw("seasonality", [1.0] * 12)
    seasonality: tuple[float, ...] = ()
    if isinstance(raw_season, list | tuple) and all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in raw_season
    ):
        seasonality = tuple(float(x) for x in raw_season)
    else:
        issues.append(ConfigIssue("market.seasonality", raw_season, "must be a list of 12 numbers"))
    segments: dict[str, float] = {}
    for name, weight in r.mapping("segments", {"all": 1.0}).items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            issues.append(ConfigIssue(f"market.segments.{name}", weight, "must be a number (a weight)"))
            continue
        segments[str(name)] = float(weight)
    market = MarketConfig(
        name=r.text("name", "market"),
        sources=sources,
        seasonality=seasonality,
        segments=segments,
        deal_value=r.distribution("deal_value"),
        buying_circle=r.distribution("buying_circle", Distribution("constant", (1.0,))),
    )
    r.finish()
    return market


def _parse_pipeline(data: Any, issues: list[ConfigIssue]) -> PipelineConfig:
    r = _Reader(data, "pipeline", issues)
    raw_stages = r.raw("stages", required=True)
    stages: list[StageConfig] = []
    if raw_stages is not None and not isinstance(raw_stages, list | tuple):
        issues.append(ConfigIssue("pipeline.stages", raw_stages, "must be a list of stages"))
        raw_stages = []
    for i, spec in enumerate(raw_stages or []):
        s = _Reader(spec, f"pipeline.stages.{i}", issues)
        stages.append(
            StageConfig(
                name=s.text("name"),
                role=s.text("role"),
                effort_hours=s.distribution("effort_hours"),
                delay_days=s.distribution("delay_days", Distribution("constant", (0.0,))),
                conversion=s.number("conversion"),
                max_wait_days=s.number("max_wait_days", None, allow_none=True),
                circle_sensitive=s.flag("circle_sensitive", False),
                description=s.text("description", ""),
            )
        )
        s.finish()
    pipeline = PipelineConfig(
        name=r.text("name", "pipeline"),
        stages=tuple(stages),
        opportunity_stage=r.text("opportunity_stage", None, allow_none=True),
    )
    r.finish()
    return pipeline


def _parse_org(data: Any, issues: list[ConfigIssue]) -> OrgConfig:
    r = _Reader(data, "org", issues)
    teams: dict[str, TeamConfig] = {}
    for name, spec in r.mapping("teams").items():
        t = _Reader(spec, f"org.teams.{name}", issues)
        sk = _Reader(t.mapping("skill", {}), f"org.teams.{name}.skill", issues)
        skill = SkillConfig(mean=sk.number("mean", 0.0), sd=sk.number("sd", 0.0))
        sk.finish()
        teams[str(name)] = TeamConfig(
            role=t.text("role", str(name)),
            headcount=t.integer("headcount"),
            hours_per_day=t.number("hours_per_day", 8.0),
            selling_fraction=t.number("selling_fraction", 0.4),
            skill=skill,
            assignment=t.text("assignment", "round_robin"),
            priority=t.text("priority", "closest_to_close"),
            prm_automation=t.flag("prm_automation", False),
        )
        t.finish()
    routing: dict[str, str] = {}
    for stage, team in r.mapping("routing", {}).items():
        if not isinstance(team, str):
            issues.append(ConfigIssue(f"org.routing.{stage}", team, "must be a team name"))
            continue
        routing[str(stage)] = team
    h = _Reader(r.mapping("handoff", {}), "org.handoff", issues)
    handoff = HandoffConfig(
        delay_days=h.distribution("delay_days", Distribution("constant", (0.0,))),
        loss_probability=h.number("loss_probability", 0.0),
        extra_effort_hours=h.distribution("extra_effort_hours", Distribution("constant", (0.0,))),
    )
    h.finish()
    org = OrgConfig(
        name=r.text("name", "org"),
        teams=teams,
        routing=routing,
        default_team=r.text("default_team", None, allow_none=True),
        handoff=handoff,
        description=r.text("description", ""),
    )
    r.finish()
    return org


def _parse_effects(data: Any, issues: list[ConfigIssue]) -> EffectsConfig:
    r = _Reader(data, "effects", issues)
    s = _Reader(r.mapping("speed_to_lead", {}), "effects.speed_to_lead", issues)
    speed = SpeedToLeadConfig(scale_hours=s.number("scale_hours", 1.0), exponent=s.number("exponent", 1.62))
    s.finish()
    c = _Reader(r.mapping("buying_circle", {}), "effects.buying_circle", issues)
    circle = BuyingCircleEffectConfig(
        reference_size=c.number("reference_size", 5.0), logit_per_person=c.number("logit_per_person", 0.1)
    )
    c.finish()
    effects = EffectsConfig(speed_to_lead=speed, skill_weight=r.number("skill_weight", 1.0), buying_circle=circle)
    r.finish()
    return effects


def _parse_clock(data: Any, issues: list[ConfigIssue]) -> ClockConfig:
    r = _Reader(data, "clock", issues)
    clock = ClockConfig(
        horizon_days=r.number("horizon_days", 250.0),
        warmup_days=r.number("warmup_days", 0.0),
        days_per_month=r.integer("days_per_month", 21),
    )
    r.finish()
    return clock


SCENARIO_KEYS = ("market", "pipeline", "org", "effects", "clock", "economics", "plan", "forecast", "sla", "workforce")


def parse_scenario(data: Mapping[str, Any], strict: bool = True) -> ScenarioConfig:
    """Turn a plain nested dict into a :class:`ScenarioConfig`.

    Args:
        data: A mapping with keys ``market``, ``pipeline``, ``org`` and optionally
            ``effects`` and ``clock``. Other top-level keys (``seed``, ``runs``,
            ``runner``, ``experiment``...) are ignored: they belong to the experiment.
        strict: Report unknown keys inside the scenario sections.

    Raises:
        ConfigError: With every missing, unknown or mistyped key found.
    """
    issues: list[ConfigIssue] = []
    for name in ("market", "pipeline", "org"):
        if name not in data:
            issues.append(ConfigIssue(name, None, "is required but missing"))
    if issues:
        raise ConfigError(issues)
    scenario = ScenarioConfig(
        market=_parse_market(data["market"], issues),
        pipeline=_parse_pipeline(data["pipeline"], issues),
        org=_parse_org(data["org"], issues),
        effects=_parse_effects(data.get("effects") or {}, issues),
        clock=_parse_clock(data.get("clock") or {}, issues),
        economics=parse_section(EconomicsConfig, data.get("economics"), "economics", issues),
        plan=parse_section(PlanConfig, data.get("plan"), "plan", issues),
        forecast=parse_section(ForecastConfig, data.get("forecast"), "forecast", issues),
        sla=parse_section(SlaConfig, data.get("sla"), "sla", issues),
        workforce=parse_workforce(data.get("workforce"), issues),
    )
    if not strict:
        issues = [i for i in issues if "unknown key" not in i.allowed]
    if issues:
        raise ConfigError(issues)
    return scenario
