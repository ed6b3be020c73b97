"""Amounts an Excel sheet or a Parquet file holds as numbers are read as those numbers, never re-read as text.

Every cell is read as text so that a bad one can be named; a number cell's text had then
been checked as if typed: an Excel column of amounts in thousands (12.345 for 12,345) was
refused, each 12.345 said to have "three digits after its point, as a thousands separator
would", though the file holds the number itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.calibration.errors import CalibrationError
from simulator.calibration.mapping import load_mapping
from simulator.calibration.shapes import load_export
from tests.crm_copies import FIXTURES

THOUSANDS = [12.345, 1.054, 0.95, 100.0]


def _copy(tmp_path: Path, suffix: str, amounts: list[object]) -> Path:
    """``a_opportunities`` with its opportunities as ``suffix`` (xlsx or parquet), its won amounts ``amounts``."""
    source = FIXTURES / "a_opportunities"
    for name in ("roster.csv", "mapping.yaml"):
        shutil.copy(source / name, tmp_path / name)
    table = pd.read_csv(source / "opportunities.csv", dtype=str, keep_default_na=False)
    filled = table["Amount"] != ""
    cells = [amounts[i % len(amounts)] for i in range(int(filled.sum()))]
    column = pd.Series([None] * len(table), dtype=object)
    column[filled.to_numpy()] = cells
    ids = table["Opportunity ID"]
    for row in np.flatnonzero(ids.duplicated().to_numpy()):  # the fixture's A011 listed twice: the same deal again
        column[row] = column[int(np.flatnonzero((ids == ids.iloc[row]).to_numpy())[0])]
    table["Amount"] = column
    if suffix == "parquet":
        table["Amount"] = pd.to_numeric(table["Amount"])
        table.to_parquet(tmp_path / "opportunities.parquet", index=False)
    else:
        table.to_excel(tmp_path / "opportunities.xlsx", index=False)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("opportunities.csv", f"opportunities.{suffix}"))
    return mapping


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_amounts_held_as_numbers_read_as_those_numbers(tmp_path: Path, suffix: str) -> None:
    export = load_export(load_mapping(_copy(tmp_path, suffix, THOUSANDS)))
    amounts = export.frame["amount"].to_numpy()
    filled = amounts[~np.isnan(amounts)]
    assert filled.size > 4
    assert filled.tolist() == [THOUSANDS[i % len(THOUSANDS)] for i in range(filled.size)]


def test_a_column_of_numbers_and_text_is_read_as_text_and_its_slips_refused(tmp_path: Path) -> None:
    """A column that mixes number cells and text cells ('1.054' typed as text) is checked cell by cell as before."""
    with pytest.raises(CalibrationError, match=r"'1\.054' has three digits after its point"):
        load_export(load_mapping(_copy(tmp_path, "xlsx", [12.5, "1.054"])))


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_a_negative_number_cell_is_still_refused(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(CalibrationError, match=r"'-1\.054' is negative"):
        load_export(load_mapping(_copy(tmp_path, suffix, [12.5, -1.054])))


def test_a_parquet_column_of_decimals_reads_as_its_numbers(tmp_path: Path) -> None:
    """A warehouse's decimal(18,3) money column: 100.000 and 12.345 had been refused as points for thousands."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    mapping = _copy(tmp_path, "parquet", [1.0])
    table = pd.read_parquet(tmp_path / "opportunities.parquet")
    won = table["Amount"].notna().to_numpy()
    cells = [decimal.Decimal("100.000"), decimal.Decimal("12.345")]
    column = [cells[i % 2] if filled else None for i, filled in enumerate(won)]
    ids = table["Opportunity ID"]
    for row in np.flatnonzero(ids.duplicated().to_numpy()):  # the fixture's A011 listed twice: the same deal again
        column[row] = column[int(np.flatnonzero((ids == ids.iloc[row]).to_numpy())[0])]
    arrow = pa.Table.from_pandas(table.drop(columns="Amount"), preserve_index=False)
    pq.write_table(
        arrow.append_column("Amount", pa.array(column, pa.decimal128(18, 3))), tmp_path / "opportunities.parquet"
    )
    amounts = load_export(load_mapping(mapping)).frame["amount"].to_numpy()
    assert sorted(set(amounts[~np.isnan(amounts)].tolist())) == [12.345, 100.0]
