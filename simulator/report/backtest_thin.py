"""Months whose new opportunities fall far below the back-test's band, and what the KPIs they move did then.

crm-maven records 283 and 121 new deals in November and December 2017 against ~790 a
month before: an export that ends mid-stream. Some misses of those months follow from it
(fewer deals created leave fewer open; with few new deals to win quickly, a month's wins
are older deals and their median cycle reads long) and read as the model's error without
a word; a miss that months the export records in full share is not put down to it. The
words follow each KPI's own side month by month and origin by origin: one sentence had
said "the open pipeline and the cycles of those months read low" beside a December median
cycle above P90 from both origins.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from simulator.analysis.wording import join_words

THIN = 0.5
"""A month whose actual new opportunities are under this share of the simulated P10 reads as a thinning export."""

LINKED = {
    "open_pipeline": ("the open pipeline at period end", -1, "fewer deals created leave fewer open"),
    "median_cycle_days": (
        "the median cycle of wins",
        1,
        "with few new deals to win quickly, the month's wins are older deals",
    ),
}
"""KPI -> (its words, the side a thinning export moves it to, why): the KPIs the thinning sentence names."""

SIDE_WORDS = {-1: "below P10", 1: "above P90", 0: "inside the band"}


def side(row: pd.Series) -> int | None:
    """-1 below P10, 1 above P90, 0 inside; None for a row not scored (no actual, or no band)."""
    if pd.isna(row["inside_p10_p90"]):
        return None
    if row["actual"] < row["p10"]:
        return -1
    return 1 if row["actual"] > row["p90"] else 0


def _origins(found: Sequence[str], every: Sequence[str]) -> str:
    """``both origins``, ``all 3 origins`` or the origins named."""
    if len(every) > 1 and set(found) == set(every):
        return "both origins" if len(every) == 2 else f"all {len(every)} origins"
    return join_words(list(found))


def where_words(pairs: Sequence[tuple[str, str]], every: Sequence[str]) -> str:
    """``2017-11 (from 2017-09-30) and 2017-12 (from both origins)``; with one origin, the periods alone."""
    periods: dict[str, list[str]] = {}
    for period, origin in pairs:
        periods.setdefault(period, []).append(origin)
    if len(every) <= 1:
        return join_words(list(periods))
    return join_words([f"{p} (from {_origins(found, every)})" for p, found in periods.items()])


def _thin_rows(table: pd.DataFrame) -> pd.DataFrame:
    rows = table[(table["kpi"] == "new_opportunities") & (table["period_kind"] == "month")]
    return rows[rows["actual"] < THIN * rows["p10"]]


def _cases(thin: pd.DataFrame, every: Sequence[str]) -> str:
    """``2017-11: 283 (P10 676 from 2017-06-30, 618 from 2017-09-30)``: each figure with its origin when several."""
    cases = []
    for period, rows in thin.groupby("period", sort=True):
        bands = [
            f"{r['p10']:,.0f}" + (f" from {r['origin']}" if len(every) > 1 else "") for r in rows.to_dict("records")
        ]
        cases.append(f"{period}: {rows['actual'].iloc[0]:,.0f} (P10 {', '.join(bands)})")
    return join_words(cases)


def _sides(rows: pd.DataFrame, months: Sequence[tuple[str, str]]) -> dict[int, list[tuple[str, str]]]:
    """Side -> the (period, origin) of ``months`` whose row of ``rows`` lies there (rows not scored left out)."""
    found: dict[int, list[tuple[str, str]]] = {}
    for period, origin in months:
        match = rows[(rows["period"] == period) & (rows["origin"] == origin)]
        at = side(match.iloc[0]) if len(match) else None
        if at is not None:
            found.setdefault(at, []).append((period, origin))
    return found


def linked_sentence(table: pd.DataFrame, kpi: str, months: Sequence[tuple[str, str]], every: Sequence[str]) -> str:
    """What ``kpi`` did in the thin (period, origin) ``months``, side by side, each side with its own reason.

    The side a thinning export moves the KPI to gets the reason, unless months that are not
    thin miss on that side too (then the thinning is not the whole story, and that is said);
    the other side is said not to follow from the thinning.
    """
    phrase, explained, why = LINKED[kpi]
    rows = table[(table["kpi"] == kpi) & (table["period_kind"] == "month")]
    found = _sides(rows, months)
    if not found:
        return ""
    pairs = [(str(p), str(o)) for p, o in zip(rows["period"], rows["origin"], strict=True)]
    elsewhere = _sides(rows, [pair for pair in pairs if pair not in set(months)])
    parts = []
    for at in sorted(found, key=lambda s: (s != explained, s == 0)):  # the thinning's own side first, inside last
        text = f"{SIDE_WORDS[at]} in {where_words(found[at], every)}"
        if at == explained and at in elsewhere:
            text += (
                f", as in {where_words(elsewhere[at], every)}, whose new opportunities are not thin: not the "
                "thinning alone"
            )
        elif at == explained:
            text += f": {why}"
        elif at != 0:
            text += ": the thinning does not explain it"
        parts.append(text)
    return f"{phrase} reads " + "; it reads ".join(parts) + "."


def thin_months(table: pd.DataFrame) -> str | None:
    """Sentences on months whose new opportunities fall far below the band, as an export that ends mid-stream does.

    The months and their P10s (each with its origin when the back-test has several), then
    what the open pipeline and the median cycle of wins did in each such month from each
    origin: below, above or inside their band, each side with its own reason.
    """
    thin = _thin_rows(table)
    if thin.empty:
        return None
    every = sorted(str(o) for o in table["origin"].unique())
    months = [(str(p), str(o)) for p, o in zip(thin["period"], thin["origin"], strict=True)]
    text = (
        f"New opportunities fall far below the band in {_cases(thin, every)}: fewer deals created than any run draws "
        "from the fitted rate, as when an export ends mid-stream and its last months' deals are not all recorded "
        "yet; a model fitted on earlier months cannot know it."
    )
    linked = [s for kpi in LINKED if (s := linked_sentence(table, kpi, sorted(months), every))]
    if linked:
        text += " In those months, " + linked[0] + "".join(f" {s[0].upper()}{s[1:]}" for s in linked[1:])
    return text
