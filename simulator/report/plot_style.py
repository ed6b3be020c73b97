"""The shared look of the figures: colours, layout, axis formats and atomic PNG saving.

Each scenario keeps one colour across all figures, baseline first; green, red and grey
mark a clearly better, clearly worse or unclear difference. Figures use the headless
Agg backend and are closed once saved, so a batch of thousands of experiments does not
accumulate open figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from simulator.analysis.formatting import HEADLINE_KPIS, format_money, kpi_unit
from simulator.io.atomic import atomic_write

DEFAULT_DISTRIBUTION_KPIS = HEADLINE_KPIS
DPI = 120
BETTER_COLOUR = "#2e7d32"
WORSE_COLOUR = "#c62828"
UNCLEAR_COLOUR = "#8a8a8a"
_PALETTE = ("#1f77b4", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f")


def ordered_scenarios(names: Sequence[str], baseline: str | None = None) -> list[str]:
    """Return unique scenario names in first-seen order, with the baseline moved first."""
    unique = list(dict.fromkeys(str(n) for n in names))
    if baseline is not None and baseline in unique:
        unique.remove(baseline)
        unique.insert(0, baseline)
    return unique


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """Give each scenario a fixed colour by its position (baseline first = blue)."""
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def save_figure(fig: Figure, path: Path) -> Path:
    """Save ``fig`` as PNG to ``path`` atomically and close it.

    The figure is written to a temporary file in the same directory and renamed, so a
    reader never sees a half-written PNG; it is closed whatever happens.
    """
    try:
        atomic_write(path, lambda stream: fig.savefig(stream, format="png", dpi=DPI, bbox_inches="tight"), binary=True)
    finally:
        plt.close(fig)
    return path


def value_formatter(kpi: str) -> FuncFormatter | PercentFormatter | None:
    """Return the tick formatter for a KPI's unit (money as ``$1.2M``, rates as %), or None."""
    unit = kpi_unit(kpi)
    if unit == "money":
        return FuncFormatter(lambda value, _pos: format_money(value))
    if unit == "rate":
        return PercentFormatter(xmax=1.0, decimals=0)
    return None


def format_axis(ax: Axes, kpi: str, axis: str = "y") -> None:
    """Format the ticks of one axis in the KPI's unit."""
    formatter = value_formatter(kpi)
    if formatter is not None:
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def empty_figure(title: str, message: str) -> Figure:
    """Return a small figure that only says why there is nothing to draw."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color=UNCLEAR_COLOUR)
    return fig


def grid(n_panels: int, ncols: int, panel_size: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    """Lay out ``n_panels`` panels in rows of ``ncols``, hiding the spare axes; return the used ones."""
    ncols = max(1, min(ncols, n_panels))
    nrows = math.ceil(n_panels / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False)
    flat = list(axes.ravel())
    for spare in flat[n_panels:]:
        spare.set_axis_off()
    return fig, flat[:n_panels]


def kpi_means(summary: pd.DataFrame, scenario: str, prefix: str) -> dict[str, pd.Series]:
    """Return the summary rows of a scenario whose KPI starts with ``prefix``, keyed by the rest."""
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(prefix)]
    return {str(r["kpi"]).removeprefix(prefix): r for _, r in rows.iterrows()}


def mean_of(rows: dict[str, pd.Series], key: str) -> float:
    """Return the mean of ``rows[key]``, NaN when absent."""
    row = rows.get(key)
    return float(row["mean"]) if row is not None else math.nan
