"""A list cut short in calibration.md or a refusal says how many it left out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.document import calibration_markdown
from simulator.calibration.errors import CalibrationError, some_of
from tests.crm_copies import SHARED, SYNTHETIC_MAPPING, maven_mapping


def test_some_of_says_how_many_it_leaves_out() -> None:
    assert some_of(["a", "b"], 4) == "a, b"
    assert some_of(["a", "b", "c", "d", "e"], 4) == "a, b, c, d and 1 more"
    assert some_of([f"x{i}" for i in range(2000)], 2) == "x0, x1 and 1,998 more"


@pytest.mark.skipif(SHARED is None, reason="the shared crm-maven export is not on this machine")
def test_idle_roster_owners_past_eight_are_counted_in_the_row(tmp_path: Path) -> None:
    """The maven export's first 20 rows leave 20 roster owners idle: the row had named 8 of them and no more."""
    assert SHARED is not None
    mapping = maven_mapping(tmp_path)
    pipeline = pd.read_csv(SHARED / "sales_pipeline.csv", dtype=str, keep_default_na=False).head(20)
    pipeline.to_csv(tmp_path / "sales_pipeline.csv", index=False)
    text = mapping.read_text().replace(str(SHARED / "sales_pipeline.csv"), str(tmp_path / "sales_pipeline.csv"))
    mapping.write_text(text)
    md = calibration_markdown(calibrate(mapping, "2017-03-18"))
    row = next(line for line in md.splitlines() if line.startswith("| owners in the roster with no deals"))
    assert "| 20 | no seat in the company (" in row and " and 12 more)" in row, row


def test_statuses_not_mapped_past_five_are_counted_in_the_refusal(tmp_path: Path) -> None:
    """Seven statuses missing from the mapping: named the first and 5 of the 6 others, 1 unsaid."""
    rows = [
        ("1", "2023-01-02", "2023-02-01", "Won", "100", "ann"),
        ("2", "2023-01-03", "2023-02-02", "Lost", "", "ann"),
    ]
    rows += [(str(10 + i), "2023-01-04", "2023-02-03", f"Odd{i}", "", "ann") for i in range(7)]
    frame = pd.DataFrame(rows, columns=["id", "created", "closed", "status", "amount", "owner"])
    frame.to_csv(tmp_path / "opportunities.csv", index=False)
    (tmp_path / "mapping.yaml").write_text(SYNTHETIC_MAPPING)
    with pytest.raises(CalibrationError) as refusal:
        calibrate(tmp_path / "mapping.yaml", "2023-03-31")
    words = str(refusal.value)
    assert "'Odd0'" in words and "also not mapped: 'Odd1', 'Odd2', 'Odd3', 'Odd4', 'Odd5' and 1 more" in words, words
    assert "map 'Odd1', 'Odd2', 'Odd3', 'Odd4', 'Odd5' and 1 more too" in words, words
