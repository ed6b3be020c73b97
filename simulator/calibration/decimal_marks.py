"""Which mark a column of amounts writes its decimals with: a point (``1,054.50``) or a comma (``1.054,50``).

Excel saves a CSV file separated by ``;`` where the decimal mark is a comma (most of
Europe), and its amounts then read ``1054,50`` or ``1.054,50``; such a file, or one
separated by tabs, is read with decimal commas when its column shows them. A column is
decided whole: ``1,054`` alone could be a thousand and fifty-four or one point zero five
four, so one cell with cents after a comma (``99,50``) or a point for thousands
(``1.054,50``, ``1.054.500``) makes it a column of decimal commas, one with cents after a
point (``99.50``) or a comma before a point or another comma (``1,054.50``,
``1,054,500``) a column of decimal points, and a column with neither is refused when a
cell could be read both ways. A file separated by commas, an Excel sheet and a Parquet
file keep decimal points: a decimal comma there is refused
(:mod:`simulator.calibration.amounts`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.errors import row_words
from simulator.calibration.readers import refuse_first_cell

COMMA_FILES = {";": "';'", "\t": "tabs"}
"""The separators of files whose amounts may carry decimal commas (Excel's in a comma-decimal locale), as named."""

COMMA_MARKS = r",\d{1,2}$|\.\d{3}[.,]|^\d{4,},\d+$"
"""``1054,50`` or ``99,5``, ``1.054,50`` or ``1.054.500``, ``1054,555`` (a thousands comma follows one to three digits):
a comma that can only be a decimal mark."""

POINT_MARKS = r"\.\d{1,2}$|\.\d{4,}$|,\d{3}[.,]|^\d{4,}\.\d+$"
"""``1054.50``, ``1.0545``, ``1,054.50`` or ``1,054,500``, ``1054.555``: a point that can only be a decimal mark."""

EITHER = r"\d{1,3}[.,]\d{3}"
"""``1,054`` or ``1.054``: a thousand and fifty-four, or one and a little, by the column's decimal mark."""

COMMA_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?"
"""A number with a decimal comma: its thousands grouped by points or not at all (``1.054,50``, ``1054,5``, ``0,5``)."""

ONE_WAY = (
    "write the column's amounts one way: with a decimal comma (1054,50 or 1.054,50) or a decimal point (1054.50 or "
    "1,054.50)"
)


def reads_decimal_comma(
    body: pd.Series, values: pd.Series, path: Path, name: str, separator: str, key: str = "the table's decimal_mark"
) -> bool:
    """Whether the column's amounts carry decimal commas: only in a file separated by ``;`` or tabs, decided whole.

    ``body``: each cell's number, its currency and spaces taken off (``1.054,50``); ``values``:
    the cells as written; ``separator``: the file's (``''`` for an Excel sheet or Parquet file);
    ``key``: the mapping key that would say the mark (``prices.decimal_mark``).

    Raises:
        CalibrationError: In such a file, naming the first cell that writes its decimals
            otherwise than an earlier one (``1,054.50`` below ``99,50``), or, in a column
            with neither mark, the first cell that reads two ways (``1,054``).
    """
    where = COMMA_FILES.get(separator)
    if where is None:
        return False
    number = body.str.lstrip("+-")
    comma = number.str.contains(COMMA_MARKS, regex=True)
    point = number.str.contains(POINT_MARKS, regex=True)
    refuse_first_cell(
        comma & point,
        values,
        path,
        name,
        f"reads as neither a decimal comma nor a decimal point: {ONE_WAY}",
    )
    if comma.any() and point.any():
        first, second = (int(np.flatnonzero(mark.to_numpy())[0]) for mark in (comma, point))
        later, earlier = (point, first) if first < second else (comma, second)
        marks = ("a decimal comma", "a decimal point") if first < second else ("a decimal point", "a decimal comma")
        refuse_first_cell(
            later,
            values,
            path,
            name,
            f"writes {marks[1]} where {row_words(str(path), earlier + 1)} writes {marks[0]} "
            f"('{values.iloc[earlier]}'): which one a cell such as 1,054 means cannot be told; {ONE_WAY}",
        )
    if comma.any() or point.any():
        return bool(comma.any())
    either = number.str.fullmatch(EITHER)
    if either.any():
        cell = str(number[either].iloc[0])
        digits = cell.replace(",", "").replace(".", "")
        readings = (
            f"{digits} (a comma for thousands) or {digits[:-3]}.{digits[-3:]} (a decimal comma)"
            if "," in cell
            else f"{digits[:-3]}.{digits[-3:]} (a decimal point) or {digits} (a point for thousands)"
        )
        refuse_first_cell(
            either,
            values,
            path,
            name,
            f"could be {readings}, and no amount of the column tells which (in a file separated by {where}, a "
            "comma may be the decimal mark): write the column's amounts with their cents (1.054,00 or 1,054.00), "
            f"or with no thousands separator (1054), or set {key}: comma (or point)",
        )
    return False


def said_decimal_comma(body: pd.Series, values: pd.Series, path: Path, name: str, mark: str, key: str) -> bool:
    """Whether the column reads with decimal commas as the table's own ``decimal_mark`` (``comma``, ``point``) says.

    Raises:
        CalibrationError: Naming the first cell that can only be read with the other mark
            (``99.50`` where ``key`` is comma, ``99,50`` where it is point).
    """
    other = "point" if mark == "comma" else "comma"
    number = body.str.lstrip("+-")
    refuse_first_cell(
        number.str.contains(POINT_MARKS if mark == "comma" else COMMA_MARKS, regex=True),
        values,
        path,
        name,
        f"writes its decimals with a {other}, and {key} is {mark}: write the column's amounts with a decimal {mark} "
        f"({'1054,50 or 1.054,50' if mark == 'comma' else '1054.50 or 1,054.50'}), or set {key}: {other}",
    )
    return mark == "comma"


def comma_decimals(body: pd.Series, values: pd.Series, path: Path, name: str) -> pd.Series:
    """Numbers written with a decimal comma as Python reads them (``1.054,50``: ``1054.50``).

    Raises:
        CalibrationError: Naming the first cell of digits, points and commas that is no
            number with a decimal comma (``1.05,50``: a point that groups no thousands).
    """
    odd = body.str.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*") & ~body.str.fullmatch(rf"[+-]?{COMMA_NUMBER}")
    refuse_first_cell(
        odd,
        values,
        path,
        name,
        "is not written as the column's other amounts, with a decimal comma: a point groups thousands, three "
        "digits each, and one comma comes before the cents (1054,50 or 1.054,50)",
    )
    return body.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
