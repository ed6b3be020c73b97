"""The starting state compiled: the open deals of day 0 as arrays (see :mod:`simulator.model.initial_pipeline`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config.schema import ScenarioConfig
from simulator.model.kernel import FloatArray, IntArray
from simulator.model.lead_attributes import LeadProfile


@dataclass(frozen=True, slots=True)
class InitialDeals:
    """The open deals of day 0, shape (M,); -1 marks an attribute or owner left to draw."""

    stage: IntArray
    age_days: FloatArray
    amount: FloatArray
    owner: IntArray  # global rep index (reps numbered team by team), -1: the team's rule
    segment: IntArray
    sector: IntArray
    geography: IntArray
    product: IntArray
    no_decision: FloatArray  # (M,) prior no-decision share, NaN: the stage's

    @property
    def size(self) -> int:
        """Number of starting deals."""
        return int(self.stage.shape[0])


def compile_initial(
    config: ScenarioConfig, profile: LeadProfile, segment_names: tuple[str, ...], rep_names: tuple[str, ...]
) -> InitialDeals | None:
    """The compiled starting state (None without one); names become indices."""
    start = config.initial_pipeline
    if start is None or start.size == 0:
        return None
    n = start.size
    stages = tuple(s.name for s in config.pipeline.stages)

    def index(values: list[str], names: tuple[str, ...]) -> IntArray:
        if not values:
            return np.full(n, -1, dtype=np.int64)
        where: dict[str, int] = {}
        for i, name in enumerate(names):
            where.setdefault(name, i)  # the first of a repeated name, as names.index
        return np.array([where[v] if v else -1 for v in values], dtype=np.int64)

    return InitialDeals(
        stage=index(start.stage, stages),
        age_days=np.array(start.age_days, dtype=np.float64),
        amount=np.array(start.amount, dtype=np.float64),
        owner=_owners(start.owner, rep_names, n),
        segment=index(start.segment, segment_names),
        sector=index(start.sector, profile.sector_names),
        geography=index(start.geography, profile.geography_names),
        product=index(start.product, profile.product_names),
        no_decision=np.array(start.no_decision, dtype=np.float64) if start.no_decision else np.full(n, np.nan),
    )


def _owners(owners: list[str], rep_names: tuple[str, ...], n: int) -> IntArray:
    """Each starting deal's owner as a rep index; -1 (the team's rule) for none, or for a named rep who left.

    The config check admits only named reps (``org.teams.<team>.reps``), those set to null
    included: a rep who left before day 0 has no seat, so its deals are dealt as a leaver's.
    """
    if not owners:
        return np.full(n, -1, dtype=np.int64)
    seats = {name: i for i, name in enumerate(rep_names) if name}
    return np.array([seats.get(owner, -1) for owner in owners], dtype=np.int64)
