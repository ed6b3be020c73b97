"""The part a finished batch adds to the results store, and how parts become the run's tables.

A part holds the tidy tables of one batch of consecutive replications of one scenario:
one row per replication (its KPIs), one row per replication x month, and the extra tidy
tables (reps, monthly queues), plus the replications that failed. However the
replications were cut into batches, and in whatever order the batches finished,
:func:`assemble` gives the same table, row for row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulator.model.metrics import MonthlySeries
from simulator.run.batch import Batch, Outcome
from simulator.run.experiment import ReplicationFailure
from simulator.run.replication import ReplicationResult

KEYS = ["scenario", "replication"]


@dataclasses.dataclass(frozen=True, slots=True)
class Part:
    """The tables of one finished batch."""

    scenario_index: int
    first: int
    last: int
    replications: pd.DataFrame
    monthly: pd.DataFrame
    failures: list[ReplicationFailure]
    tables: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The part's file stem: scenario index and replication range, sortable as text."""
        return part_name(self.scenario_index, self.first, self.last)


def part_name(scenario_index: int, first: int, last: int) -> str:
    """The file stem of the part holding replications ``first..last`` of a scenario."""
    return f"s{scenario_index:03d}-r{first:08d}-{last:08d}"


def kpi_frame(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per replication: ``scenario``, ``replication``, then one column per KPI."""
    if not results:
        return pd.DataFrame(columns=KEYS)
    names = list(results[0].kpis)
    rows = [list(o.kpis.values()) for o in results]
    if set(names) & set(KEYS) or any(list(o.kpis) != names for o in results) or not _all_floats(rows):
        return pd.DataFrame([{"scenario": o.scenario, "replication": o.replication, **o.kpis} for o in results])
    # the usual batch: the same KPIs, all floats, in every row: one float table, the same frame as from the rows
    values = np.array(rows, dtype=np.float64).reshape(len(results), len(names))
    columns: dict[str, Any] = {
        "scenario": np.array([o.scenario for o in results], dtype=object),
        "replication": np.array([o.replication for o in results], dtype=np.int64),
    }
    columns.update(zip(names, values.T, strict=True))
    return pd.DataFrame(columns)


def _all_floats(rows: Sequence[Sequence[Any]]) -> bool:
    return all(type(value) is float for row in rows for value in row)


def monthly_frame(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per replication x month: every monthly series, cumulative bookings, then extra columns.

    The columns follow the fields of :class:`MonthlySeries`: each array field (one value
    per month), then ``cumulative_bookings``, then the named arrays of its mapping fields,
    so a series added to the model appears here without a change.
    """
    if not results:
        return pd.DataFrame(columns=[*KEYS, "month"])
    months = [len(o.monthly.bookings) for o in results]
    columns: dict[str, Any] = {
        "scenario": np.repeat([o.scenario for o in results], months),
        "replication": np.repeat(np.array([o.replication for o in results], dtype=np.int64), months),
        "month": np.concatenate([np.arange(n, dtype=np.int64) for n in months]),
    }
    fields = [f.name for f in dataclasses.fields(MonthlySeries)]
    mappings = [name for name in fields if isinstance(getattr(results[0].monthly, name), Mapping)]
    for name in (f for f in fields if f not in mappings):
        columns[name] = np.concatenate([np.asarray(getattr(o.monthly, name)) for o in results])
    columns["cumulative_bookings"] = np.concatenate([np.cumsum(o.monthly.bookings) for o in results])
    for mapping in mappings:
        for name in getattr(results[0].monthly, mapping):
            columns[name] = np.concatenate([np.asarray(getattr(o.monthly, mapping)[name]) for o in results])
    return pd.DataFrame(columns)


def extra_frames(results: Sequence[ReplicationResult]) -> dict[str, pd.DataFrame]:
    """Each replication's tidy extra tables stacked by name, ``scenario`` and ``replication`` first.

    A table whose columns have the same names and kinds of dtype in every replication (the
    usual case) is stacked column by column, one frame for the batch; any other as a frame
    per replication, concatenated. Both give the same table.
    """
    names = dict.fromkeys(name for o in results for name in o.tables)
    return {name: _stacked(name, [o for o in results if name in o.tables]) for name in names}


def _stacked(name: str, results: Sequence[ReplicationResult]) -> pd.DataFrame:
    tables = [o.tables[name] for o in results]
    shape = [(column, np.asarray(values).dtype.kind) for column, values in tables[0].items()]
    if all([(c, np.asarray(v).dtype.kind) for c, v in table.items()] == shape for table in tables):
        rows = [len(next(iter(table.values()))) if table else 0 for table in tables]
        columns: dict[str, Any] = {
            "scenario": np.repeat(np.array([o.scenario for o in results], dtype=object), rows),
            "replication": np.repeat(np.array([o.replication for o in results], dtype=np.int64), rows),
        }
        for column, _ in shape:
            columns[column] = np.concatenate([np.asarray(table[column]) for table in tables])
        return pd.DataFrame(columns)
    frames = []
    for o, table in zip(results, tables, strict=True):
        frame = pd.DataFrame(table)
        frame.insert(0, "replication", o.replication)
        frame.insert(0, "scenario", o.scenario)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def make_part(batch: Batch, outcomes: Sequence[Outcome]) -> Part:
    """The part a finished batch adds to the store."""
    results = [o for o in outcomes if isinstance(o, ReplicationResult)]
    failures = [o for o in outcomes if isinstance(o, ReplicationFailure)]
    reps = batch.replications
    return Part(
        batch.scenario_index,
        reps[0],
        reps[-1],
        kpi_frame(results),
        monthly_frame(results),
        failures,
        extra_frames(results),
    )


def assemble(frames: Iterable[pd.DataFrame], scenario_order: Sequence[str]) -> pd.DataFrame:
    """Stack parts given in (scenario, first replication) order into one table sorted by the same.

    Columns come in order of first appearance, as when the rows are built in one go; the
    rows of one replication keep their order (months, reps, stages).
    """
    kept = [f for f in frames if len(f)]
    if not kept:
        return pd.DataFrame()
    table = pd.concat(kept, ignore_index=True, sort=False)
    rank = table["scenario"].map({name: i for i, name in enumerate(scenario_order)})
    order = np.lexsort([table["replication"].to_numpy(), rank.to_numpy()])  # stable: rows keep their order
    return table.iloc[order].reset_index(drop=True)


def sorted_failures(failures: Iterable[ReplicationFailure]) -> list[ReplicationFailure]:
    """Failures sorted by scenario name, then replication."""
    return sorted(failures, key=lambda f: (f.scenario, f.replication))


def kpi_values_of(frames: Iterable[pd.DataFrame], kpi: str, below: int) -> tuple[np.ndarray, np.ndarray]:
    """The values of ``kpi`` in replications ``< below`` of ``frames`` (replications tables), and their replications."""
    kept = [f.loc[f["replication"] < below, ["replication", kpi]] for f in frames if kpi in f.columns]
    if not kept:
        return np.empty(0), np.empty(0, dtype=np.int64)
    table = pd.concat(kept)
    return table[kpi].to_numpy(dtype=np.float64), table["replication"].to_numpy(dtype=np.int64)
