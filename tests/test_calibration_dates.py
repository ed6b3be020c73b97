"""The order a CRM export's dd/mm or mm/dd dates are read in: one order a table, found across its
date columns; dates no date of their table tells apart are read month first and counted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator.calibration.calibrate import calibrate
from simulator.calibration.date_formats import table_order
from simulator.crm_commands import calibrate_main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "crm"
AS_OF, UNTIL = "2023-04-28", "2023-06-30"
Edit = Callable[[pd.DataFrame], None]


def _copy(tmp_path: Path, edit: Edit) -> Path:
    source = FIXTURES / "a_opportunities"
    for name in ("opportunities.csv", "roster.csv", "mapping.yaml"):
        shutil.copy(source / name, tmp_path / name)
    table = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(tmp_path / "opportunities.csv", index=False)
    return tmp_path / "mapping.yaml"


def _written(fmt: str, *columns: str, last_day: int | None = None) -> Edit:
    """The ISO dates of ``columns`` written in ``fmt``, their day of the month at most ``last_day``."""

    def edit(table: pd.DataFrame) -> None:
        for column in columns:
            dates = pd.to_datetime(table[column].where(table[column] != ""), format="%Y-%m-%d")
            if last_day is not None:
                dates = dates.where(dates.dt.day <= last_day, dates - pd.to_timedelta(dates.dt.day - last_day, "D"))
            table[column] = dates.dt.strftime(fmt).fillna("")

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(table: pd.DataFrame) -> None:
        for one in edits:
            one(table)

    return edit


def _dates(mapping: Path) -> pd.DataFrame:
    return calibrate(mapping, AS_OF).export.frame[["id", "created", "closed"]]


def test_day_first_dates_whose_first_row_reads_either_way_are_read_day_first(tmp_path: Path) -> None:
    """Every date dd/mm/yyyy, the first (02/01/2023) ambiguous: it was read month first, and the later
    '13/01/2023' refused as "another format"; the column's other dates tell the order."""
    (tmp_path / "iso").mkdir()
    (tmp_path / "set").mkdir()
    iso = _dates(_copy(tmp_path / "iso", lambda t: None))
    mapping = _copy(tmp_path, _written("%d/%m/%Y", "Created", "Closed"))
    pd.testing.assert_frame_equal(_dates(mapping), iso)
    shutil.copy(tmp_path / "opportunities.csv", tmp_path / "set" / "opportunities.csv")
    shutil.copy(tmp_path / "roster.csv", tmp_path / "set" / "roster.csv")
    source = yaml.safe_load(mapping.read_text())
    source["opportunities"]["date_format"] = "%d/%m/%Y"  # the setting reads them as before
    (tmp_path / "set" / "mapping.yaml").write_text(yaml.safe_dump(source))
    pd.testing.assert_frame_equal(_dates(tmp_path / "set" / "mapping.yaml"), iso)


def test_a_column_of_days_up_to_12_is_read_in_the_order_its_table_shows(tmp_path: Path) -> None:
    """Created dates all in the first 12 days of their months had been read month first beside a
    Closed column read day first: every deal's cycle was wrong, without a word."""
    early = _written("%Y-%m-%d", "Created", last_day=12)
    (tmp_path / "iso").mkdir()
    iso = _dates(_copy(tmp_path / "iso", early))
    day_first = _both(early, _written("%d/%m/%Y", "Created", "Closed"))
    mapping = _copy(tmp_path, day_first)
    written = pd.read_csv(tmp_path / "opportunities.csv", dtype=str)
    assert (written["Created"].dropna().str[:2].astype(int) <= 12).all()  # every created date reads either way
    assert (written["Closed"].dropna().str[:2].astype(int) > 12).any()
    pd.testing.assert_frame_equal(_dates(mapping), iso)
    assert not [p for p in calibrate(mapping, AS_OF).export.problems.items if "day first" in p[0]]


def test_dates_no_date_of_their_table_tells_apart_are_read_month_first_and_counted(tmp_path: Path) -> None:
    early = _written("%Y-%m-%d", "Created", "Closed", last_day=12)
    (tmp_path / "iso").mkdir()
    iso = _dates(_copy(tmp_path / "iso", early))
    mapping = _copy(tmp_path, _both(early, _written("%m/%d/%Y", "Created", "Closed")))
    pd.testing.assert_frame_equal(_dates(mapping), iso)  # month first, as written
    table = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    cells = pd.concat([table["Created"], table["Closed"]])
    cells = cells[cells != ""]
    either = int((cells.str[:2] != cells.str[3:5]).sum())
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 0
    text = (out / "calibration.md").read_text()
    first = next(c for c in cells if c[:2] != c[3:5])
    row = next(line for line in text.splitlines() if "tells day first from month first" in line)
    assert f"(e.g. '{first}') | {either} |" in row
    assert "set opportunities.date_format: '%d/%m/%Y' if the CRM writes day first" in row


def test_a_stage_history_written_day_first_is_read_day_first(tmp_path: Path) -> None:
    """Every table is read in its own order; a stage history's first date 01/..: read as written."""
    source = FIXTURES / "b_history"
    for name in ("opportunities.csv", "history.csv", "mapping.yaml"):
        shutil.copy(source / name, tmp_path / name)
    history = pd.read_csv(tmp_path / "history.csv", dtype=str)
    history["CreatedDate"] = pd.to_datetime(history["CreatedDate"]).dt.strftime("%d/%m/%Y")
    history.to_csv(tmp_path / "history.csv", index=False)
    assert calibrate(tmp_path / "mapping.yaml", AS_OF, UNTIL).outcomes.win_rate.value == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ((["01/03/2017", "18/03/2017"], ["02/04/2017"]), ("%d/%m/%Y", 0)),
        ((["01/03/2017", ""], ["03/18/2017"]), ("%m/%d/%Y", 0)),
        ((["01.03.17", "05.05.17", "02.03.17"], None), ("%m.%d.%y", 2)),  # 05.05 reads alike either way
        ((["13/03/2017"], ["03/18/2017"]), (None, 0)),  # both orders: the column refusals name the cells
        ((["2017-03-01", "01/03/2017"],), (None, 0)),  # not all three numbers alike: pandas infers
        ((["01/03/2017"], ["01-03-2017"]), (None, 0)),
        ((None, None), (None, 0)),
    ],
)
def test_table_order(columns: tuple[list[str] | None, ...], expected: tuple[str | None, int]) -> None:
    order = table_order([pd.Series(c, dtype=object) if c is not None else None for c in columns], None)
    assert (order.date_format, order.unresolved) == expected
    assert table_order([pd.Series(["13/03/2017"])], "%Y-%d-%m").date_format == "%Y-%d-%m"  # the table's own
