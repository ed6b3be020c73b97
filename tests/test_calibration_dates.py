"""The order a CRM export's dd/mm or mm/dd dates are read in: one order a table, found across its
date columns (a time of day after a date allowed); dates of both orders in one table refused naming
the odd one; rows no date of their table tells the order of read month first, counted and warned of."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator.calibration.calibrate import calibrate
from simulator.calibration.date_order import table_order
from simulator.calibration.mapping import load_mapping
from simulator.calibration.readers import parse_dates
from simulator.calibration.shapes import load_export
from simulator.crm_commands import calibrate_main
from tests.crm_copies import FIXTURES, edited_copy

AS_OF, UNTIL = "2023-04-28", "2023-06-30"
Edit = Callable[[pd.DataFrame], None]


def _written(fmt: str, *columns: str, last_day: int | None = None) -> Edit:
    """The ISO dates of ``columns`` written in ``fmt``, their day of the month at most ``last_day``."""

    def edit(table: pd.DataFrame) -> None:
        for column in columns:
            dates = pd.to_datetime(table[column].where(table[column] != ""), format="%Y-%m-%d")
            if last_day is not None:
                dates = dates.where(dates.dt.day <= last_day, dates - pd.to_timedelta(dates.dt.day - last_day, "D"))
            table[column] = dates.dt.strftime(fmt).fillna("")

    return edit


def _day_first_but(row: int, column: str, cell: str) -> Edit:
    """Every date dd/mm/yyyy but ``cell`` at ``row`` of ``column``."""

    def edit(table: pd.DataFrame) -> None:
        _written("%d/%m/%Y", "Created", "Closed")(table)
        table.loc[row, column] = cell

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
    iso = _dates(edited_copy(tmp_path / "iso", lambda t: None))
    mapping = edited_copy(tmp_path, _written("%d/%m/%Y", "Created", "Closed"))
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
    iso = _dates(edited_copy(tmp_path / "iso", early))
    day_first = _both(early, _written("%d/%m/%Y", "Created", "Closed"))
    mapping = edited_copy(tmp_path, day_first)
    written = pd.read_csv(tmp_path / "opportunities.csv", dtype=str)
    assert (written["Created"].dropna().str[:2].astype(int) <= 12).all()  # every created date reads either way
    assert (written["Closed"].dropna().str[:2].astype(int) > 12).any()
    pd.testing.assert_frame_equal(_dates(mapping), iso)
    assert not [p for p in calibrate(mapping, AS_OF).export.problems.items if "day first" in p[0]]


def test_dates_no_date_of_their_table_tells_apart_are_read_month_first_counted_and_warned_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every day 12 or less: calibration.md counted the dates, not the rows, and the terminal said nothing of them."""
    early = _written("%Y-%m-%d", "Created", "Closed", last_day=12)
    (tmp_path / "iso").mkdir()
    iso = _dates(edited_copy(tmp_path / "iso", early))
    mapping = edited_copy(tmp_path, _both(early, _written("%m/%d/%Y", "Created", "Closed")))
    pd.testing.assert_frame_equal(_dates(mapping), iso)  # month first, as written
    table = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    either = (table[["Created", "Closed"]].map(lambda c: c != "" and c[:2] != c[3:5])).any(axis=1)
    first = next(c for c in pd.concat([table["Created"], table["Closed"]]) if c and c[:2] != c[3:5])
    out = tmp_path / "out"
    capsys.readouterr()
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 0
    text = (out / "calibration.md").read_text().splitlines()
    row = next(line for line in text if line.startswith("|") and "no date of their table" in line)
    assert f"(e.g. '{first}') | {int(either.sum())} |" in row  # rows, not dates
    assert "set opportunities.date_order: day_first if the CRM writes day first" in row
    warning = f"warning: {int(either.sum())} rows whose dates read either way, day first or month first"
    assert warning in capsys.readouterr().err
    # the setting the words name reads them day first
    source = yaml.safe_load(mapping.read_text())
    source["opportunities"]["date_order"] = "day_first"
    mapping.write_text(yaml.safe_dump(source))
    frame = load_export(load_mapping(mapping)).frame
    swapped = pd.to_datetime(table["Created"], format="%d/%m/%Y").to_numpy().astype("datetime64[D]")
    assert (frame["created"].to_numpy() == swapped[frame["row"].to_numpy() - 1]).all()
    assert not (swapped == pd.to_datetime(table["Created"], format="%m/%d/%Y").to_numpy()).all()


def test_dates_with_a_time_of_day_are_read_in_their_table_s_order(tmp_path: Path) -> None:
    """'dd/mm/yyyy 09:30' fell back to pandas' guess from the first date: all days 12 or less read month first
    with 2,843 negative durations and no word; the whole export written so was refused as another format."""
    (tmp_path / "iso").mkdir()
    iso = _dates(edited_copy(tmp_path / "iso", lambda t: None))
    mapping = edited_copy(
        tmp_path, _both(_written("%d/%m/%Y 09:30", "Created"), _written("%d/%m/%Y %H:%M:%S", "Closed"))
    )
    pd.testing.assert_frame_equal(_dates(mapping), iso)
    (tmp_path / "early").mkdir()
    early = _written("%Y-%m-%d", "Created", "Closed", last_day=12)
    (tmp_path / "early_iso").mkdir()
    early_iso = _dates(edited_copy(tmp_path / "early_iso", early))
    mapping = edited_copy(tmp_path / "early", _both(early, _written("%m/%d/%Y 09:30", "Created", "Closed")))
    pd.testing.assert_frame_equal(_dates(mapping), early_iso)
    problems = dict((p, n) for p, n, _ in calibrate(mapping, AS_OF).export.problems.items)
    assert any(p.startswith("rows whose dates read either way") for p in problems)


def test_a_table_of_both_orders_is_refused_naming_the_odd_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stray '12/13/2023' in a dd/mm table was reported at row 12's ordinary '18/...' date."""

    mapping = edited_copy(tmp_path, _day_first_but(20, "Closed", "12/13/2023"))
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "column 'Closed', row 21" in message
    assert "'12/13/2023' can only be read month first, while" in message
    assert "set opportunities.date_order: day_first" in message
    assert not out.exists()


def test_two_slashed_dates_among_iso_ones_are_told_to_be_written_as_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'10/20/2016' (month first only) and '15/03/2017' (day first only) among ISO dates were told to set
    date_order: day_first, which cannot read 10/20/2016: both are simply unlike the rest."""

    def edit(table: pd.DataFrame) -> None:
        table.loc[0, "Created"] = "10/20/2016"
        table.loc[6, "Closed"] = "15/03/2017"

    mapping = edited_copy(tmp_path, edit)
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "'10/20/2016' is one of 2 dates written with slashes" in message and "column 'Created', row 1" in message
    assert "write them as the others are; no date order reads them all" in message and "date_order:" not in message
    assert not out.exists()


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
        ((["01/03/2017", "18/03/2017"], ["02/04/2017"]), (True, 0)),
        ((["01/03/2017", ""], ["03/18/2017"]), (False, 0)),
        ((["01/03/17", "05/05/17", "02/03/17"], None), (False, 2)),  # 05/05 reads alike either way
        ((["01.03.17", "05.05.17", "02.03.2017 09:30"], None), (True, 0)),  # points: day first, as written so
        ((["01.03.17", "03.15.17"], None), (False, 0)),  # unless a date tells otherwise
        ((["01.03.17"], ["02/03/2017"]), (False, 1)),  # points and slashes: slashes tell no order
        ((["01/03/2017 09:30", "2/3/2017 9:30 PM"], ["05/04/2017T10:00:00"]), (False, 2)),  # rows, not dates
        ((["01/03/2017 09:30", "13/3/2017 9:30 PM"],), (True, 0)),
        ((["2017-03-01", "01/03/2017"],), (False, 1)),  # ISO dates tell no order
        ((None, None), (False, 0)),
    ],
)
def test_table_order(columns: tuple[list[str] | None, ...], expected: tuple[bool, int]) -> None:
    named = {f"c{i}": pd.Series(c, dtype=object) if c is not None else None for i, c in enumerate(columns)}
    order = table_order(named, None, None, "f.csv", "opportunities.date_order")
    assert (order.day_first, order.unresolved) == expected
    said = {"c0": pd.Series(["13/03/2017"])}
    assert not table_order(said, "%Y-%d-%m", None, "f.csv", "k").day_first  # the table's own format decides
    plain = {"c0": pd.Series(["01/03/2017"])}
    assert not table_order(plain, None, "month_first", "f.csv", "k").day_first  # and its own order
    assert table_order(plain, None, "day_first", "f.csv", "k").day_first


def test_an_iso_column_beside_day_first_dates_is_read_as_iso(tmp_path: Path) -> None:
    """An ISO column of days up to 12 in a table read day first was read yyyy-dd-mm: 2016-10-05 as 10 May."""
    early = _written("%Y-%m-%d", "Created", "Closed", last_day=12)
    (tmp_path / "iso").mkdir()
    iso = _dates(edited_copy(tmp_path / "iso", early))
    mapping = edited_copy(tmp_path, _both(early, _written("%d/%m/%Y", "Closed")))
    source = yaml.safe_load(mapping.read_text())
    source["opportunities"]["date_order"] = "day_first"  # the Closed column's; Created stays ISO
    mapping.write_text(yaml.safe_dump(source))
    pd.testing.assert_frame_equal(_dates(mapping), iso)
    values = pd.Series(["2016-10-05", "2016-11-12"])
    assert list(parse_dates(values, Path("x"), "c", day_first=True)) == list(
        parse_dates(values, Path("x"), "c", day_first=False)
    )


def test_day_first_dates_with_a_time_in_some_cells_only_are_read(tmp_path: Path) -> None:
    """Half the cells '25/10/2016 14:22', half '20/10/2016': refused, and neither fix the message named worked."""

    def some_with_a_time(table: pd.DataFrame) -> None:
        _written("%d/%m/%Y", "Created", "Closed")(table)
        timed = table.index % 2 == 1
        for column in ("Created", "Closed"):
            filled = timed & (table[column] != "")
            table.loc[filled, column] = table.loc[filled, column] + " 14:22"

    (tmp_path / "iso").mkdir()
    iso = _dates(edited_copy(tmp_path / "iso", lambda t: None))
    pd.testing.assert_frame_equal(_dates(edited_copy(tmp_path, some_with_a_time)), iso)


def test_a_date_the_table_s_own_order_cannot_read_is_refused_naming_the_order_that_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """date_order: month_first on a dd/mm table was refused telling the user to set date_format instead."""
    mapping = edited_copy(tmp_path, _written("%d/%m/%Y", "Created", "Closed"))
    source = yaml.safe_load(mapping.read_text())
    source["opportunities"]["date_order"] = "month_first"
    mapping.write_text(yaml.safe_dump(source))
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "can only be read day first, and opportunities.date_order is month_first" in message
    assert "set opportunities.date_order: day_first" in message and "row " in message
    source["opportunities"]["date_format"] = "%d/%m/%Y"  # both: refused, one says the other
    mapping.write_text(yaml.safe_dump(source))
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    assert "opportunities.date_order = 'month_first': date_format ('%d/%m/%Y') is set too" in capsys.readouterr().err
    assert not out.exists()


def test_day_first_dates_with_a_time_zone_are_read_in_their_table_s_order(tmp_path: Path) -> None:
    """'dd/mm/yyyy 17:00+02:00' was invisible to the order: a column of them read month first without a word,
    date_order: day_first or not, and a whole table of them refused blaming an ordinary date."""
    (tmp_path / "iso").mkdir()
    iso = _dates(edited_copy(tmp_path / "iso", lambda t: None))
    zoned = _both(_written("%d/%m/%Y", "Created"), _written("%d/%m/%Y 17:00+02:00", "Closed"))
    pd.testing.assert_frame_equal(_dates(edited_copy(tmp_path, zoned)), iso)
    (tmp_path / "utc").mkdir()
    utc = _both(_written("%d/%m/%Y 09:30 UTC", "Created"), _written("%d/%m/%Y %H:%MZ", "Closed"))
    pd.testing.assert_frame_equal(_dates(edited_copy(tmp_path / "utc", utc)), iso)


def test_one_iso_cell_in_a_day_first_column_is_the_one_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'2017-04-05' among dd/mm dates had the refusal name row 12's ordinary '18/...' date."""

    mapping = edited_copy(tmp_path, _day_first_but(30, "Created", "2023-04-05"))
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    assert "column 'Created', row 31" in message and "'2023-04-05'" in message


def test_an_export_with_no_created_date_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every created date empty had read "no closed deal at all", the close dates filled."""
    mapping = edited_copy(tmp_path, lambda t: t.__setitem__("Created", ""))
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(tmp_path / "out")]) == 2
    assert "no row has a created date (column 'Created' is empty in all 43)" in capsys.readouterr().err


def test_dates_that_may_be_year_first_are_counted_and_warned_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'16-10-20' read as 16 October 2020 without a word, where a CRM writing yy-mm-dd means 20 October 2016."""
    mapping = edited_copy(tmp_path, _written("%d-%m-%y", "Created", "Closed"))
    (tmp_path / "iso").mkdir()
    pd.testing.assert_frame_equal(_dates(mapping), _dates(edited_copy(tmp_path / "iso", lambda t: None)))
    out = tmp_path / "out"
    capsys.readouterr()
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 0
    written = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    dated = int(((written["Created"] != "") | (written["Closed"] != "")).sum())
    assert f"warning: {dated} rows whose dates end in a two-digit year after a dash" in capsys.readouterr().err
    assert (
        "set opportunities.date_format: '%y-%m-%d' if the CRM writes the year first"
        in (out / "calibration.md").read_text()
    )


def test_an_export_of_dates_with_points_none_past_the_12th_reads_day_first(tmp_path: Path) -> None:
    """A German Excel's 01.03.2017 is 1 March: a table whose days were all 12 or less had read it 3 January."""
    source = FIXTURES / "a_opportunities"
    twins = []
    for name in ("iso", "points"):
        folder = tmp_path / name
        shutil.copytree(source, folder)
        frame = pd.read_csv(folder / "opportunities.csv", dtype=str, keep_default_na=False)
        dated = [c for c in frame.columns if frame[c].str.fullmatch(r"\d{4}-\d{2}-\d{2}").any()]
        for c in dated:
            days = pd.to_datetime(frame[c].replace("", None))
            frame = frame[days.isna() | (days.dt.day <= 12)]
        if name == "points":
            for c in dated:
                frame[c] = pd.to_datetime(frame[c].replace("", None)).dt.strftime("%d.%m.%Y").fillna("")
        frame.to_csv(folder / "opportunities.csv", index=False)
        twins.append(load_export(load_mapping(folder / "mapping.yaml")))
    iso, points = twins
    assert dated and len(points.frame) > 10
    assert points.frame.equals(iso.frame)
    assert not [item for item in points.problems.items if "day first or month first" in item[0]]
