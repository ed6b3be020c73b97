"""A stop while a finished run reads its store back keeps every replication and says so.

A SIGTERM 9 s into ``runs=100 runner.workers=1`` (all 200 replications in the store, the
store being read back for the report) said "interrupted before any replication finished;
nothing was kept", gave no resume command and left the store of 200 behind: the read was
outside the part of the run that turns a stop into :class:`RunInterrupted`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import simulator
from simulator.report.session import run_and_write
from simulator.run.runner import RunInterrupted
from simulator.run.settings import RunnerSettings
from simulator.run.store import DirectoryStore


def test_a_stop_while_the_store_is_read_back_keeps_every_replication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stopped(self: DirectoryStore, *args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # the stop lands as the finished run reads its replications back

    monkeypatch.setattr(DirectoryStore, "replications", stopped)
    out = tmp_path / "run"
    with pytest.raises(RunInterrupted) as interrupted:  # a bare KeyboardInterrupt before
        run_and_write(
            simulator.load_experiment(overrides=["runs=2"]),
            out,
            settings=RunnerSettings(workers=1, progress=False),
            resume_command="resume",
        )
    assert interrupted.value.done == interrupted.value.total == 4
    err = capsys.readouterr().err
    assert "4 of 4 replications are done and kept in" in err
    assert "salesim: to resume: resume" in err
