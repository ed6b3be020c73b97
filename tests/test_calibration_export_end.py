"""Months after an export ends are unknown, not months with no new opportunities: they are left
out of the arrival series with a warning (or refused when nothing is left), and follow-up,
the quarter-end pull and the recent months stop where the export's records do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.calibration.calibrate import calibrate, scenario_sections
from simulator.calibration.errors import CalibrationError
from simulator.crm_commands import calibrate_main
from tests.crm_copies import SHARED, SYNTHETIC_MAPPING, maven_mapping

ROOT = Path(__file__).resolve().parents[1]


def export(folder: Path, first: str, last_created: str, last_closed: str, per_day: float = 3.3) -> Path:
    """About ``per_day`` opportunities a calendar day from ``first`` to ``last_created``; each decided
    10 to 90 days later (won 60%) unless that falls after ``last_closed`` (then open); seed 7."""
    rng = np.random.default_rng(7)
    days = pd.date_range(first, last_created, freq="D")
    created = np.repeat(days.to_numpy(dtype="datetime64[D]"), rng.poisson(per_day, days.size))
    closed = created + rng.integers(10, 90, created.size).astype("timedelta64[D]")
    decided = closed <= np.datetime64(last_closed)
    won = rng.random(created.size) < 0.6
    table = pd.DataFrame(
        {
            "id": [f"D{i:05d}" for i in range(created.size)],
            "created": created.astype(str),
            "closed": np.where(decided, closed.astype(str), ""),
            "status": np.where(decided, np.where(won, "Won", "Lost"), "Open"),
            "amount": np.where(decided & won, "1000", ""),
            "owner": rng.choice(["ann", "bob", "cat"], created.size),
        }
    )
    table.to_csv(folder / "opportunities.csv", index=False)
    (folder / "mapping.yaml").write_text(SYNTHETIC_MAPPING)
    return folder / "mapping.yaml"


def test_months_after_the_export_ends_are_left_out_not_counted_as_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An as-of date 3 months past the export read them as months with 0 new opportunities (level 50 for 100)."""
    mapping = export(tmp_path, "2022-01-01", "2022-12-31", "2022-12-31")
    at_end = calibrate(mapping, "2022-12-31", "2023-06-30")
    later = calibrate(mapping, "2023-03-31", "2023-06-30")
    assert list(later.arrivals.history)[-1] == "2022-12"
    assert later.arrivals.after_export == ["2023-01", "2023-02", "2023-03"]
    assert 90 < later.arrivals.level.value < 110 and later.arrivals.level.value == at_end.arrivals.level.value
    assert list(later.arrivals.forecast) == ["2023-04", "2023-05", "2023-06"]
    assert min(later.arrivals.forecast.values()) > 80
    # follow-up ends where the export's records do: a deal open on 31 December is not known to
    # stall through March, nor January to win nothing after December's quarter end
    first, second = scenario_sections(at_end), scenario_sections(later)
    assert first["pipeline"] == second["pipeline"] and first["org"]["teams"] == second["org"]["teams"]
    assert later.quarter_end == at_end.quarter_end
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", "2023-03-31", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert (
        "warning: the export's last opportunity was created on 2022-12-31 and its last date is 2022-12-31: "
        "2023-01, 2023-02 and 2023-03 (to the as-of date 2023-03-31) are not in it, so left out of the arrival "
        "series, not counted as months with no new opportunities; the level is the median of 2022-07 to 2022-12"
    ) in err
    text = (out / "calibration.md").read_text()
    assert "| months after the export's last created date (2022-12-31), to the as-of date | 3 months |" in text
    assert "2023-01: 0" not in text


def test_a_truncated_export_whose_closes_run_on_leaves_out_the_months_without_creations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Creations stop 28 June, closes run to 30 September: July to September read as three zero months."""
    mapping = export(tmp_path, "2022-01-01", "2022-06-28", "2022-09-30")
    cal = calibrate(mapping, "2022-09-30")
    assert list(cal.arrivals.history) == ["2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"]
    assert cal.arrivals.after_export == ["2022-07", "2022-08", "2022-09"]
    assert 90 < cal.arrivals.level.value < 110
    # the reps' shares count the six months to the last creation, not the three empty ones since
    assert cal.people.inactive == [] and sum(len(t) for t in cal.people.teams.values()) == 3
    assert calibrate_main([str(mapping), "--as-of", "2022-09-30", "--out", str(tmp_path / "o")]) == 0
    assert "2022-07, 2022-08 and 2022-09 (to the as-of date 2022-09-30) are not in it" in capsys.readouterr().err


def test_an_as_of_date_leaving_no_covered_month_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export of 10 to 31 January calibrated on 31 March fitted 0 new opportunities a month, exit 0."""
    mapping = export(tmp_path, "2022-01-10", "2022-01-31", "2022-03-31")
    with pytest.raises(CalibrationError, match="no whole calendar month of new opportunities the export covers"):
        calibrate(mapping, "2022-03-31")
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", "2022-03-31", "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "the export's last opportunity was created on 2022-01-31" in message
    assert "2022-02 to 2022-03 are not in it" in message
    assert not out.exists()


@pytest.mark.skipif(SHARED is None, reason="the shared CRM export is not beside the repository")
def test_the_shared_export_as_of_after_its_end_keeps_its_monthly_rate(tmp_path: Path) -> None:
    """--as-of 2018-03-31 on the export ending 2017-12-31 forecast ~60 new opportunities a month (it runs at ~790)."""
    assert SHARED is not None
    local = maven_mapping(tmp_path)
    cal = calibrate(local, "2018-03-31")
    assert cal.arrivals.after_export == ["2018-01", "2018-02", "2018-03"]
    assert list(cal.arrivals.history)[-1] == "2017-12"
    assert cal.arrivals.level.value == pytest.approx(770)  # median of July to December 2017
    assert min(cal.arrivals.forecast.values()) > 500


@pytest.mark.skipif(SHARED is None, reason="the shared CRM export is not beside the repository")
def test_the_forecast_of_a_thinning_export_says_so_beside_its_answer_and_reads_its_cycle_against_the_exports(
    tmp_path: Path,
) -> None:
    """crm-maven's Q1 2018 forecast ($1.7M after quarters of $2.8–3.1M) left the thin months to calibrate's terminal.

    Its median cycle of 7.8 working days was said to be "the company's own history" though the
    export's own median won cycle is 26 (34 since the thin November and December are left out of the
    outcome fit): the run's 65-day window and the missing young deals.
    """
    import yaml

    assert SHARED is not None
    local = maven_mapping(tmp_path)
    folder = tmp_path / "company"
    assert calibrate_main([str(local), "--as-of", "2017-12-31", "--out", str(folder), "--draws", "0"]) == 0
    forecast = yaml.safe_load((folder / "experiment" / "forecast.yaml").read_text())["experiment"]
    assert "few new opportunities (283 in 2017-11 and 121 in 2017-12)" in forecast["caveats"][0]
    question = yaml.safe_load((folder / "experiment" / "org_question.yaml").read_text())["experiment"]
    assert question["caveats"] == forecast["caveats"]
    written = (folder / "calibration.md").read_text()
    assert "e+0" not in written and "| deal value, GTK 500 (median won) | 25,897 (24,949–29,220), n = 15 |" in written
    assert "770 (121–1,198), n = 6 | median of the last 6 usable months (at 6 months the median's" in written
    pipeline = yaml.safe_load((folder / "pipeline" / "calibrated.yaml").read_text())
    # November and December, thinly recorded, are left out of the outcome fit (26 working days and 61.6% with them)
    assert pipeline["fitted_figures"] == {"win_rate": pytest.approx(0.6115, abs=0.001), "cycle_time_days_p50": 34.0}
    run = tmp_path / "run"
    said = _run_folder(folder, run, 6)
    answer = said.index("Answer:")
    note = said.index("Note: the export's last months record few new opportunities")
    assert answer < note < said.index("KPI (mean"), said[:1500]  # beside the answer, before the tables
    report = " ".join((run / "report.md").read_text().split())
    assert "*Note: the export's last months record few new opportunities" in report
    # a quarter's run scores its next-month forecast at one month end: MAPE = WAPE = |bias|, said so
    assert "Here each run scores next month at 1 of its 3 month ends" in report
    assert "then one forecast's error, the same in size" in report
    # and its weights were learned from the first month end alone, the stale starting pipeline's (bias -39%)
    assert "The weights those forecasts use were learned from its first month end alone" in report
    assert "forecast.weights=configured with rates of your own, scores the method." in report
    assert "whose own win rate of decided deals, as fitted, is 61.2%, so this is the company's own history" in said
    cycle = said[said.index("median sales cycle") :]
    assert (
        "sales_pipeline.csv's own median won cycle, as fitted with its open deals censored, is 34 working days "
        "(calibration.md), so this is not the " in cycle
    )
    assert "inside its 65-working-day window" in cycle and "reads a shorter cycle" in cycle


@pytest.mark.skipif(SHARED is None, reason="the shared CRM export is not beside the repository")
def test_a_cycle_longer_than_the_exports_is_put_down_to_the_queues_of_the_assumed_effort(tmp_path: Path) -> None:
    """effort_hours: 200 read 63 working days against the export's 45 as "a short window reads a shorter cycle"."""
    assert SHARED is not None
    text = (ROOT / "examples" / "crm-maven" / "mapping.yaml").read_text()
    local = tmp_path / "mapping.yaml"
    text = text.replace("../../../shared/data/crm-maven", str(SHARED)).replace(
        "effort_hours: null", "effort_hours: 200"
    )
    local.write_text(text)
    folder = tmp_path / "company"
    assert calibrate_main([str(local), "--as-of", "2017-09-30", "--out", str(folder), "--draws", "0"]) == 0
    said = _run_folder(folder, tmp_path / "run", 4)
    cycle = said[said.index("median sales cycle") :]
    assert (
        "sales_pipeline.csv's own median won cycle, as fitted with its open deals censored, is 45 working days "
        "(calibration.md)" in cycle
    )
    cycle = cycle.split(" as_is: ")[0].split(" salesim: ")[0]  # this figure's line alone
    assert "deals wait in the reps' queues (the " in cycle and "shorter cycle" not in cycle
    assert "mapping.assumptions.effort_hours" in cycle


def _run_folder(folder: Path, run: Path, runs: int) -> str:
    """The main command on a calibrated folder, in a fresh process: its stdout with every run of blanks one space."""
    import subprocess
    import sys

    done = subprocess.run(
        [
            *(sys.executable, "-m", "simulator", "--config-dir", str(folder)),
            *(f"runs={runs}", "runner.workers=1", "runner.progress=false", f"hydra.run.dir={run}"),
        ],
        capture_output=True,
        text=True,
        cwd=run.parent,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return " ".join(done.stdout.split())
