"""How busy each team is: queued work against the 70-85% planning range, idle-time work on top.

Per team, one bar per scenario: the solid part is the share of selling time on queued
work (deals, renewals, expansions) with its 95% CI, which the planning range and the 85%
ceiling apply to (BENCHMARKS.md); the light hatched part above it is the prospecting and
partner work that fills idle time (:mod:`simulator.analysis.utilisation`). A team that
prospects is near 100% in total whatever its load, so only the solid part can be past
the ceiling. A team that reserves hours for prospecting is drawn over the selling time
they leave, as the answer reads its load: prospecting_time's AEs with 6 of their 18 hours
reserved, busy 92% of the other 12 and the bottleneck in the words, had been drawn at 61%
of all 18, well under the ceiling. The share those hours leave is in a footnote under the axis
(the team's name starred), and, where the bar is wide enough, in it under its value, the
reserved share above it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from simulator.analysis.kpi_names import UTILISATION_CEILING, UTILISATION_FLOOR
from simulator.analysis.utilisation import TeamLoad, idle_filler, team_loads
from simulator.analysis.wording import join_words, team_label
from simulator.report.plot_style import (
    BETTER_COLOUR,
    MAX_WIDTH_IN,
    WORSE_COLOUR,
    empty_figure,
    error_extents,
    ordered_scenarios,
    save_figure,
    scenario_colours,
)

LABEL_WIDTH_IN = 0.32  # narrowest bar, in inches, that carries its value
RESERVED_LABEL_WIDTH_IN = 0.45  # narrowest that carries "reserved" and "of 67%" too (8 points)


def plot_utilisation(
    replications: pd.DataFrame,
    out_dir: Path | str,
    baseline: str | None = None,
    draws: int = 0,
    reserved: Mapping[str, Mapping[str, float]] | None = None,
) -> Path:
    """Draw each team's load per scenario with its 95% CI, and the idle-time work above it.

    Args:
        replications: One row per scenario x replication with ``utilisation_*`` columns.
        out_dir: Directory for ``utilisation.png``.
        baseline: Scenario drawn first.
        draws: Parameter draws the runs cycle through (:func:`~simulator.analysis.utilisation.team_loads`).
        reserved: Scenario -> team -> the share of its selling time it reserves for prospecting
            (:func:`~simulator.analysis.utilisation.reserved_by_scenario`); such a team's bar is
            over the time those hours leave.

    Returns:
        The path of the PNG.
    """
    path = Path(out_dir) / "utilisation.png"
    names = ordered_scenarios(replications["scenario"].tolist(), baseline) if "scenario" in replications else []
    shares = reserved or {}
    loads = {n: {load.team: load for load in team_loads(replications, n, draws, shares.get(n))} for n in names}
    teams = list(dict.fromkeys(team for found in loads.values() for team in found))
    if not teams:
        return save_figure(empty_figure("How busy each team is", "No utilisation figures"), path)
    names = [n for n in names if loads[n]]
    colours = scenario_colours(names)
    width_in = min(MAX_WIDTH_IN, max(9.0, 0.55 * len(teams) * len(names) + 3.0))
    fig, ax = plt.subplots(figsize=(width_in, 4.8))
    width = min(0.35, 0.8 / len(names))
    # a bar carries its value only when the value fits inside it (about 0.3 inch for "100%" at 8 points)
    labelled = width * 0.92 * (width_in - 1.5) / len(teams) >= LABEL_WIDTH_IN
    for j, team in enumerate(teams):
        present = [(n, loads[n][team]) for n in names if team in loads[n]]
        for k, (name, load) in enumerate(present):
            x = j + width * (k + 0.5 - len(present) / 2)
            _bar(ax, x, width, load, colours[name], labelled, (width_in - 1.5) / len(teams))
    ax.set_xlim(-0.5, len(teams) - 0.5)
    ax.axhspan(UTILISATION_FLOOR, UTILISATION_CEILING, color=BETTER_COLOUR, alpha=0.08)
    ax.axhline(UTILISATION_CEILING, color=WORSE_COLOUR, linestyle="--")
    ax.set_ylim(0, 1.12 if not any(lo.reserved > 0.0 for f in loads.values() for lo in f.values()) else 1.2)
    ax.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])  # no share above 100%, whatever room the labels take
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    left = {t: _left_words(t, [(n, loads[n][t]) for n in names if t in loads[n]]) for t in teams}
    ax.set_xticks(range(len(teams)), [team_label(t) + ("*" if left[t] else "") for t in teams])
    blocks = any(left.values())
    notes = [textwrap.fill(left[t], width=int(width_in * 10)) for t in teams if left[t]]  # ~10 characters an inch
    ax.set_xlabel("\n".join(["Team", *notes]))
    ax.set_ylabel("Share of selling time" + ("\n(that reserved hours leave, where reserved)" if blocks else ""))
    ax.set_title(
        "How busy each team is: queued work (mean, 95% CI), then prospecting and partner work"
        + ("\nReserved prospecting hours come first: a team's bar is of the selling time they leave" if blocks else "")
    )
    ax.grid(axis="y", alpha=0.3)
    handles: list[Artist] = [Patch(color=colours[n], label=n) for n in names]
    # the hatched part's entry only where a bar has one: a calibrated company's teams, which neither prospect nor
    # recruit partners, had it in the legend beside no hatched bar
    filled = any(lo.has_filler and idle_filler(lo) > 0.0 for found in loads.values() for lo in found.values())
    idle = "prospecting or partner work in idle time" if blocks else "prospecting or partner work (idle time)"
    handles += [Patch(facecolor="white", edgecolor="grey", hatch="///", label=idle)] if filled else []
    handles += [
        Patch(color=BETTER_COLOUR, alpha=0.15, label="planning range 70-85%"),
        plt.Line2D([], [], color=WORSE_COLOUR, linestyle="--", label="planning ceiling 85%"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3), frameon=False)
    return save_figure(fig, path)


def _left_words(team: str, present: list[tuple[str, TeamLoad]]) -> str:
    """The footnote of a team that reserves hours: the selling time they leave, per scenario ("" if none reserves)."""
    blocked = [(name, load.reserved) for name, load in present if load.reserved > 0.0]
    if not blocked:
        return ""
    if len({round(r, 3) for _, r in blocked}) == 1 and len(blocked) == len(present):
        left = f"the {1.0 - blocked[0][1]:.0%} of its selling time its reserved prospecting hours leave"
    else:
        each = join_words([f"{1.0 - r:.0%} in {name}" for name, r in blocked])
        left = f"the selling time its reserved prospecting hours leave: {each}"
    return f"* {team_label(team)} team's bars are of {left}"


def _bar(
    ax: plt.Axes, x: float, width: float, load: TeamLoad, colour: str, labelled: bool, inches_per_unit: float
) -> None:
    yerr = error_extents(load.load, load.load_low, load.load_high)
    ax.bar(x, load.load, width * 0.92, yerr=yerr, capsize=3, color=colour, alpha=0.85)
    filler = idle_filler(load)
    if load.has_filler and filler > 0.0:
        ax.bar(x, filler, width * 0.92, bottom=load.load, color=colour, alpha=0.2, hatch="///", edgecolor=colour)
    wide = width * 0.92 * inches_per_unit >= RESERVED_LABEL_WIDTH_IN  # room for "reserved" and "of 67%"
    if labelled and load.load >= 0.12:
        value = f"{load.load:.0%}" + (f"\nof {1.0 - load.reserved:.0%}" if load.reserved > 0.0 and wide else "")
        ax.text(x, load.load / 2, value, ha="center", va="center", fontsize=8, color="white")
    if wide and load.reserved > 0.0:  # the hours taken off first, above the bar
        top = load.load + (filler if load.has_filler and filler > 0.0 else 0.0)
        ax.text(x, top + 0.01, f"{load.reserved:.0%}\nreserved", ha="center", va="bottom", fontsize=8, color="dimgrey")
