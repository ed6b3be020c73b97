"""A table's own ``decimal_mark`` (comma or point) reads a column of amounts that shows neither.

A German Excel's price list of whole euros (``#.##0``: 550, 4.821, 26.768) saved with ';'
had been refused, each 4.821 able to be 4,821 or 4.821, with only the file to rewrite; the
mapping now says it as it says a table's ``date_order``. The mark also reads decimal
commas where the file kind does not show them (an Excel sheet of text amounts), and a cell
written against it is refused naming the key.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.amounts import parse_amounts
from simulator.calibration.errors import CalibrationError
from simulator.calibration.mapping import load_mapping
from simulator.calibration.shapes import load_export
from tests.crm_copies import FIXTURES

FILE = Path("prices.csv")


def read(cells: list[str], mark: str | None, separator: str = ";") -> list[float]:
    values = pd.Series(cells)
    return parse_amounts(values, FILE, "price", separator=separator, decimal_mark=mark, mark_key="prices.decimal_mark")


@pytest.mark.parametrize(
    ("cells", "mark", "separator", "values"),
    [
        (["550", "4.821", "26.768"], "comma", ";", [550.0, 4821.0, 26768.0]),
        (["1,054", "2,5"], "comma", ";", [1.054, 2.5]),
        (["1.054,50", "99,5"], "comma", "", [1054.5, 99.5]),  # an Excel sheet of text amounts
        (["1.054,50", "99,5"], "comma", ",", [1054.5, 99.5]),  # quoted in a comma file
        (["550", "4,821", "26,768"], "point", ";", [550.0, 4821.0, 26768.0]),
        (["1.054", "2.5"], "point", ";", [1.054, 2.5]),
        (["1.054", "2.5"], "point", ",", [1.054, 2.5]),  # said so: 1.054 is one and a little
    ],
)
def test_a_table_s_decimal_mark_reads_its_amounts(
    cells: list[str], mark: str, separator: str, values: list[float]
) -> None:
    assert read(cells, mark, separator) == pytest.approx(values)


@pytest.mark.parametrize(
    ("cells", "mark", "value"),
    [(["550", "99.50"], "comma", "99.50"), (["550", "1.054,50"], "point", "1.054,50"), (["99,5"], "point", "99,5")],
)
def test_a_cell_written_against_the_table_s_decimal_mark_is_refused(cells: list[str], mark: str, value: str) -> None:
    with pytest.raises(CalibrationError) as raised:
        read(cells, mark)
    message = str(raised.value)
    assert f"'{value}' " in message and f"prices.decimal_mark is {mark}" in message, message


def test_an_ambiguous_column_s_refusal_names_the_key() -> None:
    with pytest.raises(CalibrationError, match=r"or set prices\.decimal_mark: comma \(or point\)"):
        read(["550", "4.821"], None)


def test_a_semicolon_price_list_of_whole_euros_reads_with_the_mapping_s_decimal_mark(tmp_path: Path) -> None:
    source = FIXTURES / "a_opportunities"
    for name in ("opportunities.csv", "roster.csv", "mapping.yaml"):
        shutil.copy(source / name, tmp_path / name)
    (tmp_path / "prices.csv").write_text("product;price\nBasic;1.000\nPro;5.000\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    text = mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n"
    mapping.write_text(text)
    with pytest.raises(CalibrationError, match=r"'1\.000' could be 1\.000 \(a decimal point\) or 1000"):
        load_export(load_mapping(mapping))
    mapping.write_text(text.replace("price: price}", "price: price}, decimal_mark: comma"))
    assert load_export(load_mapping(mapping)).prices == {"Basic": 1000.0, "Pro": 5000.0}
    mapping.write_text(text.replace("price: price}", "price: price}, decimal_mark: dot"))
    with pytest.raises(CalibrationError, match=r"prices\.decimal_mark"):
        load_mapping(mapping)
