"""Read one table of an export (CSV, Excel or Parquet) as text, and parse its dates and amounts.

Every cell is read as text and parsed here, so that a bad cell is reported with its file,
column and row (1-based data row, the header not counted) rather than coerced silently.
"""

from __future__ import annotations

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
        raise CalibrationError("file not found", file=str(path))
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
        raise CalibrationError(f"mapped column not in the file (it has: {known})", file=str(path), column=name)
    return frame[name]


def parse_dates(values: pd.Series, path: Path, name: str, date_format: str | None = None) -> np.ndarray:
    """Dates as ``datetime64[D]`` (NaT where empty).

    Raises:
        CalibrationError: Naming the first cell that is not empty and not a date.
    """
    filled = values != ""
    parsed = pd.to_datetime(values.where(filled, None), errors="coerce", format=date_format)
    bad = filled & parsed.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CalibrationError(f"'{values.iloc[row]}' is not a date", file=str(path), column=name, row=row + 1)
    result: np.ndarray = parsed.to_numpy().astype("datetime64[D]")
    return result


def parse_amounts(values: pd.Series, path: Path, name: str) -> np.ndarray:
    """Amounts as floats (NaN where empty); currency signs and thousands separators are allowed.

    Raises:
        CalibrationError: Naming the first cell that is not empty and not a number.
    """
    cleaned = values.str.replace(r"[,$€£\s]", "", regex=True)
    parsed = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
    bad = (cleaned != "") & parsed.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CalibrationError(f"'{values.iloc[row]}' is not an amount", file=str(path), column=name, row=row + 1)
    result: np.ndarray = parsed.to_numpy(dtype=np.float64)
    return result
