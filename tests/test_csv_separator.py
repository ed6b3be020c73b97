"""A CSV's separator read from its first rows, not its header alone.

A ';' export whose header names a column with a comma ('Value, net') was split on the
comma and refused: "row 3 (line 4 of the file) has 1 field, its header 2 (one field alone:
a report's footer below the table ...)".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.calibration.csv_files import delimiter_of, read_csv
from simulator.calibration.errors import CalibrationError

ROWS = ["A1;agent 1;Won;1,054.00", "A2;agent 2;Lost;"]


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_a_header_naming_a_column_with_a_comma_keeps_the_file_s_separator(tmp_path: Path, separator: str) -> None:
    lines = ["id;owner;status;Value, net", *ROWS]
    text = "\n".join(line.replace(";", separator) for line in lines) + "\n"
    assert delimiter_of(text) == separator
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    table = read_csv(path)
    assert list(table.columns) == ["id", "owner", "status", "Value, net"]
    assert table["Value, net"].tolist()[0] == "1,054.00"


def test_a_comma_file_stays_a_comma_file() -> None:
    assert delimiter_of("id,owner,note\nA1,agent 1,a; b\nA2,agent 2,c\n") == ","
    assert delimiter_of("id,owner\nA1,agent 1\nTotal\n") == ","  # a footer: refused as such, not another separator
    assert delimiter_of("id;owner\nA1;agent 1\n") == ";"
    assert delimiter_of("") == ","


@pytest.mark.parametrize("separator", [";", "\t", ",", "|"])
@pytest.mark.parametrize(("bom", "end"), [("", "\n"), ("\ufeff", "\r\n")])
def test_excel_s_sep_line_names_the_separator_and_is_no_row(tmp_path: Path, separator: str, bom: str, end: str) -> None:
    """A first line 'sep=;' (Excel's hint, written by exports meant for it) had been read as the header and refused."""
    lines = [f"sep={separator}", "id;owner;status;amount", "A1;agent 1;Won;1054.50", "A2;agent 2;Lost;"]
    path = tmp_path / "deals.csv"
    text = end.join(line.replace(";", separator) for line in lines) + end
    path.write_text(bom + text, encoding="utf-8", newline="")
    table = read_csv(path)
    assert list(table.columns) == ["id", "owner", "status", "amount"]
    assert table["amount"].tolist() == ["1054.50", ""]
    assert table.attrs == {"separator": separator}
    path.write_text(bom + text + "A3;agent 3\n".replace(";", separator), encoding="utf-8", newline="")
    with pytest.raises(CalibrationError, match=r"row 3 \(line 5 of the file\) has 2 fields, its header 4"):
        read_csv(path)
