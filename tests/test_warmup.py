"""The initial transient: MSER-5, the warm-up study and the check every run gets (issue 13, item 2)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.analysis.territory import depleting_territories, territories
from simulator.analysis.transient import hiring_in_window, result_drifts, transient_drifts
from simulator.analysis.warmup import mser, recommended_warmup, truncations
from simulator.analysis.warmup_study import WarmupStudy, study_warmup
from simulator.config.schema import parse_scenario
from simulator.run.build import experiment_from_dict
from tests.scenarios import shipped

# ---------------------------------------------------------------------------- MSER-5


def test_mser_cuts_where_a_filling_series_settles() -> None:
    gen = np.random.default_rng(1)
    days = np.arange(500)
    series = 60 * (1 - np.exp(-days / 15.0)) + gen.normal(0, 2, days.size)  # settles after ~3 x 15 days
    drop, settled = mser(series)
    assert settled and 30 <= drop <= 90
    (found,) = truncations({"open_pipeline": series})
    assert found.material and found.level == pytest.approx(60, abs=1)
    assert recommended_warmup([found], 250 / 12) == pytest.approx(250 / 12 * np.ceil(drop / (250 / 12)))


def test_a_series_that_settles_on_a_constant_is_cut_where_it_gets_there() -> None:
    # partners filling to their cap: the mean of the runs is exactly constant after day 160,
    # so every later cut ties at zero and the earliest must win (not the half-way limit)
    days = np.arange(750)
    filling = np.minimum(9.6, 9.6 * days / 160.0) + np.where(days < 160, 0.01 * np.sin(days), 0.0)
    drop, settled = mser(filling)
    assert settled and 150 <= drop <= 165
    (found,) = truncations({"partners_active": filling})
    assert found.material and found.observations == drop


def test_a_stationary_series_needs_no_warm_up_and_a_trend_never_settles() -> None:
    gen = np.random.default_rng(2)
    flat = 20 + gen.normal(0, 1, 500)
    (steady,) = truncations({"ramped_fte": flat})
    assert not steady.material and recommended_warmup([steady], 20.0) == 0.0
    trend = np.linspace(0, 100, 500) + gen.normal(0, 1, 500)
    _, settled = mser(trend)
    assert not settled
    with pytest.raises(ValueError, match="at least 20 observations"):
        mser(np.ones(12))


# ---------------------------------------------------------------------------- the check on every run


def monthly(levels: dict[str, np.ndarray], runs: int = 10, noise: float = 1.0) -> pd.DataFrame:
    gen = np.random.default_rng(3)
    rows = []
    for scenario, path in levels.items():
        for r in range(runs):
            values = path + gen.normal(0, noise, path.size)
            rows += [
                {"scenario": scenario, "replication": r, "month": m, "open_pipeline_mean": v}
                for m, v in enumerate(values)
            ]
    return pd.DataFrame(rows)


def test_a_trend_in_the_window_is_named_and_a_flat_series_is_not() -> None:
    table = monthly({"today": np.full(12, 50.0), "filling": np.linspace(30, 50, 12)})
    (drift,) = transient_drifts(table)
    assert drift.scenario == "filling" and drift.series == "open_pipeline_mean" and drift.transient
    assert drift.drift == pytest.approx(20, abs=2) and drift.relative > 0.3
    assert "try a longer warm-up" in drift.sentence(125)


def test_a_window_that_starts_empty_and_fills_in_its_first_month_is_warned() -> None:
    """clock.warmup_days=0: the pipeline read 28 deals in month 0 and ~59 after, no trend over 24 months, no word."""
    start = np.full(24, 59.0)
    start[0] = 28.0
    table = monthly({"today": np.full(24, 59.0), "cold": start}, noise=3.0)
    (drift,) = transient_drifts(table)
    assert drift.scenario == "cold" and drift.startup and drift.transient
    assert drift.first == pytest.approx(28, abs=2) and drift.last == pytest.approx(59, abs=1)
    said = drift.sentence(0.0, horizon_days=500.0)
    assert "starts the measured window at about 28 and holds about 59 after its first month" in said
    assert "clock.warmup_days=250 clock.horizon_days=750" in said
    # a first month 15% low is no start; nor one lost in the noise of 3 runs
    assert transient_drifts(monthly({"mild": np.r_[50.0, np.full(23, 59.0)]}, noise=1.0)) == []
    assert transient_drifts(monthly({"noisy": start}, runs=3, noise=40.0)) == []
    # an August the seasons make quiet (the summer's arrivals) is not a start: the expected dip is allowed for
    season = np.array(SEASONALITY)
    of_year = (np.arange(24) + 7) % 12  # the window opens in August
    lagged = (season[of_year] + season[(of_year - 1) % 12]) / 2  # 0.775 in August against ~1.0 after it
    table = monthly({"quiet": 60 * lagged}, noise=0.5)
    table["calendar_month"] = [f"Y{2 + (m + 7) // 12}-{(m + 7) % 12 + 1:02d}" for m in table["month"]]
    assert any(d.startup for d in transient_drifts(table))  # with no seasonality to allow for, a start
    assert transient_drifts(table, seasonality={"quiet": SEASONALITY}) == []


def test_a_small_or_unclear_drift_is_no_warning() -> None:
    table = monthly({"today": np.linspace(50, 51.5, 12)}, noise=0.5)  # 3%: below the 5% that matters
    assert transient_drifts(table) == []
    table = monthly({"today": np.linspace(50, 56, 12)}, runs=3, noise=30.0)  # 12%, but lost in the noise
    assert transient_drifts(table) == []


SEASONALITY = [0.85, 0.95, 1.05, 1.0, 1.05, 1.0, 0.85, 0.7, 1.1, 1.15, 1.2, 1.1]  # the shipped market's


def test_a_seasonal_pipeline_over_a_calendar_year_is_not_a_transient_but_a_trend_on_top_is() -> None:
    season = np.array(SEASONALITY)
    lagged = (season + np.roll(season, 1)) / 2  # the month and the one before (about one sales cycle)
    table = monthly({"today": 60 * lagged, "filling": 60 * lagged * np.linspace(0.8, 1.0, 12)}, noise=0.5)
    table["calendar_month"] = [f"Y2-{m + 1:02d}" for m in table["month"]]
    shapes = {"today": SEASONALITY, "filling": SEASONALITY}
    assert {d.scenario for d in transient_drifts(table)} == {"today", "filling"}  # the autumn reads as a trend
    (drift,) = transient_drifts(table, seasonality=shapes)
    assert drift.scenario == "filling" and drift.relative == pytest.approx(0.2, abs=0.03)
    flat = {"today": [1.0] * 12, "filling": [1.0] * 12}  # no seasonality: nothing to fit beside the trend
    assert {d.scenario for d in transient_drifts(table, seasonality=flat)} == {"today", "filling"}


def test_a_scenario_moving_where_the_baseline_is_steady_is_a_response_not_a_transient() -> None:
    settling = 50.0 + 12.0 * (1.0 - np.exp(-np.arange(12) / 2.0))  # a new level, reached within the window
    table = monthly({"today": np.full(12, 50.0), "more_reps": settling}, noise=0.5)
    (drift,) = transient_drifts(table, baseline="today")
    assert drift.response and not drift.transient and not drift.unsettled
    assert "lever moves it" in drift.sentence(125, "today")
    both = monthly({"today": np.linspace(30, 50, 12), "more_reps": np.linspace(30, 60, 12)})
    assert all(d.transient for d in transient_drifts(both, baseline="today"))


def test_a_scenario_moving_about_as_much_as_the_baseline_gets_no_note() -> None:
    """The default run noted specialist's expansion backlog falling 7% "while generalist's is steady": it fell 4%."""
    baseline, scenario = np.linspace(25.0, 24.0, 12), np.linspace(24.5, 22.7, 12)  # -4% (under 5%) and -7%
    table = monthly({"generalist": baseline, "specialist": scenario}, runs=200, noise=0.3)
    alone = transient_drifts(table)
    assert [d.scenario for d in alone] == ["specialist"] and alone[0].relative == pytest.approx(-0.075, abs=0.01)
    assert transient_drifts(table, baseline="generalist") == []  # 3 points apart: not material
    apart = monthly({"generalist": baseline, "specialist": np.linspace(24.5, 21.0, 12)}, runs=200, noise=0.3)
    (drift,) = transient_drifts(apart, baseline="generalist")  # 10 points apart: the lever moves it
    assert drift.response and drift.scenario == "specialist"


def test_a_backlog_still_rising_at_the_end_of_the_window_has_no_steady_level() -> None:
    """csm_coverage's 7 CSMs: the expansion backlog rose from 714 to 1,138 through the year, said nowhere."""
    growing = monthly({"csm_11": np.full(12, 50.0), "csm_7": np.linspace(50, 80, 12)})
    growing = growing.rename(columns={"open_pipeline_mean": "expansions_open_mean"})
    (drift,) = transient_drifts(growing, baseline="csm_11")
    assert drift.response and drift.unsettled and not drift.transient
    words = drift.sentence(250, "csm_11")
    assert "expansion backlog" in words and "still rising in the window's second half" in words
    assert "work arrives faster than the team that does it finishes it" in words and "lever moves it" not in words
    # a 12% rise still going (ramp_and_coaching's most productive scenario): no overload is claimed
    slow = monthly({"today": np.full(12, 60.0), "fast": np.linspace(60, 67.2, 12)}, noise=0.3)
    (drift,) = transient_drifts(slow, baseline="today")
    assert drift.response and drift.unsettled
    assert "work arrives faster" not in drift.sentence(250, "today") and "no steady level" in drift.sentence(
        250, "today"
    )


def test_a_forecast_from_a_real_open_pipeline_moves_by_its_own_course_and_gets_no_warm_up_advice() -> None:
    # a calibrated company starts from the deals open at its as-of date, with no warm-up: its
    # pipeline's course over the quarter is what is forecast, and a warm-up would skip the quarter
    table = monthly({"as_is": np.linspace(2540, 2720, 3)}, noise=5.0)
    (drift,) = transient_drifts(table, baseline="as_is", from_state=True)
    assert drift.from_state and not drift.transient
    words = drift.sentence(0.0, "as_is")
    assert "as-of date" in words and "warm-up" in words and "try a longer warm-up" not in words


def _empty_start(warmup: float, horizon: float) -> simulator.ExperimentResult:
    data = copy.deepcopy(shipped())
    data["clock"] = {"horizon_days": horizon, "warmup_days": warmup}
    data.update(seed=5, runs=12, experiment={"name": "start"})
    return simulator.run_experiment(experiment_from_dict(data), workers=1)


def test_a_run_measured_from_an_empty_start_is_warned_and_a_warmed_up_one_is_not() -> None:
    cold = result_drifts(_empty_start(0.0, 105.0))
    assert [d.series for d in cold] == ["open_pipeline_mean"] and cold[0].drift > 0
    # the warmed-up window (March to August) falls with the summer's arrivals: the seasons explain it
    warm = _empty_start(63.0, 168.0)
    assert result_drifts(warm) == [] and transient_drifts(warm.monthly)[0].drift < 0


def test_the_warm_up_study_covers_the_filling_of_the_pipeline() -> None:
    config = parse_scenario({**shipped(), "clock": {"horizon_days": 250, "warmup_days": 0}})
    study = study_warmup(config, "generalist", seed=3, runs=4, horizon_days=250)
    pipeline = next(t for t in study.truncations if t.series == "open_pipeline")
    assert pipeline.material and pipeline.observations > 0
    assert study.warmup_days >= pipeline.observations and study.warmup_days % study.days_per_month < 1e-9
    assert study.means["open_pipeline"][:5].mean() < 0.5 * pipeline.level  # it starts empty


def test_a_territory_worked_nearly_dry_is_named_with_the_key_to_raise() -> None:
    data = copy.deepcopy(shipped(pipelines="default"))
    data["clock"] = {"horizon_days": 120, "warmup_days": 0}
    data["pipelines"]["prospecting"]["target_accounts"] = 400  # 12 reps work this in a few weeks
    data.update(seed=5, runs=2, experiment={"name": "dry"})
    result = simulator.run_experiment(experiment_from_dict(data), workers=1)
    (line,) = depleting_territories(result.replications, territories(result.experiment))
    assert "of the 400 target accounts are worked" in line and "pipelines.prospecting.target_accounts" in line
    assert "so its meetings fall as the run goes on" in line
    # used up in the warm-up: no fresh account and no meeting in the window, said so (it had read "meetings fall")
    data["clock"] = {"horizon_days": 240, "warmup_days": 120}
    result = simulator.run_experiment(experiment_from_dict(data), workers=1)
    assert (result.replications["target_accounts_worked"] == 0).all()
    (line,) = depleting_territories(result.replications, territories(result.experiment))
    assert "the warm-up used it up: prospecting works no fresh account and books no new meeting in the" in line
    data["pipelines"]["prospecting"]["target_accounts"] = 40_000
    result = simulator.run_experiment(experiment_from_dict(data), workers=1)
    assert depleting_territories(result.replications, territories(result.experiment)) == []


def test_a_drift_is_told_from_the_first_months_level_to_the_last_and_never_below_zero() -> None:
    from simulator.analysis.transient import Drift, transient_drifts

    fitted = Drift("s", "open_pipeline_mean", "open pipeline", level=33.0, drift=-97.0, se=1.0)
    assert "falls by 100% across the measured window (from about 82 to 0)" in fitted.sentence(0.0)
    measured = Drift("s", "open_pipeline_mean", "open pipeline", 33.0, -97.0, 1.0, first=83.0, last=4.0)
    assert "still falls by 95% across the measured window (from about 83 to 4)" in measured.sentence(250.0)
    months, runs = 12, 30
    rng = np.random.default_rng(4)
    level = np.linspace(120.0, 30.0, months)  # a pipeline draining over the window
    monthly = pd.DataFrame(
        {
            "scenario": "s",
            "replication": np.repeat(np.arange(runs), months),
            "month": np.tile(np.arange(months), runs),
            "open_pipeline_mean": np.tile(level, runs) + rng.normal(0.0, 2.0, months * runs),
        }
    )
    [drift] = [d for d in transient_drifts(monthly) if d.series == "open_pipeline_mean"]
    assert drift.first == pytest.approx(120.0, abs=1.5) and drift.last == pytest.approx(30.0, abs=1.5)
    start, end = f"{drift.first:,.0f}", f"{drift.last:,.0f}"
    assert f"falls by 75% across the measured window (from about {start} to {end})" in drift.sentence(250.0)


def test_a_scenario_hiring_inside_the_window_moves_by_its_plan_and_warm_up_advice_runs() -> None:
    """hiring_plan: '21% rise, try clock.warmup_days=500', which the horizon of 500 then refused."""
    table = monthly({"spread_evenly": np.linspace(60, 75, 12), "no_hires": np.full(12, 60.0)})
    (drift,) = transient_drifts(table, baseline="spread_evenly", planned={"spread_evenly"})
    assert drift.planned and not drift.transient
    assert "planned hires join and ramp inside the measured window" in drift.sentence(250, "spread_evenly")
    (cold,) = transient_drifts(table, baseline="spread_evenly")
    assert "clock.warmup_days=500 clock.horizon_days=750" in cold.sentence(250, "spread_evenly", 500)
    experiment = simulator.load_experiment("hiring_plan", ["runs=2"])
    assert hiring_in_window(experiment) == {"spread_evenly", "all_in_january"}


def test_the_warm_up_table_names_every_series_and_writes_money_as_money() -> None:
    """The study's table showed ``expansions_open`` raw and the pipeline's value as ``2,395,168.3``."""
    from simulator.model.state_series import STATE_SERIES
    from simulator.report.warmup_report import SERIES_TITLES, _level

    assert set(STATE_SERIES) <= set(SERIES_TITLES)
    assert _level("open_pipeline_value", 2_395_168.3) == "$2.40M" and _level("open_pipeline", 62.44) == "62.4"


def test_a_series_drifting_by_too_little_to_count_is_said_not_to_set_the_warm_up() -> None:
    """The study recommended 125 days beside two series marked "Settled: no: still moving at half the horizon"."""
    from simulator.analysis.warmup import Truncation
    from simulator.analysis.warmup_study import WarmupStudy
    from simulator.report.warmup_report import warmup_markdown

    found = [
        Truncation("open_pipeline", 30, True, 58.5),
        Truncation("customers_active", 250, False, 1033.2, material=False),
        Truncation("ramped_fte", 250, False, 22.9, material=False),
    ]
    study = WarmupStudy("generalist", 5, {}, found, recommended_warmup(found, 20.8), 20.8)
    assert study.settled and study.warmup_days == pytest.approx(41.6)
    text = warmup_markdown(study)
    assert text.count("no: still moving at half the horizon, by too little to count") == 2
    assert (
        "Customer book (accounts) and Ramped FTE are still moving at half the horizon, by too little to count" in text
    )
    assert "they do not set the recommendation" in text and "`clock.warmup_days=42`" in text
    moving = WarmupStudy("generalist", 5, {}, [Truncation("open_pipeline", 250, False, 58.5)], 0.0, 20.8)
    assert not moving.settled and "do not settle within the horizon" in warmup_markdown(moving)
    assert "no: still moving at half the horizon" in warmup_markdown(moving)


def _tenure_like(runs: int, seed: int, days: int = 750) -> np.ndarray:
    """The mean of ``runs`` runs of a level of 33 that climbs 9% over its first 150 days and comes back (a
    tenure's transient), each run wandering about it (AR(1): standard deviation 6, a month's memory)."""
    gen = np.random.default_rng(seed)
    t = np.arange(days)
    path = 33.0 + 3.0 * np.where(t < 150, np.sin(np.pi * t / 150), 0.0)
    phi = 0.95
    shocks = gen.normal(0.0, 6.0 * np.sqrt(1 - phi**2), (runs, days))
    noise = np.empty_like(shocks)
    noise[:, 0] = gen.normal(0.0, 6.0, runs)
    for day in range(1, days):
        noise[:, day] = phi * noise[:, day - 1] + shocks[:, day]
    return path + noise.mean(axis=0)


def test_a_transient_hidden_in_the_wobble_of_too_few_runs_is_named_with_the_runs_that_resolve_it() -> None:
    """``salesim warmup --runs 10`` cut mean rep tenure at 0 days, "within the wobble", beside 205 days with 60 runs:
    its 10-run mean swung 30 -> 35 -> 30 months and nothing said that 10 runs could hide a transient that counts."""
    from simulator.analysis.warmup import MATERIAL_SHIFT, unresolved

    few = {"rep_tenure_months": _tenure_like(10, seed=1)}
    (hidden,) = truncations(few)
    assert not hidden.material and recommended_warmup([hidden], 20.8) == 0.0  # the 9% climb reads as wobble
    assert 2 * hidden.wobble > MATERIAL_SHIFT * hidden.level  # wide against the 2% that counts
    (flagged,) = unresolved([hidden], few, runs=10)
    assert flagged.series == "rep_tenure_months" and flagged.wobble == hidden.wobble
    assert 50 < flagged.runs < 1000 and flagged.runs == round(flagged.runs, -1)  # 2 significant figures
    # the runs it asks for resolve it: fresh runs of that many count the climb and ask for no more
    many = {"rep_tenure_months": _tenure_like(flagged.runs, seed=2)}
    (found,) = truncations(many)
    assert found.material and 100 <= found.observations <= 250
    assert unresolved([found], many, runs=flagged.runs) == []
    # a wobble narrow against 2% is no warning, however few the runs; nor is a series that counted
    steady = {"ramped_fte": 22.7 + np.random.default_rng(3).normal(0.0, 0.05, 750)}
    assert unresolved(truncations(steady), steady, runs=2) == []


def _noisy_study() -> WarmupStudy:
    """A study of 10 runs in which the open pipeline counts and the tenure's climb is hidden in its wobble."""
    from simulator.analysis.warmup import unresolved

    means = {"open_pipeline": 60 * (1 - np.exp(-np.arange(750) / 10.0)), "rep_tenure_months": _tenure_like(10, 1)}
    found = truncations(means)
    return WarmupStudy(
        "generalist", 10, means, found, recommended_warmup(found, 20.8), 20.8, unresolved(found, means, 10)
    )


def test_the_report_and_the_terminal_say_too_few_runs_naming_the_series_and_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator import cli
    from simulator.report.warmup_report import warmup_markdown

    study = _noisy_study()
    (flagged,) = study.unresolved
    # the runs it names scale the wobble it prints (the steady half's), as 1/sqrt(runs): reproducible by hand
    assert flagged.runs >= 10 * (2 * flagged.steady / flagged.threshold) ** 2 > 0.9 * flagged.runs
    text = warmup_markdown(study, ["--years", "2", "org.teams.full_cycle.headcount=10"])
    assert "**Too few runs to rule out a transient in Mean rep tenure (months)**: over 10 runs" in text
    assert "so the recommendation may be too short" in text
    assert (
        f"narrows as 1/√runs: about {flagged.runs:,} runs would bring it to" in text
        and "so that a 2% transient would count" in text
    )
    assert f"`salesim warmup --runs {flagged.runs} --years 2 org.teams.full_cycle.headcount=10`" in text
    assert "Open pipeline (deals): its 5-day means wobble" not in text  # it counted: not named
    assert "Too few runs" not in warmup_markdown(dataclasses.replace(study, unresolved=[]))
    # the command: the same paragraph in warmup.md and on the terminal, and a last line naming the command
    monkeypatch.setattr("simulator.analysis.warmup_study.study_warmup", lambda *a, **k: study)
    out = tmp_path / "w"
    args = ["--runs", "10", "--years", "2", "--out", str(out), "org.teams.full_cycle.headcount=10"]
    assert cli.SUBCOMMANDS["warmup"](args) == 0
    done = capsys.readouterr()
    command = f"salesim warmup --runs {flagged.runs} --years 2 org.teams.full_cycle.headcount=10"
    assert f"`{command}`" in done.out and f"`{command}`" in (out / "warmup.md").read_text()
    assert done.err.strip().endswith(
        "salesim: warmup: 10 runs are too few to tell whether Mean rep tenure (months) has a transient that counts "
        f"(one could read as the wobble of the runs' mean); study again with: {command}"
    )


# ---------------------------------------------------------------------------- counts inside the window


def test_reassigned_deals_and_the_prospecting_funnel_count_the_measured_window_only() -> None:
    """A fresh user found deals_reassigned (38 -> 76 a year) and the prospecting funnel (conversations 1,996 ->
    3,939) doubling with a warm-up three times longer, while the leavers and the meetings booked stayed put: both
    counted the warm-up's too. The run itself does not depend on the warm-up (the same events either way), so a
    warm-up of half the horizon keeps about half of what the whole run counts, and the cohort funnel starts with
    the accounts first worked inside the window."""
    from simulator.engines.fast.engine import simulate as fast_simulate
    from simulator.model.metrics import kpi_row

    def totals(warmup: float) -> dict[str, float]:
        spec = simulator.load_experiment(overrides=["runs=1", f"clock.warmup_days={warmup}"]).scenarios[0]
        scenario = spec.compile()
        rows = [kpi_row(fast_simulate(scenario, 2, r)) for r in range(8)]
        first = scenario.pipelines.stages[1].names[0]  # the prospecting pipeline's first stage
        for row in rows:
            assert row[f"stage_entries_{first}"] == row["target_accounts_worked"]
        keys = ("deals_reassigned", "target_accounts_worked", "target_accounts_used", "meetings_booked")
        return {k: sum(row[k] for row in rows) for k in keys}

    whole, second_half = totals(0.0), totals(250.0)
    assert whole["target_accounts_used"] == second_half["target_accounts_used"]  # the same runs
    for kpi in ("deals_reassigned", "target_accounts_worked", "meetings_booked"):
        assert 0.3 < second_half[kpi] / whole[kpi] < 0.7, (kpi, second_half[kpi], whole[kpi])


def test_the_steady_state_line_does_not_deny_the_baselines_own_hiring_course() -> None:
    """hiring_plan read "no clear trend ... in today's organisation", then the baseline's pipeline "rises by 23%"."""
    from simulator.report.how_run_section import _steady_state_lines

    # oldest first, the baseline's open pipeline grows with its hires (its stale leads queue up): the case in point
    overrides = ["runs=30", "org.teams.full_cycle.newest_first=false"]
    result = simulator.run_experiment(simulator.load_experiment("hiring_plan", overrides), workers=2)
    lines = _steady_state_lines(result)
    course = "- **The hiring plan's course**: "
    planned = [line for line in lines if line.startswith(course) and "spread_evenly" in line.split(": ")[1]]
    assert planned, lines
    assert any(
        line.endswith("in today's organisation (initial-transient check), apart from its hiring plan's course below.")
        for line in lines
    )


def test_a_hiring_plans_course_is_a_note_on_the_terminal_however_it_moves(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """hiring_plan printed "salesim: warning: spread_evenly: the open pipeline ... rises by 23% ...: its planned hires
    join and ramp inside the measured window, so this is the hiring plan's own course, not an artefact a warm-up would
    remove" and the same sentence for all_in_january as a note: spread_evenly's hires of months 7 and 10 keep it
    rising in the window's second half. report.md lists both under "The hiring plan's course"."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from reporting_fixtures import make_result

    from simulator.analysis.transient import Drift
    from simulator.report import session

    result = make_result(runs=20)
    planned = Drift("generalist", "open_pipeline_count", "open pipeline", 68.0, 14.0, 1.0, planned=True)
    drifts = [
        dataclasses.replace(planned, unsettled=True),
        dataclasses.replace(planned, scenario="specialist"),
        dataclasses.replace(planned, planned=False, response=True, unsettled=True),  # no level in the run: a warning
    ]
    monkeypatch.setattr(session, "result_drifts", lambda _: drifts)
    session._say_results(result, Path("out"), "")
    err = capsys.readouterr().err
    # the two notes alike but for their scenario are one note naming both
    assert err.count("salesim: note: generalist and specialist: the open pipeline") == 1, err
    assert err.count("salesim: note:") == 1, err
    steady = "salesim: warning: generalist: the open pipeline rises by 23% across the measured window (from about 61 to"
    assert steady + " 75) while generalist's is steady" in err, err
    assert err.count("salesim: warning:") == 1, err


def test_drifts_alike_but_for_their_scenario_and_numbers_are_said_once_for_them_all() -> None:
    """org_structures with 5 CSMs printed ten warnings: the expansion backlog and the customer book of each scenario."""
    from simulator.analysis.drift_words import said_together
    from simulator.analysis.transient import Drift

    backlog = Drift("a", "expansion_backlog", "expansion backlog", 806.0, 637.0, 1.0)
    drifts = [
        backlog,
        dataclasses.replace(backlog, scenario="b", level=805.0, drift=634.0),
        dataclasses.replace(backlog, scenario="c", level=808.0, drift=643.0),
        dataclasses.replace(backlog, scenario="d", response=True, unsettled=True),  # another kind: said alone
    ]
    said = said_together(drifts, lambda d: d.sentence(250.0, "a", 500.0))
    assert [drift.scenario for drift, _ in said] == ["a", "d"], said
    together = said[0][1]
    head = "a, b and c: the expansion backlog still rises by 130–132% across the measured window"
    assert together.startswith(f"{head} (from about 486–488 to 1,122–1,130): the run had not"), together
    assert "clock.warmup_days=500 clock.horizon_days=750" in together, together
    assert said[1][1].startswith("d: the expansion backlog"), said
    assert (
        "each scenario's"
        in said_together([*drifts[3:], dataclasses.replace(drifts[3], scenario="e")], lambda d: d.sentence(250.0, "a"))[
            0
        ][1]
    )
    alone = said_together(drifts[:1], lambda d: d.sentence(250.0, "a", 500.0))
    assert alone == [(backlog, backlog.sentence(250.0, "a", 500.0))]


def test_the_recommendation_is_held_against_the_warm_up_the_scenario_runs_with() -> None:
    """plan_check's study over 190 runs asked for 375 days (mean rep tenure still falling 16 months in) and never said
    that the 250 days the scenario runs with stop short; over 20 runs it asked 188 without saying 250 covered it."""
    from simulator.analysis.warmup import Truncation
    from simulator.report.warmup_report import warmup_markdown

    found = [
        Truncation("open_pipeline", 25, True, 62.3),
        Truncation("partners_active", 200, True, 9.6),
        Truncation("rep_tenure_months", 370, True, 34.9),
    ]
    month = 250 / 12
    study = WarmupStudy("today", 190, {}, found, recommended_warmup(found, month), month, configured_days=250.0)
    text = warmup_markdown(study)
    assert "**Recommended warm-up: `clock.warmup_days=375`** (18 months)" in text
    assert (
        "The scenario is run now with `clock.warmup_days=250` (12 months), shorter than that: its measured window "
        "starts while Mean rep tenure (months) still moves from the run's start; set `clock.warmup_days=375`"
    ) in text, text
    covered = dataclasses.replace(study, configured_days=375.0)
    assert "The scenario is run now with `clock.warmup_days=375` (18 months), which covers it." in warmup_markdown(
        covered
    )
    # a warm-up that covers every cut that counts covers it, though the recommendation rounds up to a month
    assert "which covers it" in warmup_markdown(dataclasses.replace(study, configured_days=370.0))
    assert "run now with" not in warmup_markdown(dataclasses.replace(study, configured_days=float("nan")))


def test_the_warm_up_figure_writes_the_pipeline_s_value_in_dollars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its axis had read 0.0 to 2.5 under a bare "1e6", where every other figure writes money as $2.5M."""
    import matplotlib.pyplot as plt

    from simulator.analysis.warmup import Truncation
    from simulator.report import warmup_report

    drawn: list[object] = []
    monkeypatch.setattr(warmup_report, "save_figure", lambda fig, path: drawn.append(fig) or Path(path))
    days = np.arange(750)
    means = {"open_pipeline": 60 * (1 - np.exp(-days / 10.0)), "open_pipeline_value": 2.4e6 * (1 - np.exp(-days / 10))}
    found = [Truncation("open_pipeline", 25, True, 60.0), Truncation("open_pipeline_value", 25, True, 2.4e6)]
    warmup_report.plot_warmup(WarmupStudy("today", 20, means, found, 41.7, 250 / 12), tmp_path / "warmup.png")
    (fig,) = drawn
    assert isinstance(fig, plt.Figure)
    fig.canvas.draw()
    count, value = fig.axes[:2]
    ticks = [t.get_text() for t in value.get_yticklabels() if t.get_text()]
    assert ticks and all(t.startswith("$") or t.startswith("-$") for t in ticks), ticks
    assert not value.yaxis.get_offset_text().get_text()  # no "1e6" above the axis
    assert not any("$" in t.get_text() for t in count.get_yticklabels())  # a count stays a count
    plt.close(fig)
