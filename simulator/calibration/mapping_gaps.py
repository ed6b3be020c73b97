"""What a mapping must give that no one key checks: the created date, and the closed deals' outcome and close.

Each comes from its own column (shape a), from the dates of the funnel stages (c), from a
stage-history table (b) or, for the wins, from a won-deals table (d). A mapping that gives
none of them for one is refused naming the key, with every other problem of the mapping:
without it every row would be left out, or every deal read as open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def gap_lines(
    columns: Mapping[str, Any], stage_dates: bool, won_stage: bool, history: bool, won_deals: bool
) -> list[str]:
    """One line per date or outcome no mapped column (None: unmapped) or other shape gives (key = null: the fix).

    Every opportunity needs the day it was created, and the closed ones the day they closed
    and whether they were won: each from its own column (shape a), from the dates of the
    funnel stages (c), from a stage-history table (b) or, for the wins, from a won-deals
    table (d). Without any of them every row would be left out, or every deal read as open.
    """
    key = "opportunities.columns"
    lines = []
    if columns["created"] is None and not stage_dates and not history:
        lines.append(
            f"{key}.created = null: required: the column of the day each opportunity was created "
            "(or give opportunities.stage_dates, a date column per stage, or a stage_history table)"
        )
    decided_elsewhere = history or won_deals or (stage_dates and won_stage)
    if columns["outcome"] is None and not decided_elsewhere:
        lines.append(
            f"{key}.outcome = null: required: the column of each opportunity's status, mapped to won, lost, "
            "no_decision or open in opportunities.outcomes (or give opportunities.won_stage with "
            "opportunities.stage_dates, a stage_history table or a won_deals table)"
        )
    elif columns["closed"] is None and not decided_elsewhere:
        lines.append(
            f"{key}.closed = null: required: the column of the day each opportunity was won or lost (or give "
            "opportunities.won_stage with opportunities.stage_dates, a stage_history table or a won_deals table)"
        )
    return lines


def raw_gaps(data: Mapping[str, Any]) -> list[str]:
    """:func:`unanswerable` of a mapping file that did not validate, read from its plain data (told beside)."""
    table = data.get("opportunities")
    table = table if isinstance(table, Mapping) else {}
    columns = table.get("columns")
    if not isinstance(columns, Mapping):  # no columns (misspelt, say): that is the problem told, not its follow-ons
        return []
    return gap_lines(
        {name: columns.get(name) for name in ("created", "outcome", "closed")},
        bool(table.get("stage_dates")),
        table.get("won_stage") is not None,
        data.get("stage_history") is not None,
        data.get("won_deals") is not None,
    )
