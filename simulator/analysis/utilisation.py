"""How busy each team is with queued work, apart from the prospecting that fills its idle time.

A team's ``utilisation_<team>`` counts every hour of selling time it spent working. Teams
with prospecting or partner duty turn idle time into that work (DESIGN.md: "reps with
prospecting duty turn idle or reserved time into new outbound leads"), so they are near 100%
busy whatever their queues, unless that work runs out: a partner manager's is the enablement
of the partners it can hold (partner_channel's is ~75% busy in all). Their *load* is the
share spent on queued work: new-business deals, renewals and expansions
(``utilisation_<team>_<pipeline>`` for those pipelines). The 70-85% planning range
(BENCHMARKS.md) applies to that load. Hours a team *reserves* for prospecting
(``time_allocation.reserved_hours_per_week``) come first whatever waits, so they are not
idle time: its load is then its queued work over the selling time the blocks leave
(:func:`reserved_shares`). prospecting_time's AEs with 6 hours a week blocked (a third of
their 18 selling hours) spent 61% of their selling time on deals, 92% of what the blocks
left them, while 53% of the leads reaching them leaked: "the busiest team is the CSM team,
busy 75.3%: no team is overloaded" had read their load as 61%.

Every figure is computed per run and then averaged, so the load carries its own 95%
interval (the proportion kind of :mod:`simulator.analysis.quantities`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.analysis.kpi_names import PIPELINE_SUFFIXES, UTILISATION_PREFIX, team_utilisation_kpis
from simulator.analysis.statistics import kpi_interval
from simulator.config.org import TeamConfig
from simulator.run.experiment import ExperimentResult

QUEUED_PIPELINES = ("sales", "renewal", "expansion")
"""Pipelines whose work waits in a queue for a rep: they load a team."""
POOL_PIPELINES = ("prospecting", "partner")
"""Pipelines whose work fills whatever time the queues leave."""


@dataclass(frozen=True, slots=True)
class TeamLoad:
    """One team of one scenario: its load (queued work) with a 95% CI, and the time that fills the rest.

    Attributes:
        team: The team's key (``full_cycle``).
        load: Mean share of selling time on queued work (deals, renewals, expansions).
        load_low: Lower end of its 95% CI (NaN with fewer than two runs).
        load_high: Upper end of its 95% CI.
        filler: Mean share of selling time on prospecting and partner work (reserved blocks and idle time).
        has_filler: True when the team does prospecting or partner work at all.
        reserved: Share of selling time the team reserves for prospecting or partner work; the
            load is then over the rest (queued work / (1 - reserved)).
        works: The queued pipelines the team spent time on (``sales``, ``renewal``, ``expansion``),
            in that order; empty when the runs give no per-pipeline figures.
    """

    team: str
    load: float
    load_low: float
    load_high: float
    filler: float
    has_filler: bool
    reserved: float = 0.0
    works: tuple[str, ...] = ()


DAYS_PER_WEEK = 5.0  # the engines' working week (simulator.model.multi_pipeline)


def selling_hours_per_week(team: TeamConfig) -> float:
    """A ramped rep's selling hours a week: hours a day x the selling share x 5 (8 x 0.45 x 5 = 18)."""
    return float(team.hours_per_day) * float(team.selling_fraction) * DAYS_PER_WEEK


def reserved_shares(teams: Mapping[str, TeamConfig]) -> dict[str, float]:
    """Per team, the share of its selling hours reserved for pool work (prospecting blocks): 3 of 18 is 1/6."""
    shares = {}
    for name, team in teams.items():
        hours = sum(team.time_allocation.reserved_hours_per_week.values())
        selling = selling_hours_per_week(team)
        if hours > 0 and selling > 0:
            shares[name] = min(hours / selling, 1.0)
    return shares


def reserved_by_scenario(result: ExperimentResult) -> dict[str, dict[str, float]]:
    """Scenario -> team -> the share of its selling time it reserves (:func:`reserved_shares`; none: left out)."""
    return {s.name: reserved_shares(s.config.org.teams) for s in result.experiment.scenarios}


def idle_filler(load: TeamLoad) -> float:
    """The pool work that fills idle time, as a share of the selling time the load is over.

    Without reserved hours, all of :attr:`TeamLoad.filler`; with them, what the team spent on
    pool work beyond its reserved share, over the time those hours leave (the reserved hours
    are not idle time and are not part of the time the load is a share of).
    """
    if load.reserved <= 0.0 or not math.isfinite(load.filler):
        return load.filler
    return max(load.filler - load.reserved, 0.0) / (1.0 - load.reserved)


def selling_time_words(load: TeamLoad) -> str:
    """What a load is a share of: ``its selling time``, or ``the 67% of its selling time its reserved ... leave``."""
    if load.reserved > 0:
        return f"the {1.0 - load.reserved:.0%} of its selling time its reserved prospecting hours leave"
    return "its selling time"


def _columns(runs: pd.DataFrame, team: str, pipelines: tuple[str, ...]) -> list[str]:
    return [f"{UTILISATION_PREFIX}{team}_{p}" for p in pipelines if f"{UTILISATION_PREFIX}{team}_{p}" in runs.columns]


def team_loads(
    replications: pd.DataFrame, scenario: str, draws: int = 0, reserved: Mapping[str, float] | None = None
) -> list[TeamLoad]:
    """The load of every team of ``scenario`` (teams absent from it, all NaN, are left out).

    Args:
        replications: One row per scenario x replication with ``utilisation_*`` columns.
        scenario: The scenario.
        draws: Parameter draws the runs cycle through (run r on draw r mod it); with
            more runs than draws, a load's interval is over the draws' means.
        reserved: Per team, the share of selling time it reserves (:func:`reserved_shares`);
            such a team's load is over the time the reserved blocks leave.

    Returns:
        One :class:`TeamLoad` per team, in column order. A team without per-pipeline
        columns is loaded by its whole utilisation.
    """
    if "scenario" not in replications.columns:
        return []
    runs = replications[replications["scenario"] == scenario]
    teams = team_utilisation_kpis([str(c) for c in runs.columns if str(c).startswith(UTILISATION_PREFIX)])
    loads = []
    for kpi in teams:
        if not runs[kpi].notna().any():
            continue
        team = kpi.removeprefix(UTILISATION_PREFIX)
        queued, pool = _columns(runs, team, QUEUED_PIPELINES), _columns(runs, team, POOL_PIPELINES)
        values = runs[queued].sum(axis=1, min_count=1) if queued else runs[kpi]
        blocked = (reserved or {}).get(team, 0.0)
        if 0.0 < blocked < 1.0:
            values = (values / (1.0 - blocked)).clip(upper=1.0)
        filler = runs[pool].sum(axis=1, min_count=1) if pool else pd.Series(np.zeros(len(runs)), index=runs.index)
        interval = kpi_interval(
            kpi, values.to_numpy(dtype=float), replications=runs["replication"].to_numpy(), draws=draws
        )
        mean_filler = float(np.nanmean(filler.to_numpy(dtype=float))) if len(filler) else math.nan
        loads.append(
            TeamLoad(
                team,
                interval.mean,
                interval.ci_low,
                interval.ci_high,
                mean_filler,
                bool(pool) and mean_filler > 0,
                blocked if 0.0 < blocked < 1.0 else 0.0,
                tuple(
                    c.removeprefix(f"{UTILISATION_PREFIX}{team}_") for c in queued if runs[c].fillna(0.0).gt(0).any()
                ),
            )
        )
    return loads


QUEUED_WORDS = {"sales": "deals", "renewal": "renewals", "expansion": "expansions"}
"""A queued pipeline's work in words."""


def queued_words(load: TeamLoad) -> str:
    """``deals`` for a full-cycle team, ``renewals and expansions`` for CSMs: the queued work the team did.

    All three when the runs say nothing per pipeline (or the team did none).
    """
    works = [QUEUED_WORDS[w] for w in load.works if w in QUEUED_WORDS] or list(QUEUED_WORDS.values())
    return works[0] if len(works) == 1 else ", ".join(works[:-1]) + " and " + works[-1]


def is_per_pipeline(kpi: str, kpis: set[str]) -> bool:
    """True for ``utilisation_<team>_<pipeline>`` when ``utilisation_<team>`` is among ``kpis``."""
    return any(kpi.endswith(x) and kpi.removesuffix(x) in kpis for x in PIPELINE_SUFFIXES)


def queued_work(summary: pd.DataFrame, scenario: str) -> list[tuple[str, float, float, float, bool]]:
    """Per team, from the summary's means alone: (team, load, ci_low, ci_high, has_filler).

    The load is the team's utilisation minus its prospecting and partner shares; its CI is
    given only when nothing had to be taken off (the summary has no per-run figures; see
    :func:`team_loads` for the load's own interval).
    """
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(UTILISATION_PREFIX)]
    means = {str(r["kpi"]): r for _, r in rows[rows["mean"].notna()].iterrows()}
    found = []
    for kpi in team_utilisation_kpis(list(means)):
        row = means[kpi]
        pool = sum(float(means[f"{kpi}_{p}"]["mean"]) for p in POOL_PIPELINES if f"{kpi}_{p}" in means)
        load = float(row["mean"]) - pool
        low, high = (float(row["ci_low"]), float(row["ci_high"])) if pool <= 0 else (math.nan, math.nan)
        found.append((kpi.removeprefix(UTILISATION_PREFIX), load, low, high, pool > 0))
    return found
