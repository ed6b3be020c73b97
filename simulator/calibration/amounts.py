"""Amounts read from a CRM export or a price list: currency signs and thousands separators allowed, slips refused.

A deal's amount or a product's list price is a finite number of zero or more, written
with a currency sign or code if any (``$1,054``, ``1,054 EUR``, ``usd 1,054``, ``¥105,400``),
one currency in a column (:mod:`simulator.calibration.currency`). Its decimals follow a
point, or a comma in a column of a file separated by ``;`` or tabs that shows decimal
commas (:mod:`simulator.calibration.decimal_marks`). Elsewhere a cell that writes its
cents after a decimal comma, its thousands after a point (``1.054``), a comma that groups
no thousands (``1,0545``), a negative amount, 10^15 or more, or a million times the
column's median is refused, naming the file, the column and the row (the first such cell).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.currency import amount_parts, check_currencies
from simulator.calibration.decimal_marks import comma_decimals, reads_decimal_comma, said_decimal_comma
from simulator.calibration.readers import refuse_first_cell

DECIMAL_COMMA = r"(?:\d,\d{1,2}$)|(?:\.\d{3},)"
"""``1054,00`` or ``1.054,00``: cents after a comma, which a thousands separator would scale 100x or 1,000x."""


POINT_THOUSANDS = r"^[1-9]\d{0,2}(?:\.\d{3})+$"
"""``1.054`` or ``€12.500`` (its sign taken off): a point for a thousands separator reads 1,000x too small."""

LOOSE_COMMA = r",(?:\d{4,})?(?:\.\d*)?$|\d{4,},"
"""``1,0545``, ``12,3456`` or ``1054,555``: a comma with other than three digits after it, or four before it, groups
no thousands (10,545 and 1,054,555 had been read)."""

GROUP_MARKS = "\\s'\u2019"
"""Marks that only group thousands: a space (French Excel writes a no-break or narrow no-break one, ``1 054,50``) or an
apostrophe (Swiss, ``1'054.50`` or ``1’054.50``), as a regular expression's character class."""

GROUPED = rf"[+-]?\d{{1,3}}(?:[{GROUP_MARKS}]\d{{3}})+(?:[.,]\d+)?"
"""A number whose thousands a space or an apostrophe groups: one to three digits, then three after each mark."""

AMOUNT_CEILING = 1e15
"""No deal is worth this much in any currency (a quadrillion yen is about $7 trillion)."""

MEDIAN_MULTIPLE = 1e6
"""An amount a million times the column's median amount is a unit or typing error, not a deal."""


NEGATIVE_PRICE = "is negative: a product's list price is zero or more (fix the cell, or leave the product out)"


def parse_amounts(
    values: pd.Series,
    path: Path,
    name: str,
    price: bool = False,
    separator: str = ",",
    numbers: bool = False,
    decimal_mark: str | None = None,
    mark_key: str = "the table's decimal_mark",
) -> np.ndarray:
    """Amounts as floats (NaN where empty), zero or more; currency signs and thousands separators are allowed.

    ``separator``: the file's (``''`` for an Excel sheet or a Parquet file); in a file
    separated by ``;`` or tabs, a column whose amounts show decimal commas is read with them
    (:func:`~simulator.calibration.decimal_marks.reads_decimal_comma`). ``numbers``: the
    file holds every filled cell as a number (:func:`~simulator.calibration.readers.number_columns`),
    read as it is: an Excel column of amounts in thousands, 12.345, had been refused as a
    point for thousands. ``decimal_mark``: the table's own (``comma``, ``point``; the mapping's
    ``mark_key``), which decides in place of the column's cells.

    Raises:
        CalibrationError: Naming the first cell that is not empty and not a number, is
            negative or infinite, writes its cents after a decimal comma or its thousands
            after a point (``1.054``) where decimal commas are not read, reads two ways
            (``1,054`` in a file separated by ``;`` with no amount telling which), is
            :data:`AMOUNT_CEILING` or more, or is :data:`MEDIAN_MULTIPLE` times the column's
            median positive amount or more; worded for a product's list price with ``price``.
    """
    cleaned = values if numbers else _number_texts(values, path, name, separator, decimal_mark, mark_key)
    parsed = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
    refuse_first_cell(
        (values.str.strip() != "") & ~np.isfinite(parsed),  # NaN and inf alike; a sign or code alone ('$', 'ABC')
        values,
        path,
        name,
        "is not an amount: each cell must be empty or a finite number of zero or more, with a currency sign or "
        "code and thousands commas, spaces or apostrophes if any (1200, 1,200.50, $1,200, 1,200 EUR, 1 200, "
        "1'200.50)",
    )
    refuse_first_cell(
        parsed < 0,
        values,
        path,
        name,
        NEGATIVE_PRICE
        if price
        else "is negative: a deal's amount is zero or more (a refund or credit note is not a deal: leave it out of "
        "the export)",
    )
    refuse_first_cell(
        parsed >= AMOUNT_CEILING,
        values,
        path,
        name,
        f"is 10^15 or more: no {'product' if price else 'deal'} is worth that",
    )
    positive = parsed[parsed > 0]
    if positive.size:
        median = float(positive.median())
        refuse_first_cell(
            parsed >= MEDIAN_MULTIPLE * median,
            values,
            path,
            name,
            f"is {MEDIAN_MULTIPLE:,.0f} times the column's median amount ({median:,.2f}) or more: a unit or typing "
            "error (fix the cell, or leave the row out of the export)",
        )
    result: np.ndarray = parsed.to_numpy(dtype=np.float64)
    return result


def _number_texts(
    values: pd.Series, path: Path, name: str, separator: str, decimal_mark: str | None, mark_key: str
) -> pd.Series:
    """Each cell as Python writes its number, its currency, grouping marks and decimal commas taken off."""
    parts = amount_parts(values)
    body = _ungrouped(parts["sign"] + parts["body"], values, path, name)
    body = body.str.replace(r"^\(([^()]+)\)$", r"-\1", regex=True)  # $(1,054): its sign first, bracketed
    check_currencies(values, path, name)
    comma = (
        reads_decimal_comma(body, values, path, name, separator, mark_key)  # '1.054,50' in a file separated by ';'
        if decimal_mark is None
        else said_decimal_comma(body, values, path, name, decimal_mark, mark_key)
    )
    if comma:
        return comma_decimals(body, values, path, name)
    _refuse_point_slips(body, values, path, name, mark_key, said=decimal_mark == "point")
    return body.str.replace(",", "", regex=False)


def _ungrouped(body: pd.Series, values: pd.Series, path: Path, name: str) -> pd.Series:
    """Each cell's number without the spaces and apostrophes that group its thousands (``1 054,50``: ``1054,50``).

    Raises:
        CalibrationError: Naming the first number with a space or an apostrophe that groups
            no thousands (``1 05,50``, ``12 34``, ``'1054``): taken out, they had read 105.50
            and 1,234 without a word.
    """
    marked = body.str.contains(f"[{GROUP_MARKS}]", regex=True)
    number = body.str.fullmatch(f"[+-]?[{GROUP_MARKS}\\d.,]*\\d[{GROUP_MARKS}\\d.,]*")
    refuse_first_cell(
        marked & number & ~body.str.fullmatch(GROUPED),
        values,
        path,
        name,
        "has a space or an apostrophe that groups no thousands: a number's thousands are grouped by one mark with "
        "one to three digits before the first and three digits after each (1 054,50, 1'054.50), or not at all",
    )
    return body.str.replace(f"[{GROUP_MARKS}]", "", regex=True)


def _refuse_point_slips(
    body: pd.Series, values: pd.Series, path: Path, name: str, key: str, said: bool = False
) -> None:
    """Refuse, in a column of decimal points, a decimal comma, a point for thousands or a comma that groups none.

    ``said``: the table's own ``decimal_mark`` is point, so ``1.054`` is one and a little, as it says.
    """
    comma = body.str.contains(DECIMAL_COMMA, regex=True)
    refuse_first_cell(
        comma,
        values,
        path,
        name,
        "has a decimal comma: write amounts with a decimal point and no thousands separator or a comma one "
        "(1054.00 or 1,054.00); decimal commas are read in a CSV file separated by ';' or tabs, as Excel saves one "
        f"where the decimal mark is a comma, or where {key} is comma",
    )
    refuse_first_cell(
        body.str.fullmatch(POINT_THOUSANDS) & (not said),
        values,
        path,
        name,
        "has three digits after its point, as a thousands separator would (1.054 would be read as 1.054, not "
        "1,054): write amounts with a decimal point and no thousands separator or a comma one (1054 or 1,054)",
    )
    refuse_first_cell(
        body.str.contains(LOOSE_COMMA, regex=True),
        values,
        path,
        name,
        "has a comma that groups no thousands (a thousands comma has one to three digits before it and three after "
        "it: 1,054 or 1,054.50): write amounts with a decimal point and no thousands separator or a comma one; "
        "decimal commas are read in a CSV file separated by ';' or tabs, as Excel saves one where the decimal mark is "
        "a comma",
    )
