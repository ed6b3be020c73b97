"""A stop before a run's own store opened says what the folder's store keeps, and a resume how to resume.

Stopped while it loaded, a resume of a finished ``runs=2`` run (4 replications in its store)
said "interrupted while loading; nothing was run" (the app importing), "interrupted; nothing
was run" (Hydra composing) or "interrupted before any replication finished; nothing was kept"
(the engine loading), each with no resume command: true of the command, while its folder's
store held the 4 replications it had come to continue. A new run into a folder holding an
earlier one said "nothing was kept" of the earlier run it had not replaced yet. A sweep's job
in a joblib worker said the sweep's summary ("the sweep keeps what its jobs finished in ...")
as its own stop line, each stopped job once, before the sweep's process said it again.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import simulator
from simulator import cli
from simulator.kept_runs import earlier_run_words, unbegun_stop_words
from simulator.report import session
from simulator.report.session import run_and_write
from simulator.run.runner import RunInterrupted
from simulator.run.settings import RunnerSettings


def _stored(run: Path, parts: tuple[str, ...] = ("s000-r00000000-00000001", "s001-r00000000-00000001")) -> Path:
    """A run folder whose store holds ``parts`` of a ``runs=2`` run of two scenarios (read from the names alone)."""
    store = run / "store"
    store.mkdir(parents=True)
    (store / "manifest.json").write_text('{"runs": 2, "scenario_names": ["a", "b"]}')
    for part in parts:
        (store / f"{part}.manifest.json").write_text("{}")
    return run


def _stop(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


def test_a_resume_stopped_while_its_engine_loads_keeps_the_earlier_replications_and_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    experiment = simulator.load_experiment(overrides=["runs=2"])
    run_and_write(experiment, out, settings=RunnerSettings(workers=1, progress=False))
    capsys.readouterr()
    monkeypatch.setattr(session, "_compile_engine", _stop)  # the stop lands as the resume loads its engine
    with pytest.raises(KeyboardInterrupt) as interrupted:
        run_and_write(
            experiment, out, settings=RunnerSettings(workers=1, progress=False, resume=True), resume_command="resume"
        )
    stop = interrupted.value
    assert isinstance(stop, RunInterrupted), "a bare KeyboardInterrupt: 'nothing was kept'"
    assert stop.done == stop.total == 4
    err = capsys.readouterr().err
    assert f"salesim: interrupted: 4 of 4 replications are done and kept in {out / 'store'}" in err
    assert "salesim: to resume: resume" in err
    assert (out / "report.md").is_file()  # the earlier run's outputs stay with its store


def test_a_resume_stopped_while_composed_says_what_its_store_keeps_and_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _stored(tmp_path / "run", ("s000-r00000000-00000001",))
    monkeypatch.setattr(cli, "prepared_job", _stop)
    monkeypatch.setattr(sys, "argv", ["salesim", "runs=2", "runner.resume=true", f"hydra.run.dir={run}"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"salesim: interrupted; nothing was run, and the earlier run's 2 of 4 replications are kept in {run / 'store'}",
        f"salesim: to resume: python -m simulator runs=2 runner.resume=true hydra.run.dir={run}",
    ]
    assert (run / "store" / "manifest.json").is_file()


def test_a_resume_stopped_while_the_app_loads_says_what_its_store_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator import __main__ as entry

    class Interrupted:
        def find_spec(self, name: str, path: Any, target: Any = None) -> None:
            if name == "simulator.cli":
                raise KeyboardInterrupt

    run = _stored(tmp_path / "run")
    monkeypatch.delitem(sys.modules, "simulator.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    monkeypatch.setattr(sys, "argv", ["salesim", "runs=2", "runner.resume=true", f"hydra.run.dir={run}"])
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "salesim: interrupted while loading; nothing was run, and the earlier run's 4 of 4 replications are kept "
        f"in {run / 'store'}",
        f"salesim: to resume: python -m simulator runs=2 runner.resume=true hydra.run.dir={run}",
    ]


def test_a_new_run_stopped_before_its_store_opened_leaves_the_earlier_run_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _stored(tmp_path / "run")
    monkeypatch.setattr(session, "run_and_write", _stop)  # the engine loading, before the store is replaced
    monkeypatch.setattr(sys, "argv", ["salesim", "runs=2", f"hydra.run.dir={run}", "runner.progress=false"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err
    assert (
        "salesim: interrupted before any replication finished; nothing of this run was kept, and the folder's "
        f"earlier run is left as it was (4 of 4 replications in {run / 'store'})"
    ) in err, err
    assert "to resume" not in err  # a new run: the earlier one is not what it was typed to continue


def test_a_joblib_job_stopped_before_its_store_opened_says_its_own_and_not_the_sweeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A job in another process: the sweep's process says the sweep's summary and its resume, once."""
    real = cli.command_line_options
    monkeypatch.setattr(cli, "command_line_options", lambda: {**real(), "pid": -1})  # as a joblib worker sees it
    monkeypatch.setattr(cli, "drop_when_unread", lambda: None)
    monkeypatch.setattr(session, "run_and_write", _stop)
    sweep = tmp_path / "sweep"
    argv = ["--multirun", "runs=2", "org.teams.full_cycle.headcount=10,12", f"hydra.sweep.dir={sweep}"]
    monkeypatch.setattr(sys, "argv", ["salesim", *argv, "runner.workers=1", "runner.progress=false"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err
    assert "salesim: interrupted before job 0's first replication finished; nothing was kept" in err, err
    assert "the sweep keeps" not in err and "to resume" not in err


def test_the_words_of_a_store_read_from_its_files(tmp_path: Path) -> None:
    run = _stored(tmp_path / "run", ("s000-r00000000-00000001",))
    assert unbegun_stop_words(run, True, "3") == f"interrupted: 2 of 4 replications are done and kept in {run}/store"
    assert unbegun_stop_words(tmp_path / "new", False, "3") == (
        "interrupted before job 3's first replication finished; nothing was kept"
    )
    auto = tmp_path / "auto" / "store"  # runs=auto: the manifest has no count of the run's
    auto.mkdir(parents=True)
    (auto / "s000-r00000000-00000000.manifest.json").write_text("{}")
    assert (
        earlier_run_words([f"hydra.run.dir={auto.parent}"])[0] == f"the earlier run's 1 replication is kept in {auto}"
    )
    assert earlier_run_words(["runs=2", "hydra.run.dir=${now:%H}"]) == ("", "")  # a folder Hydra names: a new one
    assert earlier_run_words(["sensitivity", f"hydra.run.dir={run}"]) == ("", "")  # a command's stops are its own
    sweep = tmp_path / "sweep"
    _stored(sweep / "0")
    kept, resume = earlier_run_words(["-m", "x=1,2", f"++hydra.sweep.dir={sweep}", "+runner.resume=True"])
    assert kept == f"the sweep's jobs keep the replications they finished in {sweep} (job 0: 4 of 4)"
    assert resume == f"python -m simulator -m x=1,2 runner.resume=true hydra.sweep.dir={sweep}"
