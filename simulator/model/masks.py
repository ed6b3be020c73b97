"""Counts and positions of the true cells of a 2-D mask of a replication's records.

The journey log is a table of leads (many rows) by stages (a few columns), and the
forecasts' snapshots one of month ends by leads. NumPy reduces a boolean table along
its short axis row by row, thousands of tiny loops: ``mask.sum(axis=0)`` of a leads x
stages mask takes 5x as long as counting each stage's column, ``mask.any(axis=1)`` 2-3x
as long as or-ing its columns, ``np.nonzero`` of a 2-D mask 3-6x as long as splitting
the flat indices of its true cells. The forms here give the same arrays, whole numbers
and booleans, column by column.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

IndexArray = NDArray[np.intp]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _checked(mask: np.ndarray) -> np.ndarray:
    if mask.ndim != 2 or mask.dtype != np.bool_:
        raise ValueError(f"a 2-D boolean mask is needed, not {mask.ndim}-D {mask.dtype}")
    return mask


def true_cells(mask: np.ndarray) -> tuple[IndexArray, IndexArray]:
    """``np.nonzero(mask)``: the row and column of every true cell, row by row."""
    rows, columns = np.divmod(np.flatnonzero(_checked(mask)), max(mask.shape[1], 1))
    return rows, columns


def count_by_column(mask: np.ndarray) -> IntArray:
    """``mask.sum(axis=0)``: the true cells of each column (e.g. the leads that entered each stage)."""
    _checked(mask)
    return np.array([np.count_nonzero(mask[:, j]) for j in range(mask.shape[1])], dtype=np.int64)


def count_by_row(mask: np.ndarray) -> IntArray:
    """``mask.sum(axis=1)``: the true cells of each row (e.g. the stages each lead had entered)."""
    counts = np.zeros(_checked(mask).shape[0], dtype=np.int64)
    for j in range(mask.shape[1]):
        counts += mask[:, j]
    return counts


def any_by_row(mask: np.ndarray) -> BoolArray:
    """``mask.any(axis=1)``: whether each row holds a true cell."""
    found = np.zeros(_checked(mask).shape[0], dtype=np.bool_)
    for j in range(mask.shape[1]):
        found |= mask[:, j]
    return found


def first_true_column(mask: np.ndarray) -> IndexArray:
    """``np.argmax(mask, axis=1)``: each row's first true column, 0 for a row without one."""
    first = np.zeros(_checked(mask).shape[0], dtype=np.intp)
    for j in range(mask.shape[1] - 1, -1, -1):  # from the last column: the first true one is written last
        first[mask[:, j]] = j
    return first
