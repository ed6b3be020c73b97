"""Figures checked against what a reader needs: legible text, legends off the data, axes in range, marks explained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure
from plot_checks import collect

from simulator.report import backtest_report

# the back-test of crm-maven as of 2017-06-30 and 2017-09-30, 20 runs: its monthly bookings
BACKTEST_BOOKINGS = [
    ("2017-06-30", "2017-07", 696932, 328152, 797977, 955144, True),
    ("2017-06-30", "2017-08", 1050059, 936483, 1139037, 1264847, True),
    ("2017-06-30", "2017-09", 1235264, 1095647, 1300916, 1742234, True),
    ("2017-06-30", "2017-10", 731980, 386296, 875108, 1150836, True),
    ("2017-06-30", "2017-11", 938943, 947362, 1157863, 1293873, False),
    ("2017-06-30", "2017-12", 1131573, 1146504, 1451319, 1873880, False),
    ("2017-09-30", "2017-10", 731980, 567238, 814426, 979911, True),
    ("2017-09-30", "2017-11", 938943, 904765, 1032317, 1167401, True),
    ("2017-09-30", "2017-12", 1131573, 953600, 1126344, 1384941, True),
]


def backtest_table() -> pd.DataFrame:
    columns = ["origin", "period", "actual", "p10", "p50", "p90", "inside_p10_p90"]
    return pd.DataFrame(BACKTEST_BOOKINGS, columns=columns).assign(kpi="bookings", period_kind="month")


def test_the_backtest_fan_chart_is_readable_on_a_slide(tmp_path: Path) -> None:
    """Its legend had been set in 7-point type, under the 8 points every other figure keeps to."""
    problems: list[str] = []
    with collect(problems, []):
        backtest_report.fan_chart(backtest_table(), "bookings", tmp_path / "fan_bookings.png")
    assert not problems, "\n".join(problems)


# the Morris screening of the default experiment's baseline on bookings (4 trajectories, 2 runs a point)
MORRIS = pd.DataFrame(
    {
        "parameter": [
            "org.teams.full_cycle.hours_per_day",
            "org.teams.full_cycle.headcount",
            "pipeline.stages.1.conversion",
        ],
        "mu_star": [1323629.0, 1191880.0, 770041.0],
        "mu_star_ci_low": [853167.0, 879190.0, 392114.0],
        "mu_star_ci_high": [1794091.0, 1504571.0, 1147967.0],
        "floor": [744451.0, 1224374.0, 1286698.0],
    }
)


def test_the_global_figures_legend_covers_no_lever_and_no_noise_floor(tmp_path: Path) -> None:
    """Its legend, placed 'best' inside the panel, had covered the first lever's noise floor at $744k."""
    from simulator.report.plot_tornado import plot_global

    problems: list[str] = []
    with collect(problems, []):
        plot_global(MORRIS, "morris", "bookings", tmp_path)
    assert not problems, "\n".join(problems)


def _drawn_ticks(path: Path, fig_axes: list[Any]) -> dict[str, list[float]]:
    """Each panel's drawn x tick values (inside the view), by its title."""
    found: dict[str, list[float]] = {}
    for ax in fig_axes:
        low, high = sorted(ax.get_xlim())
        ticks = [float(t) for t in ax.get_xticks() if low - 1e-12 <= t <= high + 1e-12]
        found[ax.get_title(loc="left")] = ticks
    return found


def test_a_panel_never_reads_a_count_below_zero_or_a_share_past_its_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A calibrated company's forecast leaks no lead in any run: its panel of leaked leads had read
    -0.050, -0.025, 0.000, 0.025, 0.050 under a count; a share at 100% in every run read past 100%."""
    from simulator.report import plots

    seen: dict[str, list[float]] = {}

    def keep(fig: Figure, path: Path) -> Path:
        fig.canvas.draw()
        seen.update(_drawn_ticks(path, [ax for ax in fig.axes if ax.get_visible() and ax.axison]))
        plt.close(fig)
        return path

    monkeypatch.setattr(plots, "save_figure", keep)
    runs = pd.DataFrame(
        {
            "scenario": ["as_is"] * 40,
            "deals_lost_leaked": [0.0] * 40,
            "win_rate": [1.0] * 40,
            "deals_won": [float(1100 + 10 * i) for i in range(40)],
        }
    )
    plots.plot_kpi_distributions(runs, ["deals_lost_leaked", "win_rate", "deals_won"], tmp_path)
    leaked = next(ticks for title, ticks in seen.items() if title.startswith("Lost: leaked"))
    rate = next(ticks for title, ticks in seen.items() if title.startswith("Win rate"))
    assert leaked and min(leaked) >= 0.0 and all(t == int(t) for t in leaked), leaked
    assert rate and max(rate) <= 1.0 + 1e-12, rate


def test_a_decision_panel_of_a_count_at_zero_reads_whole_numbers_from_zero() -> None:
    """The decision figure's panels share the rule: a mean of 0 leaks with its CI of 0 to 0.037 (the forecast's)."""
    from simulator.report.plot_style import value_axis

    fig, ax = plt.subplots()
    ax.errorbar(0.0, 0, xerr=[[0.0], [0.037]], fmt="o")
    value_axis(ax, "deals_lost_leaked", "x", nbins=4)
    fig.canvas.draw()
    ticks = _drawn_ticks(Path("decision.png"), [ax])[""]
    plt.close(fig)
    assert ticks and min(ticks) == 0.0 and all(t == int(t) for t in ticks), ticks


def test_the_decision_figure_and_its_caption_say_what_the_dotted_line_and_the_bold_name_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every panel drew the baseline's mean as a dotted line and the chosen scenario in bold, said nowhere:
    neither a legend entry nor the caption in report.md and report.html."""
    from reporting_fixtures import BASELINE, make_result

    from simulator.analysis.answer import answer
    from simulator.report import plot_decision as module
    from simulator.report.markdown import FIGURE_TITLES

    legends: list[list[str]] = []

    def keep(fig: Figure, path: Path) -> Path:
        legends.extend([t.get_text() for t in legend.get_texts()] for legend in fig.legends)
        plt.close(fig)
        return path

    monkeypatch.setattr(module, "save_figure", keep)
    result = make_result(runs=30)
    module.plot_decision(result, answer(result), tmp_path)
    said = [text for entries in legends for text in entries]
    assert any("dotted" in t or BASELINE in t for t in said), said
    assert any("bold" in t for t in said), said
    caption = FIGURE_TITLES["decision"][1]
    assert "dotted" in caption and "bold" in caption, caption


def test_the_warmup_figure_and_its_words_say_what_a_grey_truncation_line_is(tmp_path: Path) -> None:
    """plan_check's study drew Customer book's and Ramped FTE's truncations grey, as not counting, beside red
    ones; the one legend (on the first panel) named a single "MSER-5 truncation", and warmup.md said nothing."""
    import numpy as np

    from simulator.analysis.warmup import Truncation
    from simulator.analysis.warmup_study import WarmupStudy
    from simulator.report.warmup_report import plot_warmup, warmup_markdown

    days = np.arange(750, dtype=np.float64)
    means = {
        "open_pipeline": 64.5 * (1.0 - np.exp(-days / 8.0)),
        "customers_active": 1050.0 + 0.02 * days,
        "ramped_fte": np.full(750, 22.8),
    }
    found = [
        Truncation("open_pipeline", 25, True, 64.5),
        Truncation("customers_active", 300, True, 1065.7, material=False),
        Truncation("ramped_fte", 0, True, 22.8, material=False),
    ]
    study = WarmupStudy("today", 10, means, found, 167.0, 20.8)
    legends: list[str] = []
    problems: list[str] = []
    with collect(problems, []):
        checked = Figure.savefig  # collect's: it checks the figure, then writes it

        def keep(fig: Figure, *args: Any, **kwargs: Any) -> None:
            boxes = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
            legends.extend(t.get_text() for legend in boxes for t in legend.get_texts())
            checked(fig, *args, **kwargs)

        Figure.savefig = keep  # type: ignore[method-assign]
        try:
            plot_warmup(study, tmp_path / "warmup.png")
        finally:
            Figure.savefig = checked  # type: ignore[method-assign]
    assert not problems, "\n".join(problems)
    assert any("counts" in t for t in legends) and any("too small" in t for t in legends), legends
    assert "grey" in warmup_markdown(study), warmup_markdown(study)


def test_the_utilisation_legend_names_idle_time_work_only_where_a_bar_has_some(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The calibrated crm-maven forecast's three offices neither prospect nor recruit partners: the legend
    still had the hatched 'prospecting or partner work (idle time)' entry beside no hatched bar."""
    from simulator.report import plot_utilisation as module

    legends: list[str] = []

    def keep(fig: Figure, path: Path) -> Path:
        legends.extend(t.get_text() for legend in fig.legends for t in legend.get_texts())
        plt.close(fig)
        return path

    monkeypatch.setattr(module, "save_figure", keep)
    offices = {
        f"utilisation_{team}{part}": [load + 0.01 * (i % 3) if part in ("", "_sales") else 0.0 for i in range(20)]
        for team, load in (("Central", 0.245), ("East", 0.17), ("West", 0.221))
        for part in ("", "_sales", "_prospecting", "_partner", "_renewal", "_expansion")
    }
    module.plot_utilisation(pd.DataFrame({"scenario": "as_is", "replication": range(20)} | offices), tmp_path)
    assert legends and not any("idle time" in t for t in legends), legends
    legends.clear()
    prospecting = {
        "utilisation_full_cycle": [1.0] * 20,
        "utilisation_full_cycle_sales": [0.7] * 20,
        "utilisation_full_cycle_prospecting": [0.3] * 20,
    }
    module.plot_utilisation(pd.DataFrame({"scenario": "today", "replication": range(20)} | prospecting), tmp_path)
    assert any("idle time" in t for t in legends), legends


def test_the_bookings_fan_caption_says_what_the_dashed_plan_line_is(tmp_path: Path) -> None:
    """plan_check's fan draws the $4.00M plan as a dashed line; its caption said only "median run and the
    P10-P90 band"."""
    import dataclasses

    from reporting_fixtures import make_result

    from simulator.report.document import _key_numbers_section as key_numbers_section

    result = make_result(runs=30)
    plan = pd.DataFrame(
        [
            {"scenario": s, "kpi": "plan_target", "n": 30, "mean": 4e6, "ci_low": 4e6, "ci_high": 4e6}
            for s in result.summary["scenario"].unique()
        ]
    )
    planned = dataclasses.replace(result, summary=pd.concat([result.summary, plan], ignore_index=True))
    figures = {"bookings_fan": tmp_path / "bookings_fan.png"}
    with_plan = "\n".join(key_numbers_section(planned, tmp_path, figures))
    without = "\n".join(key_numbers_section(result, tmp_path, figures))
    assert "dashed line is the plan, $4.00M" in with_plan, with_plan
    assert "dashed line" not in without, without


def test_each_decision_panel_says_which_way_is_better(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guardrail panels (cost of sales, median cycle, leaked leads: lower is better) drew the dots with
    nothing to say whether left or right was better; only the primary panel's order said so."""
    import dataclasses

    from reporting_fixtures import make_result

    from simulator.analysis.answer import answer
    from simulator.config.decision import DecisionSettings
    from simulator.report import plot_decision as module

    titles: list[str] = []

    def keep(fig: Figure, path: Path) -> Path:
        titles.extend(" ".join(ax.get_title(loc="left").split()) for ax in fig.axes if ax.get_visible())
        plt.close(fig)
        return path

    monkeypatch.setattr(module, "save_figure", keep)
    result = make_result(runs=30)
    decision = DecisionSettings(primary="bookings", guardrails=["cycle_time_days_p50", "deals_lost_leaked"])
    result = dataclasses.replace(result, experiment=dataclasses.replace(result.experiment, decision=decision))
    module.plot_decision(result, answer(result), tmp_path)
    by_kpi = {t.split(" (")[0].removeprefix("Primary: "): t for t in titles}
    assert set(by_kpi) >= {"Bookings", "Lost: leaked", "Median sales cycle"}, titles
    assert "lower is better" in by_kpi["Lost: leaked"], titles
    assert "lower is better" in by_kpi["Median sales cycle"], titles
    assert "higher is better" in by_kpi["Bookings"], titles


def test_the_forest_writes_its_percent_ticks_as_its_labels_and_its_points_panels_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hiring_plan's forest read '-10.0%', '0.0%', '10.0%' under rows labelled '+8.7%', and '+2 pts' in the
    rate panels below: the % ticks now carry their sign and no decimals they do not need ('-10%', '0%', '+10%')."""
    from simulator.report import plot_differences as module

    ticks: list[list[str]] = []

    def keep(fig: Figure, path: Path) -> Path:
        fig.canvas.draw()
        for ax in fig.axes:
            low, high = sorted(ax.get_xlim())
            shown = [(t.get_position()[0], t.get_text()) for t in ax.get_xticklabels()]
            ticks.append([text for x, text in shown if low <= x <= high and text])
        plt.close(fig)
        return path

    monkeypatch.setattr(module, "save_figure", keep)
    rows = [
        ("bookings", 361230.0, 244993.0, 477468.0, 0.087, 0.0589, 0.1156, True, 1),
        ("cost_of_sales", 220167.0, 210537.0, 229796.0, 0.0537, 0.0514, 0.0561, True, -1),
        ("deals_lost_leaked", -14.6, -17.68, -11.52, -0.2212, -0.2616, -0.1796, True, -1),
        ("win_rate", -0.0046, -0.0082, -0.0011, -0.0193, -0.0337, -0.0046, True, 1),
    ]
    columns = ["kpi", "mean_diff", "ci_low", "ci_high", "relative_diff", "relative_ci_low", "relative_ci_high"]
    comparison = pd.DataFrame(rows, columns=[*columns, "significant", "direction"]).assign(
        scenario="all_in_january", baseline="spread_evenly", share_better=0.7, share_worse=0.3
    )
    module.plot_paired_differences(comparison, ["bookings", "cost_of_sales", "deals_lost_leaked", "win_rate"], tmp_path)
    percent = [t for panel in ticks for t in panel if t.endswith("%")]
    assert percent, ticks
    assert all(t.startswith(("+", "-")) or t == "0%" for t in percent), percent
    assert not any(t.endswith(".0%") for t in percent), percent


def test_the_quota_figures_caption_says_so_when_no_rep_carries_a_quota(tmp_path: Path) -> None:
    """A calibrated company (quota 0 for its agents) gets the figure "No rep carries a bookings quota"; the
    report's caption under it had still described a histogram of reps by attainment."""
    from simulator.report.plan_section import _cost_section

    def summary(at_quota: float) -> pd.DataFrame:
        rows = [("cost_of_sales", 1674643.0), ("reps_at_quota_share", at_quota), ("quota_attainment_p50", at_quota)]
        return pd.DataFrame(
            [{"scenario": "as_is", "kpi": k, "n": 100, "mean": m, "ci_low": m, "ci_high": m} for k, m in rows]
        )

    figure = tmp_path / "quota_attainment.png"
    without = "\n".join(_cost_section(summary(float("nan")), ["as_is"], tmp_path, figure))
    assert "Share of reps by attainment" not in without and "No rep carries a bookings quota" in without, without
    carried = "\n".join(_cost_section(summary(0.25), ["as_is"], tmp_path, figure))
    assert "Share of reps by attainment" in carried, carried
