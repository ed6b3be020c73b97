"""Cross-reference checks of the pipelines beside new business.

pydantic checks each section's types and ranges; what only makes sense against the rest
of the scenario is checked here: the market sources the pipelines feed, stage names
unique over every pipeline, renewal and expansion stages worked by a team of their
role (or routed by name; never by the default team, a sales team), and the role that
owns the accounts (``checkin_role``) being a team's.
"""

from __future__ import annotations

from simulator.config.distributions import Distribution
from simulator.config.errors import ConfigIssue
from simulator.config.fields import DEAL_CEILING, DEAL_SLIP, deal_excess_words, deal_slip_words, dollar_slip_words
from simulator.config.org import OrgConfig
from simulator.config.schema import ScenarioConfig, StageConfig

ZERO = Distribution("constant", (0.0,))
MAX_UPLIFT_MEDIAN, MAX_UPLIFT_P90, MAX_UPLIFT_MEAN = 2.0, 5.0, 3.0
_ROUNDING = 1.0 + 1e-9  # quantiles come back from mu and sigma: a p90 of exactly 5 may read 5.000000000000001
"""Largest median (+200% of the account's ARR at an expansion), p90 (+500%) and mean (+300%) of the uplift accepted.
The mean is what an NRR adds up: a heavy tail (a gamma with a cv of 20) can hide a mean of
50 behind a median and a p90 near zero. A lognormal at both quantile limits has a mean of 2.6.
Published expansion is ~40% of new ARR (Benchmarkit 2025) and median NRR 100–110% (SaaS
Capital 2023), so a typical expansion adds a fraction of the account's ARR; an uplift of
20, or a p90 of 60, is a percentage written as a number, which gives an NRR of thousands of %."""


def team_for_stage(org: OrgConfig, name: str, role: str) -> str | None:
    """The team working a stage of any pipeline: routed by name, else by role, else the default team."""
    return org.team_for(StageConfig(name=name, role=role, effort_hours=ZERO, delay_days=ZERO, conversion=1.0))


def all_stage_names(config: ScenarioConfig) -> list[str]:
    """Stage names of every pipeline, sales first."""
    names = [stage.name for stage in config.pipeline.stages]
    for stages in config.pipelines.stages().values():
        names.extend(stage.name for stage in stages)
    return names


def _roles(org: OrgConfig) -> list[str]:
    """The roles of the org's teams, in config order."""
    return list(dict.fromkeys(team.role for team in org.teams.values()))


def _check_customer_stage(org: OrgConfig, key: str, stage: str, role: str, issues: list[ConfigIssue]) -> None:
    """A renewal or expansion stage is routed by name or worked by a team of its role, never by the default team."""
    if stage in org.routing or role in _roles(org):
        return
    allowed = (
        f"no team has this role, so the stage would fall to the default team ({org.default_team}): must be "
        f"one of the roles {', '.join(_roles(org))}, or route stage {stage} to a team in org.routing"
    )
    if org.default_team is None:
        allowed = (
            f"no team has this role: must be one of {', '.join(_roles(org))}, or route stage {stage} in org.routing"
        )
    issues.append(ConfigIssue(key, role, allowed))


def _check_source(config: ScenarioConfig, key: str, source: str, issues: list[ConfigIssue]) -> None:
    if source not in config.market.sources:
        allowed = f"must name a market source: {', '.join(config.market.sources)}"
        issues.append(ConfigIssue(key, source, allowed))


def check_pipelines(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    """Append every cross-reference problem of ``config.pipelines`` to ``issues``."""
    pipelines, org = config.pipelines, config.org
    sales_stages = [stage.name for stage in config.pipeline.stages]
    if pipelines.prospecting is not None:
        _check_source(config, "pipelines.prospecting.source", pipelines.prospecting.source, issues)
        entry = pipelines.prospecting.entry_stage
        if entry is not None and entry not in sales_stages:
            allowed = f"must be a stage of the pipeline: {', '.join(sales_stages)}"
            issues.append(ConfigIssue("pipelines.prospecting.entry_stage", entry, allowed))
    if pipelines.partner is not None:
        _check_source(config, "pipelines.partner.source", pipelines.partner.source, issues)
        if pipelines.prospecting is not None and pipelines.partner.source == pipelines.prospecting.source:
            issues.append(
                ConfigIssue("pipelines.partner.source", pipelines.partner.source, "must differ from prospecting's")
            )
    digital = pipelines.digital_first
    if digital is not None:
        _check_source(config, "pipelines.digital_first.source", digital.source, issues)
        if digital.entry_stage not in sales_stages:
            allowed = f"must be a stage of the pipeline: {', '.join(sales_stages)}"
            issues.append(ConfigIssue("pipelines.digital_first.entry_stage", digital.entry_stage, allowed))
    seen = list(sales_stages)
    for pipeline, stages in pipelines.stages().items():
        section = f"retention.{pipeline}" if pipeline in ("renewal", "expansion") else pipeline
        for i, stage in enumerate(stages):
            key = f"pipelines.{section}.stages.{i}"
            if stage.name in seen:
                issues.append(ConfigIssue(f"{key}.name", stage.name, "must be unique over every pipeline's stages"))
            seen.append(stage.name)
            if stage.effort_hours.quantile(0.0) < 0:
                issues.append(ConfigIssue(f"{key}.effort_hours", stage.effort_hours.as_written(), "cannot be negative"))
            if stage.delay_days.quantile(0.0) < 0:
                issues.append(ConfigIssue(f"{key}.delay_days", stage.delay_days.as_written(), "cannot be negative"))
            if pipeline in ("renewal", "expansion"):
                _check_customer_stage(org, f"{key}.role", stage.name, stage.role, issues)
    retention = pipelines.retention
    if retention is not None and retention.renewal.checkin_role not in _roles(org):
        allowed = f"must be the role of a team, whose reps own the accounts: {', '.join(_roles(org))}"
        issues.append(ConfigIssue("pipelines.retention.renewal.checkin_role", retention.renewal.checkin_role, allowed))
    if retention is not None and retention.initial_arr.quantile(0.0) < 0:
        issues.append(ConfigIssue("pipelines.retention.initial_arr", retention.initial_arr.as_written(), ">= 0"))
    elif retention is not None and retention.initial_customers > 0 and 0 < retention.initial_arr.mean < DEAL_SLIP:
        written = retention.initial_arr.as_written()
        words = deal_slip_words(retention.initial_arr.mean, written, "an account a year")
        issues.append(ConfigIssue("pipelines.retention.initial_arr", written, words))
    elif retention is not None and retention.initial_customers > 0 and retention.initial_arr.mean > DEAL_CEILING:
        written = retention.initial_arr.as_written()
        median = retention.initial_arr.quantile(0.5)
        excess = deal_excess_words(retention.initial_arr.mean, written, "an account a year", median=median)
        if excess is not None:
            issues.append(ConfigIssue("pipelines.retention.initial_arr", written, excess))
    if retention is not None and retention.renewal.size_logit > 0 and retention.renewal.reference_arr < DEAL_SLIP:
        reference = retention.renewal.reference_arr
        words = dollar_slip_words(reference, "of ARR an account", DEAL_SLIP, millions=False, zero=False)
        issues.append(ConfigIssue("pipelines.retention.renewal.reference_arr", reference, words))
    if retention is not None and retention.expansion is not None:
        uplift, key = retention.expansion.uplift, "pipelines.retention.expansion.uplift"
        if uplift.quantile(0.0) < 0:
            issues.append(ConfigIssue(key, uplift.as_written(), "cannot be negative"))
        elif (
            uplift.quantile(0.5) > MAX_UPLIFT_MEDIAN * _ROUNDING
            or uplift.quantile(0.9) > MAX_UPLIFT_P90 * _ROUNDING
            or uplift.mean > MAX_UPLIFT_MEAN * _ROUNDING
        ):
            allowed = (
                f"is a fraction of the account's ARR (0.25: +25%); a median above {MAX_UPLIFT_MEDIAN:g} "
                f"(+{MAX_UPLIFT_MEDIAN:.0%} of ARR at an expansion), a p90 above {MAX_UPLIFT_P90:g} or a mean above "
                f"{MAX_UPLIFT_MEAN:g} is refused, and this one has median {uplift.quantile(0.5):.3g}, "
                f"p90 {uplift.quantile(0.9):.3g}, mean {uplift.mean:.3g}: a percentage written as a number, "
                "or a tail too heavy?"
            )
            issues.append(ConfigIssue(key, uplift.as_written(), allowed))
