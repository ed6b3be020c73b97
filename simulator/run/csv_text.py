"""A table's CSV text as ``DataFrame.to_csv(index=False)`` writes it, without pandas' per-call machinery.

The results store writes every batch's tables as CSV, and the output tables are written
again at ``%.10g``: small frames, many of them, where ``to_csv`` spends most of its time
on slicing and block bookkeeping rather than on the cells. :func:`csv_text` makes the
same text for the columns whose conversion ``to_csv`` leaves to plain rules:

- ``float64``: without a float format, ``values.astype(str)`` (NumPy's shortest
  round-trip text, which is Python's ``repr``); with one, ``float_format % value``; NaN as the missing-value text;
- ``int64`` and ``bool``: the Python values, written by the ``csv`` module (``str``);
- ``object`` holding only ``str`` (and NaN or None, written as the missing-value text).

Rows go through the same ``csv.writer`` pandas uses (minimal quoting, ``"`` doubled), so
quoting is the same. Any other column, a frame without rows or a column name that is not
a string gives None: the caller then uses ``to_csv`` itself.
"""

from __future__ import annotations

import csv
import io
import math
import os
from functools import lru_cache
from typing import IO, Any

import numpy as np
import pandas as pd

__all__ = ["OUTPUT_FLOAT_FORMAT", "csv_text", "dtype_names", "header_line", "write_frame"]

OUTPUT_FLOAT_FORMAT = "%.10g"
"""How the run's output tables print floats (10 significant digits)."""


def dtype_names(frame: pd.DataFrame) -> list[str]:
    """``str`` of each column's dtype (``float64``, ``object``...), in the frame's column order.

    NumPy spells a dtype's name in Python code, a few microseconds a column: the
    replications table has 150 columns, and each batch's tables are checked four times.
    """
    return [_dtype_name(dtype) for dtype in frame.dtypes]


def _dtype_name(dtype: Any) -> str:
    try:
        return _known_dtype_name(dtype)
    except TypeError:  # an unhashable dtype: spelled each time
        return str(dtype)


@lru_cache(maxsize=64)
def _known_dtype_name(dtype: Any) -> str:
    return str(dtype)


def csv_text(
    frame: pd.DataFrame, float_format: str | None = None, *, header: bool = True, lineterminator: str | None = None
) -> str | None:
    """``frame.to_csv(index=False, header=header, float_format=float_format, lineterminator=...)``; None if unsure.

    Args:
        frame: The table (no index written).
        float_format: A ``%`` format for float cells (``%.10g``), or None for every digit.
        header: Write the column names first.
        lineterminator: The line end (``os.linesep`` by default, as ``to_csv``).
    """
    if not len(frame) or not all(isinstance(name, str) for name in frame.columns):
        return None
    kinds = dtype_names(frame)
    if any(kind not in ("float64", "int64", "bool", "object") for kind in kinds):
        return None
    cells = np.empty(frame.shape, dtype=object)
    floats = [i for i, kind in enumerate(kinds) if kind == "float64"]
    if floats:
        cells[:, floats] = _float_cells(frame.iloc[:, floats].to_numpy(dtype=np.float64), float_format)
    for kind in ("int64", "bool"):  # csv.writer writes str() of Python ints and bools (NumPy's astype(str) too)
        numbers = [i for i, k in enumerate(kinds) if k == kind]
        if numbers:
            values = frame.iloc[:, numbers].to_numpy(dtype=kind)
            cells[:, numbers] = np.array(list(map(str, values.ravel().tolist())), dtype=object).reshape(values.shape)
    objects = [i for i, kind in enumerate(kinds) if kind == "object"]
    if objects:
        text = _text_cells(frame.iloc[:, objects].to_numpy(dtype=object))
        if text is None:
            return None
        cells[:, objects] = text
    rows = cells.tolist()
    names = [str(name) for name in frame.columns]
    end = lineterminator or os.linesep
    if len(names) > 1 and not _needs_quotes(names, cells[:, objects] if objects else None, end):
        lines = [",".join(row) for row in rows] if not header else [",".join(names), *(",".join(row) for row in rows)]
        return end.join(lines) + end
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=end, quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


WRITE_ROWS = 512
"""Rows :func:`write_frame` turns into text at a time: a large table's text is never held whole."""


def write_frame(file: IO[str], frame: pd.DataFrame, float_format: str | None = None, *, header: bool = True) -> None:
    """``frame.to_csv(file, index=False, ...)``, through :func:`csv_text` when it can; :data:`WRITE_ROWS` rows at once.

    A row of the replications table (some 170 columns) takes about 13 KiB while its cells
    are Python strings: 8,000 rows at once held 106 MiB beside their text, 512 at a time
    6.6 MiB, and were written in 310 ms instead of 447.
    """
    for start in range(0, max(len(frame), 1), WRITE_ROWS):
        piece = frame.iloc[start : start + WRITE_ROWS]
        first = header and start == 0
        text = csv_text(piece, float_format, header=first)
        if text is None:
            piece.to_csv(file, index=False, header=first, float_format=float_format)
        else:
            file.write(text)


def _needs_quotes(names: list[str], text: np.ndarray | None, end: str) -> bool:
    """Whether ``csv.writer`` would quote a name or a text cell (numbers never hold a comma, quote or line end).

    With two columns or more, minimal quoting quotes exactly the fields holding the
    delimiter, the quote character, a carriage return, a line feed or a character of the
    line end; every row then reads the same joined with commas.
    """
    special = {",", '"', "\\r", "\\n", *end}
    found = set("".join(names))
    if text is not None:
        found.update("".join(set(text.ravel().tolist())))
    return not special.isdisjoint(found)


def header_line(names: list[str], lineterminator: str | None = None) -> str:
    """The header row ``to_csv`` writes for columns ``names``."""
    out = io.StringIO()
    csv.writer(out, lineterminator=lineterminator or os.linesep, quoting=csv.QUOTE_MINIMAL).writerow(names)
    return out.getvalue()


def _float_cells(values: np.ndarray, float_format: str | None) -> np.ndarray:
    """Float cells as text: ``astype(str)`` without a format, ``float_format % value`` with one; NaN as ''.

    ``repr`` of a Python float is the text ``astype(str)`` gives a float64 (the shortest
    that reads back as the same number, in the same notation), made twice as fast.
    """
    numbers = values.ravel().tolist()
    cells = list(map(repr, numbers)) if float_format is None else [float_format % v for v in numbers]
    text = np.array(cells, dtype=object).reshape(values.shape)
    text[np.isnan(values)] = ""
    return text


def _text_cells(values: np.ndarray) -> np.ndarray | None:
    """Object cells holding strings, NaN or None (missing: ''); None when any holds something else."""
    items = values.ravel().tolist()
    types = set(map(type, items))
    if types == {str}:
        return values
    if not types <= {str, float, type(None)} or not all(math.isnan(v) for v in items if type(v) is float):
        return None  # something else than text, None and NaN
    return np.array(["" if type(v) is not str else v for v in items], dtype=object).reshape(values.shape)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` as CSV with every digit, as the bytes a results store writes (``to_csv``'s, made faster)."""
    text = csv_text(table, lineterminator="\n")
    return (table.to_csv(index=False, lineterminator="\n") if text is None else text).encode("utf-8")
