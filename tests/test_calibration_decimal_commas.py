"""Amounts with decimal commas read in a file separated by ';' or tabs, the column decided whole; a column that reads
two ways refused naming the cell.

A European Excel export (``1054,50`` or ``1.054,50`` in a ';' file) had been refused for
its decimal commas, and a ';' file whose amounts read ``1,054`` alone (a thousand and
fifty-four, or one point zero five four) had been read as thousands without a word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.amounts import parse_amounts
from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.calibration.readers import read_table, separator_of
from simulator.crm_commands import calibrate_main

FILE = Path("deals.csv")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crm"
AS_OF = "2023-04-28"


def read(cells: list[str], separator: str = ";") -> list[float]:
    return parse_amounts(pd.Series(cells), FILE, "Amount", separator=separator).tolist()


def refusal(cells: list[str], separator: str = ";") -> str:
    with pytest.raises(CalibrationError) as raised:
        read(cells, separator)
    return str(raised.value)


def where(row: int) -> str:
    return f"file deals.csv, column 'Amount', row {row} (line {row + 1} of the file, after its header): "


@pytest.mark.parametrize("separator", [";", "\t"])
@pytest.mark.parametrize(
    ("cells", "values"),
    [
        (["1054,50", "1.054,50", "€ 99,5", "0", ""], [1054.5, 1054.5, 99.5, 0.0, float("nan")]),
        (["1,054", "99,50"], [1.054, 99.5]),  # a column of decimal commas: 1,054 is one and a little
        (["1.054", "12.500", "3,5"], [1054.0, 12500.0, 3.5]),  # and a point groups thousands
        (["1.054.500", "EUR 2.000,00", "eur 1 054,50"], [1054500.0, 2000.0, 1054.5]),
        (["1,054", "99.50"], [1054.0, 99.5]),  # a column of decimal points: 1,054 is a thousand and fifty-four
        (["1,054,500", "1,054"], [1054500.0, 1054.0]),
        (["1054", "2300"], [1054.0, 2300.0]),  # no mark at all: nothing to tell
    ],
)
def test_a_column_reads_with_the_decimal_mark_its_amounts_show(
    cells: list[str], values: list[float], separator: str
) -> None:
    assert read(cells, separator) == pytest.approx(values, nan_ok=True)


@pytest.mark.parametrize(
    ("cells", "row", "words"),
    [
        (
            ["1,054", "2,300", "500"],
            1,
            "'1,054' could be 1054 (a comma for thousands) or 1.054 (a decimal comma), and no amount of the column "
            "tells which (in a file separated by ';', a comma may be the decimal mark): write the column's amounts "
            "with their cents (1.054,00 or 1,054.00), or with no thousands separator (1054)",
        ),
        (["500", "$12.500"], 2, "'$12.500' could be 12.500 (a decimal point) or 12500 (a point for thousands)"),
        (
            ["1054,50", "7", "1,054.50"],
            3,
            "'1,054.50' writes a decimal point where row 1 (line 2 of the file, after its header) writes a decimal "
            "comma ('1054,50'): which one a cell such as 1,054 means cannot be told; write the column's amounts one "
            "way: with a decimal comma (1054,50 or 1.054,50) or a decimal point (1054.50 or 1,054.50)",
        ),
        (["99.50", "1.054,50"], 2, "'1.054,50' writes a decimal comma where row 1 (line 2 of the file"),
        (["1,054,50"], 1, "'1,054,50' reads as neither a decimal comma nor a decimal point"),
        (["99,50", "1.05,50"], 2, "'1.05,50' is not written as the column's other amounts, with a decimal comma"),
        (["99,50", "1,054 ABC"], 2, "'1,054 ABC' names 'ABC', no currency code of ISO 4217"),
        (["99,50", "-1.054,50"], 2, "'-1.054,50' is negative"),
    ],
)
def test_a_column_that_reads_two_ways_is_refused_naming_its_cell(cells: list[str], row: int, words: str) -> None:
    assert where(row) + words in refusal(cells)


def test_a_comma_separated_file_an_excel_sheet_or_parquet_file_keeps_decimal_points() -> None:
    assert read(["1,054", "2,300"], ",") == [1054.0, 2300.0]
    for separator in (",", "", "|"):
        assert where(1) + "'1054,50' has a decimal comma: write amounts with a decimal point" in refusal(
            ["1054,50"], separator
        )
    assert "decimal commas are read in a CSV file separated by ';' or tabs" in refusal(["1.054,50"], ",")


def european(folder: Path, table: str, amount: str, written: dict[str, str]) -> Path:
    """``folder/table`` saved as Excel saves it where the decimal mark is a comma: ';'-separated, amounts rewritten."""
    path = folder / table
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[amount] = frame[amount].map(lambda cell: written.get(cell, cell))
    frame.to_csv(path, sep=";", index=False)
    return path


def test_a_european_excel_export_reads_as_its_comma_separated_twin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The opportunities and the price list saved with ';' and decimal commas calibrate as the comma files do."""
    twins = []
    for name in ("comma", "semicolon"):
        folder = tmp_path / name
        shutil.copytree(FIXTURES / "a_opportunities", folder)
        mapping = folder / "mapping.yaml"
        mapping.write_text(
            mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n"
        )
        (folder / "prices.csv").write_text("product,price\nBasic,1000.50\nPro,5000\n", encoding="utf-8")
        if name == "semicolon":
            opportunities = european(folder, "opportunities.csv", "Amount", {"1050": "1.050,00", "950": "950,00"})
            assert read_table(opportunities).attrs == {"separator": ";"}
            assert separator_of(read_table(opportunities)) == ";"
            european(folder, "prices.csv", "price", {"1000.50": "1.000,50", "5000": "5.000"})
        twins.append(calibrate(str(mapping), AS_OF))
    comma, semicolon = twins
    assert semicolon.export.frame.equals(comma.export.frame)
    assert semicolon.export.prices == comma.export.prices == {"Basic": 1000.5, "Pro": 5000.0}
    out = tmp_path / "out"
    assert calibrate_main([str(tmp_path / "semicolon" / "mapping.yaml"), "--as-of", AS_OF, "--out", str(out)]) == 0


def test_an_ambiguous_column_of_a_semicolon_file_is_refused_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'1,050' and '5,000' alone in a ';' file had been read as thousands: the true line is named, after a blank."""
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES / "a_opportunities", folder)
    path = european(folder, "opportunities.csv", "Amount", {"1050": "1,050", "5000": "5,000", "950": "950"})
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], "", *lines[1:]]) + "\n", encoding="utf-8")
    first = next(row for row, line in enumerate(lines) if "1,050" in line or "5,000" in line)
    cell = "1,050" if "1,050" in lines[first] else "5,000"
    out = tmp_path / "out"
    assert calibrate_main([str(folder / "mapping.yaml"), "--as-of", AS_OF, "--out", str(out), "--draws", "0"]) == 2
    assert not out.exists()
    assert capsys.readouterr().err.startswith(
        f"salesim: calibrate: file {path}, column 'Amount', row {first} (line {first + 2} of the file, after its "
        f"header): '{cell}' could be {cell.replace(',', '')} (a comma for thousands) or {cell.replace(',', '.')} (a "
        "decimal comma), and no amount of the column tells which (in a file separated by ';'"
    )


def test_won_deals_of_a_semicolon_file_read_their_decimal_commas(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES / "d_leads_deals", folder)
    comma = calibrate(str(folder / "mapping.yaml"), "2023-03-31").export.frame
    european(folder, "deals.csv", "amount", {"3050": "3.050,00", "3060": "3060,0"})
    semicolon = calibrate(str(folder / "mapping.yaml"), "2023-03-31").export.frame
    assert semicolon.equals(comma)
    assert semicolon.loc[semicolon["outcome"] == "won", "amount"].sum() == 15350.0


def test_a_parquet_file_keeps_decimal_points_whatever_attrs_it_carries(tmp_path: Path) -> None:
    """pandas keeps a frame's attrs in the Parquet files it writes: they had been taken for a CSV file's separator."""
    frame = pd.DataFrame({"Amount": ["1054,50"]})
    frame.attrs["separator"] = ";"
    path = tmp_path / "deals.parquet"
    frame.to_parquet(path)
    assert pd.read_parquet(path).attrs == {"separator": ";"}
    assert separator_of(read_table(path)) == ""
