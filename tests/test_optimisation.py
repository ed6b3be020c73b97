"""salesim optimise: Optuna's search finds the answer an exhaustive search finds, prunes, and reports it."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from plot_checks import collect

import simulator
from simulator.analysis.finalists import Finalist, final_round, ranked, recommended, top_ties
from simulator.analysis.intervals import wilson_interval
from simulator.analysis.optimisation import Optimisation, _upper, exhaustive, exhaustive_optimisation, optimise
from simulator.analysis.team_mix import Candidate, Evaluation, TeamMixProblem
from simulator.config.errors import ConfigError
from simulator.report.optimisation_report import answer_paragraph, optimisation_markdown, write_optimisation
from simulator.report.optimisation_words import idle_teams, unmoved_words
from simulator.report.optimise_command import optimise_main
from simulator.run.build import experiment_from_dict
from tests.scenarios import ROOT

BOUNDS = {"a": (1, 4), "b": (1, 5)}
BUDGET = 320_000.0  # a year: $80k over the 60-day window of a 240-day year


def _two_stage() -> dict[str, Any]:
    """Two stages in series, each worked by its own team; reps cost a fixed salary (no commission, no attrition).

    About 3.5 leads a day; an 'a' rep works 2 first stages a day, a 'b' rep 1 second stage a day,
    and a lead leaks after 3 days untouched. Over the 60-day window an 'a' rep costs $10k and a
    'b' rep $20k, so a budget of $320k a year ($80k over the window) allows a + 2b <= 8: the mix
    that matches both capacities to the demand (a=2, b=3) books about 40% more than any other
    within the budget.
    """

    def stage(name: str, role: str, hours: float) -> dict[str, Any]:
        effort = {"dist": "exponential", "mean": hours}
        return {
            "name": name,
            "role": role,
            "effort_hours": effort,
            "delay_days": 0,
            "conversion": 1.0,
            "max_wait_days": 3,
        }

    def team(role: str) -> dict[str, Any]:
        return {"role": role, "headcount": 1, "hours_per_day": 8.0, "selling_fraction": 1.0, "assignment": "pooled"}

    def pay(salary: float) -> dict[str, float]:
        return {
            "base_salary": salary,
            "on_target_variable": 0.0,
            "pay_share": 1.0,
            "commission_rate": 0.0,
            "quota": 0.0,
        }

    return {
        "market": {
            "name": "m",
            "sources": {"arrivals": {"leads_per_month": 70}},
            "seasonality": [1.0] * 12,
            "segments": {"all": 1.0},
            "deal_value": {"dist": "constant", "value": 1000.0},
            "buying_circle": {"dist": "constant", "value": 1},
        },
        "pipeline": {"name": "two", "stages": [stage("first", "a", 4.0), stage("second", "b", 8.0)]},
        "org": {
            "name": "ab",
            "teams": {"a": team("a"), "b": team("b")},
            "default_team": "a",
            "routing": {"second": "b"},
        },
        "effects": {"speed_to_lead": {"exponent": 0.0}, "skill_weight": 0.0},
        "clock": {"horizon_days": 60.0, "warmup_days": 0.0, "days_per_year": 240},
        "economics": {"roles": {"a": pay(40_000.0), "b": pay(80_000.0)}},
        "seed": 3,
        "runs": 6,
        "experiment": {"name": "mix", "question": "Which mix of a and b?"},
    }


@pytest.fixture(scope="module")
def problem() -> TeamMixProblem:
    return TeamMixProblem(experiment_from_dict(_two_stage()), "base", "bookings", BOUNDS, BUDGET)


def test_optuna_finds_the_exhaustive_answer(problem: TeamMixProblem, tmp_path: Path) -> None:
    every = exhaustive(problem, runs=6, workers=1)
    assert len(every) == 20 and every["feasible"].sum() == 10  # a + 2b <= 8
    best = Candidate((("a", int(every["a"].iloc[0])), ("b", int(every["b"].iloc[0]))))
    assert best.words() == "a=2, b=3" and every["mean"].iloc[0] > 1.3 * every["mean"].iloc[1]

    found = optimise(problem, trials=12, runs=6, first_runs=3, finalists=3, final_runs=20, seed=1, workers=1)
    assert found.recommended == best
    states = set(found.trials["state"])
    assert {"complete", "pruned", "over budget"} <= states  # both ways of stopping a trial early were used
    assert (
        found.trials["trial"].iloc[0] == 0 and (found.trials[["a", "b"]].iloc[0] == [1, 1]).all()
    )  # starts from today
    # a trial's figures are those of the exhaustive search for the same mix (same runs, common random numbers)
    complete = found.trials[(found.trials["state"] == "complete") & (found.trials["a"] == 2) & (found.trials["b"] == 3)]
    assert complete["mean"].iloc[0] == every["mean"].iloc[0]
    finalists = {f.candidate: f for f in found.finalists}
    assert finalists[best].p_best > 0.95 and finalists[best].feasible and finalists[best].ci_low > 0
    assert sum(f.p_best for f in found.finalists if f.p_best == f.p_best) == pytest.approx(1.0)
    assert any(f.today for f in found.finalists)

    again = optimise(problem, trials=12, runs=6, first_runs=3, finalists=3, final_runs=20, seed=1, workers=1)
    pd.testing.assert_frame_equal(again.trials, found.trials)  # a seeded search is reproducible

    problems: list[str] = []
    with collect(problems, []):
        written = write_optimisation(found, tmp_path)
    assert not problems, problems  # the figure fits a slide
    assert {p.name for p in written} == {"optimisation.csv", "optimisation.png", "report.md", "report.html"}
    table = pd.read_csv(tmp_path / "optimisation.csv")
    assert {"trial", "state", "a", "b", "mean", "cost", "p_best", "chosen", "search_rank", "re_run"} <= set(
        table.columns
    )
    assert table.loc[table["chosen"] == True, "search_rank"].tolist() == [1]  # noqa: E712
    assert table.loc[table["chosen"] == True, ["a", "b"]].drop_duplicates().values.tolist() == [[2, 3]]  # noqa: E712
    first = (tmp_path / "report.md").read_text().split("## The answer\n\n", 1)[1].split("\n", 1)[0]
    assert first == answer_paragraph(found) and "a=2, b=3" in first and "bookings" in first and "$80.0k" in first


def test_the_yearly_budget_is_prorated_to_the_measured_window(problem: TeamMixProblem) -> None:
    assert problem.window_years == pytest.approx(60 / 240)
    assert problem.window_budget == pytest.approx(80_000.0)  # runs measure cost over their 60 days, not a year
    assert TeamMixProblem(problem.experiment, "base", "bookings", BOUNDS).window_budget is None


def test_bad_bounds_are_refused(problem: TeamMixProblem) -> None:
    with pytest.raises(ConfigError, match="not a team"):
        TeamMixProblem(problem.experiment, "base", "bookings", {"c": (1, 2)}).check()
    with pytest.raises(ConfigError, match="LOW:HIGH"):
        TeamMixProblem(problem.experiment, "base", "bookings", {"a": (3, 2)}).check()


def test_the_command_refuses_a_missing_team_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "opt"
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "optimise", "--team", "full_cycle=ten", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "--team = 'full_cycle=ten'" in done.stderr and not out.exists(), done.stderr


@pytest.mark.parametrize("seed", ["4294967296", "-1", "1.5"])
def test_a_sampler_seed_out_of_range_is_refused_before_anything_runs(seed: str, tmp_path: Path) -> None:
    def never(_: Any) -> Any:
        raise AssertionError("nothing may be composed or run")

    assert optimise_main(["--team", "ae=7:8", "--seed", seed, "--out", str(tmp_path / "x")], never) == 2
    assert not (tmp_path / "x").exists()


def test_every_option_that_is_no_number_is_named_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """argparse stopped at the first (--runs x) and named only it; the next try met --seed -1."""

    def never(_: Any) -> Any:
        raise AssertionError("nothing may be composed or run")

    args = ["--team", "ae=7:8", "--runs", "x", "--budget", "lots", "--seed", "-1", "--out", str(tmp_path / "x")]
    assert optimise_main(args, never) == 2
    err = capsys.readouterr().err
    assert "--runs = 'x': must be a whole number" in err and "--budget = 'lots': must be a number" in err
    assert "--seed = -1: must be a whole number from 0 to 4294967295" in err and not (tmp_path / "x").exists()
    # a budget typed in millions is named with the rest, before anything is composed
    args = ["--team", "ae=7:8", "--budget", "4.2", "--seed", "-1", "--out", str(tmp_path / "x")]
    assert optimise_main(args, never) == 2
    err = capsys.readouterr().err
    assert "--budget = 4.2: is $4.2 a year, surely typed in millions or thousands: give whole dollars, 4200000" in err
    assert "--seed = -1" in err and not (tmp_path / "x").exists()
    assert optimise_main(["--team", "ae=7:8", "--budget", "0"], never) == 2
    assert "--budget = 0: must be a positive, finite amount of money a year" in capsys.readouterr().err
    # a fresh user's: --batch 0 had spun for ever, --budget inf and 1e300 had run, --exhaustive skipped the sizes
    for bad, said in (
        (["--batch", "0"], "--batch = 0: must be a whole number >= 1"),
        (["--budget", "inf"], "--budget = inf: must be a positive, finite amount"),
        (["--budget", "1e300"], "--budget = 1e+300: must be at most 1,000,000,000,000"),
        (["--exhaustive", "--final-runs", "1"], "--final-runs = 1: must be a whole number >= 2"),
    ):
        assert optimise_main(["--team", "ae=7:8", *bad], never) == 2, bad
        assert said in capsys.readouterr().err, bad


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (["--trials", "0"], "--trials = 0: must be a whole number >= 1 (mixes to simulate)"),
        (["--finalists", "0"], "--finalists = 0: must be a whole number >= 1 (mixes to re-run)"),
        (["--runs", "1"], "--runs = 1: must be a whole number >= 2"),
        (["--final-runs", "1"], "--final-runs = 1: must be a whole number >= 2"),
        (["--first-runs", "9", "--runs", "8"], "--first-runs = 9: must be from 2 to --runs (8)"),
        (["--first-runs", "1"], "--first-runs = 1: must be from 2 to --runs (8)"),
        (["--exhaustive", "--final-runs", "1"], "--final-runs = 1: must be a whole number >= 2"),
    ],
)
def test_a_bad_search_size_names_its_own_option(
    bad: list[str], said: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--trials 0 had read '--runs/--first-runs/--trials/--finalists/--final-runs = [8, 3, 0, 3, 40]: need ...'.

    The user had to count along five options for the one at fault; each is named alone, as
    sensitivity names its --runs.
    """

    def never(_: Any) -> Any:
        raise AssertionError("nothing may be composed or run")

    assert optimise_main(["--team", "ae=7:8", *bad, "--out", str(tmp_path / "x")], never) == 2
    err = capsys.readouterr().err
    assert said in err and "problem)" in err and "/--" not in err, err
    assert not (tmp_path / "x").exists()


def test_mixes_that_tie_on_the_kpi_go_cheapest_first() -> None:
    # arrivals do not depend on who works them: every mix ties exactly (common random numbers)
    tied = TeamMixProblem(experiment_from_dict(_two_stage()), "base", "leads_arrivals", BOUNDS, BUDGET)
    every = exhaustive(tied, runs=3, workers=1)
    feasible = every[every["feasible"]]
    assert feasible["mean"].nunique() == 1 and list(feasible["cost"]) == sorted(feasible["cost"])
    found = optimise(tied, trials=6, runs=3, first_runs=2, finalists=3, final_runs=4, seed=2, workers=1)
    assert found.recommended is not None
    chosen = next(f for f in found.finalists if f.candidate == found.recommended)
    assert chosen.cost == min(f.cost for f in found.finalists if f.feasible)


def _experiment(**headcounts: int) -> Any:
    config = _two_stage()
    for team, n in headcounts.items():
        config["org"]["teams"][team]["headcount"] = n
    return experiment_from_dict(config)


def test_a_headcount_bound_below_one_is_refused_before_anything_is_composed(
    problem: TeamMixProblem, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"LOW must be at least 1, as org.teams.a.headcount must be a whole number >= 1"
    ):
        TeamMixProblem(problem.experiment, "base", "bookings", {"a": (0, 2)}).check()

    def never(_: Any) -> Any:
        raise AssertionError("nothing may be composed or run")

    code = optimise_main(["--team", "full_cycle=0:3", "--out", str(tmp_path / "x")], never)
    assert code == 2 and not (tmp_path / "x").exists()
    assert (
        "--team full_cycle = '0:3': LOW must be at least 1, as org.teams.full_cycle.headcount must be a whole number "
        ">= 1" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--kpi", "leads_inbound"],
            "--kpi = 'leads_inbound': is neither better higher nor lower, so there is no best",
        ),
        (["--team", "full_cycle=4:5"], "--team full_cycle = ['full_cycle=1:3', 'full_cycle=4:5']: is given twice"),
    ],
)
def test_a_kpi_with_no_best_or_a_team_given_twice_is_refused_before_anything_runs(
    args: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--kpi leads_inbound ran 193 replications and advised cutting 12 reps to 1; a second --team silently won."""

    def never(_: Any) -> Any:
        raise AssertionError("nothing may be composed or run")

    code = optimise_main(["--team", "full_cycle=1:3", *args, "--out", str(tmp_path / "x")], never)
    assert code == 2 and not (tmp_path / "x").exists() and words in capsys.readouterr().err


def test_trials_count_distinct_mixes_and_a_small_space_is_exhausted() -> None:
    small = TeamMixProblem(_experiment(), "base", "bookings", {"a": (1, 2), "b": (1, 3)}, BUDGET)
    done: list[int] = []
    found = optimise(
        small, trials=30, runs=2, first_runs=2, finalists=1, final_runs=2, seed=4, workers=1, on_progress=done.append
    )
    mixes = [tuple(row) for row in found.trials[["a", "b"]].itertuples(index=False)]
    assert len(mixes) == 6 and set(mixes) == {(a, b) for a in (1, 2) for b in (1, 2, 3)}  # each once, every one
    assert list(found.trials["trial"]) == list(range(6))
    assert sum(done) == 6 * 2 + 2 * 2  # each mix simulated once, then the finalist and today's
    assert "The search simulated 6 distinct mixes (every one of the 6 within the bounds)" in answer_paragraph(found)

    fewer = optimise(small, trials=4, runs=2, first_runs=2, finalists=1, final_runs=2, seed=4, workers=1)
    assert len(fewer.trials) == 4 and not fewer.trials.duplicated(subset=["a", "b"]).any()
    assert "The search simulated 4 distinct mixes (of 6 within the bounds)" in answer_paragraph(fewer)


def test_the_budget_line_says_cost_of_sales_once(problem: TeamMixProblem, tmp_path: Path) -> None:
    small = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (1, 2), "b": (1, 1)}, BUDGET)
    found = optimise(small, trials=2, runs=2, first_runs=2, finalists=1, final_runs=2, seed=0, workers=1)
    line = next(line for line in optimisation_markdown(found, tmp_path, None).splitlines() if "**budget**" in line)
    assert line.endswith(
        "**budget**: mean cost of sales at most $320.0k a year ($80.0k over the measured window of 0.25 years)."
    ), line


def test_today_outside_the_bounds_and_better_than_every_mix_found_is_the_answer() -> None:
    # today a=2, b=3 books ~40% more than any mix within a=1, b=1..2, and is within the budget
    outside = TeamMixProblem(_experiment(a=2, b=3), "base", "bookings", {"a": (1, 1), "b": (1, 2)}, BUDGET)
    found = optimise(outside, trials=2, runs=3, first_runs=3, finalists=2, final_runs=10, seed=0, workers=1)
    today = next(f for f in found.finalists if f.today)
    assert not today.contender and today.feasible
    assert all(today.mean > f.mean for f in found.finalists if f.contender)
    assert found.recommended == today.candidate
    text = answer_paragraph(found)
    assert text.startswith("No mix within the bounds beats today's a=2, b=3: it gives bookings of "), text
    assert "against the best found within the bounds (a 1 to 1, b 1 to 2) and within a budget of" in text, text
    assert "The best mix found" not in text


def _finalist(n: int, mean: float, cost: float, *, today: bool = False) -> Finalist:
    low, high = (0.0, 0.278) if mean == 0.0 else (0.108, 0.603)
    return Finalist(
        Candidate((("a", n),)),
        mean,
        low,
        high,
        cost,
        cost,
        cost,
        1 / 3 if not today else math.nan,
        True,
        today=today,
        contender=not today,
    )


def test_a_tie_at_the_top_is_said_as_a_tie_and_today_better_is_said_plainly(problem: TeamMixProblem) -> None:
    # the reported case: three mixes tie at no hit of the plan, today's (outside the bounds) hits it 30% of the time
    one = TeamMixProblem(problem.experiment, "base", "hit_plan", {"a": (1, 3)})
    finalists = [
        _finalist(12, 0.3, 3.71e6, today=True),
        _finalist(1, 0.0, 1.91e6),
        _finalist(2, 0.0, 2.5e6),
        _finalist(3, 0.0, 3.1e6),
    ]
    assert [f.candidate.words() for f in top_ties(finalists)] == ["a=1", "a=2", "a=3"]
    chosen = recommended(finalists, one.sign)
    assert chosen == finalists[0].candidate
    trials = pd.DataFrame({"trial": [0, 1, 2], "state": ["complete"] * 3, "a": [1, 2, 3]})
    found = Optimisation(one, trials, finalists, chosen, 10, {"runs": 8})
    text = answer_paragraph(found)
    assert text.startswith(
        "No mix within the bounds beats today's a=12: it gives the chance of hitting the plan of 30.0% (10.8% to "
        "60.3%) for a cost of sales of $3.71M"
    ), text
    assert "where a=1, a=2 and a=3 tie at 0.0% (0.0% to 27.8%); the cheapest, a=1, costs $1.91M." in text, text

    # the same tie without today's better mix: the cheapest is chosen, and the tie is said
    tied = [_finalist(1, 0.0, 1.91e6), _finalist(2, 0.0, 2.5e6), _finalist(3, 0.0, 3.1e6)]
    found = Optimisation(one, trials, tied, recommended(tied, one.sign), 10, {"runs": 8})
    text = answer_paragraph(found)
    assert found.recommended == tied[0].candidate
    assert text.startswith("The best mixes found, a=1, a=2 and a=3, tie on the chance of hitting the plan at 0.0%"), (
        text
    )
    assert "the cheapest, a=1, costs $1.91M" in text, text
    # "the 3 tied mixes together are the best of the 3 finalists with a probability of 100%" told nothing
    assert "the 3 finalists all tie, so none is favoured (each the best with a probability of 33%, 33% and 33%)" in text
    assert "100%" not in text and "together are the best" not in text, text
    two = [_finalist(12, 0.6, 3.7e6), _finalist(13, 0.6, 3.84e6)]  # the reported case: the 2 finalists both tie
    two = [dataclasses.replace(f, p_best=0.5) for f in two]
    text = answer_paragraph(Optimisation(one, trials, two, recommended(two, one.sign), 10, {"runs": 8}))
    assert "the 2 finalists both tie, so none is favoured (each the best with a probability of 50% and 50%)" in text
    assert "100%" not in text, text


def test_the_answer_says_when_another_finalist_is_likelier_the_best(problem: TeamMixProblem) -> None:
    """The chosen mix has the best mean; a close one beside it can lead more runs: its higher P(best) is said."""
    one = TeamMixProblem(problem.experiment, "base", "hit_plan", {"a": (1, 3)})
    finalists = [_finalist(1, 0.42, 1.9e6), _finalist(2, 0.41, 2.5e6), _finalist(3, 0.30, 3.1e6)]
    finalists = [dataclasses.replace(f, p_best=p) for f, p in zip(finalists, (0.35, 0.45, 0.20), strict=True)]
    trials = pd.DataFrame({"trial": [0, 1, 2], "state": ["complete"] * 3, "a": [1, 2, 3]})
    found = Optimisation(one, trials, finalists, recommended(finalists, one.sign), 10, {"runs": 8})
    text = answer_paragraph(found)
    assert "it is the best of the 3 finalists with a probability of 35%, though a=2 is the best with a higher " in text
    assert "probability, 45% (close mixes split the runs they lead; the chosen one has the best mean)" in text, text
    alone = [dataclasses.replace(finalists[0], p_best=1.0), _finalist(12, 0.3, 3.7e6, today=True)]
    found = Optimisation(one, trials, alone, recommended(alone, one.sign), 10, {"runs": 8})
    text = answer_paragraph(found)  # "the best of the 1 finalists with a probability of 100%" said nothing
    assert "it is the only finalist within the bounds and the budget, so no probability" in text, text
    assert "1 finalists" not in text
    plain = [dataclasses.replace(f, p_best=p) for f, p in zip(finalists, (0.55, 0.25, 0.20), strict=True)]
    found = Optimisation(one, trials, plain, recommended(plain, one.sign), 10, {"runs": 8})
    assert "with a higher probability" not in answer_paragraph(found)


def test_tied_mixes_from_a_search_are_named_as_a_tie() -> None:
    tied = TeamMixProblem(experiment_from_dict(_two_stage()), "base", "leads_arrivals", BOUNDS, BUDGET)
    found = optimise(tied, trials=6, runs=3, first_runs=2, finalists=3, final_runs=4, seed=2, workers=1)
    ties = top_ties(found.finalists)
    assert len(ties) == 3 and ties[0].candidate == found.recommended
    text = answer_paragraph(found)
    assert (
        f"{', '.join(f'({f.candidate.words()})' for f in ties[:2])} and ({ties[2].candidate.words()}), tie on" in text
    )


def _plan_problem() -> TeamMixProblem:
    config = _two_stage()
    config["plan"] = {"bookings": 660_000.0}  # $165k over the window: a=2, b=3 (~$164k) hits it about 40% of runs
    return TeamMixProblem(experiment_from_dict(config), "base", "hit_plan", BOUNDS, BUDGET)


def test_no_hit_in_a_few_runs_does_not_prune_a_mix_against_a_best_of_40_percent() -> None:
    # old rule: 0 hits in 3 runs has se 0, so its "upper end" 0% was below the best's ~40%: pruned.
    # Wilson's upper end of 0/3 is 56%: such a mix cannot be told from the best yet.
    found = optimise(_plan_problem(), trials=10, runs=8, first_runs=3, finalists=2, final_runs=10, seed=1, workers=1)
    rows = found.trials
    best = rows.loc[(rows["state"] == "complete") & rows["feasible"], "mean"].max()
    assert 0.2 < best < 0.56
    for _, row in rows[rows["state"] == "pruned"].iterrows():
        assert wilson_interval(row["mean"] * row["runs"], int(row["runs"]))[1] < best, row
    assert ((rows["state"] == "complete") & (rows["mean"] == 0.0) & (rows["runs"] == 8)).any()


def test_an_interval_of_zero_width_from_few_runs_never_prunes() -> None:
    every_run_the_same = Evaluation(Candidate((("a", 1),)), 3, 5.0, 0.0, 1.0, 0.0, 5.0, 5.0, 1.0, 1.0)
    assert _upper(every_run_the_same, 1) == math.inf and _upper(every_run_the_same, -1) == math.inf
    no_hit = _plan_problem().run([Candidate((("a", 1), ("b", 1)))], 3, workers=1)[0]
    (evaluation,) = no_hit.values()
    assert evaluation.mean == 0.0 and _upper(evaluation, 1) == pytest.approx(wilson_interval(0, 3)[1])


def test_practically_equal_finalists_get_no_favourite(problem: TeamMixProblem) -> None:
    """F-j's kind in a team-mix search: P(best) named a favourite among finalists apart by a few dollars."""
    finalists = [
        Finalist(Candidate((("a", n),)), 2_957_000.0 + n, 2.9e6, 3.0e6, 1e6 * n, 1e6 * n, 1e6 * n, p, True)
        for n, p in ((2, 0.78), (1, 0.22))
    ]
    for f in finalists:
        f.contender, f.practically_equal = True, True
    trials = pd.DataFrame({"trial": [0, 1], "state": ["complete"] * 2, "a": [1, 2]})
    one = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (1, 2)})
    finalists = ranked(finalists, one.sign)  # a dearer mix buys nothing: the cheaper comes first and is chosen
    assert [f.candidate.words() for f in finalists] == ["a=1", "a=2"]
    found = Optimisation(one, trials, finalists, recommended(finalists, one.sign), 20, {"runs": 8})
    assert found.recommended == Candidate((("a", 1),))
    text = answer_paragraph(found)
    assert "with a probability of" not in text, text
    assert text.startswith(
        "The 2 best mixes found are practically equal on bookings, so the cheapest is chosen: a=1, gives bookings of "
    ), text
    assert "within ±0.5% of a=2's mean, so none is favoured on bookings and a dearer one buys nothing" in text


def test_practically_equal_finalists_choose_the_cheapest_and_today_s_is_said() -> None:
    """The calibrated company's search chose Central=11, East=11 for +$564 of bookings at +$111.6k a quarter.

    Today's Central=10, East=10 was practically equal and cheapest: it is the answer now. The
    figure's labels follow suit ("practically equal" where P(best) would be), and its budget line
    is the budget over the measured window, as the trials' costs are.
    """

    def mix(central: int, east: int, mean: float, cost: float, p: float, today: bool = False) -> Finalist:
        candidate = Candidate((("Central", central), ("East", east)))
        return Finalist(
            candidate, mean, mean - 5e4, mean + 5e4, cost, cost - 1e3, cost + 1e3, p, True, today, True, True
        )

    finalists = ranked(
        [
            mix(11, 11, 2_974_480.0, 1_785_000.0, 0.78),
            mix(10, 11, 2_974_100.0, 1_730_000.0, 0.17),
            mix(11, 10, 2_974_000.0, 1_730_500.0, 0.02),
            mix(10, 10, 2_973_916.0, 1_673_357.0, 0.02, today=True),
        ],
        1,
    )
    assert finalists[0].candidate.words() == "Central=10, East=10"
    assert recommended(finalists, 1) == finalists[0].candidate
    # not practically equal: the best mean is chosen, dear or not
    apart = [dataclasses.replace(f, practically_equal=False) for f in finalists]
    assert ranked(apart, 1)[0].candidate.words() == "Central=11, East=11"


def test_with_no_mix_within_the_budget_the_cheapest_mix_simulated_is_named_and_re_run() -> None:
    # every mix costs over $70k a year ($17.5k over the window); today (a=2, b=2) the most, a=1, b=1 the least
    dear = TeamMixProblem(_experiment(a=2, b=2), "base", "bookings", {"a": (1, 2), "b": (1, 2)}, 70_000.0)
    found = optimise(dear, trials=4, runs=3, first_runs=2, finalists=2, final_runs=2, seed=0, workers=1)
    assert set(found.trials["state"]) == {"over budget"}
    cheapest = found.trials.loc[found.trials["cost"].idxmin()]
    assert (cheapest["a"], cheapest["b"]) == (1, 1)
    assert {f.candidate.words() for f in found.finalists} == {"a=1, b=1", "a=2, b=2"}
    assert found.recommended is None
    assert "; the cheapest found, a=1, b=1, costs " in answer_paragraph(found)


def test_the_figure_draws_the_window_s_budget_and_says_practically_equal(
    problem: TeamMixProblem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figure drew a year's $7.20M beside a quarter's costs, and P(best) 78% beside the report's "equal"."""
    import matplotlib.pyplot as plt

    from simulator.report import plot_optimisation as module

    drawn: list[Any] = []
    monkeypatch.setattr(module, "save_figure", lambda fig, path: drawn.append(fig) or Path(path))
    finalists = [
        Finalist(Candidate((("a", n),)), 1e5 + n, 9e4, 1.1e5, 7e4 + n, 6.9e4, 7.1e4, p, True, n == 1, True, True)
        for n, p in ((1, 0.3), (2, 0.7))
    ]
    trials = pd.DataFrame(
        {"trial": [0, 1], "state": ["complete"] * 2, "a": [1, 2], "mean": [1e5, 1e5], "cost": [7e4, 7e4]}
    )
    one = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (1, 2)}, BUDGET)
    module.plot_optimisation(Optimisation(one, trials, finalists, finalists[0].candidate, 20, {"runs": 8}), tmp_path)
    (fig,) = drawn
    left, right = fig.axes[:2]
    [line] = [line for line in left.get_lines() if line.get_linestyle() == "--"]
    assert line.get_xdata()[0] == pytest.approx(BUDGET * 60 / 240)  # $80k over the 60-day window, not $320k
    assert "prorated" in line.get_label()
    assert [t.get_text() for t in right.texts] == ["practically equal", "practically equal"]
    plt.close(fig)
    # too few final runs for a P(best): said so, where every finalist of plan_check's 2-run round had read "the only
    # one within the budget" beside a table of three within it
    few = [dataclasses.replace(f, p_best=math.nan, practically_equal=False) for f in finalists]
    module.plot_optimisation(Optimisation(one, trials, few, few[0].candidate, 2, {"runs": 2}), tmp_path)
    right = drawn[-1].axes[1]
    assert [t.get_text() for t in right.texts] == ["P(best) not given: 2 runs, under 10"] * 2
    plt.close(drawn[-1])
    alone = [few[0], dataclasses.replace(few[1], contender=False, feasible=False)]
    module.plot_optimisation(Optimisation(one, trials, alone, alone[0].candidate, 2, {"runs": 2}), tmp_path)
    right = drawn[-1].axes[1]
    assert [t.get_text() for t in right.texts] == ["the only one within the budget", "over the budget"]
    plt.close(drawn[-1])


def test_a_search_on_the_decision_kpi_says_whether_the_best_mix_reaches_the_experiment_s_target() -> None:
    """plan_check's search answered "full_cycle=18 ... 75.0% (65.7% to 82.5%)" as best, unsaid that it misses 80%."""
    config = _two_stage()
    config["plan"] = {"bookings": 660_000.0}
    config["experiment"]["decision"] = {"primary": "hit_plan", "rule": {"target": 0.8}}
    one = TeamMixProblem(experiment_from_dict(config), "base", "hit_plan", {"a": (1, 2)})
    trials = pd.DataFrame({"trial": [0, 1], "state": ["complete"] * 2, "a": [1, 2]})

    def answer(mean: float, low: float, high: float, gap: float = 0.2) -> str:
        finalists = [
            Finalist(Candidate((("a", 2),)), mean, low, high, 2e6, 2e6, 2e6, 0.9, True, False, True),
            Finalist(Candidate((("a", 1),)), mean - gap, low - gap, high - gap, 1e6, 1e6, 1e6, 0.1, True, True, True),
        ]
        return answer_paragraph(Optimisation(one, trials, finalists, finalists[0].candidate, 40, {"runs": 8}))

    assert "It misses the experiment's target of 80.0%: no mix found reaches it on average." in answer(
        0.75, 0.657, 0.825
    )
    assert "It reaches the experiment's target of 80.0% on average, but its 95% CI reaches below it" in answer(
        0.85, 0.72, 0.93
    )
    assert "It reaches the experiment's target of 80.0%." in answer(0.95, 0.86, 0.99)
    assert "So does a cheaper" not in answer(0.95, 0.86, 0.99)  # a=1's 75% misses it
    # a cheaper finalist that reaches the target too is named, with what it saves and how sure it is
    assert (
        "It reaches the experiment's target of 80.0%. So does today's mix, a=1, for $1.00M less; its 95% CI reaches "
        "below it: more final runs would tell."
    ) in answer(0.95, 0.86, 0.99, gap=0.1)
    assert "So does today's mix, a=1, for $1.00M less." in answer(0.95, 0.86, 0.99, gap=0.05)
    other = TeamMixProblem(experiment_from_dict(config), "base", "bookings", {"a": (1, 2)})
    finalists = [Finalist(Candidate((("a", 2),)), 1e5, 9e4, 1.1e5, 2e6, 2e6, 2e6, 0.9, True, False, True)]
    assert "target" not in answer_paragraph(Optimisation(other, trials, finalists, finalists[0].candidate, 40, {}))


def test_a_budget_no_mix_could_meet_is_refused_before_any_run(problem: TeamMixProblem) -> None:
    """--budget 7000 ran a whole search on the calibrated company: '$7.0k a year ... the cheapest costs $1.67M'."""
    # a: $40k a year, b: $80k, both paid no commission: the fewest reps (a=1, b=1) cost $120k / 0.7 on-costs, $171.4k
    assert problem.least_fixed_cost() == pytest.approx(120_000.0 / 1.0)  # pay_share 1 here: no on-costs
    thousands = TeamMixProblem(problem.experiment, "base", "bookings", BOUNDS, 320.0)
    with pytest.raises(ConfigError) as error:
        thousands.check()
    (issue,) = error.value.issues
    assert issue.key == "--budget" and issue.value == 320.0
    assert "the reps' fixed pay and on-costs alone come to $120.0k a year at the fewest reps (a=1, b=1" in issue.allowed
    assert "typed in thousands?" in issue.allowed
    TeamMixProblem(problem.experiment, "base", "bookings", BOUNDS, 100_000.0).check()  # over half of it: may be met


def test_an_answer_at_the_edge_of_the_bounds_says_a_wider_search_may_do_better(problem: TeamMixProblem) -> None:
    """plan_check's search answered full_cycle=14, its upper bound, with $630k of the budget unspent, unsaid."""
    one = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (2, 4)})
    trials = pd.DataFrame({"trial": [0, 1], "state": ["complete"] * 2, "a": [3, 4]})
    finalists = [
        Finalist(Candidate((("a", 4),)), 2e5, 1.9e5, 2.1e5, 2e6, 2e6, 2e6, 0.99, True, False, True),
        Finalist(Candidate((("a", 3),)), 1e5, 0.9e5, 1.1e5, 1e6, 1e6, 1e6, 0.01, True, True, True),
    ]
    text = answer_paragraph(Optimisation(one, trials, finalists, finalists[0].candidate, 40, {"runs": 8}))
    assert "It has as many reps as the bounds allow for a (4): a mix beyond them may do better (--team a=2:6" in text
    inside = [dataclasses.replace(f, candidate=Candidate((("a", 3),))) for f in finalists[:1]]
    assert "bounds allow" not in answer_paragraph(Optimisation(one, trials, inside, inside[0].candidate, 40, {}))


def test_an_answer_at_the_upper_bound_with_the_budget_spent_does_not_send_the_user_beyond_it(
    problem: TeamMixProblem,
) -> None:
    """plan_check's 16 reps, the upper bound, cost $4.195M of a $4.2M budget and read "a mix beyond them may do better
    (--team full_cycle=10:18 would tell)", where a 17th rep costs about $140k: no wider search finds one within it."""
    budgeted = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (2, 4)}, 4 * 79_000.0)  # $79k a window
    trials = pd.DataFrame(
        {"trial": [0, 1, 2], "state": ["complete"] * 3, "a": [2, 3, 4], "cost": [55_000.0, 67_000.0, 78_500.0]}
    )
    best = Finalist(Candidate((("a", 4),)), 2e5, 1.9e5, 2.1e5, 78_500.0, 77e3, 80e3, 0.99, True, False, True)
    today = Finalist(Candidate((("a", 3),)), 1e5, 0.9e5, 1.1e5, 67_000.0, 66e3, 68e3, 0.01, True, True, True)
    text = answer_paragraph(Optimisation(budgeted, trials, [best, today], best.candidate, 40, {"runs": 8}))
    assert "a mix beyond them may do better" not in text, text
    assert (
        " It has as many reps as the bounds allow for a (4), and as the budget allows: one more costs about $11.8k "
        "over the measured window by the search's costs, which would take it over the budget of $79.0k over the "
        "measured window."
    ) in text, text  # the window's $79k, not the year's $316k the budget was given as
    # budget to spare: a wider search may find a better mix within it, as before
    roomy = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (2, 4)}, 4 * 95_000.0)
    spare = answer_paragraph(Optimisation(roomy, trials, [best, today], best.candidate, 40, {"runs": 8}))
    assert "It has as many reps as the bounds allow for a (4): a mix beyond them may do better (--team a=2:6" in spare


def test_the_final_round_re_runs_the_cheapest_mix_the_search_saw_reach_the_target() -> None:
    """plan_check's search saw 10 reps reach the target 9 times in 10, yet re-ran only its 3 best (12-14 reps):
    the answer named 14 reps and never the cheaper mix that also reached the target."""
    config = _two_stage()
    config["plan"] = {"bookings": 100_000.0}
    config["experiment"]["decision"] = {"primary": "hit_plan", "rule": {"target": 0.8}}
    target = TeamMixProblem(experiment_from_dict(config), "base", "hit_plan", {"a": (1, 4)})
    assert target.target == 0.8 and target.reaches_target(0.8) and not target.reaches_target(0.79)
    seen = {
        Candidate((("a", n),)): Evaluation(Candidate((("a", n),)), 8, mean, 0.05, 1e4 * n, 100.0)
        for n, mean in ((1, 0.5), (2, 0.85), (3, 0.95), (4, 1.0))
    }
    finalists, _ = final_round(target, seen, 2, 4, 1, None)
    assert {f.candidate.words() for f in finalists} == {"a=4", "a=3", "a=2", "a=1"}  # best two, a=2, today's a=1
    finalists, _ = final_round(target, {c: e for c, e in seen.items() if c.words() != "a=2"}, 2, 4, 1, None)
    assert {f.candidate.words() for f in finalists} == {"a=4", "a=3", "a=1"}  # a=3 is both
    trials = pd.DataFrame({"trial": [0, 1, 2], "state": ["complete"] * 3, "a": [1, 2, 3]})
    said = [
        Finalist(Candidate((("a", 3),)), 0.95, 0.9, 0.98, 3e5, 3e5, 3e5, 0.8, True, False, True),
        Finalist(Candidate((("a", 2),)), 0.85, 0.81, 0.88, 2e5, 2e5, 2e5, 0.2, True, False, True),
        Finalist(Candidate((("a", 1),)), 0.5, 0.4, 0.6, 1e5, 1e5, 1e5, 0.0, True, True, True),
    ]
    assert (
        "It reaches the experiment's target of 80.0%. So does a cheaper mix, a=2: 85.0% (81.0% to 88.0%) for a "
        "cost of sales of $200.0k, $100.0k less."
    ) in answer_paragraph(Optimisation(target, trials, said, said[0].candidate, 40, {"runs": 8}))
    none = TeamMixProblem(experiment_from_dict(_two_stage()), "base", "bookings", {"a": (1, 4)})
    assert none.target is None and not none.reaches_target(1e9)
    finalists, _ = final_round(none, seen, 2, 4, 1, None)
    assert {f.candidate.words() for f in finalists} == {"a=4", "a=3", "a=1"}


def test_a_mix_over_the_budget_by_less_than_its_noise_is_re_run_and_its_final_runs_decide(
    problem: TeamMixProblem,
) -> None:
    """plan_check's 13 reps read $3.858M over 8 runs against a $3.84M budget and were dropped unsaid: over 40
    runs they cost $3.813M and booked $336k more than today's 12, clearly better."""
    assert problem.window_budget == pytest.approx(80_000.0)

    def seen(a: int, b: int, mean: float, cost: float, low: float) -> Evaluation:
        return Evaluation(Candidate((("a", a), ("b", b))), 8, mean, 100.0, cost, 1_000.0, cost_low=low, cost_high=cost)

    near = seen(2, 3, 9_000.0, 82_000.0, 79_000.0)  # truly $80k: the search's few runs read it 2.5% over
    dear = seen(4, 3, 9_500.0, 100_000.0, 98_000.0)  # clearly over: its whole CI is above the budget
    cheap = seen(1, 2, 5_000.0, 50_000.0, 50_000.0)
    assert problem.may_be_feasible(near) and not problem.feasible(near) and not problem.may_be_feasible(dear)
    finalists, _ = final_round(problem, {e.candidate: e for e in (near, dear, cheap)}, 2, 6, 1, None)
    names = [f.candidate.words() for f in finalists]
    assert "a=2, b=3" in names and "a=4, b=3" not in names, names
    mine = next(f for f in finalists if f.candidate == near.candidate)
    assert mine.cost == pytest.approx(80_000.0) and mine.feasible and mine.contender  # its final runs decide
    assert recommended(finalists, problem.sign) == near.candidate
    assert mine.clear_of_today and mine.versus_today > 0.0 and mine.versus_today_low > 0.0
    today = next(f for f in finalists if f.today)
    assert today.runs_to_tell is None and mine.runs_to_tell is not None and mine.runs_to_tell <= 6  # clear at 6 runs


def test_mixes_the_search_read_over_the_budget_do_not_crowd_out_the_best_within_it(problem: TeamMixProblem) -> None:
    """plan_check with --budget 3400000 re-ran 13-15 reps (their cost CIs' low ends under the budget, their means
    over it) and not 10 reps at $3.34M, then said 'No mix ... found within a budget of $3.40M; the cheapest found,
    full_cycle=12, costs $3.65M'."""

    def seen(a: int, b: int, mean: float, cost: float, low: float) -> Evaluation:
        return Evaluation(Candidate((("a", a), ("b", b))), 8, mean, 100.0, cost, 1_000.0, cost_low=low, cost_high=cost)

    near = [seen(2, b, 9_000.0 + b, 82_000.0, 79_000.0) for b in (3, 4, 5)]  # over by their means, not clearly
    cheap = seen(1, 2, 5_000.0, 50_000.0, 50_000.0)  # within the budget, the worst mean
    assert all(problem.may_be_feasible(e) and not problem.feasible(e) for e in near) and problem.feasible(cheap)
    finalists, _ = final_round(problem, {e.candidate: e for e in (*near, cheap)}, 2, 4, 1, None)
    assert "a=1, b=2" in [f.candidate.words() for f in finalists]
    trials = pd.DataFrame(
        {
            "trial": range(4),
            "state": ["complete"] * 4,
            "a": [2, 2, 2, 1],
            "b": [3, 4, 5, 2],
            "mean": [e.mean for e in (*near, cheap)],
            "cost": [e.cost for e in (*near, cheap)],
            "cost_ci_low": [e.cost_low for e in (*near, cheap)],
            "feasible": [False, False, False, True],
        }
    )
    found = Optimisation(
        problem, trials, finalists, recommended(finalists, problem.sign), 4, {"runs": 8, "finalists": 2}
    )
    said = answer_paragraph(found)
    assert "a=1, b=2, the best it saw within the budget)" in said and "reach the target" not in said, said


def test_the_answer_says_when_the_chosen_mix_is_not_clearly_better_than_today_s(problem: TeamMixProblem) -> None:
    """plan_check's 14 reps were "the best of the 3 finalists with a probability of 81%" at 55.0% against 50.0%
    with today's 12, when 3 of 40 paired runs favoured 14 and 1 favoured 12, and the answer did not say so."""
    kpi = "hit_plan"
    today = Finalist(Candidate((("a", 1),)), 0.5, 0.35, 0.65, 3.66e6, 3.62e6, 3.69e6, 0.19, True, True, True)
    best = dataclasses.replace(
        today,
        candidate=Candidate((("a", 2),)),
        mean=0.55,
        cost=3.96e6,
        today=False,
        versus_today=0.05,
        versus_today_low=-0.063,
        versus_today_high=0.16,
        runs_to_tell=166,  # 3 of 40 paired runs for, 1 against: the first count whose interval leaves out zero
    )
    from simulator.report.optimisation_words import versus_today_words

    text = versus_today_words(kpi, best, today, 40)
    assert text.startswith(": +5.0 points (95% CI -6.3 to +16.0 points) paired run by run, not clearly better")
    assert "keeping today's mix costs $300.0k less; about 166 final runs (--final-runs) would tell" in text
    clear = dataclasses.replace(best, versus_today_low=0.01, clear_of_today=True)
    assert versus_today_words(kpi, clear, today, 40) == ": +5.0 points (95% CI +1.0 to +16.0 points) paired run by run"
    assert versus_today_words(kpi, today, today, 40) == ""


def test_a_better_mix_over_the_budget_is_named_with_what_it_costs_over(problem: TeamMixProblem) -> None:
    """plan_check with a budget just under 13 reps' cost kept today's 12 and never said that 13, re-run in the final
    round and found a little over, booked more: a leader choosing a budget asks what a little more buys."""
    trials = pd.DataFrame({"trial": [0, 1], "state": ["complete"] * 2, "a": [1, 2], "b": [2, 3]})
    chosen = Finalist(Candidate((("a", 1), ("b", 2))), 5_000.0, 4_500.0, 5_500.0, 50e3, 49e3, 51e3, 0.9, True, True)
    chosen.contender = True
    over = Finalist(Candidate((("a", 2), ("b", 3))), 9_000.0, 8_000.0, 10_000.0, 82e3, 81e3, 83e3, 0.1, False)
    # both re-run on common random numbers: their difference is paired ("a difference of means" had discounted it)
    over.paired = {chosen.candidate.name: (4_000.0, 3_200.0, 4_800.0)}
    found = Optimisation(problem, trials, [chosen, over], chosen.candidate, 40, {"runs": 8})
    text = answer_paragraph(found)
    assert (
        " Over the budget, a=2, b=3 does better on average: bookings of $9.0k ($8.0k to $10.0k) for a cost of "
        "sales of $82.0k ($81.0k to $83.0k), $2.0k over the budget over the measured window (+$4.0k against the "
        "chosen mix, 95% CI +$3.2k to +$4.8k, paired run by run)."
    ) in text, text
    unsure = dataclasses.replace(over, paired={chosen.candidate.name: (4_000.0, -800.0, 8_800.0)})
    unclear = answer_paragraph(dataclasses.replace(found, finalists=[chosen, unsure]))
    assert "95% CI -$800 to +$8.8k, paired run by run, not clearly: the CI includes zero)." in unclear, unclear
    # today's mix over the budget: its paired difference is said already, not again as a difference of means
    today = dataclasses.replace(over, today=True, candidate=Candidate((("a", 3), ("b", 3))))
    said = answer_paragraph(dataclasses.replace(found, finalists=[chosen, today]))
    assert " Over the budget, today's mix, a=3, b=3, does better on average: bookings of $9.0k" in said, said
    assert "a difference of means" not in said
    worse = dataclasses.replace(over, mean=4_000.0, ci_low=3_500.0, ci_high=4_500.0)  # dearer and worse: unsaid
    assert "Over the budget" not in answer_paragraph(dataclasses.replace(found, finalists=[chosen, worse]))


def test_a_chosen_mix_within_the_budget_on_average_says_when_its_cost_s_ci_reaches_over_it(
    problem: TeamMixProblem,
) -> None:
    """plan_check's 16 reps at a $4.2M budget cost $4,195,495 over 2 final runs (95% CI $3.80M to $4.63M) and read
    "the best mix found within a budget of $4.20M ... for a cost of sales of $4.20M", the cost's CI unsaid, where a
    KPI's CI reaching below the target is said."""
    trials = pd.DataFrame({"trial": [0], "state": ["complete"], "a": [1], "b": [2]})
    chosen = Finalist(Candidate((("a", 1), ("b", 2))), 5_000.0, 4_500.0, 5_500.0, 79_990.0, 70e3, 95e3, 0.9, True, True)
    chosen.contender = True
    found = Optimisation(problem, trials, [chosen], chosen.candidate, 2, {"runs": 2})
    text = answer_paragraph(found)
    assert (
        " Its mean cost of sales, $79.99k, is within the budget of $80.00k over the measured window, but its 95% CI "
        "reaches $95.0k: more final runs would tell whether it stays within it."
    ) in text, text
    inside = dataclasses.replace(chosen, cost_high=79_999.0)
    assert "more final runs would tell whether it stays" not in answer_paragraph(
        dataclasses.replace(found, finalists=[inside])
    )


def test_the_only_mix_within_the_budget_is_given_no_probability_of_being_the_best(problem: TeamMixProblem) -> None:
    """At a $3.65M budget plan_check's answer said 11 reps were "the only finalist within the bounds and the budget,
    so no probability of being the best is given" above a table and a CSV reading P(best) 100%."""
    from simulator.report.optimisation_report import _finalist_rows

    today = Evaluation(Candidate((("a", 1), ("b", 1))), 8, 5_000.0, 100.0, 30_000.0, 1_000.0)
    finalists, _ = final_round(problem, {today.candidate: today}, 2, 6, 1, None)
    (only,) = finalists
    assert only.contender and only.today and math.isnan(only.p_best)
    found = Optimisation(problem, pd.DataFrame(), finalists, only.candidate, 6, {"runs": 8})
    assert _finalist_rows(found)[0][-1] == "-"


def test_a_team_the_kpi_does_not_read_is_said_so_not_cut_in_silence() -> None:
    """optimise --team csm=1:3 on plan_check's chance of hitting its new-business plan tied every mix and chose
    csm=1, "$2.23M against $3.66M with today's csm=11", and a CI of -5.0 to +5.0 points around a difference that is 0
    in every run: nothing said the KPI never reads the CSMs' work."""
    experiment = simulator.load_experiment("plan_check")
    unmoved = TeamMixProblem(experiment, experiment.baseline, "hit_plan", {"csm": (9, 11)})
    found = optimise(unmoved, trials=3, runs=3, first_runs=3, finalists=2, final_runs=6, seed=0, workers=1)
    assert all(f.same_as_today for f in found.finalists if not f.today) and len(found.finalists) == 3
    # no 1-in-3 chance each of being the best where every run is the same: equal, in the table and the CSV too
    assert all(math.isnan(f.p_best) and f.practically_equal for f in found.finalists)
    text = answer_paragraph(found)
    assert "with today's csm=11: the same as today's in every run." in text, text
    assert (
        "The chance of hitting the plan is the same in every run of every mix re-run, today's too: the headcount of "
        "csm does not move it, so the cheaper mix is chosen on cost alone; search a KPI their work moves (--kpi)"
    ) in text
    assert "bounds allow" not in text and "95% CI" not in text.split("today's csm=11")[1].split(".")[0]
    assert "with 6 runs on common random numbers, the same in every run, so none is favoured." in text
    moved = TeamMixProblem(experiment, experiment.baseline, "hit_plan", {"full_cycle": (11, 13)})
    assert unmoved_words(Optimisation(moved, found.trials, [], None, 6, {})) == ""


def test_the_final_round_pairs_every_finalist_with_every_other(problem: TeamMixProblem) -> None:
    """The finalists run on common random numbers: each one's difference to another is paired run by run."""
    seen = {
        e.candidate: e
        for e in (
            Evaluation(Candidate((("a", 1), ("b", 2))), 8, 5_000.0, 100.0, 50_000.0, 1_000.0),
            Evaluation(Candidate((("a", 2), ("b", 2))), 8, 6_000.0, 100.0, 60_000.0, 1_000.0),
        )
    }
    finalists, _ = final_round(problem, seen, 2, 6, 1, None)
    by_name = {f.candidate.name: f for f in finalists}
    a, b = (by_name[c.name] for c in seen)
    diff, low, high = a.paired[b.candidate.name]
    assert diff == pytest.approx(a.mean - b.mean) and low <= diff <= high  # paired means differ as the means do
    assert b.paired[a.candidate.name] == pytest.approx((-diff, -high, -low))
    assert set(a.paired) == {f.candidate.name for f in finalists} - {a.candidate.name}


def test_a_cheaper_better_mix_the_search_saw_over_the_budget_is_named_though_not_re_run(
    problem: TeamMixProblem,
) -> None:
    """At a $3.45M budget plan_check's answer named today's 12 reps, $220.2k over, and said nothing of 11 reps, $3.58M
    in the search's 8 runs, which booked more than the pick too: it was not re-run, its cost clearly over."""
    trials = pd.DataFrame(
        {
            "trial": [0, 1, 2],
            "state": ["complete", "complete", "over budget"],
            "a": [1, 2, 3],
            "b": [2, 2, 2],
            "runs": [8, 8, 3],
            "mean": [5_000.0, 7_000.0, 9_500.0],
            "cost": [50e3, 81_500.0, 95e3],
            "feasible": [True, False, False],
        }
    )
    chosen = Finalist(Candidate((("a", 1), ("b", 2))), 5_000.0, 4_500.0, 5_500.0, 50e3, 49e3, 51e3, math.nan, True)
    chosen.contender = True
    today = Finalist(Candidate((("a", 3), ("b", 3))), 9_000.0, 8e3, 1e4, 90e3, 89e3, 91e3, math.nan, False, True)
    found = Optimisation(problem, trials, [chosen, today], chosen.candidate, 40, {"runs": 8})
    text = answer_paragraph(found)
    assert " Over the budget, today's mix, a=3, b=3, does better on average" in text, text
    assert (
        " In the search's 8 runs a=2, b=2 did better too, $7.0k for $81.5k, $1.5k over the budget: it was not "
        "re-run (a few runs put its cost clearly over)."
    ) in text, text
    from simulator.report.optimisation_report import trials_table

    why = dict(zip(trials["a"], trials_table(found)["not_re_run"], strict=True))
    assert why[2] == "better than the chosen mix in the search's runs; over the budget" and why[3] == ""
    alone = answer_paragraph(dataclasses.replace(found, finalists=[chosen]))
    assert " In the search's 8 runs a=2, b=2 did better, $7.0k" in alone and "today's mix, a=3" not in alone


def test_a_pick_the_budget_holds_at_the_fewest_reps_is_not_sent_lower(problem: TeamMixProblem) -> None:
    """At a $3.45M budget plan_check chose 10 reps, the bounds' fewest, while 11 booked more over the budget; the
    answer said "a mix beyond them may do better (--team full_cycle=8:14 would tell)", the wrong way."""
    one = TeamMixProblem(problem.experiment, "base", "bookings", {"a": (2, 4)}, BUDGET)
    chosen = Finalist(Candidate((("a", 2),)), 1e5, 0.9e5, 1.1e5, 1e4, 1e4, 1e4, math.nan, True, False, True)

    def answer_with(more_mean: float) -> str:
        trials = pd.DataFrame(
            {"trial": [0, 1], "state": ["complete"] * 2, "a": [2, 3], "mean": [1e5, more_mean], "feasible": [1, 0]}
        )
        return answer_paragraph(Optimisation(one, trials, [chosen], chosen.candidate, 40, {"runs": 8}))

    assert "bounds allow" not in answer_with(2e5)  # one more rep did better: the budget holds the pick low
    assert "It has as few reps as the bounds allow for a (2): a mix beyond them may do better" in answer_with(0.5e5)


def test_a_team_among_others_the_kpi_does_not_read_is_said_so() -> None:
    """optimise --team full_cycle=10:16 --team csm=9:12 --kpi contribution on plan_check chose "full_cycle=14,
    csm=11" unsaid that contribution never reads the CSMs' work: full_cycle=13 with csm=11 and with csm=12 were
    re-run and equal in every run, so csm=11 was no finding (csm=9 gives the same for less). Only a search whose
    every team is so (unmoved_words) had been told."""
    experiment = simulator.load_experiment("plan_check")
    mixed = TeamMixProblem(experiment, experiment.baseline, "contribution", {"full_cycle": (12, 13), "csm": (10, 11)})
    found = exhaustive_optimisation(mixed, runs=2, finalists=4, final_runs=4, workers=1)
    assert unmoved_words(found) == ""  # full_cycle moves it
    text = answer_paragraph(found)
    assert (
        "The headcount of csm does not move contribution (full_cycle=13, csm=10 and full_cycle=13, csm=11 give the "
        "same in every run re-run), so the csm of the mix chosen is no finding: search a KPI their work moves (--kpi) "
        "before setting it."
    ) in text, text
    assert idle_teams(found) == ["csm"]
    assert "--team csm=" not in text  # fewer CSMs than the bounds allow would not do better on it
    moved = TeamMixProblem(experiment, experiment.baseline, "bookings", {"full_cycle": (12, 13), "csm": (10, 11)})
    assert idle_teams(Optimisation(moved, found.trials, [], None, 4, {})) == []
