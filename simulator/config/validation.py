"""Semantic validation of a scenario: what no single section can check, and sizes that cannot run.

Types, ranges and references inside one section are checked while parsing
(:mod:`simulator.config.schema`). This module checks the scenario as a whole: a
source's entry stage is a stage of the pipeline, routing names stages that exist, every
stage has a team; and it refuses sizes that cannot run, with the estimate that rules
them out (:mod:`simulator.config.sizes`).
Every issue names the key, the value and what is allowed, and all of them are raised
together so a user fixes a config in one pass, before any simulation starts.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.fields import dollars_words
from simulator.config.lead_attributes import check_lead_attributes
from simulator.config.pipeline_checks import all_stage_names, check_pipelines
from simulator.config.plan_bound import most_booked
from simulator.config.plan_quarters import lopsided_quarters
from simulator.config.pod_routing import check_pod_reach, check_routing_coverage
from simulator.config.pods import attribute_names, check_pods
from simulator.config.schema import ScenarioConfig
from simulator.config.sizes import check_size
from simulator.config.workforce import check_workforce, hires_beyond_horizon

USUAL_STAGE_COUNT = (4, 10)


class PipelineShapeWarning(UserWarning):
    """A pipeline with an unusual number of stages (the article recommends 4 to 10)."""


def _check_references(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    """References from one section to another: entry stages, routed stages, a team for every stage."""
    stage_names = [stage.name for stage in config.pipeline.stages]
    for name, source in config.market.sources.items():
        if source.entry_stage is not None and source.entry_stage not in stage_names:
            allowed = f"must be a stage of the pipeline: {', '.join(stage_names)}"
            issues.append(ConfigIssue(f"market.sources.{name}.entry_stage", source.entry_stage, allowed))
    org = config.org
    every_stage = all_stage_names(config)
    for stage, routed_to in org.routing.items():
        if stage not in every_stage:
            known = f"routes an unknown stage; stages are {', '.join(every_stage)}"
            issues.append(ConfigIssue(f"org.routing.{stage}", routed_to, known))
    _check_team_roles(config, issues)
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


def stage_roles(config: ScenarioConfig) -> list[str]:
    """Roles the pipelines name: a stage's (any pipeline) and the account owners'."""
    named = [stage.role for stage in config.pipeline.stages]
    named += [stage.role for stages in config.pipelines.stages().values() for stage in stages]
    retention = config.pipelines.retention
    if retention is not None:
        named.append(retention.renewal.checkin_role)
    return list(dict.fromkeys(named))


def _check_team_roles(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    """A team's role must mean something: a misspelt one got the default pay, no ramp and no attrition, silently.

    Checked when the economics section prices roles one by one (``economics.roles``); without
    any pay line every role is priced alike, and a role need not be named elsewhere.
    """
    if not config.economics.roles:
        return
    staged = stage_roles(config)
    known = list(dict.fromkeys([*staged, *config.economics.roles, *config.workforce.roles]))
    routed = set(config.org.routing.values())
    for name, team in config.org.teams.items():
        if team.role in known:
            if team.role not in staged:  # roles the pipelines name (CSMs, partner managers) are static by design
                _warn_without_workforce(config, name, team.role)
            continue
        close = difflib.get_close_matches(team.role, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        where = " although stages are routed to it by name" if name in routed else ""
        allowed = (
            f"no stage, pay line (economics.roles) or workforce setting names this role{where}, so its reps "
            "would be paid as economics.default_role and get no role's ramp or attrition: must be one of "
            f"{', '.join(known)}{hint}, or add economics.roles.{team.role}"
        )
        if not re.fullmatch(r"[A-Za-z_]\w*", team.role):  # no key could name it: no pay line can be added
            allowed = f"must be one of {', '.join(known)}{hint} (a role is one word: letters, digits and _)"
        foreign = not any(t.role in staged for t in config.org.teams.values())  # no team works the fitted stages
        if config.pipeline.fitted_from is not None and foreign:  # a shipped org= on a calibrated folder: say so
            allowed += (
                f". This pipeline was fitted from {config.pipeline.fitted_from}, whose stages name "
                f"{', '.join(staged) or 'no role'}: an org= override (a shipped experiment's scenarios make one) "
                "replaced the calibrated org. Run the calibrated folder's own experiments, or change its org by "
                "its keys (org.teams.<team>.headcount=N; a rep who leaves: org.teams.<team>.reps.<rep>=null)"
            )
        issues.append(ConfigIssue(f"org.teams.{name}.role", team.role, allowed))


class RoleWorkforceWarning(UserWarning):
    """A team whose role has a pay line but no workforce settings: its reps never leave and start ramped."""


def _warn_without_workforce(config: ScenarioConfig, team: str, role: str) -> None:
    """Warn once when the workforce section sets roles one by one but not this team's (a new role's pay line alone)."""
    workforce = config.workforce
    if not workforce.roles or role in workforce.roles or team in workforce.teams:
        return
    if team != config.org.default_team and team not in config.org.routing.values():
        return  # a team that works no stage: its turnover changes nothing
    message = (
        f"org.teams.{team}.role = '{role}': no workforce.roles.{role} (or workforce.teams.{team}), so its reps never "
        f"leave, are never replaced and start fully ramped, unlike the roles {', '.join(workforce.roles)}"
    )
    if message not in _SHAPES_WARNED:
        _SHAPES_WARNED.add(message)
        warnings.warn(message, RoleWorkforceWarning, stacklevel=4)


def _check_dated_features(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    """Dated arrival series need a dated calendar; the starting state names what exists."""
    for name, source in config.market.sources.items():
        if source.leads_by_month and config.clock.start_date is None:
            issues.append(
                ConfigIssue(
                    f"market.sources.{name}.leads_by_month",
                    f"{len(source.leads_by_month)} months",
                    "needs clock.start_date (a dated calendar names the months)",
                )
            )
    start = config.initial_pipeline
    if start is None:
        return
    market = config.market
    reps = {rep for team in config.org.teams.values() for rep in team.reps}
    attributes = {
        "products": tuple(market.products),
        "geographies": tuple(market.geographies),
        "segments": tuple(market.segments),
        "sectors": tuple(market.sectors),
    }
    stages = tuple(stage.name for stage in config.pipeline.stages)
    issues.extend(start.check(stages, reps, attributes, config.org.name))


_SHAPES_WARNED: set[str] = set()  # one warning a process per pipeline shape, however often it is validated


def _warn_about_shape(config: ScenarioConfig) -> None:
    low, high = USUAL_STAGE_COUNT
    n_stages = len(config.pipeline.stages)
    if not low <= n_stages <= high and config.pipeline.fitted_from is None:
        message = (
            f"pipeline '{config.pipeline.name}' has {n_stages} stage{'' if n_stages == 1 else 's'}; "
            f"{low} to {high} is usual"
        )
        if message in _SHAPES_WARNED:
            return
        _SHAPES_WARNED.add(message)
        warnings.warn(message, PipelineShapeWarning, stacklevel=3)


def _serves_as_meant(config: ScenarioConfig, pod_issues: list[ConfigIssue]) -> ScenarioConfig:
    """``config`` with each refused ``serves`` value (a typo) read as the closest value the market has.

    The routing gaps a typo leaves follow from it and are not told again; any other gap
    is. A refused value close to no known one leaves its attribute open (serving every value).
    """
    names = attribute_names(config.market.attributes, config.market.segments)
    meant: dict[tuple[str, str], dict[str, str | None]] = {}
    for issue in pod_issues:
        parts = issue.key.split(".")
        if len(parts) == 5 and parts[:2] == ["org", "teams"] and parts[3] == "serves" and isinstance(issue.value, str):
            close = difflib.get_close_matches(issue.value, list(names.get(parts[4], ())), n=1, cutoff=0.6)
            meant.setdefault((parts[2], parts[4]), {})[issue.value] = close[0] if close else None
    if not meant:
        return config
    teams = dict(config.org.teams)
    for (name, attribute), readings in meant.items():
        served = getattr(teams[name].serves, attribute) if name in teams else None
        if served is None:
            continue
        read = [readings.get(value, value) for value in served]
        update = {attribute: None if None in read else list(dict.fromkeys(v for v in read if v is not None))}
        teams[name] = teams[name].model_copy(update={"serves": teams[name].serves.model_copy(update=update)})
    return config.model_copy(update={"org": config.org.model_copy(update={"teams": teams})})


PLAN_DEALS = 10.0
"""A yearly plan under this many deals of the market's mean value, with no quotas to read it against, is a slip."""

PLAN_SLIP = 100.0
"""A plan this many times its teams' quotas, or this many times under them, is a unit slip ($4k for $4M)."""


PLAN_STRETCH = 4.0
"""A plan this many times its reps' quotas, or this many times under them, is worth a word (a zero off?)."""


class PlanSizeWarning(UserWarning):
    """A plan several times above or below what its reps' quotas add up to: it runs, with a word."""


def _warn_about_plan(plan: float, quotas: float, largest: tuple[str, int, float]) -> None:
    """A plan one zero off (a $45M plan for $6.72M of quotas) had answered "0.0%" without a word.

    The quotas are headcount x quota, so a headcount off (``org.teams.full_cycle.headcount=130``)
    puts them out of line as a plan off by a zero does: the note asks about both, naming
    ``largest`` (the team carrying the most quota: its name, headcount and quotas).
    """
    if 1 / PLAN_STRETCH <= plan / quotas <= PLAN_STRETCH:
        return
    ratio = f"{plan / quotas:.1f} times" if plan > quotas else f"{plan / quotas:.0%} of"
    team, reps, carried = largest
    size = "small" if plan > quotas else "large"
    headcount = f"Or is a headcount too {size}? {team} has {reps} rep{'' if reps == 1 else 's'}" + (
        "" if carried >= quotas else f", {dollars_words(carried)} of the quotas"
    )
    message = (
        f"plan.bookings is {dollars_words(plan)} a year, {ratio} the {dollars_words(quotas)} the reps' quotas add up "
        "to (quotas usually sit 10-30% above the plan: a rule of thumb, not a published figure): a zero "
        f"{'too many' if plan > quotas else 'too few'}? {headcount}. The runs go on with it"
    )
    once = f"plan {plan}"  # once a run, from the first scenario whose reps it is checked against
    if once not in _SHAPES_WARNED:
        _SHAPES_WARNED.add(once)
        warnings.warn(message, PlanSizeWarning, stacklevel=4)


def _warn_about_quarters(quarters: list[float]) -> None:
    """A quarter several times the others' (a zero too many, or dropped) had run without a word.

    Each note once a process, as :func:`_warn_about_plan`'s (:func:`lopsided_quarters` words them).
    """
    for message in lopsided_quarters(quarters):
        if message not in _SHAPES_WARNED:
            _SHAPES_WARNED.add(message)
            warnings.warn(message, PlanSizeWarning, stacklevel=4)


def _check_plan_size(config: ScenarioConfig, issues: list[ConfigIssue]) -> None:
    """A bookings plan far from what its reps' quotas add up to: typed in thousands, or with three zeros too many.

    ``plan.bookings=4000`` (a $4M plan typed in thousands) had run as a "$4.0k plan", hit in
    every run; a $4B plan missed in every run. Quotas are assigned above the plan (over-assignment
    of 10-30% as a rule of thumb; BENCHMARKS.md publishes no figure for it), so a plan 100 times
    above or below them is no plan of theirs.
    """
    bookings = config.plan.bookings
    if isinstance(bookings, list):
        _warn_about_quarters(bookings)
    plan = float(sum(bookings)) if isinstance(bookings, list) else bookings
    quotas = sum(team.headcount * config.economics.role(team.role).quota for team in config.org.teams.values())
    if plan is not None and plan > 0 and quotas <= 0:  # no quotas (a calibrated company): against its deals
        deal = config.market.mean_deal_value()
        if deal > 0 and plan < PLAN_DEALS * deal:
            issues.append(
                ConfigIssue(
                    "plan.bookings",
                    bookings,
                    f"is {dollars_words(plan)} a year, {plan / deal:.1f} deals at the market's mean deal value of "
                    f"${deal:,.0f}: surely typed in thousands: give whole dollars, {plan * 1e3:.0f} "
                    f"for {dollars_words(plan * 1e3)}"
                    + (" (each quarter likewise)" if isinstance(bookings, list) else ""),
                )
            )
        elif deal > 0 and (most := most_booked(config)) > 0 and plan > PLAN_SLIP * most:
            fits = plan / 1e3 <= PLAN_SLIP * most
            book = " and the customer book's ARR" if config.pipelines.retention is not None else ""
            book = (" and the open deals" if config.initial_pipeline is not None else "") + book
            issues.append(
                ConfigIssue(
                    "plan.bookings",
                    bookings,
                    f"is {dollars_words(plan)} a year, {plan / most:,.0f} times the "
                    f"{dollars_words(float(f'{most:.3g}'))} every lead a year can bring would book, each won at "
                    f"the mean deal value of the dearest product mix a segment draws{book}: surely typed with three "
                    "zeros too many: give whole dollars"
                    + (f", {plan / 1e3:.0f} for {dollars_words(plan / 1e3)}" if fits else "")
                    + (" (each quarter likewise)" if isinstance(bookings, list) else ""),
                )
            )
        return
    if plan is not None and plan > 0 and quotas > 0 and 1 / PLAN_SLIP <= plan / quotas <= PLAN_SLIP:
        carried = {
            name: (team.headcount, team.headcount * config.economics.role(team.role).quota)
            for name, team in config.org.teams.items()
        }
        name = max(carried, key=lambda n: carried[n][1])  # the first of equals, in the org's order
        _warn_about_plan(plan, quotas, (name, *carried[name]))
    if plan is None or plan <= 0 or quotas <= 0 or 1 / PLAN_SLIP <= plan / quotas <= PLAN_SLIP:
        return
    reps = sum(team.headcount for team in config.org.teams.values() if config.economics.role(team.role).quota > 0)
    share = f"{plan / quotas:.2%} of" if plan < quotas else f"{plan / quotas:,.0f} times"
    said = (
        f"is {dollars_words(plan)} a year, {share} the {dollars_words(quotas)} its {reps} quota-carrying reps' "
        "quotas add up to"
    )
    meant = _thousands_shift(plan, quotas)
    if meant is None:  # no shift by thousands lands near the quotas: no figure to offer ($1e15 had been offered $1T)
        words = f"{said}: give the yearly bookings plan in whole dollars, near what the quotas add up to"
    else:
        zeros = round(math.log10(meant / plan))
        count = {3: "three", 6: "six", 9: "nine"}[abs(zeros)]
        how = f"in {'thousands' if zeros == 3 else 'millions'}" if zeros > 0 else f"with {count} zeros too many"
        words = f"{said}: surely typed {how}: give whole dollars, {meant:.0f} for {dollars_words(meant)}"
    issues.append(
        ConfigIssue(
            "plan.bookings", bookings, words + (" (each quarter likewise)" if isinstance(bookings, list) else "")
        )
    )


def _thousands_shift(plan: float, quotas: float) -> float | None:
    """The plan shifted by thousands (x or / 1e3, 1e6) that lands nearest the quotas without a slip's refusal; None.

    $1T against $6.72M of quotas had been offered $1B, itself refused as 149 times the quotas.
    """
    readings = [plan * 1e3**k for k in (-3, -2, -1, 1, 2, 3)]
    fitting = [r for r in readings if 1 / PLAN_SLIP <= r / quotas <= PLAN_SLIP]
    return min(fitting, key=lambda r: abs(math.log(r / quotas)), default=None)


def validate_scenario(
    config: ScenarioConfig, prefix: str = "", *, allow_large: bool = False, horizon_shifted: bool = False
) -> None:
    """Check a parsed scenario as a whole.

    Args:
        config: The parsed scenario.
        prefix: Prepended to every key in messages (e.g. ``"scenario specialist: "``).
        allow_large: ``runner.allow_large``: run above the size budget (the hard limits stay).
        horizon_shifted: The horizon was set by an override (the command line, a scenario's
            own), so hires dated beyond it are left out of the run rather than refused.

    Raises:
        ConfigError: With every issue found.
    """
    issues: list[ConfigIssue] = []
    _check_references(config, issues)
    issues.extend(check_size(config, allow_large))
    _warn_about_shape(config)
    stage_names = tuple(stage.name for stage in config.pipeline.stages)
    issues.extend([*config.forecast.check(stage_names), *config.sla.check(stage_names)])
    teams = {name: team.role for name, team in config.org.teams.items()}
    check_workforce(config.workforce, teams, issues)
    if not horizon_shifted:
        issues.extend(
            hires_beyond_horizon(
                config.workforce, config.clock.calendar(), config.clock.horizon_days, config.clock.warmup_days
            )
        )
    check_pipelines(config, issues)
    market, org = config.market, config.org
    attribute_issues = check_lead_attributes(market.attributes, market.segments)
    pods = {name: team.pod for name, team in org.teams.items()}
    pod_issues = check_pods(pods, org.overflow, market.attributes, market.segments)
    issues.extend([*attribute_issues, *pod_issues])
    if not attribute_issues:
        issues.extend(check_routing_coverage(_serves_as_meant(config, pod_issues)))
    issues.extend(check_pod_reach(config))
    _check_dated_features(config, issues)
    _check_plan_size(config, issues)
    if issues:
        if prefix:
            issues = [ConfigIssue(prefix + i.key, i.value, i.allowed) for i in issues]
        raise ConfigError(issues)
