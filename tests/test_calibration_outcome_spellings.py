"""Statuses and stages spelt as the mapping spells them but for case are read as its; a renamed last stage is refused.

The opportunities' ``WON`` for a mapping's ``Won`` had been refused, and a stage
history's ``closed won`` for ``Closed Won`` read as no outcome: the deal left open in
silence, the win rate 62.5% where it is 66.7%.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError, DataProblems
from simulator.calibration.outcome_spellings import read_outcomes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crm"
AS_OF = "2023-04-28"


def copy(tmp_path: Path, shape: str) -> Path:
    folder = tmp_path / shape
    shutil.copytree(FIXTURES / shape, folder)
    return folder / "mapping.yaml"


def respell(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_statuses_in_another_case_are_read_as_the_mappings_and_counted(tmp_path: Path) -> None:
    mapping = copy(tmp_path, "a_opportunities")
    table = mapping.parent / "opportunities.csv"
    respell(table, ",Won,", ",WON,", 3)
    respell(table, ",Lost,", ",lost ,", 2)
    clean = calibrate(str(FIXTURES / "a_opportunities" / "mapping.yaml"), AS_OF)
    cal = calibrate(str(mapping), AS_OF)
    assert cal.outcomes.win_rate.value == clean.outcomes.win_rate.value
    counted = [(p, n) for p, n, _ in cal.export.problems.items if p.startswith("statuses spelt")]
    assert counted == [("statuses spelt unlike opportunities.outcomes only in case or spaces ('WON', 'lost')", 5)]


def test_a_history_stage_in_another_case_ends_its_deal_as_the_mapping_says(tmp_path: Path) -> None:
    mapping = copy(tmp_path, "b_history")
    respell(mapping.parent / "history.csv", "B03,Closed Won,", "B03,closed won,")
    cal = calibrate(str(mapping), AS_OF)
    assert cal.outcomes.win_rate.value == pytest.approx(2 / 3)  # had been 0.625: B03 left open
    assert len(cal.open_deals) == 3
    assert [n for p, n, _ in cal.export.problems.items if p.startswith("statuses spelt")] == [1]


def test_a_last_stage_that_names_an_outcome_the_mapping_lacks_is_refused(tmp_path: Path) -> None:
    mapping = copy(tmp_path, "b_history")
    respell(mapping.parent / "history.csv", "B09,Closed Lost,", "B09,Lost (old),")
    with pytest.raises(CalibrationError) as raised:
        calibrate(str(mapping), AS_OF)
    assert str(raised.value) == (
        f"file {mapping.parent / 'history.csv'}, column 'StageName', row 27 (line 28 of the file, after its header): "
        "stage 'Lost (old)' ends 1 opportunity and reads as an outcome, but is not in stage_history.outcomes: a last "
        "stage the mapping does not name leaves its deal open; add it as one of won, lost, no_decision, open (e.g. "
        "Lost (old): lost)"
    )


def test_statuses_the_mapping_spells_alike_with_two_outcomes_keep_their_own_spelling() -> None:
    problems = DataProblems()
    read = read_outcomes(pd.Series(["won", "Won", "WON", "x"]), {"won": "lost", "Won": "won"}, problems, "k")
    assert read.tolist()[:2] == ["lost", "won"]
    assert read.isna().tolist()[2:] == [True, True]
    assert problems.items == []
