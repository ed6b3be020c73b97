"""A sweep's exit status is the worst of its jobs', whichever launcher ran them, and survives a failed gathering.

The end-to-end runs inject their faults from outside the library: ``sitecustomize.py``
(:data:`JOB_FAULTS`, on the run's ``PYTHONPATH``) is imported by every Python process of
the sweep, joblib's workers too, and, as ``SALESIM_TEST_JOB_FAULTS`` says, makes
replication 1 of the jobs numbered in ``fail`` raise, and the jobs numbered in ``refuse``
be refused as a resume with a value changed is (status 2).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hydra.core.utils import JobReturn, JobStatus
from omegaconf import OmegaConf

import simulator.report.sweep_report as sweep_report
from simulator.hydra_callbacks import SweepSummary
from simulator.job import worst_status
from tests.scenarios import ROOT

JOB_FAULTS = """
import json, os

FAULTS = json.loads(os.environ.get("SALESIM_TEST_JOB_FAULTS", "{}"))
if FAULTS:
    import simulator.report.session as session
    import simulator.run.batch as batch
    from hydra.core.hydra_config import HydraConfig

    real, real_write = batch.run_replication, session.run_and_write

    def job_in(kind):
        return HydraConfig.initialized() and HydraConfig.get().job.num in FAULTS.get(kind, [])

    def faulty(scenario, seed, replication, engine="auto"):
        if replication == 1 and job_in("fail"):
            raise RuntimeError("injected failure")
        return real(scenario, seed, replication, engine)

    def crashing(*args, **kwargs):
        if job_in("crash"):
            raise RuntimeError("injected crash")
        return refusing(*args, **kwargs)

    def refusing(*args, **kwargs):
        if job_in("refuse"):
            from simulator.config.errors import ConfigError, ConfigIssue

            raise ConfigError([ConfigIssue("runner.resume", True, "injected refusal")])
        return real_write(*args, **kwargs)

    batch.run_replication, session.run_and_write = faulty, crashing
"""


def _broken_gathering(sweep_dir: Path, *expected: object) -> list[Path]:
    raise ValueError("attempt to get argmin of an empty sequence")


@pytest.mark.parametrize(("codes", "status"), [([0, 2], 2), ([0, 0], 1)])
def test_a_sweep_whose_gathering_fails_still_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], codes: list[int], status: int
) -> None:
    """A refused job (exit 2) and a gathering that raised had ended the sweep with status 0, the job's 2 lost."""
    monkeypatch.setattr(sweep_report, "write_sweep", _broken_gathering)
    summary = SweepSummary()
    summary.exit_codes = list(codes)
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}})
    with pytest.raises(SystemExit) as exited:
        summary.on_multirun_end(config)
    assert exited.value.code == status
    err = capsys.readouterr().err
    assert "could not be gathered" in err and "argmin" in err
    assert ("1 sweep job refused: job 1" in err) == any(codes) and "sweep job failed" not in err


def test_a_sweep_whose_jobs_ran_elsewhere_exits_non_zero_when_one_has_no_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hydra/launcher=joblib: a job refused (a resume with a value changed) had ended the sweep with status 0 and
    no word, its jobs' exit statuses being in other processes; the gathering knows which jobs have no results."""
    from simulator import hydra_callbacks

    summary_csv = tmp_path / "sweep_summary.csv"
    summary_csv.write_text("job,overrides,scenario,kpi,mean\n0,runs=2 x=10,a,bookings,1.0\n")

    def gathered_one(sweep_dir: Path, expected: object = None) -> list[Path]:
        return [summary_csv]

    monkeypatch.setattr(sweep_report, "write_sweep", gathered_one)
    monkeypatch.setattr(hydra_callbacks, "_sweep_jobs", lambda config: [["runs=2", "x=10"], ["runs=2", "x=14"]])
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}})
    with pytest.raises(SystemExit) as exited:
        SweepSummary().on_multirun_end(config)  # no on_job_end here: the jobs ran in joblib's workers
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "sweep of 1 of 2 jobs gathered" in captured.out and "1 sweep job failed" in captured.err


def faulty_sweep(
    tmp_path: Path, launcher: str, headcounts: str, faults: dict[str, list[int]]
) -> subprocess.CompletedProcess[str]:
    """A short sweep over the full-cycle headcount on ``launcher``, with ``faults`` injected in its jobs."""
    (tmp_path / "faults").mkdir()
    (tmp_path / "faults" / "sitecustomize.py").write_text(JOB_FAULTS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "faults"), str(ROOT)]),
        "SALESIM_TEST_JOB_FAULTS": json.dumps(faults),
    }
    command = [sys.executable, "-m", "simulator", "--multirun", f"hydra/launcher={launcher}", "runs=2"]
    command += ["runner.workers=1", "runner.progress=false", "clock.horizon_days=40", "clock.warmup_days=0"]
    command += [f"org.teams.full_cycle.headcount={headcounts}", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_a_sweep_goes_on_past_a_crashed_job_and_names_the_job_whose_replications_failed(tmp_path: Path) -> None:
    """A job that raised had stopped the sweep (Hydra re-raises it): a traceback, the jobs after it never run and
    nothing gathered. The basic launcher's 3 for failed replications had said only '1 sweep job failed'."""
    done = faulty_sweep(tmp_path, "basic", "12,10,14", {"crash": [0], "fail": [2]})
    assert done.returncode == 1, done.stderr[-3000:]
    assert "salesim: sweep job 0 crashed; the sweep goes on without it:" in done.stderr
    assert "RuntimeError: injected crash" in done.stderr
    assert "sweep of 2 of 3 jobs gathered" in done.stdout
    assert "salesim: 1 sweep job failed: job 0 (org.teams.full_cycle.headcount=12)" in done.stderr
    assert "salesim: replications failed in 1 sweep job: job 2 (org.teams.full_cycle.headcount=14);" in done.stderr
    report = (tmp_path / "sweep" / "report.md").read_text()
    expected = "Replications failed in 1 job of the sweep: job 2 (org.teams.full_cycle.headcount=14), 2 replications."
    assert expected in report


def test_a_joblib_sweep_keeps_a_refused_jobs_status_over_another_jobs_failed_replications(tmp_path: Path) -> None:
    """A job refused at run time (exit 2) had made a joblib sweep exit 1, the gathering seeing only a job with no
    results; a refused job is worse than one whose replications failed (3), which is named all the same. A job
    with failed replications alone had ended a joblib sweep with status 0 and no word (its status stayed in
    joblib's worker): the job's status now reaches the sweep, checked here with the third job's."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher", reason="pip install -e '.[dev]'")
    done = faulty_sweep(tmp_path, "joblib", "10,14,12", {"refuse": [0], "fail": [1]})
    assert done.returncode == 2, done.stderr[-3000:]
    assert "sweep of 2 of 3 jobs gathered" in done.stdout
    assert "salesim: 1 sweep job refused: job 0 (org.teams.full_cycle.headcount=10); its lines above" in done.stderr
    assert "sweep job failed" not in done.stderr
    assert "salesim: replications failed in 1 sweep job: job 1 (org.teams.full_cycle.headcount=14);" in done.stderr
    report = (tmp_path / "sweep" / "report.md").read_text()
    expected = "Replications failed in 1 job of the sweep: job 1 (org.teams.full_cycle.headcount=14), 2 replications."
    assert expected in report


def test_a_jobs_status_reaches_the_sweep_from_the_jobs_own_copy_of_the_callback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hydra/launcher=joblib runs on_job_end on a copy of the callback in the job's worker process."""
    summary = SweepSummary()
    summary.statuses = str(tmp_path / "statuses")
    Path(summary.statuses).mkdir()
    for number, status in enumerate([0, 3, 2]):
        worker = pickle.loads(pickle.dumps(summary))  # as joblib sends it
        done = JobReturn(status=JobStatus.COMPLETED)
        done.return_value = status
        worker.on_job_end(OmegaConf.create({"hydra": {"job": {"num": number}}}), done)
    assert summary.exit_codes == [] and summary.job_statuses() == {0: 0, 1: 3, 2: 2}
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path / "no_sweep")}}})
    with pytest.raises(SystemExit) as exited:
        summary.on_multirun_end(config)
    assert exited.value.code == 2 and not Path(summary.statuses).exists()
    err = capsys.readouterr().err
    assert "1 sweep job refused: job 2;" in err and "replications failed in 1 sweep job: job 1;" in err


def test_a_sweep_whose_jobs_left_no_status_reads_failed_replications_from_their_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A launcher whose jobs run where their statuses cannot be left (another machine): the job folder tells."""
    summary_csv = tmp_path / "sweep_summary.csv"
    summary_csv.write_text("job,overrides,scenario,kpi,mean\n0,x=10,a,bookings,1.0\n1,x=14,a,bookings,1.0\n")
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "failures.json").write_text(json.dumps([{"scenario": "a", "replication": 1}]))
    monkeypatch.setattr(sweep_report, "write_sweep", lambda sweep_dir, expected=None: [summary_csv])
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}})
    with pytest.raises(SystemExit) as exited:
        SweepSummary().on_multirun_end(config)
    assert exited.value.code == 3
    assert "replications failed in 1 sweep job: job 1;" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [([], 0), ([0, 0], 0), ([0, 3], 3), ([3, 1], 1), ([3, 2, 1], 2), ([2, 130, 3], 130)],
)
def test_failed_replications_are_the_mildest_status_of_a_sweep(statuses: list[int], worst: int) -> None:
    assert worst_status(statuses) == worst


@pytest.mark.parametrize("earlier", [b"an earlier sweep's record\n", None])
def test_a_sweep_whose_every_job_is_refused_leaves_its_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, earlier: bytes | None
) -> None:
    """A resume refused for a changed value (every job exit 2, nothing run) had left Hydra's multirun.yaml of the
    refused sweep over the earlier sweep's record, and a new sweep folder holding only that file."""
    from simulator import command_folders

    sweep = tmp_path / "sweep"
    sweep.mkdir()
    if earlier is not None:
        (sweep / "multirun.yaml").write_bytes(earlier)
    else:  # the sweep folder is this command's own (its output check saw it made)
        monkeypatch.setattr(command_folders, "_NEW_FOLDERS", {sweep.resolve()})
    summary = SweepSummary()
    summary.earlier_record = earlier
    (sweep / "multirun.yaml").write_text("hydra: {the refused sweep's config}\n")  # as Hydra's sweeper writes it
    summary.exit_codes = [2, 2]
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(sweep)}}})
    with pytest.raises(SystemExit) as exited:
        summary.on_multirun_end(config)
    assert exited.value.code == 2
    if earlier is not None:
        assert (sweep / "multirun.yaml").read_bytes() == earlier
    else:
        assert not sweep.exists()
    summary.exit_codes = [2, 0]  # a job ran: its sweep's record stays
    sweep.mkdir(exist_ok=True)
    (sweep / "multirun.yaml").write_text("x: 1\n")
    with pytest.raises(SystemExit):
        summary.on_multirun_end(config)
    assert (sweep / "multirun.yaml").read_text() == "x: 1\n"
