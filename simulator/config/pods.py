"""Pods: teams that serve a slice of the leads, a specialist's uplift, and the overflow rule.

A team may declare which leads it serves by their attributes (segment, sector,
geography, product)::

    org:
      teams:
        platform_ae:
          role: ae
          headcount: 3
          serves: {product: [platform]}
          specialist_uplift: 0.0
      overflow: {to: any_pod, wait_days: 3}

Routing generalises today's rule to the lead's attributes: a stage of a lead goes to the
first team, in this order, that serves the lead: the team named in ``org.routing`` for
the stage, then its sibling pods (the teams with the same role), the teams whose role is
the stage's role (in config order), ``default_team`` and its sibling pods. With no
``serves`` anywhere every team serves every lead and routing is today's.

A team that serves only some products is a *product specialist*: it converts its own
products with ``specialist_uplift`` added to the logit (BENCHMARKS.md: no quantified
evidence of such an uplift exists, so the default is neutral, 0). A team serving every
product gets none.

The overflow rule sends a lead entering a pod to another pod when the pod's queue holds
``queue_length`` items or more, or its oldest queued item has waited ``wait_days`` or
more; the receiving pod is ``to`` (a team) or, with ``any_pod``, the team able to work
the stage with the fewest queued items per rep. Work only moves to a pod with fewer
queued items per rep than the one it leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from simulator.config.errors import ConfigIssue
from simulator.config.fields import ConfigModel
from simulator.config.lead_attributes import UNSET, LeadAttributesConfig

if TYPE_CHECKING:
    from simulator.config.schema import OrgConfig, ScenarioConfig, StageConfig

ATTRIBUTES = ("segment", "sector", "geography", "product")
TEAM_POD_KEYS = ("serves", "specialist_uplift", "overflow")
ANY_POD = "any_pod"


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


NameList = Annotated[list[str] | None, BeforeValidator(_as_list)]


class ServesConfig(ConfigModel):
    """The slice of leads a team serves; an attribute left out (or null) means every value."""

    segment: NameList = Field(default=None, description="segments served")
    sector: NameList = Field(default=None, description="sectors served")
    geography: NameList = Field(default=None, description="geographies served")
    product: NameList = Field(default=None, description="products served")

    @property
    def restricted(self) -> bool:
        """True if the team serves only part of the leads (it is a pod)."""
        return any(getattr(self, a) is not None for a in ATTRIBUTES)

    def admits(self, lead: Mapping[str, str]) -> bool:
        """True if a lead with these attribute values is served."""
        for attribute in ATTRIBUTES:
            allowed = getattr(self, attribute)
            if allowed is not None and lead[attribute] not in allowed:
                return False
        return True


class OverflowConfig(ConfigModel):
    """When a pod passes work on, and to whom."""

    to: str = Field(default=ANY_POD, description="a team name, or any_pod: the least loaded pod able to work the stage")
    queue_length: int | None = Field(
        default=None, ge=1, description="overflow when the pod's queue holds this many items"
    )
    wait_days: float | None = Field(
        default=None,
        gt=0.0,
        allow_inf_nan=False,
        description="overflow when the pod's oldest queued item waited this long",
    )

    @model_validator(mode="after")
    def _one_threshold(self) -> OverflowConfig:
        if self.queue_length is None and self.wait_days is None:
            raise ValueError("needs queue_length, wait_days or both")
        return self


class TeamPodConfig(ConfigModel):
    """The pod settings of one team (all neutral by default: the team serves every lead)."""

    serves: ServesConfig = Field(default_factory=lambda: ServesConfig(), description="the leads this team serves")
    specialist_uplift: float = Field(
        default=0.0, allow_inf_nan=False, description="logit added when a product specialist works its own product"
    )
    overflow: OverflowConfig | None = Field(default=None, description="this team's overflow rule (else org.overflow)")

    def specialises_in(self, product: str) -> bool:
        """True if the team serves only some products and ``product`` is one of them."""
        return self.serves.product is not None and product in self.serves.product


def attribute_names(attributes: LeadAttributesConfig, segments: Mapping[str, float]) -> dict[str, tuple[str, ...]]:
    """Every value of every attribute, in config order."""
    return {
        "segment": tuple(segments),
        "sector": attributes.names("sector"),
        "geography": attributes.names("geography"),
        "product": attributes.names("product"),
    }


def check_pods(
    teams: Mapping[str, TeamPodConfig],
    overflow: OverflowConfig | None,
    attributes: LeadAttributesConfig,
    segments: Mapping[str, float],
) -> list[ConfigIssue]:
    """Cross-checks: served values exist in the market, overflow targets are teams."""
    issues: list[ConfigIssue] = []
    known = attribute_names(attributes, segments)
    for team, pod in teams.items():
        for attribute in ATTRIBUTES:
            served = getattr(pod.serves, attribute)
            if served is None:
                continue
            key = f"org.teams.{team}.serves.{attribute}"
            if not served:
                issues.append(ConfigIssue(key, served, "must list at least one value (leave it out to serve all)"))
            values = known[attribute]
            for value in served:
                if value not in values:
                    hint = "" if values != (UNSET,) else f" (configure market's {attribute} values first)"
                    issues.append(ConfigIssue(key, value, f"must be one of {values}{hint}"))
    rules = {f"org.teams.{t}.overflow": p.overflow for t, p in teams.items()}
    rules["org.overflow"] = overflow
    for key, rule in rules.items():
        if rule is not None and rule.to != ANY_POD and rule.to not in teams:
            allowed = f"must be {ANY_POD} or a team of the org: {', '.join(teams)}"
            issues.append(ConfigIssue(f"{key}.to", rule.to, allowed))
    return issues


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
    issues: list[ConfigIssue] = []
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
            shown = "; ".join(missing[:3]) + (f"; and {len(missing) - 3} more" if len(missing) > 3 else "")
            candidates = ", ".join(candidate_teams(org, stage)) or "none"
            allowed = (
                f"no team serves leads ({shown}) at stage {stage.name} (teams able to work it: {candidates}); "
                "widen a team's serves or route the stage to a team that serves them"
            )
            issues.append(ConfigIssue(f"org.routing.{stage.name}", org.routing.get(stage.name), allowed))
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
