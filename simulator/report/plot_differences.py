"""The forest plot of paired differences against the baseline, as % of the baseline.

One panel per non-baseline scenario; per KPI the relative difference (ratio of paired
means minus one) with its 95% Fieller interval from the comparison table, green when
clearly better, red when clearly worse, grey when the CI includes zero. KPIs that can be
negative have no relative difference and are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, PercentFormatter

from simulator.analysis.formatting import kpi_label
from simulator.report.plot_style import (
    BETTER_COLOUR,
    DEFAULT_DISTRIBUTION_KPIS,
    UNCLEAR_COLOUR,
    WORSE_COLOUR,
    empty_figure,
    grid,
    ordered_scenarios,
    save_figure,
)


def plot_paired_differences(comparison: pd.DataFrame, kpis: Sequence[str] | None, out_dir: Path | str) -> Path:
    """Draw a forest plot of paired differences against the baseline, as % of the baseline.

    One panel per non-baseline scenario; per KPI the mean paired difference with its 95%
    CI. Green when the CI excludes zero on the better side (given whether higher or lower
    is better for the KPI), red on the worse side, grey when it includes zero.

    Args:
        comparison: Table from :func:`simulator.analysis.statistics.compare`.
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
    fig, axes = grid(len(names), 1, (9.0, 0.55 * len(shown) + 2.0))
    for ax, name in zip(axes, names, strict=True):
        _forest_panel(ax, comparison[comparison["scenario"] == name], shown, name, baseline)
    fig.tight_layout()
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


def _forest_panel(ax: Axes, rows: pd.DataFrame, kpis: Sequence[str], scenario: str, baseline: str) -> None:
    by_kpi = {str(r["kpi"]): r for _, r in rows.iterrows()}
    for y, kpi in enumerate(kpis):
        row = by_kpi.get(kpi)
        if row is None:
            continue
        mid, low, high = _relative(row)
        if not math.isfinite(mid):
            continue
        colour = _difference_colour(row)
        if math.isfinite(low):
            high = min(high, _forest_reach(rows))  # an unbounded interval runs to the panel's edge
            ax.errorbar(mid, y, xerr=[[mid - low], [high - mid]], fmt="o", color=colour, capsize=4, markersize=7)
        else:
            ax.plot(mid, y, "o", color=colour, markersize=7)
        ax.annotate(
            f"{mid:+.1f}% · {_forest_note(row)}",
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=colour,
        )
    ax.axvline(0.0, color="black", linewidth=1)
    ax.set_yticks(range(len(kpis)), [kpi_label(k) for k in kpis])
    ax.set_ylim(len(kpis) - 0.5, -0.5)
    reach = _forest_reach(rows)
    ax.set_xlim(-reach, reach)  # symmetric: better and worse get the same room
    if _needs_log_scale(rows):
        # One KPI moving by thousands of percent would flatten the others to a dot at zero:
        # linear within +-10%, logarithmic beyond, so every KPI keeps a readable position.
        ax.set_xscale("symlog", linthresh=10.0)
        decades = [10.0**k for k in range(1, int(math.log10(reach)) + 1)]
        step = 1 if len(decades) <= 3 else 2  # keep tick labels from running into each other
        ticks = [0.0, *decades[::step]]
        ax.set_xticks(sorted([-t for t in ticks[1:]] + ticks))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=None))
    ax.set_xlabel(f"Difference: {scenario} minus {baseline}, as % of {baseline}'s mean (dot: mean; bar: 95% CI)")
    ax.set_title(f"{scenario.capitalize()} vs {baseline}: paired difference per KPI")
    ax.legend(handles=_forest_legend(), loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
    ax.grid(axis="x", alpha=0.3)


def _forest_reach(rows: pd.DataFrame) -> float:
    ends = [abs(v) for _, row in rows.iterrows() for v in _relative(row) if math.isfinite(v)]
    return max(max(ends, default=1.0) * 1.15, 1.0)


def _needs_log_scale(rows: pd.DataFrame) -> bool:
    """True when the largest difference dwarfs the typical one (more than 20 times)."""
    mids = sorted(abs(_relative(row)[0]) for _, row in rows.iterrows() if math.isfinite(_relative(row)[0]))
    if len(mids) < 2:
        return False
    typical = max(mids[len(mids) // 2], 1.0)
    return mids[-1] > 20.0 * typical


def _forest_legend() -> list[Line2D]:
    return [
        Line2D([], [], marker="o", linestyle="", color=colour, label=label)
        for colour, label in (
            (BETTER_COLOUR, "clearly better"),
            (WORSE_COLOUR, "clearly worse"),
            (UNCLEAR_COLOUR, "no clear difference"),
        )
    ]


def _forest_note(row: pd.Series) -> str:
    if int(row["direction"]) == 0:
        return f"higher in {float(row['share_better']):.0%} of runs"
    return f"better in {float(row['share_better']):.0%} of runs"
