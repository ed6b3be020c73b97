"""What calibration reports: refusals of a bad export (file, column, row) and the data problems it counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

LINED = (".csv", ".txt")
"""Files of text lines: a row's line is named. A Parquet file has no lines and an Excel sheet rows of its own."""
SHEETS = (".xlsx", ".xlsm", ".xls")


_LINES: dict[str, tuple[int, ...]] = {}
"""Each CSV file read whose data rows do not sit on lines 2, 3, ...: the line each data row starts on."""


def note_lines(file: str, lines: Sequence[int]) -> None:
    """Record the line of ``file`` each data row starts on (``lines[r - 1]``: data row ``r``'s first line).

    A blank line the reader skips, or a quoted value holding a line break (a note typed over
    two lines), puts the rows after it further down the file than ``row + 1``: a bad date on
    line 10 of the file had been named as on line 8.
    """
    if list(lines) == list(range(2, len(lines) + 2)):
        _LINES.pop(file, None)
    else:
        _LINES[file] = tuple(lines)


def line_of(file: str, row: int) -> int:
    """The line data row ``row`` (1-based) of ``file`` starts on (:func:`note_lines`; else ``row + 1``)."""
    lines = _LINES.get(file)
    return lines[row - 1] if lines is not None and 1 <= row <= len(lines) else row + 1


def some_of(items: Sequence[str], shown: int) -> str:
    """The first ``shown`` of ``items`` joined by commas, ``and N more`` said when some are left out.

    A list cut short without a word had read as the whole: "owners in the roster with no deals |
    20 | no seat in the company (agent_02, ..., agent_14)" named 8 of the 20.
    """
    listed = ", ".join(items[:shown])
    return listed + (f" and {len(items) - shown:,} more" if len(items) > shown else "")


def row_words(file: str, row: int, line: int | None = None) -> str:
    """Data row ``row`` (1-based, after the header) of ``file`` as its reader finds it.

    ``row 10 (line 11 of the file)`` for a CSV, ``row 10 (sheet row 11)`` for Excel, ``row 10``
    for Parquet: every file's error had cited ``line 11 of the file``, a line a Parquet file
    does not have. A CSV row's line is the one it starts on (``line``, else :func:`line_of`).
    """
    suffix = PurePath(file).suffix.lower()
    if suffix in LINED:
        return f"row {row} (line {line_of(file, row) if line is None else line} of the file, after its header)"
    if suffix in SHEETS:
        return f"row {row} (sheet row {row + 1}, after its header)"
    return f"row {row}"


class CalibrationError(Exception):
    """A bad export or mapping: names the file, the column and the row (1-based, after the header) when known.

    The command exits 2 and writes nothing.
    """

    def __init__(
        self, message: str, file: str = "", column: str = "", row: int | None = None, line: int | None = None
    ) -> None:
        line = line_of(file, row) if line is None and row is not None else line
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"column '{column}'" if column else "",
                row_words(file, row, line) if row is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.message, self.file, self.column, self.row, self.line = message, file, column, row, line

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its parts, its row's line too (a back-test worker's refusal reaches the parent as raised)."""
        return (type(self), (self.message, self.file, self.column, self.row, self.line))


@dataclass
class DataProblems:
    """Problems found in an export, each counted with what was done about it (never dropped silently)."""

    items: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, problem: str, count: int, action: str) -> None:
        """Record ``count`` rows (or items) with ``problem`` and the ``action`` taken; zero counts are kept out."""
        if count > 0:
            self.items.append((problem, int(count), action))

    def count(self, problem_prefix: str) -> int:
        """Rows counted under problems starting with ``problem_prefix``."""
        return sum(n for p, n, _ in self.items if p.startswith(problem_prefix))
