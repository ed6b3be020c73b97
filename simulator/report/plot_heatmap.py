"""The sweep as a map: a KPI's mean over a grid of two parameters, each cell with its 95% CI.

One panel per scenario (the first :data:`MAX_PANELS`; the title names those left out, which
``sweep_summary.csv`` and the report's words still hold); rows are
the second parameter's values, columns the first's, in order. Each cell shows the mean
and, under it, its 95% CI; the colour follows the mean on one scale for every panel
(greener is better, by the KPI's direction of good; a KPI with none is shaded from low to high). The best cell of each
panel is outlined (each of the cells tied for it, when the runs cannot tell them apart); in
a sweep of the plan's own figures beside other settings, the best at each plan.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from simulator.analysis.formatting import format_money, format_value
from simulator.analysis.kpi_names import kpi_axis_label, kpi_label
from simulator.analysis.quantities import direction
from simulator.analysis.wording import join_words
from simulator.report.plot_style import MAX_WIDTH_IN, empty_figure, grid, panel_title, save_figure

MAX_PANELS = 4


def _cell(kpi: str, row: pd.Series | None) -> str:
    if row is None or not math.isfinite(float(row["mean"])):
        return "-"
    text = format_value(kpi, float(row["mean"]))
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if math.isfinite(low) and math.isfinite(high):
        text += f"\n({format_value(kpi, low)} to {format_value(kpi, high)})"
    return text.replace("$", r"\$")  # dollars, not mathtext


def best_cells(cells: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Every row of ``cells`` whose mean equals the best (:func:`best_cell`): one, or the cells tied with it.

    Cells tied in every run have the same mean to the last digit; outlining one of them had
    read as a choice the runs do not make.
    """
    best = best_cell(cells, kpi)
    if best is None:
        return cells.iloc[0:0]
    return cells[cells["mean"] == best["mean"]]


def plan_groups(rows: pd.DataFrame, params: Sequence[str]) -> list[pd.DataFrame]:
    """``rows`` cut by the swept plan figures when the sweep moves the plan and a lever (else whole, in one).

    A lower plan is easier to hit, so the best cell is found at each plan, not across plans.
    """
    targets = [p for p in params if p.startswith("plan.")]
    if not targets or len(targets) == len(params):
        return [rows]
    return [cells for _, cells in rows.groupby(targets, sort=True)]


def best_cell(cells: pd.DataFrame, kpi: str) -> pd.Series | None:
    """The row of ``cells`` with the best mean (by the KPI's direction; highest when it has none)."""
    finite = cells[np.isfinite(cells["mean"].to_numpy(dtype=float))]
    if finite.empty:
        return None
    sign = direction(kpi) or 1
    return finite.loc[(sign * finite["mean"]).idxmax()]


def plot_heatmap(
    table: pd.DataFrame,
    kpi: str,
    params: Sequence[str],
    scenarios: Sequence[str],
    out_dir: Path | str,
    fixed: Mapping[str, Mapping[str, str]] | None = None,
    alike: Collection[str] = (),
    absent: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """Draw ``heatmap.png`` from the tidy sweep table (see the module docstring).

    Args:
        table: One row per point x scenario x KPI with a column per swept parameter.
        kpi: The KPI to map.
        params: The swept parameters, one or two (the first along the columns).
        scenarios: The scenarios to draw, one panel each.
        out_dir: The sweep directory.
        fixed: Scenario -> {swept parameter: its own override}: that panel's axis did not
            move in its runs, and its title says what ran (``Sweep.fixed``).
        alike: Jobs of the first scenario's panel practically equal to its best (paired, as the
            report says "none preferred"): outlined with it. One outline had read as a choice.
        absent: Scenario -> the swept parameters it has no key for (``Sweep.absent``): the
            sweep was skipped there. A panel the sweep moved nothing in outlines no cell (its
            cells are one design, identical run by run) and its title says why.
    """
    path = Path(out_dir) / "heatmap.png"
    rows = table[table["kpi"] == kpi]
    if rows.empty or not params:
        return save_figure(empty_figure("The sweep as a map", f"No job reports {kpi}"), path)
    x_param, y_param = params[0], (params[1] if len(params) > 1 else None)
    xs = list(dict.fromkeys(sorted(rows[x_param].dropna().unique(), key=_order)))
    ys = list(dict.fromkeys(sorted(rows[y_param].dropna().unique(), key=_order))) if y_param else [None]
    shown = list(scenarios)[:MAX_PANELS]
    width = min(MAX_WIDTH_IN, max(5.0, 1.5 * len(xs) + 2.5))
    fig, axes = grid(len(shown), 1 if width * 2 > MAX_WIDTH_IN else 2, (width, 0.7 * len(ys) + 1.8))
    sign = direction(kpi) or 1
    # one colour scale for every panel: the same figure reads the same colour in each scenario's map
    means = sign * rows[rows["scenario"].isin(shown)]["mean"].to_numpy(dtype=float)
    finite = means[np.isfinite(means)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (None, None)
    widths = (rows["ci_high"] - rows["ci_low"]).to_numpy(dtype=float)
    width = float(np.nanmedian(widths)) if np.isfinite(widths).any() else 0.0
    if low is not None and high is not None and high - low < width:  # $1k apart in $3M had read red against green
        middle = (low + high) / 2
        low, high = middle - width / 2, middle + width / 2
    for ax, scenario in zip(axes, shown, strict=True):
        mine = rows[rows["scenario"] == scenario]
        values = np.full((len(ys), len(xs)), np.nan)
        for i, y in enumerate(ys):
            for j, x in enumerate(xs):
                hit = mine[(mine[x_param] == x) & ((mine[y_param] == y) if y_param else True)]
                if len(hit):
                    values[i, j] = float(hit["mean"].iloc[0])
                    ax.text(j, i, _cell(kpi, hit.iloc[0]), ha="center", va="center", fontsize=8)
        ax.imshow(sign * values, cmap="RdYlGn", aspect="auto", alpha=0.55, vmin=low, vmax=high)
        own = (fixed or {}).get(scenario, {})
        lacks = [p for p in (absent or {}).get(scenario, []) if p in params]
        unmoved = set(own) | set(lacks) >= set(params)
        groups = plan_groups(mine, params)  # a lower plan is easier to hit: the best is outlined at each plan
        for cells in [] if unmoved else groups:
            top_cells = best_cells(cells, kpi)
            if scenario == shown[0] and alike:  # practically equal to the best, run by run: outlined with it
                top_cells = pd.concat([top_cells, cells[cells["job"].astype(str).isin(set(alike))]])
            for _, top in top_cells.iterrows():  # cells tied for the best (the same runs) all outlined
                j, i = xs.index(top[x_param]), ys.index(top[y_param]) if y_param else 0
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2.5))
        ax.set_xticks(range(len(xs)), [_tick(x, x_param) for x in xs])
        ax.set_yticks(range(len(ys)), [_tick(y, y_param) for y in ys] if y_param else [""])
        ax.set_xlabel(x_param)
        if y_param:
            ax.set_ylabel(y_param)
        best = "best at each plan" if len(groups) > 1 else "best"
        best += ", and the cells practically equal to it, outlined" if scenario == shown[0] and alike else " outlined"
        ran = f"; its own {', '.join(own.values())} ran, whatever the axis" if own else ""
        ran += f"; it has no {' or '.join(lacks)}, so the sweep skipped it there" if lacks else ""
        if unmoved:  # one design in every cell: no best to outline
            best = "the same design in every cell"
        panel_title(ax, f"{scenario}: {kpi_axis_label(kpi)}, mean (95% CI); {best}{ran}")
    left = [s for s in scenarios if s not in shown]
    beyond = f"\n({join_words(left)} not drawn: {len(shown)} panels at most; sweep_summary.csv has them)"
    fig.suptitle(f"{kpi_label(kpi)} across the sweep{beyond if left else ''}")
    return save_figure(fig, path)


def _order(value: object) -> tuple[int, float, str]:
    try:
        return (0, float(str(value)), "")
    except ValueError:
        return (1, 0.0, str(value))


def _tick(value: object, param: str | None = None) -> str:
    """A swept value on an axis: a plan's bookings in dollars (``$3.5M``, not ``3.5e+06``), the rest as a number."""
    if value is None:
        return ""
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    if param is not None and param.startswith("plan.bookings"):
        return format_money(number).replace("$", r"\$")  # dollars, not mathtext
    return f"{number:g}"
