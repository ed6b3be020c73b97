"""One replication = one function call: a compiled scenario and a seed in, KPIs out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.engines.choice import simulate
from simulator.model.metrics import MonthlySeries, kpi_row, monthly_series
from simulator.model.planning import planning_tables
from simulator.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class ReplicationResult:
    """The KPI row and monthly series of one replication of one scenario."""

    scenario: str
    replication: int
    kpis: dict[str, float]
    monthly: MonthlySeries
    tables: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # tidy extra tables by name


def run_replication(scenario: Scenario, seed: int, replication: int, engine: str = "auto") -> ReplicationResult:
    """Simulate replication ``replication`` of ``scenario`` under root seed ``seed``.

    The same (scenario, seed, replication) always gives identical numbers, in any
    process: every draw comes from ``SeedSequence(seed, spawn_key=(replication, ...))``.
    ``engine`` is ``auto`` (the fast engine when it covers the scenario, else the SimPy
    engine), ``simpy`` or ``fast`` (see :mod:`simulator.engines.choice`).
    """
    run = simulate(scenario, seed, replication, engine)
    return ReplicationResult(scenario.name, replication, kpi_row(run), monthly_series(run), planning_tables(run))
