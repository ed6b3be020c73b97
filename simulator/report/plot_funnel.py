"""The funnel figure: leads entering each stage, grouped by pipeline, scenarios side by side.

One panel per pipeline (new business, prospecting, partner, expansion), stages top to
bottom in their order, one bar per scenario in its colour. Each bar is the mean number of
leads (accounts, partners, customers) entering the stage per run inside the window (a deal
already open at its start entered before it), labelled with the share of the leads decided
at the stage that passed it, won at the last stage ("64% of decided won": the stage
conversion, not a share of those entering, which had read "2,451 · 64% convert" beside
1,330 won of 2,451), and the number that leak. A pipeline whose stages differ in volume by more
than :data:`LOG_FUNNEL_RATIO` (thousands of target accounts, a dozen meetings) gets a
logarithmic axis so every stage stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import StrMethodFormatter

from simulator.analysis.wording import stage_label, title
from simulator.report.plot_style import (
    MAX_WIDTH_IN,
    empty_figure,
    kpi_means,
    mean_of,
    ordered_scenarios,
    save_figure,
    scenario_colours,
)

PASSED_LAST = {"sales": "won", "expansion": "won", "renewal": "renewed"}
"""What passing a pipeline's last stage is, in the labels; ``passed`` otherwise (and at every other stage)."""
LOG_FUNNEL_RATIO = 20.0  # largest over smallest stage volume beyond which a panel's axis is logarithmic
BAR_HEIGHT_IN = 0.2  # inches per bar: room for an 8-point label
PIPELINE_TITLES = {
    "sales": "New business",
    "prospecting": "Prospecting (accounts worked into meetings)",
    "partner": "Partner channel (candidate partners recruited and onboarded)",
    "renewal": "Renewals",
    "expansion": "Expansion (upsell and cross-sell)",
}

StageGroups = Sequence[tuple[str, Sequence[str]]]


def _groups(stages: StageGroups | Sequence[str]) -> list[tuple[str, list[str]]]:
    """``[(pipeline, stages)]``; a bare list of stage names is one new-business pipeline."""
    if all(isinstance(s, str) for s in stages):
        return [("sales", [str(s) for s in stages])] if stages else []
    groups = []
    for group in stages:
        if not isinstance(group, str) and group[1]:
            groups.append((str(group[0]), [str(s) for s in group[1]]))
    return groups


def plot_funnel(
    summary: pd.DataFrame, stages: StageGroups | Sequence[str], out_dir: Path | str, baseline: str | None = None
) -> Path:
    """Draw the funnel of every pipeline, scenarios side by side (see the module docstring).

    Args:
        summary: Table from :func:`simulator.analysis.statistics.summarise`.
        stages: ``[(pipeline, stage names)]`` in order, or the stage names of one pipeline.
        out_dir: Directory for ``funnel.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "funnel.png"
    names = ordered_scenarios(summary["scenario"].tolist(), baseline) if len(summary) else []
    groups = [(p, s) for p, s in _groups(stages) if any(_entries(summary, n, s) for n in names)]
    if not names or not groups:
        return save_figure(empty_figure("Funnel by stage", "No stages to show"), path)
    colours = scenario_colours(names)
    heights = [len(s) * len(names) * BAR_HEIGHT_IN + 0.9 for _, s in groups]
    fig, axes = plt.subplots(
        len(groups), 1, figsize=(min(10.0, MAX_WIDTH_IN), sum(heights) + 0.8), height_ratios=heights, squeeze=False
    )
    for ax, (pipeline, stage_names) in zip(axes[:, 0], groups, strict=True):
        _panel(ax, summary, names, stage_names, colours, PASSED_LAST.get(pipeline, "passed"))
        ax.set_title(PIPELINE_TITLES.get(pipeline, title(pipeline)), loc="left", fontweight="bold")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[n]) for n in names]
    fig.legend(handles, names, loc="outside lower center", ncol=min(len(names), 5), frameon=False)
    fig.suptitle("Funnel by stage: leads entering each stage (mean per run), share of the decided passing, leakage")
    return save_figure(fig, path)


def _entries(summary: pd.DataFrame, scenario: str, stage_names: Sequence[str]) -> list[float]:
    entries = kpi_means(summary, scenario, "stage_entries_")
    return [v for v in (mean_of(entries, s) for s in stage_names) if math.isfinite(v) and v > 0]


def _panel(
    ax: Axes,
    summary: pd.DataFrame,
    names: Sequence[str],
    stage_names: Sequence[str],
    colours: dict[str, str],
    last: str = "passed",
) -> None:
    every = [v for n in names for v in _entries(summary, n, stage_names)]
    top = max(every, default=1.0)
    log = len(every) > 1 and top / min(every) > LOG_FUNNEL_RATIO
    floor = min(every) / 2 if log else 0.0
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        entries = kpi_means(summary, name, "stage_entries_")
        conversion = kpi_means(summary, name, "stage_conversion_")
        leaked = kpi_means(summary, name, "stage_leaked_")
        y = np.arange(len(stage_names)) + (k - (len(names) - 1) / 2) * width
        values = np.array([mean_of(entries, s) for s in stage_names])
        ax.barh(y, np.nan_to_num(values) - floor, left=floor, height=width * 0.9, color=colours[name], alpha=0.85)
        for yi, stage, value in zip(y, stage_names, values, strict=True):
            verb = last if stage == stage_names[-1] else "passed"
            text = _label(value, mean_of(conversion, stage), mean_of(leaked, stage), verb)
            x = max(float(np.nan_to_num(value)), floor) * (1.1 if log else 1.0) + (0.0 if log else 0.01 * top)
            ax.text(x, yi, text, va="center", fontsize=8)
    ax.set_yticks(np.arange(len(stage_names)), [stage_label(s) for s in stage_names])
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
        ax.set_xlim(floor, top * 8)
        ax.set_xlabel("Entering the stage, mean per run (log scale)")
    else:
        ax.set_xlim(0, top * 1.6)
        ax.set_xlabel("Entering the stage, mean per run")
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # "2,000" beside bars labelled "2,419"
    ax.grid(axis="x", alpha=0.3)


def _label(entries: float, conversion: float, leaked: float, verb: str = "passed") -> str:
    """``2,419 · 64% of decided won · 3 leak``: entries, the stage's conversion (of the decided) and its leaks."""
    parts = [f"{entries:,.0f}" if math.isfinite(entries) else "n/a"]
    if math.isfinite(conversion):
        parts.append(f"{conversion:.0%} of decided {verb}")
    if math.isfinite(leaked) and leaked > 0:  # under one a run on average: its figure, not "0 leak" (0.03 had read so)
        parts.append(f"{leaked:,.0f} leak" if leaked >= 0.5 else f"{leaked:.1g} leak")
    return " · ".join(parts)
