"""Figures for a sales leader's deck: the decision KPIs, differences, spread of outcomes, bookings.

Every function takes tidy result tables and an output directory, writes one PNG
atomically (a temporary file in the same directory, then a rename) and returns its
path. The shared look (colours, type sizes, slide width, saving) lives in
:mod:`simulator.report.plot_style`; the decision figure, the forest plot of paired
differences, the funnel, the team load and quota attainment have modules of their own
(re-exported here).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from simulator.analysis.answer import answer as answer_of
from simulator.analysis.decision import decision_kpis
from simulator.analysis.draw_means import draw_weights, run_quantiles
from simulator.analysis.formatting import format_money
from simulator.analysis.kpi_names import is_count, kpi_axis_label
from simulator.analysis.quantities import has_run_spread
from simulator.analysis.tables import comparison_of, scenario_names, summary_mean, summary_of
from simulator.analysis.utilisation import reserved_by_scenario
from simulator.config.clock import ClockConfig
from simulator.report.plot_attainment import plot_quota_attainment
from simulator.report.plot_decision import plot_decision
from simulator.report.plot_differences import plot_paired_differences
from simulator.report.plot_funnel import plot_funnel
from simulator.report.plot_style import (
    DEFAULT_DISTRIBUTION_KPIS,
    empty_figure,
    format_axis,
    grid,
    ordered_scenarios,
    panel_title,
    save_figure,
    scenario_colours,
    value_axis,
)
from simulator.report.plot_utilisation import plot_utilisation
from simulator.run.experiment import ExperimentResult

__all__ = [
    "DEFAULT_DISTRIBUTION_KPIS",
    "ordered_scenarios",
    "plot_all",
    "plot_bookings_fan",
    "plot_decision",
    "plot_funnel",
    "plot_kpi_distributions",
    "plot_paired_differences",
    "plot_quota_attainment",
    "plot_utilisation",
    "save_figure",
    "scenario_colours",
]


# ---------------------------------------------------------------------------- distributions


def plot_kpi_distributions(
    replications: pd.DataFrame,
    kpis: Sequence[str] | None,
    out_dir: Path | str,
    baseline: str | None = None,
) -> Path:
    """Draw how each KPI varies across runs, one panel per KPI, one horizontal box per scenario.

    Boxes hold the middle half of runs, the line inside is the median (P50), whiskers
    reach P10 and P90 and the white dot is the mean. Scenario names sit on the vertical
    axis, so any number of scenarios stays readable. KPIs absent from the table or NaN
    in every run are skipped, and so are 0/1 KPIs (``hit_plan``: a box of 0s and 1s;
    :func:`~simulator.analysis.quantities.has_run_spread`).

    Args:
        replications: Tidy table, one row per scenario x replication.
        kpis: KPIs to show, one panel each; None for :data:`DEFAULT_DISTRIBUTION_KPIS`.
        out_dir: Directory for ``kpi_distributions.png``.
        baseline: Scenario drawn first (at the top).

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "kpi_distributions.png"
    if "scenario" not in replications.columns:
        return save_figure(empty_figure("How results vary from run to run", "No runs to show"), path)
    names = ordered_scenarios(replications["scenario"].tolist(), baseline)
    colours = scenario_colours(names)
    wanted = DEFAULT_DISTRIBUTION_KPIS if kpis is None else kpis
    shown = [
        k
        for k in dict.fromkeys(wanted)
        if k in replications.columns and replications[k].notna().any() and has_run_spread(k)
    ]
    if not shown:
        return save_figure(empty_figure("How results vary from run to run", "No KPI values to show"), path)
    fig, axes = grid(len(shown), 2, (5.6, 0.32 * len(names) + 1.4))
    for ax, kpi in zip(axes, shown, strict=True):
        _distribution_panel(ax, replications, kpi, names, colours)
    fig.suptitle("How results vary from run to run (box: middle half of runs; whiskers: P10-P90; dot: mean)")
    return save_figure(fig, path)


def _distribution_panel(
    ax: Axes, replications: pd.DataFrame, kpi: str, names: Sequence[str], colours: dict[str, str]
) -> None:
    data = [replications.loc[replications["scenario"] == n, kpi].dropna().to_numpy() for n in names]
    present = [i for i, values in enumerate(data) if values.size]
    boxes = ax.bxp(
        [_box_stats(data[i], is_count(kpi)) for i in present],
        positions=[i + 1 for i in present],
        showfliers=False,
        showmeans=True,
        patch_artist=True,
        widths=0.6,
        orientation="horizontal",
        meanprops={"marker": "o", "markerfacecolor": "white", "markeredgecolor": "black", "markersize": 5},
        medianprops={"color": "black"},
    )
    for patch, i in zip(boxes["boxes"], present, strict=True):
        patch.set_facecolor(colours[names[i]])
        patch.set_alpha(0.75)
    ax.set_yticks(range(1, len(names) + 1), list(names))
    ax.set_ylim(len(names) + 0.6, 0.4)  # the baseline at the top
    panel_title(ax, kpi_axis_label(kpi))
    value_axis(ax, kpi, "x", nbins=5)  # values on both sides of the boxes, none a count or share cannot take
    ax.grid(axis="x", alpha=0.3)


def _box_stats(values: np.ndarray, observed: bool) -> dict[str, Any]:
    """A box's figures: P25 / P50 / P75, whiskers at P10 and P90, the mean.

    ``observed``: each a value some run had (a count's: :func:`run_quantiles`), so a box of
    deals won does not end at 76.9 deals.
    """
    p10, p25, p50, p75, p90 = run_quantiles(values, [0.1, 0.25, 0.5, 0.75, 0.9], observed=observed)
    return {"med": p50, "q1": p25, "q3": p75, "whislo": p10, "whishi": p90, "mean": float(np.mean(values))}


# ---------------------------------------------------------------------------- bookings fan


def plot_bookings_fan(
    monthly: pd.DataFrame,
    out_dir: Path | str,
    baseline: str | None = None,
    draws: int = 0,
    plan: float | None = None,
    part_months: Mapping[int, tuple[float, float]] | None = None,
) -> Path:
    """Draw cumulative bookings month by month: the median run and the P10-P90 band per scenario.

    Args:
        monthly: Tidy table, one row per scenario x replication x month (0-based); with a
            ``calendar_month`` column the months are labelled by it (``2028-01``, ``Y2-01``).
        out_dir: Directory for ``bookings_fan.png``.
        baseline: Scenario drawn first.
        draws: Parameter draws the runs cycle through: every draw weighs the same in the
            band (``monthly`` then needs its ``replication`` column), as in the summary.
        plan: The plan the measured window is held to ($, the baseline's ``plan_target``),
            drawn as a dashed line the cumulative bookings must reach; None for no plan.
        part_months: Month (0-based) -> (its working days inside the window, the month's
            working days), for the months the window holds only part of (:func:`part_months`):
            their labels are starred and a note below the axes gives their days, so a short
            last month is not read as a slump.

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
        _fan(ax, monthly[monthly["scenario"] == name], name, colours[name], draws)
    if plan is not None and math.isfinite(plan) and plan > 0:
        ax.axhline(
            plan,
            color="black",
            linestyle="--",
            linewidth=1.2,
            label=f"the plan, {format_money(plan)}, by the window's end",
        )
    ax.set_title("Cumulative bookings by month: median run (line) and P10-P90 band")
    labelled = "calendar_month" in monthly.columns
    ax.set_xlabel("Month" if labelled else "Month of the measured window")
    first = monthly.drop_duplicates("month").sort_values("month")
    month = first["month"].to_numpy(dtype=np.int64)
    labels = first["calendar_month"].astype(str).tolist() if labelled else [str(m + 1) for m in month]
    part = {int(m): days for m, days in (part_months or {}).items() if int(m) in set(month.tolist())}
    if labelled or part:
        ax.set_xticks(month + 1, [f"{n}*" if int(m) in part else n for m, n in zip(month, labels, strict=True)])
        ax.tick_params(axis="x", labelrotation=45 if len(first) > 8 else 0)
    if part:  # under the axis label, where the layout keeps room for it
        said = ", ".join(
            f"{labels[list(month).index(m)]} ({inside:g} of its {length:g})" for m, (inside, length) in part.items()
        )
        ax.set_xlabel(f"{ax.get_xlabel()}\n* part of a month inside the measured window, in working days: {said}")
    ax.set_ylabel("Cumulative bookings ($)")
    format_axis(ax, "bookings", "y")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", ncol=1 if len(names) <= 4 else 2)
    return save_figure(fig, path)


FAN_COLUMNS = ("scenario", "replication", "month", "calendar_month", "cumulative_bookings")
"""The monthly columns the bookings fan reads."""


def part_months(clock: ClockConfig) -> dict[int, tuple[float, float]]:
    """Month of the window (0-based) -> (working days inside it, the month's working days), for part months only."""
    months = clock.calendar().slices("month", clock.warmup_days, clock.horizon_days)
    return {i: (m.end - m.start, m.length) for i, m in enumerate(months) if m.share < 1.0 - 1e-9}


def _fan(ax: Axes, runs: pd.DataFrame, name: str, colour: str, draws: int) -> None:
    grouped = runs.groupby("month")
    months = np.asarray(list(grouped.groups), dtype=np.int64) + 1  # month 0 is the first month: show it as month 1
    bands = [
        run_quantiles(
            rows["cumulative_bookings"].to_numpy(dtype=np.float64),
            [0.1, 0.5, 0.9],
            draw_weights(rows["replication"].to_numpy(), draws),
        )
        for _, rows in grouped
    ]
    band = np.array(bands).reshape(-1, 3)
    ax.fill_between(months, band[:, 0], band[:, 2], color=colour, alpha=0.2)
    ax.plot(months, band[:, 1], color=colour, linewidth=2.2, marker="o", markersize=3, label=name)
    ax.set_xticks(months)


# ---------------------------------------------------------------------------- all of them


def funnel_groups(result: ExperimentResult) -> list[tuple[str, list[str]]]:
    """``[(pipeline, stage names)]`` of the funnel: new business, then the other pipelines with stage entries."""
    summary = summary_of(result)
    config = result.experiment.scenarios[0].config
    known = set(summary["kpi"]) if len(summary) else set()
    groups = [("sales", [stage.name for stage in config.pipeline.stages])]
    for pipeline, stages in config.pipelines.stages().items():
        names = [stage.name for stage in stages if f"stage_entries_{stage.name}" in known]
        if names:
            groups.append((pipeline, names))
    return groups


def plot_all(result: ExperimentResult, out_dir: Path | str) -> list[Path]:
    """Draw every figure of an experiment into ``out_dir`` and return their paths.

    The decision figure comes first; the paired-difference plot is skipped when there is
    only one scenario. Distributions and differences show the decision KPIs first, then
    the headline KPIs.
    """
    out = Path(out_dir)
    summary = summary_of(result)
    baseline = result.experiment.baseline
    answer = answer_of(result)
    kpis = list(dict.fromkeys([*decision_kpis(answer.decision), *DEFAULT_DISTRIBUTION_KPIS]))
    paths = [plot_decision(result, answer, out)]
    if len(scenario_names(result)) > 1:
        paths.append(plot_paired_differences(comparison_of(result), kpis, out))
    paths += [
        plot_kpi_distributions(result.replications, kpis, out, baseline),
        plot_bookings_fan(
            result.monthly_table.frame(FAN_COLUMNS),
            out,
            baseline,
            result.experiment.parameter_draw_count,
            summary_mean(summary, baseline, "plan_target"),
            part_months(result.experiment.scenario(baseline).config.clock),
        ),
        plot_funnel(summary, funnel_groups(result), out, baseline),
        plot_utilisation(
            result.replications,
            out,
            baseline,
            result.experiment.parameter_draw_count,
            reserved_by_scenario(result),
        ),
    ]
    if "reps" in result.table_sources:
        paths.append(plot_quota_attainment(result, out))
    return paths
