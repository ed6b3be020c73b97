"""The forest plot of paired differences against the baseline: amounts as % of the baseline, rates in points.

One panel per non-baseline scenario and kind of change, every panel of a kind on the
same linear scale so scenarios compare at a glance. An amount (bookings, days, leads)
shows its relative difference (ratio of paired means minus one) with its 95% Fieller
interval from the comparison table; a rate (a share, a chance, a retention, an
attainment: :func:`~simulator.analysis.kpi_names.reads_in_points`) shows its paired
difference in percentage points with its 95% CI, in panels of their own below, as the
answer's words say it (net revenue retention's "+1.2 points" had read "+1.3%" here).
Green when clearly better, red when clearly worse, grey when the CI includes zero or the
KPI is neither better higher nor lower. Each scale reaches a little past the largest
typical change (the 90th percentile of interval ends); a change beyond it is a triangle
at the edge with its value written beside the panel, so one KPI moving by thousands of
percent does not flatten the others. An amount with no relative difference (one that can
be negative, such as contribution) has no dot: its difference in its own unit, with its
CI, is written across its row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from simulator.analysis.formatting import (
    format_nonzero_value,
    format_share,
    signed_difference,
    ties_words,
)
from simulator.analysis.kpi_names import kpi_label, reads_in_points
from simulator.analysis.wording import possessive
from simulator.report.plot_style import (
    BETTER_COLOUR,
    DEFAULT_DISTRIBUTION_KPIS,
    UNCLEAR_COLOUR,
    WORSE_COLOUR,
    DistinctTicks,
    empty_figure,
    ordered_scenarios,
    panel_title,
    right_label,
    save_figure,
    x_label,
)


def plot_paired_differences(comparison: pd.DataFrame, kpis: Sequence[str] | None, out_dir: Path | str) -> Path:
    """Draw a forest plot of paired differences against the baseline: amounts as % of it, rates in points.

    One panel per non-baseline scenario and kind of change (amounts first, then rates); per
    KPI the mean paired difference with its 95% CI. Green when the CI excludes zero on the
    better side (given whether higher or lower is better for the KPI), red on the worse
    side, grey when it includes zero.

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
    kinds = [
        (group, points)
        for group, points in (
            ([k for k in shown if not reads_in_points(k)], False),
            ([k for k in shown if reads_in_points(k)], True),
        )
        if group
    ]
    heights = [0.32 * len(group) + 1.2 for group, _ in kinds for _ in names]
    fig, grid = plt.subplots(len(heights), 1, figsize=(10.0, sum(heights)), height_ratios=heights, squeeze=False)
    axes = iter(grid.ravel())
    for group, points in kinds:
        reach = forest_reach(comparison[comparison["kpi"].isin(group)], points)
        panels = [next(axes) for _ in names]
        for ax, name in zip(panels, names, strict=True):
            if ax is not panels[0]:
                ax.sharex(panels[0])
            _forest_panel(ax, comparison[comparison["scenario"] == name], group, name, reach, points)
        unit = "in percentage points" if points else f"as % of {possessive(baseline)} mean"
        x_label(panels[-1], f"Difference to {baseline}, {unit} (dot: mean; bar: 95% CI)")
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


def _change(row: pd.Series, points: bool) -> tuple[float, float, float]:
    """A row's change and its 95% CI as a panel draws them: in percentage points, or in % of the baseline."""
    if points:
        return tuple(100.0 * float(row.get(c, math.nan)) for c in ("mean_diff", "ci_low", "ci_high"))  # type: ignore[return-value]
    return _relative(row)


def _difference_colour(row: pd.Series) -> str:
    if not bool(row["significant"]) or int(row["direction"]) == 0:
        return UNCLEAR_COLOUR
    return BETTER_COLOUR if int(row["direction"]) * float(row["mean_diff"]) > 0 else WORSE_COLOUR


def _forest_panel(ax: Axes, rows: pd.DataFrame, kpis: Sequence[str], scenario: str, reach: float, points: bool) -> None:
    by_kpi = {str(r["kpi"]): r for _, r in rows.iterrows()}
    for y, kpi in enumerate(kpis):
        row = by_kpi.get(kpi)
        if row is None:
            continue
        mid, low, high = _change(row, points)
        colour = _difference_colour(row)
        if not math.isfinite(mid):  # no % of the baseline (a signed amount): its difference in its unit
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
        right_label(ax, y, f"{_change_words(row, points)} · {_forest_note(row)}", colour)
    ax.axvline(0.0, color="black", linewidth=1)
    ax.set_yticks(range(len(kpis)), [kpi_label(k) for k in kpis])
    ax.set_ylim(len(kpis) - 0.5, -0.5)
    ax.set_xlim(-reach, reach)  # symmetric: better and worse get the same room
    ax.xaxis.set_major_locator(FittingLocator(len("+1.5 pts") if points else len("-12.5%")))
    ax.xaxis.set_major_formatter(
        DistinctTicks(_points_tick if points else _percent_tick, lambda value, extra: round(value, extra))
    )
    kind = "rates, in percentage points" if points else "as % of the baseline's mean"
    panel_title(ax, f"{scenario} against the baseline, paired run by run: {kind}")
    ax.grid(axis="x", alpha=0.3)


class FittingLocator(MaxNLocator):
    """At most 9 ticks, and no more than the panel's drawn width holds labels of ``chars`` characters.

    A narrow panel (long KPI names on its left, a long note on its right: prm_automation's
    win rate) had drawn nine ticks "-2.0 pts", "-1.5 pts", ... run into one another.
    """

    CHAR_EM = 0.65  # a digit's width in DejaVu Sans, in ems
    GAP_EM = 1.5  # the room between two labels, in ems

    def __init__(self, chars: int) -> None:
        super().__init__(nbins=8, steps=[1, 2, 2.5, 5, 10])
        self._chars = chars

    def __call__(self) -> Sequence[float]:
        """The ticks of the axis as drawn now (constrained layout sizes the panel before it is drawn)."""
        axes = getattr(self.axis, "axes", None)
        figure = axes.get_figure(root=True) if isinstance(axes, Axes) else None
        if isinstance(axes, Axes) and figure is not None:
            size = float(FontProperties(size=plt.rcParams["xtick.labelsize"]).get_size_in_points())
            width = axes.bbox.width * 72.0 / figure.dpi  # points
            room = int(width // ((self._chars * self.CHAR_EM + self.GAP_EM) * size))
            self.set_params(nbins=max(2, min(8, room - 1)))
        return list(super().__call__())


def _points_tick(value: float, extra: int) -> str:
    """A tick of a panel in percentage points: ``-2 pts``, ``0 pts``, ``+2.5 pts``."""
    shown = 0.0 if round(value, extra) == 0 else value
    return f"{shown:{'+' if shown else ''}.{extra}f} pts"


def _percent_tick(value: float, extra: int) -> str:
    """A tick of a panel in % of the baseline, signed as the rows' labels are: ``-10%``, ``0%``, ``+12.5%``.

    matplotlib's percent ticks had read ``10.0%`` beside rows labelled ``+8.7%``, above ``+2 pts`` ticks.
    """
    shown = 0.0 if round(value, extra) == 0 else value
    return f"{shown:{'+' if shown else ''}.{extra}f}%"


def _change_words(row: pd.Series, points: bool) -> str:
    """The change beside its row: ``+6.7%`` of the baseline, or a rate's ``+1.2 pts`` as the tables write it."""
    if not points:
        return f"{_relative(row)[0]:+.1f}%"
    kpi, diff, low, high = str(row["kpi"]), float(row["mean_diff"]), float(row["ci_low"]), float(row["ci_high"])
    if math.isfinite(low) and math.isfinite(high):
        return signed_difference(kpi, diff, low, high)[0]
    return format_nonzero_value(kpi, diff, signed=True)


def forest_reach(rows: pd.DataFrame, points: bool = False) -> float:
    """Half-width of a shared scale, in % (points): 1.15 times the 90th percentile of |interval ends|, at least 2."""
    ends = [abs(v) for _, row in rows.iterrows() for v in _change(row, points) if math.isfinite(v)]
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
