"""A team's reserved prospecting hours are not idle time: its load is over the selling time they leave.

prospecting_time's AEs with 6 hours a week blocked (a third of their 18 selling hours) spent
61% of their selling time on deals while 53% of the leads reaching them leaked waiting; the
answer read "the busiest team is the CSM team, busy 75.3% ...: no team is overloaded" and
"prospecting fills the time its queued work leaves".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.analysis.attribution import _why_prospecting
from simulator.analysis.conclusions import bottleneck_sentence
from simulator.analysis.tables import scenario_names
from simulator.analysis.utilisation import reserved_shares, team_loads
from simulator.analysis.wording import team_label
from simulator.config.org import TeamConfig
from tests.scenarios import shipped


def _runs(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    sales = 0.612 + rng.normal(0.0, 0.01, n)
    prospecting = 0.385 + rng.normal(0.0, 0.005, n)
    csm = 0.753 + rng.normal(0.0, 0.01, n)
    return pd.DataFrame(
        {
            "scenario": "blocks_6h",
            "replication": np.arange(n),
            "utilisation_ae": sales + prospecting,
            "utilisation_ae_sales": sales,
            "utilisation_ae_prospecting": prospecting,
            "utilisation_csm": csm,
            "utilisation_csm_renewal": csm,
        }
    )


def test_the_reserved_share_is_of_the_team_s_selling_hours() -> None:
    ae = dict(shipped("specialist")["org"]["teams"]["ae"])
    ae["time_allocation"] = {**ae["time_allocation"], "reserved_hours_per_week": {"prospecting": 6}}
    shares = reserved_shares(
        {"ae": TeamConfig.model_validate(ae), "csm": TeamConfig.model_validate({"role": "csm", "headcount": 11})}
    )
    assert shares == {"ae": pytest.approx(6.0 / (8 * 0.45 * 5))}


def test_a_team_with_reserved_hours_is_loaded_over_the_time_they_leave() -> None:
    runs = _runs()
    plain = {load.team: load for load in team_loads(runs, "blocks_6h")}
    blocked = {load.team: load for load in team_loads(runs, "blocks_6h", reserved={"ae": 1.0 / 3.0})}
    assert plain["ae"].load == pytest.approx(0.612, abs=0.01)
    assert blocked["ae"].load == pytest.approx(0.612 * 1.5, abs=0.01)  # 61% of 18 hours is 92% of the 12 left
    assert blocked["ae"].load_low < blocked["ae"].load < blocked["ae"].load_high
    assert blocked["csm"].load == pytest.approx(plain["csm"].load)
    sentence = bottleneck_sentence(list(blocked.values()), "blocks_6h")
    assert sentence is not None
    assert "the busiest team is the AE team, busy 91." in sentence, sentence
    assert "of the 67% of its selling time its reserved prospecting hours leave" in sentence, sentence
    assert "so it is the bottleneck" in sentence, sentence


def test_reserved_prospecting_is_not_said_to_fill_idle_time() -> None:
    experiment = simulator.load_experiment("prospecting_time", ["runs=2"])
    blocked, plain = experiment.scenario("blocks_6h").config, experiment.scenario("no_blocks").config
    words = _why_prospecting("ae", blocked, 1.0 / 3.0)
    assert "reserved" in words and "fills" not in words and "points more" not in words, words
    assert _why_prospecting("ae", plain, 0.1) == "prospecting fills the time its queued work leaves"


def test_the_load_section_speaks_of_reserved_hours_only_where_a_team_reserves_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reporting_fixtures import make_result

    from simulator.report import operations_section

    result = make_result(runs=10)
    words = "Hours a team reserves for prospecting"
    assert words not in " ".join(operations_section.load_section(result, tmp_path, None))
    monkeypatch.setattr(
        operations_section,
        "reserved_by_scenario",
        lambda result: {n: {"ae": 1.0 / 6.0} for n in scenario_names(result)},
    )
    assert words in " ".join(operations_section.load_section(result, tmp_path, None))


def test_the_published_range_check_reads_queued_work_over_the_time_reserved_hours_leave() -> None:
    """The table beside the answer read "Selling time on deals ... AE team: 61.2%, inside" for that bottleneck."""
    from simulator.analysis.benchmarks import benchmark_checks
    from simulator.analysis.published_ranges import QUEUED_UTILISATION
    from simulator.analysis.statistics import summarise

    summary = summarise(_runs())

    def queued(reserved: dict[str, float] | None) -> tuple[float, int, str]:
        checks = benchmark_checks(summary, "blocks_6h", reserved=reserved)
        (check,) = [c for c in checks if c.benchmark.kpi == QUEUED_UTILISATION and c.team == "ae"]
        return check.value, check.side, check.basis

    assert queued(None)[:2] == (pytest.approx(0.612, abs=0.01), 0)
    value, side, basis = queued({"ae": 1.0 / 3.0})
    assert value == pytest.approx(0.918, abs=0.01) and side == 1
    assert basis == "of the 67% of its selling time its reserved hours leave"
    from simulator.analysis.unusual_words import unusual_sentence

    (check,) = [
        c
        for c in benchmark_checks(summary, "blocks_6h", reserved={"ae": 1.0 / 3.0})
        if c.benchmark.kpi == QUEUED_UTILISATION and c.team == "ae"
    ]
    sentence = unusual_sentence(check)
    assert sentence.startswith("the AE team busy 91.") and "of the 67% of its selling time its reserved" in sentence
    assert sentence.count("reserved hours leave") == 1, sentence


def _drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reserved: dict[str, dict[str, float]] | None) -> list:
    """The utilisation figure of :func:`_runs`: each bar's (x, bottom, height), then every text it draws."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from plot_checks import drawn_texts, figure_problems

    from simulator.report import plot_utilisation as module

    seen: list = []
    original = module.save_figure

    def keep(fig: Figure, path: Path) -> Path:
        (ax,) = fig.axes
        bars = [
            (p.get_x() + p.get_width() / 2, p.get_y(), p.get_height())
            for p in ax.patches
            if type(p) is Rectangle and p.get_width() < 0.9
        ]
        seen.extend([bars, [t.get_text() for t in drawn_texts(fig)], figure_problems(fig)])
        return original(fig, path)

    monkeypatch.setattr(module, "save_figure", keep)
    module.plot_utilisation(_runs(), tmp_path, "blocks_6h", 0, reserved)
    return seen


def test_the_utilisation_figure_draws_a_reserved_team_over_the_time_its_hours_leave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prospecting_time's figure drew blocks_6h's AEs at 61% of all their selling time, well under its 85% line,
    beside words reading them busy 91.9% of the 67% their reserved hours leave, the bottleneck."""
    bars, texts, problems = _drawn(monkeypatch, tmp_path, {"blocks_6h": {"ae": 1.0 / 3.0}})
    ae, csm = sorted((b for b in bars if b[1] == 0.0), key=lambda b: b[0])
    assert ae[2] == pytest.approx(0.918, abs=0.01)  # past the 85% ceiling, as the words say
    assert csm[2] == pytest.approx(0.753, abs=0.01)  # a team that reserves nothing is drawn as it was
    idle = [b for b in bars if b[1] > 0.0]
    assert [b[2] for b in idle] == [pytest.approx((0.385 - 1.0 / 3.0) / (2.0 / 3.0), abs=0.01)]  # idle time only
    assert "33%\nreserved" in texts and f"{ae[2]:.0%}\nof 67%" in texts, texts
    assert "AE*" in texts and any(
        "* AE team's bars are of the 67% of its selling time its reserved prospecting hours leave" in t for t in texts
    ), texts
    assert not problems, problems


def test_a_crowded_utilisation_figure_keeps_the_reserved_share_in_its_footnote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six scenarios, five reserving hours, with long names: the footnote says each, and no text collides.

    Written under the team's name, the shares of two such scenarios had run into the next team's name.
    """
    from plot_checks import drawn_texts, figure_problems

    from simulator.report import plot_utilisation as module

    runs = pd.concat([_runs().assign(scenario=f"blocks_{k}h_of_a_long_name") for k in range(6)], ignore_index=True)
    reserved = {f"blocks_{k}h_of_a_long_name": {"ae": k / 18} for k in range(1, 6)}
    seen: list[list[str]] = []
    original = module.save_figure

    def keep(fig: Any, path: Path) -> Path:
        seen.extend([figure_problems(fig), [t.get_text() for t in drawn_texts(fig)]])
        return original(fig, path)

    monkeypatch.setattr(module, "save_figure", keep)
    module.plot_utilisation(runs, tmp_path, "blocks_0h_of_a_long_name", 0, reserved)
    problems, texts = seen
    assert not problems, problems
    assert any("72% in blocks_5h_of_a_long_name" in t.replace("\n", " ") for t in texts), texts


def test_the_utilisation_figure_of_teams_that_reserve_nothing_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars, texts, problems = _drawn(monkeypatch, tmp_path, None)
    ae = min((b for b in bars if b[1] == 0.0), key=lambda b: b[0])
    assert ae[2] == pytest.approx(0.612, abs=0.01)
    assert [b[2] for b in bars if b[1] > 0.0] == [pytest.approx(0.385, abs=0.01)]
    assert not any("reserved" in t for t in texts), texts
    assert not problems, problems


def test_the_load_table_and_every_figure_read_a_reserved_team_over_the_time_its_hours_leave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 'How busy each team is' table read 61.2% for those AEs too, beside words on the time left."""
    from reporting_fixtures import make_result

    from simulator.analysis import utilisation
    from simulator.report import operations_section, plots

    result = make_result(runs=10)
    plain = {load.team: load.load for load in team_loads(result.replications, "specialist")}
    team = min(plain, key=lambda t: plain[t])  # one a sixth of its hours can leave under 100%
    shares = {n: {team: 1.0 / 6.0} for n in scenario_names(result)}
    monkeypatch.setattr(utilisation, "reserved_shares", lambda teams: {team: 1.0 / 6.0})
    assert utilisation.reserved_by_scenario(result) == shares
    for module in (operations_section, plots):
        monkeypatch.setattr(module, "reserved_by_scenario", lambda r: shares)
    lines = operations_section.load_section(result, tmp_path, tmp_path / "utilisation.png")
    row = next(line for line in lines if line.startswith(f"| {team_label(team)} |"))
    assert f"{plain[team] * 1.2:.1%}" in row and "of the 83% of its selling time its reserved hours leave" in row, row
    assert any("drawn over the selling time they leave" in line for line in lines), lines
    drawn: list[object] = []
    monkeypatch.setattr(plots, "plot_utilisation", lambda *a, **k: drawn.append(a[-1]) or tmp_path / "u.png")
    plots.plot_all(result, tmp_path)
    assert drawn == [shares]


def test_a_team_whose_partner_work_runs_out_is_not_said_to_be_near_fully_busy() -> None:
    """partner_channel's manager was "0.0% (0.0% to 0.0%), then 75% prospecting or partner work" under a line saying
    such teams' "total is near 100% whatever their queues": its enablement work is capped by the partners it holds."""
    from simulator.analysis.utilisation import TeamLoad
    from simulator.report import operations_section

    manager = TeamLoad("partner_manager", 0.0, 0.0, 0.0, filler=0.7475, has_filler=True)
    assert operations_section._load_cell(manager) == (
        "0.0% (0.0% to 0.0%), then 75% prospecting or partner work, 25% idle (no such work left)"
    )
    sdr = TeamLoad("sdr", 0.373, 0.369, 0.378, filler=0.625, has_filler=True)
    assert operations_section._load_cell(sdr) == "37.3% (36.9% to 37.8%), then 62% prospecting or partner work"
