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

Routing (:mod:`simulator.config.pod_routing`) generalises today's rule to the lead's
attributes: a stage of a lead goes to the first team, in this order, that serves the
lead: the team named in ``org.routing`` for the stage, then its sibling pods (the teams
with the same role), the teams whose role is the stage's role (in config order),
``default_team`` and its sibling pods. With no ``serves`` anywhere every team serves
every lead and routing is today's.

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

import difflib
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from simulator.config.errors import ConfigIssue
from simulator.config.fields import ConfigModel
from simulator.config.lead_attributes import UNSET, LeadAttributesConfig

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
                    close = difflib.get_close_matches(str(value), list(values), n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    hint = hint if values != (UNSET,) else f" (configure market's {attribute} values first)"
                    issues.append(ConfigIssue(key, value, f"must be one of {', '.join(values)}{hint}"))
    rules = {f"org.teams.{t}.overflow": p.overflow for t, p in teams.items()}
    rules["org.overflow"] = overflow
    for key, rule in rules.items():
        if rule is not None and rule.to != ANY_POD and rule.to not in teams:
            allowed = f"must be {ANY_POD} or a team of the org: {', '.join(teams)}"
            issues.append(ConfigIssue(f"{key}.to", rule.to, allowed))
    return issues
