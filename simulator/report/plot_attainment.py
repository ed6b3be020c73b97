"""The quota attainment figure: how credited bookings (new and expansion) over quota spread across reps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import PercentFormatter

from simulator.analysis.planning import attainment_values
from simulator.analysis.tables import scenario_names, summary_mean, summary_of
from simulator.report.plot_style import WORSE_COLOUR, empty_figure, save_figure, scenario_colours
from simulator.run.experiment import ExperimentResult

TOP = 1.5
"""Attainment beyond which reps share one last, labelled bar."""


def _at_quota(result: ExperimentResult, scenario: str, values: np.ndarray) -> float:
    """The share of reps at quota the tables give (``reps_at_quota_share``, the mean of the runs' shares).

    Pooled over every rep of every run, solution_engineers' legend had read "27% at quota" and "36%"
    beside the tables' 26.3% and 35.2%. A result without the KPI keeps the pooled share.
    """
    mean = summary_mean(summary_of(result), scenario, "reps_at_quota_share")
    return mean if np.isfinite(mean) else float(np.mean(values >= 1.0))


def plot_quota_attainment(result: ExperimentResult, out_dir: Path | str) -> Path:
    """Draw the distribution of quota attainment of ramped reps, one outline per scenario.

    Every counted rep of every run is one value (see :mod:`simulator.model.economics`);
    a dashed line marks 100% of quota and the legend gives each scenario's median and
    share of reps at quota.

    Returns:
        The path of ``quota_attainment.png``.
    """
    path = Path(out_dir) / "quota_attainment.png"
    names = scenario_names(result)
    values = {n: attainment_values(result, n) for n in names}
    values = {n: v for n, v in values.items() if v.size}
    if not values:
        return save_figure(empty_figure("Quota attainment", "No rep carries a bookings quota"), path)
    colours = scenario_colours(names)
    # 5%-wide bins up to TOP, and one last bin for everything above it, labelled as such
    edges = np.append(np.arange(0.0, TOP + 1e-9, 0.05), TOP + 0.1)
    fig, ax = plt.subplots(figsize=(9.0, 5.0))
    for name, v in values.items():
        weights = np.full(v.size, 1.0 / v.size)
        above = f"{np.mean(v > TOP):.0%} above {TOP:.0%}"
        label = f"{name}: median {np.median(v):.0%}, {_at_quota(result, name, v):.0%} at quota, {above}"
        ax.hist(
            np.clip(v, 0.0, TOP + 0.05),
            bins=edges.tolist(),
            weights=weights,
            histtype="step",
            linewidth=2,
            color=colours[name],
            label=label,
        )
    ax.axvline(1.0, color=WORSE_COLOUR, linestyle="--", label="quota (100%)")
    ticks = [*np.arange(0.0, TOP - 0.2, 0.25).tolist(), TOP + 0.05]
    ax.set_xticks(ticks, [f"{t:.0%}" for t in ticks[:-1]] + [f"> {TOP:.0%}"])
    ax.set_xlim(0.0, TOP + 0.1)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel(
        "Quota attainment (credited new + expansion bookings / quota for the time employed); last bar: above 150%"
    )
    ax.set_ylabel("Share of reps (one per rep and run)")
    ax.set_title("Quota attainment of ramped reps, all runs")
    fig.legend(loc="outside lower center", ncol=1 if len(values) <= 2 else 2, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return save_figure(fig, path)
