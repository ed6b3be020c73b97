"""Figures for a sales leader's deck: funnel, spread of outcomes, differences, bookings, load.

Every function takes tidy result tables and an output directory, writes one PNG
atomically (a temporary file in the same directory, then a rename) and returns its
path. The shared look (colours, layout, saving) lives in :mod:`simulator.report.plot_style`
and the paired-difference forest plot in :mod:`simulator.report.plot_differences`
(re-exported here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from simulator.analysis.formatting import (
    UTILISATION_CEILING,
    UTILISATION_FLOOR,
    UTILISATION_PREFIX,
    format_money,
    kpi_axis_label,
    kpi_label,
    team_label,
    team_utilisation_kpis,
)
from simulator.analysis.tables import comparison_of, scenario_names, summary_of
from simulator.report.plot_attainment import plot_quota_attainment
from simulator.report.plot_differences import plot_paired_differences
from simulator.report.plot_style import (
    BETTER_COLOUR,
    DEFAULT_DISTRIBUTION_KPIS,
    WORSE_COLOUR,
    empty_figure,
    format_axis,
    grid,
    kpi_means,
    mean_of,
    ordered_scenarios,
    save_figure,
    scenario_colours,
)
from simulator.run.experiment import ExperimentResult

__all__ = [
    "DEFAULT_DISTRIBUTION_KPIS",
    "ordered_scenarios",
    "plot_all",
    "plot_bookings_fan",
    "plot_funnel",
    "plot_kpi_distributions",
    "plot_paired_differences",
    "plot_quota_attainment",
    "plot_utilisation",
    "save_figure",
    "scenario_colours",
]


# ---------------------------------------------------------------------------- funnel


LOG_FUNNEL_RATIO = 20.0  # largest over smallest stage volume beyond which the funnel axis is logarithmic


def plot_funnel(
    summary: pd.DataFrame, stage_names: Sequence[str], out_dir: Path | str, baseline: str | None = None
) -> Path:
    """Draw the funnel per scenario: leads entering each stage, with conversion and leakage.

    One panel per scenario; stages run top to bottom like a funnel; each bar is the mean
    number of leads entering the stage per run, labelled with the share that converts
    and the mean number that leak (lost untouched past the stage's wait limit).

    Args:
        summary: Table from :func:`simulator.analysis.statistics.summarise`.
        stage_names: Pipeline stages in order.
        out_dir: Directory for ``funnel.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    names = ordered_scenarios(summary["scenario"].tolist(), baseline)
    colours = scenario_colours(names)
    if not names or not stage_names:
        fig = empty_figure("Funnel by stage", "No stages to show")
        return save_figure(fig, Path(out_dir) / "funnel.png")
    fig, axes = grid(len(names), 3, (6.0, 0.55 * len(stage_names) + 1.8))
    top = max(_funnel_top(summary, name, stage_names) for name in names)
    for ax, name in zip(axes, names, strict=True):
        _funnel_panel(ax, summary, name, stage_names, colours[name], top)
    fig.suptitle("Funnel by stage per scenario: leads entering each stage, conversion and leakage", fontsize=13)
    fig.tight_layout()
    return save_figure(fig, Path(out_dir) / "funnel.png")


def _funnel_top(summary: pd.DataFrame, scenario: str, stage_names: Sequence[str]) -> float:
    entries = kpi_means(summary, scenario, "stage_entries_")
    values = [mean_of(entries, s) for s in stage_names]
    finite = [v for v in values if math.isfinite(v)]
    return max(finite, default=1.0) or 1.0


def _funnel_panel(
    ax: Axes, summary: pd.DataFrame, scenario: str, stage_names: Sequence[str], colour: str, top: float
) -> None:
    entries = kpi_means(summary, scenario, "stage_entries_")
    conversion = kpi_means(summary, scenario, "stage_conversion_")
    leaked = kpi_means(summary, scenario, "stage_leaked_")
    y = np.arange(len(stage_names))
    heights = np.array([mean_of(entries, s) for s in stage_names])
    positive = heights[np.isfinite(heights) & (heights > 0)]
    # Several pipelines differ in volume by orders of magnitude (thousands of target
    # accounts, a dozen partners): a log axis keeps every stage readable.
    log = positive.size > 1 and positive.max() / positive.min() > LOG_FUNNEL_RATIO
    floor = float(positive.min()) / 2 if log else 0.0
    ax.barh(y, np.nan_to_num(heights) - floor, left=floor, color=colour, alpha=0.85)
    for i, stage in enumerate(stage_names):
        height = float(np.nan_to_num(heights[i]))
        ax.text(
            max(height, floor) * 1.15 if log else height + 0.02 * top,
            i,
            _funnel_label(heights[i], mean_of(conversion, stage), mean_of(leaked, stage)),
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [s.replace("_", " ") for s in stage_names])
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
        ax.set_xlim(floor, top * 12)
        ax.set_xlabel("Leads entering the stage (mean per run, log scale)")
    else:
        ax.set_xlim(0, top * 1.75)
        ax.set_xlabel("Leads entering the stage (mean per run)")
    ax.set_title(scenario, color=colour, fontweight="bold")
    ax.grid(axis="x", alpha=0.3)


def _funnel_label(entries: float, conversion: float, leaked: float) -> str:
    parts = [f"{entries:,.0f}" if math.isfinite(entries) else "n/a"]
    parts.append(f"{conversion:.0%} convert" if math.isfinite(conversion) else "conversion n/a")
    parts.append(f"{leaked:,.0f} leak" if math.isfinite(leaked) else "leakage n/a")
    return " · ".join(parts)


# ---------------------------------------------------------------------------- distributions


def plot_kpi_distributions(
    replications: pd.DataFrame,
    kpis: Sequence[str] | None,
    out_dir: Path | str,
    baseline: str | None = None,
) -> Path:
    """Draw how each KPI varies across runs, scenarios side by side (box plots).

    Boxes hold the middle half of runs, the line inside is the median (P50), whiskers
    reach P10 and P90 and the white dot is the mean. KPIs absent from the table or NaN
    in every run are skipped.

    Args:
        replications: Tidy table, one row per scenario x replication.
        kpis: KPIs to show, one panel each; None for :data:`DEFAULT_DISTRIBUTION_KPIS`.
        out_dir: Directory for ``kpi_distributions.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "kpi_distributions.png"
    if "scenario" not in replications.columns:
        return save_figure(empty_figure("How results vary from run to run", "No runs to show"), path)
    names = ordered_scenarios(replications["scenario"].tolist(), baseline)
    colours = scenario_colours(names)
    wanted = DEFAULT_DISTRIBUTION_KPIS if kpis is None else kpis
    shown = [k for k in wanted if k in replications.columns and replications[k].notna().any()]
    if not shown:
        return save_figure(empty_figure("How results vary from run to run", "No KPI values to show"), path)
    fig, axes = grid(len(shown), 3, (4.6, 3.6))
    for ax, kpi in zip(axes, shown, strict=True):
        _distribution_panel(ax, replications, kpi, names, colours)
    fig.suptitle("How results vary from run to run (box: middle half of runs; whiskers: P10-P90)", fontsize=13)
    fig.tight_layout()
    return save_figure(fig, path)


def _distribution_panel(
    ax: Axes, replications: pd.DataFrame, kpi: str, names: Sequence[str], colours: dict[str, str]
) -> None:
    data = [replications.loc[replications["scenario"] == n, kpi].dropna().to_numpy() for n in names]
    present = [i for i, values in enumerate(data) if values.size]
    boxes = ax.boxplot(
        [data[i] for i in present],
        positions=[i + 1 for i in present],
        whis=(10, 90),
        showfliers=False,
        showmeans=True,
        patch_artist=True,
        widths=0.6,
        meanprops={"marker": "o", "markerfacecolor": "white", "markeredgecolor": "black", "markersize": 5},
        medianprops={"color": "black"},
    )
    for patch, i in zip(boxes["boxes"], present, strict=True):
        patch.set_facecolor(colours[names[i]])
        patch.set_alpha(0.75)
    ax.set_xticks(range(1, len(names) + 1), list(names))
    ax.set_xlim(0.4, len(names) + 0.6)
    ax.set_title(kpi_label(kpi))
    ax.set_ylabel(kpi_axis_label(kpi))
    format_axis(ax, kpi)
    ax.grid(axis="y", alpha=0.3)


# ---------------------------------------------------------------------------- bookings fan


def plot_bookings_fan(monthly: pd.DataFrame, out_dir: Path | str, baseline: str | None = None) -> Path:
    """Draw cumulative bookings month by month: the median run and the P10-P90 band per scenario.

    Args:
        monthly: Tidy table, one row per scenario x replication x month (0-based).
        out_dir: Directory for ``bookings_fan.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "bookings_fan.png"
    if monthly.empty:
        return save_figure(empty_figure("Cumulative bookings by month", "No monthly figures"), path)
    names = ordered_scenarios(monthly["scenario"].tolist(), baseline)
    colours = scenario_colours(names)
    fig, ax = plt.subplots(figsize=(9, 5))
    for name in names:
        _fan(ax, monthly[monthly["scenario"] == name], name, colours[name])
    ax.set_title("Cumulative bookings by month: median run and P10-P90 band")
    ax.set_xlabel("Month")
    ax.set_ylabel("Cumulative bookings ($)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_money(value)))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return save_figure(fig, path)


def _fan(ax: Axes, runs: pd.DataFrame, name: str, colour: str) -> None:
    bands = runs.groupby("month")["cumulative_bookings"].quantile(np.array([0.1, 0.5, 0.9])).unstack()
    months = bands.index.to_numpy() + 1  # month 0 is the first month: show it as month 1
    ax.fill_between(months, bands[0.1], bands[0.9], color=colour, alpha=0.2, label=f"{name}: P10-P90")
    ax.plot(months, bands[0.5], color=colour, linewidth=2.2, marker="o", markersize=3, label=f"{name}: median")
    ax.set_xticks(months)


# ---------------------------------------------------------------------------- utilisation


def plot_utilisation(summary: pd.DataFrame, out_dir: Path | str, baseline: str | None = None) -> Path:
    """Draw each team's utilisation of selling time per scenario, with 95% CI error bars.

    A dashed line marks the 85% planning ceiling and a band the 70-85% planning range
    (BENCHMARKS.md): past 85%, queues grow and leads leak. Teams that do not exist in
    a scenario (NaN utilisation) get no bar.

    Args:
        summary: Table from :func:`simulator.analysis.statistics.summarise`.
        out_dir: Directory for ``utilisation.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "utilisation.png"
    teams_only = team_utilisation_kpis([str(k) for k in pd.unique(summary["kpi"])])
    rows = summary[summary["kpi"].isin(teams_only) & summary["mean"].notna()]
    if rows.empty:
        return save_figure(empty_figure("Utilisation by team", "No utilisation figures"), path)
    names = ordered_scenarios(summary["scenario"].tolist(), baseline)
    names = [n for n in names if n in set(rows["scenario"])]
    teams = list(dict.fromkeys(str(k).removeprefix(UTILISATION_PREFIX) for k in rows["kpi"]))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(teams) * max(1, len(names)) ** 0.5 + 3), 4.8))
    _utilisation_bars(ax, rows, names, teams)
    top = float(np.nanmax(rows[["mean", "ci_high"]].to_numpy()))
    ax.axhspan(UTILISATION_FLOOR, UTILISATION_CEILING, color=BETTER_COLOUR, alpha=0.08, label="planning range 70-85%")
    ax.axhline(UTILISATION_CEILING, color=WORSE_COLOUR, linestyle="--", label="planning ceiling 85%")
    ax.set_ylim(0, max(1.0, top * 1.1))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xticks(range(len(teams)), [team_label(t) for t in teams])
    ax.set_xlabel("Team")
    ax.set_ylabel("Utilisation of selling time (%)")
    ax.set_title("How busy each team is: share of selling time working deals (mean, 95% CI)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, path)


def _utilisation_bars(ax: Axes, rows: pd.DataFrame, names: Sequence[str], teams: Sequence[str]) -> None:
    """Draw one bar per (team, scenario) that exists, centred on the team's slot."""
    colours = scenario_colours(names)
    labelled: set[str] = set()
    for j, team in enumerate(teams):
        present = [(n, r) for n in names if (r := kpi_means(rows, n, UTILISATION_PREFIX).get(team)) is not None]
        width = min(0.5, 0.8 / max(1, len(present)))
        for k, (name, row) in enumerate(present):
            x = j + width * (k + 0.5 - len(present) / 2)
            mean, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
            yerr = [[mean - low], [high - mean]] if math.isfinite(low) else None
            label = name if name not in labelled else None
            labelled.add(name)
            ax.bar(x, mean, width * 0.92, yerr=yerr, capsize=4, color=colours[name], alpha=0.85, label=label)
            ax.text(x, mean / 2, f"{mean:.0%}", ha="center", va="center", fontsize=9, color="white")


# ---------------------------------------------------------------------------- all of them


def plot_all(result: ExperimentResult, out_dir: Path | str) -> list[Path]:
    """Draw every figure of an experiment into ``out_dir`` and return their paths.

    The paired-difference plot is skipped when there is only one scenario.
    """
    out = Path(out_dir)
    summary = summary_of(result)
    baseline = result.experiment.baseline
    config = result.experiment.scenarios[0].config
    stages = [stage.name for stage in config.pipeline.stages]
    stages += [  # the other pipelines' stages that have a funnel (prospecting, partner, expansion)
        stage.name
        for stages_of in config.pipelines.stages().values()
        for stage in stages_of
        if f"stage_entries_{stage.name}" in set(summary["kpi"])
    ]
    paths = [
        plot_funnel(summary, stages, out, baseline),
        plot_kpi_distributions(result.replications, DEFAULT_DISTRIBUTION_KPIS, out, baseline),
    ]
    if len(scenario_names(result)) > 1:
        paths.append(plot_paired_differences(comparison_of(result), DEFAULT_DISTRIBUTION_KPIS, out))
    paths.append(plot_bookings_fan(result.monthly, out, baseline))
    paths.append(plot_utilisation(summary, out, baseline))
    if "reps" in result.tables:
        paths.append(plot_quota_attainment(result, out))
    return paths
