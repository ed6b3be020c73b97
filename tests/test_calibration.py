"""Calibration from a CRM export: the four export shapes (each with a known answer), the data
problems counted, bad exports refused (file, column, row; exit 2; nothing written), the
config folder that runs as it is, bootstrap draws that are reproducible, and the shared
export's measured facts (skipped when the export is not beside the repository)."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.calibration.calibrate import calibrate, scenario_sections
from simulator.calibration.errors import CalibrationError
from simulator.calibration.folder import write_folder
from simulator.config.schema import parse_scenario
from simulator.config.validation import validate_scenario
from simulator.crm_commands import calibrate_main
from simulator.engines.simpy import simulate
from simulator.model.metrics import kpi_row
from simulator.model.scenario import compile_scenario
from simulator.run.backtest import refitted
from tests.crm_copies import SHARED, edited_copy, maven_mapping
from tests.forked_cli import ForkedCommandLine, forked_command_line

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "crm"
AS_OF, UNTIL = "2023-04-28", "2023-06-30"


@pytest.fixture(scope="module")
def command_line() -> Iterator[ForkedCommandLine]:
    """``python -m simulator`` for the commands below refused before they run: each a process of its own, forked
    from one that loaded the app once (:mod:`tests.forked_cli`); a command that runs is a subprocess."""
    with forked_command_line() as server:
        yield server


def refused(server: ForkedCommandLine, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m simulator ARGS`` in ``cwd`` with this process's environment, for a command refused."""
    return server.run(*args, cwd=cwd, env=dict(os.environ), timeout=300)


# shape -> (won, lost, no decision) shares and the win rate of decided deals (tests/fixtures/crm/README.md)
KNOWN = {
    "a_opportunities": (20 / 40, 10 / 40, 10 / 40, 2 / 3, 10),
    "b_history": (6 / 12, 3 / 12, 3 / 12, 2 / 3, 3),
    "c_stage_columns": (6 / 9, 2 / 9, 1 / 9, 3 / 4, 1),
    "d_leads_deals": (5 / 10, 3 / 10, 2 / 10, 5 / 8, 2),
}


def mapping(shape: str) -> Path:
    return FIXTURES / shape / "mapping.yaml"


@pytest.mark.parametrize("shape", sorted(KNOWN))
def test_each_export_shape_gives_its_known_competing_risk_answer(shape: str) -> None:
    cal = calibrate(mapping(shape), AS_OF, UNTIL)
    won, lost, none, rate, still_open = KNOWN[shape]
    out = cal.outcomes
    assert out.won.value == pytest.approx(won, abs=1e-9)
    assert out.lost.value == pytest.approx(lost, abs=1e-9)
    assert out.no_decision.value == pytest.approx(none, abs=1e-9)
    assert out.win_rate.value == pytest.approx(rate, abs=1e-9)
    assert len(cal.open_deals) == still_open
    assert out.won.low <= out.won.value <= out.won.high


@pytest.mark.parametrize("shape", sorted(KNOWN))
def test_each_shape_calibrates_into_a_config_that_runs(shape: str) -> None:
    cal = calibrate(mapping(shape), AS_OF, UNTIL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = parse_scenario(scenario_sections(cal))
        validate_scenario(config)
    scenario = compile_scenario(config)
    assert scenario.initial is not None and scenario.initial.size == KNOWN[shape][4]
    row = kpi_row(simulate(scenario, 3, 0))
    assert row["deals_won"] > 0 and math.isfinite(row["bookings"])


def test_excel_and_parquet_exports_read_like_the_csv(tmp_path: Path) -> None:
    source = FIXTURES / "a_opportunities"
    table = pd.read_csv(source / "opportunities.csv", dtype=str, keep_default_na=False)
    table.to_excel(tmp_path / "opportunities.xlsx", index=False)
    table.to_parquet(tmp_path / "opportunities.parquet")
    shutil.copy(source / "roster.csv", tmp_path / "roster.csv")
    text = (source / "mapping.yaml").read_text()
    expected = calibrate(mapping("a_opportunities"), AS_OF, UNTIL).outcomes
    for suffix in ("xlsx", "parquet"):
        (tmp_path / f"m_{suffix}.yaml").write_text(text.replace("opportunities.csv", f"opportunities.{suffix}"))
        got = calibrate(tmp_path / f"m_{suffix}.yaml", AS_OF, UNTIL).outcomes
        assert (got.won.value, got.lost.value, got.win_rate.value) == (
            expected.won.value,
            expected.lost.value,
            expected.win_rate.value,
        )


def test_data_problems_are_counted_in_calibration_md(tmp_path: Path) -> None:
    out = tmp_path / "company"
    assert calibrate_main([str(mapping("a_opportunities")), "--as-of", AS_OF, "--until", UNTIL, "--out", str(out)]) == 0
    text = (out / "calibration.md").read_text()
    for problem in (
        "| duplicated ids | 1 |",
        "| rows with no created date | 1 |",
        "| negative durations (closed before created) | 1 |",
        "| owners in the roster with no deals | 1 |",
    ):
        assert problem in text
    assert "## Assumptions" in text and "## Not fitted" in text
    # the fitted median in calendar days beside the closed deals' own, named as biased short (a fresh user read
    # "45 working days (18 calendar days among closed)" as a contradiction)
    won_row = next(line for line in text.splitlines() if line.startswith("| won cycle, median |"))
    fitted = float(won_row.split("|")[2].split(" working days")[0])
    assert f"≈{fitted * 7 / 5:.0f} calendar days; the deals of those cohorts already closed, alone: " in won_row
    assert "still open" in won_row and "among closed)" not in won_row
    # its unit said too: "the deals already closed alone: 30" read as 30 working days beside the fitted 26
    assert re.search(r"the deals of those cohorts already closed, alone: \d+ calendar days", won_row), won_row
    # the cohorts named: the maven export's closed deals read 57 days in all, 30 among the cohorts the fit uses
    assert "A901" not in text and "A011" not in text  # nothing of the export's rows is written
    sections = {s: yaml.safe_load((out / s / "calibrated.yaml").read_text()) for s in ("org", "pipeline", "market")}
    reps = {name for team in sections["org"]["teams"].values() for name in team["reps"]}
    assert reps == {"ann", "bob", "cat", "dan"}
    assert sections["pipeline"]["stages"][0]["no_decision"] == pytest.approx(0.25)
    # the inflow's month-to-month swing is fitted, written for the run and shown with its CI
    swing = sections["market"]["sources"]["crm"]["month_cv"]
    assert 0.0 <= swing <= 2.0
    swing_row = next(line for line in text.splitlines() if line.startswith("| month-to-month swing of new opp"))
    assert re.search(r"over \d{4}-\d{2}( to \d{4}-\d{2})?[;( ]", swing_row), swing_row  # the months it rests on


def _set(row: int, column: str, value: str):  # type: ignore[no-untyped-def]
    def edit(table: pd.DataFrame) -> None:
        table.loc[row, column] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            lambda t: t.drop(columns=["Closed"], inplace=True),
            ["opportunities.csv", "opportunities.columns.closed = 'Closed'", "names a column not in the file"],
        ),
        (_set(4, "Created", "31/02/2023x"), ["opportunities.csv", "column 'Created'", "row 5", "not a date"]),
        (
            _set(12, "Status", "Pending"),
            [
                "column 'Status'",
                "row 13",
                "'Pending' (1 row) is not in the mapping",
                "as one of won, lost, no_decision, open (e.g. Pending: open)",
            ],
        ),
        (lambda t: t.__setitem__("Status", "Open"), ["no closed deal at all"]),
        # the mapping's status spelt otherwise than the file's: the close one it never matches is named
        (
            lambda t: t.__setitem__("Status", t["Status"].replace("Open", "Opened")),
            ["'Opened' (", "is not in the mapping's outcomes", "the mapping's 'Open' is in no row: write it 'Opened'"],
        ),
        # a decimal comma scaled the amount 1,000x down ("€1.054,00" read as 1.054)
        (_set(7, "Amount", "€1.054,00"), ["column 'Amount'", "row 8", "'€1.054,00' has a decimal comma"]),
        (_set(7, "Amount", "1054,50"), ["column 'Amount'", "row 8", "decimal comma"]),
        (_set(7, "Amount", "-500"), ["column 'Amount'", "row 8", "'-500' is negative"]),
        (_set(7, "Amount", "inf"), ["column 'Amount'", "row 8", "'inf' is not an amount"]),
        # a point for thousands read 1,000x too small; absurd amounts were accepted and summed as bookings
        (_set(7, "Amount", "1.054"), ["column 'Amount'", "row 8", "'1.054' has three digits after its point"]),
        (_set(7, "Amount", "€12.500.000"), ["row 8", "thousands separator"]),
        (_set(7, "Amount", "1e300"), ["column 'Amount'", "row 8", "'1e300' is 10^15 or more"]),
        (_set(7, "Amount", "1e12"), ["row 8", "'1e12' is 1,000,000 times the column's median amount"]),
        # a close date in 2030 moved the export date there and counted the deal as open
        (_set(7, "Closed", "2030-01-01"), ["column 'Closed'", "row 8", "'2030-01-01' is after today"]),
        # a first date in another format named the next, valid, date as "not a date"; then it blamed row 2's
        # '2023-01-03' ("written in another date format than row 1's") and suggested a date_format that would
        # have broken every other row: the row written unlike the rest is named
        (
            _set(0, "Created", "02/01/2023"),
            [
                "column 'Created', row 1 (line 2 of the file, after its header)",
                "1 date is written in another format than the column's other 41 (such as row 2's '2023-01-03'): "
                "row 1 ('02/01/2023'); write it as the others are (setting opportunities.date_format would not help",
            ],
        ),
        # a status naming a win or a loss is suggested as one, not as open
        (_set(12, "Status", "Closed Won"), ["(e.g. Closed Won: won)"]),
        (_set(12, "Status", "closed_lost"), ["(e.g. closed_lost: lost)"]),
    ],
)
def test_bad_exports_are_refused_naming_file_column_and_row_and_nothing_is_written(
    tmp_path: Path, edit, words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    bad = edited_copy(tmp_path, edit)
    out = tmp_path / "out"
    assert calibrate_main([str(bad), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    for word in words:
        assert word in message
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".calibrating")]


def test_won_amounts_far_from_their_products_median_are_counted(tmp_path: Path) -> None:
    """A deal 500x its product's median was kept without a word, and a back-test counts it in full."""
    bad = edited_copy(tmp_path, _set(10, "Amount", "500000"))  # A010: a Basic deal of about 1,000
    out = tmp_path / "out"
    assert calibrate_main([str(bad), "--as-of", AS_OF, "--out", str(out)]) == 0
    text = (out / "calibration.md").read_text()
    assert "| won deals over 100 times their product's median value or under a 100th of it | 1 |" in text
    (tmp_path / "clean").mkdir()
    clean = edited_copy(tmp_path / "clean", lambda table: None)
    assert calibrate_main([str(clean), "--as-of", AS_OF, "--out", str(tmp_path / "o2")]) == 0
    assert "times their product's median" not in (tmp_path / "o2" / "calibration.md").read_text()


def test_a_latin1_file_is_told_how_to_save_it_and_a_semicolon_or_tab_file_is_read(tmp_path: Path) -> None:
    """A raw 'utf-8 codec can't decode byte 0xe9' said neither what nor how; a ';' file, as Excel saves a CSV where
    the decimal mark is a comma, had been refused ('save it with commas'): it reads as the comma file does."""
    bad = edited_copy(tmp_path, _set(5, "Owner", "jos\u00e9"))
    csv = tmp_path / "opportunities.csv"
    csv.write_bytes(csv.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(
        CalibrationError,
        match=r"row 6 \(line 7 of the file, byte 0xe9\) is not UTF-8 text.*save the file as 'CSV UTF-8'",
    ):
        calibrate(bad, AS_OF)
    text = csv.read_bytes().decode("latin-1")
    csv.write_text(text, encoding="utf-8")
    comma = calibrate(bad, AS_OF)
    for separator in (";", "\t"):
        csv.write_text(text.replace(",", separator), encoding="utf-8")
        read = calibrate(bad, AS_OF)
        assert read.export.frame.equals(comma.export.frame)
        assert read.outcomes.win_rate.value == comma.outcomes.win_rate.value


def test_an_as_of_date_too_soon_after_the_export_starts_is_refused_or_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no whole month before the as-of date, every opportunity was written as one month's arrivals."""
    with pytest.raises(CalibrationError, match=r"--as-of 2023-02-10: no whole calendar month of new opportunities"):
        calibrate(mapping("a_opportunities"), "2023-02-10")
    out = tmp_path / "thin"
    assert calibrate_main([str(mapping("a_opportunities")), "--as-of", "2023-02-28", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: only 1 whole month of new opportunities before 2023-02-28" in err
    assert "warning: only 19 deals decided (won or lost)" in err


def test_a_bad_as_of_date_and_a_missing_mapping_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="--as-of"):
        calibrate(mapping("a_opportunities"), "2023-13-01")
    with pytest.raises(CalibrationError, match="no deal had closed by then"):
        calibrate(mapping("a_opportunities"), "2023-01-20")
    with pytest.raises(CalibrationError, match="mapping file not found"):
        calibrate(tmp_path / "nope.yaml", AS_OF)
    for text in ("", "2023-04", "NaT", "28/04/2023"):  # numpy reads '' as NaT and '2023-04' as the 1st
        with pytest.raises(CalibrationError, match="must be a date written YYYY-MM-DD"):
            calibrate(mapping("a_opportunities"), text)
    with pytest.raises(CalibrationError, match="no opportunity was created in the 6 months before it"):
        calibrate(mapping("a_opportunities"), "2031-01-01")  # no reps or arrivals to fit (a traceback before)


def test_a_misspelt_or_mistyped_mapping_key_is_named_with_what_is_allowed(tmp_path: Path) -> None:
    source = yaml.safe_load(mapping("a_opportunities").read_text())
    table = source["opportunities"]
    table["colums"] = table.pop("columns")
    source["assumptions"] = {"hours_per_day": "eight"}
    for entry in ("opportunities", "roster"):
        if entry in source:
            source[entry]["file"] = str((mapping("a_opportunities").parent / source[entry]["file"]).resolve())
    bad = tmp_path / "mapping.yaml"
    bad.write_text(yaml.safe_dump(source))
    with pytest.raises(CalibrationError) as refused:
        calibrate(bad, AS_OF, UNTIL)
    message = str(refused.value)
    assert "opportunities.colums = {…}: unknown key" in message and "did you mean 'columns'" in message
    assert "opportunities.columns: missing" not in message  # the typo's follow-on, not a problem of its own
    assert "2 problems:\n  - " in message
    assert "assumptions.hours_per_day = 'eight'" in message
    assert "'file':" not in message  # the misspelt key is named, not its whole section dumped
    assert len(message) < 600, message


def test_the_calibrated_folder_runs_as_it_is_and_answers_an_org_question(tmp_path: Path) -> None:
    folder = write_folder(calibrate(mapping("a_opportunities"), AS_OF, UNTIL), tmp_path / "company", runs=2)
    # no draws: the key is there, null, so parameter_draws=FILE sets it without Hydra's +
    assert "parameter_draws" in (primary := yaml.safe_load((folder / "config.yaml").read_text()))
    assert primary["parameter_draws"] is None
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "--config-dir",
            str(folder),
            "experiment=org_question",
            "runner.workers=1",
            "runner.progress=false",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # the one-stage pipeline's note is one salesim line, not a Python warning with its source line
    assert "PipelineShapeWarning" not in result.stderr and "validate_scenario(" not in result.stderr
    assert "try a longer warm-up" not in result.stderr  # it starts from the as-of date's open deals on purpose
    assert "1 stage; 4 to 10 is usual" not in result.stderr  # the export's own stages (pipeline.fitted_from)
    summary = pd.read_csv(tmp_path / "run" / "summary.csv")
    assert set(summary["scenario"]) == {"as_is", "plus_3_North", "pods_by_product"}
    assert (tmp_path / "run" / "report.md").is_file()
    # no quota in the export: none is made up, so no attainment figure is flagged against published ranges
    assert "quota attainment" not in result.stdout and "reps at quota" not in result.stdout
    assert "- Pay: not in the export" in (folder / "calibration.md").read_text()
    # no first touch in the export, and the reps' queues follow from the assumed effort: no "0.7 hours" headline
    assert "Mean time to first touch" not in result.stdout and "Lost: leaked" not in result.stdout
    assert "Time to first touch and leads lost untouched are left out" in result.stdout
    report = (tmp_path / "run" / "report.md").read_text()
    assert "Time to first touch and leads lost untouched are left out" in report
    assert "first_touch_hours_mean" in set(summary["kpi"])  # kept in the tables
    # the org question's answer follows from the assumed effort: said beside it (a fresh user read "keep as_is")
    said = "This answer rests on the effort per deal salesim calibrate assumed"
    assert said in result.stdout.replace("\n", " ") and said in report.replace("\n", " ")


def test_a_product_pod_reads_in_words() -> None:
    """crm-maven's pods had read "the pod gtxbasic gtxpluspro more team" in the report."""
    from simulator.analysis.wording import team_label
    from simulator.calibration.folder import pod_name, pods_by_product

    assert team_label(pod_name(["MG Special", "GTX Plus Basic"])) == "mg special and gtx plus basic pod"
    assert team_label(pod_name(["GTX Basic", "GTX Plus Pro", "GTK 500"])) == "gtx basic and 2 more pod"
    assert team_label(pod_name(["GTX Pro"])) == "gtx pro pod"
    template = {"role": "full_cycle", "headcount": 2, "reps": {"a": 0.5, "b": 0.5}}
    sections = {
        "org": {"teams": {"one": template, "two": {**template, "reps": {"c": 0.5, "d": 0.5}}}},
        "market": {"products": {"GTX Pro": {"weight": 0.5}, "GTX-Pro": {"weight": 0.5}}},  # alike in words
    }
    teams = pods_by_product(sections)["teams"]
    assert len(teams) == 2 and sum(team["headcount"] for team in teams.values()) == 4, teams


def test_a_group_the_calibrated_folder_does_not_choose_is_named_with_the_plus(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    """plan=default on a calibrated folder read "command line = null: could not be composed: Could not override"."""
    folder = write_folder(calibrate(mapping("a_opportunities"), AS_OF, UNTIL), tmp_path / "company", runs=2)
    done = refused(
        command_line, "--config-dir", str(folder), "plan=default", f"hydra.run.dir={tmp_path}/r", cwd=tmp_path
    )
    assert done.returncode == 2 and not (tmp_path / "r").exists()
    assert "plan = 'default': this config folder's config.yaml chooses no plan" in done.stderr, done.stderr
    assert "add one with +plan=default" in done.stderr and "command line = null" not in done.stderr
    # a key of the plan the folder leaves out: the + that adds it is named (the README's plan.bookings=... had
    # been told only that no scenario has the key)
    done = refused(command_line, "--config-dir", str(folder), "plan.bookings=3500000", "--describe", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "it is a setting of a plan section this config leaves out (default null): add it with a leading +, " in (
        done.stderr
    )
    assert "+plan.bookings=3500000" in done.stderr


def test_bootstrap_draws_are_reproducible_and_differ_between_replications() -> None:
    cal = calibrate(mapping("a_opportunities"), AS_OF, UNTIL)
    one, again, other = refitted(cal, 5, 0), refitted(cal, 5, 0), refitted(cal, 5, 1)
    assert scenario_sections(one) == scenario_sections(again)
    assert scenario_sections(one) != scenario_sections(other)
    assert one.open_deals is cal.open_deals  # the run starts from the real open pipeline


@pytest.mark.skipif(SHARED is None, reason="the shared CRM export is not beside the repository")
def test_an_as_of_too_early_in_the_shared_export_names_the_earliest_that_works(tmp_path: Path) -> None:
    """--as-of 2017-03-01 (the day closes begin) had said only "no deal won by then among 37 opportunities"."""
    assert SHARED is not None
    local = maven_mapping(tmp_path)
    expected = {
        "2016-09-30": "the first was created on 2016-10-20 and the first deal closed on 2017-03-01",
        "2016-11-30": "no deal had closed by then (the first closed on 2017-03-01",
        "2017-03-01": "no deal created from 2017-03-01 on, when the export's closes begin",
    }
    for as_of, words in expected.items():
        with pytest.raises(CalibrationError) as refused:
            calibrate(local, as_of)
        assert words in str(refused.value) and "the end of 2017-03 at the earliest" in str(refused.value)
    calibrate(local, "2017-03-31")  # the earliest it names works


@pytest.mark.skipif(SHARED is None, reason="the shared CRM export is not beside the repository")
def test_the_shared_export_calibrates_with_its_measured_facts(tmp_path: Path) -> None:
    assert SHARED is not None
    local = maven_mapping(tmp_path)
    cal = calibrate(local, "2017-09-30", "2017-12-31")
    problems = {p: n for p, n, _ in cal.export.problems.items}
    assert problems["rows with no created date"] == 500  # the Prospecting rows
    assert problems["product names spelled unlike the price list"] == 1400  # GTXPro
    assert problems["owners in the roster with no deals"] == 5  # 30 of 35 agents have deals
    assert str(cal.export.close_start) == "2017-03-01"  # no deal closes before 1 March 2017
    assert len(cal.open_deals) == 2409  # open on 30 September (the figure)
    assert sum(len(t) for t in cal.people.teams.values()) == 30
    assert set(cal.people.teams) == {"Central", "East", "West"}
    assert 0.60 < cal.outcomes.win_rate.value < 0.70  # 63.2% of closed deals over the whole export
    gtx_pro = cal.values.product_median["GTX Pro"]
    assert abs(gtx_pro.value / 4821 - 1) < 0.1  # won value is the list price +- about 10%
    folder = write_folder(cal, tmp_path / "maven")
    assert (folder / "calibration.md").is_file()


@pytest.mark.parametrize("shape", ["a_opportunities", "b_history"])
def test_the_terminal_counts_the_data_problems_the_table_lists(
    shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """crm-maven's terminal said "4 kinds of data problem counted" beside a table of 5 rows in calibration.md: the
    months left out of the arrivals (and months after the last creation, owners with no recent deal) were not counted.
    """
    out = tmp_path / "out"
    assert calibrate_main([str(mapping(shape)), "--as-of", AS_OF, "--out", str(out), "--draws", "0"]) == 0
    said = re.search(
        r"; (\d+) kinds? of data problem counted \(calibration.md: Data problems\)", capsys.readouterr().out
    )
    assert said is not None
    table = (out / "calibration.md").read_text().split("## Data problems")[1].split("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| problem |")]
    assert int(said.group(1)) == len(rows) > 1 and not any(line.startswith("| none found") for line in rows)


def test_iso_dates_with_and_without_a_time_are_one_format() -> None:
    """An export whose first row carries a time (2016-10-20 10:30) refused every later date-only row."""
    from simulator.calibration.readers import parse_dates

    dates = parse_dates(pd.Series(["2016-10-20 10:30", "2016-10-25", ""]), Path("deals.csv"), "created")
    assert [str(d) for d in dates[:2]] == ["2016-10-20", "2016-10-25"] and np.isnat(dates[2])


def test_assumptions_a_run_would_refuse_are_refused_by_calibrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """selling_fraction: 1.5 calibrated with exit 0 and wrote a folder that every run then refused."""
    from simulator.calibration import folder

    mapping = edited_copy(tmp_path, lambda t: None)
    original = mapping.read_text()
    mapping.write_text(original + "assumptions:\n  selling_fraction: 1.5\n  hours_per_day: 0\n")
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "assumptions.selling_fraction = 1.5" in message and "assumptions.hours_per_day = 0" in message
    assert not out.exists()
    # whatever else would make the written config unrunnable is caught before anything is written
    mapping.write_text(original)
    fitted = folder.scenario_sections

    def unrunnable(cal):  # type: ignore[no-untyped-def]
        sections = fitted(cal)
        next(iter(sections["org"]["teams"].values()))["selling_fraction"] = 1.5
        return sections

    monkeypatch.setattr(folder, "scenario_sections", unrunnable)
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    assert "the calibrated config would not run" in capsys.readouterr().err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".calibrating")]


def test_dates_with_a_time_zone_are_read_as_the_day_written() -> None:
    """2017-03-01T10:30:00Z crashed calibrate with a TypeError traceback."""
    from simulator.calibration.readers import parse_dates

    written = ["2017-03-01T10:30:00Z", "2017-03-02", "2017-03-03 23:30:00.5+02:00", "2017-03-04 10:30-0500"]
    dates = parse_dates(pd.Series(written), Path("deals.csv"), "created")
    assert [str(d) for d in dates] == ["2017-03-01", "2017-03-02", "2017-03-03", "2017-03-04"]
    dashed = parse_dates(pd.Series(["03-01-2017", "03-02-2017"]), Path("deals.csv"), "created")
    assert [str(d) for d in dashed] == ["2017-03-01", "2017-03-02"]  # "-2017" is no time zone


@pytest.mark.parametrize("holidays", ['["2023-02-30"]', "[xmas]", "[2023-02-30]"])
def test_a_holiday_that_is_not_a_date_is_refused(
    tmp_path: Path, holidays: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """assumptions.holidays: [xmas] crashed calibrate with a numpy traceback."""
    mapping = edited_copy(tmp_path, lambda t: None)
    mapping.write_text(mapping.read_text() + f"assumptions:\n  holidays: {holidays}\n")
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "mapping.yaml" in message and ("assumptions.holidays.0" in message or "not valid YAML" in message)
    assert not out.exists()


def test_a_shipped_experiment_on_a_calibrated_folder_is_told_its_org_replaced_the_fitted_one(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    """plan_check on a calibrated folder: role problems per team that never said its org= replaced the fitted org."""
    folder = write_folder(calibrate(mapping("a_opportunities"), AS_OF, UNTIL), tmp_path / "company", runs=2)
    out = tmp_path / "run"
    command = ["--config-dir", str(folder), "experiment=plan_check"]
    result = refused(command_line, *command, f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2 and not out.exists()
    assert "This pipeline was fitted from" in result.stderr
    assert "replaced the calibrated org. Run the calibrated folder's own experiments" in result.stderr


def test_thin_last_months_are_warned_of_with_the_quarters_just_booked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fixture export whose last two months carry a tenth of the level: calibrate says so, naming the quarters."""
    from dataclasses import replace

    from simulator.calibration.estimates import Estimate
    from simulator.calibration.run_rate import recent_quarters, thinning_warning

    cal = calibrate(mapping("a_opportunities"), AS_OF, UNTIL)
    assert thinning_warning(cal) is None
    usual = {"2022-11": 100, "2022-12": 104, "2023-01": 100, "2023-02": 110}
    cal.arrivals = replace(cal.arrivals, history={**usual, "2023-03": 9, "2023-04": 11}, level=Estimate(100, 9, 110, 6))
    warning = thinning_warning(cal)
    assert warning is not None
    assert "last months record few new opportunities (9 in 2023-03 and 11 in 2023-04), 90% below the 102 a month" in (
        warning
    )
    assert "the run draws 100 a month" in warning
    # one thin month is enough; and months that drag the level the run draws down with them are still thin
    cal.arrivals = replace(cal.arrivals, history={**usual, "2023-03": 105, "2023-04": 30})
    assert "last month records few new opportunities (30 in 2023-04), 71% below the 104 a month" in str(
        thinning_warning(cal)
    )
    before = {f"2022-{m:02d}": 800 for m in range(7, 13)}
    dragged = {**before, **{f"2023-{m:02d}": 80 for m in range(1, 5)}}  # the level, a median of six, falls to 80
    cal.arrivals = replace(cal.arrivals, history=dragged, level=Estimate(80, 80, 800, 6))
    assert "(80 in 2023-03 and 80 in 2023-04), 90% below the 800 a month" in str(thinning_warning(cal))
    assert "the run draws 80 a month" in str(thinning_warning(cal))
    cal.arrivals = replace(cal.arrivals, history={**usual, "2023-03": 60, "2023-04": 70})
    assert thinning_warning(cal) is None  # 65 a month against 102: thinner, not under half
    cal.arrivals = replace(cal.arrivals, history={**usual, "2023-03": 0, "2023-04": 95})
    assert thinning_warning(cal) is None  # a gap, then a usual month: not an export thinning out at its end
    small = {"2022-11": 4, "2022-12": 6, "2023-01": 5, "2023-02": 4, "2023-03": 5, "2023-04": 1}
    cal.arrivals = replace(cal.arrivals, history=small, level=Estimate(4.5, 1, 6, 6))
    assert thinning_warning(cal) is None  # 1 where 4.5 is usual: 6% of months by chance alone
    outage = {**{f"2022-{m:02d}": 800 for m in range(1, 7)}, **{f"2022-{m:02d}": 0 for m in range(7, 11)}}
    cal.arrivals = replace(
        cal.arrivals, history={**outage, "2022-11": 100, "2022-12": 100}, level=Estimate(0, 0, 100, 6)
    )
    assert "the run draws no new opportunities" in str(thinning_warning(cal))  # the months before: a median of 0
    closed = cal.export.frame["closed"].to_numpy(dtype="datetime64[D]")
    first_close = closed[~np.isnat(closed)].min()  # a quarter before it would read "$0 from 0 wins"
    for period, bookings, won in recent_quarters(cal):
        assert period.kind == "quarter" and first_close <= period.first and period.last <= np.datetime64(AS_OF)
        assert won >= 0 and bookings >= 0
        assert f"{period.label} ${bookings:,.0f} from {won:,.0f} wins" in warning


@pytest.mark.skipif(SHARED is None, reason="the shared CRM export is not beside the repository")
def test_the_shared_export_as_of_its_last_day_warns_that_its_last_months_thin_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As of 2017-12-31 the forecast of 2018-Q1 was $1.73M against ~$3M booked a quarter, with no word of why."""
    assert SHARED is not None
    local = tmp_path / "mapping.yaml"
    local.write_text(
        (ROOT / "examples" / "crm-maven" / "mapping.yaml")
        .read_text()
        .replace("../../../shared/data/crm-maven", str(SHARED))
    )
    out = tmp_path / "dec"
    assert calibrate_main([str(local), "--as-of", "2017-12-31", "--draws", "0", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "(283 in 2017-11 and 121 in 2017-12), 74% below the 786 a month of the months before" in err
    # the quarters the crm-maven README lists: Q3 and Q4 bookings and wins
    assert "2017-Q3 $2,982,255 from 1,257 wins, 2017-Q4 $2,802,496 from 1,196 wins" in err
    text = (out / "calibration.md").read_text()
    assert (
        "**The export's last quarters** (what a forecast is read against): 2017-Q2 $3,086,111 from 1,254 wins" in text
    )
    assert "**Warning**: the export's last months record few new opportunities" in text
    assert calibrate_main([str(local), "--as-of", "2017-09-30", "--draws", "0", "--out", str(tmp_path / "sep")]) == 0
    assert "record few new opportunities" not in capsys.readouterr().err


def test_a_calibrated_folder_is_what_the_commands_and_the_python_api_study(tmp_path: Path) -> None:
    """sensitivity with hydra.searchpath=[file://calibrated] had studied the shipped company, with no word."""
    import simulator
    from simulator.config.errors import ConfigError

    folder = write_folder(calibrate(mapping("a_opportunities"), AS_OF, UNTIL), tmp_path / "company", runs=2)
    shipped = simulator.load_experiment()
    company = simulator.load_experiment(None, [], config_folder=folder)
    assert [s.name for s in company.scenarios] != [s.name for s in shipped.scenarios]
    assert set(company.scenarios[0].config.org.teams) == {"North", "South"}
    with pytest.raises(ConfigError, match=r"has its own config.yaml .*give it as --config-dir"):
        simulator.load_experiment(None, [f"hydra.searchpath=[file://{folder}]"])
    # a company without quotas: a plan typed in thousands is read against its deals (it had been hit in every run)
    with pytest.raises(ConfigError, match=r"plan.bookings = .*: is \$12k a year, [0-9.]+ deals at the market's mean"):
        simulator.load_experiment(None, ["+plan.bookings=[3000,3100,3000,2900]"], config_folder=folder).validate()
    # optimise on a team of named reps: a lower bound under their number is refused before any run (24 had run)
    from simulator.analysis.team_mix import TeamMixProblem

    named = len(company.scenarios[0].config.org.teams["North"].reps)
    problem = TeamMixProblem(company, company.baseline, "bookings", {"North": (named - 1, named + 1)}, None)
    with pytest.raises(ConfigError, match=rf"North names {named} reps .*try --team North={named}:{named + 1}"):
        problem.check()
    out = tmp_path / "sens"
    command = [sys.executable, "-m", "simulator", "sensitivity", "--config-dir", str(folder), "--params"]
    done = subprocess.run(
        [*command, "org.teams.North.headcount", "--global", "none", "--runs", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "org.teams.North.headcount" in (out / "sensitivity.csv").read_text()


def test_warmup_on_a_company_that_starts_from_its_open_pipeline_is_refused(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    """warmup on a calibrated folder advised a warm-up, where its runs start from the deals open at the as-of date."""
    folder = write_folder(calibrate(mapping("a_opportunities"), AS_OF, UNTIL), tmp_path / "company", runs=2)
    command = ["warmup", "--config-dir", str(folder), "--runs", "2"]
    done = refused(command_line, *command, "--out", str(tmp_path / "w"), cwd=tmp_path)
    assert done.returncode == 2 and not (tmp_path / "w").exists(), done.stderr
    assert "starts from its real open pipeline on day 0, not from an empty company: a warm-up does not apply" in (
        done.stderr
    )


def test_the_assumed_effort_caveat_says_little_work_only_of_light_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside central_2 98% busy and clearly losing plan probability, it read 'more reps find little work to gain'."""
    from reporting_fixtures import make_result

    from simulator.analysis import assumed

    monkeypatch.setattr(assumed, "_assumed_everywhere", lambda result: "the export")
    result = make_result(runs=10)

    def words(loads: list[float]) -> str:
        summary = pd.DataFrame({"scenario": "s", "kpi": "utilisation_agents", "mean": loads})
        return assumed.assumed_answer_words(result, summary)

    assert "so more reps or another structure find little work to gain from" in words([0.15, 0.25])
    busy = words([0.15, 0.98])
    assert "busy 15% to 98%" in busy and "little work to gain" not in busy
    assert "how busy each team is follows from that assumption" in busy


@pytest.mark.parametrize(("n", "covers"), [(1, 0.0), (2, 0.5), (3, 0.75), (4, 0.875), (5, 0.9375)])
def test_a_median_of_fewer_than_6_values_says_what_its_range_covers(n: int, covers: float) -> None:
    """'792 (722–874), n = 4' stood under '95% CI' while the range of 4 months covers the median 87.5% of the time."""
    from simulator.calibration.estimates import median_of, order_coverage

    estimate = median_of(np.arange(1.0, n + 1.0))
    assert estimate.coverage == pytest.approx(covers)
    text = estimate.text(4)
    if n == 1:
        assert text == "1 (no CI: one value), n = 1"  # it read '1 (1–1), n = 1'
    else:
        assert f"lowest to highest, which covers the median {100 * covers:.4g}% of the time" in text
        assert f"{n} values give no 95% CI" in text
    # from 6 values on, the interval covers 95% or more (the normal approximation's gave 94.75% at 21)
    for size in range(6, 120):
        wide = median_of(np.arange(float(size)))
        assert not wide.short and "lowest to highest" not in wide.text()
        lo, hi = int(np.searchsorted(np.arange(size), wide.low)), int(np.searchsorted(np.arange(size), wide.high))
        assert order_coverage(size, lo, hi) >= 0.95


def test_calibration_md_gives_no_95_percent_ci_for_a_few_months_or_one_win(tmp_path: Path) -> None:
    """At 2 months the level read '(at 2 months the median's distribution-free 95% CI runs from their lowest month
    to their highest)', and a product with one win '950 (950–950), n = 1 | order-statistic CI'."""
    one_win = edited_copy(tmp_path, _set(10, "Product", "Solo"))  # A010, won at 950
    for recent, as_of, words in (
        (6, AS_OF, "the range given is their lowest to highest month"),
        (1, "2023-03-31", "one month gives no CI"),
    ):
        text = one_win.read_text()
        one_win.write_text(text.split("assumptions")[0] + f"assumptions: {{recent_months: {recent}}}\n")
        out = tmp_path / f"out{recent}"
        assert (
            calibrate_main([str(one_win), "--as-of", as_of, "--until", UNTIL, "--out", str(out), "--draws", "0"]) == 0
        )
        md = (out / "calibration.md").read_text()
        level = next(line for line in md.splitlines() if line.startswith("| new opportunities a month (level)"))
        assert words in level and "95% CI runs" not in level, level
        if recent == 6:
            assert "which covers the median 50% of the time; 2 values give no 95% CI), n = 2" in level, level
        else:
            assert "(no CI: one value), n = 1" in level, level
        assert "| deal value, Solo (median won) | 950 (no CI: one value), n = 1 | one won deal: no CI |" in md


def test_a_parquet_or_excel_files_bad_cell_is_named_by_its_row_not_a_line(tmp_path: Path) -> None:
    """A Parquet file's bad date cited 'row 5 (line 6 of the file, after its header)': it has no lines."""
    source = FIXTURES / "a_opportunities"
    table = pd.read_csv(source / "opportunities.csv", dtype=str, keep_default_na=False)
    table.loc[4, "Created"] = "31/02/2023x"
    table.to_parquet(tmp_path / "opportunities.parquet")
    table.to_excel(tmp_path / "opportunities.xlsx", index=False)
    shutil.copy(source / "roster.csv", tmp_path / "roster.csv")
    text = (source / "mapping.yaml").read_text()
    pd.DataFrame({"product": ["Basic", "Basic"], "price": ["1000", "1200"]}).to_parquet(tmp_path / "prices.parquet")
    prices = "prices: {file: prices.parquet, columns: {product: product, price: price}}\n"
    for suffix, words in (("parquet", "row 5: "), ("xlsx", "row 5 (sheet row 6, after its header): ")):
        (tmp_path / f"m_{suffix}.yaml").write_text(text.replace("opportunities.csv", f"opportunities.{suffix}"))
        with pytest.raises(CalibrationError) as refused:
            calibrate(tmp_path / f"m_{suffix}.yaml", AS_OF, UNTIL)
        assert words in str(refused.value) and "line" not in str(refused.value), str(refused.value)
    shutil.copy(source / "opportunities.csv", tmp_path / "opportunities.csv")
    (tmp_path / "m_prices.yaml").write_text(text + prices)
    with pytest.raises(CalibrationError) as refused:
        calibrate(tmp_path / "m_prices.yaml", AS_OF, UNTIL)
    assert "listed twice with different values: row 1 '1000.0', row 2 '1200.0'" in str(refused.value)


def test_dates_written_unlike_most_of_their_column_are_named_wherever_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With row 1 the odd one, the message blamed the next row, written as the other 42 are."""

    def edit(table: pd.DataFrame) -> None:
        for row, value in ((0, "01/02/2023"), (5, "01/07/2023"), (20, "02/01/2023")):
            table.loc[row, "Created"] = value

    bad = edited_copy(tmp_path, edit)
    assert calibrate_main([str(bad), "--as-of", AS_OF, "--out", str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    assert "column 'Created', row 1 (line 2 of the file, after its header): 3 dates are written in another" in message
    assert "than the column's other 39 (such as row 2's '2023-01-03'): rows 1 ('01/02/2023'), 6 ('01/07/2023'), " in (
        message
    )
    assert "21 ('02/01/2023'); write them as the others are" in message and "row 2 (" not in message
