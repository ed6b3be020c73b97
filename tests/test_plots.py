"""Tests for :mod:`simulator.report.plots`: every figure is written as a PNG and closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from reporting_fixtures import BASELINE, STAGES, make_result

from simulator.report.markdown import FIGURE_TITLES
from simulator.report.plots import (
    plot_all,
    plot_bookings_fan,
    plot_funnel,
    plot_kpi_distributions,
    plot_paired_differences,
    plot_utilisation,
)
from simulator.run.experiment import ExperimentResult

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result() -> ExperimentResult:
    return make_result(runs=30)


def _assert_png(path: Path, out_dir: Path) -> None:
    assert path.parent == out_dir
    assert path.suffix == ".png"
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert path.stat().st_size > 5_000
    assert not [p for p in out_dir.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert plt.get_fignums() == []


def test_funnel(result: ExperimentResult, tmp_path: Path) -> None:
    _assert_png(plot_funnel(result.summary, STAGES, tmp_path, BASELINE), tmp_path)


def test_kpi_distributions_skip_unknown_kpis(result: ExperimentResult, tmp_path: Path) -> None:
    path = plot_kpi_distributions(result.replications, ["bookings", "utilisation_sdr", "not_a_kpi"], tmp_path)
    _assert_png(path, tmp_path)


def test_kpi_distributions_default_kpis(result: ExperimentResult, tmp_path: Path) -> None:
    _assert_png(plot_kpi_distributions(result.replications, None, tmp_path, BASELINE), tmp_path)


def test_paired_differences(result: ExperimentResult, tmp_path: Path) -> None:
    _assert_png(plot_paired_differences(result.comparison, None, tmp_path), tmp_path)


def test_paired_differences_with_nothing_to_compare(tmp_path: Path) -> None:
    empty = pd.DataFrame(columns=["scenario", "baseline", "kpi"])
    _assert_png(plot_paired_differences(empty, None, tmp_path), tmp_path)


def test_bookings_fan(result: ExperimentResult, tmp_path: Path) -> None:
    _assert_png(plot_bookings_fan(result.monthly, tmp_path, BASELINE), tmp_path)


def test_utilisation(result: ExperimentResult, tmp_path: Path) -> None:
    _assert_png(plot_utilisation(result.replications, tmp_path, BASELINE), tmp_path)


def test_plot_all_writes_six_pngs_and_overwrites(result: ExperimentResult, tmp_path: Path) -> None:
    first = plot_all(result, tmp_path)
    second = plot_all(result, tmp_path)
    assert first == second
    assert [p.name for p in first] == [
        "decision.png",
        "paired_differences.png",
        "kpi_distributions.png",
        "bookings_fan.png",
        "funnel.png",
        "utilisation.png",
    ]
    for path in first:
        _assert_png(path, tmp_path)


def test_figure_closed_even_when_saving_fails(result: ExperimentResult, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OSError):
        plot_utilisation(result.replications, blocker, BASELINE)
    assert plt.get_fignums() == []


def test_forest_plot_shares_one_linear_scale_that_a_huge_change_does_not_flatten(
    five_scenario_result: ExperimentResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.report import plot_differences
    from simulator.report.plot_differences import forest_reach

    def rows(diffs: list[float]) -> pd.DataFrame:
        relative = [d / 100.0 for d in diffs]
        return pd.DataFrame({"relative_diff": relative, "relative_ci_low": relative, "relative_ci_high": relative})

    # 20 typical changes of a few % and one of +2,500%: the scale follows the typical ones
    typical = [2.0, -3.0, 5.0, -4.0, 1.0, 3.0, -2.0, 4.0, -5.0, 2.5] * 2
    assert forest_reach(rows([*typical, 2500.0])) < 10.0
    assert forest_reach(rows([1.0, -0.5])) == 2.0  # never narrower than +-2%

    seen: list[tuple[str, tuple[float, float], bool]] = []

    def keep(fig: plt.Figure, path: Path) -> Path:
        # four scenarios' amounts (as % of the baseline), then their rates (the win rate, in points)
        for first, panels in ((fig.axes[0], fig.axes[:4]), (fig.axes[4], fig.axes[4:])):
            seen.extend(
                (ax.get_xscale(), ax.get_xlim(), ax is first or ax.get_shared_x_axes().joined(ax, first))
                for ax in panels
            )
        plt.close(fig)
        return path

    monkeypatch.setattr(plot_differences, "save_figure", keep)
    plot_differences.plot_paired_differences(five_scenario_result.comparison, None, tmp_path)
    assert len(seen) == 8 and all(scale == "linear" and shared for scale, _, shared in seen)
    assert len({limits for _, limits, _ in seen[:4]}) == 1 and len({limits for _, limits, _ in seen[4:]}) == 1


@pytest.mark.parametrize(("volumes", "scale"), [((1000.0, 400.0, 90.0), "linear"), ((5000.0, 400.0, 12.0), "log")])
def test_funnel_axis_turns_logarithmic_when_pipelines_differ_in_volume(
    volumes: tuple[float, ...], scale: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.report import plot_funnel as plots

    stages = ["research", "discovery", "partner_onboard"]
    rows = [{"scenario": "a", "kpi": f"stage_entries_{s}", "mean": v} for s, v in zip(stages, volumes, strict=True)]
    seen: list[str] = []

    def keep_scale(fig: plt.Figure, path: Path) -> Path:
        seen.append(fig.axes[0].get_xscale())
        plt.close(fig)
        return path

    monkeypatch.setattr(plots, "save_figure", keep_scale)
    plots.plot_funnel(pd.DataFrame(rows), stages, tmp_path, "a")
    assert seen == [scale]


def test_funnel_ticks_write_thousands_as_its_bar_labels_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The axis read "1000" and "2000" beside bar labels "2,419": one way of writing a count in one figure."""
    from simulator.report import plot_funnel as plots

    stages = ["discovery", "close"]
    rows = [
        {"scenario": "a", "kpi": f"stage_entries_{s}", "mean": v} for s, v in zip(stages, (2419.0, 900.0), strict=True)
    ]
    ticks: list[str] = []

    def keep(fig: plt.Figure, path: Path) -> Path:
        fig.canvas.draw()
        ticks.extend(t.get_text() for t in fig.axes[0].get_xticklabels())
        plt.close(fig)
        return path

    monkeypatch.setattr(plots, "save_figure", keep)
    plots.plot_funnel(pd.DataFrame(rows), stages, tmp_path, "a")
    big = [t for t in ticks if len(t.replace(",", "")) >= 4]
    assert big and all("," in t for t in big), ticks


def test_funnel_groups_stages_by_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.report import plot_funnel

    groups = [("sales", ["discovery", "close"]), ("prospecting", ["research", "conversation"]), ("partner", ["x"])]
    rows = [
        {"scenario": "a", "kpi": f"stage_entries_{s}", "mean": 100.0 - 10 * i}
        for i, s in enumerate(["discovery", "close", "research", "conversation"])
    ]
    titles: list[list[str]] = []

    def keep(fig: plt.Figure, path: Path) -> Path:
        titles.append([ax.get_title(loc="left") for ax in fig.axes])
        plt.close(fig)
        return path

    monkeypatch.setattr(plot_funnel, "save_figure", keep)
    plot_funnel.plot_funnel(pd.DataFrame(rows), groups, tmp_path, "a")
    # one panel per pipeline with stages (partner has none here), each titled with its pipeline
    assert titles == [["New business", "Prospecting (accounts worked into meetings)"]]


def test_funnel_labels_say_the_conversion_is_of_the_decided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A calibrated company's bar read "2,451 · 64% convert": 64% was won over decided (1,330 of 2,066), not over
    the 2,451 entering (54%)."""
    from simulator.report import plot_funnel

    groups = [("sales", ["qualify", "opportunity"]), ("prospecting", ["research", "conversation"])]
    means = {
        "qualify": (3000.0, 0.8),
        "opportunity": (2419.0, 0.644),
        "research": (500.0, 0.3),
        "conversation": (90.0, 0.5),
    }
    rows = [
        {"scenario": "a", "kpi": f"{kind}_{s}", "mean": v}
        for s, (entries, rate) in means.items()
        for kind, v in (("stage_entries", entries), ("stage_conversion", rate))
    ]
    texts: list[str] = []

    def keep(fig: plt.Figure, path: Path) -> Path:
        texts.extend(t.get_text() for ax in fig.axes for t in ax.texts)
        plt.close(fig)
        return path

    monkeypatch.setattr(plot_funnel, "save_figure", keep)
    plot_funnel.plot_funnel(pd.DataFrame(rows), groups, tmp_path, "a")
    assert texts == [
        "3,000 · 80% of decided passed",
        "2,419 · 64% of decided won",  # a new-business pipeline's last stage: its passes are wins
        "500 · 30% of decided passed",
        "90 · 50% of decided passed",
    ]
    assert not any("convert" in t for t in texts)
    caption = FIGURE_TITLES["funnel"][1]
    assert "the share of the leads decided at the stage that passed it (won, at the last stage" in caption
    assert "not a share of those entering" in caption


def test_a_rate_lever_tornado_reads_in_percentage_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    from simulator.report import plot_tornado

    kept: list[Figure] = []
    monkeypatch.setattr(plot_tornado, "save_figure", lambda fig, path: kept.append(fig) or Path(path))
    table = pd.DataFrame(
        {
            "parameter": ["a", "b"],
            "kpi": ["win_rate", "win_rate"],
            "low": [1.0, 2.0],
            "base": [1.5, 2.5],
            "high": [2.0, 3.0],
            **{f"{side}_{col}": [v, v / 2] for side, v in (("low", -0.02), ("high", 0.03)) for col in ("diff",)},
            **{f"{side}_ci_low": [v - 0.005, v / 2 - 0.005] for side, v in (("low", -0.02), ("high", 0.03))},
            **{f"{side}_ci_high": [v + 0.005, v / 2 + 0.005] for side, v in (("low", -0.02), ("high", 0.03))},
            "clear": [True, False],
        }
    )
    plot_tornado.plot_tornado(table, tmp_path, 0.2)
    [fig] = kept
    ax = fig.axes[0]
    assert "win rate (percentage points)" in ax.get_xlabel()
    ticks = [ax.xaxis.get_major_formatter()(v, 0) for v in (-0.02, 0.0, 0.03)]
    assert ticks == ["-2.0 pts", "0.0 pts", "+3.0 pts"]
    plt.close(fig)


def test_neighbouring_ticks_never_read_alike_and_read_their_value() -> None:
    """The optimisation figure's axis read "$2.97M" at all seven ticks; a win-rate axis 20/23/25/28/30%."""
    from simulator.report.plot_style import format_difference_axis, value_formatter

    money = value_formatter("bookings")
    assert money is not None
    assert money.format_ticks([2.970e6, 2.972e6, 2.974e6]) == ["$2.970M", "$2.972M", "$2.974M"]
    # no more decimals than a tick's value takes: "$800k", not "$800.0k" beside "$1.00M"
    assert money.format_ticks([0.0, 1e6, 2e6]) == ["$0", "$1M", "$2M"]
    assert money.format_ticks([600e3, 800e3, 1e6, 1.2e6]) == ["$600k", "$800k", "$1.0M", "$1.2M"]
    assert money.format_ticks([2.5e6, 5e6, 7.5e6]) == ["$2.5M", "$5.0M", "$7.5M"]
    assert money.format_ticks([-250e3, 0.0, 250e3]) == ["-$250k", "$0", "$250k"]
    assert money.format_ticks([1.25e9, 1.5e9]) == ["$1.25B", "$1.50B"]
    rate = value_formatter("win_rate")
    assert rate is not None
    assert rate.format_ticks([0.2, 0.225, 0.25]) == ["20.0%", "22.5%", "25.0%"]
    assert rate.format_ticks([0.0, 0.2, 0.4]) == ["0%", "20%", "40%"]
    fig, ax = plt.subplots()
    format_difference_axis(ax, "win_rate")
    points = ax.yaxis.get_major_formatter()
    assert points.format_ticks([-0.001, 0.0, 0.001]) == ["-0.1 pts", "0.0 pts", "+0.1 pts"]
    assert points.format_ticks([0.0, 0.0025, 0.005]) == ["0.00 pts", "+0.25 pts", "+0.50 pts"]
    plt.close(fig)


def test_a_kpi_with_no_relative_difference_reads_its_difference_in_its_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_check's forest plot left the rows of its primary KPI (hitting the plan) and contribution blank."""
    from simulator.report import plot_differences

    def row(kpi: str, diff: float, low: float, high: float, relative: float) -> dict[str, object]:
        return {
            "scenario": "more",
            "baseline": "today",
            "kpi": kpi,
            "mean_diff": diff,
            "ci_low": low,
            "ci_high": high,
            "relative_diff": relative,
            "relative_ci_low": relative - 0.02 if relative == relative else relative,
            "relative_ci_high": relative + 0.02 if relative == relative else relative,
            "share_better": 0.6,
            "share_worse": 0.4,
            "direction": 1,
            "significant": bool(low > 0),
        }

    nan = float("nan")
    comparison = pd.DataFrame(
        [
            row("hit_plan", 0.06, -0.004, 0.124, nan),
            row("contribution", 134_608.0, 38_893.0, 230_323.0, nan),
            row("bookings", 280_742.0, 176_463.0, 385_022.0, 0.067),
        ]
    )
    texts: list[str] = []

    def keep(fig: plt.Figure, path: Path) -> Path:
        texts.extend(t.get_text() for ax in fig.axes for t in ax.texts)
        plt.close(fig)
        return path

    monkeypatch.setattr(plot_differences, "save_figure", keep)
    plot_differences.plot_paired_differences(comparison, ["hit_plan", "contribution", "bookings"], tmp_path)
    assert "+$134.6k (+$38.9k to +$230.3k)" in texts, texts
    assert "+6.7% · better in 60% of runs" in texts
    assert "+6.0 pts · better in 60% of runs" in texts  # a chance is a rate: a dot in points, in its own panel


def _fan_rows() -> list[dict[str, object]]:
    """Five runs of three calendar months, 2028-01 to 2028-03, booking $300k a month."""
    return [
        {"scenario": "today", "replication": r, "month": m, "calendar_month": f"2028-{m + 1:02d}"}
        | {"cumulative_bookings": 300_000.0 * (m + 1) + 10_000.0 * r}
        for r in range(5)
        for m in range(3)
    ]


def test_the_bookings_fan_draws_the_plan_and_labels_the_calendar_months(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_check's fan had no plan line, and read months 1-13 where the window ran 2027-12 to 2028-12."""
    from simulator.report import plots

    rows = _fan_rows()
    seen: list[plt.Figure] = []
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: seen.append(fig) or Path(path))
    plots.plot_bookings_fan(pd.DataFrame(rows), tmp_path, "today", 0, 1_000_000.0)
    (fig,) = seen
    ax = fig.axes[0]
    [plan] = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert plan.get_ydata()[0] == 1_000_000.0 and plan.get_label() == "the plan, $1.00M, by the window's end"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2028-01", "2028-02", "2028-03"]
    assert ax.get_xlabel() == "Month"
    plt.close(fig)


def test_the_bookings_fan_stars_a_part_month_and_gives_its_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_check's fan on a dated calendar began on 2027-12, 11 of its 23 working days inside the window,
    drawn as a month like the others: its low bookings read as a slow start."""
    import simulator
    from simulator.report import plots

    def clock(*overrides: str) -> Any:
        return simulator.load_experiment(overrides=["experiment=plan_check", *overrides]).scenarios[0].config.clock

    assert plots.part_months(clock()) == {}  # the abstract calendar's window: whole months
    dated = clock("clock.start_date=2027-01-01")
    assert plots.part_months(dated) == {0: (11.0, 23.0)}  # 2027-12
    months = dated.calendar().slices("month", dated.warmup_days, dated.horizon_days)
    assert 11.0 + sum(m.length for m in months[1:]) == dated.horizon_days - dated.warmup_days
    rows = _fan_rows()
    seen: list[plt.Figure] = []
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: seen.append(fig) or Path(path))
    plots.plot_bookings_fan(pd.DataFrame(rows), tmp_path, "today", 0, None, {2: (1.0, 21.0), 7: (3.0, 20.0)})
    (fig,) = seen
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2028-01", "2028-02", "2028-03*"]
    assert fig.axes[0].get_xlabel() == (
        "Month\n* part of a month inside the measured window, in working days: 2028-03 (1 of its 21)"
    )
    plt.close(fig)


def _forest_row(kpi: str, relative: float, half: float, better: float, direction: int) -> dict[str, object]:
    """A significant comparison row of ``kpi``: a relative difference and its CI ``relative ± half``."""
    low, high = relative - half, relative + half
    return {"scenario": "more", "baseline": "today", "kpi": kpi, "mean_diff": relative, "ci_low": low} | {
        "ci_high": high,
        "relative_diff": relative,
        "relative_ci_low": low,
        "relative_ci_high": high,
        "share_better": better,
        "share_worse": 1.0 - better,
        "direction": direction,
        "significant": True,
    }


def _forest_of(rows: list[dict[str, object]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> plt.Figure:
    """The paired-differences forest of ``rows``, its figure kept instead of saved."""
    from simulator.report import plot_differences

    kept: list[plt.Figure] = []
    monkeypatch.setattr(plot_differences, "save_figure", lambda fig, path: kept.append(fig) or Path(path))
    plot_differences.plot_paired_differences(pd.DataFrame(rows), [str(r["kpi"]) for r in rows], tmp_path)
    (fig,) = kept
    return fig


def test_a_ci_past_the_forest_s_scale_ends_in_a_tip_at_the_edge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leaked leads at -23.0% (CI -25.8% to -20.2%) had a whisker cut at the edge with no mark."""

    def row(kpi: str, relative: float, half: float) -> dict[str, object]:
        return _forest_row(kpi, relative, half, better=0.6, direction=1)

    rows = [row(f"k{i}", 0.05 + 0.002 * i, 0.01) for i in range(9)] + [row("deals_lost_leaked", -0.23, 0.028)]
    fig = _forest_of(rows, tmp_path, monkeypatch)
    ax = fig.axes[0]
    reach = ax.get_xlim()[1]
    assert reach < 25.8
    tips = [line for line in ax.get_lines() if line.get_marker() == "<" and line.get_markersize() == 4]
    assert len(tips) == 1 and tips[0].get_ydata()[0] == 9 and tips[0].get_xdata()[0] == -reach  # leaked leads
    plt.close(fig)


def test_a_ci_wholly_past_one_edge_of_the_forest_s_scale_has_no_tip_at_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """org_structures' specialists: leaked leads +183% (CI +150% to +217%), wholly past the right edge of a
    +-140% scale, had a tip drawn at the left edge too, as if the CI reached large falls."""

    def row(kpi: str, relative: float, half: float) -> dict[str, object]:
        return _forest_row(kpi, relative, half, better=0.1, direction=-1)

    rows = [row(f"k{i}", 0.05 + 0.002 * i, 0.01) for i in range(20)]
    rows += [row("deals_lost_leaked", 1.83, 0.33), row("deals_won", -0.9, 0.05)]  # past the right; past the left
    fig = _forest_of(rows, tmp_path, monkeypatch)
    ax = fig.axes[0]
    reach = ax.get_xlim()[1]
    assert reach < 85.0
    tips = {
        (int(line.get_ydata()[0]), line.get_marker(), float(line.get_xdata()[0]))
        for line in ax.get_lines()
        if line.get_marker() in ("<", ">") and line.get_markersize() == 4
    }
    assert tips == {(20, ">", reach), (21, "<", -reach)}, tips  # each beyond one edge only: one tip, at that edge
    plt.close(fig)


def test_a_rate_s_change_reads_in_points_on_the_forest_as_in_the_answer_s_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Net revenue retention read "+1.2 points" in the answer and "+1.2%" (of 101%) on the forest plot beside it."""
    nrr = _forest_row("net_revenue_retention", 0.0119, 0.004, better=0.7, direction=1)
    nrr |= {"mean_diff": 0.012, "ci_low": 0.008, "ci_high": 0.016}  # points: 101.0% -> 102.2%
    win = (
        _forest_row("win_rate", 0.25, 0.1, better=0.8, direction=1)
        | {"mean_diff": 0.05, "ci_low": 0.03}
        | {"ci_high": 0.07}
    )
    rows = [_forest_row("bookings", 0.067, 0.02, better=0.6, direction=1), nrr, win]
    fig = _forest_of(rows, tmp_path, monkeypatch)
    amounts, rates = fig.axes
    assert [t.get_text() for t in amounts.get_yticklabels()] == ["Bookings"]
    assert [t.get_text() for t in rates.get_yticklabels()] == ["Net revenue retention", "Win rate"]
    notes = [t.get_text() for t in rates.texts]
    assert notes == ["+1.2 pts · better in 70% of runs", "+5.0 pts · better in 80% of runs"], notes
    assert [t.get_text() for t in amounts.texts] == ["+6.7% · better in 60% of runs"]
    assert "percentage points" in rates.get_xlabel() and "% of today's mean" in amounts.get_xlabel()
    dots = [line.get_xdata()[0] for line in rates.get_lines() if line.get_marker() == "o"]
    assert dots == pytest.approx([1.2, 5.0])  # the dots sit at the points, not at +1.2% and +25%
    ticks = rates.xaxis.get_major_formatter().format_ticks([-2.0, 0.0, 2.5])
    assert ticks[1:] == ["0.0 pts", "+2.5 pts"] and ticks[0] == "-2.0 pts"
    plt.close(fig)


def test_a_funnel_leak_under_one_a_run_reads_its_figure_not_zero() -> None:
    """solution_engineers' evaluation bar read "418 · 57% of decided passed · 0 leak" for 0.03 leaked a run, where
    the other scenario's bar, with none, said nothing of leaks."""
    from simulator.report.plot_funnel import _label

    assert _label(418.0, 0.57, 0.03) == "418 · 57% of decided passed · 0.03 leak"
    assert _label(222.0, 0.68, 2.0) == "222 · 68% of decided passed · 2 leak"
    assert _label(408.0, 0.57, 0.0) == "408 · 57% of decided passed"


def test_the_attainment_legend_gives_the_share_at_quota_the_tables_give() -> None:
    """solution_engineers' legend read "27% at quota" and "36%" (every rep of every run pooled) beside the tables'
    "Reps at quota 26.3%" and "35.2%" (the runs' shares averaged): one figure, two values."""
    import dataclasses

    import numpy as np
    from reporting_fixtures import BASELINE, make_result

    from simulator.analysis.statistics import summarise
    from simulator.report.plot_attainment import _at_quota

    result = make_result(runs=10)
    runs = result.replications.assign(reps_at_quota_share=[0.2, 0.3] * 10)
    result = dataclasses.replace(result, replications=runs, summary=summarise(runs))
    pooled = np.array([0.5, 1.2, 0.9, 1.0])  # half at quota
    assert _at_quota(result, BASELINE, pooled) == pytest.approx(0.25)
    without = dataclasses.replace(result, summary=summarise(result.replications.drop(columns="reps_at_quota_share")))
    assert _at_quota(without, BASELINE, pooled) == pytest.approx(0.5)
