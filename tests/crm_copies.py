"""A copy of the shape (a) CRM fixture with its opportunities table edited, for tests of bad or odd exports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crm"


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
