"""A misspelt mapping key is matched against every key its section has, the lead-source column's included.

The mapping file's own attributes (``base``, ``source``: its folder and path) were left out of
every section's keys, so ``opportunities.columns``, whose ``source`` is the lead-source column,
listed its keys without it and found no match for ``sorce``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.calibration.errors import CalibrationError
from simulator.calibration.mapping import load_mapping

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities"


def written(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    source = yaml.safe_load((FIXTURE / "mapping.yaml").read_text())
    for entry in ("opportunities", "roster"):
        source[entry]["file"] = str((FIXTURE / source[entry]["file"]).resolve())
    change(source)
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(source))
    return path


def test_a_misspelt_lead_source_column_is_matched_to_source(tmp_path: Path) -> None:
    mapping = written(tmp_path, lambda m: m["opportunities"]["columns"].update(sorce="Owner"))
    with pytest.raises(CalibrationError) as refused:
        load_mapping(mapping)
    message = str(refused.value)
    assert "opportunities.columns.sorce = 'Owner': unknown key" in message, message
    assert "segment, region, source, qualifier)" in message and "did you mean 'source'?" in message


def test_the_files_own_attributes_are_no_keys_at_its_top(tmp_path: Path) -> None:
    mapping = written(tmp_path, lambda m: m.update(prises={}))
    with pytest.raises(CalibrationError) as refused:
        load_mapping(mapping)
    message = str(refused.value)
    assert "prises = {…}: unknown key" in message and "did you mean 'prices'?" in message
    listed = message.split("the mapping has: ")[1].split(")")[0].split(", ")
    assert "base" not in listed and "source" not in listed and "opportunities" in listed
