"""Routing leads to pods: which teams may work a stage, which one serves a lead, and checks of both.

The order (see :mod:`simulator.config.pods` for the pods themselves): the team named in
``org.routing`` for the stage and its sibling pods (the teams with the same role), the
teams whose role is the stage's role (in config order), then ``default_team`` and its
sibling pods; the first of them whose ``serves`` admits the lead works the stage.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.config.errors import ConfigIssue
from simulator.config.lead_attributes import UNSET
from simulator.config.org import OrgConfig
from simulator.config.pods import ANY_POD, attribute_names
from simulator.config.schema import ScenarioConfig, StageConfig


def candidate_teams(org: OrgConfig, stage: StageConfig) -> list[str]:
    """Teams that may work ``stage``, in routing order, whatever the lead.

    The team named in ``org.routing`` and its sibling pods (teams of the same role),
    then the teams whose role is the stage's role (in config order), then
    ``default_team`` and its sibling pods; names that are not teams are skipped.
    """

    def with_siblings(name: str) -> list[str]:
        if name not in org.teams:
            return []
        role = org.teams[name].role
        return [name] + [other for other, team in org.teams.items() if team.role == role and other != name]

    order: list[str] = []
    if stage.name in org.routing:
        order.extend(with_siblings(org.routing[stage.name]))
    order.extend(name for name, team in org.teams.items() if team.role == stage.role)
    if org.default_team is not None:
        order.extend(with_siblings(org.default_team))
    seen: list[str] = []
    for name in order:
        if name not in seen:
            seen.append(name)
    return seen


def team_serving(org: OrgConfig, stage: StageConfig, lead: Mapping[str, str]) -> str | None:
    """The team that works ``stage`` for a lead with these attribute values (None if none serves it)."""
    for name in candidate_teams(org, stage):
        if org.teams[name].pod.serves.admits(lead):
            return name
    return None


def check_routing_coverage(config: ScenarioConfig) -> list[ConfigIssue]:
    """Every stage must have a team for every kind of lead the market can send (positive weight)."""
    market, org = config.market, config.org
    if not any(team.pod.serves.restricted for team in org.teams.values()):
        return []
    names = attribute_names(market.attributes, market.segments)
    gaps: dict[tuple[tuple[str, ...], str], list[str]] = {}  # (leads unserved, teams able) -> stages
    for stage in config.pipeline.stages:
        missing: list[str] = []
        for segment in names["segment"]:
            if not market.segments[segment] > 0:
                continue
            weights = {a: market.attributes.weights(a, segment) for a in ("sector", "geography", "product")}
            for sector in names["sector"]:
                for geography in names["geography"]:
                    for product in names["product"]:
                        lead = {"segment": segment, "sector": sector, "geography": geography, "product": product}
                        if min(weights[a].get(lead[a], 0.0) for a in weights) <= 0:
                            continue
                        if team_serving(org, stage, lead) is None:
                            missing.append(", ".join(f"{a}={v}" for a, v in lead.items() if v != UNSET))
        if missing:
            gaps.setdefault((tuple(missing), ", ".join(candidate_teams(org, stage)) or "none"), []).append(stage.name)
    issues: list[ConfigIssue] = []
    for (unserved, candidates), stages in gaps.items():  # one issue for the stages one gap leaves unserved
        shown = "; ".join(unserved[:3]) + (f"; and {len(unserved) - 3} more" if len(unserved) > 3 else "")
        where = f"stage {stages[0]}" if len(stages) == 1 else f"stages {', '.join(stages[:-1])} and {stages[-1]}"
        them = "it" if len(stages) == 1 else "them"
        allowed = (
            f"no team serves leads ({shown}) at {where} (teams able to work {them}: {candidates}); "
            f"widen a team's serves or route the {where.split()[0]} to a team that serves them"
        )
        issues.append(ConfigIssue(f"org.routing.{stages[0]}", org.routing.get(stages[0]), allowed))
    return issues


def check_pod_reach(config: ScenarioConfig) -> list[ConfigIssue]:
    """Pod settings that could never act, and overflow that would send leads where they cannot go.

    ``serves`` or an overflow rule on a team that works no sales stage (it never receives
    leads); an overflow ``to`` the pod itself, or to a team that cannot work every sales
    stage the pod works (a CSM team, say). The candidates are listed in each message.
    """
    org = config.org
    able = {stage.name: candidate_teams(org, stage) for stage in config.pipeline.stages}
    works = {name: [stage for stage, teams in able.items() if name in teams] for name in org.teams}
    receiving = [name for name, stages in works.items() if stages]
    issues: list[ConfigIssue] = []
    for name, team in org.teams.items():
        if works[name]:
            continue
        why = (
            f"has no effect: team {name} works no stage of the sales pipeline, so it never receives leads "
            f"(teams that do: {', '.join(receiving)}); remove it, or route a stage to {name} in org.routing"
        )
        if team.serves.restricted:
            issues.append(ConfigIssue(f"org.teams.{name}.serves", team.serves.model_dump(exclude_none=True), why))
        if team.overflow is not None:
            issues.append(ConfigIssue(f"org.teams.{name}.overflow", team.overflow.model_dump(exclude_none=True), why))
    for name in receiving:
        rule = org.teams[name].overflow
        if rule is not None and rule.to in org.teams:
            issues.extend(_overflow_target_issues(f"org.teams.{name}.overflow.to", rule.to, [name], works, able, org))
    pods = [name for name in receiving if org.teams[name].serves.restricted and org.teams[name].overflow is None]
    if org.overflow is not None and org.overflow.to in org.teams and pods:
        issues.extend(_overflow_target_issues("org.overflow.to", org.overflow.to, pods, works, able, org))
    return issues


def _overflow_target_issues(
    key: str,
    to: str,
    pods: list[str],
    works: Mapping[str, list[str]],
    able: Mapping[str, list[str]],
    org: OrgConfig,
) -> list[ConfigIssue]:
    """An overflow rule naming team ``to`` for ``pods``: ``to`` must be none of them and work all their stages."""
    stages = list(dict.fromkeys(stage for pod in pods for stage in works[pod]))
    fit = [t for t in org.teams if t not in pods and all(t in able[s] for s in stages)]
    choices = (
        f"must be {ANY_POD} or a team able to work stage(s) {', '.join(stages)} that is not a pod the rule "
        f"applies to: {', '.join(fit) or 'none here'}"
    )
    if to in pods:
        own_rule = f"; or give team {to} an overflow rule of its own" if key == "org.overflow.to" else ""
        return [ConfigIssue(key, to, f"is pod {to} itself, so its overflow goes nowhere: {choices}{own_rule}")]
    missing = [s for s in stages if to not in able[s]]
    if not missing:
        return []
    served = ", ".join(pods)
    why = f"cannot take the leads of pod(s) {served}: team {to} does not work stage(s) {', '.join(missing)}"
    return [ConfigIssue(key, to, f"{why}; {choices}")]
