"""The export's own counts beside a fitted figure: what a leader's spreadsheet of the same export shows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def counted_win_rate_words(
    frame: pd.DataFrame, as_of: np.datetime64, close_start: np.datetime64 | None, thin: Sequence[str] = ()
) -> str:
    """``; counted: 63.2% of the export's 6,711 closed deals (...)``, the win rate a count of won / closed gives.

    The fitted win rate rests on the cohorts the export shows whole; a leader who counts the
    export's won and lost rows gets another figure (the shared export: 61.2% fitted, 63.2%
    counted), and the report had not said why: deals created before closes begin are there
    only when they closed late, mostly as wins (72.8% of the 972 such deals there). The
    decided deals of the ``thin`` creation months, left out of the fit too, are counted apart.
    """
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    outcome = frame["outcome"].to_numpy(dtype=object)
    with np.errstate(invalid="ignore"):
        decided = np.isin(outcome, ["won", "lost"]) & ~np.isnat(closed) & (closed <= as_of)
    if not decided.any():
        return ""
    won = decided & (outcome == "won")
    words = f"; counted: {won.sum() / decided.sum():.1%} of the export's {int(decided.sum()):,} won and lost deals"
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    in_thin = decided & np.isin(created.astype("datetime64[M]"), np.array(list(thin), dtype="datetime64[M]"))
    apart = (
        f" ({int((won & in_thin).sum()) / int(in_thin.sum()):.1%} of the {int(in_thin.sum()):,} created in "
        f"{' and '.join(thin)} among them, left out of the fit: thinly recorded)"
        if in_thin.any()
        else ""
    )
    if close_start is None:
        return words + apart
    early = decided & (created < close_start)
    if not early.any():
        return words + apart
    return (
        words + f", {int((won & early).sum()) / int(early.sum()):.1%} of the {int(early.sum()):,} created before "
        f"{close_start} (left out of the fit: there only when they closed late) and "
        f"{int((won & ~early).sum()) / max(int((decided & ~early).sum()), 1):.1%} of the "
        f"{int((decided & ~early).sum()):,} created since" + apart
    )


def pooled_product_rows(
    frame: pd.DataFrame, as_of: np.datetime64, close_start: np.datetime64 | None, fitted: set[str], pooled: str
) -> list[str]:
    """A row for each product too thin for a win rate of its own: it runs on the pooled rate, said so.

    calibration.md listed the products with 100 decided deals or more and said nothing of the
    others (the shared export's GTK 500, 30 decided deals in the fitted cohorts, took the pooled
    61.6% unsaid).
    """
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    outcome = frame["outcome"].to_numpy(dtype=object)
    with np.errstate(invalid="ignore"):
        decided = np.isin(outcome, ["won", "lost"]) & ~np.isnat(closed) & (closed <= as_of)
    if close_start is not None:
        decided &= created >= close_start
    products = frame["product"].astype(str).to_numpy()
    rows = []
    for product in sorted(set(products) - fitted - {""}):
        mine = decided & (products == product)
        n, won = int(mine.sum()), int((mine & (outcome == "won")).sum())
        counted = f" ({won} won: {won / n:.0%})" if n else ""
        rows.append(
            f"| win rate, {product} | the pooled {pooled}; {n} decided deal{'' if n == 1 else 's'}{counted} | too "
            "few for a rate of its own (100 decided deals needed): no CI of its own, read its bookings with care |"
        )
    return rows
