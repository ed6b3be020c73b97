"""The shared look of the figures: colours, type sizes, layout, axis formats and atomic PNG saving.

Each scenario keeps one colour across all figures, baseline first; green, red and grey
mark a clearly better, clearly worse or unclear difference. Every figure is made to be
pasted on a 16:9 slide: at most :data:`MAX_WIDTH_IN` inches wide, saved at :data:`DPI`
(so at most 2,400 pixels wide), no text smaller than :data:`MIN_FONT_PT`, laid out by
matplotlib's constrained layout so titles, labels and legends do not overlap.
A negative number reads with the hyphen-minus in every text of a figure, matplotlib's tick
labels included (``axes.unicode_minus`` off), as the report's tables and the terminal write it.
Figures use the headless Agg backend and are closed once saved, so a batch of thousands
of experiments does not accumulate open figures.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import Formatter, MaxNLocator

from simulator.analysis.formatting import format_value
from simulator.analysis.kpi_names import HEADLINE_KPIS, is_count, kpi_unit
from simulator.analysis.money_format import format_money, money_shown
from simulator.analysis.quantities import kpi_range
from simulator.io.atomic import atomic_write

DEFAULT_DISTRIBUTION_KPIS = HEADLINE_KPIS
DPI = 200
MAX_WIDTH_IN = 12.0
"""Widest figure, in inches: 2,400 pixels at :data:`DPI`, the width of a 16:9 slide at full size."""
MIN_FONT_PT = 8.0
"""Smallest text on any figure."""
STYLE: dict[str, Any] = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "legend.title_fontsize": 8.0,
    "figure.titlesize": 11.0,
    "figure.constrained_layout.use": True,
    # a negative number drawn as report.md, the terminal and the CSV files write it (-$1.2M, -5.0 pts):
    # matplotlib's own tick labels had the typographic minus (U+2212), the forest plot's relative ticks
    # among them, beside salesim's own labels and ticks with the hyphen-minus in the same figure
    "axes.unicode_minus": False,
}
matplotlib.style.use(STYLE)
BETTER_COLOUR = "#2e7d32"
WORSE_COLOUR = "#c62828"
UNCLEAR_COLOUR = "#8a8a8a"
_PALETTE = ("#1f77b4", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f")


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
    width = float(fig.get_figwidth())
    if width > MAX_WIDTH_IN:  # a figure is never drawn wider than a slide: scale it down whole
        fig.set_size_inches(MAX_WIDTH_IN, fig.get_figheight() * MAX_WIDTH_IN / width)
    try:
        fit_titles(fig)
        atomic_write(path, lambda stream: fig.savefig(stream, format="png", dpi=DPI), binary=True)
    finally:
        plt.close(fig)
    return path


def fit_titles(fig: Figure) -> None:
    """Rewrap each panel's left title that runs past the figure's right edge, as laid out, to the room it has.

    :func:`panel_title` wraps to an estimate of the panel's width; a panel narrower than it (the
    forest plot's, whose KPI names and notes take most of the width) ran its title off the
    figure: ramp_and_coaching's "fast_ramp_and_coaching against the baseline, paired run by run:
    rates, in percentage points" lost its last letters.
    """
    titled = [(ax, ax.get_title(loc="left")) for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")]
    if not titled:
        return
    fig.draw_without_rendering()  # lays the panels out, drawing no pixels
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    right = fig.bbox.x1 - 2.0 * fig.dpi / 72.0
    for ax, text in titled:
        for _ in range(3):
            shown = ax.set_title(text, loc="left")
            box = shown.get_window_extent(renderer)
            if box.x1 <= right or box.width <= 0:
                break
            longest = max(len(line) for line in text.splitlines())
            chars = max(12, int(longest * (right - box.x0) / box.width) - 1)
            text = textwrap.fill(" ".join(text.split()), chars)


class DistinctTicks(Formatter):
    """Tick labels in a unit, with as many more decimals as it takes for neighbouring ticks to read apart.

    An axis spanning $2.970M to $2.976M read "$2.97M" at every tick; its labels now read
    $2.970M, $2.972M, ... (up to :data:`MAX_EXTRA_DIGITS` more decimals).
    """

    MAX_EXTRA_DIGITS = 4

    def __init__(
        self,
        write: Callable[[float, int], str],
        shown: Callable[[float, int], float] | None = None,
        fewest: int = 0,
    ) -> None:
        self._write = write
        self._shown = shown
        self._fewest = fewest  # extra decimals to try first (negative: fewer than the text's)
        self._extra = fewest

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """The labels of one axis's ticks, with the fewest extra decimals that tell them apart.

        With ``shown`` (the value a label reads, at so many extra decimals) a label also
        reads its tick exactly: ticks 2.5 points apart read 22.5%, not 22% and 28% beside 25%.
        """
        for extra in range(self._fewest, self.MAX_EXTRA_DIGITS + 1):
            labels = [self._write(float(v), extra) for v in values]
            exact = self._shown is None or all(
                math.isclose(self._shown(float(v), extra), v, abs_tol=1e-9) for v in values
            )
            if len(set(labels)) == len(labels) and exact:
                break
        self._extra = extra
        return labels

    def __call__(self, x: float, pos: int | None = None) -> str:
        """One value (the cursor's read-out, a lone tick) with the decimals the last ticks took."""
        return self._write(float(x), self._extra)


def value_formatter(kpi: str) -> Formatter | None:
    """Return the tick formatter for a KPI's unit (money as ``$1.2M``, rates as %), or None.

    Neighbouring ticks never read alike: they get more decimals when they would (:class:`DistinctTicks`).
    """
    unit = kpi_unit(kpi)
    if unit == "money":
        # ticks read their value exactly, with no more decimals than that takes: $800k and
        # $1.0M, not $800.0k and $1.00M (the text keeps format_money's own decimals)
        return DistinctTicks(
            lambda value, extra: format_money(value, extra_digits=extra),
            lambda value, extra: money_shown(value, extra_digits=extra),
            fewest=-2,
        )
    if unit == "rate":
        return DistinctTicks(
            lambda value, extra: f"{value * 100:.{extra}f}%", lambda value, extra: round(value * 100, extra) / 100
        )
    return None


def format_axis(ax: Axes, kpi: str, axis: str = "y") -> None:
    """Format the ticks of one axis in the KPI's unit."""
    formatter = value_formatter(kpi)
    if formatter is not None:
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


class InRangeLocator(MaxNLocator):
    """Ticks only at values the KPI can take: none below 0 for a count or an amount, none past 100% for a share.

    A count's ticks are whole numbers. A calibrated forecast that leaks no lead in any run had read
    -0.050, -0.025, 0.000, 0.025, 0.050 under its leaked leads (matplotlib widens a panel of one
    value to either side of it).
    """

    def __init__(self, kpi: str, nbins: int) -> None:
        super().__init__(nbins=nbins, min_n_ticks=3, integer=is_count(kpi))
        self._range = kpi_range(kpi)

    def tick_values(self, vmin: float, vmax: float) -> Any:
        """The ticks of ``[vmin, vmax]`` inside the KPI's range."""
        low, high = self._range
        ticks = np.asarray(super().tick_values(vmin, vmax), dtype=np.float64)
        return ticks[(ticks >= low - 1e-12) & (ticks <= high + 1e-12)]


def value_axis(ax: Axes, kpi: str, axis: str = "x", nbins: int = 5) -> None:
    """Format an axis of a KPI's values: its unit, ticks in its range, and room for two whole ticks for a count."""
    format_axis(ax, kpi, axis)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(InRangeLocator(kpi, nbins))
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    if is_count(kpi) and abs(high - low) < 2.0:  # one value in every run: whole numbers to read it by
        start = math.ceil(min(low, high) - 1e-9)
        (ax.set_xlim if axis == "x" else ax.set_ylim)(start - 0.15, start + 2.15)


def right_label(ax: Axes, y: float, text: str, colour: str | None = None) -> None:
    """Write ``text`` just right of the panel, level with row ``y`` (a row's figure beside a forest of rows)."""
    ax.annotate(
        text,
        (1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
        color=colour,
    )


def error_extents(centre: Any, low: Any, high: Any) -> np.ndarray | None:
    """Matplotlib's ``xerr``/``yerr`` for intervals around ``centre``: shape (2, n), never negative.

    A bound that is not finite draws no whisker on its side (None: no bound at all), and a
    bound that rounding put a hair on the wrong side of its centre (a Wilson bound of 1e-17
    above a share of 0) draws none either, instead of stopping the figure with a ValueError.
    """
    mid, below, above = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (centre, low, high))
    if not (np.isfinite(below).any() or np.isfinite(above).any()):
        return None
    extents = np.vstack([mid - below, above - mid])
    return np.clip(np.nan_to_num(extents, nan=0.0, posinf=0.0, neginf=0.0), 0.0, None)


def format_difference_axis(ax: Axes, kpi: str, axis: str = "y") -> None:
    """Format the ticks of an axis of differences in a KPI: a rate's in percentage points (``+2.0 pts``)."""
    if kpi_unit(kpi) != "rate":
        format_axis(ax, kpi, axis)
        return
    formatter = DistinctTicks(
        lambda value, extra: format_value(kpi, value, signed=True, extra_digits=extra),
        lambda value, extra: round(value * 100, 1 + extra) / 100,
    )
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def empty_figure(title: str, message: str) -> Figure:
    """Return a small figure that only says why there is nothing to draw."""
    fig, ax = plt.subplots(figsize=(7, 2.5))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color=UNCLEAR_COLOUR)
    return fig


def grid(n_panels: int, ncols: int, panel_size: tuple[float, float], sharex: bool = False) -> tuple[Figure, list[Axes]]:
    """Lay out ``n_panels`` panels in rows of ``ncols``, hiding the spare axes; return the used ones.

    Columns are narrowed so the figure fits :data:`MAX_WIDTH_IN`.
    """
    ncols = max(1, min(ncols, n_panels))
    nrows = math.ceil(n_panels / ncols)
    width = min(panel_size[0] * ncols, MAX_WIDTH_IN)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, panel_size[1] * nrows), squeeze=False, sharex=sharex)
    flat = list(axes.ravel())
    for spare in flat[n_panels:]:
        spare.set_axis_off()
    return fig, flat[:n_panels]


TITLE_CHAR_EM = 0.5
"""The mean width of a title's character, in ems of its font (a sans-serif's lower case and spaces)."""


def _panel_width_pt(ax: Axes) -> float:
    """The room a panel's title or x label has, in points: its column of the figure less its y tick labels.

    The y tick labels set so far (scenario names such as ``two_more_reps`` take an inch) are a
    margin: constrained layout gives the panels about that when it draws (the position before it
    is a third narrower).
    """
    figure = ax.figure
    inches = figure.get_figwidth() if isinstance(figure, Figure) else 4.0
    inches = min(inches, MAX_WIDTH_IN)  # save_figure scales a wider figure down whole
    spec = ax.get_subplotspec()
    columns = spec.get_gridspec().ncols if spec is not None else 1
    longest = max((len(t.get_text()) for t in ax.get_yticklabels()), default=0)
    margin = max(0.45, longest * TITLE_CHAR_EM * 1.2 * _points("ytick.labelsize") / 72.0 + 0.2)
    return max(1.0, inches * 0.95 / columns - margin) * 72.0


def _points(key: Literal["axes.labelsize", "axes.titlesize", "ytick.labelsize"]) -> float:
    """A font size setting of matplotlib's (``12`` or ``"large"``) in points."""
    return float(FontProperties(size=plt.rcParams[key]).get_size_in_points())


def panel_title(ax: Axes, text: str, loc: Literal["left", "center", "right"] = "left") -> None:
    """Title a panel with ``text``, wrapped to the panel's width: it runs off neither the figure nor into a panel."""
    chars = max(12, int(_panel_width_pt(ax) / (TITLE_CHAR_EM * _points("axes.titlesize"))))
    ax.set_title(textwrap.fill(text, chars), loc=loc)


def x_label(ax: Axes, text: str) -> None:
    """Label a panel's x axis with ``text``, wrapped to the panel's width (a long KPI's label ran off the figure)."""
    chars = max(12, int(_panel_width_pt(ax) / (TITLE_CHAR_EM * _points("axes.labelsize"))))
    ax.set_xlabel(textwrap.fill(text, chars))


def kpi_means(summary: pd.DataFrame, scenario: str, prefix: str) -> dict[str, pd.Series]:
    """Return the summary rows of a scenario whose KPI starts with ``prefix``, keyed by the rest."""
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(prefix)]
    return {str(r["kpi"]).removeprefix(prefix): r for _, r in rows.iterrows()}


def mean_of(rows: dict[str, pd.Series], key: str) -> float:
    """Return the mean of ``rows[key]``, NaN when absent."""
    row = rows.get(key)
    return float(row["mean"]) if row is not None else math.nan
