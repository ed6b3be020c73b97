"""The quota attainment figure: how credited bookings over quota spread across reps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import PercentFormatter

from simulator.analysis.planning import attainment_values
from simulator.analysis.tables import scenario_names
from simulator.report.plot_style import WORSE_COLOUR, empty_figure, save_figure, scenario_colours
from simulator.run.experiment import ExperimentResult


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
    top = max(1.5, float(max(np.quantile(v, 0.99) for v in values.values())) * 1.05)
    bins = np.linspace(0.0, top, 31).tolist()
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    for name, v in values.items():
        weights = np.full(v.size, 1.0 / v.size)
        label = f"{name}: median {np.median(v):.0%}, {np.mean(v >= 1.0):.0%} at quota"
        ax.hist(
            np.clip(v, 0.0, top),
            bins=bins,
            weights=weights,
            histtype="step",
            linewidth=2,
            color=colours[name],
            label=label,
        )
    ax.axvline(1.0, color=WORSE_COLOUR, linestyle="--", label="quota")
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel("Quota attainment (credited bookings / quota for the time employed)")
    ax.set_ylabel("Share of reps")
    ax.set_title("Quota attainment of ramped reps, all runs")
    ax.legend(loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, path)
