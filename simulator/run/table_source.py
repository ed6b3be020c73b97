"""A tidy table of a run that need not be held whole: read by parts, by columns, or whole.

A run's monthly table and its extra tables (``reps``, ``monthly_queues``) grow with the
replications: about 75 KiB a replication of the default organisation, 3 GiB at 4 x 10,000.
The reports need a few of their columns, or sums over them, and the output files need
their rows once, in order. A :class:`TableSource` gives exactly that:

- :meth:`TableSource.chunks` yields the table in consecutive pieces (a part of the
  results store each), in the table's row order, optionally only some columns;
- :meth:`TableSource.frame` stacks them (the whole table, or only some columns);
- :meth:`TableSource.write_csv` writes the whole table piece by piece: the same bytes
  ``frame().to_csv(...)`` writes, with no more than one piece in memory.

:class:`FrameTable` wraps a table already in memory; the results store's parts are read by
:class:`simulator.run.stored_table.StoredTable`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import pandas as pd

from simulator.run.csv_text import write_frame

__all__ = ["FrameTable", "LoadedTables", "TableSource", "common_dtypes", "write_pieces"]


class TableSource(ABC):
    """One tidy table of a run, read in pieces in its row order."""

    @abstractmethod
    def chunks(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The table's rows in consecutive pieces, in order; only ``columns`` (those present) when given.

        Pieces with no rows are skipped. A requested column that a piece lacks is left out
        of that piece (:meth:`frame` fills it with NaN, as stacking the whole table would).
        """

    @abstractmethod
    def write_csv(self, file: IO[str], float_format: str) -> None:
        """Write the whole table as CSV (no index), the bytes ``frame().to_csv(...)`` would write."""

    def frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table (or only ``columns``), stacked from its pieces; empty when it has no rows.

        Columns the table does not have are left out, not an error: a run without a
        feature has no column for it, and callers check for the columns they need.
        """
        pieces = list(self.chunks(columns))
        if not pieces:
            return pd.DataFrame()
        stacked = pd.concat(pieces, ignore_index=True, sort=False)
        order = self.column_order() if columns is None else [c for c in columns if c in stacked.columns]
        return stacked if order is None or list(stacked.columns) == order else stacked[order]

    def column_order(self) -> list[str] | None:
        """The whole table's columns in order, when stacking its pieces may give another order."""
        return None

    @property
    def empty(self) -> bool:
        """True when the table has no rows."""
        return next(iter(self.chunks()), None) is None


class FrameTable(TableSource):
    """A table already in memory."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table

    def chunks(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The table as one piece (see :meth:`TableSource.chunks`)."""
        if len(self.table):
            yield self.table if columns is None else self.table[[c for c in columns if c in self.table.columns]]

    def frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The table itself, or a copy of some of its columns."""
        if columns is None:
            return self.table
        return self.table[[c for c in columns if c in self.table.columns]]

    def write_csv(self, file: IO[str], float_format: str) -> None:
        """Write the table as CSV (no index)."""
        write_frame(file, self.table, float_format)


class LoadedTables(Mapping[str, pd.DataFrame]):
    """Tables by name, each read whole when asked for (``result.tables["reps"]``)."""

    def __init__(self, sources: Mapping[str, TableSource]) -> None:
        self._sources = sources

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._sources[name].frame()

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def _stand_in(dtype: Any) -> object:
    """A value of ``dtype`` that is not missing, for working out what stacking gives."""
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        return 0
    return "x"


def common_dtypes(columns: Sequence[str], dtypes: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """The dtype of each column of the pieces stacked by ``pd.concat``, from the pieces' dtypes alone.

    ``dtypes`` has one mapping (column -> dtype) per piece with rows. A piece lacking a
    column adds missing values to it, as stacking does (an integer column becomes float).
    Worked out by stacking one stand-in row per piece, so the rules are pandas' own.
    """
    kinds = dict.fromkeys(tuple((c, str(d)) for c, d in piece.items()) for piece in dtypes)  # the same dtypes once
    rows = [pd.DataFrame({c: pd.Series([_stand_in(d)], dtype=d) for c, d in kind}) for kind in kinds]
    if not rows:
        return {}
    stacked = pd.concat(rows, ignore_index=True, sort=False)
    return {c: stacked[c].dtype for c in columns}


def write_pieces(
    file: IO[str],
    pieces: Iterable[pd.DataFrame],
    columns: Sequence[str],
    dtypes: Mapping[str, object],
    float_format: str,
) -> None:
    """Write ``pieces`` as one CSV with ``columns`` cast to ``dtypes``: the bytes their stack would give."""
    wrote = False
    for piece in pieces:
        shaped = piece.reindex(columns=list(columns)).astype(dict(dtypes))  # type: ignore[arg-type]
        write_frame(file, shaped, float_format, header=not wrote)
        wrote = True
    if not wrote:
        pd.DataFrame().to_csv(file, index=False, float_format=float_format)
