"""Output piped into ``head``: what the reader did not want is dropped, the command goes on and says nothing of it.

``salesim | head -3`` had printed Hydra's "Error executing job with overrides" twice over a
run that finished; a sweep's job was said to have "crashed" with a traceback, and the
sweep's summary callback "raised BrokenPipeError".
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.io.piped_output import UnreadOutput, drop_when_unread, restore_stdout
from tests.scenarios import ROOT


def _closed_pipe_run(args: list[str]) -> subprocess.CompletedProcess[str]:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line
    try:
        return subprocess.run(
            [sys.executable, "-m", "simulator", "runs=1", "runner.workers=1", "runner.progress=false", *args],
            cwd=ROOT,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("sweep", [False, True])
def test_a_command_piped_into_head_finishes_and_says_nothing_of_the_pipe(tmp_path: Path, sweep: bool) -> None:
    if sweep:
        args = ["--multirun", "org.teams.full_cycle.headcount=10,12", f"hydra.sweep.dir={tmp_path}"]
    else:
        args = [f"hydra.run.dir={tmp_path}"]
    done = _closed_pipe_run(args)
    assert done.returncode == 0, done.stderr[-2000:]
    for noise in ("Error executing job", "crashed", "Traceback", "BrokenPipe", "Logging error"):
        assert noise not in done.stderr, done.stderr[-2000:]
    assert (tmp_path / "sweep_summary.csv" if sweep else tmp_path / "report.md").is_file()


def test_a_write_after_the_reader_has_gone_is_dropped(tmp_path: Path) -> None:
    read, write = os.pipe()
    stream = open(write, "w", buffering=1)  # noqa: SIM115 - closed below
    unread = UnreadOutput(stream)
    os.close(read)
    try:
        assert unread.write("dropped\n") == len("dropped\n")  # BrokenPipeError before
        unread.flush()
        assert unread.write("and this\n") == len("and this\n")
    finally:
        stream.close()


def test_captured_output_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stdout", captured)
    drop_when_unread()
    assert sys.stdout is captured
    restore_stdout()
    assert sys.stdout is captured


def test_a_run_with_its_errors_piped_into_head_too_writes_its_results(tmp_path: Path) -> None:
    """``2>&1 | head -1``: the second line said had ended the run, status 0, with nothing written."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "simulator", "runs=1", "runner.workers=1", f"hydra.run.dir={tmp_path}"],
            cwd=ROOT,
            stdout=write,
            stderr=write,
            timeout=600,
            check=False,
        )
    finally:
        os.close(write)
    assert done.returncode == 0
    assert (tmp_path / "report.md").is_file() and (tmp_path / "replications.csv").is_file()
