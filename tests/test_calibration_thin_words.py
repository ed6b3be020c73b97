"""The caution of an as-of date with few whole months says what the level is set from.

The back-test's origin 2017-06-30 on the shared export has 4 whole months (March to June 2017)
and its caution read "(the level is the median of the last 6)": the level is the median of
the 4 there are (calibration.md: "median of the last 4 usable months").
"""

from __future__ import annotations

from pathlib import Path

from simulator.calibration.calibrate import calibrate
from simulator.calibration.cautions import thin_history

MAPPING = Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities" / "mapping.yaml"


def test_the_caution_names_the_months_the_level_rests_on() -> None:
    cal = calibrate(str(MAPPING), "2023-03-31")
    assert cal.arrivals.level.n == len(cal.arrivals.history) == 2
    words = next(line for line in thin_history(cal) if line.startswith("only 2 whole months"))
    assert "(the level is the median of these 2, where recent_months asks for 6)" in words
    assert "median of the last 6" not in words
    one = next(line for line in thin_history(calibrate(str(MAPPING), "2023-02-28")) if line.startswith("only 1 whole"))
    assert "(the level is that month's count, where recent_months asks for the median of 6)" in one
