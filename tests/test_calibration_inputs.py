"""Bad CSV rows, UTF-16 files, rosters and price lists that disagree with themselves, mapping
values out of range, and an --out folder that already holds something: each refused with one
salesim message (exit 2, nothing written) or counted, never passed over in silence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.calibration.folder import write_folder
from simulator.crm_commands import calibrate_main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities"
AS_OF = "2023-04-28"


def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("opportunities.csv", "roster.csv", "mapping.yaml"):
        shutil.copy(FIXTURE / name, folder / name)
    return folder / "mapping.yaml"


def refused(mapping: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    out = mapping.parent.parent / "out"
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(out), *extra]) == 2
    assert not out.exists()
    return capsys.readouterr().err


def edit_lines(path: Path, line: int, change) -> None:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = change(lines[line - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_existing_folder_is_kept_unless_replace_is_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second calibrate into one folder deleted it, the user's own pay figures and notes included."""
    mapping = copy(tmp_path)
    out = tmp_path / "company"
    args = [str(mapping), "--as-of", AS_OF, "--out", str(out)]
    assert calibrate_main(args) == 0
    pay = out / "economics" / "calibrated.yaml"
    pay.write_text(pay.read_text() + "# my own pay figures\n")
    (out / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert calibrate_main(args) == 2
    message = capsys.readouterr().err
    assert f"--out {out}: the folder exists and is not empty (calibration.md, clock, config.yaml" in message
    assert "nothing was written" in message and "pass --replace" in message
    assert "economics/calibrated.yaml too" in message
    assert "# my own pay figures" in pay.read_text() and (out / "notes.txt").read_text() == "mine"
    with pytest.raises(CalibrationError, match="not empty"):  # the Python API refuses alike
        write_folder(calibrate(mapping, AS_OF), out)
    assert calibrate_main([*args, "--replace"]) == 0
    assert "# my own pay figures" not in pay.read_text() and not (out / "notes.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]  # nothing left aside
    empty = tmp_path / "empty"
    empty.mkdir()
    assert calibrate_main([str(mapping), "--as-of", AS_OF, "--out", str(empty)]) == 0
    assert (empty / "calibration.md").is_file()


def test_a_failed_replace_leaves_the_old_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.calibration import folder

    mapping = copy(tmp_path)
    out = tmp_path / "company"
    write_folder(calibrate(mapping, AS_OF), out)
    (out / "notes.txt").write_text("mine")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))

    def fail(*_: object) -> str:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(folder, "calibration_markdown", fail)
    with pytest.raises(RuntimeError):
        write_folder(calibrate(mapping, AS_OF), out, replace=True)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]
    real_rename = Path.rename

    def rename_fails_into_place(self: Path, target: Path) -> Path:  # the swap itself fails
        if self.name.startswith(".calibrating"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.undo()
    monkeypatch.setattr(Path, "rename", rename_fails_into_place)
    with pytest.raises(OSError):
        folder._swap(Path(tmp_path / ".calibrating-x"), out, replace=True)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company", "export"]
