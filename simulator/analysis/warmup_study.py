"""A warm-up study: run a scenario from day 0 for years, average its state, pick the warm-up.

``salesim warmup`` calls :func:`study_warmup` on an experiment's baseline: every
replication starts from the configured initial state with no warm-up, its daily state
series (:mod:`simulator.model.state_series`) are averaged over replications, and MSER-5
(:mod:`simulator.analysis.warmup`) gives each series' truncation point; the recommended
warm-up covers them all, rounded up to whole months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from simulator.analysis.warmup import (
    FloatArray,
    Truncation,
    Unresolved,
    recommended_warmup,
    truncations,
    unresolved,
)
from simulator.config.schema import ScenarioConfig
from simulator.engines.simpy import simulate
from simulator.model.scenario import compile_scenario
from simulator.model.state_series import daily_state


@dataclass(frozen=True, slots=True)
class WarmupStudy:
    """The averaged state of a scenario day by day and the warm-up it needs.

    Attributes:
        scenario: the scenario studied.
        runs: replications averaged.
        means: series name -> (days,) mean over replications at the middle of each day.
        truncations: MSER-5's truncation point per series.
        warmup_days: the recommended warm-up (working days, whole months).
        days_per_month: the calendar's mean month.
        unresolved: the series that did not count whose wobble over these runs could hide a
            transient that would (:func:`~simulator.analysis.warmup.unresolved`), with the runs
            that would tell.
        configured_days: the warm-up the scenario is run with now (``clock.warmup_days``), which
            the study sets aside to run from day 0; NaN when not known.
    """

    scenario: str
    runs: int
    means: dict[str, FloatArray]
    truncations: list[Truncation]
    warmup_days: float
    days_per_month: float
    unresolved: list[Unresolved] = field(default_factory=list)
    configured_days: float = math.nan

    @property
    def settled(self) -> bool:
        """True when every series with a material transient settles within the first half of the horizon."""
        return all(t.settled for t in self.truncations if t.material)


def study_warmup(config: ScenarioConfig, name: str, seed: int, runs: int, horizon_days: float) -> WarmupStudy:
    """Simulate ``runs`` replications of ``config`` from day 0 over ``horizon_days`` (no warm-up).

    Raises:
        ValueError: when the horizon is too short for MSER-5 (under 20 working days).
    """
    clock = config.clock.model_copy(update={"horizon_days": float(horizon_days), "warmup_days": 0.0})
    scenario = compile_scenario(config.model_copy(update={"clock": clock}), name)
    totals: dict[str, FloatArray] = {}
    counts: dict[str, FloatArray] = {}
    for replication in range(runs):
        for key, series in daily_state(simulate(scenario, seed, replication)).items():
            finite = np.isfinite(series)
            totals[key] = totals.get(key, np.zeros(series.size)) + np.where(finite, series, 0.0)
            counts[key] = counts.get(key, np.zeros(series.size)) + finite
    means = {
        key: np.divide(totals[key], counts[key], out=np.full(totals[key].size, np.nan), where=counts[key] > 0)
        for key in totals
    }
    found = truncations(means)
    month = scenario.calendar.days_per_month
    return WarmupStudy(
        name,
        runs,
        means,
        found,
        recommended_warmup(found, month),
        month,
        unresolved(found, means, runs),
        float(config.clock.warmup_days),
    )
