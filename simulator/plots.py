"""Figures for a sales leader's deck: funnel, spread of outcomes, differences, bookings, load.

Every function takes tidy result tables and an output directory, writes one PNG
atomically (a temporary file in the same directory, then a rename) and returns its
path. Figures use the headless Agg backend and are closed once saved, so a batch of
thousands of experiments does not accumulate open figures. Each scenario keeps one
colour across all figures, baseline first.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from simulator.experiment import ExperimentResult
from simulator.report import (
    HEADLINE_KPIS,
    UTILISATION_CEILING,
    UTILISATION_FLOOR,
    UTILISATION_PREFIX,
    comparison_of,
    format_money,
    kpi_axis_label,
    kpi_label,
    kpi_unit,
    scenario_names,
    summary_of,
    team_label,
)

DEFAULT_DISTRIBUTION_KPIS = HEADLINE_KPIS
DPI = 120
BETTER_COLOUR = "#2e7d32"
WORSE_COLOUR = "#c62828"
UNCLEAR_COLOUR = "#8a8a8a"
_PALETTE = ("#1f77b4", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f")


# ---------------------------------------------------------------------------- shared helpers


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
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".png")
        try:
            with os.fdopen(handle, "wb") as stream:
                fig.savefig(stream, format="png", dpi=DPI, bbox_inches="tight")
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    finally:
        plt.close(fig)
    return path


def _value_formatter(kpi: str) -> FuncFormatter | PercentFormatter | None:
    unit = kpi_unit(kpi)
    if unit == "money":
        return FuncFormatter(lambda value, _pos: format_money(value))
    if unit == "rate":
        return PercentFormatter(xmax=1.0, decimals=0)
    return None


def _format_axis(ax: Axes, kpi: str, axis: str = "y") -> None:
    formatter = _value_formatter(kpi)
    if formatter is not None:
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _empty_figure(title: str, message: str) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color=UNCLEAR_COLOUR)
    return fig


def _grid(n_panels: int, ncols: int, panel_size: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    ncols = max(1, min(ncols, n_panels))
    nrows = math.ceil(n_panels / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False
    )
    flat = list(axes.ravel())
    for spare in flat[n_panels:]:
        spare.set_axis_off()
    return fig, flat[:n_panels]


def _kpi_means(summary: pd.DataFrame, scenario: str, prefix: str) -> dict[str, pd.Series]:
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(prefix)]
    return {str(r["kpi"]).removeprefix(prefix): r for _, r in rows.iterrows()}


def _mean_of(rows: dict[str, pd.Series], key: str) -> float:
    row = rows.get(key)
    return float(row["mean"]) if row is not None else math.nan


# ---------------------------------------------------------------------------- funnel


def plot_funnel(
    summary: pd.DataFrame, stage_names: Sequence[str], out_dir: Path | str, baseline: str | None = None
) -> Path:
    """Draw the funnel per scenario: leads entering each stage, with conversion and leakage.

    One panel per scenario; stages run top to bottom like a funnel; each bar is the mean
    number of leads entering the stage per run, labelled with the share that converts
    and the mean number that leak (lost untouched past the stage's wait limit).

    Args:
        summary: Table from :func:`simulator.analysis.summarise`.
        stage_names: Pipeline stages in order.
        out_dir: Directory for ``funnel.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    names = ordered_scenarios(summary["scenario"].tolist(), baseline)
    colours = scenario_colours(names)
    if not names or not stage_names:
        fig = _empty_figure("Funnel by stage", "No stages to show")
        return save_figure(fig, Path(out_dir) / "funnel.png")
    fig, axes = _grid(len(names), 3, (6.0, 0.55 * len(stage_names) + 1.8))
    top = max(_funnel_top(summary, name, stage_names) for name in names)
    for ax, name in zip(axes, names, strict=True):
        _funnel_panel(ax, summary, name, stage_names, colours[name], top)
    fig.suptitle(
        "Funnel by stage per scenario: leads entering each stage, conversion and leakage", fontsize=13
    )
    fig.tight_layout()
    return save_figure(fig, Path(out_dir) / "funnel.png")


def _funnel_top(summary: pd.DataFrame, scenario: str, stage_names: Sequence[str]) -> float:
    entries = _kpi_means(summary, scenario, "stage_entries_")
    values = [_mean_of(entries, s) for s in stage_names]
    finite = [v for v in values if math.isfinite(v)]
    return max(finite, default=1.0) or 1.0


def _funnel_panel(
    ax: Axes, summary: pd.DataFrame, scenario: str, stage_names: Sequence[str], colour: str, top: float
) -> None:
    entries = _kpi_means(summary, scenario, "stage_entries_")
    conversion = _kpi_means(summary, scenario, "stage_conversion_")
    leaked = _kpi_means(summary, scenario, "stage_leaked_")
    y = np.arange(len(stage_names))
    heights = np.array([_mean_of(entries, s) for s in stage_names])
    ax.barh(y, np.nan_to_num(heights), color=colour, alpha=0.85)
    for i, stage in enumerate(stage_names):
        ax.text(
            np.nan_to_num(heights[i]) + 0.02 * top,
            i,
            _funnel_label(heights[i], _mean_of(conversion, stage), _mean_of(leaked, stage)),
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [s.replace("_", " ") for s in stage_names])
    ax.invert_yaxis()
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
        return save_figure(_empty_figure("How results vary from run to run", "No runs to show"), path)
    names = ordered_scenarios(replications["scenario"].tolist(), baseline)
    colours = scenario_colours(names)
    wanted = DEFAULT_DISTRIBUTION_KPIS if kpis is None else kpis
    shown = [k for k in wanted if k in replications.columns and replications[k].notna().any()]
    if not shown:
        return save_figure(_empty_figure("How results vary from run to run", "No KPI values to show"), path)
    fig, axes = _grid(len(shown), 3, (4.6, 3.6))
    for ax, kpi in zip(axes, shown, strict=True):
        _distribution_panel(ax, replications, kpi, names, colours)
    fig.suptitle(
        "How results vary from run to run (box: middle half of runs; whiskers: P10-P90)", fontsize=13
    )
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
    _format_axis(ax, kpi)
    ax.grid(axis="y", alpha=0.3)


# ---------------------------------------------------------------------------- paired differences


def plot_paired_differences(
    comparison: pd.DataFrame, kpis: Sequence[str] | None, out_dir: Path | str
) -> Path:
    """Draw a forest plot of paired differences against the baseline, as % of the baseline.

    One panel per non-baseline scenario; per KPI the mean paired difference with its 95%
    CI. Green when the CI excludes zero on the better side (given whether higher or lower
    is better for the KPI), red on the worse side, grey when it includes zero.

    Args:
        comparison: Table from :func:`simulator.analysis.compare`.
        kpis: KPIs to show, top to bottom; None for :data:`DEFAULT_DISTRIBUTION_KPIS`.
        out_dir: Directory for ``paired_differences.png``.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "paired_differences.png"
    title = "Difference against the baseline (paired runs, 95% CI)"
    if comparison.empty:
        return save_figure(_empty_figure(title, "Only one scenario: nothing to compare"), path)
    names = ordered_scenarios(comparison["scenario"].tolist())
    baseline = str(comparison["baseline"].iloc[0])
    wanted = DEFAULT_DISTRIBUTION_KPIS if kpis is None else kpis
    shown = [k for k in wanted if k in set(comparison["kpi"])]
    if not shown:
        return save_figure(_empty_figure(title, "None of the KPIs is in the comparison"), path)
    fig, axes = _grid(len(names), 1, (9.0, 0.55 * len(shown) + 2.0))
    for ax, name in zip(axes, names, strict=True):
        _forest_panel(ax, comparison[comparison["scenario"] == name], shown, name, baseline)
    fig.tight_layout()
    return save_figure(fig, path)


def _relative(row: pd.Series) -> tuple[float, float, float]:
    base = abs(float(row["baseline_mean"]))
    if not math.isfinite(base) or base == 0.0:
        return math.nan, math.nan, math.nan
    return tuple(100.0 * float(row[c]) / base for c in ("mean_diff", "ci_low", "ci_high"))  # type: ignore[return-value]


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
            ax.errorbar(
                mid, y, xerr=[[mid - low], [high - mid]], fmt="o", color=colour, capsize=4, markersize=7
            )
        else:
            ax.plot(mid, y, "o", color=colour, markersize=7)
        ax.annotate(
            _forest_note(row),
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
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=None))
    ax.set_xlabel(
        f"Difference: {scenario} minus {baseline}, as % of {baseline}'s mean (dot: mean; bar: 95% CI)"
    )
    ax.set_title(f"{scenario.capitalize()} vs {baseline}: paired difference per KPI")
    ax.legend(
        handles=_forest_legend(), loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False
    )
    ax.grid(axis="x", alpha=0.3)


def _forest_reach(rows: pd.DataFrame) -> float:
    ends = [abs(v) for _, row in rows.iterrows() for v in _relative(row) if math.isfinite(v)]
    return max(max(ends, default=1.0) * 1.15, 1.0)


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
        return save_figure(_empty_figure("Cumulative bookings by month", "No monthly figures"), path)
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
    ax.plot(
        months, bands[0.5], color=colour, linewidth=2.2, marker="o", markersize=3, label=f"{name}: median"
    )
    ax.set_xticks(months)


# ---------------------------------------------------------------------------- utilisation


def plot_utilisation(summary: pd.DataFrame, out_dir: Path | str, baseline: str | None = None) -> Path:
    """Draw each team's utilisation of selling time per scenario, with 95% CI error bars.

    A dashed line marks the 85% planning ceiling and a band the 70-85% planning range
    (BENCHMARKS.md): past 85%, queues grow and leads leak. Teams that do not exist in
    a scenario (NaN utilisation) get no bar.

    Args:
        summary: Table from :func:`simulator.analysis.summarise`.
        out_dir: Directory for ``utilisation.png``.
        baseline: Scenario drawn first.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "utilisation.png"
    rows = summary[summary["kpi"].str.startswith(UTILISATION_PREFIX) & summary["mean"].notna()]
    if rows.empty:
        return save_figure(_empty_figure("Utilisation by team", "No utilisation figures"), path)
    names = ordered_scenarios(summary["scenario"].tolist(), baseline)
    names = [n for n in names if n in set(rows["scenario"])]
    teams = list(dict.fromkeys(str(k).removeprefix(UTILISATION_PREFIX) for k in rows["kpi"]))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(teams) * max(1, len(names)) ** 0.5 + 3), 4.8))
    _utilisation_bars(ax, rows, names, teams)
    top = float(np.nanmax(rows[["mean", "ci_high"]].to_numpy()))
    ax.axhspan(
        UTILISATION_FLOOR, UTILISATION_CEILING, color=BETTER_COLOUR, alpha=0.08, label="planning range 70-85%"
    )
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
        present = [
            (n, r) for n in names if (r := _kpi_means(rows, n, UTILISATION_PREFIX).get(team)) is not None
        ]
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
    stages = [stage.name for stage in result.experiment.scenarios[0].config.pipeline.stages]
    paths = [
        plot_funnel(summary, stages, out, baseline),
        plot_kpi_distributions(result.replications, DEFAULT_DISTRIBUTION_KPIS, out, baseline),
    ]
    if len(scenario_names(result)) > 1:
        paths.append(plot_paired_differences(comparison_of(result), DEFAULT_DISTRIBUTION_KPIS, out))
    paths.append(plot_bookings_fan(result.monthly, out, baseline))
    paths.append(plot_utilisation(summary, out, baseline))
    return paths
