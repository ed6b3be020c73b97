"""A figure writes every negative number with one minus sign: the hyphen-minus of the report's text and tables.

The paired-differences figure of a 3-run generalist_vs_specialist drew its relative panel's
ticks with matplotlib's typographic minus (``−200%``, ``−100%``: ``axes.unicode_minus``)
beside salesim's own labels and money and rate ticks with a hyphen-minus (``-10 pts``,
``-$1.08M``): two signs for one thing in one figure. The figures keep the hyphen-minus,
as report.md, the terminal and the CSV files write it, so a figure and the table beside
it in report.html read a number alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from plot_checks import drawn_texts, figure_name

import simulator
from simulator.report.plots import plot_all

TYPOGRAPHIC_MINUS = "\u2212"
NEGATIVE = re.compile(r"(?<![\w.])-[$\d.]")
"""A number written with a hyphen-minus: ``-10 pts``, ``-$1.08M``, ``[-3.2, +1.0]`` (not ``P10-P90``)."""
MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
"""Mathtext (``$10^{-1}$``), whose hyphen matplotlib draws as the typographic minus whatever its settings."""


def _typographic(text: str) -> bool:
    """Whether ``text`` draws a typographic minus: written so, or a hyphen in mathtext (an even count of ``$``)."""
    dollars = text.count("$") - text.count(r"\$")
    math = MATH.findall(text) if dollars and dollars % 2 == 0 else []
    return TYPOGRAPHIC_MINUS in text or any("-" in part for part in math)


@pytest.fixture
def drawn() -> Iterator[dict[str, list[str]]]:
    """The texts every figure saved meanwhile draws (tick labels as laid out), by figure."""
    original = Figure.savefig
    texts: dict[str, list[str]] = {}

    def spy(self: Figure, *args: object, **kwargs: object) -> None:
        self.canvas.draw()
        texts[figure_name(self)] = [t.get_text() for t in drawn_texts(self)]
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    Figure.savefig = spy  # type: ignore[method-assign]
    try:
        yield texts
    finally:
        Figure.savefig = original  # type: ignore[method-assign]


def test_every_figure_of_a_run_writes_its_negative_numbers_with_one_minus_sign(
    tmp_path: Path, drawn: dict[str, list[str]]
) -> None:
    result = simulator.run_experiment(simulator.load_experiment(overrides=["runs=3"]), workers=1)
    plot_all(result, tmp_path)
    assert len(drawn) >= 6, sorted(drawn)
    mixed = {name: [t for t in texts if _typographic(t)] for name, texts in drawn.items()}
    assert not any(mixed.values()), {name: found for name, found in mixed.items() if found}
    negatives = [t for texts in drawn.values() for t in texts if NEGATIVE.search(t)]
    assert negatives, "no figure drew a negative number: the check reads nothing"
    differences = next(texts for name, texts in drawn.items() if name.startswith("Difference against the baseline"))
    assert any(NEGATIVE.search(t) for t in differences), differences  # its ticks and labels alike
