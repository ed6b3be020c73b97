"""A run, a sweep or a command never overwrites or deletes what salesim did not write in its folder.

Found by a fresh-user check: ``python -m simulator hydra.run.dir=DIR`` into a folder
holding ``DIR/store/notes.txt`` deleted the notes (a fresh run replaced ``store/`` whole)
and overwrote ``DIR/report.md``. Such a folder is now refused, exit status 2, before
anything runs, with nothing written; a folder salesim wrote itself is run again or resumed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.io.atomic import leftover_temporaries, remove_leftover_temporaries
from simulator.io.occupied import OccupiedOutputError, foreign_entries
from simulator.report.layouts import RUN_LAYOUT, SWEEP_LAYOUT
from simulator.report.outputs import OUTPUT_NAMES, remove_outputs
from simulator.run.store import DirectoryStore

ROOT = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_folder(folder: Path) -> Path:
    """A folder as a finished run leaves it: outputs and a store with one part."""
    (folder / "store").mkdir(parents=True)
    for name in ["manifest.json", "s000-r00000000-00000009.replications.csv", "s000-r00000000-00000009.manifest.json"]:
        (folder / "store" / name).write_text("{}")
    for name in OUTPUT_NAMES:
        (folder / name).write_text("salesim's")
    return folder


def test_a_finished_run_is_salesims_and_anything_else_is_not(tmp_path: Path) -> None:
    run = _run_folder(tmp_path / "run")
    assert foreign_entries(run, RUN_LAYOUT) == []
    (run / "store" / "notes.txt").write_text("mine")
    (run / "data.csv").write_text("a,b")
    (run / ".git").mkdir()
    assert foreign_entries(run, RUN_LAYOUT) == [".git", "data.csv", "store/notes.txt"]
    mine = tmp_path / "mine"  # only names a run writes, but no store: the user's own report
    mine.mkdir()
    (mine / "report.md").write_text("my report")
    assert foreign_entries(mine, RUN_LAYOUT) == ["report.md without store/manifest.json"]
    sweep = tmp_path / "sweep"
    _run_folder(sweep / "0")
    (sweep / "multirun.yaml").write_text("{}")
    assert foreign_entries(sweep, SWEEP_LAYOUT) == []
    (sweep / "0" / "notes.txt").write_text("mine")
    assert foreign_entries(sweep, SWEEP_LAYOUT) == ["0/notes.txt"]


def test_a_fresh_store_never_deletes_a_file_it_did_not_write(tmp_path: Path) -> None:
    notes = tmp_path / "store" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("mine")
    with pytest.raises(OccupiedOutputError, match=r"store: .*\(notes\.txt\)"):
        DirectoryStore(tmp_path).start({"seed": 1})
    (notes.parent / "manifest.json").write_text('{"seed": 1}')  # an interrupted run's store, and the notes
    with pytest.raises(OccupiedOutputError, match=r"store: .*\(notes\.txt\)"):
        DirectoryStore(tmp_path).resume({"seed": 1})
    assert notes.read_text() == "mine"


def test_an_interrupted_rerun_removes_only_the_files_a_run_writes(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    (run / "data.csv").write_text("a,b")
    (run / "photo.png").write_text("png")
    removed = remove_outputs(run)
    assert {p.name for p in removed} == set(OUTPUT_NAMES)
    assert (run / "data.csv").is_file() and (run / "photo.png").is_file()


def _salesim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize("occupant", ["store/notes.txt", "report.md"])
def test_a_run_into_a_folder_holding_the_users_files_is_refused_and_writes_nothing(
    tmp_path: Path, occupant: str
) -> None:
    folder = tmp_path / "results"
    (folder / occupant).parent.mkdir(parents=True)
    (folder / occupant).write_text("mine")
    before = _tree(folder)
    done = _salesim("runs=4", "runner.workers=1", f"hydra.run.dir={folder}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert str(folder) in done.stderr and "did not write" in done.stderr
    assert "runner.resume=true" in done.stderr and "another folder" in done.stderr
    assert "engine" not in done.stderr  # refused before the engine, let alone a replication
    assert _tree(folder) == before and sorted(os.listdir(folder)) == sorted({occupant.split("/")[0]})


def test_warmup_into_a_folder_holding_the_users_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "warmup.md").write_text("my notes")
    (folder / "plan.xlsx").write_text("mine")
    done = _salesim("warmup", "--runs", "2", "--years", "0.2", "--out", str(folder), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "plan.xlsx" in done.stderr and "--out" in done.stderr
    assert _tree(folder) == {"warmup.md": "my notes", "plan.xlsx": "mine"}


def test_only_atomic_writes_own_temporaries_are_salesims(tmp_path: Path) -> None:
    """A ``kill -9`` while writing leaves ``.decision.png.k3j_x9qa.tmp``: salesim's; a user's ``.draft.tmp`` is not."""
    run = _run_folder(tmp_path / "run")
    (run / ".decision.png.k3j_x9qa.tmp").write_bytes(b"")
    (run / "store" / ".s000-r00000000-00000009.monthly.csv.a_1b2c3d.tmp").write_bytes(b"")
    assert foreign_entries(run, RUN_LAYOUT) == []
    assert [p.name for p in leftover_temporaries(run)] == [".decision.png.k3j_x9qa.tmp"]
    (run / ".draft.tmp").write_text("mine")
    (run / ".notes.txt.abc.tmp").write_text("mine")
    assert foreign_entries(run, RUN_LAYOUT) == [".draft.tmp", ".notes.txt.abc.tmp"]
    assert remove_leftover_temporaries(run) == [".decision.png.k3j_x9qa.tmp"]
    assert (run / ".draft.tmp").read_text() == "mine" and (run / ".notes.txt.abc.tmp").read_text() == "mine"
