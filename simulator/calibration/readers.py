"""Read one table of an export (CSV, Excel or Parquet) as text, and parse its dates and amounts.

Every cell is read as text and parsed here, so that a bad cell is reported with its file,
column and row (1-based data row, the header not counted) rather than coerced silently.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.date_formats import (
    ambiguous_first_words,
    minority_words,
    read_with,
    three_number_share,
    without_zone,
)
from simulator.calibration.errors import CalibrationError, note_lines
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
            frame = _read_csv(path)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, keep_default_na=False)
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
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda col: col.map(_clean))


EMPTY = (
    "is empty: no header row and no rows (an export cut short, or saved before anything was written?): export "
    "the table again, a header row naming its columns then one row per record"
)
"""What a table with nothing in it is told (pandas says 'No columns to parse from file')."""


BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
"""Byte-order marks of the Unicode encodings that are not UTF-8 (UTF-32 LE begins as UTF-16 LE does: first)."""

SEPARATORS = (";", "\t", "|")


def separator_hint(header: list[str]) -> str:
    """A hint when the header is one column holding another separator ('' otherwise)."""
    found = next((s for s in SEPARATORS if len(header) == 1 and s in header[0]), None)
    return (
        f"; its header is one column holding {found!r}: the file looks separated by {found!r}, save it with commas"
        if found
        else ""
    )


def _text(path: Path) -> str:
    """The file as text: UTF-8 (a UTF-8 byte-order mark allowed).

    Raises:
        CalibrationError: The file is UTF-16 or UTF-32 (a byte-order mark, or NUL bytes
            between its letters), or not UTF-8, naming the first bad byte's row and line.
    """
    raw = path.read_bytes()
    encoding = next((name for bom, name in BOMS if raw.startswith(bom)), None)
    if encoding is None and raw[:4096].count(0) > len(raw[:4096]) // 4:
        encoding = "UTF-16 or UTF-32 (without a byte-order mark: a NUL byte between its letters)"
    if encoding is not None:
        raise CalibrationError(
            f"is saved as {encoding}, not UTF-8 (Excel's 'Unicode Text' is UTF-16): re-save it as 'CSV UTF-8'",
            file=str(path),
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as whole:
        line = raw[: whole.start].count(b"\n") + 1
        raise CalibrationError(
            f"row {line - 1} (line {line} of the file, byte 0x{raw[whole.start]:02x}) is not UTF-8 text (Latin-1 or "
            "Windows-1252 from an older Excel?): save the file as 'CSV UTF-8'",
            file=str(path),
        ) from None


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text cells, each data row checked to have as many fields as the header.

    Raises:
        CalibrationError: A row with fewer or more fields than the header (a row cut short,
            a truncated last line, an unquoted comma), or a quoted field never closed,
            naming the row and its lines.
    """
    text = _text(path)
    if not text.strip():  # nothing, or only blank lines and spaces
        raise CalibrationError(EMPTY, file=str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    row, first, line = 0, 0, 0
    starts: list[int] = []  # the line each data row starts on (a blank line or a value over two lines moves it)
    for record in reader:
        first, line = line + 1, reader.line_num
        if not record:  # a blank line: skipped, as pandas skips it
            continue
        if header is None:
            header = record
            continue
        row += 1
        starts.append(first)
        if len(record) != len(header):
            if "\n".join(text.split("\n")[first - 1 : line]).count('"') % 2:
                cause = "a '\"' opens a quoted field that is never closed"
            elif len(record) < len(header):
                cause = "a row cut short, or a truncated last line"
            else:
                cause = "a comma inside a value that is not quoted?"
            raise CalibrationError(
                f"row {row} ({_lines(first, line)} of the file) has {len(record)} field"
                f"{'s' if len(record) != 1 else ''}, its header {len(header)} ({cause}): every row needs one field "
                "per column" + separator_hint(header),
                file=str(path),
            )
    if header is None:  # nothing but blank lines, or nothing at all
        raise CalibrationError(EMPTY, file=str(path))
    note_lines(str(path), starts)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as error:
        if "EOF inside string" not in str(error):
            raise
        raise CalibrationError(  # a record that swallows the rest of the file is the last one read
            f"row {row} ({_lines(first, line)} of the file) opens a quoted field that is never closed: the file is "
            "cut short, or a '\"' is missing",
            file=str(path),
        ) from None


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first} to {last}"


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
        raise CalibrationError(
            f"'{value}' is not a date: each cell must be empty or {accepted}; is the mapping's column the right one?",
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
