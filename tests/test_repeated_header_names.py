"""A header that writes a mapped column's name twice is refused naming both columns (exit 2), not read silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.calibration.readers import read_table, unique_columns
from simulator.crm_commands import calibrate_main
from tests.crm_copies import FIXTURES

AS_OF = "2023-04-28"


def _copy(tmp_path: Path, header: str) -> Path:
    """The shape (a) fixture with its opportunities' header line replaced."""
    for name in ("opportunities.csv", "roster.csv", "mapping.yaml"):
        shutil.copy(FIXTURES / "a_opportunities" / name, tmp_path / name)
    lines = (tmp_path / "opportunities.csv").read_text().splitlines(keepends=True)
    (tmp_path / "opportunities.csv").write_text(header + "\n" + "".join(lines[1:]))
    return tmp_path / "mapping.yaml"


def test_unique_columns_names_each_repeat_by_its_column() -> None:
    names, repeated = unique_columns(["id", "product", "product", "x", "product"])
    assert names == ["id", "product", "product (column 3)", "x", "product (column 5)"]
    assert repeated == {"product": [2, 3, 5]}


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        # 'Owner' twice: pandas had read the second as 'Owner.1' and the first was mapped without a word
        ("Opportunity ID,Created,Closed,Status,Amount,Owner,Owner", "6 and 7"),
        # 'Product' and 'Product ' (a trailing space): two columns of one name once stripped, a crash (exit 1)
        ("Opportunity ID,Created,Closed,Status,Product ,Owner,Product", "5 and 7"),
    ],
)
def test_a_mapped_name_written_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, columns: str
) -> None:
    mapping = _copy(tmp_path, header)
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out), "--draws", "0"]) == 2
    said = capsys.readouterr().err
    name = header.split(",")[-1]
    assert "opportunities.csv" in said and f"the header writes '{name}' in columns {columns}:" in said, said
    assert "give each column of the header its own name" in said
    assert not out.exists()


def test_an_unmapped_name_written_twice_is_kept_apart(tmp_path: Path) -> None:
    mapping = _copy(tmp_path, "Opportunity ID,Created,Closed,Status,Amount,Owner,Product")
    table = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    table["Note"], table["Note "] = "a", "b"
    table.to_csv(tmp_path / "opportunities.csv", index=False)
    read = read_table(tmp_path / "opportunities.csv")
    assert list(read.columns)[-2:] == ["Note", "Note (column 9)"]
    assert calibrate(mapping, AS_OF).outcomes.win_rate.value > 0  # the mapped columns are read as before


def test_an_excel_sheet_writing_a_mapped_name_twice_is_refused(tmp_path: Path) -> None:
    mapping = _copy(tmp_path, "Opportunity ID,Created,Closed,Status,Amount,Owner,Product")
    table = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    table.columns = ["Opportunity ID", "Created", "Closed", "Status", "Amount", "Owner", "Created"]
    table.to_excel(tmp_path / "opportunities.xlsx", index=False)
    mapping.write_text(mapping.read_text().replace("opportunities.csv", "opportunities.xlsx"))
    with pytest.raises(CalibrationError) as refusal:
        calibrate(mapping, AS_OF)
    assert "the header writes 'Created' in columns 2 and 7" in str(refusal.value)
