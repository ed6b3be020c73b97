"""Read one table of an export (CSV, Excel or Parquet) as text, and parse its dates and amounts.

Every cell is read as text and parsed here, so that a bad cell is reported with its file,
column and row (1-based data row, the header not counted) rather than coerced silently.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.csv_files import EMPTY, SEPARATOR, as_written, read_csv, separator_hint
from simulator.calibration.date_formats import (
    ambiguous_first_words,
    minority_words,
    read_with,
    three_number_share,
    without_zone,
)
from simulator.calibration.errors import CalibrationError
from simulator.config.errors import shown

NA_WORDS = (
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
    "NaT",
)
"""Pandas' default missing-value strings (``pandas.read_csv``'s ``na_values``) and ``NaT``.

Every cell is read as written (``keep_default_na=False``); a mapped column's cell holding
one of these (any case) is read as empty and counted by
:func:`~simulator.calibration.export_tables.blank_missing_words`. They had been blanked in
every column without a word: a price of ``n/a`` was taken as no price (exit 0, no data
problem) while ``abc`` was refused.
"""
MISSING_WORDS = frozenset(word.casefold() for word in NA_WORDS)


def read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """The table at ``path`` with every cell as a stripped string ('' when empty).

    Raises:
        CalibrationError: The file is missing, of an unknown kind or cannot be read.
    """
    if not path.is_file():
        raise CalibrationError(
            "file not found (a mapping's file paths are relative to the mapping file: keep the export where they "
            "point, or edit the paths; README, 'Your own company')",
            file=str(path),
        )
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            frame = read_csv(path)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            with pd.ExcelFile(path) as workbook:
                sheets = [str(name) for name in workbook.sheet_names]
                if sheet is not None and sheet not in sheets:  # had been "Worksheet named 'Opps' not found"
                    raise CalibrationError(
                        f"has no sheet '{sheet}' (it has: {', '.join(sheets)}): set the table's sheet in the mapping "
                        "to one of them",
                        file=str(path),
                    )
                frame = pd.read_excel(workbook, sheet_name=sheet or 0, dtype=object, keep_default_na=False)
                top = pd.read_excel(workbook, sheet_name=sheet or 0, header=None, nrows=1, dtype=object)
                if len(top) and top.shape[1] == frame.shape[1]:  # 'product.1' for a repeated name: as written
                    frame.columns = as_written([_clean(c) for c in top.iloc[0]], [str(c) for c in frame.columns])
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            raise CalibrationError("unknown kind of file (CSV, Excel or Parquet)", file=str(path))
    except CalibrationError:
        raise
    except Exception as error:  # pandas, openpyxl and pyarrow each raise their own
        raise CalibrationError(f"cannot be read: {error}", file=str(path)) from None
    if len(frame.columns) == 0:  # an empty sheet or Parquet file: its mapped columns would be 'not in (it has: )'
        raise CalibrationError(EMPTY, file=str(path))
    read = [str(c).strip() for c in frame.columns]
    frame.columns, repeated_names = unique_columns(read)
    # a Parquet file may carry attrs of its own: only a CSV file's separator is one
    separator = str(frame.attrs.get(SEPARATOR, "")) if suffix in (".csv", ".txt") else ""
    numbers = () if suffix in (".csv", ".txt") else _number_columns(frame)
    frame = frame.apply(lambda col: col.map(_clean))
    frame.attrs = {SEPARATOR: separator}
    if repeated_names:
        frame.attrs[REPEATED] = repeated_names
    if numbers:
        frame.attrs[NUMBERS] = numbers
    repeated = (frame == list(frame.columns)).all(axis=1).to_numpy()  # had been "'engage_date' is not a date"
    if repeated.any():
        raise CalibrationError(
            f"repeats the header ({', '.join(list(frame.columns)[:3])}, ...): two exports pasted into one? Delete the "
            "repeated header row",
            file=str(path),
            row=int(repeated.argmax()) + 1,
        )
    return frame


REPEATED = "repeated"
"""The key of a table's ``attrs`` naming each column name its header writes more than once, with their positions."""


def unique_columns(names: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """The header's names (stripped) made unique, and each name written more than once with its columns (1-based).

    A repeated name keeps its first column under that name; the others are named ``product (column 4)``,
    which no mapping names by chance. A header writing ``product`` twice had been read as ``product`` and
    ``product.1`` (the first silently mapped), and ``product,product `` as two columns of one name: a crash.
    """
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        seen.setdefault(name, []).append(position)
    unique = [
        name if seen[name][0] == position else f"{name} (column {position})"
        for position, name in enumerate(names, start=1)
    ]
    return unique, {name: places for name, places in seen.items() if len(places) > 1}


NUMBERS = "numbers"
"""The key of a table's ``attrs`` naming the columns whose filled cells its file holds as numbers (Excel, Parquet)."""


def _number_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns whose every filled cell is a number, not text (none but empty cells: not one)."""
    found = []
    for name in frame.columns:
        filled = [cell for cell in frame[name] if _clean(cell) != ""]
        numeric = all(
            isinstance(c, int | float | np.number | Decimal) and not isinstance(c, bool | np.bool_) for c in filled
        )  # a Parquet decimal(18,3) money column's 100.000 too
        if filled and numeric:
            found.append(str(name))
    return tuple(found)


def number_columns(table: pd.DataFrame) -> tuple[str, ...]:
    """The columns of ``table`` its Excel or Parquet file holds as numbers (:data:`NUMBERS`; none for a CSV file)."""
    return tuple(table.attrs.get(NUMBERS, ()))


def separator_of(table: pd.DataFrame) -> str:
    """The separator of the CSV file ``table`` was read from (``''`` for an Excel sheet or a Parquet file)."""
    return str(table.attrs.get(SEPARATOR, ""))


def _clean(value: object) -> str:
    """A cell as stripped text; a cell the file holds no value in (a Parquet null, an empty Excel cell) as ''."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def require_columns(frame: pd.DataFrame, mapped: Mapping[str, str | None], path: Path) -> None:
    """Every column the mapping names for this table is in ``frame``.

    ``mapped``: the mapping's key -> the column it names (``opportunities.columns.product``
    -> ``product``; None: not in the export).

    Raises:
        CalibrationError: Naming each mapping key whose column is missing, its value, the
            closest column the file has and the columns it has.
    """
    have = [str(c) for c in frame.columns]
    repeated: dict[str, list[int]] = frame.attrs.get(REPEATED, {})
    twice = [(key, name) for key, name in mapped.items() if name is not None and name in repeated]
    if twice:
        said = "; ".join(
            f"{key} = {shown(name)}: the header writes '{name}' in columns "
            f"{', '.join(str(p) for p in repeated[name][:-1])} and {repeated[name][-1]}"
            for key, name in twice
        )
        raise CalibrationError(
            f"{said}: which column is meant cannot be told, and taking the first would be silent; give each column "
            "of the header its own name",
            file=str(path),
        )
    wrong = []
    for key, name in mapped.items():
        if name is not None and name not in frame.columns:
            close = closest_column(name, have)
            wrong.append(f"{key} = {shown(name)}" + (f" (did you mean '{close}'?)" if close else ""))
    separated = separator_hint(have).removeprefix("; ")
    lead = f"{separated}; " if separated else ""  # the likely cause of every missing column, said first
    if len(wrong) == 1:
        message = f"{lead}{wrong[0]}: the mapping names a column not in the file (it has: {', '.join(have)})"
        raise CalibrationError(message, file=str(path))
    if wrong:
        lines = "".join(f"\n  - {w}" for w in wrong)
        message = f"{lead}the mapping names {len(wrong)} columns not in the file (it has: {', '.join(have)}):{lines}"
        raise CalibrationError(message, file=str(path))


def closest_column(name: str, have: list[str]) -> str | None:
    """The file's column the mapping likely meant: the same but for case and separators, else the closest spelling.

    Both are compared folded (:func:`_folded`): ``close_value`` against an export's
    ``Close Value`` had been offered ``close_date``, another column's name.
    """
    folded = {_folded(c): c for c in have}
    same = folded.get(_folded(name))
    if same is not None:
        return same
    close = difflib.get_close_matches(_folded(name), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _folded(name: str) -> str:
    """A column name in lower case without spaces, underscores, hyphens or points (``Close Value``: ``closevalue``)."""
    return re.sub(r"[\s_.\-]+", "", name.casefold())


def column(frame: pd.DataFrame, name: str | None, path: Path) -> pd.Series | None:
    """The column ``name`` (None when not mapped).

    Raises:
        CalibrationError: The mapped column is not in the file.
    """
    if name is None:
        return None
    if name not in frame.columns:
        known = ", ".join(frame.columns)
        hint = separator_hint([str(c) for c in frame.columns])
        raise CalibrationError(f"mapped column not in the file (it has: {known}){hint}", file=str(path), column=name)
    return frame[name]


def parse_dates(
    values: pd.Series,
    path: Path,
    name: str,
    date_format: str | None = None,
    deal_dates: bool = True,
    format_key: str = "opportunities.date_format",
    day_first: bool = False,
    ordered: bool = False,
) -> np.ndarray:
    """Dates as ``datetime64[D]`` (NaT where empty).

    Without ``date_format``, pandas infers the format from the first date; a column of
    ISO dates some of which carry a time (``2016-10-20 10:30``) is read as ISO 8601.
    ``format_key``: the mapping key that sets this table's date format, named in the messages.
    ``day_first``: the table's dates read day first
    (:func:`~simulator.calibration.date_order.table_order`), when ``date_format`` is not set.
    ``ordered``: the table's dates were found to read one way
    (:func:`~simulator.calibration.date_order.table_order`), so a column of three-number
    dates with a time of day in some cells only is read cell by cell, each in its own layout.

    Raises:
        CalibrationError: Naming the first cell that is not empty and not a date, or, when
            the column mixes formats, the first cell and the first one written otherwise, or
            the first date after today (the machine's date), or (``deal_dates``: a deal's or
            a stage's dates, not a roster's start dates) the first more than
            :data:`YEARS_BEFORE_MEDIAN` years before the column's median date.
    """
    filled = values != ""
    local = without_zone(values).where(filled, None)
    # only a column of three-number dates takes the table's order (an ISO date read day first is
    # yyyy-dd-mm); one whose other cells are, keeps it, so that the cell written otherwise is named
    share = three_number_share(values)
    day_first = day_first and share >= 0.5
    parsed = read_with(local, date_format, day_first)
    bad = filled & parsed.isna()
    if bad.any() and date_format is None:
        each_alone = ordered and share == 1.0
        again = read_with(local, "mixed", day_first) if each_alone else read_with(local, "ISO8601")
        if not (filled & again.isna()).any():
            parsed, bad = again, filled & again.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = values.iloc[row]
        alone = read_with(local.iloc[[row]], date_format, day_first)
        if date_format is None and not alone.isna().all():
            first = int(np.flatnonzero(filled.to_numpy())[0])
            ambiguous = ambiguous_first_words(local, first, row, parsed.iloc[first], format_key)
            odd = None if ambiguous else minority_words(local, format_key)
            if odd is not None:  # the rows written unlike most, not the first row failing the first row's format
                raise CalibrationError(odd[1], file=str(path), column=name, row=odd[0] + 1)
            raise CalibrationError(
                ambiguous
                or f"'{value}' is written in another date format than row {first + 1}'s '{values.iloc[first]}': "
                f"write every date one way, or set the table's date format in the mapping ({format_key}, e.g. "
                "%Y-%m-%d or %d/%m/%Y)",
                file=str(path),
                column=name,
                row=row + 1,
            )
        accepted = (
            f"a date written as the table's date_format {date_format}"
            if date_format
            else "a date such as 2017-03-01, 2017-03-01 10:30 or 03/01/2017 (or set the table's date format, "
            f"{format_key}, e.g. %d/%m/%Y)"
        )
        serial = value.isdigit() and 20_000 <= int(value) <= 80_000  # 1954 to 2119 counted from 1899-12-30
        cause = (
            "an Excel serial day number? Format the column as dates in Excel before saving it"
            if serial
            else "is the mapping's column the right one?"
        )
        raise CalibrationError(
            f"'{value}' is not a date: each cell must be empty or {accepted}; {cause}",
            file=str(path),
            column=name,
            row=row + 1,
        )
    result: np.ndarray = parsed.to_numpy().astype("datetime64[D]")
    today = np.datetime64("today", "D")
    refuse_first_cell(
        pd.Series(result > today),
        values,
        path,
        name,
        f"is after today ({today}): an export holds no dates in the future (is an expected close date mapped as "
        "the date a deal closed?)",
    )
    if deal_dates:
        _refuse_long_before(result, values, path, name)
    return result


YEARS_BEFORE_MEDIAN = 20
"""A deal date this many years before its column's median date is a placeholder (1900-01-01) or a typing error."""


def _refuse_long_before(dates: np.ndarray, values: pd.Series, path: Path, name: str) -> None:
    """Refuse the first date more than :data:`YEARS_BEFORE_MEDIAN` years before the column's median date."""
    known = dates[~np.isnat(dates)]
    if known.size == 0:
        return
    median = np.sort(known)[known.size // 2]
    earliest = median - np.timedelta64(round(YEARS_BEFORE_MEDIAN * 365.25), "D")
    with np.errstate(invalid="ignore"):
        early = pd.Series(~np.isnat(dates) & (dates < earliest))
    refuse_first_cell(
        early,
        values,
        path,
        name,
        f"is more than {YEARS_BEFORE_MEDIAN} years before the column's median date ({median}): a placeholder "
        "or typing error, not a deal's date; correct the cell, or blank it (a row with no created date is left "
        "out and counted, a closed row with no close date is treated as open and counted)",
    )


def refuse_first_cell(cells: pd.Series, values: pd.Series, path: Path, name: str, problem: str) -> None:
    """Refuse the first cell where ``cells`` is true: ``'<value>' <problem>``, naming file, column and row.

    Raises:
        CalibrationError: When any cell is true.
    """
    if cells.any():
        row = int(np.flatnonzero(cells.to_numpy())[0])
        raise CalibrationError(f"'{values.iloc[row]}' {problem}", file=str(path), column=name, row=row + 1)
