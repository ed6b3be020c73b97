"""One tidy table of a run read from the results store's parts, one part at a time.

The parts of a table are its files in ``<run dir>/store/`` (``s000-r00000000-00000009.monthly.csv``
and so on). Read in order of scenario, then first replication, they give the table's rows
in order, except where a resume ran a failed replication again in a part of its own,
whose range overlaps an earlier part's: such overlapping parts are read together and
their rows sorted by replication, as :func:`simulator.run.parts.assemble` sorts the
whole table. So the table equals the one ``assemble`` builds, row for row and column for
column, while no more than one part (or one cluster of overlapping parts) is in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from simulator.run.manifest import Entry
from simulator.run.table_source import TableSource, common_dtypes, write_pieces

__all__ = ["READ_OPTIONS", "StoredTable"]

# pandas < 3 reads floats with a fast parser that can be one unit in the last place off;
# pandas 3 reads them exactly by default (and deprecates the option).
READ_OPTIONS: dict[str, Any] = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


class StoredTable(TableSource):
    """The table ``kind`` (``monthly.csv``, ``table-reps.csv``, ...) of a results store's parts.

    Args:
        directory: The store's folder.
        entries: Its committed parts (those without this table are skipped).
        kind: The file kind of the table.
        rank: Scenario index -> its position in the table's scenario order.
    """

    def __init__(self, directory: Path, entries: Sequence[Entry], kind: str, rank: Mapping[int, int]) -> None:
        self.directory, self.kind = directory, kind
        held = [e for e in entries if kind in e.files and e.files[kind].rows > 0]
        self.entries = sorted(held, key=lambda e: (rank[e.scenario_index], e.first, e.last))
        self.by_name = sorted(held, key=lambda e: e.stem)  # the order stacking the whole table took columns in

    def _read(self, entry: Entry, columns: Sequence[str] | None) -> pd.DataFrame:
        path = self.directory / f"{entry.stem}.{self.kind}"
        if columns is None:
            return pd.read_csv(path, **READ_OPTIONS)
        wanted = set(columns)
        return pd.read_csv(path, usecols=lambda c: c in wanted, **READ_OPTIONS)

    def _clusters(self) -> Iterator[list[Entry]]:
        """The parts in order, overlapping ones (same scenario, ranges that meet) grouped."""
        cluster: list[Entry] = []
        reach = -1
        for entry in self.entries:
            if cluster and entry.scenario_index == cluster[0].scenario_index and entry.first <= reach:
                cluster.append(entry)
                reach = max(reach, entry.last)
                continue
            if cluster:
                yield cluster
            cluster, reach = [entry], entry.last
        if cluster:
            yield cluster

    def chunks(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """Each part (or cluster of overlapping parts) in order; see :meth:`TableSource.chunks`."""
        for cluster in self._clusters():
            if len(cluster) == 1:
                frame = self._read(cluster[0], columns)
                if len(frame):
                    yield frame
                continue
            # overlapping parts are sorted by replication: read it even when not asked for
            wanted = None if columns is None else list(dict.fromkeys([*columns, "replication"]))
            frames = [f for f in (self._read(e, wanted) for e in cluster) if len(f)]
            if not frames:
                continue
            stacked = pd.concat(frames, ignore_index=True, sort=False)
            order = np.argsort(stacked["replication"].to_numpy(), kind="stable")  # rows keep their order
            stacked = stacked.iloc[order].reset_index(drop=True)
            if columns is not None and "replication" not in columns:
                stacked = stacked.drop(columns="replication")
            yield stacked

    def column_order(self) -> list[str]:
        """Columns in order of first appearance, part after part by name, as :func:`assemble` gives them."""
        headers = (pd.read_csv(self.directory / f"{e.stem}.{self.kind}", nrows=0).columns for e in self.by_name)
        return list(dict.fromkeys(str(c) for header in headers for c in header))

    def _piece_dtypes(self) -> list[dict[str, object]]:
        """Each part's column dtypes as read, parts by name."""
        return [{str(c): d for c, d in self._read(entry, None).dtypes.items()} for entry in self.by_name]

    def write_csv(self, file: IO[str], float_format: str) -> None:
        """Write the whole table part by part: the bytes of the stacked table's ``to_csv``.

        Parts with the same columns and dtypes (the usual case) are written as read, in one
        pass. Should one differ (a column missing, or empty, in some part), stacking would
        change a column's dtype and so how its values print: the file is then written
        again, each part cast to the dtypes of the whole stack (a second pass over the parts).
        """
        start = file.tell()
        signature: tuple[tuple[str, str], ...] | None = None
        for piece in self.chunks():
            mine = tuple((str(c), str(d)) for c, d in piece.dtypes.items())
            if signature is not None and mine != signature:
                file.seek(start)
                file.truncate()
                dtypes = self._piece_dtypes()
                columns = self.column_order()
                write_pieces(file, self.chunks(), columns, common_dtypes(columns, dtypes), float_format)
                return
            piece.to_csv(file, index=False, header=signature is None, float_format=float_format)
            signature = mine
        if signature is None:
            pd.DataFrame().to_csv(file, index=False, float_format=float_format)
