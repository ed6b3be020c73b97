"""Tables as CRMs and spreadsheets write them: empty rows, rows with no id, rows off their line, a repeated header,
a report's title or footer, serial dates, a missing sheet: counted as what they are, or named where they are.

A line of bare commas (what Excel leaves below a table) and rows whose id cell is blank
had been counted as "duplicated ids", all but the first dropped; a blank roster row was
an owner '' with no deals; a blank id in a stage history or won-deals table joined every
opportunity with none. A blank line or a note typed over two lines put a bad cell's line
off by as many lines.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.calibration.mapping import load_mapping
from simulator.calibration.shapes import load_export

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crm"
AS_OF = "2023-04-28"


def copy(tmp_path: Path, shape: str = "a_opportunities") -> Path:
    folder = tmp_path / shape
    shutil.copytree(FIXTURES / shape, folder)
    return folder / "mapping.yaml"


def problems_of(mapping: Path) -> dict[str, tuple[int, str]]:
    return {problem: (n, action) for problem, n, action in load_export(load_mapping(mapping)).problems.items}


CLEAN = problems_of(FIXTURES / "a_opportunities" / "mapping.yaml")
"""The fixture's own problems (one duplicated id, one undated row, one negative duration, a rep with no deals)."""


def test_lines_of_bare_commas_are_empty_rows_not_duplicated_ids(tmp_path: Path) -> None:
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join([*lines[:10], ",,,,,,", *lines[10:], ",,,,,,", ",,,,,,"]) + "\n", encoding="utf-8")
    found = problems_of(mapping)
    assert found.pop("empty rows (every cell blank)") == (3, "left out")
    assert found == CLEAN  # not 2 more duplicated ids and 1 more undated row
    clean = calibrate(str(FIXTURES / "a_opportunities" / "mapping.yaml"), AS_OF)
    cal = calibrate(str(mapping), AS_OF)
    assert len(cal.export.frame) == len(clean.export.frame) == 40
    assert cal.outcomes.win_rate.value == clean.outcomes.win_rate.value


def test_opportunities_with_a_blank_id_are_kept_each_its_own(tmp_path: Path) -> None:
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    for line in (3, 9, 20):  # rows 2, 8 and 19 lose their id
        lines[line - 1] = "," + lines[line - 1].split(",", 1)[1]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems_of(mapping)
    assert found.pop("opportunities with no id") == (3, "kept, each its own opportunity (none can be told a duplicate)")
    assert found == CLEAN  # not 2 more duplicated ids, dropped
    frame = calibrate(str(mapping), AS_OF).export.frame
    assert len(frame) == 40 and frame["id"].is_unique  # no two read as copies of one deal (effective_trials)
    assert "(no id: row 8)" in set(frame["id"])


def test_a_roster_row_with_no_owner_seats_no_one(tmp_path: Path) -> None:
    mapping = copy(tmp_path)
    roster = mapping.parent / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8") + ",\n,North\n", encoding="utf-8")
    found = problems_of(mapping)
    assert found.pop("roster rows with no owner") == (2, "left out (they seat no one)")
    assert found == CLEAN  # an owner '' is not a rep with no deals beside eve
    cal = calibrate(str(mapping), AS_OF)
    assert cal.export.roster is not None and "" not in set(cal.export.roster["owner"])


def test_a_won_deal_with_no_lead_id_wins_no_lead(tmp_path: Path) -> None:
    mapping = copy(tmp_path, "d_leads_deals")
    leads, deals = mapping.parent / "leads.csv", mapping.parent / "deals.csv"
    leads.write_text(leads.read_text(encoding="utf-8") + ",2023-03-01,Working,,ann\n", encoding="utf-8")
    deals.write_text(deals.read_text(encoding="utf-8") + ",2023-03-20,3100\n", encoding="utf-8")
    found = problems_of(mapping)
    assert found["won deals with no lead id"] == (1, "left out (they join no lead)")
    frame = load_export(load_mapping(mapping)).frame
    assert list(frame.loc[frame["id"].str.startswith("(no id"), "outcome"]) == ["open"]
    assert (frame["outcome"] == "won").sum() == 5


def test_a_stage_history_row_with_no_id_joins_no_opportunity(tmp_path: Path) -> None:
    mapping = copy(tmp_path, "b_history")
    history, opportunities = mapping.parent / "history.csv", mapping.parent / "opportunities.csv"
    history.write_text(history.read_text(encoding="utf-8") + ",Closed Won,2023-03-20\n", encoding="utf-8")
    opportunities.write_text(opportunities.read_text(encoding="utf-8") + ",ann,2000,Basic\n", encoding="utf-8")
    found = problems_of(mapping)
    assert found["stage-history rows with no id"] == (1, "left out (they join no opportunity)")
    frame = load_export(load_mapping(mapping)).frame
    assert not frame["id"].str.startswith("(no id").any()  # it has no history: no created date, left out
    assert found["rows with no created date"][0] == 1


@pytest.mark.parametrize(
    ("before", "line"),
    [
        ([""], 10),  # a blank line before the bad row
        (['X01,2023-01-02,,Open,,ann,"Basic', 'plus"'], 11),  # a value typed over two lines
        (["", "", 'X01,2023-01-02,,Open,,ann,"Basic', 'plus"'], 13),
    ],
)
def test_a_bad_cell_is_named_on_the_line_it_is_on(tmp_path: Path, before: list[str], line: int) -> None:
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[8] = lines[8].replace(lines[8].split(",")[1], "2023-02-30")  # row 8, line 9 of the clean file
    rows = 8 + (1 if len(before) > 1 else 0)
    table.write_text("\n".join([*lines[:3], *before, *lines[3:]]) + "\n", encoding="utf-8")
    assert table.read_text(encoding="utf-8").splitlines()[line - 1].split(",")[1] == "2023-02-30"
    with pytest.raises(CalibrationError) as raised:
        load_export(load_mapping(mapping))
    assert f"row {rows} (line {line} of the file, after its header)" in str(raised.value)
    again = pickle.loads(pickle.dumps(raised.value))  # a back-test worker's refusal, as the parent reads it
    assert str(again) == str(raised.value)


@pytest.mark.parametrize(
    ("mapped", "columns", "meant"),
    [
        ("close_value", ["close_date", "Close Value"], "Close Value"),  # had offered close_date
        ("close_value", ["close_date", "CloseValue"], "CloseValue"),
        ("Close Date", ["close-date", "close_value"], "close-date"),
        ("sales agnt", ["Sales_Agent", "product"], "Sales_Agent"),
    ],
)
def test_a_renamed_column_is_offered_as_itself_not_a_column_spelt_alike(
    tmp_path: Path, mapped: str, columns: list[str], meant: str
) -> None:
    import pandas as pd

    from simulator.calibration.readers import require_columns

    with pytest.raises(CalibrationError) as raised:
        require_columns(pd.DataFrame(columns=columns), {"a.amount": mapped}, tmp_path / "x.csv")
    assert f"a.amount = '{mapped}' (did you mean '{meant}'?)" in str(raised.value)


def test_a_header_repeated_below_is_named_as_such(tmp_path: Path) -> None:
    # two exports pasted into one: the second header had been told "'Created' is not a date"
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join([*lines[:20], lines[0], *lines[20:]]) + "\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as raised:
        load_export(load_mapping(mapping))
    assert str(raised.value) == (
        f"file {table}, row 20 (line 21 of the file, after its header): repeats the header (Opportunity ID, Created, "
        "Closed, ...): two exports pasted into one? Delete the repeated header row"
    )


def test_an_excel_serial_day_number_is_named_as_one(tmp_path: Path) -> None:
    # a column Excel wrote as numbers (42795 for 2017-03-01) had been asked "is the mapping's column the right one?"
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2023-01-02", "44928")
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as raised:
        load_export(load_mapping(mapping))
    assert "'44928' is not a date" in str(raised.value)
    assert str(raised.value).endswith(
        "an Excel serial day number? Format the column as dates in Excel before saving it"
    )


@pytest.mark.parametrize(
    ("above", "below", "words"),
    [
        (
            ['"Opportunity report"', '"Generated 2023-05-02"', ""],
            [],
            "row 2 (line 4 of the file) has 7 fields, its header 1 (the header read is 'Opportunity report', one "
            "field: a title above the table? Delete the lines above its header row)",
        ),
        (
            [],
            ["", '"Grand Totals (43 records)"', '"Copyright (c) 2000-2024 salesforce.com, inc."'],
            "row 44 (line 46 of the file) has 1 field, its header 7 (one field alone: a report's footer below the "
            "table (a total, a copyright line: delete it), or a row cut short)",
        ),
    ],
)
def test_a_reports_title_or_footer_is_named_as_such(
    tmp_path: Path, above: list[str], below: list[str], words: str
) -> None:
    # a CRM report saved as CSV keeps its title and totals: told 'a comma inside a value that is not quoted?'
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join([*above, *lines, *below]) + "\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as raised:
        load_export(load_mapping(mapping))
    assert words in str(raised.value)


def test_a_sheet_the_workbook_lacks_is_named_with_the_sheets_it_has(tmp_path: Path) -> None:
    import pandas as pd

    from simulator.calibration.readers import read_table

    book = tmp_path / "deals.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"id": ["A1"]}).to_excel(writer, sheet_name="Deals", index=False)
        pd.DataFrame({"rep": ["ann"]}).to_excel(writer, sheet_name="Reps", index=False)
    assert read_table(book, "Reps")["rep"].tolist() == ["ann"]
    with pytest.raises(CalibrationError) as raised:
        read_table(book, "Opps")
    assert str(raised.value) == (
        f"file {book}: has no sheet 'Opps' (it has: Deals, Reps): set the table's sheet in the mapping to one of them"
    )
