"""An interrupted sweep resumes as a whole: the command it prints, its jobs not started, its gathering.

A fresh user's sweep of two jobs, stopped during job 0, printed a resume command for job 0
alone, as a single run (job 1 never ran, nothing was gathered); the sweep typed again with
``runner.resume=true`` refused job 1, which had no folder to resume.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator import resume_commands
from simulator.job import COMMAND_LINE_ENV
from simulator.report.sweep_jobs import gather
from simulator.report.sweep_report import write_sweep
from simulator.run.settings import RunnerSettings
from simulator.run.store import STORE_DIRNAME
from tests.scenarios import ROOT


def test_the_resume_command_of_a_sweep_is_the_sweep_as_typed_in_the_same_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(COMMAND_LINE_ENV, '{"config": ["--config-dir", "/abs/mine"]}')
    argv = [
        "--multirun",
        "--config-dir",
        "mine",
        "org.teams.full_cycle.headcount=10,12",
        "runner.resume=false",
        "hydra.sweep.dir=old",
        "runs=150",
    ]
    command = resume_commands.sweep_resume_command(argv, tmp_path / "sweep")
    assert command == (
        "python -m simulator --config-dir /abs/mine --multirun org.teams.full_cycle.headcount=10,12 runs=150 "
        f"runner.resume=true hydra.sweep.dir={tmp_path / 'sweep'}"
    )
    assert "--config-dir=mine" not in resume_commands.sweep_resume_command(
        ["--config-dir=mine", "-m", "runs=2"], tmp_path
    )
    # a sweep folder typed relative (hydra.sweep.dir=swept) resumes there from any directory, as a single run does
    relative = resume_commands.sweep_resume_command(["-m", "runs=2,3", "hydra.sweep.dir=swept"], Path("swept"))
    assert relative.endswith(f"runner.resume=true hydra.sweep.dir={Path.cwd() / 'swept'}")


def test_a_job_the_sweep_had_not_started_runs_from_the_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resumed = RunnerSettings(resume=True)
    assert resume_commands.sweep_job_settings(resumed, tmp_path / "1").resume is False
    assert (
        "job 1 of the sweep has no runs to resume (not started before the stop, or new): it runs from the start"
        in capsys.readouterr().err
    )
    (tmp_path / "0" / STORE_DIRNAME).mkdir(parents=True)
    (tmp_path / "0" / STORE_DIRNAME / "manifest.json").write_text("{}")
    assert resume_commands.sweep_job_settings(resumed, tmp_path / "0") is resumed  # an interrupted job resumes
    assert resume_commands.sweep_job_settings(RunnerSettings(), tmp_path / "1").resume is False
    assert capsys.readouterr().err == ""


SWEPT = "org.teams.full_cycle.headcount"
FIXED = ["runs=2", "clock.horizon_days=40", "clock.warmup_days=0", "runner.workers=1", "runner.progress=false"]


def sweep(cwd: Path, folder: Path, values: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``salesim --multirun`` over the full-cycle headcount ``values``, short, into ``folder``."""
    command = [sys.executable, "-m", "simulator", "--multirun", f"{SWEPT}={values}", *FIXED, *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command.append(f"hydra.sweep.dir={folder}")
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep of 10,12 reps run whole, never stopped: the two tests below had each run it (the same command).

    Read only: a test that resumes or stops it works on its own copy.
    """
    cwd = tmp_path_factory.mktemp("finished_sweep")
    whole = sweep(cwd, cwd / "sweep", "10,12")
    assert whole.returncode == 0, whole.stderr[-3000:]
    return cwd / "sweep"


def test_a_sweep_stopped_after_its_first_job_resumes_the_rest_and_gathers_as_if_never_stopped(
    tmp_path: Path, finished_sweep: Path
) -> None:
    stopped = tmp_path / "stopped"
    shutil.copytree(finished_sweep, stopped)
    # as the sweep leaves it when stopped during job 1's first batch: job 0 whole, job 1 not yet a run
    shutil.rmtree(stopped / "1")
    # gathered as it stands, the report names the job with no results
    fixed = ["runs=2", "clock.horizon_days=40", "clock.warmup_days=0", "runner.workers=1", "runner.progress=False"]
    jobs = [[f"org.teams.full_cycle.headcount={n}", *fixed] for n in (10, 12)]  # as each job records them
    write_sweep(stopped, jobs)
    text = (stopped / "report.md").read_text()
    assert (
        "*1 of the sweep's 2 jobs has no results (failed, refused or not run: its folder or the terminal says why): "
        "job 1 (org.teams.full_cycle.headcount=12). The answer is over the 1 that finished;"
    ) in text
    for gathered in ("sweep_summary.csv", "heatmap.png", "report.md", "report.html"):
        (stopped / gathered).unlink()
    done = sweep(tmp_path, stopped, "10,12", "runner.resume=true")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (
        "job 1 of the sweep has no runs to resume (not started before the stop, or new): it runs from the start"
        in done.stderr
    )
    assert "sweep of 2 jobs gathered" in done.stdout
    for job in ("0", "1"):
        assert (stopped / job / "replications.csv").read_bytes() == (
            finished_sweep / job / "replications.csv"
        ).read_bytes()
    # runner.resume is how the jobs were run, not a setting of the sweep: the table is the one never stopped
    pd.testing.assert_frame_equal(
        pd.read_csv(stopped / "sweep_summary.csv"), pd.read_csv(finished_sweep / "sweep_summary.csv")
    )
    found = gather(stopped)
    assert found is not None and list(found.params) == ["org.teams.full_cycle.headcount"]


def _finished_job(folder: Path, overrides: list[str], bookings: float) -> None:
    """A sweep job's folder as a finished run leaves it, for the gathering: config.yaml and summary.csv."""
    folder.mkdir(parents=True)
    experiment = {"name": "generalist_vs_specialist", "baseline": "generalist", "decision": {"primary": "bookings"}}
    config = {"command_line_overrides": overrides, "experiment": experiment}
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    row = {"scenario": "generalist", "kpi": "bookings", "n": 4, "mean": bookings, "ci_low": bookings - 1.0}
    pd.DataFrame([{**row, "ci_high": bookings + 1.0}]).to_csv(folder / "summary.csv", index=False)


def test_a_sweep_gathers_only_its_own_jobs_not_an_earlier_sweeps_left_in_its_folder(tmp_path: Path) -> None:
    """An earlier sweep of 10,12 reps in the folder; this one of 10,14 (resumed with a value changed, its job 1
    refused) or of 10 alone: job 1's folder still held 12 reps' results, gathered as this sweep's ("best at 12",
    a value it never ran; a sweep of 1 job had read "sweep of 2 jobs gathered")."""
    key = "org.teams.full_cycle.headcount"
    _finished_job(tmp_path / "0", [f"{key}=10", "runs=4", "runner.resume=true"], 3.0e6)
    _finished_job(tmp_path / "1", [f"{key}=12", "runs=4"], 3.5e6)
    changed = [[f"{key}=10", "runs=4", "runner.resume=true"], [f"{key}=14", "runs=4", "runner.resume=true"]]
    found = gather(tmp_path, changed)
    assert found is not None and list(found.jobs) == ["0"] and set(found.table["job"]) == {"0"}
    write_sweep(tmp_path, changed)
    assert set(pd.read_csv(tmp_path / "sweep_summary.csv")["job"].astype(str)) == {"0"}
    text = (tmp_path / "report.md").read_text()
    assert f"job 1 ({key}=14)" in text and f"{key}=12" not in text
    # its one point is no "best at job 0 ... truly the best with a probability of 100%"
    assert f"The sweep has one point with results, job 0 ({key}=10 runs=4): bookings of generalist is $3.00M" in text
    assert "best at" not in text and "truly the best" not in text
    alone = gather(tmp_path, [[f"{key}=10", "runs=4"]])
    assert alone is not None and list(alone.jobs) == ["0"]
    everything = gather(tmp_path)  # no list of jobs (another sweeper): every finished folder, as before
    assert everything is not None and list(everything.jobs) == ["0", "1"]


def test_a_sweep_with_its_own_job_folder_names_finds_every_job(tmp_path: Path) -> None:
    """hydra.sweep.subdir=hc${...}: jobs had been looked for by number, and the report read "2 of the sweep's 2 jobs
    have no results ... The answer is over the 0 that finished" beside the answer over both."""
    key = "org.teams.full_cycle.headcount"
    for headcount in (10, 12):
        _finished_job(tmp_path / f"hc{headcount}", [f"{key}={headcount}", "runs=4"], 3.0e6 + headcount)
    write_sweep(tmp_path, [[f"{key}={headcount}", "runs=4"] for headcount in (10, 12)])
    text = (tmp_path / "report.md").read_text()
    assert "no results" not in text and "Over 2 values of org.teams.full_cycle.headcount" in text


def test_a_tiny_guardrail_of_a_sweep_never_reads_zero(tmp_path: Path) -> None:
    """sdr_headcount swept over 6 and 8 SDRs: the SDR team's first touch (0.02 and 0.005 hours) read "0.0" in the
    table, and the best cell's difference "0.0 hours (95% CI +0.01 to +0.03 hours)" in the answer."""
    from simulator.analysis.formatting import format_amount, format_signed_amount

    assert format_signed_amount("first_touch_hours_mean_sdr", 0.0153) == "+0.02 hours of working days"
    assert format_amount("first_touch_hours_mean_sdr", -0.0004) == "0.0004 hours of working days"
    assert format_signed_amount("first_touch_hours_mean_sdr", 0.0) == "0.0 hours of working days"  # exactly 0 stays 0
    key = "org.teams.sdr.headcount"
    for job, (headcount, touch) in enumerate(((6, 0.0201), (8, 0.0049))):
        _finished_job(tmp_path / str(job), [f"{key}={headcount}"], 3.0e6 + job)
        config = yaml.safe_load((tmp_path / str(job) / "config.yaml").read_text())
        config["experiment"]["decision"]["guardrails"] = ["first_touch_hours_mean_sdr"]
        (tmp_path / str(job) / "config.yaml").write_text(yaml.safe_dump(config))
        summary = pd.read_csv(tmp_path / str(job) / "summary.csv")
        row = {"scenario": "generalist", "kpi": "first_touch_hours_mean_sdr", "n": 4, "mean": touch}
        summary = pd.concat([summary, pd.DataFrame([{**row, "ci_low": touch / 2, "ci_high": touch * 2}])])
        summary.to_csv(tmp_path / str(job) / "summary.csv", index=False)
    write_sweep(tmp_path, [[f"{key}={h}"] for h in (6, 8)])
    text = (tmp_path / "report.md").read_text()
    assert (
        "| 0 | 6 | $3.00M ($3.00M to $3.00M) | 0.02 |" in text
        and "| 1 | 8 | $3.00M ($3.00M to $3.00M) | 0.005 |" in text
    )


def test_a_resume_with_a_value_changed_is_refused_before_any_job_runs_and_keeps_the_finished_sweep(
    tmp_path: Path, finished_sweep: Path
) -> None:
    """A finished sweep of 10,12 reps resumed as 10,14: job 0 had been written again, job 1 refused, and the sweep
    gathered over job 0 alone, replacing the finished sweep's report and table by a one-point answer beside its old
    heatmap, all under "nothing was run and no results were written"."""
    shutil.copytree(finished_sweep, tmp_path / "sweep")
    files = sorted(p for p in (tmp_path / "sweep").rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    changed = sweep(tmp_path, tmp_path / "sweep", "10,14", "runner.resume=true")
    assert changed.returncode == 2, changed.stderr[-3000:]
    assert "the 2 jobs of the sweep were checked before running any" in changed.stderr
    refused = "[job 1: org.teams.full_cycle.headcount=14] org.teams.full_cycle.headcount = 14: differs from the"
    assert refused in changed.stderr
    assert "gathered" not in changed.stdout and "runs in" not in changed.stdout
    assert sorted(p for p in (tmp_path / "sweep").rglob("*") if p.is_file()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
