"""What makes a figure readable on a 16:9 slide, checked on the drawn figure.

Each check reads the laid-out figure (after ``canvas.draw()``): no text below 8 points,
no text cut off at the figure's edge, tick labels of one axis that do not run into each
other, texts inside a panel that do not cover one another, panel titles that do not run
into each other, figure-level titles and legends that do not cover a panel or each other,
and a panel's legend that covers none of its data (a point, a marker, a whisker's end, a
bar's corner). :func:`collect` patches
``Figure.savefig`` so every figure a function saves is checked just before it is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

MIN_FONT_PT = 8.0
MAX_WIDTH_PX = 2400
TOLERANCE_PX = 1.5


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOLERANCE_PX and height > TOLERANCE_PX


def _shown(text: Text) -> bool:
    return bool(text.get_visible() and text.get_text().strip())


def _ticks(axis: Axis) -> list[Text]:
    """The tick labels the axis draws (matplotlib keeps others, outside the view, undrawn)."""
    return [tick.label1 for tick in axis._update_ticks() if _shown(tick.label1)]  # type: ignore[attr-defined]


def drawn_texts(fig: Figure) -> list[Text]:
    """Every text the figure draws: titles, labels, drawn tick labels, texts in panels, legends."""
    texts: list[Text] = [t for t in fig.texts if _shown(t)]
    if fig._suptitle is not None and _shown(fig._suptitle):  # type: ignore[attr-defined]
        texts.append(fig._suptitle)  # type: ignore[attr-defined]
    legends = list(fig.legends)
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        texts += [t for t in (ax.title, ax._left_title, ax._right_title) if _shown(t)]  # type: ignore[attr-defined]
        texts += [t for t in (ax.xaxis.label, ax.yaxis.label) if _shown(t)]
        texts += [*_ticks(ax.xaxis), *_ticks(ax.yaxis), *[t for t in ax.texts if _shown(t)]]
        legend = ax.get_legend()
        if legend is not None:
            legends.append(legend)
    for legend in legends:
        texts += [t for t in legend.get_texts() if _shown(t)]
    return texts


def figure_name(fig: Figure) -> str:
    """A name for messages: the figure's title, else its first panel's."""
    if fig._suptitle is not None and _shown(fig._suptitle):  # type: ignore[attr-defined]
        return str(fig._suptitle.get_text())  # type: ignore[attr-defined]
    titles = [ax.get_title() or ax.get_title("left") for ax in fig.axes]
    return next((t for t in titles if t), "figure")


def figure_problems(fig: Figure, name: str = "") -> list[str]:
    """Every readability problem of ``fig`` (empty when it is fine to paste on a slide)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    name = name or figure_name(fig)
    problems: list[str] = []
    page = Bbox.from_bounds(0, 0, fig.bbox.width, fig.bbox.height)
    for text in drawn_texts(fig):
        if text.get_fontsize() < MIN_FONT_PT:
            problems.append(f"{name}: text {text.get_text()!r} at {text.get_fontsize()} pt")
        box = text.get_window_extent(renderer)
        inside = page.x0 - TOLERANCE_PX <= box.x0 and box.x1 <= page.x1 + TOLERANCE_PX
        inside = inside and page.y0 - TOLERANCE_PX <= box.y0 and box.y1 <= page.y1 + TOLERANCE_PX
        if not inside:
            problems.append(f"{name}: text {text.get_text()!r} runs off the figure")
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            problems += _pairwise(_ticks(axis), renderer, f"{name}: tick labels")
        problems += _pairwise([t for t in ax.texts if _shown(t)], renderer, f"{name}: texts of a panel")
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            box, panel = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
            covered = [
                (x, y)
                for x, y in _data_points(ax)
                if panel.x0 <= x <= panel.x1 and panel.y0 <= y <= panel.y1  # drawn, not clipped
                if box.x0 + TOLERANCE_PX < x < box.x1 - TOLERANCE_PX
                and box.y0 + TOLERANCE_PX < y < box.y1 - TOLERANCE_PX
            ]
            if covered:
                problems.append(
                    f"{name}: the legend of panel {ax.get_title() or ax.get_title('left')!r} covers "
                    f"{len(covered)} of its data points"
                )
    titles = [
        t
        for ax in fig.axes
        if ax.get_visible() and ax.axison
        for t in (ax.title, ax._left_title, ax._right_title)  # type: ignore[attr-defined]
        if _shown(t)
    ]
    problems += _pairwise(titles, renderer, f"{name}: panel titles")
    heads = [t for t in (fig._suptitle,) if t is not None and _shown(t)]  # type: ignore[attr-defined]
    boxes = [(f"title {t.get_text()!r}", t.get_window_extent(renderer)) for t in heads]
    boxes += [(f"legend {i}", legend.get_window_extent(renderer)) for i, legend in enumerate(fig.legends)]
    panels = [(ax, ax.get_window_extent(renderer)) for ax in fig.axes if ax.get_visible() and ax.axison]
    for label, box in boxes:
        for ax, panel in panels:
            title = ax.title.get_window_extent(renderer) if _shown(ax.title) else None
            if _overlap(box, panel) or (title is not None and _overlap(box, title)):
                problems.append(f"{name}: {label} covers a panel or its title")
    for i, (label, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            if _overlap(box, other_box):
                problems.append(f"{name}: {label} covers {other}")
    width = fig.get_figwidth() * fig.dpi
    if width > MAX_WIDTH_PX:
        problems.append(f"{name}: {width:.0f} px wide at {fig.dpi} dpi")
    return problems


def _data_points(ax: Axes) -> list[tuple[float, float]]:
    """Display coordinates of what a reader must see in a panel: points, markers, whiskers' ends, bars' corners.

    Lines drawn across the panel (a target or a budget: ``axvline``) are not data points: their
    ends sit at the panel's edges whatever the data.
    """
    found: list[np.ndarray] = []
    for line in ax.lines:
        if isinstance(line, Line2D) and line.get_visible() and line.get_transform() == ax.transData:
            found.append(ax.transData.transform(np.asarray(line.get_xydata(), dtype=float)))
    for collection in ax.collections:
        if not collection.get_visible():
            continue
        if isinstance(collection, PathCollection):
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            if offsets.size:
                found.append(collection.get_offset_transform().transform(offsets))
        elif isinstance(collection, LineCollection):
            ends = [np.asarray(seg, dtype=float) for seg in collection.get_segments() if len(seg)]
            if ends:
                found.append(collection.get_transform().transform(np.vstack(ends)))
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_transform() is not None:
            corners = patch.get_patch_transform().transform([(0, 0), (0, 1), (1, 0), (1, 1)])
            found.append(patch.get_data_transform().transform(corners))
    points = np.vstack(found) if found else np.empty((0, 2))
    return [(float(x), float(y)) for x, y in points if np.isfinite(x) and np.isfinite(y)]


def _pairwise(texts: list[Text], renderer: object, what: str) -> list[str]:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    found = []
    for i, (a, box) in enumerate(boxes):
        for b, other in boxes[i + 1 :]:
            if _overlap(box, other):
                found.append(f"{what} {a!r} and {b!r} overlap")
    return found


@contextlib.contextmanager
def collect(problems: list[str], saved: list[str]) -> Iterator[None]:
    """Check every figure saved inside the block: problems go to ``problems``, file names to ``saved``."""
    original = Figure.savefig

    def checked(self: Figure, fname: object, *args: object, **kwargs: object) -> None:
        dpi = kwargs.get("dpi")
        if isinstance(dpi, int | float):
            self.set_dpi(dpi)
        label = figure_name(self)
        saved.append(label)
        problems.extend(figure_problems(self, label))
        original(self, fname, *args, **kwargs)  # type: ignore[arg-type]

    Figure.savefig = checked  # type: ignore[method-assign]
    try:
        yield
    finally:
        Figure.savefig = original  # type: ignore[method-assign]
