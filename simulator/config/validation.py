"""Semantic validation of a scenario: ranges and cross-references the schema cannot see.

Types are checked while parsing (:mod:`simulator.config.schema`); this module checks what
only makes sense as a whole: probabilities in [0, 1], headcounts, stages routed to
teams that exist, policies and priority rules that exist. Every issue names the key,
the value and what is allowed, and all of them are raised together so a user fixes a
config in one pass, before any simulation starts.
"""

from __future__ import annotations

import math
import warnings

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.schema import ASSIGNMENT_POLICIES, PRIORITY_RULES, ScenarioConfig
from simulator.config.workforce import check_workforce

USUAL_STAGE_COUNT = (4, 10)


class PipelineShapeWarning(UserWarning):
    """A pipeline with an unusual number of stages (the article recommends 4 to 10)."""


def _probability(issues: list[ConfigIssue], key: str, value: float) -> None:
    if not (0.0 <= value <= 1.0):
        issues.append(ConfigIssue(key, value, "must be a probability between 0 and 1"))


def _non_negative(issues: list[ConfigIssue], key: str, value: float) -> None:
    if not (value >= 0.0 and math.isfinite(value)):
        issues.append(ConfigIssue(key, value, "must be a finite number >= 0"))


def _positive(issues: list[ConfigIssue], key: str, value: float) -> None:
    if not (value > 0.0 and math.isfinite(value)):
        issues.append(ConfigIssue(key, value, "must be a finite number > 0"))


def _check_market(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    market = config.market
    stage_names = [stage.name for stage in config.pipeline.stages]
    if not market.sources:
        issues.append(ConfigIssue("market.sources", {}, "needs at least one lead source"))
    for name, source in market.sources.items():
        _non_negative(issues, f"market.sources.{name}.leads_per_month", source.leads_per_month)
        if source.entry_stage is not None and source.entry_stage not in stage_names:
            issues.append(
                ConfigIssue(
                    f"market.sources.{name}.entry_stage",
                    source.entry_stage,
                    f"must be a stage of the pipeline: {', '.join(stage_names)}",
                )
            )
        if not math.isfinite(source.conversion_lift):
            issues.append(ConfigIssue(f"market.sources.{name}.conversion_lift", source.conversion_lift, "finite"))
    if len(market.seasonality) != 12:
        issues.append(ConfigIssue("market.seasonality", list(market.seasonality), "must list exactly 12 numbers"))
    for month, multiplier in enumerate(market.seasonality):
        _non_negative(issues, f"market.seasonality.{month}", multiplier)
    if not market.segments:
        issues.append(ConfigIssue("market.segments", {}, "needs at least one segment"))
    for name, weight in market.segments.items():
        _non_negative(issues, f"market.segments.{name}", weight)
    if market.segments and sum(market.segments.values()) <= 0:
        issues.append(ConfigIssue("market.segments", dict(market.segments), "weights must add up to more than 0"))
    if market.deal_value.mean <= 0:
        issues.append(ConfigIssue("market.deal_value", market.deal_value.to_spec(), "must have a positive mean"))
    if market.buying_circle.mean < 1:
        issues.append(
            ConfigIssue("market.buying_circle", market.buying_circle.to_spec(), "needs a mean of at least 1 person")
        )


def _check_pipeline(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    stages = config.pipeline.stages
    if not stages:
        issues.append(ConfigIssue("pipeline.stages", [], "needs at least one stage"))
        return
    seen: list[str] = []
    for i, stage in enumerate(stages):
        key = f"pipeline.stages.{i}"
        if not stage.name:
            issues.append(ConfigIssue(f"{key}.name", stage.name, "must be a non-empty stage name"))
        elif stage.name in seen:
            issues.append(ConfigIssue(f"{key}.name", stage.name, "must be unique within the pipeline"))
        seen.append(stage.name)
        _probability(issues, f"{key}.conversion", stage.conversion)
        if stage.max_wait_days is not None:
            _positive(issues, f"{key}.max_wait_days", stage.max_wait_days)
        if stage.effort_hours.quantile(0.0) < 0:
            issues.append(ConfigIssue(f"{key}.effort_hours", stage.effort_hours.to_spec(), "cannot be negative"))
        if stage.delay_days.quantile(0.0) < 0:
            issues.append(ConfigIssue(f"{key}.delay_days", stage.delay_days.to_spec(), "cannot be negative"))
    opportunity = config.pipeline.opportunity_stage
    if opportunity is not None and opportunity not in seen:
        allowed = f"must be a stage of the pipeline: {', '.join(seen)}"
        issues.append(ConfigIssue("pipeline.opportunity_stage", opportunity, allowed))
    low, high = USUAL_STAGE_COUNT
    if not low <= len(stages) <= high:
        warnings.warn(
            f"pipeline '{config.pipeline.name}' has {len(stages)} stages; {low} to {high} is usual",
            PipelineShapeWarning,
            stacklevel=3,
        )


def _check_org(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    org = config.org
    team_names = list(org.teams)
    allowed_teams = f"must name a team of the org: {', '.join(team_names) or '(none defined)'}"
    if not org.teams:
        issues.append(ConfigIssue("org.teams", {}, "needs at least one team"))
    for team_name, team in org.teams.items():
        key = f"org.teams.{team_name}"
        if team.headcount < 1:
            issues.append(ConfigIssue(f"{key}.headcount", team.headcount, "must be a whole number >= 1"))
        if not 0 < team.hours_per_day <= 24:
            issues.append(ConfigIssue(f"{key}.hours_per_day", team.hours_per_day, "must be in (0, 24]"))
        if not 0 < team.selling_fraction <= 1:
            issues.append(ConfigIssue(f"{key}.selling_fraction", team.selling_fraction, "must be in (0, 1]"))
        _non_negative(issues, f"{key}.skill.sd", team.skill.sd)
        if team.assignment not in ASSIGNMENT_POLICIES:
            allowed = f"must be one of {ASSIGNMENT_POLICIES}"
            issues.append(ConfigIssue(f"{key}.assignment", team.assignment, allowed))
        if team.priority not in PRIORITY_RULES:
            issues.append(ConfigIssue(f"{key}.priority", team.priority, f"must be one of {PRIORITY_RULES}"))
    stage_names = [stage.name for stage in config.pipeline.stages]
    for stage, routed_to in org.routing.items():
        if stage not in stage_names:
            known = f"routes an unknown stage; stages are {', '.join(stage_names)}"
            issues.append(ConfigIssue(f"org.routing.{stage}", routed_to, known))
        if routed_to not in org.teams:
            issues.append(ConfigIssue(f"org.routing.{stage}", routed_to, allowed_teams))
    if org.default_team is not None and org.default_team not in org.teams:
        issues.append(ConfigIssue("org.default_team", org.default_team, allowed_teams))
    roles = sorted({team.role for team in org.teams.values()})
    for stage_config in config.pipeline.stages:
        if org.team_for(stage_config) is None:
            issues.append(
                ConfigIssue(
                    f"org.routing.{stage_config.name}",
                    None,
                    f"stage (role {stage_config.role}) has no team: route it, give a team role "
                    f"{stage_config.role} (roles are {', '.join(roles)}) or set org.default_team",
                )
            )
    _probability(issues, "org.handoff.loss_probability", org.handoff.loss_probability)
    if org.handoff.delay_days.quantile(0.0) < 0:
        issues.append(ConfigIssue("org.handoff.delay_days", org.handoff.delay_days.to_spec(), "cannot be negative"))
    if org.handoff.extra_effort_hours.quantile(0.0) < 0:
        spec = org.handoff.extra_effort_hours.to_spec()
        issues.append(ConfigIssue("org.handoff.extra_effort_hours", spec, "cannot be negative"))


def _check_effects_and_clock(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    effects, clock = config.effects, config.clock
    _positive(issues, "effects.speed_to_lead.scale_hours", effects.speed_to_lead.scale_hours)
    _non_negative(issues, "effects.speed_to_lead.exponent", effects.speed_to_lead.exponent)
    _non_negative(issues, "effects.skill_weight", effects.skill_weight)
    _non_negative(issues, "effects.buying_circle.reference_size", effects.buying_circle.reference_size)
    _non_negative(issues, "effects.buying_circle.logit_per_person", effects.buying_circle.logit_per_person)
    _positive(issues, "clock.horizon_days", clock.horizon_days)
    _non_negative(issues, "clock.warmup_days", clock.warmup_days)
    if clock.warmup_days >= clock.horizon_days:
        issues.append(ConfigIssue("clock.warmup_days", clock.warmup_days, "must be below clock.horizon_days"))
    if clock.days_per_month < 1:
        issues.append(ConfigIssue("clock.days_per_month", clock.days_per_month, "must be a whole number >= 1"))


def validate_scenario(config: ScenarioConfig, prefix: str = "") -> None:
    """Check a parsed scenario as a whole.

    Args:
        config: The parsed scenario.
        prefix: Prepended to every key in messages (e.g. ``"scenario specialist: "``).

    Raises:
        ConfigError: With every issue found.
    """
    issues: list[ConfigIssue] = []
    _check_market(config, issues)
    _check_pipeline(config, issues)
    _check_org(config, issues)
    _check_effects_and_clock(config, issues)
    stage_names = tuple(stage.name for stage in config.pipeline.stages)
    issues.extend([*config.forecast.check(stage_names), *config.sla.check(stage_names)])
    check_workforce(config.workforce, {name: team.role for name, team in config.org.teams.items()}, issues)
    if issues:
        if prefix:
            issues = [ConfigIssue(prefix + i.key, i.value, i.allowed) for i in issues]
        raise ConfigError(issues)
