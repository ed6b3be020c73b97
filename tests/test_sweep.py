"""A two-parameter --multirun sweep on the joblib launcher: one tidy table, a heatmap with CIs, a report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
import yaml

import simulator
from tests.scenarios import ROOT

if TYPE_CHECKING:
    from simulator.report.sweep_jobs import Sweep

pytest.importorskip("hydra_plugins.hydra_joblib_launcher", reason="pip install -e '.[dev]' (hydra-joblib-launcher)")

HEADCOUNTS = (10, 12)
LEADS = (120, 180)


ONE_SCENARIO = """# @package _global_
experiment:  # one scenario keeps the test short
  name: sweep_test  # names the output folder
  question: Where in the grid of headcount and inbound leads is the chance of hitting the plan best?  # report
  baseline: today  # the only scenario
  scenarios:  # scenario name -> overrides
    today: []  # the base config
  decision:  # the KPIs the answer is read on
    primary: hit_plan  # the KPI the question is about
    guardrails: [cost_of_sales]  # shown beside it
plan:  # the plan under test
  bookings: 600000  # a small plan for a short window
seed: 4  # root seed
runs: 2  # replications per scenario
"""


def test_a_two_parameter_sweep_on_joblib_is_gathered_into_a_table_a_heatmap_and_a_report(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    (tmp_path / "mine" / "experiment").mkdir(parents=True)
    (tmp_path / "mine" / "experiment" / "sweep_test.yaml").write_text(ONE_SCENARIO)
    command = [
        sys.executable,
        "-m",
        "simulator",
        "--multirun",
        "--config-dir",
        str(tmp_path / "mine"),
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        f"org.teams.full_cycle.headcount={','.join(map(str, HEADCOUNTS))}",
        f"market.sources.inbound.leads_per_month={','.join(map(str, LEADS))}",
        "experiment=sweep_test",
        "clock.horizon_days=30",
        "clock.warmup_days=0",
        "runner.workers=1",
        "runner.progress=false",
        f"hydra.sweep.dir={sweep}",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sweep of 4 jobs gathered" in done.stdout
    table = pd.read_csv(sweep / "sweep_summary.csv")
    params = ["org.teams.full_cycle.headcount", "market.sources.inbound.leads_per_month"]
    assert list(table.columns[:4]) == ["job", "overrides", *params]
    # one row per point x scenario x KPI, and every point of the grid present
    per_job = [len(pd.read_csv(sweep / str(job) / "summary.csv")) for job in range(4)]
    assert len(table) == sum(per_job)  # a job of a 30-day run may book nothing: no cost per $1 of bookings
    assert not table.duplicated(subset=[*params, "scenario", "kpi"]).any()
    points = set(map(tuple, table[params].drop_duplicates().to_numpy().tolist()))
    assert points == {(h, n) for h in HEADCOUNTS for n in LEADS}
    assert set(table["scenario"]) == {"today"}
    assert (sweep / "heatmap.png").stat().st_size > 10_000
    text = (sweep / "report.md").read_text()
    first = text.split("## The answer\n\n", 1)[1].split("\n", 1)[0]
    assert "the chance of hitting the plan of today is best at org.teams.full_cycle.headcount=" in first, first
    assert "95% CI" in first and (sweep / "report.html").is_file()


def test_a_sweep_over_the_plan_names_the_best_cell_at_each_plan() -> None:
    """'best at headcount=13, plan.bookings=3500000': a lower plan is always easier to hit, and printed raw."""
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    rows = [
        {
            "job": f"{h}_{p}",
            "org.teams.full_cycle.headcount": h,
            "plan.bookings": p,
            "scenario": "today",
            "kpi": "hit_plan",
            "n": 40,
            "mean": m,
            "ci_low": m - 0.1,
            "ci_high": m + 0.1,
        }
        for h, p, m in [(12, 3.5e6, 0.5), (13, 3.5e6, 0.7), (12, 4e6, 0.2), (13, 4e6, 0.35)]
    ]
    sweep = Sweep(
        pd.DataFrame(rows), ["org.teams.full_cycle.headcount", "plan.bookings"], "hit_plan", "today", ["today"], "x"
    )
    text = answer_paragraph(sweep, float("nan"))
    assert "a lower plan is easier to hit, so no cell is best across plans" in text
    assert "at plan.bookings=$3.50M, org.teams.full_cycle.headcount=13 (70.0%)" in text
    assert "at plan.bookings=$4.00M, org.teams.full_cycle.headcount=13 (35.0%)" in text
    # a cell tied with the best in every run is named with it (csm 9 had been 'the best' where 11 was the same)
    runs = pd.DataFrame(
        [
            {"scenario": job, "replication": r, "hit_plan": float(hit)}
            for job, hits in {
                "12_3500000.0": [1, 0],
                "13_3500000.0": [1, 1],
                "12_4000000.0": [0, 1],
                "13_4000000.0": [0, 1],
            }.items()
            for r, hit in enumerate(hits)
        ]
    )
    rows[3]["mean"] = rows[2]["mean"] = 0.5
    tied = Sweep(
        pd.DataFrame(rows), ["org.teams.full_cycle.headcount", "plan.bookings"], "hit_plan", "today", ["today"], "x"
    )
    text = answer_paragraph(tied, float("nan"), runs=runs)
    assert "at plan.bookings=$3.50M, org.teams.full_cycle.headcount=13 (70.0%); " in text
    assert (
        "at plan.bookings=$4.00M, org.teams.full_cycle.headcount=12 or org.teams.full_cycle.headcount=13 "
        "(50.0%, the same in every run)"
    ) in text


def test_a_sweep_of_practically_equal_cells_names_no_favourite(tmp_path: Path) -> None:
    """F-j's kind in a sweep: "the best cell is truly the best in 78%" for cells apart by a few dollars."""
    import numpy as np

    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import PRACTICALLY_EQUAL, answer_paragraph, best_cell_chance

    luck = np.random.default_rng(3).normal(3_000_000.0, 50_000.0, 20)
    rows = []
    for job, step in (("a", 0.0), ("b", 3.0)):
        (tmp_path / job).mkdir()
        runs = pd.DataFrame(
            {"scenario": "today", "replication": range(20), "bookings": luck + step + np.arange(20) % 3}
        )
        runs.to_csv(tmp_path / job / "replications.csv", index=False)
        mean = float(runs["bookings"].mean())
        rows.append(
            {"job": job, "org.teams.full_cycle.headcount": 12 + len(rows), "scenario": "today", "kpi": "bookings"}
            | {"n": 20, "mean": mean, "ci_low": mean - 20_000.0, "ci_high": mean + 20_000.0}
        )
    sweep = Sweep(pd.DataFrame(rows), ["org.teams.full_cycle.headcount"], "bookings", "today", ["today"], "x")
    sweep.jobs = {"a": {}, "b": {}}
    chance = best_cell_chance(sweep, tmp_path, "today")
    assert chance == PRACTICALLY_EQUAL
    text = answer_paragraph(sweep, chance)
    assert "with a probability of" not in text and "The cells are practically equal on bookings" in text
    assert "bookings of today is practically the same at every point; its best mean is at " in text  # not "best at"


def _csm_sweep(folder: Path, shifts: tuple[float, float, float]) -> Sweep:
    """A sweep of the CSMs at 9, 11 and 13 on bookings, each job's 20 runs the same luck shifted by its ``shifts``."""
    import numpy as np

    from simulator.report.sweep_jobs import Sweep

    luck = np.random.default_rng(7).normal(3_600_000.0, 150_000.0, 20)
    rows = []
    for job, csms, shift in zip(("0", "1", "2"), (9, 11, 13), shifts, strict=True):
        bookings = luck + shift
        (folder / job).mkdir()
        pd.DataFrame({"scenario": "today", "replication": range(20), "bookings": bookings}).to_csv(
            folder / job / "replications.csv", index=False
        )
        mean = float(bookings.mean())
        rows.append(
            {"job": job, "org.teams.csm.headcount": csms, "scenario": "today", "kpi": "bookings", "n": 20}
            | {"mean": mean, "ci_low": mean - 70_000.0, "ci_high": mean + 70_000.0}
        )
    sweep = Sweep(pd.DataFrame(rows), ["org.teams.csm.headcount"], "bookings", "today", ["today"], "x")
    sweep.jobs = {"0": {}, "1": {}, "2": {}}
    return sweep


def test_a_sweep_names_cells_tied_with_the_best_in_every_run(tmp_path: Path) -> None:
    """Two cells equal in every run (the CSM headcount changes no booking) read "truly the best in 50%"."""
    from simulator.report.sweep_report import answer_paragraph, best_cell_chance

    sweep = _csm_sweep(tmp_path, (0.0, 0.0, -200_000.0))
    chance = best_cell_chance(sweep, tmp_path, "today")
    assert chance == pytest.approx(1.0)  # the tied pair together; each alone had read 50%
    text = answer_paragraph(sweep, chance, tmp_path)
    assert "ties with org.teams.csm.headcount=11 in every run (equal run by run): together they are " in text, text
    assert "the best with a probability of 100%" in text and "truly the best" not in text
    from simulator.report.plot_heatmap import best_cells

    cells = sweep.table[sweep.table["scenario"] == "today"]
    assert list(best_cells(cells, "bookings")["job"]) == ["0", "1"]  # the heatmap outlines both tied cells


def test_a_sweep_whose_every_point_gives_the_same_runs_names_no_best(tmp_path: Path) -> None:
    """The CSMs swept on bookings gave one set of runs at 9, 11 and 13: 'its best mean is at ...=9' read as a pick."""
    from simulator.report.sweep_report import answer_paragraph, best_cell_chance

    sweep = _csm_sweep(tmp_path, (0.0, 0.0, 0.0))
    text = answer_paragraph(sweep, best_cell_chance(sweep, tmp_path, "today"), tmp_path)
    assert text.startswith(
        "Over 3 values of org.teams.csm.headcount, bookings of today is the same in every run at every point, $3."
    ), text
    assert "the swept setting does not move it." in text
    assert "best" not in text, text


def test_the_sweep_answer_gives_the_best_cell_against_the_next_with_the_guardrails(tmp_path: Path) -> None:
    """A fresh user read "best at 14: $4.31M. Next is 12 at $3.82M" with no paired CI, and no word of the
    experiment's guardrail (cost of sales, +$290k from 12 to 14 reps)."""
    import numpy as np

    from simulator.report.sweep_jobs import Sweep, job_runs
    from simulator.report.sweep_report import answer_paragraph, sweep_markdown

    luck = np.random.default_rng(5).normal(3_800_000.0, 200_000.0, 30)
    rows = []
    for job, reps, gain, cost in (("0", 12, 0.0, 2_000_000.0), ("1", 14, 490_000.0, 2_290_000.0)):
        (tmp_path / job).mkdir()
        noise = np.random.default_rng(int(job)).normal(0.0, 60_000.0, 30)
        runs = pd.DataFrame(
            {"scenario": "today", "replication": range(30), "bookings": luck + gain + noise, "cost_of_sales": cost}
        )
        runs.to_csv(tmp_path / job / "replications.csv", index=False)
        for kpi in ("bookings", "cost_of_sales"):
            mean = float(runs[kpi].mean())
            rows.append(
                {"job": job, "org.teams.full_cycle.headcount": reps, "scenario": "today", "kpi": kpi, "n": 30}
                | {"mean": mean, "ci_low": mean - 80_000.0, "ci_high": mean + 80_000.0}
            )
    params = ["org.teams.full_cycle.headcount"]
    jobs: dict[str, dict[str, str]] = {"0": {}, "1": {}}
    sweep = Sweep(pd.DataFrame(rows), params, "bookings", "today", ["today"], "x", jobs, ["cost_of_sales"])
    runs = job_runs(sweep, tmp_path, "today")
    assert runs is not None and set(runs["scenario"]) == {"0", "1"}
    text = answer_paragraph(sweep, float("nan"), tmp_path)
    paired = runs.pivot(index="replication", columns="scenario", values="bookings")
    diff = (paired["1"] - paired["0"]).mean()
    assert "is best at org.teams.full_cycle.headcount=14" in text
    assert "Next is org.teams.full_cycle.headcount=12 at $3." in text
    assert f"the best cell against it, run by run: bookings +${diff / 1000:,.1f}k (95% CI +$" in text, text
    assert "and cost of sales +$290.0k in every run." in text
    assert "which includes zero" not in text  # clearly apart
    from simulator.report.sweep_report import _paired_words

    unclear = pd.Series({"mean_diff": 255_000.0, "ci_low": -89_400.0, "ci_high": 599_700.0, "significant": False})
    assert _paired_words(unclear, "bookings").endswith(", which includes zero: not clearly apart)")
    # a yes/no KPI's CI widened to reach zero (McNemar's test) is unclear too: "0.0 to +44.8 points" had stood bare
    widened = pd.Series({"mean_diff": 0.25, "ci_low": 0.0, "ci_high": 0.448, "significant": False})
    assert _paired_words(widened, "hit_plan").endswith(", which includes zero: not clearly apart)")
    report = sweep_markdown(sweep, tmp_path, None, float("nan"))
    assert "| Job | org.teams.full_cycle.headcount | Bookings ($) | Cost of sales ($) |" in report.replace("  ", " ")
    assert "$2.29M |" in report


def test_the_sweep_answer_names_the_points_where_another_scenario_does_better(tmp_path: Path) -> None:
    """The report read on the baseline only: the specialist booking $3.28M against $3.06M at headcount 10 went
    unsaid (a fresh user's check)."""
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    means = {("generalist", 10): 3.06e6, ("generalist", 12): 3.72e6, ("specialist", 10): 3.28e6}
    means[("specialist", 12)] = 3.25e6
    rows = [
        {"job": str(h), "org.teams.full_cycle.headcount": h, "scenario": sc, "kpi": "bookings", "n": 40}
        | {"mean": m, "ci_low": m - 1e5, "ci_high": m + 1e5}
        for (sc, h), m in means.items()
    ]
    params = ["org.teams.full_cycle.headcount"]
    sweep = Sweep(pd.DataFrame(rows), params, "bookings", "generalist", ["generalist", "specialist"], "x")
    text = answer_paragraph(sweep, float("nan"))
    assert (
        "specialist does better than generalist at 1 of 2 points: org.teams.full_cycle.headcount=10 "
        "($3.28M against $3.06M)." in text
    ), text
    # with the jobs' folders, a point counts only where that job's paired comparison is clear (a fresh user read
    # "does better at 3 of 3 points" on +$45k with each job's CI -$1.13M to +$1.22M)
    sweep_dir = tmp_path / "sweep"
    for job, clear in (("10", True), ("12", False)):
        (sweep_dir / job).mkdir(parents=True)
        pd.DataFrame([{"scenario": "specialist", "kpi": "bookings", "significant": clear}]).to_csv(
            sweep_dir / job / "comparison.csv", index=False
        )
    means[("specialist", 12)] = 3.80e6  # ahead on the mean at 12 too, but not clearly
    ahead = Sweep(
        pd.DataFrame(
            [
                {"job": str(h), "org.teams.full_cycle.headcount": h, "scenario": sc, "kpi": "bookings", "n": 40}
                | {"mean": m, "ci_low": m - 1e5, "ci_high": m + 1e5}
                for (sc, h), m in means.items()
            ]
        ),
        params,
        "bookings",
        "generalist",
        ["generalist", "specialist"],
        "x",
    )
    said = answer_paragraph(ahead, float("nan"), sweep_dir)
    assert "specialist does clearly better than generalist at 1 of 2 points: org.teams.full_cycle.headcount=10" in said
    cycle = pd.DataFrame(rows).assign(kpi="cycle_time_days_p50", mean=lambda t: t["mean"] / 1e5)  # lower is better
    lower = Sweep(cycle, params, "cycle_time_days_p50", "generalist", ["generalist", "specialist"], "x")
    assert "specialist does better than generalist at 1 of 2 points: org.teams.full_cycle.headcount=12" in (
        answer_paragraph(lower, float("nan"))
    )


def test_the_sweep_answer_says_when_a_scenario_fixes_the_swept_key_itself() -> None:
    """plan_check's two_more_reps sets the headcount to 14 itself: "does better at headcount=10" read as two more
    reps when it was four (a fresh user's check)."""
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    key = "org.teams.full_cycle.headcount"
    means = {("today", 10): 0.15, ("today", 14): 0.58, ("two_more_reps", 10): 0.58, ("two_more_reps", 14): 0.58}
    rows = [
        {"job": str(h), key: h, "scenario": sc, "kpi": "hit_plan", "n": 60}
        | {"mean": m, "ci_low": m - 0.1, "ci_high": m + 0.1}
        for (sc, h), m in means.items()
    ]
    fixed = {"two_more_reps": {key: f"{key}=14"}}
    sweep = Sweep(pd.DataFrame(rows), [key], "hit_plan", "today", ["today", "two_more_reps"], "x", fixed=fixed)
    text = answer_paragraph(sweep, float("nan"))
    assert f"two_more_reps sets {key}=14 itself, so the sweep does not move it there" in text, text
    unfixed = Sweep(pd.DataFrame(rows), [key], "hit_plan", "today", ["today", "two_more_reps"], "x")
    assert "itself" not in answer_paragraph(unfixed, float("nan"))


Row = dict[str, object]


def _job_folder(folder: Path, override: str, experiment: Row, notes: Row, summary: list[Row]) -> None:
    """A sweep job's folder as a run leaves it: its config.yaml (override, experiment, notes) and summary.csv."""
    folder.mkdir()
    config = {"command_line_overrides": [override], "experiment": experiment, **notes}
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    pd.DataFrame(summary).to_csv(folder / "summary.csv", index=False)


def test_a_sweep_reads_the_keys_each_scenario_fixes_from_its_jobs(tmp_path: Path) -> None:
    from simulator.report.sweep_jobs import gather

    key = "org.teams.full_cycle.headcount"
    for job, headcount in enumerate((10, 14)):
        summary = [
            {"scenario": s, "kpi": "hit_plan", "n": 4, "mean": 0.5, "ci_low": 0.2, "ci_high": 0.8}
            for s in ("today", "two_more_reps")
        ]
        _job_folder(
            tmp_path / str(job),
            f"{key}={headcount}",
            {"name": "plan_check", "baseline": "today", "decision": {"primary": "hit_plan"}},
            {"overrides_replaced": {"two_more_reps": {key: f"{key}=14", "seed": "seed=3"}}},
            summary,
        )
    sweep = gather(tmp_path)
    assert sweep is not None and sweep.params == [key]
    assert sweep.fixed == {"two_more_reps": {key: f"{key}=14"}}  # only the swept keys


def test_a_sweep_over_the_plan_prefers_no_cell_practically_equal_to_the_best() -> None:
    """West 12 reps against 10 differed by $492 in $3.19M (0.015%), and 12 had been named the best."""
    import numpy as np

    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    gen = np.random.default_rng(3)
    base = 3.19e6 + gen.normal(0, 2e5, 40)
    jobs = {"0": base + 492.0, "1": base + gen.normal(0, 100, 40)}  # the same runs, a few hundred dollars apart
    runs = pd.DataFrame(
        [
            {"scenario": job, "replication": r, "bookings": v}
            for job, values in jobs.items()
            for r, v in enumerate(values)
        ]
    )
    rows = [
        {"job": job, "org.teams.West.headcount": h, "plan.bookings": 1.2e7, "scenario": "as_is", "kpi": "bookings"}
        | {"n": 40, "mean": float(jobs[job].mean()), "ci_low": 3.1e6, "ci_high": 3.3e6}
        for job, h in (("0", 12), ("1", 10))
    ]
    sweep = Sweep(
        pd.DataFrame(rows), ["org.teams.West.headcount", "plan.bookings"], "bookings", "as_is", ["as_is"], "x"
    )
    text = answer_paragraph(sweep, float("nan"), runs=runs)
    assert "org.teams.West.headcount=12 or org.teams.West.headcount=10 ($3.18M, practically equal: none preferred)" in (
        text
    )


def test_a_sweep_read_on_bookings_gives_the_plans_chance_and_the_plan_held_over_the_window() -> None:
    """A calibrated company swept over +plan.bookings=12e6,13e6 read on bookings: hit_plan appeared nowhere."""
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph, sweep_markdown

    def cell(job: str, plan: float, kpi: str, mean: float, low: float, high: float) -> dict[str, object]:
        return {"job": job, "org.teams.West.headcount": 10, "plan.bookings": plan, "scenario": "as_is", "kpi": kpi} | {
            "n": 20,
            "mean": mean,
            "ci_low": low,
            "ci_high": high,
        }

    rows = [
        cell("0", 12e6, "bookings", 3.02e6, 2.91e6, 3.13e6),
        cell("0", 12e6, "hit_plan", 0.5, 0.299, 0.701),
        cell("0", 12e6, "plan_target", 3.0e6, 3.0e6, 3.0e6),
        cell("1", 13e6, "bookings", 3.02e6, 2.91e6, 3.13e6),
        cell("1", 13e6, "hit_plan", 0.15, 0.052, 0.36),
        cell("1", 13e6, "plan_target", 3.25e6, 3.25e6, 3.25e6),
    ]
    params = ["org.teams.West.headcount", "plan.bookings"]
    sweep = Sweep(pd.DataFrame(rows), params, "bookings", "as_is", ["as_is"], "x")
    text = answer_paragraph(sweep, float("nan"))
    assert "the plan held over the runs' window, $3.00M, is hit in 50.0% of runs (95% CI 29.9% to 70.1%)" in text
    assert "$3.25M, is hit in 15.0% of runs (95% CI 5.2% to 36.0%)" in text
    table = sweep_markdown(sweep, Path("."), None, float("nan"))
    assert "| Probability of hitting the plan (%) |" in table and "| 15.0% (5.2% to 36.0%) |" in table
    # read on the plan's chance itself, it is not repeated beside it
    on_plan = Sweep(pd.DataFrame(rows), params, "hit_plan", "as_is", ["as_is"], "x")
    assert sweep_markdown(on_plan, Path("."), None, float("nan")).count("Probability of hitting the plan") == 2
    # one plan, not swept: the best cell's chance follows its bookings
    one = Sweep(pd.DataFrame(rows[:3]), ["org.teams.West.headcount"], "bookings", "as_is", ["as_is"], "x")
    assert "$3.02M (95% CI $2.91M to $3.13M); the plan held over" in answer_paragraph(one, float("nan"))


def test_the_heatmap_outlines_the_cells_the_report_calls_practically_equal(tmp_path: Path) -> None:
    """The report said "practically equal: none preferred" while the map outlined 12 alone, red against green."""
    import numpy as np

    from simulator.report.plot_heatmap import plot_heatmap
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import alike_jobs

    gen = np.random.default_rng(3)
    base = 3.19e6 + gen.normal(0, 2e5, 40)
    jobs = {"0": base + 492.0, "1": base + gen.normal(0, 100, 40)}
    runs = pd.DataFrame(
        [
            {"scenario": job, "replication": r, "bookings": v}
            for job, values in jobs.items()
            for r, v in enumerate(values)
        ]
    )
    rows = [
        {"job": job, "org.teams.West.headcount": h, "scenario": "as_is", "kpi": "bookings"}
        | {"n": 40, "mean": float(jobs[job].mean()), "ci_low": 3.1e6, "ci_high": 3.3e6}
        for job, h in (("0", 12), ("1", 10))
    ]
    sweep = Sweep(pd.DataFrame(rows), ["org.teams.West.headcount"], "bookings", "as_is", ["as_is"], "x")
    assert alike_jobs(sweep, runs) == ["1"]  # the best (12) and 10, practically equal
    apart = runs.assign(bookings=np.where(runs["scenario"] == "1", runs["bookings"] - 2e5, runs["bookings"]))
    assert alike_jobs(sweep, apart) == []
    path = plot_heatmap(sweep.table, "bookings", sweep.params, sweep.scenarios, tmp_path, None, ["1"])
    assert path.stat().st_size > 10_000


def test_a_sweep_says_a_scenario_without_the_swept_key_is_one_design_at_every_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sweeping the SDRs' headcount on generalist vs specialist: generalist has no SDR team, its cells were identical
    and outlined both, and only the terminal said the key was skipped there (a fresh user's check)."""
    from simulator.report import plot_heatmap as heatmap
    from simulator.report.sweep_jobs import gather
    from simulator.report.sweep_report import answer_paragraph
    from simulator.run.experiment import SKIPPED_OVERRIDES

    key = "org.teams.sdr.headcount"
    composed = simulator.load_experiment(overrides=["runs=2", f"{key}=3"])
    assert composed.resolved_config[SKIPPED_OVERRIDES] == {"generalist": [key]}
    means = {("generalist", 3): 3.1e6, ("generalist", 5): 3.1e6, ("specialist", 3): 2.7e6, ("specialist", 5): 2.9e6}
    for job, headcount in enumerate((3, 5)):
        summary = [
            {"scenario": s, "kpi": "bookings", "n": 20, "mean": m, "ci_low": m - 1e5, "ci_high": m + 1e5}
            for (s, h), m in means.items()
            if h == headcount
        ]
        _job_folder(
            tmp_path / str(job),
            f"{key}={headcount}",
            {"name": "default", "baseline": "generalist", "decision": {"primary": "bookings"}},
            {SKIPPED_OVERRIDES: {"generalist": [key]}},
            summary,
        )
    sweep = gather(tmp_path)
    assert sweep is not None and sweep.absent == {"generalist": [key]} and sweep.unmoved("generalist")
    text = answer_paragraph(sweep, float("nan"))
    opening = f"Over 2 values of {key}, the sweep moves nothing in generalist, the baseline. generalist has no {key}, "
    assert text.startswith(opening), text
    assert "so the sweep skipped it there: generalist is the same design at every point, bookings $3.10M (95% CI" in (
        text
    ), text
    assert f"specialist, which has {key}, is best at {key}=5: bookings $2.90M (95% CI $2.80M to $3.00M)." in text
    # read on the scenario the sweep moves: the generalist's one figure had been the whole answer
    from simulator.report.sweep_jobs import read_on_moved

    read = read_on_moved(sweep)
    assert (read.baseline, read.scenarios, read.experiment_baseline) == (
        "specialist",
        ["specialist", "generalist"],
        "generalist",
    )
    text = answer_paragraph(read, float("nan"))
    assert text.startswith(
        f"Read on specialist, as the sweep moves nothing in generalist, the baseline. Over 2 values of {key}, bookings "
        f"of specialist is best at {key}=5: $2.90M"
    ), text
    assert (
        "generalist is the same design at every point, bookings $3.10M (95% CI $3.00M to $3.20M). Against specialist, "
        f"generalist has a better mean at {key}=3 ($3.10M against $2.70M) and {key}=5 ($3.10M against $2.90M)."
    ) in text, text
    assert read_on_moved(read) is read and read_on_moved(gather(tmp_path) or sweep).baseline == "specialist"
    outlines: list[object] = []
    real = heatmap.Rectangle
    monkeypatch.setattr(heatmap, "Rectangle", lambda *a, **k: outlines.append(a) or real(*a, **k))
    heatmap.plot_heatmap(sweep.table, "bookings", [key], ["generalist", "specialist"], tmp_path, absent=sweep.absent)
    assert len(outlines) == 1  # the specialist's best alone: the generalist's identical cells had both been outlined


def test_a_design_the_sweep_does_not_move_is_compared_with_the_swept_one_at_each_point(tmp_path: Path) -> None:
    """Sweeping the full-cycle reps (10, 12, 14) on generalist vs specialist read "specialist is the same design at
    every point, bookings $3.52M (95% CI ...), against generalist at each swept value." and no comparison, beside
    generalist's $3.11M at 10 reps: each job's paired comparison says better, worse or not clearly different."""
    import numpy as np

    from simulator.analysis.comparison import compare
    from simulator.report.sweep_jobs import gather
    from simulator.report.sweep_report import answer_paragraph
    from simulator.run.experiment import SKIPPED_OVERRIDES

    key = "org.teams.full_cycle.headcount"
    rng = np.random.default_rng(7)
    luck = rng.normal(3.5e6, 3e5, 20)  # every job on the same seed: run r has the same luck at every point
    specialist = luck + rng.normal(0.0, 1e5, 20)
    for job, (headcount, behind) in enumerate(((10, -4e5), (12, 0.0), (14, 6e5))):
        generalist = luck + behind + rng.normal(0.0, 1e5, 20)
        runs = pd.concat(
            [
                pd.DataFrame({"scenario": name, "replication": range(20), "bookings": values})
                for name, values in (("generalist", generalist), ("specialist", specialist))
            ]
        )
        summary = [
            {"scenario": name, "kpi": "bookings", "n": 20, "mean": float(v.mean())}
            | {"ci_low": float(v.mean()) - 1.4e5, "ci_high": float(v.mean()) + 1.4e5}
            for name, v in (("generalist", generalist), ("specialist", specialist))
        ]
        folder = tmp_path / str(job)
        _job_folder(
            folder,
            f"{key}={headcount}",
            {"name": "default", "baseline": "generalist", "decision": {"primary": "bookings"}},
            {SKIPPED_OVERRIDES: {"specialist": [key]}},
            summary,
        )
        runs.to_csv(folder / "replications.csv", index=False)
        compare(runs, "generalist", kpis=["bookings"]).to_csv(folder / "comparison.csv", index=False)
    sweep = gather(tmp_path)
    assert sweep is not None and sweep.unmoved("specialist")
    table = {j: pd.read_csv(tmp_path / j / "comparison.csv").iloc[0] for j in ("0", "1", "2")}
    assert [bool(table[j]["significant"]) for j in table] == [True, False, True]
    text = answer_paragraph(sweep, float("nan"), tmp_path)
    assert "against generalist at each swept value." not in text, text
    better, unclear, worse = (table[j] for j in ("0", "1", "2"))

    def money(x: float) -> str:
        return f"{'+' if x > 0 else '-'}${abs(x) / 1e3:,.1f}k"

    def at(headcount: int, row: pd.Series) -> str:
        ci = f"{money(row['ci_low'])} to {money(row['ci_high'])}"
        return f"{key}={headcount} ({money(row['mean_diff'])}, 95% CI {ci})"

    expected = (
        " Against generalist run by run, specialist does better at "
        f"{at(10, better)}; it does worse at {at(14, worse)}; it is not clearly different at {at(12, unclear)}."
    )
    assert expected in text, text
    assert "specialist does clearly better than generalist" not in text  # said once, in the comparison at each point
    # without the jobs' comparisons (a sweep summary alone): the means, said to be the means alone
    means = answer_paragraph(sweep, float("nan"))
    assert " Against generalist, specialist has a better mean at " in means and "run by run" not in means


def test_a_two_key_sweep_says_which_key_the_baseline_lacks_and_compares_other_designs(tmp_path: Path) -> None:
    """CSMs x SDRs on generalist vs specialist: 'Next is csm=9, sdr=5 ... $0 in every run' compared one design with
    itself, no word said the SDR key was skipped in generalist, and specialist's own best went unsaid."""
    import numpy as np

    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    csm, sdr = "org.teams.csm.headcount", "org.teams.sdr.headcount"
    luck = np.random.default_rng(3).normal(3.4e6, 2e5, 20)
    rows, jobs = [], {}
    for job, (c, d) in enumerate(((9, 3), (9, 5), (13, 3), (13, 5))):
        folder = tmp_path / str(job)
        folder.mkdir()
        generalist = luck + (60_000.0 if c == 13 else 0.0)  # the SDRs do not move it: no SDR team
        specialist = luck - 200_000.0 + (200_000.0 if d == 5 else 0.0)
        runs = pd.concat(
            [
                pd.DataFrame({"scenario": name, "replication": range(20), "bookings": values})
                for name, values in (("generalist", generalist), ("specialist", specialist))
            ]
        )
        runs.to_csv(folder / "replications.csv", index=False)
        jobs[str(job)] = {csm: str(c), sdr: str(d)}
        for name, values in (("generalist", generalist), ("specialist", specialist)):
            m = float(values.mean())
            rows.append(
                {"job": str(job), csm: c, sdr: d, "scenario": name, "kpi": "bookings", "n": 20}
                | {"mean": m, "ci_low": m - 1e5, "ci_high": m + 1e5}
            )
    sweep = Sweep(pd.DataFrame(rows), [csm, sdr], "bookings", "generalist", ["generalist", "specialist"], "x", jobs)
    sweep.absent = {"generalist": [sdr]}
    text = answer_paragraph(sweep, float("nan"), tmp_path)
    assert f"is best at {csm}=13, {sdr}=3" in text and f"Next is {csm}=9" in text, text
    assert "in every run" not in text.split("Next is", 1)[1].split(".")[0]  # not the best cell's twin
    assert f"generalist has no {sdr}, so the sweep skipped it there: only the other swept keys move generalist." in text
    assert f"specialist, which has {sdr}, is best at {csm}=9, {sdr}=5: bookings $3.37M (95% CI" in text, text


def test_a_sweep_of_more_scenarios_than_the_heatmap_draws_names_those_left_out(tmp_path: Path) -> None:
    """org_structures' fifth scenario was missing from the heatmap without a word."""
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import sweep_markdown

    names = ["generalists", "specialists", "pods_by_segment", "pods_by_product", "pods_by_product_uplift"]
    rows = [
        {"job": str(j), "org.teams.sdr.headcount": h, "scenario": n, "kpi": "bookings", "n": 12}
        | {"mean": 3e6 + j, "ci_low": 2.9e6, "ci_high": 3.1e6}
        for j, h in enumerate((3, 5))
        for n in names
    ]
    sweep = Sweep(pd.DataFrame(rows), ["org.teams.sdr.headcount"], "bookings", names[0], names, "x")
    figure = tmp_path / "heatmap.png"
    figure.write_bytes(b"png")
    text = sweep_markdown(sweep, tmp_path, figure, float("nan"))
    assert "The heatmap draws the first 4 scenarios; pods_by_product_uplift is in `sweep_summary.csv`." in text


def test_a_sweep_read_on_another_scenario_names_a_third_that_clearly_beats_it(tmp_path: Path) -> None:
    """org_structures swept on the SDRs, read on specialists: pods_by_segment's clear +$1.22M went unsaid, as the
    jobs' own comparisons are against generalists alone."""
    import numpy as np

    from simulator.analysis.comparison import compare
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_others import other_scenarios_words

    key = "org.teams.sdr.headcount"
    luck = np.random.default_rng(6).normal(3.0e6, 3e5, 20)
    rows = []
    for job, sdrs in enumerate((1, 2)):
        folder = tmp_path / str(job)
        folder.mkdir()
        designs = {"generalists": luck + 0.1e6, "specialists": luck - 0.4e6 + 0.1e6 * sdrs, "pods": luck + 0.8e6}
        runs = pd.concat(
            [
                pd.DataFrame({"scenario": name, "replication": range(20), "bookings": values})
                for name, values in designs.items()
            ]
        )
        runs.to_csv(folder / "replications.csv", index=False)
        compare(runs, "generalists", kpis=["bookings"]).to_csv(folder / "comparison.csv", index=False)
        for name, values in designs.items():
            m = float(values.mean())
            rows.append(
                {"job": str(job), key: sdrs, "scenario": name, "kpi": "bookings", "n": 20}
                | {"mean": m, "ci_low": m - 1e5, "ci_high": m + 1e5}
            )
    jobs = {"0": {key: "1"}, "1": {key: "2"}}
    scenarios = ["specialists", "generalists", "pods"]
    sweep = Sweep(pd.DataFrame(rows), [key], "bookings", "specialists", scenarios, "x", jobs)
    text = other_scenarios_words(sweep, tmp_path)
    assert "pods does clearly better than specialists at 2 of 2 points" in text, text


def test_a_sweep_names_the_cheapest_cell_reaching_the_decision_rule_s_target(tmp_path: Path) -> None:
    """plan_check's sweep named 19 reps the best (83%), unsaid whether any cell reaches the experiment's 80% target."""
    from simulator.report.sweep_jobs import gather
    from simulator.report.sweep_report import answer_paragraph

    key = "org.teams.full_cycle.headcount"
    for job, (headcount, chance, cost) in enumerate(((15, 0.55, 4.1e6), (17, 0.82, 4.4e6), (19, 0.90, 4.7e6))):
        summary = [
            {"scenario": "today", "kpi": "hit_plan", "n": 100, "mean": chance, "ci_low": chance - 0.09}
            | {"ci_high": min(chance + 0.07, 1.0)},
            {"scenario": "today", "kpi": "cost_of_sales", "n": 100, "mean": cost, "ci_low": cost, "ci_high": cost},
        ]
        decision = {"primary": "hit_plan", "rule": {"target": 0.8}}
        _job_folder(
            tmp_path / str(job),
            f"{key}={headcount}",
            {"name": "plan_check", "baseline": "today", "decision": decision},
            {},
            summary,
        )
    sweep = gather(tmp_path)
    assert sweep is not None and sweep.target == 0.8
    text = answer_paragraph(sweep, float("nan"))
    words = "The experiment's target of 80.0% is reached on average at 2 of 3 points; the cheapest of them: "
    assert f"{words}{key}=17, 82.0%, its 95% CI reaching below it, at a cost of sales of $4.40M." in text, text


def test_a_calibrated_company_s_headcount_sweep_says_it_rests_on_the_assumed_effort(tmp_path: Path) -> None:
    """A sweep of the crm-maven company's teams read flat bookings over 30-36 reps, unsaid that effort is assumed."""
    from simulator.report.sweep_jobs import gather
    from simulator.report.sweep_report import sweep_markdown

    key = "org.teams.Central.headcount"
    for job, headcount in enumerate((10, 12)):
        summary = [
            {"scenario": "as_is", "kpi": "bookings", "n": 4, "mean": 3.07e6, "ci_low": 2.97e6, "ci_high": 3.17e6}
        ]
        notes = {"scenarios": {"as_is": {"pipeline": {"fitted_from": "sales_pipeline.csv"}}}}
        _job_folder(tmp_path / str(job), f"{key}={headcount}", {"name": "cal", "baseline": "as_is"}, notes, summary)
    sweep = gather(tmp_path)
    assert sweep is not None and sweep.effort_from == "sales_pipeline.csv"
    text = sweep_markdown(sweep, tmp_path, None, float("nan"))
    assert "*This sweep rests on the effort per deal salesim calibrate assumed (sales_pipeline.csv records no " in text


def test_a_sweep_s_best_cell_is_not_called_certain_on_a_few_discordant_runs(tmp_path: Path) -> None:
    """plan_check swept over 10 and 12 reps, 20 runs: "The best cell is truly the best with a probability of
    100%" for McNemar's 1 - 0.5/128 (seven runs where only 12 reps hit the plan, none the other way)."""
    import numpy as np

    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    luck = np.random.default_rng(7).normal(3_600_000.0, 150_000.0, 20)
    rows = []
    for job, reps, bookings in (("0", 10, luck - 300_000.0), ("1", 12, luck)):
        (tmp_path / job).mkdir()
        pd.DataFrame({"scenario": "today", "replication": range(20), "bookings": bookings}).to_csv(
            tmp_path / job / "replications.csv", index=False
        )
        mean = float(bookings.mean())
        rows.append(
            {"job": job, "org.teams.full_cycle.headcount": reps, "scenario": "today", "kpi": "bookings", "n": 20}
            | {"mean": mean, "ci_low": mean - 70_000.0, "ci_high": mean + 70_000.0}
        )
    sweep = Sweep(pd.DataFrame(rows), ["org.teams.full_cycle.headcount"], "bookings", "today", ["today"], "x")
    sweep.jobs = {"0": {}, "1": {}}
    text = answer_paragraph(sweep, 1 - 0.5 / 128, tmp_path)
    assert "truly the best with a probability of >99% (paired runs" in text, text


@pytest.mark.parametrize(("runs", "words"), [(1, "1 run a point is too few"), (4, "4 runs a point are too few")])
def test_a_sweep_with_too_few_runs_a_point_says_so_in_grammar(runs: int, words: str) -> None:
    """A job left one run by failed replications had read "1 runs a point are too few"."""
    from simulator.report.sweep_jobs import Sweep
    from simulator.report.sweep_report import answer_paragraph

    rows = [
        {"job": str(k), "org.teams.full_cycle.headcount": 12 + k, "scenario": "today", "kpi": "bookings", "n": runs}
        | {"mean": 1_000_000.0 * (1 + k), "ci_low": 900_000.0 * (1 + k), "ci_high": 1_100_000.0 * (1 + k)}
        for k in range(2)
    ]
    sweep = Sweep(pd.DataFrame(rows), ["org.teams.full_cycle.headcount"], "bookings", "today", ["today"], "x")
    sweep.jobs = {"0": {}, "1": {}}
    text = answer_paragraph(sweep, float("nan"))
    assert words in text, text
