"""Every figure is readable on a 16:9 slide: at most 2,400 px wide at 200 dpi, text >= 8 pt, nothing overlaps.

The figures are drawn from a real small run with five scenarios of long names and every
pipeline (the case that broke the old figures: overlapping x-labels, a funnel title over a
panel, a 4,642-pixel-wide utilisation plot) and from the two-scenario synthetic result.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
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


def test_a_long_kpi_name_wraps_inside_its_panel() -> None:
    """plan_check's decision.png cut its third title off: "Contribution (new bookings - the cost of winning the"."""
    from plot_checks import figure_problems

    from simulator.analysis.kpi_names import kpi_axis_label
    from simulator.report.plot_style import grid, panel_title

    titles = ["Primary: " + kpi_axis_label("bookings"), kpi_axis_label("cost_of_sales"), kpi_axis_label("contribution")]
    found = {}
    for wrap in (False, True):
        fig, axes = grid(3, 3, (4.0, 1.6))
        for ax, title in zip(axes, titles, strict=True):
            if wrap:
                panel_title(ax, title)
            else:
                ax.set_title(title, loc="left")
        found[wrap] = figure_problems(fig)
        plt.close(fig)
    assert any("runs off the figure" in problem for problem in found[False]), found[False]
    assert found[True] == []


def test_the_heatmap_and_the_global_sensitivity_figure_fit_a_slide(tmp_path: Path) -> None:
    import pandas as pd

    from simulator.report.plot_heatmap import plot_heatmap
    from simulator.report.plot_tornado import plot_global

    rows = [
        {"job": str(i * 5 + j), "a.b.c.headcount": h, "market.sources.inbound.leads_per_month": n, "scenario": s}
        | {"kpi": "bookings", "mean": 1e6 * (1 + i + j), "ci_low": 0.9e6 * (1 + i + j), "ci_high": 1.1e6 * (1 + i + j)}
        for i, h in enumerate((8, 10, 12, 14, 16))
        for j, n in enumerate((100, 125, 150, 175, 200))
        for s in ("today", "specialists_with_a_long_name")
    ]
    table = pd.DataFrame(rows)
    morris = pd.DataFrame(
        {
            "parameter": [f"pipelines.retention.renewal.stages.{i}.effort_hours.mean" for i in range(6)],
            "mu_star": [6e5, 3e5, 1e5, 5e4, 1e4, 0.0],
            "mu_star_ci_low": [5e5, 2e5, 5e4, 0.0, 0.0, 0.0],
            "mu_star_ci_high": [7e5, 4e5, 1.5e5, 1e5, 2e4, 0.0],
        }
    )
    problems: list[str] = []
    with collect(problems, []):
        heatmap = plot_heatmap(
            table,
            "bookings",
            ["a.b.c.headcount", "market.sources.inbound.leads_per_month"],
            ["today", "specialists_with_a_long_name"],
            tmp_path,
            {"specialists_with_a_long_name": {"a.b.c.headcount": "a.b.c.headcount=14"}},  # its own value ran: said
        )
        plot_global(morris.assign(floor=2e4), "morris", "bookings", tmp_path)
    assert not problems, "\n".join(problems)
    assert Image.open(heatmap).size[0] <= MAX_WIDTH_PX


def test_a_legend_inside_a_panel_covers_none_of_its_data(
    five_scenario_result: ExperimentResult, tmp_path: Path
) -> None:
    """The checks see a legend over a panel's points; the decision figure's target legend sat at the lower
    right, over the last scenario's dot when a KPI where lower is better put the worst, highest, mean there."""
    import dataclasses

    from plot_checks import figure_problems

    from simulator.analysis.answer import answer
    from simulator.config.decision import DecisionRule, DecisionSettings
    from simulator.report.plot_decision import plot_decision

    fig, ax = plt.subplots(figsize=(6, 3), dpi=200)
    ax.scatter([0.0, 1.0, 9.6, 9.8], [5.0, 4.0, 0.2, 0.4], label="trial")
    ax.axvline(9.0, linestyle="--", label="budget")  # a line across the panel is no data point
    ax.legend(loc="lower right")
    problems = figure_problems(fig)
    plt.close(fig)
    assert any("legend of panel" in p and "covers 2 of its data points" in p for p in problems), problems

    for result, primary in ((make_result(runs=30), "cycle_time_days_p50"), (five_scenario_result, "cost_of_sales")):
        decision = DecisionSettings(primary=primary, rule=DecisionRule(target=1.0))
        result = dataclasses.replace(result, experiment=dataclasses.replace(result.experiment, decision=decision))
        found: list[str] = []
        with collect(found, []):
            plot_decision(result, answer(result), tmp_path)
        assert not found, "\n".join(found)


def test_every_decision_panel_has_values_to_read_its_dots_by(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """plan_check's cost-of-sales panel showed $3.75M and $3.90M alone: today's dot at $3.66M had no value near it."""
    import dataclasses

    import numpy as np
    from reporting_fixtures import BASELINE, CHALLENGER

    from simulator.analysis.answer import answer
    from simulator.analysis.comparison import compare
    from simulator.analysis.statistics import summarise
    from simulator.config.decision import DecisionRule, DecisionSettings
    from simulator.report import plot_decision as module

    result = make_result(runs=40)
    runs = result.replications.copy()
    costs = np.where(runs["scenario"] == CHALLENGER, 3_960_000.0, 3_660_000.0)
    runs["cost_of_sales"] = costs + 160_000.0 * np.sin(runs["replication"] * 1.7)  # a view of $3.61M to $4.02M
    decision = DecisionSettings(
        primary="win_rate", guardrails=["cost_of_sales", "bookings"], rule=DecisionRule(target=0.8)
    )
    experiment = dataclasses.replace(result.experiment, decision=decision)
    result = dataclasses.replace(
        result, experiment=experiment, replications=runs, summary=summarise(runs), comparison=compare(runs, BASELINE)
    )
    drawn: list[plt.Figure] = []

    def keep(fig: plt.Figure, path: Path) -> Path:
        drawn.append(fig)
        return path

    monkeypatch.setattr(module, "save_figure", keep)
    module.plot_decision(result, answer(result), tmp_path)
    (fig,) = drawn
    fig.canvas.draw()
    for ax in fig.axes:
        low, high = ax.get_xlim()
        shown = [t for t in ax.get_xticks() if low <= t <= high]
        assert len(shown) >= 3, (ax.get_title(), shown, (low, high))
    plt.close(fig)
