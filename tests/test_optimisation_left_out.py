"""The mixes a team-mix search found as good, or reaching the target, that its final round did not re-run.

A fresh user's search (bounds 10:20, budget $5M) saw 15, 16, 17 and 20 reps hit the plan in 8
of 8 runs, re-ran only the cheapest, 15 (65% in 20 runs), and answered "no mix found within
the budget reaches it", while 17 and 20 did in other final rounds; with 3 finalists it re-ran
15-17 and never named 20, tied with them in the search.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.finalists import Finalist, not_re_run
from simulator.analysis.optimisation import Optimisation
from simulator.analysis.team_mix import Candidate, TeamMixProblem
from simulator.report.optimisation_report import answer_paragraph, trials_table
from simulator.run.build import experiment_from_dict
from tests.test_optimisation import _two_stage


def _problem() -> TeamMixProblem:
    config = _two_stage()
    config["plan"] = {"bookings": 100_000.0}
    config["experiment"]["decision"] = {"primary": "hit_plan", "rule": {"target": 0.8}}
    return TeamMixProblem(experiment_from_dict(config), "base", "hit_plan", {"a": (1, 5)})


def _search() -> pd.DataFrame:
    means = [0.5, 0.85, 0.9, 1.0, 1.0]
    return pd.DataFrame(
        {
            "trial": range(5),
            "state": ["complete"] * 5,
            "a": [1, 2, 3, 4, 5],
            "runs": [8] * 5,
            "mean": means,
            "cost": [1e4 * n for n in range(1, 6)],
            "feasible": [True] * 5,
        }
    )


def _finalist(n: int, mean: float, today: bool = False) -> Finalist:
    low, high = mean - 0.1, min(1.0, mean + 0.1)
    return Finalist(Candidate((("a", n),)), mean, low, high, 1e4 * n, 1e4 * n, 1e4 * n, 0.3, True, today, True)


def test_mixes_as_good_in_the_search_or_reaching_the_target_are_named_with_the_finalists_to_re_run_them() -> None:
    problem = _problem()
    # --finalists 1: the best, a=4 (the cheaper of a=4 and a=5's 8 of 8), the cheapest reaching, a=2, today's a=1
    finalists = [_finalist(4, 0.7), _finalist(2, 0.6), _finalist(1, 0.4, today=True)]
    left = not_re_run(problem, _search(), finalists, 1)
    assert [c.words() for c in left.tied] == ["a=5"]
    assert [c.words() for c in left.reaching] == ["a=5", "a=3"]
    assert left.finalists_needed == 3  # a=4, a=5, a=3 by search mean: the three best take both in
    found = Optimisation(problem, _search(), finalists, finalists[0].candidate, 40, {"runs": 8, "finalists": 1})
    text = answer_paragraph(found)
    assert "It misses the experiment's target of 80.0%: none of the 3 mixes re-run reaches it on average." in text
    assert (
        " Not re-run: a=5, as good as a mix re-run and reaching the target, and a=3, reaching the target, in the "
        "search's 8 runs; --finalists 3 would re-run them."
    ) in text
    # "the best of the 3 finalists" under --finalists 1: which were re-run, and why
    assert "Re-run together (the search's best, today's mix and a=2, the cheapest it saw reach the target) with" in text
    # every mix re-run: nothing said, and "no mix found" stands
    every = [_finalist(n, 0.7 - 0.05 * n) for n in (4, 5, 3, 2)] + [_finalist(1, 0.4, today=True)]
    found = Optimisation(problem, _search(), every, every[0].candidate, 40, {"runs": 8, "finalists": 4})
    text = answer_paragraph(found)
    assert "Not re-run" not in text and "no mix found reaches it on average" in text
    assert "Re-run together (the search's 4 best and today's mix) with" in text
    assert not not_re_run(problem, _search(), every, 4).every()


def test_without_a_target_only_the_ties_at_the_cut_are_named() -> None:
    problem = TeamMixProblem(experiment_from_dict(_two_stage()), "base", "bookings", {"a": (1, 5)})
    search = _search().assign(mean=[10.0, 20.0, 30.0, 40.0, 40.0])
    finalists = [_finalist(4, 40.0), _finalist(1, 10.0, today=True)]  # --finalists 1: a=4, the cheaper of 40 and 40
    left = not_re_run(problem, search, finalists, 1)
    assert [c.words() for c in left.tied] == ["a=5"] and left.reaching == [] and left.finalists_needed == 2
    finalists = [_finalist(4, 40.0), _finalist(5, 40.0), _finalist(1, 10.0, today=True)]  # --finalists 2
    assert not not_re_run(problem, search, finalists, 2).every()


def test_optimisation_csv_ranks_the_search_and_says_why_a_mix_is_named_as_not_re_run() -> None:
    problem = _problem()
    finalists = [_finalist(4, 0.7), _finalist(2, 0.6), _finalist(1, 0.4, today=True)]
    found = Optimisation(problem, _search(), finalists, finalists[0].candidate, 40, {"runs": 8, "finalists": 1})
    table = trials_table(found).set_index("a")
    # the search's order: a=4 and a=5 both 1.0 (the cheaper first), then 0.9, 0.85, 0.5
    assert table["search_rank"].tolist() == [5, 4, 3, 1, 2]
    assert table["re_run"].tolist() == [True, True, False, True, False]
    assert table.loc[5, "not_re_run"] == "as good as a mix re-run; reaching the target"
    assert table.loc[3, "not_re_run"] == "reaching the target"
    assert table.loc[[1, 2, 4], "not_re_run"].tolist() == ["", "", ""]
