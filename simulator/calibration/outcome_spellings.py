"""Statuses and stages read through the mapping's outcomes, spelt as the mapping spells them or only in another case.

An export written ``WON`` or ``closed won`` where the mapping says ``Won`` or ``Closed
Won`` names the same outcome: each such cell is read as the mapping's and counted (the
opportunities' ``WON`` had been refused; a stage history's ``closed won`` had been read as
a stage no outcome names, the deal left open in silence and the win rate lowered). Two
mapped statuses spelt alike but for case with different outcomes (``won: lost``,
``Won: won``) keep only their exact spellings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError, DataProblems
from simulator.calibration.mapping import OUTCOMES


def suggested_outcome(status: str) -> str:
    """The outcome a status's own words name (``Closed Won``: won, ``closed_lost``: lost), else open.

    The example of an unmapped status had read "(e.g. Closed Won: open)".
    """
    words = set(re.sub(r"[^a-z]+", " ", re.sub(r"([a-z])([A-Z])", r"\1 \2", status).lower()).split())
    if words & {"won", "win", "wins"}:
        return "won"
    if words & {"lost", "lose", "loss"}:
        return "lost"
    if "decision" in words and words & {"no", "none"}:
        return "no_decision"
    return "open"


def spelling(value: str) -> str:
    """A status without case and with single spaces (``Closed  WON``: ``closed won``)."""
    return " ".join(value.casefold().split())


def read_outcomes(values: pd.Series, allowed: Mapping[str, str], problems: DataProblems, key: str) -> pd.Series:
    """Each cell's outcome through ``allowed`` (NaN where it names none); one spelt otherwise only in case, counted.

    ``key``: the mapping key of ``allowed`` (``opportunities.outcomes``), named in the count.
    """
    by_spelling: dict[str, set[str]] = {}
    for status, outcome in allowed.items():
        by_spelling.setdefault(spelling(status), set()).add(outcome)
    alike = {folded: next(iter(outcomes)) for folded, outcomes in by_spelling.items() if len(outcomes) == 1}
    exact = values.map(dict(allowed))
    loose = values.map(lambda v: alike.get(spelling(v)))
    case_only = exact.isna() & loose.notna() & (values != "")
    if case_only.any():
        found = sorted(set(values[case_only]))
        shown = ", ".join(f"'{v}'" for v in found[:4]) + (", ..." if len(found) > 4 else "")
        problems.add(
            f"statuses spelt unlike {key} only in case or spaces ({shown})",
            int(case_only.sum()),
            "read as the mapping's spelling of them",
        )
    return exact.where(exact.notna(), loose)


def refuse_unmapped_endings(
    last_stages: pd.Series, outcomes: pd.Series, stages: pd.Series, path: str, column: str, key: str
) -> None:
    """Refuse a deal's last stage that names an outcome (``Won (legacy)``) but is not in the mapping's outcomes.

    ``last_stages``: each opportunity's last stage; ``outcomes``: what the mapping reads it
    as (NaN: none, so the deal is open); ``stages``: the history's stage column, as read
    (its row named). A stage renamed in the CRM mid-year had left its deals open in silence.

    Raises:
        CalibrationError: Naming the first such stage, its row, how many deals it ends and what to map it as.
    """
    unmapped = last_stages[outcomes.isna() & (last_stages != "")]
    named = sorted({s for s in unmapped if suggested_outcome(s) != "open"})
    if not named:
        return
    stage = named[0]
    row = int(np.flatnonzero((stages == stage).to_numpy())[0])
    ends = int((unmapped == stage).sum())
    others = f"; also {', '.join(repr(s) for s in named[1:4])}" if len(named) > 1 else ""
    raise CalibrationError(
        f"stage '{stage}' ends {ends:,} opportunit{'y' if ends == 1 else 'ies'} and reads as an outcome, but is not in "
        f"{key}{others}: a last stage the mapping does not name leaves its deal open; add it as one of "
        f"{', '.join(OUTCOMES)} (e.g. {stage}: {suggested_outcome(stage)})",
        file=path,
        column=column,
        row=row + 1,
    )
