"""The export's own counts beside a fitted figure: what a leader's spreadsheet of the same export shows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def counted_win_rate_words(frame: pd.DataFrame, as_of: np.datetime64, close_start: np.datetime64 | None) -> str:
    """``; counted: 63.2% of the export's 6,711 closed deals (...)``, the win rate a count of won / closed gives.

    The fitted win rate rests on the cohorts the export shows whole; a leader who counts the
    export's won and lost rows gets another figure (the shared export: 61.6% fitted, 63.2%
    counted), and the report had not said why: deals created before closes begin are there
    only when they closed late, mostly as wins (72.8% of the 972 such deals there).
    """
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    outcome = frame["outcome"].to_numpy(dtype=object)
    with np.errstate(invalid="ignore"):
        decided = np.isin(outcome, ["won", "lost"]) & ~np.isnat(closed) & (closed <= as_of)
    if not decided.any():
        return ""
    won = decided & (outcome == "won")
    words = f"; counted: {won.sum() / decided.sum():.1%} of the export's {int(decided.sum()):,} won and lost deals"
    if close_start is None:
        return words
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    early = decided & (created < close_start)
    if not early.any():
        return words
    return (
        words + f", {int((won & early).sum()) / int(early.sum()):.1%} of the {int(early.sum()):,} created before "
        f"{close_start} (left out of the fit: there only when they closed late) and "
        f"{int((won & ~early).sum()) / max(int((decided & ~early).sum()), 1):.1%} of the "
        f"{int((decided & ~early).sum()):,} created since"
    )
