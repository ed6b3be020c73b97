"""The back-test on a small export: its table, coverage, fan charts and spread split, and its refusals."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from simulator.analysis.backtest import COLUMNS, backtest_table, coverage, spread_split
from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.crm_commands import backtest_main
from simulator.report.backtest_report import inside_words, scored_marks, write_backtest
from simulator.run.backtest import compiled, refitted, run_origin

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "tests" / "fixtures" / "crm" / "a_opportunities" / "mapping.yaml"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return run_origin(str(MAPPING), "2023-02-28", "2023-04-28", runs=4, seed=3, uncertainty="bootstrap", workers=1)


@pytest.fixture(scope="module")
def recorded():  # type: ignore[no-untyped-def]
    """The fixture's last dated event is 2023-03-16: to there, March is recorded (a part-period, scored)."""
    return run_origin(str(MAPPING), "2023-02-28", "2023-03-16", runs=4, seed=3, uncertainty="bootstrap", workers=1)


def test_every_period_and_kpi_has_a_row_with_its_band(result) -> None:  # type: ignore[no-untyped-def]
    table = backtest_table([result])
    assert list(table.columns) == list(COLUMNS)
    assert set(table["period"]) == {"2023-03", "2023-04", "2023-Q1", "2023-Q2"}
    assert len(table) == 4 * 6
    scored = table[table["inside_p10_p90"].notna()]
    assert (scored["p10"] <= scored["p50"]).all() and (scored["p50"] <= scored["p90"]).all()
    cover = coverage(table)
    assert cover["rows"] + cover["part_rows"] == len(scored)


def test_a_period_the_export_records_only_in_part_is_not_scored_as_whole(result, recorded) -> None:  # type: ignore[no-untyped-def]
    """March, recorded to the 16th, had been scored as a whole simulated month: 3 wins 'below' a band of 14 to 26,
    2 new opportunities 'below' 23 to 29, every KPI outside, coverage 0%."""
    whole = backtest_table([result])
    assert whole.loc[whole["period"].isin(["2023-03", "2023-Q1"]), "actual"].isna().all()
    table = backtest_table([recorded])  # --until the export's last date: March to the 16th, scored as a part
    assert set(table["period"]) == {"2023-03", "2023-Q1"} and not table["whole_period"].any()
    march = table[(table["period"] == "2023-03") & (table["kpi"] == "won_deals")].iloc[0]
    assert march["actual"] == 3  # the fixture's wins A027-A029 close on 2, 4 and 6 March
    created = table[(table["period"] == "2023-03") & (table["kpi"] == "new_opportunities")].iloc[0]
    assert created["actual"] == 2 and created["p50"] > 0  # A038 and A039 (A900 closes before it is created: set aside)
    scored = table[table["inside_p10_p90"].notna()]
    assert (scored["p10"] <= scored["p50"]).all() and (scored["p50"] <= scored["p90"]).all()
    assert coverage(table)["part_rows"] == len(scored) > 0


def test_periods_after_the_exports_last_date_have_no_actual_and_are_not_scored(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the fixture's last dated event is 2023-03-16: April and Q2 are not recorded, not months that won nothing
    assert str(result.calibration.export.export_date) == "2023-03-16"
    table = backtest_table([result])
    later = table[table["period"].isin(["2023-04", "2023-Q2"])]
    assert len(later) == 12 and later["actual"].isna().all() and later["inside_p10_p90"].isna().all()
    assert later["p50"].notna().any()  # still simulated, drawn in the fans
    write_backtest([result], tmp_path, runs=4, uncertainty="bootstrap", seconds=1.0)
    text = (tmp_path / "backtest.md").read_text()
    assert (
        "records nothing after 2023-03-16 (2023-03, 2023-Q1 only up to it: --until 2023-03-16 scores them as "
        "part-periods): 2023-03, 2023-04, 2023-Q1, 2023-Q2 have no actual"
    ) in text
    # the quarter table says "not scored" (–) for them, not "no": they are no misses
    quarter_rows = [
        line
        for line in text.split("## Quarters")[1].split("\n## ")[0].splitlines()
        if "| 2023-Q2 (part: 2023-04-01 to 2023-04-28) |" in line
    ]
    assert len(quarter_rows) == 6 and all(line.endswith("| – |") for line in quarter_rows)
    assert not any(
        "2023-Q2" in line or "2023-04" in line
        for line in text.split("## Where the actual fell outside")[1].split("\n## ")[0].splitlines()
    )


def test_an_unscored_row_is_neither_inside_nor_outside() -> None:
    """The quarter table and the fan charts read None (no actual, or no band) as not scored, never as a miss."""
    flags = pd.Series([True, False, None, None], dtype=object)
    inside, outside = scored_marks(flags)
    assert inside.tolist() == [True, False, False, False] and outside.tolist() == [False, True, False, False]
    assert [inside_words(v) for v in flags] == ["yes", "no", "–", "–"]
    assert inside_words(float("nan")) == "–"


def test_bootstrap_runs_and_point_runs_share_seeds_and_split_the_spread(result) -> None:  # type: ignore[no-untyped-def]
    assert len(result.process) == len(result.total) == 4
    split = spread_split([result])
    assert set(split["kpi"]) == {"won_deals", "bookings", "win_rate"}
    assert (split["sd_total"].dropna() >= split["sd_process"].dropna() - 1e-9).all()


def test_the_files_are_written(recorded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = recorded
    written = write_backtest([result], tmp_path, runs=4, uncertainty="bootstrap", seconds=1.0)
    names = {p.name for p in written}
    assert {
        "backtest.csv",
        "backtest.md",
        "fan_won_deals.png",
        "fan_open_pipeline.png",
        "fan_new_opportunities.png",
    } <= names
    assert "Coverage of the P10–P90 band" in (tmp_path / "backtest.md").read_text()
    assert (
        f"simulate {result.simulate_seconds:.1f} s on the compiled (fast) engine"
        in (tmp_path / "backtest.md").read_text()
    )
    assert list(pd.read_csv(tmp_path / "backtest.csv").columns) == list(COLUMNS)
    # money in whole dollars: 6 significant digits had written an actual of $2,192,589 as 2.19259e+06
    table = backtest_table([result])
    written_back = pd.read_csv(tmp_path / "backtest.csv")
    for column in ("actual", "p50"):
        assert (written_back[column] - table[column]).abs().max() <= 1e-9 * table[column].abs().max(), column


def test_a_bad_origin_is_refused_before_anything_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bt"
    code = backtest_main([str(MAPPING), "--as-of", "2023-02-30", "--until", "2023-04-28", "--out", str(out)])
    assert code == 2 and "--as-of" in capsys.readouterr().err and not out.exists()


def test_an_origin_given_twice_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was run twice, and its rows counted twice in the coverage."""
    out = tmp_path / "bt"
    origins = "2023-02-28,2023-01-31, 2023-02-28"
    code = backtest_main([str(MAPPING), "--as-of", origins, "--until", "2023-04-28", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.strip().splitlines() == [
        "salesim: backtest: --as-of = '2023-02-28,2023-01-31,2023-02-28': 2023-02-28 is given twice: give each origin "
        "once, comma separated (YYYY-MM-DD,YYYY-MM-DD)"
    ]


def test_an_empty_origin_between_commas_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was dropped without a word: the date between the commas may have been lost."""
    out = tmp_path / "bt"
    code = backtest_main(
        [str(MAPPING), "--as-of", "2023-01-31,,2023-02-28", "--until", "2023-04-28", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.strip().splitlines() == [
        "salesim: backtest: --as-of = '2023-01-31,,2023-02-28': item 2 of 3 is empty: give each origin once, comma "
        "separated (YYYY-MM-DD,YYYY-MM-DD)"
    ]


def test_too_few_runs_for_a_p10_p90_band_are_refused_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bt"
    code = backtest_main(
        [str(MAPPING), "--as-of", "2023-02-28", "--until", "2023-04-28", "--runs", "3", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "--runs 3: must be a whole number from 10 to 1,000,000: the back-test scores each actual against" in err


def test_a_resample_without_a_loss_keeps_the_point_fits_durations_and_still_runs() -> None:
    """Seed 1's resample 1 of this small export holds no lost deal: its lost durations were empty, refused mid-run."""
    cal = calibrate(str(MAPPING), "2023-02-28", "2023-04-28")
    for replication in range(8):
        compiled(refitted(cal, 1, replication))  # raised ConfigError: lost_delay_days.values = [] at replication 1
    assert refitted(cal, 1, 1).outcomes is cal.outcomes
    assert refitted(cal, 1, 0).outcomes is not cal.outcomes  # a resample that has them keeps its own


def test_a_refusal_in_a_worker_reaches_the_parent_whole() -> None:
    """Pickled by its message alone, a ConfigError came back with one 'problem' per character."""
    error = ConfigError([ConfigIssue("a.b", [], "must not be empty"), ConfigIssue("c", 2, "must be 1")])
    back = pickle.loads(pickle.dumps(error))
    assert back.issues == error.issues and str(back) == str(error)
    refusal = CalibrationError("not a date", "deals.csv", "close_date", 4)
    again = pickle.loads(pickle.dumps(refusal))
    assert str(again) == str(refusal) and (again.file, again.column, again.row) == ("deals.csv", "close_date", 4)


def test_every_wrong_option_is_named_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty origin beside --runs 5 showed only --runs: fixed, the next try failed on the origin."""
    out = tmp_path / "bt"
    args = ["--as-of", "2023-01-31,,2023-02-30", "--until", "2023-13-01", "--runs", "5", "--workers", "-1"]
    assert backtest_main([str(MAPPING), *args, "--seed", "-3", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert not out.exists() and len(err.strip().splitlines()) == 1
    for words in ("--runs 5: must be", "--workers -1: must be", "item 2 of 3 is empty", "'2023-02-30'", "--until"):
        assert words in err, words
    assert "--seed -3: must be a whole number from 0 to" in err  # argparse named only the seed, and stopped
    assert backtest_main([str(MAPPING), "--as-of", "2023-01-31", "--until", "2023-03-31", "--runs", "ten",
                          "--seed", "1e3", "--out", str(out)]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "--runs 'ten': must be a whole number from 10 to 1,000,000" in err
    assert "--seed '1e3': must be a whole number" in err


def test_an_until_before_an_origin_is_named_with_the_other_faults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bt"
    args = [str(MAPPING), "--as-of", "2023-02-28", "--until", "2023-01-31", "--runs", "5", "--out", str(out)]
    assert backtest_main(args) == 2
    err = capsys.readouterr().err
    assert "--runs 5: must be" in err and "--until 2023-01-31: must come after every origin (--as-of 2023-02-28)" in err
    assert not out.exists()


def test_months_whose_new_opportunities_fall_far_below_the_band_are_named_as_a_thinning_export() -> None:
    """crm-maven's 283 and 121 new deals in Nov and Dec 2017 read as the model's misses with no word on why."""
    from simulator.report.backtest_report import thin_months

    rows = [
        ("2017-09-30", "2017-10", "month", "", "", True, "new_opportunities", 761.0, 795.8, 831.0, 874.0, False),
        ("2017-09-30", "2017-11", "month", "", "", True, "new_opportunities", 283.0, 752.6, 795.0, 838.7, False),
        ("2017-09-30", "2017-12", "month", "", "", True, "new_opportunities", 121.0, 759.6, 799.5, 846.1, False),
        ("2017-09-30", "2017-Q4", "quarter", "", "", True, "new_opportunities", 1165.0, 2341.5, 2433.5, 2516.3, False),
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    words = thin_months(table)
    assert words is not None and words.startswith(
        "New opportunities fall far below the band in 2017-11: 283 (P10 753) and 2017-12: 121 (P10 760): fewer"
    )
    assert "2017-10" not in words and "2017-Q4" not in words  # a near miss, and a quarter, are no thinning
    assert thin_months(table.iloc[:1]) is None


def test_the_thin_months_say_each_kpis_own_side_month_by_month_and_the_origin_of_every_figure() -> None:
    """crm-maven from 2017-06-30 and 2017-09-30: "the open pipeline and the cycles of those months read low" and
    "283 (P10 676)" stood beside a December median cycle above P90 from both origins and a P10 of 618 from the other.
    """
    from simulator.report.backtest_report import thin_months

    figures = {  # (origin, period, kpi): (actual, p10, p90), as the back-test of the brief found them
        ("2017-06-30", "2017-09", "median_cycle_days"): (56.0, 27.3, 48.0),
        ("2017-06-30", "2017-09", "new_opportunities"): (794.0, 700.0, 850.0),
        ("2017-06-30", "2017-11", "median_cycle_days"): (46.0, 26.9, 49.8),
        ("2017-06-30", "2017-11", "open_pipeline"): (2119.0, 2074.8, 2963.0),
        ("2017-06-30", "2017-11", "new_opportunities"): (283.0, 675.6, 854.2),
        ("2017-06-30", "2017-12", "median_cycle_days"): (55.0, 23.7, 44.2),
        ("2017-06-30", "2017-12", "open_pipeline"): (1589.0, 1965.8, 3217.5),
        ("2017-06-30", "2017-12", "new_opportunities"): (121.0, 721.8, 852.7),
        ("2017-09-30", "2017-11", "median_cycle_days"): (46.0, 40.8, 57.0),
        ("2017-09-30", "2017-11", "open_pipeline"): (2119.0, 2525.4, 2822.8),
        ("2017-09-30", "2017-11", "new_opportunities"): (283.0, 618.0, 965.0),
        ("2017-09-30", "2017-12", "median_cycle_days"): (55.0, 29.2, 49.5),
        ("2017-09-30", "2017-12", "open_pipeline"): (1589.0, 2554.4, 2913.0),
        ("2017-09-30", "2017-12", "new_opportunities"): (121.0, 670.9, 921.2),
    }
    rows = [
        (o, p, "month", "", "", True, k, a, lo, (lo + hi) / 2, hi, lo <= a <= hi)
        for (o, p, k), (a, lo, hi) in figures.items()
    ]
    words = thin_months(pd.DataFrame(rows, columns=list(COLUMNS)))
    assert words is not None
    assert "read low" not in words
    assert (
        "in 2017-11: 283 (P10 676 from 2017-06-30, 618 from 2017-09-30) and 2017-12: 121 (P10 722 from 2017-06-30, "
        "671 from 2017-09-30)" in words
    )
    assert (
        "the open pipeline at period end reads below P10 in 2017-11 (from 2017-09-30) and 2017-12 (from both "
        "origins): fewer deals created leave fewer open; it reads inside the band in 2017-11 (from 2017-06-30)."
    ) in words
    # December's cycle is above P90 from both origins, November's inside; September (not thin) misses high too
    assert (
        "The median cycle of wins reads above P90 in 2017-12 (from both origins), as in 2017-09 (from 2017-06-30), "
        "whose new opportunities are not thin: not the thinning alone; it reads inside the band in 2017-11 (from "
        "both origins)."
    ) in words


def test_the_fan_charts_write_bookings_in_dollars_and_the_win_rate_in_percent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The back-test's bookings axis had read "1e6" and its win rate 0.6, where the reports write $M and %."""
    from simulator.report import backtest_report
    from simulator.report.plot_style import plt

    ticks: dict[str, list[str]] = {}

    def keep(fig: Any, path: Path) -> Path:
        fig.canvas.draw()
        ticks[path.stem] = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        plt.close(fig)  # as save_figure does: an open figure fails the plot tests after it in this process
        return path

    monkeypatch.setattr(backtest_report, "save_figure", keep)
    for kpi, values in (("bookings", [0.9e6, 1.0e6, 1.2e6]), ("win_rate", [0.55, 0.6, 0.65])):
        table = pd.DataFrame(
            {
                "kpi": kpi,
                "period_kind": "month",
                "origin": "2017-09-30",
                "period": ["2017-10", "2017-11", "2017-12"],
                "p10": [v * 0.9 for v in values],
                "p50": values,
                "p90": [v * 1.1 for v in values],
                "actual": values,
                "inside_p10_p90": [True, True, True],
            }
        )
        backtest_report.fan_chart(table, kpi, tmp_path / f"{kpi}.png")
    assert all(t.startswith("$") for t in ticks["bookings"] if t), ticks
    assert all(t.endswith("%") for t in ticks["win_rate"] if t), ticks


def test_each_origin_is_calibrated_once_to_check_it_and_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command had checked every origin's calibration, then calibrated each again to run it."""
    import simulator.calibration.calibrate as calibration
    import simulator.run.backtest as backtest

    made: list[str] = []
    real = calibration.calibrate

    def counted(mapping: str, as_of: str, until: str | None = None):  # type: ignore[no-untyped-def]
        made.append(as_of)
        return real(mapping, as_of, until)

    monkeypatch.setattr(calibration, "calibrate", counted)
    monkeypatch.setattr(backtest, "calibrate", counted)
    origins = ["--as-of", "2023-02-28,2023-03-10", "--until", "2023-04-28", "--uncertainty", "none"]
    code = backtest_main([str(MAPPING), *origins, "--runs", "20", "--workers", "1", "--out", str(tmp_path / "bt")])
    assert code == 0, capsys.readouterr().err
    assert made == ["2023-02-28", "2023-03-10"]
    assert len(pd.read_csv(tmp_path / "bt" / "backtest.csv")["origin"].unique()) == 2


def test_a_part_period_says_so_with_its_dates_and_is_counted_apart(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """With --until 2017-12-15, '2017-12 month' and '2017-Q4 quarter' held Oct 1 to Dec 15 (917 won, not the
    quarter's 1,196) under the whole periods' labels, and counted in the quarters' coverage."""
    table = backtest_table([result])  # origin 2023-02-28, until 2023-04-28: Q1 is March alone, April to the 28th
    kinds = table.drop_duplicates("period").set_index("period")
    assert kinds.loc["2023-03", "whole_period"] and not kinds.loc["2023-Q1", "whole_period"]
    assert (kinds.loc["2023-Q1", "period_first"], kinds.loc["2023-Q1", "period_last"]) == ("2023-03-01", "2023-03-31")
    assert (kinds.loc["2023-04", "period_first"], kinds.loc["2023-04", "period_last"]) == ("2023-04-01", "2023-04-28")
    cover = coverage(table)
    scored = table[table["inside_p10_p90"].notna()]
    # March and Q1 end after the export's last date (2023-03-16): nothing is scored, whole or part
    assert len(scored) == 0 and cover["rows"] == 0 and cover["part_rows"] == 0
    write_backtest([result], tmp_path, runs=4, uncertainty="bootstrap", seconds=1.0)
    csv = pd.read_csv(tmp_path / "backtest.csv")
    assert not csv.loc[csv["period"] == "2023-Q1", "whole_period"].any()
    text = (tmp_path / "backtest.md").read_text()
    head = text.split("## Quarters")[0]  # what the terminal prints
    # not "Coverage ...: – (no whole period scored)** of 0 origin × period × KPI rows" above a table of headers alone
    assert "**Coverage of the P10–P90 band: no whole month or quarter scored** (each lies past --until" in head
    assert "| coverage by (whole periods) |" not in head
    assert (
        "Part-periods (cut by an origin or --until, so not comparable with whole ones) are left out of it: "
        "2023-04 (part: 2023-04-01 to 2023-04-28), 2023-Q1 (part: 2023-03-01 to 2023-03-31), "
        "2023-Q2 (part: 2023-04-01 to 2023-04-28); none of their rows is scored."
    ) in head
    quarters = text.split("## Quarters")[1].split("\n## ")[0]
    assert "| 2023-Q1 (part: 2023-03-01 to 2023-03-31) | won_deals |" in quarters and "| 2023-Q1 |" not in quarters


@pytest.mark.parametrize("origins", ["2023-03-16", "2023-02-28,2023-03-31"])
def test_an_origin_on_or_after_the_exports_last_date_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], origins: str
) -> None:
    """The fixture ends on 2023-03-16: from there nothing has an actual; it had run and written misses of "Nowhere."."""
    out = tmp_path / "bt"
    code = backtest_main([str(MAPPING), "--as-of", origins, "--until", "2023-04-28", "--runs", "10", "--out", str(out)])
    err = capsys.readouterr().err
    past = origins.split(",")[-1]
    assert code == 2 and not out.exists(), err
    assert f"--as-of {past}: on or after the export's last date (2023-03-16)" in err
    assert "no actual to score; give origins before it" in err and "Traceback" not in err
