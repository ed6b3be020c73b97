"""Every table a mapping names, read once and checked together before any is used.

A mapping can be wrong in several places at once (no column for the created date, a
misspelt column in the opportunities and another in the roster, a price list that is not
where the mapping says): each is named in one refusal, so the user mends the mapping once
rather than once a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from simulator.calibration.currency import AmountColumn
from simulator.calibration.errors import CalibrationError, DataProblems, row_words, some_of
from simulator.calibration.mapping import (
    MappingFile,
    OpportunityTable,
    Prices,
    Roster,
    StageHistory,
    WonDeals,
    unanswerable,
)
from simulator.calibration.readers import MISSING_WORDS, read_table, require_columns
from simulator.config.errors import shown

SECTIONS = ("opportunities", "stage_history", "won_deals", "roster", "prices")
"""The mapping's tables, in the order they are read and their problems told."""


def mapped_columns(section: str, columns: BaseModel) -> dict[str, str | None]:
    """A mapping section's columns by their keys (``opportunities.columns.product`` -> its column, None: unmapped)."""
    return {f"{section}.{key}": value for key, value in columns.model_dump().items()}


def read_export_tables(mapping: MappingFile) -> dict[str, pd.DataFrame]:
    """Each table the mapping names (by section, :data:`SECTIONS`), every mapped column in it.

    Raises:
        CalibrationError: The mapping gives no created date or outcome
            (:func:`~simulator.calibration.mapping.unanswerable`), a table cannot be read or
            lacks a mapped column; with several problems, one error naming each.
    """
    tables: dict[str, pd.DataFrame] = {}
    problems = [CalibrationError(line, file=mapping.source) for line in unanswerable(mapping)]
    for section in SECTIONS:
        table = getattr(mapping, section)
        if table is None:
            continue
        path = mapping.path(table.file)
        if not path.is_file():
            relative = "" if Path(table.file).expanduser().is_absolute() else ", read from the mapping file's folder"
            if not table.file.strip():
                what = "must name the table's file"
            elif path.is_dir():
                what = f"is a folder, not a file{relative}: {path}"
            else:
                what = (
                    f"no such file{relative}: {path} (keep the export where the mapping points, or edit the path; "
                    "README, 'Your own company')"
                )
            problems.append(CalibrationError(f"{section}.file = {shown(table.file)}: {what}", file=mapping.source))
            continue
        try:
            raw = read_table(path, table.sheet)
            require_columns(raw, _section_columns(section, table), path)
        except CalibrationError as error:
            problems.append(error)
            continue
        tables[section] = raw
    if len(problems) == 1:
        raise problems[0]
    if problems:
        lines = "".join(f"\n  - {_indented(str(problem))}" for problem in problems)
        raise CalibrationError(f"the mapping and its tables have {len(problems)} problems:{lines}")
    return tables


def blank_missing_words(mapping: MappingFile, tables: dict[str, pd.DataFrame], problems: DataProblems) -> None:
    """Read a mapped column's cells holding a missing-value word (``n/a``, ``NULL``, ``NA``, ...) as empty; count them.

    An empty cell means not known (no close date: open; no price: none), and so does a
    :data:`~simulator.calibration.readers.NA_WORDS` cell, but it is counted in ``problems``
    per file and column with its first row, so the choice is seen: a price of ``n/a`` had
    been blanked with no word (exit 0, no data problem) while ``abc`` was refused, and a
    region written ``NA`` (North America) would vanish unseen. ``tables`` is changed in place.
    """
    for section in SECTIONS:
        table = getattr(mapping, section)
        if table is None or section not in tables:
            continue
        frame, path = tables[section], mapping.path(table.file)
        for name in dict.fromkeys(c for c in _section_columns(section, table).values() if c is not None):
            words = frame[name].str.casefold().isin(MISSING_WORDS)
            if not words.any():
                continue
            first = int(words.to_numpy().argmax())
            found = sorted(set(frame[name][words]))
            problems.add(
                f"cells holding a missing-value word ({some_of([repr(w) for w in found], 4)}) in column '{name}' of "
                f"{path.name}",
                int(words.sum()),
                f"read as empty (not known), as an empty cell is; the first: {row_words(str(path), first + 1)}",
            )
            frame.loc[words, name] = ""


def amount_columns(mapping: MappingFile, tables: Mapping[str, pd.DataFrame]) -> list[AmountColumn]:
    """The export's mapped columns of amounts, in the order read: the deals' (or leads'), the won deals', the prices.

    They are added together as one currency
    (:func:`~simulator.calibration.currency.refuse_other_currencies`).
    """
    found: list[AmountColumn] = []
    deals, won, prices = mapping.opportunities, mapping.won_deals, mapping.prices
    if deals.columns.amount is not None:
        what = "the leads' amounts" if won is not None else "the deals' amounts"
        name = deals.columns.amount
        found.append(AmountColumn(what, tables["opportunities"][name], mapping.path(deals.file), name))
    if won is not None and won.columns.amount is not None:
        name = won.columns.amount
        why = "a won deal's amount replaces its lead's, and the open leads' amounts stay"
        cells = tables["won_deals"][name]
        found.append(AmountColumn("the won deals' amounts", cells, mapping.path(won.file), name, why))
    if prices is not None:
        name = prices.columns.price
        why = "a list price stands in for the value of a product's deals"
        cells = tables["prices"][name]
        found.append(AmountColumn("the price list's prices", cells, mapping.path(prices.file), name, why))
    return found


def _section_columns(
    section: str, table: OpportunityTable | StageHistory | WonDeals | Roster | Prices
) -> Mapping[str, str | None]:
    """The columns a section maps: its ``columns``, and for the opportunities its ``stage_dates``."""
    mapped = mapped_columns(f"{section}.columns", table.columns)
    stage_dates = table.stage_dates if isinstance(table, OpportunityTable) else {}
    return {**mapped, **{f"{section}.stage_dates.{stage}": name for stage, name in stage_dates.items()}}


def _indented(text: str) -> str:
    """A problem's own list of lines, kept under its item."""
    return text.replace("\n  - ", "\n      - ")
