"""Pods compiled: routing by (stage, slice), conversion shifts by (team, slice), overflow rules.

See :mod:`simulator.config.pods` for the rules and :mod:`simulator.model.lead_attributes`
for slices. Everything here is computed once per scenario; the engine indexes tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.config.pod_routing import candidate_teams, team_serving
from simulator.config.pods import ANY_POD
from simulator.config.schema import ScenarioConfig
from simulator.model.lead_attributes import LeadProfile

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

NO_OVERFLOW = -1
TO_ANY_POD = -2


@dataclass(frozen=True, slots=True)
class PodTables:
    """What the engine needs about pods, as arrays over teams (T), stages (S) and slices (X)."""

    team_is_pod: NDArray[np.bool_]  # (T,) the team serves only part of the leads
    team_logit: FloatArray  # (T, X) product conversion shift + specialist uplift, added at every stage
    overflow_target: IntArray  # (T,) NO_OVERFLOW, TO_ANY_POD or a team index
    overflow_queue_length: FloatArray  # (T,) inf when the rule has no queue threshold
    overflow_wait_days: FloatArray  # (T,) inf when the rule has no wait threshold
    stage_team_eligible: NDArray[np.bool_]  # (S, T) the team may work the stage (ignoring what it serves)

    @property
    def overflow_enabled(self) -> bool:
        """True if any team has an overflow rule."""
        return bool((self.overflow_target != NO_OVERFLOW).any())


def _slice_leads(config: ScenarioConfig, profile: LeadProfile) -> list[dict[str, str]]:
    segments = tuple(config.market.segments)
    seg, sec, geo, prod = profile.slice_attributes(len(segments))
    return [
        {
            "segment": segments[g],
            "sector": profile.sector_names[a],
            "geography": profile.geography_names[b],
            "product": profile.product_names[c],
        }
        for g, a, b, c in zip(seg.tolist(), sec.tolist(), geo.tolist(), prod.tolist(), strict=True)
    ]


def compile_routing(config: ScenarioConfig, profile: LeadProfile, team_names: tuple[str, ...]) -> IntArray:
    """(S, X) team index working each stage for each slice of leads.

    A slice no team serves can only be one the market never sends (validation checks
    the others); it falls back to the stage's team regardless of pods.
    """
    org = config.org
    leads = _slice_leads(config, profile)
    routing = np.empty((len(config.pipeline.stages), len(leads)), dtype=np.int64)
    for s, stage in enumerate(config.pipeline.stages):
        fallback = org.team_for(stage)
        assert fallback is not None, "validate_scenario guarantees every stage is routed"
        for x, lead in enumerate(leads):
            team = team_serving(org, stage, lead)
            routing[s, x] = team_names.index(team if team is not None else fallback)
    return routing


def compile_pods(config: ScenarioConfig, profile: LeadProfile, team_names: tuple[str, ...]) -> PodTables:
    """The per-team pod tables of a validated scenario."""
    org = config.org
    teams = [org.teams[name] for name in team_names]
    n_segments = len(config.market.segments)
    _, _, _, product = profile.slice_attributes(n_segments)
    team_logit = np.tile(profile.product_logit_shift[product], (len(teams), 1))
    target = np.full(len(teams), NO_OVERFLOW, dtype=np.int64)
    queue_length = np.full(len(teams), math.inf)
    wait_days = np.full(len(teams), math.inf)
    for t, team in enumerate(teams):
        pod = team.pod
        if pod.specialist_uplift != 0.0:
            own = np.array([pod.specialises_in(p) for p in profile.product_names], dtype=np.bool_)
            team_logit[t] += pod.specialist_uplift * own[product]
        rule = pod.overflow if pod.overflow is not None else org.overflow
        if rule is None or (not pod.serves.restricted and pod.overflow is None):
            continue  # org.overflow applies to pods only; a team's own rule applies to it anyway
        target[t] = TO_ANY_POD if rule.to == ANY_POD else team_names.index(rule.to)
        if rule.queue_length is not None:
            queue_length[t] = float(rule.queue_length)
        if rule.wait_days is not None:
            wait_days[t] = float(rule.wait_days)
    eligible = np.zeros((len(config.pipeline.stages), len(teams)), dtype=np.bool_)
    for s, stage in enumerate(config.pipeline.stages):
        for name in candidate_teams(org, stage):
            eligible[s, team_names.index(name)] = True
    return PodTables(
        team_is_pod=np.array([team.pod.serves.restricted for team in teams], dtype=np.bool_),
        team_logit=team_logit,
        overflow_target=target,
        overflow_queue_length=queue_length,
        overflow_wait_days=wait_days,
        stage_team_eligible=eligible,
    )
