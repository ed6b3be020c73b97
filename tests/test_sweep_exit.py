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
    assert ("1 sweep jobs failed" in err) == any(codes)
