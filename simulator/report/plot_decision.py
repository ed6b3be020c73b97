"""The answer as a figure: each decision KPI per scenario, with its 95% CI, scenarios ranked.

One panel per decision KPI (the primary first, then the guardrails); in every panel the
scenarios run top to bottom in the order of the ranking on the primary KPI, each a dot
(the mean over runs) with its 95% CI, in the scenario's colour. The baseline's mean is a
dotted line, the scenario the answer recommends is named in bold, and a decision rule's
target is a dashed line on the primary panel; a legend below the panels says so. Each
panel's title says which way is better.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.lines import Line2D

from simulator.analysis.answer import Answer
from simulator.analysis.decision import decision_kpis
from simulator.analysis.kpi_names import kpi_axis_label
from simulator.analysis.quantities import direction
from simulator.analysis.tables import scenario_names, summary_of, summary_row
from simulator.report.plot_style import (
    BETTER_COLOUR,
    UNCLEAR_COLOUR,
    empty_figure,
    error_extents,
    grid,
    panel_title,
    save_figure,
    scenario_colours,
    value_axis,
)
from simulator.run.experiment import ExperimentResult


def plot_decision(result: ExperimentResult, answer: Answer, out_dir: Path | str) -> Path:
    """Draw the decision KPIs per scenario (see the module docstring) into ``decision.png``."""
    path = Path(out_dir) / "decision.png"
    summary = summary_of(result)
    if answer.ranking.empty or summary.empty:
        return save_figure(empty_figure("The decision KPIs", "No run produced the decision KPIs"), path)
    colours = scenario_colours(scenario_names(result))
    order = [str(s) for s in answer.ranking["scenario"]]
    kpis = [k for k in decision_kpis(answer.decision) if (summary["kpi"] == k).any()]
    columns = min(3, len(kpis))
    fig, axes = grid(len(kpis), 3, (max(4.0, 9.0 / columns), 0.4 * len(order) + 1.3))
    targeted = False
    for panel, (ax, kpi) in enumerate(zip(axes, kpis, strict=True)):
        for y, scenario in enumerate(order):
            row = summary_row(summary, scenario, kpi)
            if row is None or not math.isfinite(float(row["mean"])):
                continue
            mean, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                mean,
                y,
                xerr=error_extents(mean, low, high),
                fmt="o",
                color=colours.get(scenario, UNCLEAR_COLOUR),
                capsize=3,
            )
            if scenario == result.experiment.baseline:
                ax.axvline(mean, color=UNCLEAR_COLOUR, linestyle=":", linewidth=1)
        target = answer.decision.rule.target if answer.decision.rule else None
        if kpi == answer.decision.primary and target is not None:
            ax.axvline(target, color=BETTER_COLOUR, linestyle="--", linewidth=1.2)
            targeted = True
        ax.set_yticks(range(len(order)), order if panel % 3 == 0 else [""] * len(order))
        for label in ax.get_yticklabels():
            if label.get_text() == answer.recommended:
                label.set_fontweight("bold")
        ax.set_ylim(len(order) - 0.5, -0.5)
        panel_title(ax, ("Primary: " if kpi == answer.decision.primary else "") + kpi_axis_label(kpi) + _better(kpi))
        value_axis(ax, kpi, "x", nbins=4)  # a value to read the dots by on both sides, none the KPI cannot take
        ax.grid(axis="x", alpha=0.3)
    # below the panels: inside one, "lower right" covered the last scenario's dot when it sat there
    fig.legend(handles=_legend(result.experiment.baseline, answer.recommended, targeted), **LEGEND)
    fig.suptitle("The decision KPIs: mean over runs with its 95% CI, best on the primary KPI at the top")
    plt.setp(axes[0].get_yticklabels(), fontsize=8)
    return save_figure(fig, path)


def _better(kpi: str) -> str:
    """Which way is better, after a panel's KPI: a guardrail where lower is better (cost, cycle, leaks) had said not."""
    way = direction(kpi)
    return ", lower is better" if way < 0 else ", higher is better" if way > 0 else ""


LEGEND: dict[str, Any] = {"loc": "outside lower center", "frameon": False, "ncol": 3, "handlelength": 2.5}


def _legend(baseline: str, chosen: str | None, targeted: bool) -> list[Artist]:
    """What the marks besides the dots are: the baseline's dotted mean, the chosen name in bold, the target.

    Each panel had drawn the dotted line and a bold name that neither the figure nor its caption explained.
    """
    handles: list[Artist] = [
        Line2D([], [], color=UNCLEAR_COLOUR, linestyle=":", linewidth=1, label=f"dotted: {baseline}'s mean (baseline)")
    ]
    if chosen:
        handles.append(Line2D([], [], linestyle="", label=f"bold: {chosen}, the scenario the answer chooses"))
    if targeted:
        handles.append(Line2D([], [], color=BETTER_COLOUR, linestyle="--", linewidth=1.2, label="target"))
    return handles
