"""The few pieces of Markdown the reports are written in (tables, figures, escaping), and terminal tables.

``report.md`` uses a small, fixed subset (headings, paragraphs, bullets, pipe tables,
images, ``**bold**``, ``*italic*`` and ``code``) so that :mod:`simulator.report.html` can
read it back into blocks for ``report.html`` without a Markdown library. Cells and
captions pass through :func:`md_escape`, so a user's name with a ``|`` cannot break a
table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

FIGURE_TITLES = {
    "decision": (
        "The decision KPIs per scenario",
        "Mean over runs with its 95% CI, scenarios ranked on the primary KPI (top: best); the dotted line is the "
        "baseline's mean, the scenario the answer chooses is named in bold, and a target the decision rule sets is "
        "a dashed line on the primary panel.",
    ),
    "funnel": (
        "Funnel by stage",
        "Leads entering each stage of each pipeline inside the window (deals already open at its start entered "
        "before it and are not counted), the share of the leads decided at the stage that passed it (won, at the "
        "last stage: the stage's conversion, not a share of those entering, as leads still open at the end are "
        "decided neither way) and the number that leak. A stage also takes the leads that start there (partner "
        "referrals, booked meetings and digital-first inbound leads skip qualification in the shipped "
        "configuration), so its entries can exceed the passes of the stage before.",
    ),
    "kpi_distributions": (
        "How results vary from run to run",
        "Boxes hold the middle half of runs, whiskers P10-P90, the dot is the mean.",
    ),
    "paired_differences": (
        "Differences against the baseline",
        "Amounts as a relative difference (paired means), rates in percentage points, each with its 95% CI on one "
        "scale for every scenario; green is better, red worse, grey unclear or neither; a triangle at the edge "
        "marks a change beyond the scale.",
    ),
    "bookings_fan": ("Bookings month by month", "Cumulative bookings: median run and the P10-P90 band."),
    "utilisation": (
        "How busy each team is",
        "Share of selling time on queued work (deals, renewals, expansions) with its 95% CI; the lighter part is "
        "prospecting and partner work that fills idle time. Plan for 70-85% of queued work.",
    ),
    "quota_attainment": (
        "Quota attainment",
        "Share of reps by attainment over the measured window (bookings credited to the closing rep over quota: "
        "new business, and expansions where the role's plan credits them), ramped reps only, one per rep and run.",
    ),
    "tornado": (
        "Which levers move the KPI most",
        "Paired difference to the baseline when each parameter is set low or high, with its 95% CI.",
    ),
    "heatmap": (
        "The sweep as a map",
        "Mean of the KPI per cell with its 95% CI; the best cell is outlined (each cell tied with it; at each plan, "
        "when the plan is swept).",
    ),
    "optimisation": (
        "The best team mixes",
        "Left: every trial's cost against the KPI. Right: the best candidates re-run on common random numbers, with "
        "the KPI's 95% CI and, where two or more are within the budget, the probability that each is truly the best.",
    ),
}
"""Figure file stem -> (title, caption)."""
NO_QUOTA_CAPTION = "No rep carries a bookings quota here, so there is no attainment to draw."
"""The quota figure's caption where it draws none (a calibrated company's agents): it had described a histogram."""


def md_escape(text: str) -> str:
    """A table cell or caption: ``|`` escaped, line breaks turned into spaces."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A pipe table, every cell escaped."""
    lines = ["| " + " | ".join(md_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows)
    return lines


def figure_lines(plot: Path | None, out_dir: Path, also: str = "", instead: str | None = None) -> list[str]:
    """A figure under its title (a fourth-level heading), linked relative to ``out_dir``, and its caption.

    ``also``: words said after the caption for this report alone (what its figure draws that others do not);
    ``instead``: the caption for a figure that draws none of it (only why there is nothing to draw).
    """
    if plot is None:
        return []
    title, caption = FIGURE_TITLES.get(plot.stem, (plot.stem.replace("_", " ").capitalize(), ""))
    caption = caption if instead is None else instead
    caption = f"{caption} {also}".strip()
    link = Path(os.path.relpath(Path(plot).resolve(), Path(out_dir).resolve())).as_posix()
    lines = [f"#### {title}", "", f"![{md_escape(title)}]({link})", ""]
    return [*lines, md_escape(caption), ""] if caption else lines


def text_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The terminal's form of a table: aligned columns under a rule."""
    body = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in body) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
