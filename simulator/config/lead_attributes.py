"""Lead attributes drawn at arrival (sector, geography, product) and what products change.

A lead already has a segment (its size); this section adds a sector, a geography and a
product, each drawn from weights that may differ by segment (enterprise buyers choose
the platform more often than small businesses do). Products differ in deal value, in
the length of the buyer's cycle, in the rep effort they take and in conversion; a
"complex" product is one with a lower conversion and a longer cycle.

The keys live in the market section of a scenario::

    market:
      sectors: {software: 0.3, retail: 0.7}
      geographies: {europe: 0.4, north_america: 0.6}
      products:
        core: {weight: 0.65, deal_value_multiplier: 0.75}
        platform: {weight: 0.35, cycle_multiplier: 1.3, conversion_shift: -0.2}
      segment_mix:
        enterprise: {products: {core: 0.3, platform: 0.7}}

Every key is optional: with none of them, every lead has one sector, geography and
product called ``all``, nothing is drawn and the numbers of today's configs are unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field

from simulator.config.errors import ConfigIssue
from simulator.config.fields import ConfigModel

ATTRIBUTE_KEYS = ("sectors", "geographies", "products", "segment_mix")
UNSET = "all"  # the one value of an attribute that is not configured

Weight = Annotated[float, Field(ge=0.0, allow_inf_nan=False, description="a relative weight >= 0")]


class ProductConfig(ConfigModel):
    """A product line: how often it is bought and how its deals differ from the average."""

    weight: Weight = Field(description="relative share of leads asking for this product")
    deal_value_multiplier: float = Field(
        default=1.0, gt=0.0, allow_inf_nan=False, description="multiplies the deal value"
    )
    cycle_multiplier: float = Field(
        default=1.0, gt=0.0, allow_inf_nan=False, description="multiplies the buyer's delay after every stage"
    )
    effort_multiplier: float = Field(
        default=1.0, gt=0.0, allow_inf_nan=False, description="multiplies the rep effort at every stage"
    )
    conversion_shift: float = Field(
        default=0.0, allow_inf_nan=False, description="logit shift of the conversion at every stage"
    )
    description: str = ""


class SegmentMix(ConfigModel):
    """Weights that replace the market-wide ones for the leads of one segment."""

    sectors: dict[str, Weight] | None = None
    geographies: dict[str, Weight] | None = None
    products: dict[str, Weight] | None = None


class LeadAttributesConfig(ConfigModel):
    """Sectors, geographies and products of the market, with per-segment weights."""

    sectors: dict[str, Weight] = Field(default_factory=dict, description="sector -> weight")
    geographies: dict[str, Weight] = Field(default_factory=dict, description="geography -> weight")
    products: dict[str, ProductConfig] = Field(default_factory=dict, description="product -> its figures")
    segment_mix: dict[str, SegmentMix] = Field(
        default_factory=dict, description="segment -> weights replacing the market-wide ones"
    )

    @property
    def configured(self) -> bool:
        """True if any attribute beyond the segment is configured."""
        return bool(self.sectors or self.geographies or self.products)

    def names(self, attribute: str) -> tuple[str, ...]:
        """The values of ``sector``, ``geography`` or ``product`` (``("all",)`` when not configured)."""
        values: Mapping[str, object] = (
            self.sectors if attribute == "sector" else self.geographies if attribute == "geography" else self.products
        )
        return tuple(values) or (UNSET,)

    def weights(self, attribute: str, segment: str) -> dict[str, float]:
        """Weights of an attribute's values for leads of ``segment`` (not normalised)."""
        plural = {"sector": "sectors", "geography": "geographies", "product": "products"}[attribute]
        mix = self.segment_mix.get(segment)
        override = getattr(mix, plural) if mix is not None else None
        if override is not None:
            return {name: float(override.get(name, 0.0)) for name in self.names(attribute)}
        if attribute == "product":
            return {name: p.weight for name, p in self.products.items()} or {UNSET: 1.0}
        base: dict[str, float] = getattr(self, plural)
        return dict(base) or {UNSET: 1.0}


def check_lead_attributes(attributes: LeadAttributesConfig, segments: Mapping[str, float]) -> list[ConfigIssue]:
    """Cross-checks: per-segment weights name known segments and values, and every segment can draw one."""
    issues: list[ConfigIssue] = []
    plural = {"sector": "sectors", "geography": "geographies", "product": "products"}
    for segment, mix in attributes.segment_mix.items():
        key = f"market.segment_mix.{segment}"
        if segment not in segments:
            issues.append(ConfigIssue(key, mix.model_dump(), f"must name a segment: {', '.join(segments)}"))
            continue
        for attribute, name in plural.items():
            override = getattr(mix, name)
            if override is None:
                continue
            known = attributes.names(attribute)
            if known == (UNSET,):
                issues.append(
                    ConfigIssue(f"{key}.{name}", dict(override), f"needs market.{name} to be configured first")
                )
                continue
            for value in override:
                if value not in known:
                    issues.append(
                        ConfigIssue(f"{key}.{name}.{value}", override[value], f"must be one of {', '.join(known)}")
                    )
    for segment in segments:
        for attribute, name in plural.items():
            weights = attributes.weights(attribute, segment)
            if not math.fsum(weights.values()) > 0:
                where = (
                    f"market.segment_mix.{segment}.{name}" if segment in attributes.segment_mix else f"market.{name}"
                )
                issues.append(ConfigIssue(where, weights, f"weights for segment {segment} must add up to more than 0"))
    return issues
