"""Scenarios compared on the same runs: a replication that failed in one scenario is left out of all.

Run *r* of every scenario shares its luck (common random numbers), and a paired difference
is over the runs both scenarios have. When run *r* of one scenario raised, the others'
run *r* still completed: kept, it makes each scenario's mean over a different set of runs,
and the answer once read "generalist $3.61M, specialist $3.57M, a difference of +$43.5k"
(20 and 18 runs beside 18 pairs whose baseline mean was $3.53M). So the tables a result
is read from hold only the runs no scenario failed; the results store keeps every
completed run, and a resume that runs the failed ones again brings their partners back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO

import pandas as pd

from simulator.run.csv_text import write_frame
from simulator.run.experiment import ReplicationFailure
from simulator.run.table_source import TableSource


def failed_runs(failures: Sequence[ReplicationFailure]) -> frozenset[int]:
    """The replication indices that failed in some scenario."""
    return frozenset(failure.replication for failure in failures)


def without_runs(table: pd.DataFrame, runs: frozenset[int]) -> pd.DataFrame:
    """``table`` (``scenario``, ``replication``, ...) without the rows of ``runs``, in its own row order."""
    if not runs or table.empty or "replication" not in table.columns:
        return table
    return table[~table["replication"].isin(list(runs))].reset_index(drop=True)


class WithoutRuns(TableSource):
    """A table source without the rows of some replications (see :func:`without_runs`)."""

    def __init__(self, source: TableSource, runs: frozenset[int]) -> None:
        self.source, self.runs = source, runs

    def chunks(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The source's pieces without the left-out runs (``replication`` read to filter, kept only if asked)."""
        wanted = None if columns is None else list(columns)
        reading = None if wanted is None else [*wanted, *([] if "replication" in wanted else ["replication"])]
        for piece in self.source.chunks(reading):
            kept = without_runs(piece, self.runs)
            if wanted is not None:
                kept = kept[[c for c in wanted if c in kept.columns]]
            if len(kept):
                yield kept

    def column_order(self) -> list[str] | None:
        """The source's column order."""
        return self.source.column_order()

    def write_csv(self, file: IO[str], float_format: str) -> None:
        """Write the kept rows as CSV (no index), the bytes ``frame().to_csv(...)`` would write."""
        write_frame(file, self.frame(), float_format)


def left_out_partners(replications: pd.DataFrame, runs: frozenset[int]) -> int:
    """How many completed runs ``runs`` leaves out of ``replications`` (the failed runs' partners)."""
    if not runs or replications.empty:
        return 0
    return int(replications["replication"].isin(list(runs)).sum())
