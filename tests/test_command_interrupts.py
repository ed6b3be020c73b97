"""Ctrl-C (or SIGTERM) stops every command with one line and status 130, no traceback, nothing half-written.

Found by a fresh-user check: ``salesim backtest`` interrupted with Ctrl-C printed a
30-line KeyboardInterrupt traceback through ``pool.map`` and no salesim message, where
``sensitivity`` said "interrupted; nothing was written".
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from simulator import cli, crm_commands, subcommands
from simulator.run import backtest as backtest_run
from simulator.run.signals import written_in_full

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "tests" / "fixtures" / "crm" / "a_opportunities" / "mapping.yaml"


def test_backtest_interrupted_by_ctrl_c_says_so_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "bt"
    options = ["--until", "2023-04-28", "--runs", "400", "--uncertainty", "none", "--workers", "2", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "backtest", str(MAPPING), "--as-of", "2023-02-28,2023-03-10", *options],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the first origin's runs have started (the workers are busy)
    assert "running 400 replications" in line
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "salesim: backtest: interrupted after " in err and "nothing was written" in err
    assert not out.exists()


def test_an_interrupt_of_any_command_outside_its_runs_is_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stopped(args: Any) -> int:
        raise KeyboardInterrupt

    for name in cli.SUBCOMMANDS:
        monkeypatch.setitem(subcommands.SUBCOMMANDS, name, stopped)
        assert subcommands.run_subcommand(name, []) == 130
        assert capsys.readouterr().err.strip() == f"salesim: {name}: interrupted; nothing was written"


def test_backtest_stopped_between_origins_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stop(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(backtest_run, "run_origin", stop)
    out = tmp_path / "bt"
    code = crm_commands.backtest_main(
        [str(MAPPING), "--as-of", "2023-02-28", "--until", "2023-04-28", "--runs", "10", "--out", str(out)]
    )
    assert code == 130 and not out.exists()
    assert "interrupted after 0 of 1 origins; nothing was written" in capsys.readouterr().err


def test_a_stop_while_writing_waits_until_everything_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    written: list[str] = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # a progress bar's thread: a blocked signal would reach it
    other.start()

    def write() -> list[str]:
        os.kill(os.getpid(), signal.SIGINT)  # noted, acted on after the write is done
        time.sleep(0.05)
        written.extend(["a.csv", "report.md"])
        return written

    try:
        assert written_in_full("sensitivity", write) == ["a.csv", "report.md"]
    finally:
        stop.set()
        other.join()
    assert "the results were written in full" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C stops as before afterwards


def test_an_interrupt_while_the_app_loads_is_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C in the first second or two of ``salesim`` (Python importing Hydra, pandas, Numba) printed a traceback."""
    from simulator import __main__ as entry

    class Interrupted:
        def find_spec(self, name: str, path: Any, target: Any = None) -> None:
            if name == "simulator.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "simulator.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err
    assert err.strip() == "salesim: interrupted while loading; nothing was run"


def test_an_interrupt_while_the_experiment_is_composed_leaves_no_run_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C two to four seconds into a run said "nothing was run" but left ``outputs/<experiment>/<time>/`` behind."""

    def composing(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    from simulator import command_folders

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "prepared_job", composing)
    # an earlier command of this process (the suite runs many) created a deeper folder that holds files: its
    # folders are not this command's, and cleaning them stopped before this one's (the test failed in the suite)
    earlier = tmp_path.parent / f"{tmp_path.name}-earlier" / "a" / "b" / "c" / "d" / "e"
    earlier.mkdir(parents=True)
    (earlier / "kept.txt").write_text("an earlier run's")
    monkeypatch.setattr(command_folders, "_NEW_FOLDERS", {earlier.resolve()})
    kept = tmp_path / "mine"  # a folder of the user's, empty: it stays
    kept.mkdir()
    monkeypatch.setattr(sys, "argv", ["salesim", "runs=2", f"hydra.run.dir={kept}/new/run"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    assert capsys.readouterr().err.strip() == "salesim: interrupted; nothing was run"
    assert kept.is_dir() and not any(kept.iterdir())
    monkeypatch.setattr(sys, "argv", ["salesim", "runs=2"])  # the default folder, outputs/<experiment>/<time>
    with pytest.raises(SystemExit):
        cli.main()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    assert (earlier / "kept.txt").is_file()


def test_worker_pools_are_forked_with_stop_requests_held_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C that landed in a fork's after-hook (filelock's) was lost: backtest ran on and exited 0."""
    import numpy as np

    from simulator.calibration import draws
    from simulator.run import backtest

    seen: list[bool] = []

    class Pool:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            seen.append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))

        def __enter__(self) -> Pool:
            return self

        def __exit__(self, *args: Any) -> None:
            return None

        def map(self, func: Any, items: Any, chunksize: int = 1) -> list[Any]:
            return [None for _ in items]

    context = type("Context", (), {"Pool": Pool})()
    monkeypatch.setattr(backtest, "get_context", lambda method: context)
    monkeypatch.setattr(draws, "get_context", lambda method: context)
    monkeypatch.setattr(draws, "drawn_sections", lambda cal: {"org": {"teams": {}}, "market": {}}, raising=False)
    backtest._map([("point", 0), ("point", 1)], 2)
    with contextlib.suppress(Exception):  # what follows the pool needs a real calibration; the pool is checked
        draws.parameter_draws(None, [np.random.default_rng(0), np.random.default_rng(1)], 2)  # type: ignore[arg-type]
    assert seen == [True, True]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # and lifted after


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_a_sweep_stopped_in_its_main_process_names_what_its_jobs_kept_and_the_resume(
    stop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A joblib sweep's jobs run in other processes: Ctrl-C had ended in "interrupted; nothing was run" after a job
    had said 90 replications were kept, and SIGTERM to the main process ended it with no word while its jobs ran on."""
    from simulator import command_folders

    sweep = tmp_path / "sweep"

    def sweeping() -> None:  # Hydra accepted the sweep folder; a job in another process began its store
        command_folders._SWEEP_DIR = sweep
        (sweep / "0" / "store").mkdir(parents=True)
        (sweep / "0" / "store" / "manifest.json").write_text('{"runs": 2, "scenario_names": ["a", "b"]}')
        (sweep / "0" / "store" / "s001-r00000000-00000001.manifest.json").write_text("{}")  # scenario b's 2 runs
        (sweep / "1" / "store").mkdir(parents=True)  # job 1 began, killed before its first part; job 2 not yet
        if stop == "sigterm":
            if not callable(signal.getsignal(signal.SIGTERM)):  # it would end this test process, with no word
                raise AssertionError("SIGTERM is not turned into a stop in the sweep's main process")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_hydra_main", sweeping)
    before = signal.getsignal(signal.SIGTERM)
    argv = ["--multirun", "runs=2", "org.teams.full_cycle.headcount=10,12", f"hydra.sweep.dir={sweep}"]
    monkeypatch.setattr(sys, "argv", ["salesim", *argv])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err
    assert "nothing was run" not in err
    assert f"salesim: interrupted: the sweep's jobs keep the replications they finished in {sweep}" in err
    assert "(job 0: 2 of 4, job 1: 0)" in err  # each job's runs, read from its store: a killed worker says none
    assert err.count("salesim: to resume:") == 1
    assert (
        "salesim: to resume: python -m simulator --multirun runs=2 org.teams.full_cycle.headcount=10,12 "
        f"runner.resume=true hydra.sweep.dir={sweep}"
    ) in err
    assert signal.getsignal(signal.SIGTERM) == before  # the command's own handler goes with it


def test_a_sweep_whose_launcher_fails_says_what_its_jobs_kept_and_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A joblib worker killed (out of memory) had ended a sweep in loky's traceback alone: no word of the
    replications its jobs had stored, nor of the resume that completes them (it does)."""
    from simulator import command_folders

    def killed() -> None:
        raise RuntimeError("A worker process managed by the executor was unexpectedly terminated.")

    sweep = tmp_path / "sweep"
    monkeypatch.setattr(cli, "_hydra_main", killed)
    monkeypatch.setattr(cli, "stopped_sweep", lambda: sweep)
    monkeypatch.setattr(sys, "argv", ["salesim", "--multirun", "hydra/launcher=joblib", "runs=2", "x=1,2"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "RuntimeError: A worker process managed by the executor was unexpectedly terminated." in err
    assert f"salesim: the sweep stopped; its jobs keep the replications they finished in {sweep}" in err
    assert f"runs=2 x=1,2 runner.resume=true hydra.sweep.dir={sweep}" in err
    monkeypatch.setattr(cli, "stopped_sweep", lambda: None)  # no job had begun a run: the error as it is
    monkeypatch.setattr(command_folders, "_SWEEP_DIR", None)
    with pytest.raises(RuntimeError):
        cli.main()


def _catches_sigterm(pid: int) -> bool:
    """Whether process ``pid`` has a handler for SIGTERM (Linux: the SigCgt mask of /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True  # no /proc here: go on, the sleep after it stands
    caught = next((line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), "0")
    return bool(int(caught, 16) >> (signal.SIGTERM - 1) & 1)


def test_sigterm_while_the_app_loads_stops_as_ctrl_c_does(tmp_path: Path) -> None:
    """SIGTERM in the first second (the app importing) killed salesim with no word and status 143 (-15)."""
    import subprocess
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "runs=2", f"hydra.run.dir={tmp_path / 'run'}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _catches_sigterm(process.pid):  # salesim's handler is set
        time.sleep(0.01)
    time.sleep(0.1)  # its imports (a second or two) are under way
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    # 130, or ended by SIGINT as CPython ends when a KeyboardInterrupt outlives the command (a shell reads 130 too)
    assert process.returncode in (130, -signal.SIGINT), (process.returncode, err)
    last = err.strip().splitlines()[-1]
    assert last.startswith("salesim: interrupted") and "Traceback" not in err and "Error" not in err, err
    assert not (tmp_path / "run").exists()


def test_a_sweep_stopped_before_its_jobs_first_replication_says_what_it_keeps_and_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stopped while job 1 loaded, a sweep said "interrupted before any replication finished; nothing was kept",
    with job 0 finished and kept, and no resume command."""
    from simulator.report import session

    calls: list[int] = []
    real = session.run_and_write

    def second_stops(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "run_and_write", second_stops)
    sweep = tmp_path / "sweep"
    argv = ["--multirun", "runs=2", "org.teams.full_cycle.headcount=10,12", f"hydra.sweep.dir={sweep}"]
    monkeypatch.setattr(sys, "argv", ["salesim", *argv, "runner.workers=1", "runner.progress=false"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err
    assert "nothing was kept" not in err and (sweep / "0" / "replications.csv").is_file()
    assert (
        "salesim: interrupted before this job's first replication finished; the sweep keeps what its jobs finished "
        f"in {sweep}"
    ) in err, err
    assert "salesim: to resume: python -m simulator --multirun runs=2 org.teams.full_cycle.headcount=10,12" in err


def test_the_words_of_a_stopped_sweep_need_no_import_a_stop_can_break(tmp_path: Path) -> None:
    """A stop while pandas was half imported crashed the stop's words: stopped_sweep imported the store's reader
    ("partially initialized module 'pandas' has no attribute 'core'", exit 1, in 3 of 9 SIGTERMs at 1.4-1.65 s)."""
    import subprocess

    (tmp_path / "0" / "store").mkdir(parents=True)
    (tmp_path / "0" / "store" / "s000-r00000000-00000009.manifest.json").write_text("{}")
    code = (
        "import sys, pathlib; from simulator import command_folders as h; "
        f"h._SWEEP_DIR = pathlib.Path({str(tmp_path)!r}); found = h.stopped_sweep(); "
        "heavy = [m for m in ('pandas', 'numba', 'simulator.run.store') if m in sys.modules]; "
        "print(found, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"{tmp_path} []", out


@pytest.mark.parametrize("ours", [True, False])
def test_a_sweep_stopped_before_any_job_kept_a_run_leaves_no_record_in_a_folder_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], ours: bool
) -> None:
    """Ctrl-C after Hydra wrote multirun.yaml, before the first replication: "nothing was run" over a new folder
    holding multirun.yaml and an empty job folder (and, stopped inside the first job, "the sweep keeps what its
    jobs finished" with a resume command for a sweep that had kept nothing)."""
    from simulator import command_folders

    sweep = tmp_path / "sweep"
    if not ours:  # an earlier sweep's folder: its record is not this command's to remove
        sweep.mkdir()
        (sweep / "multirun.yaml").write_text("an earlier sweep's record")

    def sweeping() -> None:  # Hydra made the folder, wrote its record and job 0's folder; no store yet
        command_folders.note_created([p for p in [sweep, *sweep.parents] if not p.exists()])
        command_folders.note_sweep_dir(sweep)
        (sweep / "0").mkdir(parents=True)
        if ours:
            (sweep / "multirun.yaml").write_text("hydra: {}")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_hydra_main", sweeping)
    monkeypatch.setattr(sys, "argv", ["salesim", "--multirun", "runs=2", "x=1,2", f"hydra.sweep.dir={sweep}"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err
    assert "salesim: interrupted; nothing was run" in err and "to resume" not in err
    if ours:
        assert not sweep.exists()
    else:
        assert (sweep / "multirun.yaml").read_text() == "an earlier sweep's record"
        assert not (sweep / "0").exists()


def test_a_run_s_progress_bar_holds_no_semaphore_a_stopped_worker_would_leak() -> None:
    """A joblib sweep stopped with Ctrl-C ended in 'resource_tracker: There appear to be 2 leaked semaphore objects
    to clean up at shutdown': tqdm's default lock is a multiprocessing one, made with a job's first bar."""
    import subprocess

    code = (
        "import io, tqdm.std as t; from simulator.report.progress_lock import use_thread_lock; use_thread_lock(); "
        "bar = t.tqdm(range(3), file=io.StringIO()); list(bar); bar.close(); "
        "print(getattr(t.TqdmDefaultWriteLock, 'mp_lock', None), type(t.tqdm.get_lock()).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "None", out  # no multiprocessing lock was made
    bare = code.replace("use_thread_lock(); ", "")  # the check can fail: tqdm alone makes one
    assert subprocess.run([sys.executable, "-c", bare], capture_output=True, text=True, check=True).stdout[:4] != "None"
