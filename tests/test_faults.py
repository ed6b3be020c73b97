"""Faults: nothing lost, nothing miscounted.

A damaged results store is found and computed again; SIGTERM and Ctrl-C stop at once and
keep what is finished; workers do not outlive a killed parent; a worker that dies costs
no replication, and replications that could not be made are failures a resume makes;
an output folder that cannot be written is refused before anything runs.

Faults are injected from outside the library: the runs that need one start
``faulty_salesim.py`` (written by :func:`faulty`), which wraps
``simulator.run.batch.run_replication`` before calling the usual entry point. The wrapper
acts only in worker processes (forked from the patched parent), as the
``SALESIM_TEST_FAULTS`` variable says: ``die`` (the worker exits without a word) or
``hang`` (it sleeps for ten minutes) at given (scenario, replication) pairs, ``once`` (a
folder of markers: die only on the first attempt), ``pids`` (a folder where each worker
leaves its process id).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import simulator
from simulator import cli
from simulator.analysis.precision import precision_section
from simulator.config.errors import ConfigError
from simulator.io.output_dir import UnwritableOutputError
from simulator.report.claims import refuse_foreign_run
from simulator.report.outputs import write_tables
from simulator.report.session import run_and_write
from simulator.run import batch, worker_pool
from simulator.run.settings import RunnerSettings
from simulator.run.store import DirectoryStore
from tests.scenarios import ROOT, terminal_signals

ARGS = ["runs=4", "seed=11", "clock.horizon_days=40", "clock.warmup_days=0", "runner.workers=2", "runner.batch_size=1"]
ARGS += ["runner.progress=false"]
TABLES = [
    "replications.csv",
    "monthly.csv",
    "summary.csv",
    "comparison.csv",
    "reps.csv",
    "monthly_queues.csv",
    "summary.json",
]
FAULTY_SALESIM = """
import json, os, sys, time
from multiprocessing import parent_process
from pathlib import Path

import simulator.run.batch as batch
from simulator.cli import main

FAULTS = json.loads(os.environ.get("SALESIM_TEST_FAULTS", "{}"))
real = batch.run_replication


def faulty(scenario, seed, replication, engine="auto"):
    if parent_process() is not None:  # a worker process, never the parent
        key = [scenario.name, replication]
        if FAULTS.get("pids"):
            Path(FAULTS["pids"], str(os.getpid())).touch()
        if key in FAULTS.get("hang", []):
            Path(FAULTS["pids"], f"hang-{scenario.name}-{replication}").touch()
            time.sleep(600)
        if key in FAULTS.get("die", []):
            marker = Path(FAULTS["once"], f"{scenario.name}-{replication}") if FAULTS.get("once") else None
            if marker is None or not marker.exists():
                if marker is not None:
                    marker.touch()
                os._exit(70)
    return real(scenario, seed, replication, engine)


batch.run_replication = faulty
if __name__ == "__main__":
    main()
"""

forked_only = pytest.mark.skipif(
    worker_pool.START_METHOD != "fork", reason="the wrapped function reaches workers only when they are forked"
)


def with_args(*changes: str) -> list[str]:
    """ARGS with some values changed (Hydra refuses a key given twice)."""
    keys = {change.split("=")[0] for change in changes}
    return [a for a in ARGS if a.split("=")[0] not in keys] + list(changes)


def faulty(tmp_path: Path, faults: dict[str, object], *args: str) -> subprocess.Popen[str]:
    """Start salesim with ``faults`` injected in its worker processes (see the module's notes)."""
    script = tmp_path / "faulty_salesim.py"
    script.write_text(FAULTY_SALESIM)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SALESIM_TEST_FAULTS": json.dumps(faults)}
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a command in a terminal
        preexec_fn=terminal_signals,
    )


def salesim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def tables_of(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The tables of the ARGS run made in one go, in this process."""
    out = tmp_path_factory.mktemp("undisturbed")
    write_tables(simulator.run_experiment(simulator.load_experiment(overrides=ARGS), workers=1), out)
    return tables_of(out)


def _wait_for(path: Path, pattern: str, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while len(list(path.glob(pattern))) < count:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"no {pattern} in {path}"
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its reaper does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def _damage(store: Path, stem: str, kind: str, how: str) -> None:
    path = store / f"{stem}.{kind}"
    if how == "truncate":  # as an interrupted write would: the last row is gone
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(lines[:-1]))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "remove":
        path.unlink()
    elif how == "alter":  # same rows, one digit different
        content = bytearray(path.read_bytes())
        at = next(i for i in range(len(content) - 1, 0, -1) if chr(content[i]).isdigit() and content[i] != ord("7"))
        content[at] = ord("7")
        path.write_bytes(bytes(content))


def test_a_damaged_store_is_found_on_resume_and_only_its_damaged_parts_are_computed_again(
    tmp_path: Path, undisturbed: dict[str, bytes]
) -> None:
    experiment = simulator.load_experiment(overrides=ARGS)
    run_dir = tmp_path / "run"
    simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, batch_size=2), store_dir=run_dir)
    store = run_dir / "store"
    entry = json.loads((store / "s000-r00000000-00000001.manifest.json").read_text())
    assert entry["files"]["replications.csv"]["rows"] == 2 and len(entry["files"]["monthly.csv"]["sha256"]) == 64
    assert entry["files"]["monthly.csv"]["rows"] == len(pd.read_csv(store / "s000-r00000000-00000001.monthly.csv"))
    damage = {
        "s000-r00000000-00000001": ("replications.csv", "truncate", "replications.csv has 1 of 2 rows"),
        "s001-r00000000-00000001": ("monthly.csv", "empty", "monthly.csv is empty"),
        "s001-r00000002-00000003": ("table-reps.csv", "remove", "table-reps.csv is missing"),
    }
    for stem, (kind, how, _) in damage.items():
        _damage(store, stem, kind, how)
    before = {p.name: p.stat().st_mtime_ns for p in store.glob("*.manifest.json")}
    notes: list[str] = []
    resumed = simulator.run_experiment(
        experiment,
        settings=RunnerSettings(workers=1, batch_size=2, resume=True),
        store_dir=run_dir,
        on_note=notes.append,
    )
    assert len(notes) == len(damage)
    for note, (stem, (_, _, problem)) in zip(notes, sorted(damage.items()), strict=True):
        assert note.startswith(f"part {stem} is damaged ({problem}): replications ") and "computed again" in note
    assert resumed.computed == 2 * len(damage)
    after = {p.name: p.stat().st_mtime_ns for p in store.glob("*.manifest.json")}
    assert after.keys() == before.keys()
    assert sorted(name for name in after if after[name] != before[name]) == sorted(f"{s}.manifest.json" for s in damage)
    write_tables(resumed, tmp_path / "resumed")
    assert tables_of(tmp_path / "resumed") == undisturbed


@pytest.mark.parametrize(
    ("kind", "how", "problem"),
    [
        ("replications.csv", "empty", "replications.csv is empty"),
        ("table-monthly_queues.csv", "alter", "table-monthly_queues.csv differs from its checksum"),
        ("manifest.json", "truncate", "its manifest entry cannot be read"),
    ],
)
def test_every_kind_of_damage_is_named(tmp_path: Path, kind: str, how: str, problem: str) -> None:
    experiment = simulator.load_experiment(overrides=with_args("runs=1"))
    simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path)
    _damage(tmp_path / "store", "s001-r00000000-00000000", kind, how)
    notes: list[str] = []
    resume = RunnerSettings(workers=1, resume=True)
    resumed = simulator.run_experiment(experiment, settings=resume, store_dir=tmp_path, on_note=notes.append)
    assert len(notes) == 1 and f"part s001-r00000000-00000000 is damaged ({problem})" in notes[0]
    assert resumed.computed == 1 and len(resumed.replications) == 2


def test_a_batch_cut_short_while_being_written_is_computed_again(tmp_path: Path, undisturbed: dict[str, bytes]) -> None:
    experiment = simulator.load_experiment(overrides=ARGS)
    settings = RunnerSettings(workers=1, batch_size=4)
    simulator.run_experiment(experiment, settings=settings, store_dir=tmp_path)
    (tmp_path / "store" / "s001-r00000000-00000003.manifest.json").unlink()  # killed before its commit
    (tmp_path / "store" / ".s000-r00000000-00000003.monthly.csv.x1q_7zab.tmp").write_text("half")
    notes: list[str] = []
    resume = RunnerSettings(workers=1, batch_size=4, resume=True)
    resumed = simulator.run_experiment(experiment, settings=resume, store_dir=tmp_path, on_note=notes.append)
    assert notes == [  # had been "1 batch was cut short while being written: computed again", naming no part
        "part s001-r00000000-00000003 has no manifest entry (cut short while being written, or the entry was "
        "removed): replications 0-3 of scenario specialist will be computed again"
    ]
    assert resumed.computed == 4
    assert not list((tmp_path / "store").glob(".*.tmp"))
    write_tables(resumed, tmp_path / "resumed")
    assert tables_of(tmp_path / "resumed") == undisturbed


def _finished_run_without_store_manifest(tmp_path: Path) -> tuple[simulator.Experiment, Path]:
    experiment = simulator.load_experiment(overrides=with_args("runs=2"))
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path)
    write_tables(result, tmp_path)  # config.yaml and summary.json, as a finished run leaves them
    (tmp_path / "store" / "manifest.json").unlink()
    return experiment, tmp_path


def test_a_resume_rebuilds_a_lost_store_manifest_from_the_runs_matching_record(tmp_path: Path) -> None:
    """600 finished replications were stranded: the resume said the folder held what salesim did not write."""
    experiment, run = _finished_run_without_store_manifest(tmp_path)
    refuse_foreign_run(run)  # salesim's own run, its manifest lost: not refused as foreign
    notes: list[str] = []
    resume = RunnerSettings(workers=1, resume=True)
    resumed = simulator.run_experiment(experiment, settings=resume, store_dir=run, on_note=notes.append)
    assert notes[0] == (
        "the store manifest manifest.json is missing: rebuilt from the run's config.yaml and summary.json, "
        "which match this config"
    )
    assert resumed.computed == 0 and len(resumed.replications) == 4
    assert DirectoryStore(run).verify() == []


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ("other seed", r"manifest\.json is missing; the run's config\.yaml differs.*\n.*seed = 12: differs"),
        ("no config.yaml", r"manifest\.json is missing, and config\.yaml is missing .*4 replications .*not used"),
        ("later part", r"part s000-r00000000-00000000 was written after config\.yaml"),
    ],
)
def test_a_lost_store_manifest_is_not_rebuilt_from_a_record_that_cannot_vouch_for_the_parts(
    tmp_path: Path, change: str, refusal: str
) -> None:
    experiment, run = _finished_run_without_store_manifest(tmp_path)
    if change == "other seed":
        experiment = simulator.load_experiment(overrides=with_args("runs=2", "seed=12"))
    elif change == "no config.yaml":
        (run / "config.yaml").unlink()
    else:  # a later run's part beside the earlier run's record (the later run killed before it wrote its own)
        entry = run / "store" / "s000-r00000000-00000000.manifest.json"
        later = (run / "config.yaml").stat().st_mtime_ns + 10**9
        os.utime(entry, ns=(later, later))
    before = sorted(p.name for p in (run / "store").iterdir())
    with pytest.raises(ConfigError, match=refusal):
        simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, resume=True), store_dir=run)
    assert sorted(p.name for p in (run / "store").iterdir()) == before  # nothing removed, nothing rebuilt


def test_a_failed_replication_is_tried_again_on_resume_and_reported_if_it_fails_again(
    tmp_path: Path, undisturbed: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    experiment = simulator.load_experiment(overrides=ARGS)
    real = batch.run_replication
    attempts: list[tuple[str, int]] = []

    def flaky(
        scenario: simulator.Scenario, seed: int, replication: int, engine: str = "auto"
    ) -> simulator.ReplicationResult:
        attempts.append((scenario.name, replication))
        if (scenario.name, replication) == ("specialist", 2):
            raise RuntimeError("a bad day")
        return real(scenario, seed, replication, engine)

    monkeypatch.setattr(batch, "run_replication", flaky)
    settings = RunnerSettings(workers=1, batch_size=4)
    first = simulator.run_experiment(experiment, settings=settings, store_dir=tmp_path)
    assert [(f.scenario, f.replication) for f in first.failures] == [("specialist", 2)]
    assert (first.computed, len(first.replications)) == (8, 6)  # run 2 of generalist is left out with it
    assert first.partners_left_out == 1  # so that both scenarios are read over the same runs
    by_scenario = first.replications.groupby("scenario")["replication"].apply(list).to_dict()
    assert by_scenario == {"generalist": [0, 1, 3], "specialist": [0, 1, 3]}
    for source in (first.monthly_table, *first.table_sources.values()):
        assert set(source.frame(["replication"])["replication"]) == {0, 1, 3}
    assert len(DirectoryStore(tmp_path).replications()) == 7  # the store keeps the completed partner
    write_tables(first, tmp_path / "partial")
    meta = json.loads((tmp_path / "partial" / "summary.json").read_text())
    assert meta["runs_in_tables"] == {"generalist": 3, "specialist": 3} and meta["failures"] == 1
    precision = [line for line in precision_section(first) if line.startswith("- **")]
    assert precision and all("the 3 runs kept" in line for line in precision[:2])  # not "made": 4 were made
    summary = pd.read_csv(tmp_path / "partial" / "summary.csv").set_index(["scenario", "kpi"])
    written = pd.read_csv(tmp_path / "partial" / "replications.csv")
    for name in ("generalist", "specialist"):  # a mean by hand from replications.csv is the summary's
        mine = written[written["scenario"] == name]["bookings"]
        assert summary.loc[(name, "bookings"), "mean"] == pytest.approx(mine.mean()) and len(mine) == 3

    attempts.clear()
    resume = RunnerSettings(workers=1, batch_size=4, resume=True)
    again = simulator.run_experiment(experiment, settings=resume, store_dir=tmp_path)
    assert attempts == [("specialist", 2)]  # only the failed one is tried again
    assert [(f.scenario, f.replication) for f in again.failures] == [("specialist", 2)]  # and it is reported
    assert again.computed == 1

    monkeypatch.setattr(batch, "run_replication", real)
    healed = simulator.run_experiment(experiment, settings=resume, store_dir=tmp_path)
    assert (healed.failures, healed.computed) == ([], 1)
    assert DirectoryStore(tmp_path).failures() == []
    write_tables(healed, tmp_path / "healed")
    assert tables_of(tmp_path / "healed") == undisturbed


@forked_only
@pytest.mark.parametrize("stop", ["kill -TERM", "Ctrl-C"])
def test_a_stop_does_not_wait_for_running_batches_and_a_resume_completes_the_run(
    tmp_path: Path, undisturbed: dict[str, bytes], stop: str
) -> None:
    out = tmp_path / "run"
    pids = tmp_path / "pids"
    pids.mkdir()
    # Each worker would spend ten minutes in one of these replications: the stop may not wait.
    faults = {"hang": [["generalist", 2], ["specialist", 2]], "pids": str(pids)}
    process = faulty(tmp_path, faults, *ARGS, f"hydra.run.dir={out}")
    _wait_for(pids, "hang-*", 2, process)
    _wait_for(out / "store", "*.manifest.json", 4, process)
    signalled = time.monotonic()
    if stop == "Ctrl-C":  # a terminal sends SIGINT to the whole process group: the workers ignore it
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    stopped_in = time.monotonic() - signalled
    assert process.returncode == 130, err
    assert stopped_in < 30, f"the stop took {stopped_in:.1f} s"  # a running batch would take 600 s
    assert "Traceback" not in err
    kept = sorted(p.name for p in (out / "store").glob("*.manifest.json"))
    assert len(kept) == 4  # replications 0 and 1 of each scenario; 3 was never given to a worker
    assert f"4 of 8 replications are done and kept in {out / 'store'}" in err
    worker_pids = [int(p.name) for p in pids.iterdir() if p.name.isdigit()]
    assert worker_pids and not any(_alive(pid) for pid in worker_pids)
    if stop == "Ctrl-C":
        return  # the resume is the same after either stop

    # a resume that does not match is refused before any bar is drawn (it had printed "0/8" twice first)
    refused = salesim(
        *ARGS, "seed=12", "runner.progress=true", "runner.resume=true", f"hydra.run.dir={out}", cwd=tmp_path
    )
    assert refused.returncode == 2 and "seed = 12: differs from the earlier run in this folder (11)" in refused.stderr
    assert "0/8" not in refused.stderr and "run/s" not in refused.stderr, refused.stderr
    assert "engine:" not in refused.stderr  # refused before the engine loads (on a first run, its compile)
    resumed = salesim(*ARGS, "runner.resume=true", f"hydra.run.dir={out}", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "salesim: 4 runs in " in resumed.stdout and "(and 4 kept from the earlier run)" in resumed.stdout
    assert "for the 4 runs made after resuming (4 were kept from before)" in (out / "report.md").read_text()
    assert tables_of(out) == undisturbed
    # a finished run resumed makes no run: its report says the outputs were written again, not "the 0 runs made"
    again = salesim(*ARGS, "runner.resume=true", f"hydra.run.dir={out}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "salesim: no run left to make: the 8 runs kept from the earlier run written again in " in again.stdout
    assert "0 runs in" not in again.stdout
    report = (out / "report.md").read_text()
    assert "writing the outputs again from the 8 runs kept from before (none was left to make)" in report
    assert "0 runs made" not in report and tables_of(out) == undisturbed


@forked_only
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    faults = {"hang": [["generalist", 0], ["specialist", 0]], "pids": str(pids)}
    process = faulty(tmp_path, faults, *ARGS, f"hydra.run.dir={tmp_path / 'run'}")
    _wait_for(pids, "hang-*", 2, process)
    workers = [int(p.name) for p in pids.iterdir() if p.name.isdigit()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    process.kill()  # SIGKILL: the parent can do nothing about its workers
    process.communicate(timeout=60)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers), "workers outlived their parent"


@forked_only
def test_a_worker_that_dies_once_costs_no_replication(tmp_path: Path, undisturbed: dict[str, bytes]) -> None:
    once = tmp_path / "once"
    once.mkdir()
    out = tmp_path / "run"
    faults = {"die": [["generalist", 1], ["specialist", 2], ["specialist", 3]], "once": str(once)}
    process = faulty(tmp_path, faults, *with_args("runner.batch_size=4"), f"hydra.run.dir={out}")
    stdout, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert len(list(once.iterdir())) == 3  # three workers died
    assert not (out / "failures.json").exists()
    assert "salesim: 8 runs in " in stdout
    assert tables_of(out) == undisturbed
    # each death is said (a fresh user's kill -9 went unmentioned: "No run failed" with no hint at memory)
    for run in ("generalist's run 1", "specialist's run 2", "specialist's run 3"):
        assert f"while running {run}; that run is made again on a new worker, so no result is lost" in err, err
    assert err.count("salesim: a worker process died (") == 3
    report = (out / "report.md").read_text()  # and kept in How it was run ("No run failed" had said nothing)
    assert report.count("- **Note from the run**: a worker process died (") == 3, report


@forked_only
def test_workers_dying_again_and_again_leave_failures_that_a_resume_runs(
    tmp_path: Path, undisturbed: dict[str, bytes]
) -> None:
    out = tmp_path / "run"
    every_later_run = [[name, r] for name in ("generalist", "specialist") for r in (2, 3)]
    process = faulty(tmp_path, {"die": every_later_run}, *ARGS, f"hydra.run.dir={out}")
    stdout, err = process.communicate(timeout=300)
    assert process.returncode == cli.EXIT_REPLICATION_FAILURES, err
    assert re.search(r"salesim: 4 runs in [0-9.]+ s, and 4 failed; results in ", stdout), stdout  # 8 made
    assert "Traceback" not in err
    failures = json.loads((out / "failures.json").read_text())
    assert sorted((f["scenario"], f["replication"]) for f in failures) == sorted(map(tuple, every_later_run))
    messages = " ".join(f["error"] for f in failures)
    assert "worker process died" in messages or "worker processes died in a row" in messages
    assert "salesim: 4 replications failed; see failures.json" in err
    assert "salesim: to try them again: python -m simulator " in err
    assert len(pd.read_csv(out / "replications.csv")) == 4

    experiment = simulator.load_experiment(overrides=ARGS)
    resume = RunnerSettings(workers=2, batch_size=1, resume=True)
    resumed = simulator.run_experiment(experiment, settings=resume, store_dir=out)
    assert (resumed.failures, resumed.computed) == ([], 4)  # those failed, and only those, were run again
    write_tables(resumed, out)
    assert not (out / "failures.json").exists()
    assert tables_of(out) == undisturbed


def _unwritable(tmp_path: Path, kind: str) -> Path:
    if kind == "under a file":
        (tmp_path / "a_file").write_text("not a folder")
        return tmp_path / "a_file" / "run"
    if kind == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        folder = tmp_path / "read_only"
        folder.mkdir(mode=0o555)
        return folder / "run"
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    return Path("/proc/salesim/run")  # a folder that cannot be created


@pytest.mark.parametrize("kind", ["under a file", "read-only folder", "a folder that cannot be created"])
def test_an_unwritable_run_folder_is_refused_before_anything_runs(tmp_path: Path, kind: str) -> None:
    folder = _unwritable(tmp_path, kind)
    done = salesim(*ARGS, f"hydra.run.dir={folder}", cwd=tmp_path)
    assert done.returncode == cli.EXIT_UNWRITABLE_OUTPUT == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"salesim: cannot write results to {folder}: "), done.stderr
    assert lines[1:] == ["salesim: nothing was run; choose another folder with hydra.run.dir=<folder>"]
    assert done.stdout == ""
    assert not folder.exists()


def test_a_run_or_resume_removes_the_temporaries_a_killed_run_left(tmp_path: Path) -> None:
    """``kill -9`` while writing the outputs left 0-byte ``.decision.png.XXXXXXXX.tmp`` files in 6 of 8 cases;
    they outlived a resume and a fresh run replacing the folder."""
    experiment = simulator.load_experiment(overrides=with_args("runs=1"))
    run = tmp_path / "run"
    run_and_write(experiment, run, workers=1, progress=False)
    for resume in (True, False):
        left = [run / ".decision.png.k3j_x9qa.tmp", run / ".report.md.0_zz9y8x.tmp"]
        for path in left:
            path.write_bytes(b"")
        settings = RunnerSettings(workers=1, progress=False, resume=resume)
        run_and_write(experiment, run, settings=settings)
        assert not [p.name for p in left if p.exists()]
        assert (run / "decision.png").is_file()


def test_an_unwritable_folder_is_refused_by_the_python_api_too(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    experiment = simulator.load_experiment(overrides=ARGS)
    with pytest.raises(UnwritableOutputError, match="a file is in the way where a folder should be"):
        run_and_write(experiment, tmp_path / "a_file" / "run", workers=1, progress=False)


def test_a_store_that_cannot_be_written_mid_run_is_one_message_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written: list[str] = []
    add = DirectoryStore.add

    def fills_the_disk(self: DirectoryStore, part: object) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append("one")
        add(self, part)  # type: ignore[arg-type]

    monkeypatch.setattr(DirectoryStore, "add", fills_the_disk)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["salesim", *with_args("runner.workers=1"), f"hydra.run.dir={out}"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_UNWRITABLE_OUTPUT
    err = capsys.readouterr().err
    assert f"salesim: cannot write results to {out / 'store'}: no space left on the device" in err
    assert "Traceback" not in err
    assert len(list((out / "store").glob("*.manifest.json"))) == 1  # what was written before is kept


def test_the_dask_cluster_log_goes_to_the_run_folder_not_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setenv("DASK_TEMPORARY_DIRECTORY", str(tmp_path / "dask-scratch"))
    out = tmp_path / "run"
    done = salesim("runner=dask", *with_args("runner.batch_size=2"), f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    terminal = done.stdout + done.stderr
    assert "distributed." not in terminal and "Nanny" not in terminal and "Register worker" not in terminal
    assert [line for line in done.stderr.splitlines() if not line.startswith("salesim: ")] == []
    log = (out / "dask.log").read_text()
    assert "distributed.scheduler INFO" in log and "Register worker" in log
