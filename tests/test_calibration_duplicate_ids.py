"""An id on two rows: the same deal listed twice is counted and kept once; two different deals are refused.

First-row-wins had kept one of two rows that disagree (the fixture's A011 won $5,000 by bob
beside A011 won $1,000 by ann, the second's value and owner gone, counted only in
calibration.md); an export of one row per product line repeats the opportunity's id with
each line's amount, and keeping the first line understated the deal's bookings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.calibration.mapping import load_mapping
from simulator.calibration.shapes import load_export
from simulator.crm_commands import calibrate_main
from tests.test_calibration_inputs import AS_OF, FIXTURE, copy


def set_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("second", "column", "values"),
    [
        ("A011,2023-02-02,2023-02-08,Won,1000,bob,Pro", "Amount", ("'5000'", "'1000'")),  # a product line's amount
        ("A011,2023-02-02,2023-02-09,Won,5000,bob,Pro", "Closed", ("'2023-02-08'", "'2023-02-09'")),
        ("A011,2023-02-02,2023-02-08,Won,5000,ann,Pro", "Owner", ("'bob'", "'ann'")),
        ("A011,2023-02-02,2023-02-08,Lost,5000,bob,Pro", "Status", ("'Won'", "'Lost'")),
    ],
)
def test_an_id_on_two_rows_that_disagree_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], second: str, column: str, values: tuple[str, str]
) -> None:
    mapping = copy(tmp_path)
    set_line(mapping.parent / "opportunities.csv", 42, second)  # row 41 repeats row 12's id A011
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "opportunities.csv" in err and f"column '{column}'" in err, err
    assert "id 'A011'" in err and "row 12 (line 13 of the file" in err and "row 41 (line 42 of the file" in err
    assert f"{values[0]}, row 41" in err and values[1] in err
    assert "each id is allowed once" in err and "one row per product line" in err
    assert "Traceback" not in err


def test_the_same_deal_listed_twice_is_counted_and_kept_once(tmp_path: Path) -> None:
    mapping = copy(tmp_path)  # the fixture's row 41 is row 12 again, cell for cell
    export = load_export(load_mapping(mapping))
    found = {problem: (n, action) for problem, n, action in export.problems.items}
    assert found["duplicated ids"] == (1, "rows equal in every mapped column: one kept")
    assert (export.frame["id"] == "A011").sum() == 1


def shape_d(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "d"
    shutil.copytree(FIXTURE.parent / "d_leads_deals", folder)
    deals = folder / "deals.csv"
    deals.write_text(deals.read_text(encoding="utf-8") + extra + "\n", encoding="utf-8")
    return folder / "mapping.yaml"


def test_a_lead_with_two_won_deals_that_disagree_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """D05 won twice, for 3050 and 1000: the first had been kept and the 1000 dropped, counted only."""
    mapping = shape_d(tmp_path, "D05,2023-03-03,1000")
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "deals.csv, column 'amount'" in err and "lead 'D05' has two won deals that disagree on the amount" in err
    assert "row 1 (line 2 of the file, after its header) '3050.0', row 6 (line 7 of the file" in err, err
    assert "'1000.0'" in err and "each lead id is allowed once in the won-deals table" in err


def test_a_won_deal_listed_twice_the_same_is_counted_and_kept_once(tmp_path: Path) -> None:
    export = load_export(load_mapping(shape_d(tmp_path, "D05,2023-03-03,3050")))
    found = {problem: n for problem, n, _ in export.problems.items}
    assert found["won deals listed twice for one lead (the same date and amount)"] == 1
    assert float(export.frame.loc[export.frame["id"] == "D05", "amount"].iloc[0]) == 3050.0
