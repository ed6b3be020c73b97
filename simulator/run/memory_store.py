"""The results store kept in memory (no run folder): the same parts and tables as on disk, nothing written.

:class:`MemoryStore` is what the runner keeps finished batches in when it is given no run
directory (the Python API, tests); :class:`simulator.run.store.DirectoryStore` is its twin on disk.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.run.experiment import ReplicationFailure
from simulator.run.parts import Part, assemble, kpi_values_of, sorted_failures
from simulator.run.table_source import FrameTable, TableSource


class MemoryStore:
    """The results store kept in memory: same parts, same tables, nothing written."""

    def __init__(self) -> None:
        self._parts: dict[str, Part] = {}

    @property
    def location(self) -> str:
        """Where the parts are kept, for messages."""
        return "memory"

    def add(self, part: Part) -> None:
        """Keep a finished batch."""
        self._parts[part.name] = part

    def done(self) -> dict[int, set[int]]:
        """Scenario index -> replications already run (succeeded or failed)."""
        found: dict[int, set[int]] = {}
        for part in self._parts.values():
            found.setdefault(part.scenario_index, set()).update(range(part.first, part.last + 1))
        return found

    def kpi_values(self, scenario_index: int, kpi: str, below: int) -> tuple[np.ndarray, np.ndarray]:
        """The values of ``kpi`` in replications ``< below`` of a scenario, and their replications."""
        return kpi_values_of(
            (p.replications for _, p in sorted(self._parts.items()) if p.scenario_index == scenario_index), kpi, below
        )

    def replications(self, scenario_order: Sequence[str]) -> pd.DataFrame:
        """The replications table, sorted by scenario then replication."""
        return assemble((p.replications for _, p in sorted(self._parts.items())), scenario_order)

    def monthly(self, scenario_order: Sequence[str]) -> pd.DataFrame:
        """The monthly table, sorted by scenario, replication, month."""
        return assemble((p.monthly for _, p in sorted(self._parts.items())), scenario_order)

    def tables(self, scenario_order: Sequence[str]) -> dict[str, pd.DataFrame]:
        """The tidy extra tables by name, sorted by scenario then replication."""
        parts = [p for _, p in sorted(self._parts.items())]
        names = dict.fromkeys(name for p in parts for name in p.tables)
        return {name: assemble((p.tables[name] for p in parts if name in p.tables), scenario_order) for name in names}

    def monthly_source(self, scenario_order: Sequence[str]) -> TableSource:
        """The monthly table as a source (held in memory)."""
        return FrameTable(self.monthly(scenario_order))

    def table_sources(self, scenario_order: Sequence[str]) -> dict[str, TableSource]:
        """The tidy extra tables as sources (held in memory)."""
        return {name: FrameTable(table) for name, table in self.tables(scenario_order).items()}

    def failures(self) -> list[ReplicationFailure]:
        """Every failed replication."""
        return sorted_failures(f for p in self._parts.values() for f in p.failures)
