"""The export's last date is the last its deals record: not an open deal's expected close, nor one stray cell.

It had been the latest date read, open rows' close dates included (a CRM's expected close
date, which calibrate otherwise ignores and counts), so an export whose open deals expect to
close months later seemed to run to then; and one close typed a year late moved the end by a
year. Either way the back-test scored the months past the real end as months that created and
won nothing (the shared export with one close typed 2019-05-01: 2018-Q1 read 0 won deals and
$0 bookings, outside every band).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from simulator.calibration.actuals import Period, actual_figures
from simulator.calibration.mapping import load_mapping
from simulator.calibration.shapes import load_export
from simulator.crm_commands import calibrate_main
from tests.test_calibration_inputs import AS_OF, FIXTURE, copy


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *(change(line) for line in lines[1:])]) + "\n", encoding="utf-8")


def test_open_deals_expected_close_dates_do_not_move_the_exports_end(tmp_path: Path) -> None:
    clean = load_export(load_mapping(FIXTURE / "mapping.yaml"))
    mapping = copy(tmp_path)
    # every open deal carries an expected close date five months past the export's last date
    edit(mapping.parent / "opportunities.csv", lambda line: line.replace(",,Open,", ",2023-09-29,Open,"))
    export = load_export(load_mapping(mapping))
    found = {problem: n for problem, n, _ in export.problems.items}
    assert found["open rows with a close date"] == 11  # the ten open deals and the undated A901
    assert export.export_date == clean.export_date < np.datetime64("2023-06-01")
    # a back-test period past the export's real end has no actual, rather than zero wins
    summer = Period("2023-Q3", np.datetime64("2023-07-01"), np.datetime64("2023-09-29"), "quarter")
    figures = actual_figures(export, [summer], [])
    assert math.isnan(figures[("2023-Q3", "won_deals")]) and math.isnan(figures[("2023-Q3", "new_opportunities")])


def test_a_close_typed_a_year_late_is_refused_naming_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = copy(tmp_path)
    edit(
        mapping.parent / "opportunities.csv",
        lambda line: line.replace("A012,2023-02-03,2023-02-10", "A012,2023-02-03,2024-02-10"),
    )
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "opportunities.csv, column 'Closed', row 13 (line 14 of the file" in err, err
    assert "'2024-02-10' is " in err and "days after every other date of the export, which end on 2023-" in err
    assert "more than 92 days" in err and "Correct the cell, or blank it" in err and "Traceback" not in err


def test_a_sparse_exports_long_last_pause_is_no_typing_error(tmp_path: Path) -> None:
    """Deals a month or more apart: a last close four months after the others is the export's, not a typo."""
    folder = tmp_path / "sparse"
    folder.mkdir()
    rows = ["id,created,closed,status,amount,owner"]
    for i in range(12):  # a deal created every 40 days, each closed 20 days later, alternately won and lost
        created = np.datetime64("2021-01-04") + np.timedelta64(40 * i, "D")
        rows.append(f"S{i:02d},{created},{created + np.timedelta64(20, 'D')},{'Won' if i % 2 else 'Lost'},1000,ann")
    rows.append("S99,2022-05-02,2022-10-03,Won,1000,ann")  # 138 days after the previous date
    (folder / "opportunities.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "mapping.yaml").write_text(
        "name: sparse\nopportunities:\n  file: opportunities.csv\n"
        "  columns: {id: id, created: created, closed: closed, outcome: status, amount: amount, owner: owner}\n"
        "  outcomes: {Won: won, Lost: lost, Open: open}\n",
        encoding="utf-8",
    )
    export = load_export(load_mapping(folder / "mapping.yaml"))
    assert export.export_date == np.datetime64("2022-10-03")
