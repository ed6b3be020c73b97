"""Bad CSV rows, UTF-16 files, rosters and price lists that disagree with themselves, mapping
values out of range, and an --out folder that already holds something: each refused with one
salesim message (exit 2, nothing written) or counted, never passed over in silence."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.calibration.folder import write_folder
from simulator.crm_commands import calibrate_main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities"
AS_OF = "2023-04-28"


def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("opportunities.csv", "roster.csv", "mapping.yaml"):
        shutil.copy(FIXTURE / name, folder / name)
    return folder / "mapping.yaml"


def refused(mapping: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    out = mapping.parent.parent / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out), *extra]) == 2
    assert not out.exists()
    return capsys.readouterr().err


def edit_lines(path: Path, line: int, change) -> None:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = change(lines[line - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "change", "expected"),
    [
        # a row cut to 4 of its 7 fields was read with empty closes, amounts and owners
        (6, lambda t: ",".join(t.split(",")[:4]), "row 5 (line 6 of the file) has 4 fields, its header 7"),
        # a truncated last line
        (44, lambda t: t[:12], "row 43 (line 44 of the file) has 5 fields, its header 7 (a row cut short"),
        # pandas' "Error tokenizing data. C error: Expected 7 fields in line 8, saw 8"
        (8, lambda t: t + ",extra", "row 7 (line 8 of the file) has 8 fields, its header 7 (a comma inside a value"),
        # a quote opened and never closed swallows the rest of the file
        (
            8,
            lambda t: t.replace(",", ',"', 1),
            "row 7 (lines 8 to 44 of the file) has 2 fields, its header 7 (a '\"' opens",
        ),
        (
            44,
            lambda t: t.replace(",", ',"', 1),
            "row 43 (line 44 of the file) has 2 fields, its header 7 (a '\"' opens",
        ),
    ],
)
def test_a_csv_row_with_too_few_or_too_many_fields_is_refused_naming_its_line(
    tmp_path: Path, line: int, change, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    mapping = copy(tmp_path)
    edit_lines(mapping.parent / "opportunities.csv", line, change)
    message = refused(mapping, capsys)
    assert "opportunities.csv" in message and expected in message, message
    assert "Error tokenizing" not in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32"])
def test_a_utf16_or_utf32_file_without_a_byte_order_mark_is_named_as_such(
    tmp_path: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A UTF-16 export was taken for Latin-1 ('is not UTF-8 text (Latin-1 or Windows-1252...')."""
    mapping = copy(tmp_path)
    csv = mapping.parent / "opportunities.csv"
    text = csv.read_text(encoding="utf-8")
    csv.write_bytes(text.encode(encoding))
    if encoding in ("utf-16", "utf-32"):  # Python writes a byte-order mark: the file tells its encoding, and is read
        assert calibrate(mapping, AS_OF).export.frame.equals(_utf8(mapping, text).export.frame)
        return
    message = refused(mapping, capsys)
    assert "is saved as UTF-16 or UTF-32 (without a byte-order mark" in message, message
    assert "re-save it as 'CSV UTF-8'" in message and "Latin-1" not in message
    csv.write_bytes(csv.read_bytes().decode(encoding).encode("utf-8-sig"))  # a UTF-8 byte-order mark is fine
    assert calibrate(mapping, AS_OF).outcomes.won.n > 0


def _utf8(mapping: Path, text: str):  # type: ignore[no-untyped-def]
    """The calibration of ``mapping`` with its opportunities written ``text`` in UTF-8."""
    (mapping.parent / "opportunities.csv").write_text(text, encoding="utf-8")
    return calibrate(mapping, AS_OF)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_excel_s_unicode_text_is_read_by_its_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    """Excel's 'Unicode Text' (UTF-16 with a byte-order mark, tabs, decimal commas in much of Europe): refused."""
    mapping = copy(tmp_path)
    csv = mapping.parent / "opportunities.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    plain = calibrate(mapping, AS_OF).export.frame
    frame["Amount"] = frame["Amount"].map(lambda cell: f"{cell},00 €" if cell else cell)
    frame["Owner"] = frame["Owner"].replace("ann", "Änn")
    (mapping.parent / "roster.csv").write_text((mapping.parent / "roster.csv").read_text().replace("ann", "Änn"))
    csv.write_bytes(frame.to_csv(sep="\t", index=False, lineterminator="\r\n").encode(encoding))
    read = calibrate(mapping, AS_OF).export
    assert read.currency == "€"
    assert read.frame.drop(columns="owner").equals(plain.drop(columns="owner"))
    assert set(read.frame["owner"]) == set(plain["owner"].replace("ann", "Änn"))


def test_an_owner_in_two_teams_of_the_roster_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ann in North and in South: the first row won, without a word."""
    mapping = copy(tmp_path)
    roster = mapping.parent / "roster.csv"
    roster.write_text(roster.read_text() + "ann,South\n")
    message = refused(mapping, capsys)
    assert "roster.csv" in message and "column 'team'" in message
    assert (
        "owner 'ann' is listed twice with different values: row 1 (line 2 of the file, after its header) 'North', "
        in message
    )
    assert "row 6 (line 7 of the file, after its header) 'South'" in message
    roster.write_text(roster.read_text().replace("ann,South", "ann,North"))  # the same row twice: counted
    problems = {p: n for p, n, _ in calibrate(mapping, AS_OF).export.problems.items}
    assert problems["owners listed twice in the roster (the same team)"] == 1


def test_a_product_with_two_prices_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The last price of a product listed twice won silently."""
    mapping = copy(tmp_path)
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,1000\nPro,5000\nBasic,1200\n")
    mapping.write_text(mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    message = refused(mapping, capsys)
    assert "prices.csv" in message and "column 'price'" in message
    assert (
        "product 'Basic' is listed twice with different values: row 1 (line 2 of the file, after its header) '1000.0'"
        in message
    )
    # a negative price is worded as a price (it read "a deal's amount ... a refund or credit note is not a deal")
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,1000\nPro,-5000\n")
    message = refused(mapping, capsys)
    assert "is negative: a product's list price is zero or more" in message and "refund" not in message


def test_mapping_values_out_of_range_are_worded_as_salesim_words_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Input should be less than or equal to 1' was pydantic's text, not salesim's."""
    mapping = copy(tmp_path)
    original = mapping.read_text()
    mapping.write_text(original + "assumptions: {selling_fraction: 1.7, recent_months: 0, effort_hours: -1}\n")
    message = refused(mapping, capsys)
    assert "assumptions.selling_fraction = 1.7: must be at most 1" in message
    assert "assumptions.recent_months = 0: must be 1 or greater" in message
    assert "assumptions.effort_hours = -1: must be greater than 0" in message
    assert "Input should be" not in message
    mapping.write_text(original.replace("Won: won", "Won: winner"))
    message = refused(mapping, capsys)
    assert "opportunities.outcomes.Won = 'winner': must be one of won, lost, no_decision, open" in message


@pytest.mark.parametrize(
    ("assumption", "expected"),
    [
        # quota: true was read as 1.0 ("Quota: $1 a rep a year")
        ("quota: true", "assumptions.quota = true: must be a number (true/false is not a number)"),
        ("busiest_utilisation: false", "assumptions.busiest_utilisation = false: must be a number (true/false"),
        ("recent_months: true", "assumptions.recent_months = true: must be a whole number (true/false is not a"),
        # .nan was told "must be at most 1"
        ("selling_fraction: .nan", "assumptions.selling_fraction = nan: must be a finite number"),
        # 1e400 was refused as the generated pipeline.stages.0.effort_hours = inf
        ("effort_hours: 1e400", "assumptions.effort_hours = inf: must be a finite number"),
        # a bare "not valid YAML: month must be in 1..12", no key, no line
        ("holidays: [2017-13-01]", "assumptions.holidays.0 = '2017-13-01': is no date of the calendar (month must"),
        ("holidays: ['2017-02-30']", "assumptions.holidays.0 = '2017-02-30': is no date of the calendar (day is"),
        # read datetime.date(2017, 1, 1) and "= 6: must be a whole number (it was read as the decimal 6.0 ...)"
        ("holidays: 2017-01-01", "assumptions.holidays = 2017-01-01: must be a list"),
        ("recent_months: 6.0", "assumptions.recent_months = 6.0: must be a whole number (it was read as the decimal"),
    ],
)
def test_a_mapping_value_that_is_no_number_or_no_date_is_refused_naming_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], assumption: str, expected: str
) -> None:
    mapping = copy(tmp_path)
    mapping.write_text(mapping.read_text() + f"assumptions:\n  {assumption}\n")
    message = refused(mapping, capsys)
    assert expected in message and "mapping.yaml" in message, message
    assert "pipeline.stages" not in message and "not valid YAML" not in message


def test_numbers_in_the_mapping_are_read_as_config_files_read_them(tmp_path: Path) -> None:
    """1e3 is a number in a config file; YAML 1.1 (yaml.safe_load) read it as text."""
    from simulator.calibration.mapping import load_mapping

    mapping = copy(tmp_path)
    mapping.write_text(mapping.read_text() + "assumptions: {effort_hours: 1e1, quota: 1.5e5, holidays: [2023-01-02]}\n")
    assumptions = load_mapping(mapping).assumptions
    assert (assumptions.effort_hours, assumptions.quota, assumptions.holidays) == (10.0, 150000.0, ["2023-01-02"])


def test_an_as_of_date_that_does_not_exist_is_told_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--as-of 2017-02-30 was told "must be a date written YYYY-MM-DD", which it is."""
    mapping = copy(tmp_path)
    message = refused(mapping, capsys, "--as-of", "2023-02-30")
    assert "--as-of = '2023-02-30': is no date of the calendar (day is out of range for month)" in message
    assert "must be a date written" not in message


def test_an_as_of_before_the_data_names_its_first_dates_and_the_earliest_that_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = copy(tmp_path)
    message = refused(mapping, capsys, "--as-of", "2001-01-31")
    assert "--as-of 2001-01-31: no opportunity was created on or before it (the first was created on 20" in message
    assert "and the first deal closed on 20" in message and "at the earliest)" in message


def test_a_folder_given_as_the_mapping_is_told_it_is_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = copy(tmp_path)
    out = tmp_path / "out"
    assert calibrate_main([str(mapping.parent), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "is a folder, not a mapping file: give the mapping's YAML file (it holds mapping.yaml)" in message
    assert not out.exists()


def test_a_cell_that_is_no_date_is_told_what_a_date_may_look_like(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = copy(tmp_path)
    edit_lines(mapping.parent / "opportunities.csv", 3, lambda t: t.replace("2023-01-03", "agent_04", 1))
    message = refused(mapping, capsys)
    assert "is not a date: each cell must be empty or a date such as 2017-03-01" in message
    assert "row 2 (line 3 of the file" in message


def test_an_existing_folder_is_kept_unless_replace_is_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second calibrate into one folder deleted it, the user's own pay figures included."""
    mapping = copy(tmp_path)
    out = tmp_path / "company"
    args = [str(mapping), "--as-of", AS_OF, "--out", str(out)]
    assert calibrate_main(args) == 0
    pay = out / "economics" / "calibrated.yaml"
    pay.write_text(pay.read_text() + "# my own pay figures\n")
    capsys.readouterr()
    assert calibrate_main(args) == 2
    message = capsys.readouterr().err
    assert f"--out {out}: the folder exists and is not empty (calibration.md, clock, config.yaml" in message
    assert "nothing was written" in message and "pass --replace" in message
    assert "economics/calibrated.yaml too" in message
    assert "# my own pay figures" in pay.read_text()
    with pytest.raises(CalibrationError, match="not empty") as refused:  # the Python API refuses alike,
        write_folder(calibrate(mapping, AS_OF), out)
    # in its own arguments' names: a notebook user was told to pass --out and --replace
    assert str(refused.value).startswith(f"out='{out}': the folder exists and is not empty")
    assert "pass replace=True to replace it" in str(refused.value) and "--" not in str(refused.value)
    assert calibrate_main([*args, "--replace"]) == 0
    assert "# my own pay figures" not in pay.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]  # nothing left aside
    empty = tmp_path / "empty"
    empty.mkdir()
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(empty)]) == 0
    assert (empty / "calibration.md").is_file()


def test_a_failed_replace_leaves_the_old_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.calibration import folder

    mapping = copy(tmp_path)
    out = tmp_path / "company"
    write_folder(calibrate(mapping, AS_OF), out)
    (out / "calibration.md").write_text("mine")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))

    def fail(*_: object) -> str:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(folder, "calibration_markdown", fail)
    with pytest.raises(RuntimeError):
        write_folder(calibrate(mapping, AS_OF), out, replace=True)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert (out / "calibration.md").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]
    real_rename = Path.rename

    def rename_fails_into_place(self: Path, target: Path) -> Path:  # the swap itself fails
        if self.name.startswith(".calibrating"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.undo()
    monkeypatch.setattr(Path, "rename", rename_fails_into_place)
    with pytest.raises(OSError):
        folder._swap(Path(tmp_path / ".calibrating-x"), out, replace=True)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert (out / "calibration.md").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]


def test_opportunities_with_a_blank_owner_are_counted_with_what_was_done(tmp_path: Path) -> None:
    # a fresh-user check blanked the mapped owner column on 50 rows: accepted, counted nowhere
    mapping = copy(tmp_path)
    for line in (3, 9, 20):  # rows 2, 8 and 19: the owner (sixth field) left empty
        edit_lines(
            mapping.parent / "opportunities.csv", line, lambda s: ",".join([*s.split(",")[:5], "", *s.split(",")[6:]])
        )
    problems = calibrate(str(mapping), AS_OF).export.problems
    counted = [(p, n, action) for p, n, action in problems.items if "no owner" in p]
    assert counted == [
        (
            "opportunities with no owner (column 'Owner' empty)",
            3,
            "kept in arrivals, outcomes and the open pipeline; left out of the owners' shares, the skill spread "
            "and deals per owner",
        )
    ]
    (tmp_path / "clean").mkdir()
    clean = calibrate(str(copy(tmp_path / "clean")), AS_OF).export.problems
    assert not [p for p, _, _ in clean.items if "no owner" in p]


@pytest.mark.parametrize(("field", "column"), [(1, "Created"), (2, "Closed")])
def test_a_placeholder_date_decades_before_the_others_is_refused_naming_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: int, column: str
) -> None:
    mapping = copy(tmp_path)
    opportunities = mapping.parent / "opportunities.csv"
    line = next(  # a won row: it has both dates
        i for i, s in enumerate(opportunities.read_text().splitlines(), 1) if ",Won," in s
    )
    edit_lines(
        opportunities, line, lambda s: ",".join([*s.split(",")[:field], "1900-01-01", *s.split(",")[field + 1 :]])
    )
    err = refused(mapping, capsys)
    assert f"column '{column}', row {line - 1}" in err and "'1900-01-01' is more than 20 years before" in err


def test_an_export_with_a_header_only_says_it_has_no_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A header-only file read "no dates at all: map the created and closed columns", which were mapped."""
    mapping = copy(tmp_path)
    table = mapping.parent / "opportunities.csv"
    table.write_text(table.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    err = refused(mapping, capsys)
    assert "opportunities.csv" in err and "holds no rows, only a header: nothing to calibrate on" in err
    assert "map the created and closed columns" not in err
    # a roster of a header only put every rep in a team of its own, 'other', with exit 0
    (tmp_path / "roster").mkdir()
    mapping = copy(tmp_path / "roster")
    roster = mapping.parent / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    err = refused(mapping, capsys)
    assert "roster.csv" in err and "holds no rows, only a header: list one row per rep" in err


def test_created_and_closed_columns_swapped_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """crm-maven with created and closed swapped was told "no closed deal at all" (6,711 closed: all before created).

    This fixture, swapped, was told "no deal won by then among the 1 opportunities the outcome fit can use".
    """
    mapping = copy(tmp_path)
    text = mapping.read_text(encoding="utf-8").replace(
        "created: Created, closed: Closed", "created: Closed, closed: Created"
    )
    mapping.write_text(text, encoding="utf-8")
    err = refused(mapping, capsys)
    assert "no closed deal at all" not in err, err
    assert "closed deals with both dates close before they were created: are the created and closed columns " in err
    assert "(opportunities.columns.created = 'Closed', closed = 'Created')" in err, err


def test_a_product_column_none_of_whose_values_is_in_the_price_list_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """crm-maven mapped with ``product: account`` made its 85 customers products, valued from their wins, exit 0."""
    mapping = copy(tmp_path)
    (mapping.parent / "prices.csv").write_text("item,list\nBasic,100\nPro,500\n", encoding="utf-8")
    text = (
        mapping.read_text(encoding="utf-8") + "prices:\n  file: prices.csv\n  columns: {product: item, price: list}\n"
    )
    mapping.write_text(text, encoding="utf-8")
    calibrate(mapping, AS_OF)  # the products' own column: priced
    mapping.write_text(text.replace("product: Product}", "product: Owner}"), encoding="utf-8")
    err = refused(mapping, capsys)
    assert "column 'Owner': opportunities.columns.product = 'Owner': none of its" in err, err
    assert "is in the price list" in err and "(prices.columns.product = 'item': Basic, Pro, ...)" in err, err


def test_an_id_column_most_of_whose_rows_repeat_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """crm-maven mapped with ``id: product`` kept 7 of 8,800 rows and was told "choose an as-of inside the export"."""
    mapping = copy(tmp_path)
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("id: Opportunity ID", "id: Product"), encoding="utf-8"
    )
    err = refused(mapping, capsys)
    assert "column 'Product': opportunities.columns.id = 'Product': 41 of its 43 rows repeat an id (2 distinct" in err
    assert "is the mapping's column the right one?" in err, err


def test_a_closed_column_that_is_the_created_one_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """crm-maven mapped with ``closed: engage_date`` calibrated, exit 0, with a won cycle of 0 working days."""
    mapping = copy(tmp_path)
    text = mapping.read_text(encoding="utf-8").replace("closed: Closed", "closed: Created")
    mapping.write_text(text, encoding="utf-8")
    err = refused(mapping, capsys)
    assert "opportunities.columns.closed" in err and "is the created column too ('Created')" in err, err


def test_an_owner_column_none_of_whose_values_is_in_the_roster_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """crm-maven mapped with ``owner: account`` wrote 85 "reps" named after its customers, with exit 0."""
    mapping = copy(tmp_path)
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("owner: Owner", "owner: Product"), encoding="utf-8")
    err = refused(mapping, capsys)
    assert "opportunities.csv, column 'Product': opportunities.columns.owner = 'Product': none of its" in err, err
    assert "is in the roster" in err and "(roster.columns.owner = 'rep': ann, bob" in err, err
    assert "is the mapping's column the right one?" in err
    # some owners missing from the roster stay a counted data problem, not a refusal
    (tmp_path / "some").mkdir()
    mapping = copy(tmp_path / "some")
    roster = mapping.parent / "roster.csv"
    roster.write_text("\n".join(roster.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    calibrate(mapping, AS_OF)


@pytest.mark.parametrize(
    ("name", "content"), [("opportunities.csv", ""), ("roster.csv", "\n\n"), ("opportunities.csv", "\n \n\t\n")]
)
def test_an_empty_file_is_told_it_is_empty(
    tmp_path: Path, name: str, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty export got pandas' words: "cannot be read: No columns to parse from file"."""
    mapping = copy(tmp_path)
    (mapping.parent / name).write_text(content, encoding="utf-8")
    err = refused(mapping, capsys)
    assert err.strip().splitlines() == [
        f"salesim: calibrate: file {mapping.parent / name}: is empty: no header row and no rows (an export cut short, "
        "or saved before anything was written?): export the table again, a header row naming its columns then one "
        "row per record"
    ]


def test_a_mapping_that_names_no_column_or_columns_the_file_lacks_names_each_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator.calibration.readers import require_columns

    mapping = copy(tmp_path)
    mapping.write_text(mapping.read_text().replace("product: Product}", "product: ''}"))
    message = refused(mapping, capsys)
    assert "opportunities.columns.product = '': must name a column of the file (null: not in the export)" in message
    import pandas as pd

    frame = pd.DataFrame(columns=["opportunity_id", "sales_agent", "product"])
    mapped = {"a.owner": "sales_agnt", "a.product": "prodct", "a.id": "opportunity_id", "a.segment": None}
    with pytest.raises(CalibrationError) as raised:
        require_columns(frame, mapped, tmp_path / "x.csv")
    assert str(raised.value) == (
        f"file {tmp_path / 'x.csv'}: the mapping names 2 columns not in the file (it has: opportunity_id, "
        "sales_agent, product):\n  - a.owner = 'sales_agnt' (did you mean 'sales_agent'?)\n  - a.product = 'prodct' "
        "(did you mean 'product'?)"
    )
    # an export whose headers are upper case: each named, as a misspelt one is (a fresh user's check got none)
    upper = pd.DataFrame(columns=["OPPORTUNITY_ID", "SALES_AGENT", "PRODUCT"])
    with pytest.raises(CalibrationError) as raised:
        require_columns(upper, {"a.id": "opportunity_id", "a.owner": "sales_agent"}, tmp_path / "x.csv")
    assert "a.id = 'opportunity_id' (did you mean 'OPPORTUNITY_ID'?)" in str(raised.value)
    assert "a.owner = 'sales_agent' (did you mean 'SALES_AGENT'?)" in str(raised.value)


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # every row had been left out for its missing date: "no closed deal at all", naming no key
        ("{id: Opportunity ID, closed: Closed, outcome: Status}", ["opportunities.columns.created = null: required"]),
        # every deal had been read as open
        ("{id: Opportunity ID, created: Created, closed: Closed}", ["opportunities.columns.outcome = null: required"]),
        ("{id: Opportunity ID, created: Created, outcome: Status}", ["opportunities.columns.closed = null: required"]),
        (
            "{id: Opportunity ID}",
            [
                "the mapping and its tables have 2 problems:",
                "  - file {mapping}: opportunities.columns.created = null",
                "  - file {mapping}: opportunities.columns.outcome = null",
            ],
        ),
        # told together with a misspelt column of the table, not one run after the other
        (
            "{id: Opportunity ID, created: Createdd, closed: Closed}",
            [
                "the mapping and its tables have 2 problems:",
                "  - file {mapping}: opportunities.columns.outcome = null: required",
                "opportunities.columns.created = 'Createdd' (did you mean 'Created'?)",
            ],
        ),
        ("{id: null, created: Created, closed: Closed, outcome: Status}", ["columns.id = null: required (the column"]),
        # a mapping that does not validate still names the missing dates beside its own problems
        (
            "{id: null, closed: Closed, outcome: Status}",
            ["2 problems:", "columns.id = null: required", "opportunities.columns.created = null: required"],
        ),
    ],
)
def test_a_mapping_with_no_source_of_dates_or_outcomes_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], columns: str, expected: list[str]
) -> None:
    mapping = copy(tmp_path)
    text = mapping.read_text()
    whole = (
        "{id: Opportunity ID, created: Created, closed: Closed, outcome: Status, amount: Amount, owner: Owner, "
        "product: Product}"
    )
    mapping.write_text(text.replace(whole, columns))
    message = refused(mapping, capsys)
    for words in expected:
        assert words.format(mapping=mapping.resolve()) in message, message


def test_dates_and_outcomes_from_stage_columns_history_or_won_deals_need_no_such_column() -> None:
    from simulator.calibration.mapping import load_mapping, unanswerable

    fixtures = FIXTURE.parent
    for shape in ("b_history", "c_stage_columns", "d_leads_deals"):
        assert unanswerable(load_mapping(fixtures / shape / "mapping.yaml")) == [], shape


def test_problems_in_several_tables_of_the_mapping_are_named_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt column in the opportunities, another in the roster and a price list not there: one message."""
    mapping = copy(tmp_path)
    text = mapping.read_text().replace("owner: Owner,", "owner: Ownr,").replace("team: team}", "team: teem}")
    mapping.write_text(text + "prices:\n  file: prices.csv\n  columns: {product: product, price: price}\n")
    message = refused(mapping, capsys)
    assert "the mapping and its tables have 3 problems:" in message
    assert "opportunities.columns.owner = 'Ownr' (did you mean 'Owner'?)" in message
    assert "roster.columns.team = 'teem' (did you mean 'team'?)" in message
    folder = mapping.parent / "prices.csv"
    assert f"prices.file = 'prices.csv': no such file, read from the mapping file's folder: {folder}" in message
    assert message.index("opportunities.columns.owner") < message.index("roster.columns") < message.index("prices.csv")


def test_a_table_file_that_is_empty_or_a_folder_names_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = copy(tmp_path)
    text = mapping.read_text()
    mapping.write_text(text.replace("file: roster.csv", "file: ''"))
    assert "roster.file = '': must name the table's file" in refused(mapping, capsys)
    mapping.write_text(text.replace("file: roster.csv", f"file: {tmp_path}"))
    assert f"roster.file = '{tmp_path}': is a folder, not a file: {tmp_path}" in refused(mapping, capsys)


def test_an_empty_parquet_file_is_told_it_is_empty(tmp_path: Path) -> None:
    """A table with no columns at all: each mapped column was 'not in the file (it has: )'."""
    import pandas as pd

    from simulator.calibration.readers import read_table

    path = tmp_path / "opportunities.parquet"
    pd.DataFrame().to_parquet(path)
    with pytest.raises(CalibrationError, match=r"opportunities\.parquet: is empty: no header row and no rows"):
        read_table(path)


@pytest.mark.parametrize("draws", ["1", "-1", "1001"])
def test_a_draw_count_without_a_spread_or_beyond_the_limit_is_refused_with_the_other_options(
    draws: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(copy(tmp_path), capsys, "--draws", draws, "--runs", "0", "--workers", "-2", "--seed", "x")
    assert f"--draws {draws}: must be 0 (no parameter draws) or a whole number from 2 (one refit has no spread)" in err
    assert "--runs 0: must be a whole number from 1 to 1,000,000" in err
    assert "--workers -2: must be a whole number >= 0" in err
    assert "--seed 'x': must be a whole number from 0 to" in err  # once an argparse error naming only itself


def test_dates_and_an_occupied_out_are_named_beside_the_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--draws 1 beside a month 13 and an --out in use named only --draws: each fix met the next fault."""
    mapping = copy(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("kept\n")
    args = [str(mapping), "--as-of", "2017-13-45", "--until", "2017-01-0", "--draws", "1", "--out", str(out)]
    assert calibrate_main(args) == 2
    err = capsys.readouterr().err
    for words in ("--draws 1", "--as-of = '2017-13-45'", "--until = '2017-01-0'", f"--out {out}"):
        assert words in err, words
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize("command", ["calibrate", "backtest"])
def test_help_reads_as_plain_text(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``salesim calibrate --help`` printed its docstring's reStructuredText backticks."""
    from simulator import crm_commands

    main = getattr(crm_commands, f"{command}_main")
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    text = capsys.readouterr().out
    assert stopped.value.code == 0 and f"salesim {command}:" in text and "``" not in text, text


def test_an_effort_per_deal_the_reps_cannot_give_is_warned_of_and_said_beside_the_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """effort_hours: 200 on crm-maven forecast 102 wins a quarter (it decided ~1,200), with no word from calibrate."""
    import yaml

    from simulator.calibration.cautions import effort_warning

    mapping = copy(tmp_path)
    base = mapping.read_text()
    cal = calibrate(mapping, AS_OF)
    assert effort_warning(cal) is None  # calibrate chose the effort itself
    busiest = max(s for owners in cal.people.teams.values() for s in owners.values())
    per_day = busiest * cal.arrivals.level.value / (365.25 / 12 * 5 / 7)
    fits = 8.0 * 0.5 / per_day  # the fixture's hours a day x selling share over the busiest rep's deals a day
    for hours, warned in ((0.9 * fits, False), (1.1 * fits, True)):
        mapping.write_text(base + f"assumptions: {{effort_hours: {hours}}}\n")
        said = effort_warning(calibrate(mapping, AS_OF))
        assert (said is not None) == warned, (hours, fits, said)
    assert said is not None and f"at most {fits:.2f} hours a deal fits its hours" in said and "needs 110%" in said
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 0
    assert f"warning: mapping.assumptions.effort_hours = {1.1 * fits:g}" in capsys.readouterr().err
    caveats = yaml.safe_load((out / "experiment" / "forecast.yaml").read_text())["experiment"]["caveats"]
    assert any(c.startswith("mapping.assumptions.effort_hours") for c in caveats)
    assert f"**Warning**: mapping.assumptions.effort_hours = {1.1 * fits:g}" in (out / "calibration.md").read_text()


def test_a_quota_typed_in_thousands_in_the_mapping_is_refused_naming_the_mappings_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """assumptions.quota: 0.5 was refused as economics.roles.agent.quota, a key of a config the user never wrote."""
    mapping = copy(tmp_path)
    mapping.write_text(mapping.read_text() + "assumptions: {quota: 0.5}\n")
    message = refused(mapping, capsys)
    assert (
        "assumptions.quota = 0.5: is $0.5 a year, surely typed in millions: give whole dollars, 500000 for $500k"
        in (message)
    )
    assert "economics.roles" not in message


@pytest.mark.parametrize(
    ("dropped", "words"),
    [
        ("Lost", "no deal closed lost by then, only 20 won"),
        # lost mapped to no decision (a CRM's 'Abandoned'): no loss either, where a win rate needs one
        ("Lost,", "no deal closed lost by then, only 20 won, 10 with no decision"),
    ],
)
def test_an_export_of_one_outcome_is_refused_naming_the_export(
    dropped: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CRM view of won and open deals had ended in the generated config's 'conversion_shift = nan'."""
    mapping = copy(tmp_path)
    if dropped.endswith(","):  # the status kept, mapped to no decision
        mapping.write_text(mapping.read_text().replace("Lost: lost", "Lost: no_decision"))
    else:
        table = mapping.parent / "opportunities.csv"
        lines = table.read_text(encoding="utf-8").splitlines()
        table.write_text("\n".join(line for line in lines if f",{dropped}," not in line) + "\n", encoding="utf-8")
    message = refused(mapping, capsys)
    assert f"opportunities.csv: --as-of {AS_OF}: {words}: a win rate (won against lost) cannot be fitted" in message
    assert "conversion_shift" not in message and "lost_delay_days" not in message


def _unvalued(mapping: Path) -> None:
    """Every won row's amount emptied (the amount column mapped to a field the CRM fills on lost deals only)."""
    table = mapping.parent / "opportunities.csv"
    rows = [line.split(",") for line in table.read_text(encoding="utf-8").splitlines()]
    rows = [[*r[:4], "" if r[3] == "Won" else r[4], *r[5:]] for r in rows]
    table.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def test_wins_with_no_value_are_refused_without_a_price_list_and_warned_of_with_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every won amount empty: calibrate wrote the price list's values as 'median won, n = 0' and said nothing."""
    mapping = copy(tmp_path)
    _unvalued(mapping)
    message = refused(mapping, capsys)
    assert "none of the 20 won deals has a value (column 'Amount' is empty or 0 on every one)" in message
    assert "market.deal_value" not in message  # not the $1 deal value of the config it would have written
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,12000\nPro,30000\n", encoding="utf-8")
    mapping.write_text(mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 0
    warning = "none of the 20 won deals closed by 2023-04-28 has a value (none or 0): every product's deal value is"
    assert warning in capsys.readouterr().err
    document = (out / "calibration.md").read_text()
    assert "| deal value, Basic (list price) | 12,000 | no won deal valued: not fitted |" in document
    assert "(median won)" not in document and warning in document


def _rewrite_won_amounts(mapping: Path, write: Callable[[float], str]) -> None:
    """The copied export's won deals' amounts (column 5 of ``opportunities.csv``) written anew by ``write``."""
    table = mapping.parent / "opportunities.csv"
    rows = [line.split(",") for line in table.read_text(encoding="utf-8").splitlines()]
    rows = [[*r[:4], write(float(r[4])) if r[3] == "Won" and r[4] else r[4], *r[5:]] for r in rows]
    table.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def test_won_amounts_in_thousands_are_refused_naming_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CRM report in $k had ended in the generated config's 'market.deal_value = ...: typed in thousands'."""
    mapping = copy(tmp_path)
    _rewrite_won_amounts(mapping, lambda amount: f"{amount / 1000:g}")
    message = refused(mapping, capsys)
    assert "column 'Amount': --as-of 2023-04-28: the 20 won deals with a value average $" in message
    assert "the amounts look to be in thousands" in message and "market.deal_value" not in message


def test_won_amounts_in_cents_are_refused_naming_the_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Wins averaging over $10M a deal are cents or three zeros too many, said in the export's words.

    Once salesim refused a deal value over $10M a deal, such an export ended in 'the calibrated
    config would not run' and a market.deal_value of fitted ratios "each amount / 1,000".
    """
    mapping = copy(tmp_path)
    _rewrite_won_amounts(mapping, lambda amount: f"{amount * 10000:.0f}")
    message = refused(mapping, capsys)
    assert "column 'Amount': --as-of 2023-04-28: the 20 won deals with a value average $" in message
    assert "the amounts look to be in cents or to have three zeros too many" in message
    assert "market.deal_value" not in message and "would not run" not in message


@pytest.mark.parametrize("name", ["Acme Corp", "../../evil", "", "a:b"])
def test_a_mapping_name_that_is_no_safe_folder_name_is_refused_by_calibrate_and_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """``name: Acme Corp`` was written into a folder whose 'Acme Corp_forecast' python -m simulator then refused."""
    from simulator.crm_commands import backtest_main

    mapping = copy(tmp_path)
    mapping.write_text(mapping.read_text().replace("name: shape-a", f"name: {name!r}"))
    message = refused(mapping, capsys)
    assert f"mapping.yaml: name = {name!r}: must be a safe folder name" in message, message
    assert "no /, \\, :, spaces or '..'" in message
    out = tmp_path / "backtest"
    assert backtest_main([str(mapping), "--as-of", AS_OF, "--until", "2023-06-30", "--out", str(out)]) == 2
    assert f"name = {name!r}: must be a safe folder name" in capsys.readouterr().err
    assert not out.exists()


def test_missing_value_words_in_any_mapped_column_are_counted_where_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A price of 'n/a' was read as no price with no word (exit 0, not in Data problems) while 'abc' was refused."""
    mapping = copy(tmp_path)
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,n/a\nPro,5000\n")
    mapping.write_text(mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    opportunities = mapping.parent / "opportunities.csv"
    lines = opportunities.read_text().splitlines()
    lines[5] = lines[5].replace(",ann,", ",NULL,")  # row 5's owner
    lines[3] = lines[3].split(",", 2)[0] + ",-nan," + lines[3].split(",", 2)[2]  # row 3's created date
    opportunities.write_text("\n".join(lines) + "\n")
    out = tmp_path / "company"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out), "--draws", "0"]) == 0
    problems = (out / "calibration.md").read_text()
    for words in (
        "| cells holding a missing-value word ('n/a') in column 'price' of prices.csv | 1 | read as empty (not known), "
        "as an empty cell is; the first: row 1 (line 2 of the file, after its header) |",
        "| cells holding a missing-value word ('NULL') in column 'Owner' of opportunities.csv | 1 |",
        "| cells holding a missing-value word ('-nan') in column 'Created' of opportunities.csv | 1 |",
    ):
        assert words in problems, problems
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,abc\nPro,5000\n")
    assert "'abc'" in refused(mapping, capsys)


def test_a_roster_row_with_an_empty_team_is_counted_not_put_in_a_team_named_reps(tmp_path: Path) -> None:
    """cat's empty team cell put cat in a team 'reps' beside North and South, counted nowhere."""
    mapping = copy(tmp_path)
    roster = mapping.parent / "roster.csv"
    roster.write_text(roster.read_text().replace("cat,South", "cat,"))
    cal = calibrate(mapping, AS_OF)
    problems = {p: (n, done) for p, n, done in cal.export.problems.items}
    assert problems["owners with deals whose team in the roster is empty"] == (1, "put in a team of their own: 'other'")
    assert "reps" not in cal.people.teams
    assert "cat" in cal.people.teams["other"]
    roster.write_text("rep\nann\nbob\ncat\ndan\n")  # no team column at all: one team, as without a roster
    mapping.write_text(mapping.read_text().replace("columns: {owner: rep, team: team}", "columns: {owner: rep}"))
    cal = calibrate(mapping, AS_OF)
    assert not any("team in the roster is empty" in p for p, _, _ in cal.export.problems.items)
    assert list(cal.people.teams) == ["reps"]


@pytest.mark.parametrize("product", ["null", "Empty"])
def test_a_price_list_without_a_product_column_is_refused_naming_the_key(
    tmp_path: Path, product: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was refused as the generated 'market.products = {...}: weights for segment all must add up to more than 0'."""
    mapping = copy(tmp_path)
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,1000\nPro,5000\n")
    if product == "Empty":  # a mapped column with no value on any row
        csv = mapping.parent / "opportunities.csv"
        csv.write_text(csv.read_text().replace("Opportunity ID,", "Empty,Opportunity ID,").replace("\nA", "\n,A"))
    text = mapping.read_text().replace("Product: Product", "").replace("product: Product", f"product: {product}")
    mapping.write_text(text + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    message = refused(mapping, capsys)
    assert "prices.file = 'prices.csv' is given, but opportunities.columns.product is " in message, message
    assert "weights for segment" not in message
    expected = "null (not in the export)" if product == "null" else "'Empty' names none on any row"
    assert expected in message


def test_owners_spelled_unlike_the_roster_only_in_case_are_told_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ANN, BOB, ... against the roster's ann, bob asked 'is the mapping's column the right one?': it was."""
    mapping = copy(tmp_path)
    roster = mapping.parent / "roster.csv"
    roster.write_text(roster.read_text().upper().replace("REP,TEAM", "rep,team"))
    err = refused(mapping, capsys)
    assert "none of its 4 owners (ann, bob, cat, ...) is in the roster" in err, err
    assert "they differ from the roster's only in upper and lower case (ann / ANN)" in err, err
    assert "is the mapping's column the right one?" not in err


def test_a_price_no_deal_sells_is_not_warned_of_and_a_nameless_price_row_is_counted(tmp_path: Path) -> None:
    """A price row with no product warned 'no won deal of  closed by ... has a value'; a price-list product
    no deal sells (the other spelling of one, or one aliased away) was warned of as if deals rested on its price."""
    from simulator.calibration.cautions import value_warning

    mapping = copy(tmp_path)
    (mapping.parent / "prices.csv").write_text("product,price\nBasic,1000\nPro,5000\nPro Max,9000\n,100\n")
    mapping.write_text(mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    cal = calibrate(mapping, AS_OF)
    assert value_warning(cal) is None
    assert "" not in cal.values.product_median
    problems = {p: n for p, n, _ in cal.export.problems.items}
    assert problems["price list rows with no product name"] == 1
    # a product deals do sell, no win of which has a value, is still warned of
    csv = mapping.parent / "opportunities.csv"
    rows = [line.split(",") for line in csv.read_text().splitlines()]
    for row in rows:
        if row[3] == "Won" and row[6] == "Pro":
            row[4], row[6] = "", "Pro Max"
    csv.write_text("\n".join(",".join(row) for row in rows) + "\n")
    warning = value_warning(calibrate(mapping, AS_OF))
    # Pro has open deals and no win: it is told so, not counted among the wins with no value
    assert warning == (
        "no won deal of Pro Max closed by 2023-04-28 has a value (10 of the 20 wins have none or 0); Pro won no deal "
        "by 2023-04-28: their deal values are the price list's, not fitted"
    ), warning


def test_a_product_the_price_list_spells_two_ways_is_counted_or_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Pro' and 'PRO' in one price list: the deals took the last spelling, the other stayed a product no deal sells,
    and at two prices which one priced the deals went unsaid."""
    mapping = copy(tmp_path)
    prices = mapping.parent / "prices.csv"
    prices.write_text("product,price\nBasic,1000\nPro,5000\nPRO,5000\n")
    mapping.write_text(mapping.read_text() + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    cal = calibrate(mapping, AS_OF)
    assert set(cal.export.prices) == {"Basic", "Pro"}
    assert "PRO" not in cal.values.product_median
    problems = {p: (n, done) for p, n, done in cal.export.problems.items}
    assert problems["products listed twice in the price list under two spellings (the same price)"] == (
        1,
        "one kept (PRO read as the first spelling)",
    )
    prices.write_text("product,price\nBasic,1000\nPro,5000\nPRO,5500\n")
    message = refused(mapping, capsys)
    assert "prices.csv, column 'price': product 'Pro' (row 2 (line 3 of the file, after its header), 5000)" in message
    assert "and 'PRO' (row 3 (line 4 of the file, after its header), 5500) are one product spelt two ways" in message


def test_an_owner_spelt_unlike_its_roster_row_only_in_case_is_counted_so(tmp_path: Path) -> None:
    """crm-maven's roster with Agent_01 ... Agent_09 for the deals' agent_01 ... agent_09 calibrated with exit 0:
    9 owners in a team 'other' and 9 roster reps without deals, the case never named (it was only when no owner
    matched at all)."""
    mapping = copy(tmp_path)
    roster = mapping.parent / "roster.csv"
    roster.write_text(roster.read_text().replace("ann,North", "ANN,North"))
    cal = calibrate(mapping, AS_OF)
    problems = {p: (n, action) for p, n, action in cal.export.problems.items}
    assert problems["owners with deals but not in the roster"][0] == 1
    count, action = problems["owners with deals spelt as a roster rep only in another case"]
    assert count == 1 and "ann / ANN" in action, action
