"""Sector, geography and product of every lead, and the *slice* that routing reads.

Compiled form of :mod:`simulator.config.lead_attributes`. A lead's attributes are drawn
at arrival from their own stream (``Stream.LEAD_PROFILE``, sub-keyed by attribute), so
configuring them never shifts the draws of anything else: arrivals, segments, deal
values and every stage's luck stay the same lead for lead.

The *slice* of a lead numbers its combination of attributes:
``((segment * n_sectors + sector) * n_geographies + geography) * n_products + product``.
Routing and the pods' conversion shifts are tables indexed by slice, computed once when
the scenario compiles, so the engine keeps indexing a table as it did by segment. With
no attribute configured there is one sector, geography and product and the slice is
the segment.

Modelling assumptions:
- A product multiplies the deal value, the buyer's delay after every stage (its cycle)
  and the rep effort at every stage; the multipliers scale the lead's own draws, so the
  same lead keeps its luck whatever the product mix.
- A product's conversion shift adds to the logit at every stage, as a source's lift does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.config.lead_attributes import LeadAttributesConfig
from simulator.model import sampling
from simulator.model.streams import Stream, stream

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

PROFILE_ATTRIBUTES = ("sector", "geography", "product")


@dataclass(frozen=True, slots=True)
class LeadProfile:
    """Attribute values, their cumulative weights per segment, and the products' multipliers."""

    sector_names: tuple[str, ...]
    geography_names: tuple[str, ...]
    product_names: tuple[str, ...]
    cumulative: tuple[FloatArray, FloatArray, FloatArray]  # per attribute: (G, values) cumulative weights
    product_value_multiplier: FloatArray  # (P,)
    product_cycle_multiplier: FloatArray  # (P,)
    product_effort_multiplier: FloatArray  # (P,)
    product_logit_shift: FloatArray  # (P,)
    products_configured: bool  # products named in the config (per-product KPIs are reported)

    def names(self, attribute: str) -> tuple[str, ...]:
        """The values of ``sector``, ``geography`` or ``product``."""
        return (self.sector_names, self.geography_names, self.product_names)[PROFILE_ATTRIBUTES.index(attribute)]

    def n_slices(self, n_segments: int) -> int:
        """Number of attribute combinations."""
        return n_segments * len(self.sector_names) * len(self.geography_names) * len(self.product_names)

    def slice_attributes(self, n_segments: int) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Segment, sector, geography and product index of every slice, shape (X,) each."""
        shape = (n_segments, len(self.sector_names), len(self.geography_names), len(self.product_names))
        grid = np.indices(shape).reshape(4, -1).astype(np.int64)
        return grid[0], grid[1], grid[2], grid[3]

    def slice_of(self, segment: IntArray, sector: IntArray, geography: IntArray, product: IntArray) -> IntArray:
        """The slice index of leads with these attribute indices."""
        n_sec, n_geo, n_prod = len(self.sector_names), len(self.geography_names), len(self.product_names)
        result: IntArray = ((segment * n_sec + sector) * n_geo + geography) * n_prod + product
        return result


def _cumulative(config: LeadAttributesConfig, attribute: str, segments: tuple[str, ...]) -> FloatArray:
    names = config.names(attribute)
    table = np.empty((len(segments), len(names)))
    for g, segment in enumerate(segments):
        weights = config.weights(attribute, segment)
        row = np.array([weights.get(name, 0.0) for name in names], dtype=np.float64)
        table[g] = np.cumsum(row / row.sum())
        table[g, -1] = 1.0
    return table


def compile_lead_profile(config: LeadAttributesConfig, segments: tuple[str, ...]) -> LeadProfile:
    """The array form of the attribute section for a market with these segments."""
    products = config.names("product")

    def figure(name: str) -> FloatArray:
        return np.array(
            [
                getattr(config.products[p], name)
                if p in config.products
                else (0.0 if name == "conversion_shift" else 1.0)
                for p in products
            ],
            dtype=np.float64,
        )

    return LeadProfile(
        sector_names=config.names("sector"),
        geography_names=config.names("geography"),
        product_names=products,
        cumulative=(
            _cumulative(config, "sector", segments),
            _cumulative(config, "geography", segments),
            _cumulative(config, "product", segments),
        ),
        product_value_multiplier=figure("deal_value_multiplier"),
        product_cycle_multiplier=figure("cycle_multiplier"),
        product_effort_multiplier=figure("effort_multiplier"),
        product_logit_shift=figure("conversion_shift"),
        products_configured=bool(config.products),
    )


def draw_lead_profile(
    profile: LeadProfile, segment: IntArray, seed: int, replication: int, *key: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Sector, geography and product index of every lead, given its segment.

    Each attribute has its own sub-stream and draws one uniform per lead whatever the
    segment, so the draws of one attribute never depend on another's configuration. An
    attribute with a single value draws nothing. ``key`` names a further sub-stream for
    leads drawn apart from the market's own (the lead slots of a fed source).
    """
    n = segment.shape[0]
    drawn: list[IntArray] = []
    for a, cumulative in enumerate(profile.cumulative):
        if cumulative.shape[1] == 1:
            drawn.append(np.zeros(n, dtype=np.int64))
            continue
        u = sampling.uniform_array(stream(seed, replication, Stream.LEAD_PROFILE, a, *key), n)
        index = np.zeros(n, dtype=np.int64)  # the lead's cumulative shares at most u, one column at a time
        for column in cumulative.T:  # (a sum over an (N, values) comparison is about 3 times slower)
            index += u >= column[segment]
        drawn.append(np.minimum(index, cumulative.shape[1] - 1))
    return drawn[0], drawn[1], drawn[2]


def apply_products(
    profile: LeadProfile, product: IntArray, value: FloatArray, effort: FloatArray, delay: FloatArray
) -> FloatArray:
    """Scale each lead's drawn effort and buyer delay (in place, stage-major) and return its deal value.

    Nothing changes when no product is configured, so today's leads keep their exact numbers.
    """
    if not profile.products_configured:
        return value
    effort *= profile.product_effort_multiplier[product]
    delay *= profile.product_cycle_multiplier[product]
    scaled: FloatArray = value * profile.product_value_multiplier[product]
    return scaled
