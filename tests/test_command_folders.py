"""An analysis command writes only into a folder holding its own earlier results, and says it replaces them.

Found by a fresh-user check: ``sensitivity --out`` into a finished run's folder replaced
its report.md with the sensitivity report (the run's tables stayed: the folder then
described two things), ``optimise`` did the same, and a 40-run back-test was replaced by a
3-run one without a word. A folder holding another command's results is now refused
(exit status 2, nothing written, naming that command); one holding the same command's
results is replaced, announced in one line before anything runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.io.occupied import OccupiedOutputError
from simulator.report import sensitivity_report
from simulator.report.backtest_report import LAYOUT as BACKTEST
from simulator.report.claims import claim_output, refuse_foreign_run, remove_stale
from simulator.report.optimisation_report import LAYOUT as OPTIMISE
from simulator.report.outputs import OUTPUT_NAMES
from simulator.report.sensitivity_report import LAYOUT as SENSITIVITY


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def _folder(folder: Path, *names: str) -> Path:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("salesim's")
    return folder


def _run(folder: Path) -> Path:
    return _folder(folder, "store/manifest.json", *OUTPUT_NAMES)


def test_a_folder_holding_another_commands_results_is_refused_naming_that_command(tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    with pytest.raises(OccupiedOutputError) as refused:
        claim_output(run, SENSITIVITY)
    assert "it holds the results of a run (salesim)" in str(refused.value)
    assert "Choose another folder with --out DIR: salesim sensitivity replaces only its own" in str(refused.value)
    study = _folder(tmp_path / "study", "sensitivity.csv", "tornado.png", "report.md", "report.html")
    with pytest.raises(OccupiedOutputError) as refused:
        claim_output(study, OPTIMISE)
    assert "the results of a sensitivity study (salesim sensitivity)" in str(refused.value)
    search = _folder(tmp_path / "search", "optimisation.csv", "report.md")
    with pytest.raises(OccupiedOutputError, match="a team-mix search"):
        claim_output(search, BACKTEST)
    with pytest.raises(OccupiedOutputError, match="a team-mix search"):
        refuse_foreign_run(search)  # a main run into it alike
    mine = _folder(tmp_path / "mine", "sensitivity.csv", "notes.txt")
    with pytest.raises(OccupiedOutputError, match="what salesim did not write"):
        claim_output(mine, SENSITIVITY)


def test_the_same_commands_earlier_results_are_replaced_with_a_note_and_stale_files_removed(tmp_path: Path) -> None:
    assert claim_output(tmp_path / "new", SENSITIVITY) is None
    study = _folder(tmp_path / "study", "sensitivity.csv", "sensitivity_global.csv", "global.png", "report.md")
    note = claim_output(study, SENSITIVITY)
    assert note is not None and note.startswith("the folder held an earlier sensitivity study's results (")
    assert "this one replaces them" in note
    written = [study / "sensitivity.csv", study / "report.md"]  # the new study has no global part
    assert sorted(remove_stale(study, SENSITIVITY, written)) == ["global.png", "sensitivity_global.csv"]
    assert sorted(_tree(study)) == ["report.md", "sensitivity.csv"]


def test_sensitivity_into_a_run_folder_exits_2_before_anything_runs_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator.subcommands import _sensitivity_main

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may run")

    monkeypatch.setattr(sensitivity_report, "run_sensitivity", never)
    run = _run(tmp_path / "run")
    before = _tree(run)
    assert _sensitivity_main(["--runs", "2", "--out", str(run)]) == 2
    err = capsys.readouterr().err
    assert "the results of a run (salesim)" in err and err.count("nothing was run") == 1
    assert _tree(run) == before
