"""Sensitivity figures: the tornado of one-at-a-time swings, and the global method's ranking.

Tornado: one row per lever, largest swing at the top; from zero, a bar to the paired
difference when the lever is set low and another when it is set high, each with its
95% CI as a whisker, so the reader sees the direction, the size and the noise at once.
Global: Morris ``mu*`` (or Sobol ``ST``) per lever with its 95% CI and its own noise floor.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.analysis.kpi_names import kpi_difference_label, kpi_label
from simulator.analysis.level_words import format_levels
from simulator.report.plot_style import (
    MAX_WIDTH_IN,
    UNCLEAR_COLOUR,
    empty_figure,
    error_extents,
    format_difference_axis,
    save_figure,
    x_label,
)
from simulator.report.sensitivity_words import logit_step

LOW_COLOUR = "#1f77b4"
HIGH_COLOUR = "#ff7f0e"
SHOWN = 25  # levers on the tornado; the CSV holds them all
TITLE_CHARS_PER_INCH = 9.0  # characters of the title a figure inch holds (149 filled 15.3 of 16 inches)


def _label(row: pd.Series) -> str:
    """The lever and its three levels as the sensitivity table writes them, at one precision (51% / 64% / 77%)."""
    parameter = str(row["parameter"])
    levels = format_levels(parameter, [float(row[level]) for level in ("low", "base", "high")])
    return f"{parameter}  ({' / '.join(levels)})".replace("$", r"\$")


def plot_tornado(table: pd.DataFrame, out_dir: Path | str, delta: float, draws: int = 0) -> Path:
    """Draw the tornado of :func:`simulator.analysis.sensitivity.sensitivity_table` into ``tornado.png``.

    ``draws``: the calibrated company's parameter draws the study ran under (0: none); a
    lever then moved each refit's own value, and the levels beside its name are the point fit's.
    """
    path = Path(out_dir) / "tornado.png"
    if table.empty:
        return save_figure(empty_figure("Sensitivity", "No lever to show"), path)
    rows = table.head(SHOWN)
    kpi = str(rows["kpi"].iloc[0])
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 0.34 * len(rows) + 1.8))
    y = np.arange(len(rows))
    for side, colour, offset in (("low", LOW_COLOUR, 0.18), ("high", HIGH_COLOUR, -0.18)):
        diff = rows[f"{side}_diff"].to_numpy(dtype=float)
        low = rows[f"{side}_ci_low"].to_numpy(dtype=float)
        high = rows[f"{side}_ci_high"].to_numpy(dtype=float)
        ax.barh(y - offset, diff, height=0.34, color=colour, alpha=0.85, label=f"lever set {side}")
        ax.errorbar(
            diff, y - offset, xerr=error_extents(diff, low, high), fmt="none", ecolor="black", elinewidth=1, capsize=2
        )
    ax.axvline(0.0, color="black", linewidth=1)
    ax.set_yticks(y, [_label(r) for _, r in rows.iterrows()])
    for tick, clear in zip(ax.get_yticklabels(), rows["clear"].astype(bool), strict=True):
        if not clear:
            tick.set_color(UNCLEAR_COLOUR)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    format_difference_axis(ax, kpi, "x")
    difference = kpi_difference_label(kpi).lower()
    x_label(ax, f"Paired difference to the baseline in {difference} (bar: mean; whisker: 95% CI)")
    ax.grid(axis="x", alpha=0.3)
    legend_below(fig, ax)
    step = logit_step(table)  # a share of a logit shift means nothing: it moves by a step of logits, said so
    shifts = f"\nA shift or logit (added to a conversion's logit) moves by {step} instead" if step is not None else ""
    refits = "\nOn each refit its own value moved; the levels beside a name are the point fit's" if draws else ""
    head = (
        f"Which levers move {kpi_label(kpi).lower()} most: each set about {delta:.0%} lower and higher (its levels "
        "beside its name), one at a time (grey names: no clear effect)"
    )
    # a long KPI's title had run past both edges of the figure
    width = max(60, int(fig.get_figwidth() * TITLE_CHARS_PER_INCH))
    fig.suptitle(f"{textwrap.fill(head, width)}{shifts}{refits}")
    return save_figure(fig, path)


def legend_below(fig: Figure, ax: Axes) -> None:
    """Put the panel's legend below it, outside the panel.

    Inside, "lower right" had covered a lever's whisker and "best" the first lever's noise floor
    (the Morris figure's, at $744k beside a mu* of $1.32M).
    """
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(handles), frameon=False)


def plot_global(table: pd.DataFrame, method: str, kpi: str, out_dir: Path | str) -> Path:
    """Draw Morris ``mu*`` (or Sobol ``ST`` and ``S1``) per lever with its 95% CI into ``global.png``.

    Morris: each lever's own noise floor (the table's ``floor``, where measured) is a mark on its bar.
    """
    path = Path(out_dir) / "global.png"
    if table.empty:
        return save_figure(empty_figure("Global sensitivity", "No lever to show"), path)
    fig, ax = plt.subplots(figsize=(10.0, 0.4 * len(table) + 1.6))
    y = np.arange(len(table))
    ax.set_yticks(y, table["parameter"].tolist())  # first: the x label wraps to the room they leave
    if method == "morris":
        mid = table["mu_star"].to_numpy(dtype=float)
        err = error_extents(mid, table["mu_star_ci_low"], table["mu_star_ci_high"])
        ax.barh(y, mid, xerr=err, color=LOW_COLOUR, alpha=0.85, capsize=3, label="mu*")
        floors = table["floor"].to_numpy(dtype=float) if "floor" in table.columns else np.full(len(table), np.nan)
        if np.isfinite(floors).any():
            ax.scatter(floors, y, marker="|", s=400, linewidths=2.5, color=UNCLEAR_COLOUR, zorder=3)
            # its mark in the legend at the text's height: the panel's own, 20 points tall, ran out of the legend
            ax.plot(
                [],
                [],
                marker="|",
                markersize=9,
                markeredgewidth=2.5,
                linestyle="",
                color=UNCLEAR_COLOUR,
                label="its noise floor (no effect stays below it 19 times in 20)",
            )
        format_difference_axis(ax, kpi, "x")
        x_label(
            ax,
            f"mu*: mean absolute effect of moving a lever low to high (its whole range) on "
            f"{kpi_difference_label(kpi).lower()} (95% CI)",
        )
    else:
        for column, colour, offset in (("ST", HIGH_COLOUR, -0.18), ("S1", LOW_COLOUR, 0.18)):
            ax.barh(
                y - offset,
                table[column],
                height=0.34,
                xerr=table[f"{column}_conf"],
                color=colour,
                capsize=3,
                label=column,
            )
        x_label(ax, f"Share of the variance of {kpi_label(kpi).lower()} (S1: alone; ST: with interactions)")
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)
    legend_below(fig, ax)
    ax.set_title(f"Global sensitivity ({'Morris screening' if method == 'morris' else 'Sobol indices'})")
    return save_figure(fig, path)
