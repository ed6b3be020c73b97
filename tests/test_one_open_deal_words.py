"""One open deal (or rep) is said in the singular: '1 open deals', 'from the 1 deals open then' had been written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.crm_commands import calibrate_main
from tests.crm_copies import SHARED, maven_mapping


@pytest.mark.skipif(SHARED is None, reason="the shared crm-maven export is not on this machine")
def test_one_open_deal_is_one_deal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The maven export's first 20 rows as of 2017-03-18 leave one deal open (HAXMC4IX, Engaging)."""
    assert SHARED is not None
    mapping = maven_mapping(tmp_path)
    pipeline = pd.read_csv(SHARED / "sales_pipeline.csv", dtype=str, keep_default_na=False).head(20)
    pipeline.to_csv(tmp_path / "sales_pipeline.csv", index=False)
    mapping.write_text(
        mapping.read_text().replace(str(SHARED / "sales_pipeline.csv"), str(tmp_path / "sales_pipeline.csv"))
    )
    out = tmp_path / "calibrated"
    assert calibrate_main([str(mapping), "--as-of", "2017-03-18", "--out", str(out), "--draws", "0"]) == 0
    said = capsys.readouterr().out
    assert ", 15 reps, 1 open deal; " in said and "1 open deals" not in said, said
    text = (out / "calibration.md").read_text()
    assert "The run starts on 2017-03-19 from the 1 deal open then and simulates " in text
