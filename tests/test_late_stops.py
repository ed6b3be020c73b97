"""A stop that lands as a command ends: status 130 and words that say what is kept, never 143 or "nothing was run".

A SIGTERM to a ``--multirun`` sweep just after it had gathered its jobs killed it with
status 143 and no word: the sweep's last two seconds were the interpreter's teardown,
with Python's default handlers back. A stop while a finished single run printed its
answer said "interrupted; nothing was run", and one while ``sensitivity`` printed its
answer "nothing was written", both over results written in full.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import simulator
from simulator import subcommands
from simulator.report import answer_section
from simulator.report.session import run_and_write
from simulator.run.runner import RunInterrupted
from simulator.run.settings import RunnerSettings
from simulator.run.signals import written_in_full
from tests.scenarios import ROOT

STOPPED_AT_THE_END = """
import atexit, os, runpy, signal, sys

sys.argv = ["simulator", *sys.argv[1:]]
atexit.register(lambda: os.kill(os.getpid(), signal.SIGTERM))  # registered first, so run last: the process's end
runpy.run_module("simulator", run_name="__main__", alter_sys=True)
"""


def _stopped_at_the_end(tmp_path: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "stopped_at_the_end.py"
    script.write_text(STOPPED_AT_THE_END)
    return subprocess.run(
        [sys.executable, str(script), *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_a_sweep_stopped_as_it_ends_exits_130_saying_its_results_are_written(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    args = ["--multirun", "runs=1", "runner.workers=1", "runner.progress=false"]
    done = _stopped_at_the_end(tmp_path, [*args, "org.teams.full_cycle.headcount=10,12", f"hydra.sweep.dir={sweep}"])
    assert done.returncode == 130, (done.returncode, done.stderr[-2000:])  # -15 (143 in a shell) before
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("salesim: interrupted as the command ended: it had finished, and what it wrote is"), last
    assert "Traceback" not in done.stderr
    assert (sweep / "sweep_summary.csv").is_file()


@pytest.mark.parametrize("args", [["runs=-1"], ["no_such_command"]])
def test_any_command_stopped_as_it_ends_exits_130(tmp_path: Path, args: list[str]) -> None:
    """A refusal's end too: the stop is said, not a 143."""
    done = _stopped_at_the_end(tmp_path, [*args, f"hydra.run.dir={tmp_path / 'run'}"])
    assert done.returncode == 130, (done.returncode, done.stderr[-2000:])
    assert done.stderr.strip().splitlines()[-1].startswith("salesim: interrupted as the command ended")


def test_a_stop_while_a_finished_run_prints_its_answer_says_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It had come out as "interrupted before any replication finished; nothing was kept"."""

    def stopped(*args: Any, **kwargs: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(answer_section, "answer_text", stopped)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt) as interrupted:  # a bare one before, out of the run's words
        run_and_write(
            simulator.load_experiment(overrides=["runs=2"]),
            out,
            settings=RunnerSettings(workers=1, progress=False),
            resume_command="resume",
        )
    assert isinstance(interrupted.value, RunInterrupted)
    assert interrupted.value.done == interrupted.value.total == 4
    err = capsys.readouterr().err
    assert (
        f"interrupted after the run had finished: its 4 replications and its results are written in full in {out}"
        in err
    )
    assert "salesim: to resume: resume" in err
    assert (out / "report.md").is_file() and (out / "summary.csv").is_file()  # kept, not removed as half-written
    assert "nothing" not in err, err


def test_a_stop_after_a_command_wrote_its_results_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stopped while it printed its answer, a study written in full had read "interrupted; nothing was written"."""

    def study(args: list[str]) -> int:
        written_in_full("sensitivity", lambda: (tmp_path / "report.md").write_text("written"))
        raise KeyboardInterrupt  # as the answer is printed

    monkeypatch.setitem(subcommands.SUBCOMMANDS, "sensitivity", study)
    assert subcommands.run_subcommand("sensitivity", []) == 130
    err = capsys.readouterr().err
    assert "salesim: sensitivity: interrupted after its results were written in full" in err
    assert "nothing was written" not in err
