"""A month-to-month swing not estimated (too few months) shows no interval, not '0.0% (0.0–0.0%)'."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.document import calibration_markdown
from simulator.calibration.fit_arrivals import month_swing
from tests.crm_copies import SHARED, maven_mapping


def test_two_months_give_a_swing_of_zero_with_no_interval() -> None:
    """Two months (one degree of freedom) had given "0.0% (0.0–0.0%), n = 2 months": read as measured to be none."""
    swing = month_swing({"2017-03": 792, "2017-04": 874})
    assert swing.value == 0.0 and swing.n == 2
    assert not math.isfinite(swing.low) and not math.isfinite(swing.high)
    assert swing.text(percent=True, rows="month") == "0.0% (no CI: too few values), n = 2 months"
    three = month_swing({"2017-03": 792, "2017-04": 874, "2017-05": 722})  # two degrees of freedom: estimated
    assert math.isfinite(three.low) and math.isfinite(three.high) and three.low <= three.value <= three.high


@pytest.mark.skipif(SHARED is None, reason="the shared crm-maven export is not on this machine")
def test_the_maven_export_as_of_april_says_its_swing_has_no_interval(tmp_path: Path) -> None:
    cal = calibrate(maven_mapping(tmp_path), "2017-04-30")
    row = next(
        line
        for line in calibration_markdown(cal).splitlines()
        if line.startswith("| month-to-month swing of new opportunities")
    )
    assert "| 0.0% (no CI: too few values), n = 2 months |" in row, row
    assert "(0.0–0.0%)" not in row
