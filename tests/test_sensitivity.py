"""salesim sensitivity: the levers found, a tornado that ranks first the lever built to dominate, SALib's
Morris screening on the same levers, and the command's files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from plot_checks import collect

from simulator.analysis.global_sensitivity import global_sensitivity, morris_advice
from simulator.analysis.levers import find_levers, lever_experiment, moved
from simulator.config.errors import ConfigError
from simulator.report.sensitivity_report import run_sensitivity, write_sensitivity
from simulator.run.build import experiment_from_dict
from simulator.run.experiment import Experiment
from tests.scenarios import ROOT, single_stage_queue

ARRIVALS = "market.sources.arrivals.leads_per_month"
CONVERSION = "pipeline.stages.0.conversion"
INERT = ("pipeline.stages.0.effort_hours.mean", "org.teams.servers.hours_per_day", "pipeline.stages.0.max_wait_days")


def _queue_experiment() -> Experiment:
    """One stage, ample capacity: bookings follow arrivals x conversion x value; effort, hours and waits hardly matter.

    Arrivals moved 20% change bookings by +-20% (a swing of 40%); the conversion of 0.95 can only
    rise to 1 (clamped), a swing of about 25%; the three inert levers only shift a few leads across the horizon.
    """
    config: dict[str, Any] = single_stage_queue(6.0, 0.05, reps=8, horizon_days=60.0, conversion=0.95)
    config["pipeline"]["stages"][0]["max_wait_days"] = 30
    config["market"]["deal_value"] = {"dist": "constant", "value": 1000.0}
    config.update(seed=5, runs=20, experiment={"name": "queue", "question": "What drives bookings?"})
    return experiment_from_dict(config)


def test_levers_of_the_shipped_scenario() -> None:
    import simulator

    experiment = simulator.load_experiment(None, ["runs=2"])
    config = experiment.resolved_config["scenarios"][experiment.baseline]
    levers = {lever.key: lever for lever in find_levers(config, 0.2)}
    assert ARRIVALS.replace("arrivals", "inbound") in levers
    assert "org.teams.full_cycle.headcount" in levers and levers["org.teams.full_cycle.headcount"].whole
    assert (levers["org.teams.full_cycle.headcount"].low, levers["org.teams.full_cycle.headcount"].high) == (10, 14)
    assert not [k for k in levers if k.startswith("market.seasonality")]  # a profile moves as a whole
    assert not [k for k in levers if ".segments." in k or k.endswith(".weight")]  # shares of a mix
    assert not [k for k in levers if k.startswith("workforce.roles.sdr")]  # no SDR team in the generalist org
    # prospecting books the outbound leads and partners refer the partner leads: their rates do nothing
    assert "market.sources.outbound.leads_per_month" not in levers
    assert "market.sources.partner.leads_per_month" not in levers
    with pytest.raises(ConfigError, match=r"has no effect: the outbound source's leads are pipelines\.prospecting"):
        find_levers(config, 0.2, keys=["market.sources.outbound.leads_per_month"])
    assert all(lever.base != 0 for lever in levers.values())
    assert moved(1.0, 0.2, whole=True) == (0.0, 2.0) and moved(-0.5, 0.2, whole=False) == (-0.6, -0.4)
    with pytest.raises(ConfigError):
        find_levers(config, 0.2, keys=["org.teams.full_cycle.no_such_key"])
    with pytest.raises(ConfigError, match=r"did you mean 'org\.teams\.full_cycle\.headcount'"):
        find_levers(config, 0.2, keys=["org.teams.full_cycle.headcont"])


def test_the_tornado_ranks_first_the_lever_built_to_dominate(tmp_path: Path) -> None:
    experiment = _queue_experiment()
    keys = [ARRIVALS, CONVERSION, *INERT]
    study = run_sensitivity(experiment, "base", "bookings", 0.2, 10, keys, method="none", workers=1)
    table = study.table
    assert list(table["parameter"][:2]) == [ARRIVALS, CONVERSION]
    arrivals, conversion = table.iloc[0], table.iloc[1]
    assert bool(arrivals["clear"]) and bool(conversion["clear"])
    assert conversion["high"] == 1.0 and any("the high value 1.14 becomes 1," in note for note in study.notes)
    # arrivals: bookings move with the number of leads, an elasticity near 1 (within the runs' noise)
    assert arrivals["swing_ci_low"] > 0 and 0.6 < arrivals["elasticity"] < 1.4
    assert 0 < arrivals["elasticity_ci_low"] < arrivals["elasticity"] < arrivals["elasticity_ci_high"]
    scale = arrivals["elasticity"] / arrivals["swing"]  # the swing's interval scaled alike
    assert arrivals["elasticity_ci_low"] == pytest.approx(arrivals["swing_ci_low"] * scale)
    for _, row in table.iloc[2:].iterrows():  # capacity is ample: effort, hours and waits hardly matter
        assert abs(row["swing"]) < 0.05 * arrivals["swing"], row["parameter"]
    problems: list[str] = []
    with collect(problems, []):
        written = write_sensitivity(study, tmp_path)
    assert not problems, problems  # the tornado fits a slide
    assert {p.name for p in written} >= {"sensitivity.csv", "tornado.png", "report.md", "report.html"}
    csv = pd.read_csv(tmp_path / "sensitivity.csv")
    assert len(csv) == 5 and csv["parameter"].iloc[0] == ARRIVALS
    text = (tmp_path / "report.md").read_text()
    first = text.split("## The answer\n\n", 1)[1].split("\n", 1)[0]
    assert ARRIVALS in first and "95% CI" in first


def test_morris_screening_ranks_the_same_lever_first() -> None:
    experiment = _queue_experiment()
    levers = [
        lever for lever in find_levers(experiment.resolved_config["scenarios"]["base"], 0.2, keys=[ARRIVALS, *INERT])
    ]
    found = global_sensitivity(
        experiment, "base", levers, "bookings", "morris", size=4, runs_per_point=3, seed=3, workers=1
    )
    assert found.points == 4 * (len(levers) + 1)
    assert found.table["parameter"].iloc[0] == ARRIVALS
    assert bool(found.table["above_noise"].iloc[0]) and found.table["floor"].iloc[0] > 0  # its own steps' paired runs
    arrivals = found.table["mu_star"].iloc[0]
    assert (found.table["mu_star"].iloc[1:] < 0.1 * arrivals).all()  # the inert levers hardly move bookings
    assert (found.table["mu_star_ci_low"] >= 0).all()  # a mean of absolute effects: its CI stops at 0
    assert (found.table["mu_star_ci_low"] <= found.table["mu_star"]).all()
    assert any("Campolongo" in line for line in found.advice) and any(
        "below that minimum" in line for line in found.advice
    )


def test_lever_experiment_drops_a_side_that_cannot_run() -> None:
    experiment = _queue_experiment()
    levers = find_levers(experiment.resolved_config["scenarios"]["base"], 0.2, keys=["org.teams.servers.headcount"])
    levers = [levers[0].__class__(levers[0].key, 8.0, -1.0, 9.0, True)]  # a negative headcount cannot run
    notes: list[str] = []
    built, kept = lever_experiment(experiment, "base", levers, 2, notes)
    assert [s.name for s in built.scenarios] == ["baseline", "p000_high"]
    assert kept[0].low is None and "cannot run" in notes[0]


def test_the_command_refuses_an_unknown_kpi_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "sens"
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "sensitivity", "--kpi", "bokings", "--out", str(out), "runs=2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "--kpi = 'bokings'" in done.stderr and not out.exists()


def test_the_noise_of_a_morris_step_comes_from_its_paired_runs() -> None:
    import numpy as np

    from simulator.analysis.morris_noise import effect_noise

    # two trajectories of two points, one lever; within a step the runs differ by 10 + (0, 2, 4): a spread of 2
    rows = []
    for start, shift in ((0, 0.0), (2, 100.0)):
        for r, luck in enumerate((0.0, 50.0, -30.0)):
            rows.append({"scenario": f"x{start:04d}", "replication": r, "k": shift + luck})
            rows.append({"scenario": f"x{start + 1:04d}", "replication": r, "k": shift + luck + 10.0 + 2.0 * r})
    runs = pd.DataFrame(rows)
    names = ["x0000", "x0001", "x0002", "x0003"]
    x = np.array([[0.0], [2 / 3], [1.0], [1 / 3]])
    se, steps, df = effect_noise(runs, "k", names, x, np.array([[0.0, 1.0]]))
    # the luck shared by both points (0, 50, -30) cancels: sd(10, 12, 14) / sqrt(3), over the step of 2/3
    assert se[0] == pytest.approx(2.0 / 3**0.5 / (2 / 3)) and steps[0] == 2 and df[0] == 4


def test_a_clamp_never_moves_a_lever_to_the_other_side_of_its_base() -> None:
    experiment = _queue_experiment()
    levers = find_levers(experiment.resolved_config["scenarios"]["base"], 0.2, keys=["org.teams.servers.headcount"])
    # 10^9 servers cannot run; clamped into [0, 1] it would be 1 server, below the base of 8: not a high side
    levers = [levers[0].__class__(levers[0].key, 8.0, 7.0, 1e9, True)]
    notes: list[str] = []
    built, kept = lever_experiment(experiment, "base", levers, 2, notes)
    assert [s.name for s in built.scenarios] == ["baseline", "p000_low"]
    assert kept[0].high is None and kept[0].low == 7.0 and "cannot run" in notes[0]


def test_the_morris_table_of_a_rate_reads_in_points() -> None:
    from simulator.analysis.global_sensitivity import GlobalSensitivity
    from simulator.report.sensitivity_global import global_lines

    table = pd.DataFrame(
        {
            "parameter": ["a"],
            "mu_star": [0.077],
            "mu_star_ci_low": [0.0],
            "mu_star_ci_high": [0.098],
            "mu": [-0.02],
            "sigma": [0.433],
            "floor": [0.031],
            "above_noise": [True],
        }
    )
    lines = global_lines(GlobalSensitivity("morris", "win_rate", table, 8, 2, 0.02, []), Path("."), None)
    row = next(line for line in lines if line.startswith("| `a`"))
    assert row == "| `a` | 7.7 points (0.0 points to 9.8 points) | -2.0 points | 43.3 points | 3.1 points | yes |"


@pytest.mark.parametrize("levers", [1, 4])
def test_the_answer_counts_its_levers_in_words(levers: int) -> None:
    from simulator.report.sensitivity_report import SensitivityStudy, answer_paragraph

    table = pd.DataFrame(
        {
            "parameter": [f"p{i}" for i in range(levers)],
            "kpi": "bookings",
            "baseline_mean": 1e6,
            "swing": [1e5] + [0.0] * (levers - 1),
            "swing_ci_low": [5e4] + [-1.0] * (levers - 1),
            "swing_ci_high": [1.5e5] + [1.0] * (levers - 1),
            "clear": [True] + [False] * (levers - 1),
        }
    )
    study = SensitivityStudy("e", "base", "bookings", 0.2, 4, 1, table, None, [], 0.0)
    text = answer_paragraph(study)
    if levers == 1:
        assert text.startswith("Moving the lever of scenario base 20%") and "1 of 1 lever has a clear effect" in text
    else:
        assert text.startswith("Moving each of 4 levers") and "1 of 4 levers has a clear effect" in text
    # a headcount of 12 moves by 2 (16.7%): the headline says the levels are the table's
    assert "20% down and up (whole numbers by at least one step, a probability held within 0-100%" in text
    hours = table.assign(kpi="first_touch_hours_mean", baseline_mean=21.7, swing=[-5.4] + [0.0] * (levers - 1))
    hours = hours.assign(swing_ci_low=[-7.2] + [-1.0] * (levers - 1), swing_ci_high=[-3.5] + [1.0] * (levers - 1))
    text = answer_paragraph(SensitivityStudy("e", "base", "first_touch_hours_mean", 0.2, 4, 1, hours, None, [], 0.0))
    assert "(baseline 21.7 hours of working days)" in text, text
    assert "(low to high: -5.4 hours of working days, 95% CI -7.2 to -3.5 hours of working days)" in text, text
    from simulator.report.sensitivity_report import _unit

    assert (
        _unit("first_touch_hours_mean") == " (hours of working days)" and _unit("bookings") == ""
    )  # the table's cells are bare


@pytest.mark.parametrize("above_noise", [False, True])
def test_the_answer_does_not_read_a_ranking_below_the_noise_floor(above_noise: bool) -> None:
    """ "Morris also ranks headcount first" beside "the ranking cannot be read yet"; a lever left out unsaid."""
    from simulator.analysis.global_sensitivity import GlobalSensitivity
    from simulator.report.sensitivity_report import SensitivityStudy, answer_paragraph

    table = pd.DataFrame(
        {
            "parameter": ["a", "b", "d", "c"],
            "kpi": "bookings",
            "baseline_mean": 1e6,
            "swing": [3e5, 2e5, 1.5e5, 1e3],
            "swing_ci_low": [2e5, 1e5, 0.5e5, -1e4],
            "swing_ci_high": [4e5, 3e5, 2.5e5, 1e4],
            "clear": [True, True, True, False],
        }
    )
    morris = pd.DataFrame({"parameter": ["a", "b"], "mu_star": [2e5, 1e5], "above_noise": [above_noise, above_noise]})
    found = GlobalSensitivity("morris", "bookings", morris, 30, 2, 1e5, [])
    text = answer_paragraph(SensitivityStudy("e", "base", "bookings", 0.2, 4, 1, table, found, [], 0.0))
    read = "Varied together over the same ranges (a and b), Morris screening also ranks a first."
    unread = "Morris screening cannot rank the levers yet: every lever's effect is below its own noise floor."
    assert (read in text) is above_noise and (unread in text) is not above_noise
    # a lever with no clear swing is left out for that (it had read "left out ... up to --global-params")
    assert " c has no clear swing one at a time, so the global method left it out." in text
    assert " d was left out of it: the global method varies the levers with the largest clear swings" in text


@pytest.mark.parametrize(
    ("options", "key", "value"),
    [
        ({"size": 0}, "--trajectories", 0),  # an IndexError once the one-at-a-time runs were done
        ({"global_runs": 1}, "--global-runs", 1),  # refused, but after every one-at-a-time run
        ({"global_levers": 1}, "--global-params", 1),
        ({"method": "sobol", "size": 3}, "--sobol-samples", 3),  # not a power of 2: accepted
        ({"method": "sobol", "size": 4}, "--sobol-samples", 4),
        ({"keys": [ARRIVALS]}, "--params", [ARRIVALS]),  # one lever: the global method cannot take two
        ({"keys": [ARRIVALS, ARRIVALS]}, "--params", f"{ARRIVALS},{ARRIVALS}"),  # its scenarios were run twice
        ({"keys": None, "sections": ["market", "market"]}, "--sections", "market,market"),  # every lever twice
        ({"keys": []}, "--params", ""),  # was "no lever to move" with an empty list
    ],
)
def test_every_option_is_refused_before_any_replication(
    options: dict[str, Any], key: str, value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import simulator.report.sensitivity_report as report

    def no_runs(*args: object, **kwargs: object) -> None:
        raise AssertionError("a replication ran before the options were checked")

    monkeypatch.setattr(report, "run_experiment", no_runs)
    monkeypatch.setattr(report, "global_sensitivity", no_runs)
    arguments: dict[str, Any] = {"keys": [ARRIVALS, CONVERSION], "method": "morris", "workers": 1, **options}
    with pytest.raises(ConfigError) as refused:
        run_sensitivity(_queue_experiment(), "base", "bookings", 0.2, 2, **arguments)
    assert [(issue.key, issue.value) for issue in refused.value.issues] == [(key, value)]


@pytest.mark.parametrize(
    ("option", "given", "said"),
    [
        ("--params", f"{ARRIVALS},{CONVERSION},{ARRIVALS}", f"{ARRIVALS} is given twice: give each dotted key once"),
        ("--sections", "market,org,market", "market is given twice: give each section once, comma separated ("),
        # an empty item was dropped without a word: the value between the commas may have been lost
        ("--params", f"{ARRIVALS},,{CONVERSION}", "item 2 of 3 is empty: give each dotted key once, comma separated"),
        ("--sections", "market,", "item 2 of 2 is empty: give each section once, comma separated ("),
    ],
)
def test_a_value_given_twice_in_a_list_option_is_refused_before_anything_is_composed(
    option: str, given: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import simulator.report.sensitivity_command as command

    def no_load(overrides: object) -> Any:
        raise AssertionError("the experiment was composed before the options were checked")

    out = tmp_path / "sens"
    assert command.sensitivity_main([option, given, "--out", str(out)], no_load) == 2
    err = capsys.readouterr().err
    assert f"{option} = '{given}': {said}" in err and not out.exists()


def test_a_refusal_after_the_runs_does_not_say_nothing_was_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import simulator.report.sensitivity_command as command
    import simulator.report.sensitivity_report as report

    def refused(*args: object, **kwargs: object) -> None:
        raise ConfigError.single("org.teams.servers.headcount", 0, "must be at least 1")

    monkeypatch.setattr(report, "global_sensitivity", refused)
    out = tmp_path / "sens"
    args = ["--params", f"{ARRIVALS},{CONVERSION}", "--runs", "2", "--workers", "1", "--out", str(out)]
    assert command.sensitivity_main(args, lambda overrides: _queue_experiment()) == 2
    err = capsys.readouterr().err
    assert "nothing was run" not in err and not out.exists()
    assert "salesim: the one-at-a-time phase ran 10 replications and no results were written." in err


def _study(levers: int, clear: int, found: Any = None) -> Any:
    from simulator.report.sensitivity_report import SensitivityStudy

    table = pd.DataFrame(
        {
            "parameter": [f"p{i}" for i in range(levers)],
            "kpi": "bookings",
            "baseline_mean": 1e6,
            "swing": [1e5 - i for i in range(levers)],
            "swing_ci_low": [5e4 if i < clear else -1.0 for i in range(levers)],
            "swing_ci_high": 1.5e5,
            "clear": [i < clear for i in range(levers)],
        }
    )
    return SensitivityStudy("e", "base", "bookings", 0.2, 4, 1, table, found, [], 0.0)


@pytest.mark.parametrize(("st", "settled"), [((0.25, 0.66, 0.24, 0.20), False), ((0.6, 0.05, 0.2, 0.05), True)])
def test_the_answer_reads_sobol_only_as_far_as_the_report(st: tuple[float, ...], settled: bool) -> None:
    """ "Sobol's total index also ranks p0 first" on ST 0.25 ± 0.66 vs 0.24 ± 0.20, beside "not yet settled"."""
    from simulator.analysis.global_sensitivity import GlobalSensitivity, sobol_unsettled
    from simulator.report.sensitivity_report import answer_paragraph

    sobol = pd.DataFrame({"parameter": ["p0", "p1"], "S1": 0.1, "S1_conf": 0.05, "ST": st[::2], "ST_conf": st[1::2]})
    text = answer_paragraph(_study(2, 2, GlobalSensitivity("sobol", "bookings", sobol, 32, 2, 1.0)))
    assert ("Sobol's total index also ranks p0 first." in text) is settled
    assert ("Sobol's total index cannot rank the levers yet: the widest 95% CI half-width is 0.66." in text) is (
        not settled
    )
    # narrow intervals that overlap at the top: not settled either, in the answer and in the report's advice
    close = sobol.assign(ST=[0.30, 0.28], ST_conf=[0.05, 0.05])
    assert (
        sobol_unsettled(close)
        == "the 95% CIs of the two largest total indices overlap (p0 0.30 ± 0.05, p1 0.28 ± 0.05)"
    )


def test_the_answer_names_a_few_levers_left_out_and_counts_the_rest() -> None:
    from simulator.analysis.global_sensitivity import GlobalSensitivity
    from simulator.report.sensitivity_report import answer_paragraph

    morris = pd.DataFrame({"parameter": ["p0", "p1"], "mu_star": [2e5, 1e5], "above_noise": [True, True]})
    text = answer_paragraph(_study(12, 2, GlobalSensitivity("morris", "bookings", morris, 30, 2, 1e4, [])))
    assert " p2, p3, p4 and 7 more have no clear swing one at a time, so the global method left them out." in text
    assert "p5" not in text


@pytest.mark.parametrize(
    ("levers", "clear", "caveat"),
    [(4, 3, None), (138, 16, "up to about 7 of the 16 may be"), (137, 3, "any of them may be")],  # not "7 of the 3"
)
def test_the_answer_warns_that_many_levers_make_some_clear_by_chance(
    levers: int, clear: int, caveat: str | None
) -> None:
    from simulator.report.sensitivity_report import answer_paragraph

    text = answer_paragraph(_study(levers, clear))
    assert ("about 1 in 20 levers with no effect looks clear by chance" in text) is (caveat is not None)
    if caveat is not None:
        assert f"With {levers} levers tested, about 1 in 20" in text and caveat in text


def _ranking(rows: list[tuple[str, float, float, float]], floor: float) -> pd.DataFrame:
    """A Morris table sorted by mu*: (lever, mu*, its CI's low end, high end)."""
    table = pd.DataFrame(rows, columns=["parameter", "mu_star", "mu_star_ci_low", "mu_star_ci_high"])
    return table.assign(mu=table["mu_star"], sigma=0.0, floor=floor, above_noise=table["mu_star"] > floor)


def test_a_top_lever_is_settled_only_once_its_ci_clears_the_next_levers() -> None:
    """One lever above the noise, its CI overlapping the next: the report called the top settled."""
    overlapping = _ranking([("a", 1.3e6, 0.52e6, 2.08e6), ("b", 0.8e6, 0.34e6, 1.32e6), ("c", 1e4, 0.0, 3e4)], 9e5)
    advice = " ".join(morris_advice(overlapping, 3, 5, "bookings"))
    assert "overlap for a and b: their order is not settled" in advice and "is settled" not in advice
    clear = _ranking([("a", 1.3e6, 1.0e6, 1.6e6), ("b", 0.3e6, 0.1e6, 0.5e6), ("c", 1e4, 0.0, 3e4)], 9e5)
    advice = " ".join(morris_advice(clear, 3, 5, "bookings"))
    assert "the top of the ranking is settled, as far as r = 5 can tell" in advice
    alone = " ".join(morris_advice(_ranking([("a", 1.3e6, 1.0e6, 1.6e6)], 9e5), 1, 10, "bookings"))
    assert "settled" not in alone  # one lever: no order to settle


def test_options_that_are_no_number_are_named_with_the_other_faults(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse stopped at the first option that was no number (--runs x) and named only it."""
    from simulator.report.sensitivity_command import sensitivity_main
    from simulator.report.warmup_command import warmup_main

    def never(_: Any) -> Any:
        raise AssertionError("nothing may be composed or run")

    assert sensitivity_main(["--runs", "x", "--delta", "a fifth", "--global-runs", "1"], never) == 2
    err = capsys.readouterr().err
    assert "--runs = 'x': must be a whole number" in err and "--delta = 'a fifth': must be a number" in err
    assert "--global-runs = 1" in err  # the range checks still ran, on the others
    assert warmup_main(["--runs", "1", "--years", "three"], never) == 2
    err = capsys.readouterr().err
    assert "--years = 'three': must be a number" in err and "--runs = 1: must be a whole number from 2" in err


def test_more_leads_that_take_the_reps_prospecting_hours_say_so() -> None:
    """+20% inbound moved the generalists' bookings by -$33k (unclear): outbound fell by 50 a run, unsaid."""
    import numpy as np

    from simulator.analysis.crowding import crowding_reasons
    from simulator.analysis.levers import Lever

    gen = np.random.default_rng(4)
    rows = []
    for r in range(30):
        luck = gen.normal(0, 20)
        for scenario, inbound, outbound, prospecting in (("baseline", 1800, 340, 0.29), ("p000_high", 2150, 290, 0.25)):
            rows.append(
                {
                    "scenario": scenario,
                    "replication": r,
                    "leads_total": inbound + outbound,
                    "leads_inbound": inbound + luck + gen.normal(0, 5),
                    "leads_outbound": outbound + luck / 4 + gen.normal(0, 5),
                    "leads_partner": 33.0,
                    "utilisation_full_cycle": 1.0,
                    "utilisation_full_cycle_prospecting": prospecting + gen.normal(0, 0.01),
                    "bookings_inbound": 2.0e6 + (191e3 if scenario == "p000_high" else 0.0) + gen.normal(0, 5e3),
                    "bookings_outbound": 1.0e6 - (210e3 if scenario == "p000_high" else 0.0) + gen.normal(0, 5e3),
                    "bookings_partner": 0.5e6,
                }
            )
    runs = pd.DataFrame(rows)
    lever = Lever("market.sources.inbound.leads_per_month", 150.0, None, 180.0, False)
    (words,) = crowding_reasons(runs, [lever]).values()
    base, high = (runs[runs.scenario == s].set_index("replication") for s in ("baseline", "p000_high"))
    gained, lost = (high.leads_inbound - base.leads_inbound).mean(), (base.leads_outbound - high.leads_outbound).mean()
    assert words.startswith(f"inbound leads at 180 a month instead of 150 bring {gained:,.0f} more inbound leads a run")
    assert f"but {lost:,.0f} fewer outbound (paired run by run)" in words and "partner" not in words  # theirs held
    assert "the full cycle team prospects 25% of its selling time instead of 29%" in words
    rose = (high.bookings_inbound - base.bookings_inbound).mean()
    fell = (base.bookings_outbound - high.bookings_outbound).mean()
    said = (
        f"the inbound leads' bookings rose by ${rose / 1e3:.1f}k while the outbound leads' fell by ${fell / 1e3:.1f}k"
    )
    assert said in words, words
    assert words.endswith("more than all of the gain: more leads are worth their full value with more reps")
    held = runs.assign(bookings_outbound=1.0e6 + gen.normal(0, 5e3, len(runs)))  # outbound bookings hold
    assert crowding_reasons(held, [lever])["market.sources.inbound.leads_per_month"].endswith(
        "(paired run by run): the reps make those leads with the hours the new ones now take (the full cycle team "
        "prospects 25% of its selling time instead of 29%): more leads are worth their full value with more reps"
    )
    steady = runs.assign(leads_outbound=340.0 + gen.normal(0, 5, len(runs)))  # outbound holds: nothing to say
    assert crowding_reasons(steady, [lever]) == {}
    other = Lever("org.teams.full_cycle.headcount", 12.0, None, 14.0, True)  # not a lead lever
    assert crowding_reasons(runs, [other]) == {}


def test_the_lever_table_writes_money_as_money_and_says_a_lever_that_changes_no_run() -> None:
    """A quota lever read '4.48e+05 / 5.6e+05 / 6.72e+05 | ... | $0 (unclear)': bookings were the same in every run."""
    from simulator.analysis.sensitivity import SENSITIVITY_COLUMNS
    from simulator.report.sensitivity_report import _table_rows

    base = dict.fromkeys(SENSITIVITY_COLUMNS, 0.0)
    quota = {**base, "rank": 1, "parameter": "economics.roles.full_cycle.quota", "kpi": "bookings", "clear": False}
    quota.update(low=448_000.0, base=560_000.0, high=672_000.0, elasticity=0.0)
    leads = {**quota, "rank": 2, "parameter": "market.sources.inbound.leads_per_month", "low": 120.0, "base": 150.0}
    leads.update(high=180.0, low_diff=-1e4, low_ci_low=-3e4, low_ci_high=1e4, swing=2e4)
    one_sided = {**leads, "rank": 3, "parameter": "org.teams.sdr.headcount", "low": float("nan"), "base": 1.0}
    one_sided.update(high=2.0, low_diff=0.0, low_ci_low=float("nan"), low_ci_high=float("nan"))
    rows = _table_rows(pd.DataFrame([quota, leads, one_sided], columns=list(SENSITIVITY_COLUMNS)))
    assert rows[2][2] == "- / 1 / 2" and rows[2][3] == "not run: read as the base"  # it had read "$0" and "nan / 1 / 2"
    assert rows[0][2] == "$448.0k / $560.0k / $672.0k" and rows[0][5].endswith("(none: the same in every run)")
    assert rows[1][2] == "120 / 150 / 180" and rows[1][5].endswith("(unclear)")
    # an unclear swing's elasticity comes with its CI, which includes zero: a bare "+0.45" had read as an effect
    leads.update(elasticity=0.45, elasticity_ci_low=-0.05, elasticity_ci_high=0.95)
    quota.update(elasticity=0.0, elasticity_ci_low=0.0, elasticity_ci_high=0.0)
    rows = _table_rows(pd.DataFrame([quota, leads], columns=list(SENSITIVITY_COLUMNS)))
    assert rows[1][6] == "+0.45 (-0.05 to +0.95)" and rows[0][6] == "+0.00"


def test_the_tornado_writes_each_levers_levels_as_the_table_does() -> None:
    """The tornado had written a probability lever as (0.72 / 0.9 / 1) where the table has 72% / 90% / 100%."""
    from simulator.report.plot_tornado import _label

    def label(parameter: str, levels: tuple[float, float, float]) -> str:
        return _label(pd.Series({"parameter": parameter, "low": levels[0], "base": levels[1], "high": levels[2]}))

    assert label("pipeline.stages.5.conversion", (0.72, 0.9, 1.0)).endswith("(72% / 90% / 100%)")
    assert label("market.products.core.deal_value_multiplier", (0.6, 0.75, 0.9)).endswith("(0.60 / 0.75 / 0.90)")
    assert label("economics.roles.full_cycle.quota", (448e3, 560e3, 672e3)).endswith(
        r"(\$448.0k / \$560.0k / \$672.0k)"
    )


@pytest.mark.parametrize(
    ("parameter", "levels", "words"),
    [
        # the calibrated company's win rate had read 51.1% / 63.87% / 76.65%, its arrivals 634 / 792.5 / 951
        ("pipeline.stages.0.conversion", (0.5110, 0.63873, 0.76648), "51% / 64% / 77%"),
        ("market.sources.crm.leads_by_month.2017-10", (634.0, 792.5, 951.0), "634 / 792 / 951"),
        ("pipeline.stages.0.no_decision", (0.12192, 0.1524, 0.18288), "12.2% / 15.2% / 18.3%"),
        ("pipelines.prospecting.stages.2.conversion", (0.264, 0.33, 0.396), "26.4% / 33.0% / 39.6%"),
        ("market.products.MG Advanced.conversion_shift", (-0.3787, -0.1787, 0.02127), "-0.38 / -0.18 / 0.02"),
        ("market.products.GTX Plus Basic.deal_value_multiplier", (866.0, 1082.4, 1298.9), "$0.87k / $1.08k / $1.30k"),
        # 6 / 8 / 10 tells them apart but reads a 20% move as 25%
        ("org.teams.full_cycle.hours_per_day", (6.4, 8.0, 9.6), "6.4 / 8.0 / 9.6"),
        ("org.teams.full_cycle.headcount", (10.0, 12.0, 14.0), "10 / 12 / 14"),
        ("org.teams.East.headcount", (float("nan"), 10.0, 12.0), "- / 10 / 12"),
    ],
)
def test_a_levers_levels_read_at_one_precision_in_the_table_and_the_tornado(
    parameter: str, levels: tuple[float, float, float], words: str
) -> None:
    """The tornado and the table wrote each level at its own precision: 51.1% / 63.87% / 76.65%, 634 / 792.5 / 951."""
    from simulator.analysis.sensitivity import SENSITIVITY_COLUMNS
    from simulator.report.plot_tornado import _label
    from simulator.report.sensitivity_report import _table_rows

    row = {**dict.fromkeys(SENSITIVITY_COLUMNS, 0.0), "rank": 1, "parameter": parameter, "kpi": "bookings"}
    row.update(low=levels[0], base=levels[1], high=levels[2], clear=True)
    assert _table_rows(pd.DataFrame([row], columns=list(SENSITIVITY_COLUMNS)))[0][2] == words
    assert _label(pd.Series(row)) == f"{parameter}  ({words})".replace("$", r"\$")
