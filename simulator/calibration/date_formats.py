"""Why a date column fails to parse when its first date is ambiguous, and the date format to set.

Without a ``date_format``, pandas reads a column in the format it infers from its first
date. A first date such as ``01/03/2017`` fits day first (1 March) and month first
(3 January); pandas takes it month first, and a later ``18/03/2017`` then fails. A CRM
file written entirely in dd/mm/yyyy had read "'18/03/2017' is written in another date
format than row 1's '01/03/2017'", when every date was written alike: the cause is the
ambiguous first row, and the fix is the table's ``date_format``, named with its key.

:mod:`simulator.calibration.date_order` reads a whole table in the order its dates show,
so this message is left for a column whose dates no order fits alike.
"""

from __future__ import annotations

import datetime
import re
import warnings

import pandas as pd

TIME_ZONE = r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})"
"""A time zone after a time of day: Z, UTC, GMT, +02:00, -0500 (dropped: the day is the one the CRM wrote)."""

DATE_CELL = re.compile(
    r"\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})"
    r"(?:(?:[ T]+|\s*,\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    rf"(?:\s*{TIME_ZONE})?)?\s*"
)
"""A date of three numbers, day and month in either order first, with or without a time: 01/03/2017 09:30+02:00."""


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


def read_with(values: pd.Series, date_format: str | None, day_first: bool = False) -> pd.Series:
    """Pandas' reading of ``values`` as dates (NaT where it cannot), without its day-first warning.

    Without ``date_format``, pandas infers the format from the first date, day first
    where ``day_first`` (:mod:`simulator.calibration.date_order`).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Parsing dates in %d/%m/%Y format": as intended
        try:
            return pd.to_datetime(values, errors="coerce", format=date_format, dayfirst=day_first)
        except (TypeError, ValueError, OverflowError):  # a mixture pandas cannot even coerce: each alone
            return pd.Series(
                [
                    pd.to_datetime(v, errors="coerce", format=date_format, dayfirst=day_first)
                    if v is not None
                    else pd.NaT
                    for v in values
                ],
                index=values.index,
                dtype="datetime64[ns]",
            )


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
    readings = [read_with(pd.Series([text]), f).iloc[0] for f in formats]
    taken = next((f for f, r in zip(formats, readings, strict=True) if r == read_as), None)
    if taken is None:
        return None
    filled = values.notna()
    fits = [f for f in formats if not read_with(values[filled], f).isna().any()]
    if len(fits) != 1:
        return None  # the column mixes formats: the first date is not the only cause
    order = {formats[0]: "day first", formats[1]: "month first"}
    return (
        f"'{values.iloc[bad]}' does not fit the format read from row {first + 1}'s '{text}', a date that could be "
        f"{_day(readings[0])} or {_day(readings[1])} and was read {order[taken]} ({taken}); every date of the "
        f"column reads {order[fits[0]]}: set {format_key}: '{fits[0]}' in the mapping"
    )


def layout(text: str) -> str:
    """How a date is written, its numbers and words left out: '2017-03-11' -> '9-9-9', '03/15/2017' -> '9/9/9'.

    A four-digit run stays apart (``9999-9-9`` is year first, ``9/9/9999`` year last); a time
    of day after the date is dropped (a column's dates with and without one are read alike).
    """
    date = re.sub(r"(?:[ T]+|\s*,\s*)\d{1,2}:\d{2}.*$", "", text.strip())
    return re.sub(r"\d+", lambda m: "Y" if len(m.group()) == 4 else "9", re.sub(r"[A-Za-z]+", "a", date))


def minority_words(values: pd.Series, format_key: str) -> tuple[int, str] | None:
    """The rows written in the column's minority date layout, named against its majority; None when one layout.

    Pandas reads a column in the format of its first date, so a column whose first row is
    the odd one (03/15/2017 above 7,000 ISO dates) failed on row 2, and the message blamed
    row 2's '2017-03-11' and suggested a date format that would have broken the 7,000: the
    rows to mend are those written unlike most.

    Args:
        values: The column's cells, empty ones as None.
        format_key: The mapping key that sets the table's date format.

    Returns:
        (the first odd row, 0-based; the message) or None.
    """
    positions = [int(p) for p in values.reset_index(drop=True).dropna().index]
    shapes = [layout(str(values.iloc[p])) for p in positions]
    counts: dict[str, int] = {}
    for shape in shapes:
        counts[shape] = counts.get(shape, 0) + 1
    if len(counts) < 2:
        return None
    most = max(counts.values())
    majority = shapes[0] if counts[shapes[0]] == most else max(counts, key=lambda k: counts[k])
    rows = [p for p, shape in zip(positions, shapes, strict=True) if shape != majority]
    example = next(p for p, shape in zip(positions, shapes, strict=True) if shape == majority)
    listed = ", ".join(f"{r + 1} ('{values.iloc[r]}')" for r in rows[:5]) + (
        f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
    )
    return int(rows[0]), (
        f"{len(rows):,} date{'s are' if len(rows) != 1 else ' is'} written in another format than the column's "
        f"other {most:,} (such as row {example + 1}'s '{values.iloc[example]}'): row{'s' if len(rows) != 1 else ''} "
        f"{listed}; write {'them' if len(rows) != 1 else 'it'} as the others are (setting {format_key} would "
        "not help: it reads one format only)"
    )


def three_number_share(values: pd.Series) -> float:
    """The share of a column's filled cells that are dates of three numbers (:data:`DATE_CELL`); 0 for none filled."""
    filled = values[values != ""].astype(str)
    return float(filled.str.fullmatch(DATE_CELL.pattern).mean()) if filled.size else 0.0


def without_zone(values: pd.Series) -> pd.Series:
    """The cells with a time zone after their time of day dropped (2017-03-01T10:30:00+02:00, 01/03/2017 09:30 UTC)."""
    return values.str.replace(
        rf"(\d:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)\s*{TIME_ZONE}$", r"\1", regex=True
    )
