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

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from simulator.run.csv_text import OUTPUT_FLOAT_FORMAT, dtype_names, header_line, write_frame
from simulator.run.manifest import Entry
from simulator.run.table_source import TableSource, common_dtypes, write_pieces

__all__ = ["READ_OPTIONS", "StoredTable", "output_kind"]

# pandas < 3 reads floats with a fast parser that can be one unit in the last place off;
# pandas 3 reads them exactly by default (and deprecates the option).
READ_OPTIONS: dict[str, Any] = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def output_kind(kind: str) -> str:
    """The file kind of a table's rows as the output prints them (``out-monthly.csv``; ``StoredTable.write_csv``)."""
    return f"out-{kind}"


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

    def _recorded_dtypes(self) -> list[dict[str, str]] | None:
        """Each part's read-back dtypes as its entry records them, parts by name; None unless all are known.

        Overlapping parts (read together and sorted) take the slow path too.
        """
        recorded = [e.files[self.kind].columns for e in self.by_name]
        if any(columns is None for columns in recorded) or any(len(c) > 1 for c in self._clusters()):
            return None
        return [dict(columns) for columns in recorded if columns is not None]

    def write_csv(self, file: IO[str], float_format: str) -> None:
        """Write the whole table part by part: the bytes of the stacked table's ``to_csv``.

        Parts with the same columns and dtypes (the usual case) are written as read. Should
        one differ (a column missing, or empty, in some part), stacking would change a
        column's dtype and so how its values print: each part is cast to the dtypes of the
        whole stack. Both take one pass over the parts when their entries record the
        dtypes each part reads back as, every part checked against its record as it is
        read; otherwise (or should a record be wrong) the dtypes are found by reading
        every part first.
        """
        start = file.tell()
        if self._write_printed(file, float_format):
            return
        file.seek(start)
        file.truncate()
        recorded = self._recorded_dtypes()
        if recorded is not None and self._write_recorded(file, recorded, float_format):
            return
        file.seek(start)
        file.truncate()
        signature: tuple[tuple[str, str], ...] | None = None
        for piece in self.chunks():
            mine = tuple(zip(map(str, piece.columns), dtype_names(piece), strict=True))
            if signature is not None and mine != signature:
                file.seek(start)
                file.truncate()
                dtypes = self._piece_dtypes()
                columns = self.column_order()
                write_pieces(file, self.chunks(), columns, common_dtypes(columns, dtypes), float_format)
                return
            write_frame(file, piece, float_format, header=signature is None)
            signature = mine
        if signature is None:
            pd.DataFrame().to_csv(file, index=False, float_format=float_format)

    def _write_printed(self, file: IO[str], float_format: str) -> bool:
        """The parts' rows as printed when they were stored; False (part of the file written) when not all were.

        The store prints a part's tables as the output prints them (``out-`` files) when
        reading the part back changes nothing. Where every part was printed so, this gives
        :meth:`_write_recorded`'s bytes without reading a part: with the same dtypes in
        every part, the first part's file, then every other one without its header; else,
        when stacking changes no column's dtype (a part only lacks some columns), each
        row's cells in the stack's column order, a lacking column empty (a part whose
        text holds a quote is not cut into cells: then False).
        """
        printed = output_kind(self.kind)
        recorded = self._recorded_dtypes()
        if float_format != OUTPUT_FLOAT_FORMAT or not recorded or any(printed not in e.files for e in self.entries):
            return False
        by_stem = {e.stem: dtypes for e, dtypes in zip(self.by_name, recorded, strict=True)}
        columns = list(dict.fromkeys(c for dtypes in recorded for c in dtypes))
        # the same columns in the same order (dicts compare equal whatever their order, and a part
        # whose columns came in another order would be written under the first part's header)
        same = all(list(dtypes.items()) == list(recorded[0].items()) for dtypes in recorded)
        if same and any(list(dtypes) != list(recorded[0]) for dtypes in recorded):
            return False  # the same columns in another order: left to _write_recorded, which writes each part as read
        if not same:
            common = common_dtypes(columns, recorded)
            if any(str(common[c]) != d for dtypes in recorded for c, d in dtypes.items()):
                return False
            file.write(header_line(columns))
        for k, entry in enumerate(self.entries):
            text = (self.directory / f"{entry.stem}.{printed}").read_bytes().decode("utf-8")  # line ends as written
            own = list(by_stem[entry.stem])
            header = header_line(own)
            if not text.startswith(header):
                return False
            if same:
                file.write(text if k == 0 else text[len(header) :])
            elif not _write_spread(file, text[len(header) :], own, columns):
                return False
        return True

    def _write_recorded(self, file: IO[str], recorded: list[dict[str, str]], float_format: str) -> bool:
        """One pass with the recorded dtypes; False (part of the file written) when a part is not as recorded."""
        if not recorded:
            return False
        by_stem = {e.stem: dtypes for e, dtypes in zip(self.by_name, recorded, strict=True)}
        # the same columns in the same order (dicts compare equal whatever their order, and a part
        # whose columns came in another order would be written under the first part's header)
        same = all(list(dtypes.items()) == list(recorded[0].items()) for dtypes in recorded)
        columns = list(dict.fromkeys(c for dtypes in recorded for c in dtypes))
        common = None if same else common_dtypes(columns, recorded)
        for k, entry in enumerate(self.entries):
            piece = self._read(entry, None)
            kinds = dict(zip(map(str, piece.columns), dtype_names(piece), strict=True))
            if kinds != by_stem[entry.stem] or list(piece.columns) != list(by_stem[entry.stem]):
                return False
            if common is not None:
                piece = piece.reindex(columns=columns).astype(common)  # type: ignore[arg-type]
            write_frame(file, piece, float_format, header=k == 0)
        return True


def _write_spread(file: IO[str], body: str, own: list[str], columns: list[str]) -> bool:
    """Write CSV rows of columns ``own`` with columns ``columns`` (those not in ``own`` empty); False if quoted."""
    if '"' in body:
        return False
    end = os.linesep
    lines = body.split(end)
    if lines[-1] != "":
        return False
    position = {name: i for i, name in enumerate(own)}
    picks = [position.get(name) for name in columns]
    out = []
    for line in lines[:-1]:
        cells = line.split(",")
        if len(cells) != len(own):
            return False
        out.append(",".join("" if i is None else cells[i] for i in picks))
    if out:
        file.write(end.join(out) + end)
    return True
