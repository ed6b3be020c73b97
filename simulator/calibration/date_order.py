"""The order a table's dd/mm or mm/dd dates are read in: one order a table, found across its date columns.

Pandas reads a column in the format it infers from the column's first date, month first
when that date reads both ways (``01/03/2017``). A column whose every day was 12 or less
(created dates early in their months) had been read month first beside a closed column
read day first, every cycle wrong without a word; a dd/mm column whose first date read
both ways had been refused. :func:`table_order` looks at every date of the table that is
three numbers (a time of day after it is allowed): a day over 12 in either place tells
the order, and the whole table is read that way (pandas infers the rest of each column's
format, its time of day included). Dates of both orders in one table are refused naming
the first of the fewer. When no date tells the order, the table is read month first, as
pandas does, and the rows whose dates would read otherwise are counted as a data problem
naming the mapping's ``date_order`` to set; a table whose such dates are all written
with points (``01.03.2017``, as German or Swiss Excel writes them) is read day first, as
every locale that writes them so does (it had been read month first, 1 March as 3
January). A table's own ``date_format`` or ``date_order`` is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from simulator.calibration.date_formats import DATE_CELL, read_with
from simulator.calibration.errors import CalibrationError, DataProblems
from simulator.calibration.readers import parse_dates

UNRESOLVED = "rows whose dates read either way, day first or month first, and no date of their table tells which"
"""The data problem counted for a table read month first because none of its dates tells the order."""

SHORT_YEAR = "rows whose dates end in a two-digit year after a dash, as a year-first yy-mm-dd date would be written"
"""The data problem counted for dates such as 16-10-20: read with the year last, as 16 October 2020."""


class DatedTable(Protocol):
    """A mapping table with dates: its own format and order, if given."""

    @property
    def date_format(self) -> str | None:
        """The table's ``date_format`` (a strftime format), or None."""

    @property
    def date_order(self) -> str | None:
        """The table's ``date_order`` (``day_first``, ``month_first``), or None."""


def table_dates(
    columns: Mapping[str, pd.Series | None],
    table: DatedTable,
    path: Path,
    section: str,
    problems: DataProblems,
    deal_dates: bool = True,
) -> dict[str, np.ndarray | None]:
    """Every date column of a table read in the table's one order (:func:`table_order`), by column name.

    ``section`` is the table's mapping key (``opportunities``), for the keys the messages
    name; rows read month first without a date telling the order are counted in
    ``problems``. ``deal_dates``: as :func:`~simulator.calibration.readers.parse_dates`.
    Absent columns read None.

    Raises:
        CalibrationError: As :func:`table_order` and :func:`~simulator.calibration.readers.parse_dates`.
    """
    order = table_order(columns, table.date_format, table.date_order, path, f"{section}.date_order")
    order.count_in(problems, f"{section}.date_order")
    read: dict[str, np.ndarray | None] = {}
    for name, values in columns.items():
        if values is None:
            read[name] = None
            continue
        read[name] = parse_dates(
            values,
            path,
            name,
            table.date_format,
            deal_dates=deal_dates,
            format_key=f"{section}.date_format",
            day_first=order.day_first,
            ordered=table.date_format is None,
        )
    return read


@dataclass(frozen=True)
class TableOrder:
    """The order a table's dates are read in.

    Attributes:
        day_first: Read them day first (pandas then infers the rest of each column's format).
        unresolved: Rows with a date that reads to different days either way, when no date
            of the table tells the order (read month first); 0 otherwise.
        example: The first such date.
        short_years: Rows with a date such as 16-10-20 (a dash, a two-digit year last) that a
            CRM writing yy-mm-dd would mean otherwise; ``short_example`` the first.
    """

    day_first: bool
    unresolved: int = 0
    example: str = ""
    short_years: int = 0
    short_example: str = ""

    def count_in(self, problems: DataProblems, order_key: str) -> None:
        """Count the rows read month first, nothing telling their order, and those that may be year first."""
        if self.short_years:
            format_key = order_key.replace(".date_order", ".date_format")
            problems.add(
                f"{SHORT_YEAR} (e.g. '{self.short_example}')",
                self.short_years,
                f"read with the year last: set {format_key}: '%y-%m-%d' if the CRM writes the year first",
            )
        if not self.unresolved:
            return
        read = read_with(pd.Series([self.example]), None, day_first=False).iloc[0]
        problems.add(
            f"{UNRESOLVED} (e.g. '{self.example}')",
            self.unresolved,
            f"read month first ({self.example} as {read.day} {read:%B}): set {order_key}: day_first if the CRM "
            "writes day first",
        )


def table_order(
    columns: Mapping[str, pd.Series | None],
    date_format: str | None,
    date_order: str | None,
    path: object,
    order_key: str,
) -> TableOrder:
    """The order to read a table's date columns in (cells as text, empty ones "").

    Args:
        columns: The table's date columns by name, absent ones as None.
        date_format: The table's own ``date_format``; when set, it decides alone.
        date_order: The table's own ``date_order`` (``day_first``, ``month_first``); when set, it is
            kept, and a date it cannot read (a 13th month) is refused naming the order that reads it.
        path: The table's file, for a refusal.
        order_key: The mapping key that sets the table's order (``opportunities.date_order``).

    Raises:
        CalibrationError: When some dates of the table can only be read day first and others
            only month first, naming the first of the fewer (file, column, row), or a date the
            table's own ``date_order`` cannot read.
    """
    if date_format is not None:
        return TableOrder(False)
    found = [
        (name, position, text, match)
        for name, column in columns.items()
        if column is not None
        for position, text in enumerate(column.astype(str))
        if text and (match := DATE_CELL.fullmatch(text)) is not None
    ]
    if not found:
        return TableOrder(date_order == "day_first")
    first = np.array([int(f[3].group(1)) for f in found])
    second = np.array([int(f[3].group(3)) for f in found])
    day_only, month_only = first > 12, second > 12
    short = [f for f in found if f[3].group(2) == "-" and len(f[3].group(4)) == 2]
    short_rows, short_example = len({f[1] for f in short}), short[0][2] if short else ""
    if date_order is not None:  # the table's own order: a date it cannot read is named with the order that reads it
        against = month_only if date_order == "day_first" else day_only
        if against.any():
            _refuse_against(found, against, date_order, path, order_key)
        return TableOrder(date_order == "day_first", 0, "", short_rows, short_example)
    if day_only.any() and month_only.any():
        _refuse_unlike_most(columns, found, path)
        _refuse_both(found, day_only, month_only, path, order_key)
    if day_only.any() or month_only.any():
        return TableOrder(bool(day_only.any()), 0, "", short_rows, short_example)
    if all(f[3].group(2) == "." for f in found):  # 01.03.2017: no locale writes the month first between points
        return TableOrder(True, 0, "", short_rows, short_example)
    either = np.flatnonzero(first != second)
    rows = {found[i][1] for i in either}
    return TableOrder(False, len(rows), found[either[0]][2] if either.size else "", short_rows, short_example)


def _refuse_unlike_most(
    columns: Mapping[str, pd.Series | None], found: list[tuple[str, int, str, re.Match[str]]], path: object
) -> None:
    """Refuse slashed dates that are fewer than the table's other dates, naming them as written unlike most.

    One engage_date of '10/20/2016' and one close_date of '15/03/2017' among ~8,800 ISO dates had
    been told to set date_order: day_first, which cannot read 10/20/2016: both are simply unlike the rest.
    """
    cells = [
        (name, position, text)
        for name, column in columns.items()
        if column is not None
        for position, text in enumerate(column.astype(str))
        if text and text.lower() not in ("nan", "nat", "none")
    ]
    slashed = {(name, position) for name, position, _, _ in found}
    others = [cell for cell in cells if (cell[0], cell[1]) not in slashed]
    if len(others) <= len(found):
        return
    name, position, text, _ = found[0]
    example = others[0]
    raise CalibrationError(
        f"'{text}' is one of {len(found):,} dates written with slashes (some readable only day first, others only "
        f"month first), unlike the table's other {len(others):,} dates (such as column '{example[0]}' row "
        f"{example[1] + 1}'s '{example[2]}'): write them as the others are; no date order reads them all",
        file=str(path),
        column=name,
        row=position + 1,
    )


def _refuse_both(
    found: list[tuple[str, int, str, re.Match[str]]],
    day_only: np.ndarray,
    month_only: np.ndarray,
    path: object,
    order_key: str,
) -> None:
    """Refuse a table whose dates read day first in some cells and month first in others, naming the odd one."""
    odd_is_day = int(day_only.sum()) < int(month_only.sum())
    odd, usual = (day_only, month_only) if odd_is_day else (month_only, day_only)
    name, position, text, _ = found[int(np.flatnonzero(odd)[0])]
    other_name, other_position, other_text, _ = found[int(np.flatnonzero(usual)[0])]
    ways = ("day first", "month first") if odd_is_day else ("month first", "day first")
    raise CalibrationError(
        f"'{text}' can only be read {ways[0]}, while {int(usual.sum()):,} other dates of the table can only be read "
        f"{ways[1]} (e.g. column '{other_name}' row {other_position + 1}'s '{other_text}'): a table's dates are "
        f"read one way; correct this one, or set {order_key}: {ways[1].replace(' ', '_')} to read them all {ways[1]}",
        file=str(path),
        column=name,
        row=position + 1,
    )


def _refuse_against(
    found: list[tuple[str, int, str, re.Match[str]]], against: np.ndarray, date_order: str, path: object, order_key: str
) -> None:
    """Refuse a table whose own ``date_order`` cannot read some of its dates, naming the first of them."""
    name, position, text, _ = found[int(np.flatnonzero(against)[0])]
    other = "month_first" if date_order == "day_first" else "day_first"
    raise CalibrationError(
        f"'{text}' can only be read {other.replace('_', ' ')}, and {order_key} is {date_order} "
        f"({int(against.sum()):,} dates of the table read so): set {order_key}: {other}, or correct the dates",
        file=str(path),
        column=name,
        row=position + 1,
    )
