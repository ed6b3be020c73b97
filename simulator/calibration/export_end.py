"""The export's last date: what its deals record, not an open deal's expected close or one stray cell.

The last date bounds everything after it as unknown (a back-test period ending later has no
actual; an as-of past it follows deals up to it only). It had been the latest of every created
and close date read, open rows' close dates included: a CRM's expected close date on an open
deal (Salesforce's CloseDate), or one close typed 2019-05-01 for 2017-05-01, moved the export's
end by months, and the back-test scored the months in between as months that created and won
nothing (2018-Q1: 0 won deals, $0 bookings, every KPI outside its band).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError
from simulator.calibration.mapping import MappingFile

LONE_GAP_DAYS = 92
"""A date more than a quarter after the export's others, with nothing in between, is no day the export covers."""

SPARSE_FACTOR = 10.0
"""The gap must also be this many times the 99th percentile of the gaps between the export's earlier dates."""

LONE_SHARE = 0.01
"""The date cells past such a gap that make it a stray (at most this share of them, and at least one)."""


def export_end(frame: pd.DataFrame, mapping: MappingFile, file: str) -> np.datetime64:
    """The last created date or close date of a closed deal among the opportunities kept.

    ``frame``: the opportunities kept (an open row's close date already blanked).

    Raises:
        CalibrationError: The last dates sit alone more than :data:`LONE_GAP_DAYS` days after
            every other one (a typing error in the year): naming the file, column, row and value.
    """
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    dates = np.concatenate([created, closed])
    kinds = np.array(["created"] * len(created) + ["closed"] * len(closed))
    rows = np.concatenate([frame["row"].to_numpy(), frame["row"].to_numpy()])
    dated = ~np.isnat(dates)
    dates, kinds, rows = dates[dated], kinds[dated], rows[dated]
    order = np.argsort(dates, kind="stable")
    ordered = dates[order]
    steps = np.diff(ordered).astype(int)
    gaps = np.flatnonzero(steps > LONE_GAP_DAYS)
    if gaps.size:
        start = int(gaps[-1]) + 1  # the first date past the export's last long gap
        tail = len(ordered) - start
        # an export whose dates are sparse anyway (a few deals a quarter) may pause that long: the gap must
        # also dwarf the usual ones before it
        usual = float(np.percentile(steps[: start - 1], 99)) if start > 1 else 0.0
        if tail <= max(1, int(LONE_SHARE * len(ordered))) and steps[start - 1] > SPARSE_FACTOR * usual:
            index = int(order[start])
            _refuse_lone(str(kinds[index]), int(rows[index]), dates[index], ordered[start - 1], tail, mapping, file)
    return ordered.max()


def _refuse_lone(
    kind: str,
    row: int,
    date: np.datetime64,
    before: np.datetime64,
    tail: int,
    mapping: MappingFile,
    file: str,
) -> None:
    cols = mapping.opportunities.columns
    mapped = cols.created if kind == "created" else cols.closed
    own = mapped is not None and (kind == "created" or (mapping.stage_history is None and mapping.won_deals is None))
    where = (
        ""
        if own
        else f" (the {kind} date of its opportunity, from the {'history' if mapping.stage_history else 'won deals'})"
    )
    gap = int((date - before).astype(int))
    others = "" if tail == 1 else f" ({tail} dates in all past {before})"
    raise CalibrationError(
        f"'{date}'{where} is {gap} days after every other date of the export, which end on {before}{others}: "
        f"an export's dates run without a gap of more than {LONE_GAP_DAYS} days at its end, so this is taken for "
        "a typing error (a year, a month) rather than the export's last day; it would make the months after "
        f"{before} read as months that created and won nothing. Correct the cell, or blank it (a closed row with "
        "no close date is treated as open and counted)",
        file=file,
        column=str(mapped) if own else "",
        row=row,
    )
