"""CRM exports for the tests: a copy of the shape (a) fixture with its opportunities table edited, for bad or odd
exports, and the shared crm-maven export read through the example mapping."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crm"
ROOT = Path(__file__).resolve().parents[1]
SHARED = next(
    (p for p in (ROOT.parent / "shared" / "data" / "crm-maven", Path("/work/shared/data/crm-maven")) if p.is_dir()),
    None,
)
"""The shared crm-maven export (beside the repository, or where this machine keeps it); None when absent."""
SYNTHETIC_MAPPING = """name: synthetic
opportunities:
  file: opportunities.csv
  columns: {id: id, created: created, closed: closed, outcome: status, amount: amount, owner: owner}
  outcomes: {Won: won, Lost: lost, Open: open}
"""
"""The mapping of a synthetic export written by a test: one ``opportunities.csv`` with those columns."""


def maven_mapping(folder: Path) -> Path:
    """``examples/crm-maven/mapping.yaml`` written into ``folder``, reading the shared export wherever it is.

    Raises:
        AssertionError: The shared export is not on this machine (skip the test first).
    """
    assert SHARED is not None
    text = (ROOT / "examples" / "crm-maven" / "mapping.yaml").read_text()
    mapping = folder / "mapping.yaml"
    mapping.write_text(text.replace("../../../shared/data/crm-maven", str(SHARED)))
    return mapping


def edited_copy(tmp_path: Path, edit: Callable[[pd.DataFrame], None]) -> Path:
    """Copy ``a_opportunities`` into ``tmp_path`` with ``edit`` applied to its opportunities (cells as text).

    Returns:
        The copy's mapping file.
    """
    source = FIXTURES / "a_opportunities"
    for name in ("opportunities.csv", "roster.csv", "mapping.yaml"):
        shutil.copy(source / name, tmp_path / name)
    table = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(tmp_path / "opportunities.csv", index=False)
    return tmp_path / "mapping.yaml"
