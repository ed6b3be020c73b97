"""The words of a sensitivity report about how its levers moved: the moves asked, and an elasticity.

A lever moves by a share of itself (``--delta``); whole numbers move by at least one step, a
probability is held within 0-100%, and a setting on the logit scale (a shift or logit) moves
by ``--delta`` logit units and has no elasticity: the report says so once, with the step.
"""

from __future__ import annotations

import math

import pandas as pd

MOVES = "whole numbers by at least one step, a probability held within 0-100%: the table gives each lever's levels"
"""How a lever's levels can differ from the share asked: a headcount of 12 moves to 10 and 14, 16.7%."""
NO_ELASTICITY = (
    "a setting on the logit scale (a shift or logit) moves by a fixed step of logit units, not by a share of "
    "itself: it has no relative move, so no elasticity (its base may be 0, and a negative one would flip the sign)"
)
"""Why an additive lever's elasticity reads "-", said once under the table."""


def logit_step(table: pd.DataFrame) -> str | None:
    """``±0.2 logit``: the step of the table's levers on the logit scale; None when it has none."""
    moves = [str(m) for m in table.get("move", pd.Series(dtype=object)) if str(m).endswith("logit")]
    return moves[0] if moves else None


def moves_words(table: pd.DataFrame) -> str:
    """:data:`MOVES`, with the logit step when the table has a setting on the logit scale."""
    step = logit_step(table)
    if step is None:
        return MOVES
    return MOVES.replace(": the table", f", a shift or logit by {step}: the table")


def elasticity_words(row: pd.Series) -> str:
    """``+0.45 (+0.30 to +0.60)``; the interval is what tells an unclear lever's elasticity (it includes zero)."""
    elasticity = float(row["elasticity"])
    if not math.isfinite(elasticity):
        return "-"
    low, high = float(row.get("elasticity_ci_low", math.nan)), float(row.get("elasticity_ci_high", math.nan))
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        return f"{elasticity:+.2f}"
    return f"{elasticity:+.2f} ({low:+.2f} to {high:+.2f})"
