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

    Raises:
        TypeError: ``scenario`` is not a compiled :class:`~simulator.model.scenario.Scenario`
            (an experiment's ``ScenarioSpec`` is compiled by its ``compile()``).
        ValueError: An unknown ``engine``, ``fast`` for a scenario it does not cover, or a
            negative ``seed`` or ``replication``.
    """
    if not isinstance(scenario, Scenario):  # a ScenarioSpec had raised "no attribute 'for_replication'"
        hint = ": call its compile() first" if hasattr(scenario, "compile") else ""
        raise TypeError(f"run_replication takes a compiled Scenario, not a {type(scenario).__name__}{hint}")
    run = simulate(scenario, seed, replication, engine)
    return ReplicationResult(scenario.name, replication, kpi_row(run), monthly_series(run), planning_tables(run))
