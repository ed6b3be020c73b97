"""Every figure is readable on a 16:9 slide: at most 2,400 px wide at 200 dpi, text >= 8 pt, nothing overlaps.

The figures are drawn from a real small run with five scenarios of long names and every
pipeline (the case that broke the old figures: overlapping x-labels, a funnel title over a
panel, a 4,642-pixel-wide utilisation plot) and from the two-scenario synthetic result.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from PIL import Image
from plot_checks import MAX_WIDTH_PX, collect
from reporting_fixtures import make_result

from simulator.report.plots import plot_all
from simulator.run.experiment import ExperimentResult

EXPECTED = {"decision", "paired_differences", "kpi_distributions", "bookings_fan", "funnel", "utilisation"}


def _check(result: ExperimentResult, out: Path) -> list[Path]:
    problems: list[str] = []
    saved: list[str] = []
    with collect(problems, saved):
        paths = plot_all(result, out)
    assert not problems, "\n".join(problems)
    assert len(saved) == len(paths)
    for path in paths:
        width, height = Image.open(path).size
        assert width <= MAX_WIDTH_PX, (path.name, width)
        assert width >= 1000 and height >= 400, (path.name, width, height)  # drawn at 200 dpi, not a thumbnail
    assert plt.get_fignums() == []
    return paths


def test_every_figure_of_a_five_scenario_run_fits_a_slide(
    five_scenario_result: ExperimentResult, tmp_path: Path
) -> None:
    paths = _check(five_scenario_result, tmp_path)
    assert {p.stem for p in paths} >= EXPECTED


def test_every_figure_of_a_two_scenario_result_fits_a_slide(tmp_path: Path) -> None:
    paths = _check(make_result(runs=30), tmp_path)
    assert {p.stem for p in paths} >= EXPECTED


def test_the_checks_catch_what_they_look_for() -> None:
    """A figure with 6-point text and overlapping tick labels fails the checks."""
    from plot_checks import figure_problems

    fig, ax = plt.subplots(figsize=(13, 2), dpi=200)
    ax.set_xticks(range(20), [f"a long scenario name {i}" for i in range(20)])
    ax.set_title("tiny", fontsize=6)
    problems = figure_problems(fig)
    plt.close(fig)
    assert any("6" in p and "pt" in p for p in problems)
    assert any("tick labels" in p for p in problems)
    assert any("px wide" in p for p in problems)
