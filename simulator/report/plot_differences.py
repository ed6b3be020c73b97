"""The forest plot of paired differences against the baseline, as % of the baseline.

One panel per non-baseline scenario, every panel on the same linear scale so scenarios
compare at a glance; per KPI the relative difference (ratio of paired means minus one)
with its 95% Fieller interval from the comparison table, green when clearly better, red
when clearly worse, grey when the CI includes zero or the KPI is neither better higher
nor lower. The scale reaches a little past the largest typical change (the 90th
percentile of interval ends); a change beyond it is a triangle at the edge with its
value written beside the panel, so one KPI moving by thousands of percent does not
flatten the others. A KPI with no relative difference (one that can be negative, such as
contribution; a chance, such as hitting the plan, whose difference is in points) has no
dot: its difference in its own unit, with its CI, is written across its row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, PercentFormatter

from simulator.analysis.formatting import (
    format_nonzero_value,
    format_share,
    signed_difference,
    ties_words,
)
from simulator.analysis.kpi_names import kpi_label
from simulator.analysis.wording import possessive
from simulator.report.plot_style import (
    BETTER_COLOUR,
    DEFAULT_DISTRIBUTION_KPIS,
    UNCLEAR_COLOUR,
    WORSE_COLOUR,
    empty_figure,
    grid,
    ordered_scenarios,
    right_label,
    save_figure,
)


def plot_paired_differences(comparison: pd.DataFrame, kpis: Sequence[str] | None, out_dir: Path | str) -> Path:
    """Draw a forest plot of paired differences against the baseline, as % of the baseline.

    One panel per non-baseline scenario; per KPI the mean paired difference with its 95%
    CI. Green when the CI excludes zero on the better side (given whether higher or lower
    is better for the KPI), red on the worse side, grey when it includes zero.

    Args:
        comparison: Table from :func:`simulator.analysis.comparison.compare`.
        kpis: KPIs to show, top to bottom; None for :data:`DEFAULT_DISTRIBUTION_KPIS`.
        out_dir: Directory for ``paired_differences.png``.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "paired_differences.png"
    title = "Difference against the baseline (paired runs, 95% CI)"
    if comparison.empty:
        return save_figure(empty_figure(title, "Only one scenario: nothing to compare"), path)
    names = ordered_scenarios(comparison["scenario"].tolist())
    baseline = str(comparison["baseline"].iloc[0])
    wanted = DEFAULT_DISTRIBUTION_KPIS if kpis is None else kpis
    shown = [k for k in wanted if k in set(comparison["kpi"])]
    if not shown:
        return save_figure(empty_figure(title, "None of the KPIs is in the comparison"), path)
    reach = forest_reach(comparison[comparison["kpi"].isin(shown)])
    fig, axes = grid(len(names), 1, (10.0, 0.32 * len(shown) + 1.2), sharex=True)
    for ax, name in zip(axes, names, strict=True):
        _forest_panel(ax, comparison[comparison["scenario"] == name], shown, name, reach)
    axes[-1].set_xlabel(f"Difference to {baseline}, as % of {possessive(baseline)} mean (dot: mean; bar: 95% CI)")
    fig.legend(handles=_forest_legend(), loc="outside lower center", ncol=4, frameon=False)
    fig.suptitle(title)
    return save_figure(fig, path)


def _relative(row: pd.Series) -> tuple[float, float, float]:
    """The relative difference and its interval in %, as the comparison table holds them (Fieller, >= -100%).

    NaN for KPIs without a relative difference (signed amounts, relative biases, a zero
    baseline); the upper end is ``inf`` when the runs cannot bound it.
    """
    return tuple(  # type: ignore[return-value]
        100.0 * float(row.get(c, math.nan)) for c in ("relative_diff", "relative_ci_low", "relative_ci_high")
    )


def _difference_colour(row: pd.Series) -> str:
    if not bool(row["significant"]) or int(row["direction"]) == 0:
        return UNCLEAR_COLOUR
    return BETTER_COLOUR if int(row["direction"]) * float(row["mean_diff"]) > 0 else WORSE_COLOUR


def _forest_panel(ax: Axes, rows: pd.DataFrame, kpis: Sequence[str], scenario: str, reach: float) -> None:
    by_kpi = {str(r["kpi"]): r for _, r in rows.iterrows()}
    for y, kpi in enumerate(kpis):
        row = by_kpi.get(kpi)
        if row is None:
            continue
        mid, low, high = _relative(row)
        colour = _difference_colour(row)
        if not math.isfinite(mid):  # no % of the baseline (a chance, a signed amount): its difference in its unit
            ax.text(
                0.5,
                y,
                _absolute_words(row),
                transform=ax.get_yaxis_transform(),
                ha="center",
                va="center",
                fontsize=8,
                color=colour,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
            right_label(ax, y, _forest_note(row), colour)
            continue
        shown = min(max(mid, -reach), reach)
        if math.isfinite(low):
            # the CI runs past the scale: a small tip at the edge it passes says so (its bottom past the
            # left edge, its top past the right; a CI wholly past the right edge had a tip at the left too)
            if low < -reach:
                ax.plot(-reach, y, "<", color=colour, markersize=4)
            if high > reach:
                ax.plot(reach, y, ">", color=colour, markersize=4)
            low, high = min(max(low, -reach), reach), max(min(high, reach), -reach)
            ax.plot([low, high], [y, y], color=colour, linewidth=2)
        marker = "o" if shown == mid else (">" if mid > 0 else "<")
        ax.plot(shown, y, marker, color=colour, markersize=7)
        right_label(ax, y, f"{mid:+.1f}% · {_forest_note(row)}", colour)
    ax.axvline(0.0, color="black", linewidth=1)
    ax.set_yticks(range(len(kpis)), [kpi_label(k) for k in kpis])
    ax.set_ylim(len(kpis) - 0.5, -0.5)
    ax.set_xlim(-reach, reach)  # symmetric: better and worse get the same room
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=None))
    ax.set_title(f"{scenario} against the baseline, paired run by run", loc="left")
    ax.grid(axis="x", alpha=0.3)


def forest_reach(rows: pd.DataFrame) -> float:
    """Half-width of the shared scale, in %: 1.15 times the 90th percentile of |interval ends|, at least 2%."""
    ends = [abs(v) for _, row in rows.iterrows() for v in _relative(row) if math.isfinite(v)]
    if not ends:
        return 2.0
    return max(float(np.quantile(ends, 0.9)) * 1.15, 2.0)


def _forest_legend() -> list[Line2D]:
    return [
        Line2D([], [], marker="o", linestyle="", color=colour, label=label)
        for colour, label in (
            (BETTER_COLOUR, "clearly better"),
            (WORSE_COLOUR, "clearly worse"),
            (UNCLEAR_COLOUR, "no clear difference, or neither better nor worse"),
        )
    ] + [Line2D([], [], marker=">", linestyle="", color="black", label="beyond the scale (value at the right)")]


def _absolute_words(row: pd.Series) -> str:
    """The paired difference in the KPI's own unit with its CI: ``+6.0 pts (-0.4 to +12.4 pts)``, ``+$134.6k (...)``."""
    kpi = str(row["kpi"])
    diff = format_nonzero_value(kpi, float(row["mean_diff"]), signed=True)
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return diff
    diff, first, last = signed_difference(kpi, float(row["mean_diff"]), low, high)
    return f"{diff} ({first} to {last})"


def _forest_note(row: pd.Series) -> str:
    word = "higher" if int(row["direction"]) == 0 else "better"
    ties = ties_words(row)
    worse = "lower" if int(row["direction"]) == 0 else "worse"
    extra = f", {worse} in {format_share(float(row['share_worse']))}, {ties}" if ties else ""
    return f"{word} in {format_share(float(row['share_better']))} of runs{extra}"
