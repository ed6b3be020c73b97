"""Read one table of an export (CSV, Excel or Parquet) as text, and parse its dates and amounts.

Every cell is read as text and parsed here, so that a bad cell is reported with its file,
column and row (1-based data row, the header not counted) rather than coerced silently.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError

MISSING = {"", "nan", "nat", "none", "null", "na", "n/a"}


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
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path).astype(str)
        else:
            raise CalibrationError("unknown kind of file (CSV, Excel or Parquet)", file=str(path))
    except CalibrationError:
        raise
    except UnicodeDecodeError:
        raw = path.read_bytes()
        try:  # the whole file's first bad byte (pandas reports a position inside its own buffer)
            raw.decode("utf-8")
            where = "it"
        except UnicodeDecodeError as whole:
            line = raw[: whole.start].count(b"\n") + 1
            where = f"row {line - 1} (line {line} of the file, byte 0x{raw[whole.start]:02x})"
        raise CalibrationError(
            f"{where} is not UTF-8 text (Latin-1 or Windows-1252 from an older Excel?): save the file as 'CSV UTF-8'",
            file=str(path),
        ) from None
    except Exception as error:  # pandas, openpyxl and pyarrow each raise their own
        raise CalibrationError(f"cannot be read: {error}", file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda col: col.map(_clean))


def _clean(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text.lower() in MISSING else text


def column(frame: pd.DataFrame, name: str | None, path: Path) -> pd.Series | None:
    """The column ``name`` (None when not mapped).

    Raises:
        CalibrationError: The mapped column is not in the file.
    """
    if name is None:
        return None
    if name not in frame.columns:
        known = ", ".join(frame.columns)
        separator = next((s for s in (";", "\t", "|") if len(frame.columns) == 1 and s in frame.columns[0]), None)
        hint = (
            f"; its header is one column holding {separator!r}: the file looks separated by {separator!r}, save it "
            "with commas"
            if separator
            else ""
        )
        raise CalibrationError(f"mapped column not in the file (it has: {known}){hint}", file=str(path), column=name)
    return frame[name]


def _to_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    """Pandas' reading of ``values`` as dates (NaT where it cannot), without its day-first warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Parsing dates in %d/%m/%Y format": as intended
        try:
            return pd.to_datetime(values, errors="coerce", format=date_format)
        except (TypeError, ValueError, OverflowError):  # a mixture pandas cannot even coerce: each alone
            return pd.Series(
                [pd.to_datetime(v, errors="coerce", format=date_format) if v is not None else pd.NaT for v in values],
                index=values.index,
                dtype="datetime64[ns]",
            )


def parse_dates(values: pd.Series, path: Path, name: str, date_format: str | None = None) -> np.ndarray:
    """Dates as ``datetime64[D]`` (NaT where empty).

    Without ``date_format``, pandas infers the format from the first date; a column of
    ISO dates some of which carry a time (``2016-10-20 10:30``) is read as ISO 8601.

    Raises:
        CalibrationError: Naming the first cell that is not empty and not a date, or, when
            the column mixes formats, the first cell and the first one written otherwise, or
            the first date after today (the machine's date).
    """
    filled = values != ""
    # a time zone (2017-03-01T10:30:00+02:00, ...Z) is dropped: the day is the one the CRM wrote
    local = values.str.replace(r"(\d:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$", r"\1", regex=True)
    local = local.where(filled, None)
    parsed = _to_dates(local, date_format)
    bad = filled & parsed.isna()
    if bad.any() and date_format is None:
        iso = _to_dates(local, "ISO8601")
        if not (filled & iso.isna()).any():
            parsed, bad = iso, filled & iso.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = values.iloc[row]
        alone = _to_dates(local.iloc[[row]], date_format)
        if date_format is None and not alone.isna().all():
            first = int(np.flatnonzero(filled.to_numpy())[0])
            raise CalibrationError(
                f"'{value}' is written in another date format than row {first + 1}'s '{values.iloc[first]}': "
                "write every date one way, or give the table's date_format (e.g. %Y-%m-%d or %d/%m/%Y)",
                file=str(path),
                column=name,
                row=row + 1,
            )
        raise CalibrationError(f"'{value}' is not a date", file=str(path), column=name, row=row + 1)
    result: np.ndarray = parsed.to_numpy().astype("datetime64[D]")
    today = np.datetime64("today", "D")
    _first(
        pd.Series(result > today),
        values,
        path,
        name,
        f"is after today ({today}): an export holds no dates in the future (is an expected close date mapped as "
        "the date a deal closed?)",
    )
    return result


DECIMAL_COMMA = r"(?:\d,\d{1,2}$)|(?:\.\d{3},)"
"""``1054,00`` or ``1.054,00``: cents after a comma, which a thousands separator would scale 100x or 1,000x."""


POINT_THOUSANDS = r"^[$€£]?\s*[1-9]\d{0,2}(?:\.\d{3})+$"
"""``1.054`` or ``€12.500``: a point for a thousands separator reads 1,000x too small."""

AMOUNT_CEILING = 1e15
"""No deal is worth this much in any currency (a quadrillion yen is about $7 trillion)."""

MEDIAN_MULTIPLE = 1e6
"""An amount a million times the column's median amount is a unit or typing error, not a deal."""


def _first(cells: pd.Series, values: pd.Series, path: Path, name: str, problem: str) -> None:
    """Refuse the first cell where ``cells`` is true: ``'<value>' <problem>``, naming file, column and row.

    Raises:
        CalibrationError: When any cell is true.
    """
    if cells.any():
        row = int(np.flatnonzero(cells.to_numpy())[0])
        raise CalibrationError(f"'{values.iloc[row]}' {problem}", file=str(path), column=name, row=row + 1)


def parse_amounts(values: pd.Series, path: Path, name: str) -> np.ndarray:
    """Amounts as floats (NaN where empty), zero or more; currency signs and thousands separators are allowed.

    Raises:
        CalibrationError: Naming the first cell that is not empty and not a number, is
            negative or infinite, writes its cents after a decimal comma or its thousands
            after a point (``1.054``), is :data:`AMOUNT_CEILING` or more, or is
            :data:`MEDIAN_MULTIPLE` times the column's median positive amount or more.
    """
    comma = values.str.contains(DECIMAL_COMMA, regex=True)
    _first(
        comma,
        values,
        path,
        name,
        "has a decimal comma: write amounts with a decimal point and no thousands separator or a comma one "
        "(1054.00 or 1,054.00)",
    )
    _first(
        values.str.strip().str.fullmatch(POINT_THOUSANDS),
        values,
        path,
        name,
        "has three digits after its point, as a thousands separator would (1.054 would be read as 1.054, not "
        "1,054): write amounts with a decimal point and no thousands separator or a comma one (1054 or 1,054)",
    )
    cleaned = values.str.replace(r"[,$€£\s]", "", regex=True)
    parsed = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
    _first((cleaned != "") & ~np.isfinite(parsed), values, path, name, "is not an amount")  # NaN and inf alike
    _first(
        parsed < 0,
        values,
        path,
        name,
        "is negative: a deal's amount is zero or more (a refund or credit note is not a deal: leave it out of the "
        "export)",
    )
    _first(parsed >= AMOUNT_CEILING, values, path, name, "is 10^15 or more: no deal is worth that")
    positive = parsed[parsed > 0]
    if positive.size:
        median = float(positive.median())
        _first(
            parsed >= MEDIAN_MULTIPLE * median,
            values,
            path,
            name,
            f"is {MEDIAN_MULTIPLE:,.0f} times the column's median amount ({median:,.2f}) or more: a unit or typing "
            "error (fix the cell, or leave the row out of the export)",
        )
    result: np.ndarray = parsed.to_numpy(dtype=np.float64)
    return result
