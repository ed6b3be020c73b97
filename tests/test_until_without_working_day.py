"""An --until that leaves the run no working day is refused naming it (exit 2, nothing written), not crashed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.crm_commands import backtest_main, calibrate_main
from tests.crm_copies import SHARED, SYNTHETIC_MAPPING, maven_mapping


@pytest.mark.skipif(SHARED is None, reason="the shared crm-maven export is not on this machine")
def test_a_weekend_until_is_refused_by_calibrate_and_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--as-of 2017-09-29 (a Friday) --until 2017-10-01 (a Sunday): backtest had crashed with a traceback on
    'clock.horizon_days = 0' (exit 1), calibrate had blamed 'the mapping's assumptions and the export'."""
    mapping = maven_mapping(tmp_path)
    out = tmp_path / "out"
    args = [str(mapping), "--as-of", "2017-06-30,2017-09-29", "--until", "2017-10-01", "--out", str(out)]
    assert backtest_main([*args, "--runs", "10", "--workers", "1"]) == 2
    said = capsys.readouterr().err
    assert "--until 2017-10-01: the run from 2017-09-30 (the day after --as-of 2017-09-29) to it holds no " in said
    assert "working day (a weekend): give a date on or after 2017-10-02, its first working day" in said
    assert not out.exists()
    assert calibrate_main([str(mapping), "--as-of", "2017-09-30", "--until", "2017-10-01", "--out", str(out)]) == 2
    assert "--until 2017-10-01: the run from 2017-10-01 (the day after --as-of 2017-09-30)" in capsys.readouterr().err
    assert not out.exists()
    assert calibrate(mapping, "2017-09-29", "2017-10-02").horizon_days == 1.0  # one working day runs


def test_an_until_on_a_holiday_after_a_weekend_is_refused_naming_the_holidays(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text(SYNTHETIC_MAPPING + "assumptions: {holidays: ['2023-04-03']}\n")
    with pytest.raises(CalibrationError) as refusal:
        calibrate(tmp_path / "mapping.yaml", "2023-03-31", "2023-04-03")  # Friday; Monday is a holiday
    words = str(refusal.value)
    assert "--until 2023-04-03:" in words and "(a weekend or public holidays (assumptions.holidays))" in words
    assert "on or after 2023-04-04" in words
