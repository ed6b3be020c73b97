"""The column dtypes pandas gives a table read back from the CSV the results store wrote.

The store writes each part's tables with every digit (``to_csv``) and reads them back
with ``read_csv``; a column does not always come back with the dtype it had (an object
column of names that look like numbers comes back numeric, one holding nothing but
missing values as float). Writing the output tables part by part needs every part's
dtypes as read before the first part is written (see
:meth:`simulator.run.stored_table.StoredTable.write_csv`), so the store records them in
the part's manifest entry when it writes the part, without reading the file back:

- integer, float and bool columns come back as ``int64``, ``float64`` and ``bool``;
- an object column's dtype is what ``read_csv`` makes of its distinct values, read
  from a CSV of those values alone (one small read per distinct set, memoised).

Other dtypes (dates, categories, unsigned or narrow integers) get no prediction. The
prediction is checked against each part as it is read, so a wrong one costs time, never
a byte of output.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import pandas as pd

from simulator.run.csv_text import dtype_names

__all__ = ["ColumnTypes", "read_back_dtypes", "reads_back_unchanged"]

ColumnTypes = tuple[tuple[str, str], ...]
"""(column, dtype name as pandas spells it) in the table's column order."""

_PLAIN = {"int64": "int64", "float64": "float64", "bool": "bool"}


def read_back_dtypes(frame: pd.DataFrame, read_options: dict[str, Any]) -> ColumnTypes | None:
    """The dtypes ``pd.read_csv(..., **read_options)`` gives ``frame.to_csv(index=False)``; None if unsure.

    Args:
        frame: A table with string column names and at least one row.
        read_options: The options the store reads its parts with.
    """
    if frame.empty or not all(isinstance(c, str) for c in frame.columns):
        return None
    found: dict[str, str] = {}
    objects: dict[str, tuple[Any, ...]] = {}
    for position, (name, kind) in enumerate(zip(frame.columns, dtype_names(frame), strict=True)):
        if kind in _PLAIN:
            found[name] = _PLAIN[kind]
        elif kind == "object":
            values = pd.unique(frame.iloc[:, position].to_numpy())
            if not all(v is None or isinstance(v, str | int | float | bool) for v in values):
                return None
            objects[name] = tuple(None if pd.isna(v) else v for v in values)
        else:
            return None
    if objects:
        found |= dict(_object_dtypes(tuple(objects.items()), tuple(sorted(read_options.items()))))
    return tuple((str(name), found[name]) for name in frame.columns)


Values = tuple[tuple[str, tuple[Any, ...]], ...]


@lru_cache(maxsize=256)
def _object_dtypes(columns: Values, options: tuple[tuple[str, Any], ...]) -> ColumnTypes:
    """What ``read_csv`` makes of object columns holding these distinct values (None: missing)."""
    length = max(len(values) for _, values in columns)
    # a column with fewer values repeats its first one: a value seen twice reads as once
    padded = {name: [*values, *[values[0]] * (length - len(values))] for name, values in columns}
    pad = "_" * (1 + max(len(name) for name, _ in columns))  # a name no column has
    padded[pad] = [0] * length  # a second column: a row with one empty value is not a blank line
    text = pd.DataFrame(padded).to_csv(index=False)
    back = pd.read_csv(io.StringIO(text), **dict(options))
    return tuple((name, str(back[name].dtype)) for name, _ in columns)


def reads_back_unchanged(frame: pd.DataFrame, read_options: dict[str, Any], dtypes: ColumnTypes | None = None) -> bool:
    """True when ``read_csv`` of ``frame.to_csv(index=False)`` gives ``frame`` back: its dtypes and its text.

    Numbers, booleans and missing values come back as written (floats with every digit);
    text comes back unchanged when each value alone reads as itself, not as a number, a
    boolean or a missing value (``NA``, ``null``, ``""``). So does then any part of the
    column, however ``read_csv`` cuts the file into chunks to guess dtypes. ``dtypes``:
    :func:`read_back_dtypes` of the frame, when already worked out.
    """
    found = dtypes if dtypes is not None else read_back_dtypes(frame, read_options)
    kinds = dtype_names(frame)
    if found is None or found != tuple((str(c), kind) for c, kind in zip(frame.columns, kinds, strict=True)):
        return False
    options = tuple(sorted(read_options.items()))
    for position, kind in enumerate(kinds):
        if kind == "object":
            values = pd.unique(frame.iloc[:, position].to_numpy())
            if not _text_reads_back(tuple(v for v in values if isinstance(v, str)), options):
                return False
    return True


@lru_cache(maxsize=256)
def _text_reads_back(values: tuple[str, ...], options: tuple[tuple[str, Any], ...]) -> bool:
    """Whether each of ``values``, alone in a column, reads back as that same text."""
    if not values:
        return True
    text = pd.DataFrame({f"c{i}": [value] for i, value in enumerate(values)}).to_csv(index=False)
    back = pd.read_csv(io.StringIO(text), **dict(options))
    return all(
        str(back[f"c{i}"].dtype) == "object" and back[f"c{i}"].iloc[0] == value for i, value in enumerate(values)
    )
