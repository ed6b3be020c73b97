"""Why a date column fails to parse when its first date is ambiguous, and the date format to set.

Without a ``date_format``, pandas reads a column in the format it infers from its first
date. A first date such as ``01/03/2017`` fits day first (1 March) and month first
(3 January); pandas takes it month first, and a later ``18/03/2017`` then fails. A CRM
file written entirely in dd/mm/yyyy had read "'18/03/2017' is written in another date
format than row 1's '01/03/2017'", when every date was written alike: the cause is the
ambiguous first row, and the fix is the table's ``date_format``, named with its key.

A table's dates are read in one order (the mapping has one ``date_format`` a table):
:func:`table_order` finds it across the table's date columns, so a column whose every date
could be read either way (a created date in the first 12 days of its months) is read in the
order a closed date of the same table shows, not month first beside a column read day
first. When no date of the table tells the order, they are read month first, as pandas
does, and the dates that would read otherwise are counted as a data problem.
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from simulator.calibration.errors import DataProblems

NUMERIC_DATE = re.compile(r"\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})\s*")
"""A date of three numbers, day and month in either order first: 01/03/2017, 1.3.17, 01-03-2017."""


def _formats(text: str) -> tuple[str, str] | None:
    """(day first, month first) formats of ``text`` when it could be read either way to different days."""
    found = NUMERIC_DATE.fullmatch(text)
    if found is None:
        return None
    first, sep, second, year = found.groups()
    if int(first) > 12 or int(second) > 12 or int(first) == int(second):
        return None  # only one reading, or both readings the same day
    y = "%Y" if len(year) == 4 else "%y"
    return f"%d{sep}%m{sep}{y}", f"%m{sep}%d{sep}{y}"


def _read(values: pd.Series, date_format: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pd.to_datetime(values, errors="coerce", format=date_format)


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp.day} {datetime.date(2000, stamp.month, 1):%B}"


def ambiguous_first_words(
    values: pd.Series, first: int, bad: int, read_as: pd.Timestamp, format_key: str
) -> str | None:
    """The message for a column whose first date is ambiguous, or None when it is not the cause.

    None also when neither reading fits every date: the column then mixes formats.

    Args:
        values: The column's cells, empty ones as None.
        first: Row of the first filled cell (0-based).
        bad: Row of the first cell that failed in the format read from it.
        read_as: The date pandas read the first cell as.
        format_key: The mapping key that sets the table's date format (``opportunities.date_format``).
    """
    text = str(values.iloc[first])
    formats = _formats(text)
    if formats is None:
        return None
    readings = [_read(pd.Series([text]), f).iloc[0] for f in formats]
    taken = next((f for f, r in zip(formats, readings, strict=True) if r == read_as), None)
    if taken is None:
        return None
    filled = values.notna()
    fits = [f for f in formats if not _read(values[filled], f).isna().any()]
    if len(fits) != 1:
        return None  # the column mixes formats: the first date is not the only cause
    order = {formats[0]: "day first", formats[1]: "month first"}
    return (
        f"'{values.iloc[bad]}' does not fit the format read from row {first + 1}'s '{text}', a date that could be "
        f"{_day(readings[0])} or {_day(readings[1])} and was read {order[taken]} ({taken}); every date of the "
        f"column reads {order[fits[0]]}: set {format_key}: '{fits[0]}' in the mapping"
    )


@dataclass(frozen=True)
class TableOrder:
    """The order a table's dd/mm-or-mm/dd dates are read in, found across its date columns.

    Attributes:
        date_format: The format to read every date column of the table with; None to
            leave it to pandas (a table set its own, dates not all written as three
            numbers alike, or dates that tell both orders: the column refusals then name
            the cells).
        unresolved: Dates that read to different days day first and month first, when no
            date of the table tells the order (read month first); 0 otherwise.
        example: The first such date.
    """

    date_format: str | None
    unresolved: int = 0
    example: str = ""

    def count_in(self, problems: DataProblems, format_key: str) -> None:
        """Count the dates read month first, nothing telling their order, and name the setting for day first."""
        if not self.unresolved or self.date_format is None:
            return
        day_first = self.date_format.replace("%m", "%D").replace("%d", "%m").replace("%D", "%d")
        read = _read(pd.Series([self.example]), self.date_format).iloc[0]
        problems.add(
            f"dates no date of their table tells day first from month first (e.g. '{self.example}')",
            self.unresolved,
            f"read month first ({self.example} as {_day(read)}): set {format_key}: '{day_first}' if the CRM "
            "writes day first",
        )


def table_order(columns: Sequence[pd.Series | None], date_format: str | None) -> TableOrder:
    """The order to read a table's date columns in (cells as text, empty ones "").

    Args:
        columns: The table's date columns, absent ones as None.
        date_format: The table's own ``date_format``; when set, it is kept.
    """
    if date_format is not None:
        return TableOrder(date_format)
    given = [c[c != ""] for c in columns if c is not None]
    if not given:
        return TableOrder(None)
    cells = pd.concat(given)
    parts = cells.astype(str).str.extract(f"^(?:{NUMERIC_DATE.pattern})$")
    if cells.empty or parts[0].isna().any():
        return TableOrder(None)  # not every date is three numbers: pandas infers as it does
    seps, years = parts[1].unique(), parts[3].str.len().unique()
    if len(seps) != 1 or len(years) != 1:
        return TableOrder(None)
    first, second = parts[0].astype(int), parts[2].astype(int)
    y = "%Y" if years[0] == 4 else "%y"
    day_first, month_first = f"%d{seps[0]}%m{seps[0]}{y}", f"%m{seps[0]}%d{seps[0]}{y}"
    shows_day_first, shows_month_first = bool((first > 12).any()), bool((second > 12).any())
    if shows_day_first and shows_month_first:
        return TableOrder(None)
    if shows_day_first:
        return TableOrder(day_first)
    if shows_month_first:
        return TableOrder(month_first)
    either = first != second
    return TableOrder(month_first, int(either.sum()), str(cells[either.to_numpy()].iloc[0]) if either.any() else "")
