"""A results store read for analysis (``DirectoryStore(run_dir).replications()``) is checked as a resume checks it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.run.parts import Part
from simulator.run.store import DamagedStoreError, DirectoryStore, UncommittedPartsWarning

NAMES = ["first", "second"]


def _part(index: int, first: int, last: int) -> Part:
    reps = list(range(first, last + 1))
    kpis = pd.DataFrame({"scenario": NAMES[index], "replication": reps, "bookings": [1.5e6 + 1000.0 * r for r in reps]})
    monthly = pd.DataFrame(
        {"scenario": NAMES[index], "replication": np.repeat(reps, 2), "month": [0, 1] * len(reps), "bookings": 1.0}
    )
    return Part(index, first, last, kpis, monthly, [], {})


def _finished_store(tmp_path: Path) -> Path:
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    for part in (_part(0, 0, 2), _part(0, 3, 5), _part(1, 0, 2), _part(1, 3, 5)):
        store.add(part)
    return tmp_path / "store"


def _alter(path: Path) -> None:
    content = bytearray(path.read_bytes())
    at = next(i for i in range(len(content) - 1, 0, -1) if chr(content[i]).isdigit() and content[i] != ord("7"))
    content[at] = ord("7")
    path.write_bytes(bytes(content))


def test_an_intact_store_reads_and_verifies_clean(tmp_path: Path) -> None:
    _finished_store(tmp_path)
    reader = DirectoryStore(tmp_path)
    assert reader.verify() == []
    assert len(reader.replications()) == 12


def test_an_altered_part_is_named_not_read_into_the_numbers(tmp_path: Path) -> None:
    """An edited value had gone silently into summarise(DirectoryStore(run_dir).replications())."""
    store = _finished_store(tmp_path)
    _alter(store / "s001-r00000003-00000005.replications.csv")
    before = sorted(p.name for p in store.iterdir())
    reader = DirectoryStore(tmp_path)
    assert reader.verify() == ["part s001-r00000003-00000005 is damaged (replications.csv differs from its checksum)"]
    with pytest.raises(DamagedStoreError, match=r"s001-r00000003-00000005 .*differs from its checksum.*runner.resume"):
        reader.replications()
    assert sorted(p.name for p in store.iterdir()) == before  # reading repairs nothing: a resume does


def test_a_missing_part_file_is_named_not_a_bare_file_not_found(tmp_path: Path) -> None:
    store = _finished_store(tmp_path)
    (store / "s000-r00000000-00000002.replications.csv").unlink()
    reader = DirectoryStore(tmp_path)
    assert reader.verify() == ["part s000-r00000000-00000002 is damaged (replications.csv is missing)"]
    with pytest.raises(DamagedStoreError, match=r"replications\.csv is missing"):
        reader.replications()


@pytest.mark.parametrize(("damage", "problem"), [("remove", "is missing"), ("truncate", "cannot be read")])
def test_a_missing_or_damaged_store_manifest_is_named_not_intact_nor_a_crash(
    tmp_path: Path, damage: str, problem: str
) -> None:
    """verify() had said [] without manifest.json and crashed on a truncated one; reading raised a bare error."""
    manifest = _finished_store(tmp_path) / "manifest.json"
    if damage == "remove":
        manifest.unlink()
    else:
        manifest.write_text(manifest.read_text()[:9])
    reader = DirectoryStore(tmp_path)
    found = reader.verify()
    assert len(found) == 1 and found[0].startswith(f"the store manifest manifest.json {problem}")
    with pytest.raises(DamagedStoreError, match=rf"store manifest .*manifest\.json {problem}.*runner\.resume"):
        reader.replications()
    assert len(reader.replications(NAMES)) == 12  # told the scenarios, the checked parts still read


def test_a_part_without_its_entry_is_named_and_its_absence_said(tmp_path: Path) -> None:
    """With a part's entry removed, verify() said [] and replications() gave 9 of 12 rows without a word."""
    store = _finished_store(tmp_path)
    (store / "s001-r00000000-00000002.manifest.json").unlink()
    reader = DirectoryStore(tmp_path)
    assert reader.verify() == [
        "part s001-r00000000-00000002 has no manifest entry: cut short while being written, or its entry was "
        "removed; nothing checks its files, so none is read"
    ]
    with pytest.warns(UncommittedPartsWarning, match=r"1 part\(s\) .*\(s001-r00000000-00000002\).* 3 replications"):
        assert len(reader.replications()) == 9
