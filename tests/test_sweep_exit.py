"""A sweep's exit status survives a failure to gather its jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

import simulator.report.sweep_report as sweep_report
from simulator.hydra_callbacks import SweepSummary


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
    assert ("1 sweep job failed" in err) == any(codes)


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
