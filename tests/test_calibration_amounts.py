"""Amounts with a currency sign or code read as their number; a column of two currencies, or a comma that groups
no thousands, refused naming the cell.

``1,0545`` (a decimal comma and four decimals) had been read as 10,545, and a column of
``$1,000`` and ``€1,000`` as two amounts of 1,000 booked together; ``¥105,400``,
``USD 1,054`` and ``1,054 EUR`` had been refused as no amount.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.calibration.amounts import parse_amounts
from simulator.calibration.errors import CalibrationError

FILE = Path("deals.csv")


def read(*cells: str) -> list[float]:
    return parse_amounts(pd.Series([*cells, "100", "200"]), FILE, "Amount").tolist()[: len(cells)]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1,054", 1054.0),
        ("$1,054.50", 1054.5),
        ("US$1,054", 1054.0),
        ("USD 1,054", 1054.0),
        ("1,054 EUR", 1054.0),
        ("¥105,400", 105400.0),
        ("₹10,50,000", 1050000.0),  # Indian grouping
        ("1,054.00 $", 1054.0),
        ("", np.nan),
    ],
)
def test_an_amount_with_a_currency_sign_or_code_reads_as_its_number(cell: str, value: float) -> None:
    assert read(cell) == pytest.approx([value], nan_ok=True)


def test_a_sign_and_a_code_of_one_currency_are_one_currency() -> None:
    assert read("$1,000", "USD 2,000", "3000") == [1000.0, 2000.0, 3000.0]
    assert read("1,000 EUR", "€2,000") == [1000.0, 2000.0]


@pytest.mark.parametrize(
    ("cells", "row", "words"),
    [
        (["$1,000", "€1,000"], 2, "'€1,000' is in another currency than row 1's '$1,000'"),
        (["1,0545"], 1, "'1,0545' has a comma that groups no thousands"),
        (["12,3456"], 1, "'12,3456' has a comma that groups no thousands"),
        (["1,2345.00"], 1, "'1,2345.00' has a comma that groups no thousands"),
        (["ABC"], 1, "'ABC' is not an amount"),
        (["$"], 1, "'$' is not an amount"),
        (["(1200)"], 1, "'(1200)' is negative"),  # accounting brackets: a negative amount, told why
        (["€1.054,00"], 1, "'€1.054,00' has a decimal comma"),
        (["€12.500"], 1, "'€12.500' has three digits after its point"),
    ],
)
def test_an_amount_that_cannot_be_one_number_of_one_currency_is_refused(cells: list[str], row: int, words: str) -> None:
    with pytest.raises(CalibrationError) as raised:
        read(*cells)
    assert f"file deals.csv, column 'Amount', row {row} (line {row + 1} of the file, after its header): {words}" in str(
        raised.value
    )


def test_a_price_list_in_another_currency_than_the_deals_is_refused(tmp_path: Path) -> None:
    import shutil

    from simulator.calibration.calibrate import calibrate

    folder = tmp_path / "export"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities", folder)
    table = folder / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    at = header.index("Amount")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[at] = f"${row[at]}" if row[at] else ""
    table.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    mapping = folder / "mapping.yaml"
    mapping.write_text(mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    prices = folder / "prices.csv"
    prices.write_text("product,price\nBasic,$1000\nPro,5000\n", encoding="utf-8")
    calibrate(str(mapping), "2023-04-28")  # one currency, or none written: read
    prices.write_text("product,price\nBasic,1000\nPro,€5000\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as raised:
        calibrate(str(mapping), "2023-04-28")
    assert str(raised.value) == (
        f"file {prices}, column 'price', row 2 (line 3 of the file, after its header): '€5000' is in another currency "
        f"than the deals' amounts ($: file {table}, column 'Amount', row 11 (line 12 of the file, after its header), "
        "'$950'): a list price stands in for the value of a product's deals, so salesim reads both as one currency; "
        "convert one table to the other's currency (and say which in the mapping's name or notes)"
    )


@pytest.mark.parametrize("cell", ["(1,054)", "$(1,054)", "($1,054)", "(1,054) USD", "( 1,054.50 )"])
def test_an_amount_in_accounting_brackets_is_refused_as_negative(cell: str) -> None:
    """It had been refused as "not an amount", where -1,054 is told why: a refund or credit note is no deal."""
    with pytest.raises(CalibrationError, match=r"is negative: a deal's amount is zero or more"):
        read(cell)
    with pytest.raises(CalibrationError, match=r"is negative: a product's list price is zero or more"):
        parse_amounts(pd.Series([cell, "550"]), FILE, "Price", price=True)
