"""--replace replaces only a folder calibrate wrote: never the mapping or export being read,
a git repository, the user's own files, nor the current folder (each deleted, exit 0, before)."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.calibration.folder import write_folder
from simulator.calibration.occupied import WRITTEN, foreign_entries
from simulator.crm_commands import calibrate_main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities"
AS_OF = "2023-04-28"
EXPORT = ("opportunities.csv", "roster.csv", "mapping.yaml")


def export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in EXPORT:
        shutil.copy(FIXTURE / name, folder / name)
    return folder / "mapping.yaml"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_replace_never_deletes_the_mapping_or_export_it_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """calibrate ../t1/mapping.yaml --out ../t1 --replace deleted the mapping it read and the notes beside it."""
    t1 = tmp_path / "t1"
    mapping = export(t1)
    (t1 / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    for out in (t1, tmp_path):  # the mapping's folder, and a folder above it
        assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out), "--replace"]) == 2
        message = capsys.readouterr().err
        assert f"--out {out}: {mapping} is being read by calibrate and is inside that folder" in message
        assert "nothing was written" in message and "to a new folder outside it" in message
        assert tree(tmp_path) == before
    monkeypatch.chdir(t1)  # --out . beside the mapping
    assert calibrate_main(["mapping.yaml", "--as-of", AS_OF, "--out", ".", "--replace"]) == 2
    assert "--out .: " in capsys.readouterr().err and tree(tmp_path) == before
    # an export file read from a folder that otherwise looks like calibrate's (the Python API too)
    company = tmp_path / "company"
    write_folder(calibrate(mapping, AS_OF), company)
    cal = calibrate(mapping, AS_OF)
    moved = (company / "calibration.md").resolve()  # as if the opportunities were read from there
    table = cal.mapping.opportunities.model_copy(update={"file": str(moved)})
    cal = dataclasses.replace(cal, mapping=cal.mapping.model_copy(update={"opportunities": table}))
    before = tree(company)
    with pytest.raises(CalibrationError, match=f"{moved} is being read by calibrate and is inside that folder"):
        write_folder(cal, company, replace=True)
    assert tree(company) == before


def test_replace_never_deletes_a_folder_holding_what_calibrate_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding .git/ and important.py was deleted silently, exit 0."""
    mapping = export(tmp_path / "export")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / "important.py").write_text("x = 1\n")
    before = tree(repo)
    for extra in ([], ["--replace"]):
        assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(repo), *extra]) == 2
        message = capsys.readouterr().err
        assert (
            f"--out {repo}: the folder exists and holds what salesim calibrate did not write (.git, important.py); "
            "nothing was written. --replace replaces only a folder calibrate wrote, so choose a new folder "
            "(or move those out of it first)"
        ) in message
        assert tree(repo) == before
    # a folder calibrate wrote, with one file of the user's inside a subfolder, or .git alone
    company = tmp_path / "company"
    args = [str(mapping), "--as-of", AS_OF, "--out", str(company), "--replace"]
    assert calibrate_main(args) == 0
    for extra in ("pipeline/my_notes.md", ".git", "outputs"):
        (company / extra).mkdir() if "." not in extra else (company / extra).write_text("mine")
        capsys.readouterr()
        assert calibrate_main(args) == 2
        assert f"did not write ({extra})" in capsys.readouterr().err
        assert (company / extra).exists()
        shutil.rmtree(company / extra) if (company / extra).is_dir() else (company / extra).unlink()
    assert calibrate_main(args) == 0  # calibrate's own folder, edits and all, is replaced
    assert sorted(tree(company)) == sorted(WRITTEN) and foreign_entries(company) == []


def test_replace_never_moves_the_current_folder_away(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = export(tmp_path / "export")
    company = tmp_path / "company"
    write_folder(calibrate(mapping, AS_OF), company)
    monkeypatch.chdir(company)
    before = tree(company)
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", ".", "--replace"]) == 2
    assert "--out .: is the current folder or holds it; nothing was written" in capsys.readouterr().err
    assert tree(company) == before and Path(os.getcwd()) == company.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]
