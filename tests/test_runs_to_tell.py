"""The final runs that would tell a difference: the interval itself on the runs' pattern, not a square-root rule.

``salesim optimise --team full_cycle=10:16 --budget 4200000 experiment=plan_check --runs 2
--first-runs 2 --final-runs 2`` chose 16 reps, hitting the plan in 2 runs of 2 against 1 of 2
with today's 12, and read "about 4 final runs (--final-runs) would tell a difference this
size": 4 runs of the same split give 2 discordant pairs, which McNemar's exact test cannot
tell from chance (p = 0.5), so the CI still holds zero; it takes 12.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from simulator.analysis.comparison import compare
from simulator.analysis.finalists import Finalist
from simulator.analysis.intervals import t_half_width
from simulator.analysis.paired_intervals import paired_event_interval
from simulator.analysis.runs_to_tell import runs_to_tell
from simulator.analysis.team_mix import Candidate
from simulator.report.optimisation_words import versus_today_words


def _split(n: int, both: int, only_s: int, only_b: int) -> tuple[np.ndarray, np.ndarray]:
    """Paired 0/1 runs: ``both`` hit by both, ``only_s`` by the scenario alone, ``only_b`` by the baseline alone."""
    neither = n - both - only_s - only_b
    scenario = np.repeat([1.0, 1.0, 0.0, 0.0], [both, only_s, only_b, neither])
    baseline = np.repeat([1.0, 0.0, 1.0, 0.0], [both, only_s, only_b, neither])
    return scenario, baseline


def _clear(low: float, high: float) -> bool:
    return low > 0.0 or high < 0.0


def test_a_plan_hit_in_two_runs_of_two_against_one_takes_twelve_runs_not_four() -> None:
    scenario, baseline = _split(2, 1, 1, 0)
    assert not _clear(*paired_event_interval(scenario, baseline))
    assert not _clear(*paired_event_interval(*_split(4, 2, 2, 0)))  # the "about 4" the old rule gave: still unclear
    needed = runs_to_tell(scenario, baseline, "hit_plan")
    assert needed == 12
    assert _clear(*paired_event_interval(*_split(12, 6, 6, 0)))
    assert not _clear(*paired_event_interval(*_split(10, 5, 5, 0)))


def test_the_count_for_a_yes_no_kpi_is_the_first_whose_interval_leaves_out_zero() -> None:
    """plan_check's 14 reps over 40 final runs: 3 runs favoured 14, 1 favoured 12 (+5 points, CI -6.3 to +16.0)."""
    scenario, baseline = _split(40, 20, 3, 1)
    needed = runs_to_tell(scenario, baseline, "hit_plan")
    assert needed is not None and needed > 40

    def scaled(n: int) -> tuple[np.ndarray, np.ndarray]:
        # largest remainders: whole runs first, the runs left to the cells with the largest fractions
        exact = np.array([20, 3, 1, 16]) * n / 40
        cells = np.floor(exact).astype(int)
        cells[np.argsort(-(exact - cells), kind="stable")[: n - int(cells.sum())]] += 1
        return _split(n, int(cells[0]), int(cells[1]), int(cells[2]))

    assert _clear(*paired_event_interval(*scaled(needed)))
    assert not _clear(*paired_event_interval(*scaled(needed - 1)))


def test_the_count_for_an_amount_follows_the_t_quantile_at_the_runs_it_names() -> None:
    """At 2 runs the t quantile is 12.7, not 2.0: scaling that half-width by 1/sqrt(runs) had asked ~1,300 runs."""
    differences = np.array([3.0, -1.0])
    needed = runs_to_tell(differences, np.zeros(2), "bookings")
    std, mean = float(np.std(differences, ddof=1)), float(np.mean(differences))
    assert needed is not None
    assert t_half_width(std, needed) < mean <= t_half_width(std, needed - 1)
    assert needed < 2 * ((t_half_width(std, 2) / mean) ** 2)  # the old rule's count
    # and a sample of that many runs with the same mean and spread is clear by the comparison itself
    rng = np.random.default_rng(1)
    draws = rng.standard_normal(needed)
    values = mean + std * (draws - draws.mean()) / draws.std(ddof=1)
    import pandas as pd

    runs = pd.DataFrame(
        {
            "scenario": ["s"] * needed + ["b"] * needed,
            "replication": [*range(needed), *range(needed)],
            "contribution": [*values, *([0.0] * needed)],
        }
    )
    row = compare(runs, "b", kpis=["contribution"]).iloc[0]
    assert bool(row["significant"])


def test_no_count_for_no_difference() -> None:
    assert runs_to_tell(np.ones(5), np.ones(5), "hit_plan") is None
    assert runs_to_tell(np.array([1.0, 2.0]), np.array([2.0, 1.0]), "bookings") is None


def test_the_answer_names_the_count_of_the_pattern() -> None:
    kpi = "hit_plan"
    today = Finalist(Candidate((("full_cycle", 12),)), 0.5, 0.095, 0.905, 3.65e6, 3.59e6, 3.72e6, 0.0, True, True, True)
    best = dataclasses.replace(
        today,
        candidate=Candidate((("full_cycle", 16),)),
        mean=1.0,
        cost=4.195e6,
        today=False,
        versus_today=0.5,
        versus_today_low=-0.431,
        versus_today_high=0.973,
        runs_to_tell=runs_to_tell(*_split(2, 1, 1, 0), kpi),
    )
    text = versus_today_words(kpi, best, today, 2)
    assert "about 12 final runs (--final-runs) would tell a difference this size" in text, text
    assert "about 4 final runs" not in text
    # a count the comparison's own interval already contradicts (no more than the runs made) is not said
    assert "would tell" not in versus_today_words(kpi, dataclasses.replace(best, runs_to_tell=2), today, 2)


def test_a_pattern_and_its_mirror_need_the_same_runs() -> None:
    """Each cell had been rounded alone and "neither" took the remainder, so hit and miss swapped could differ by a run.

    One run hit by both and one by the scenario alone read 12 runs; its mirror (one run
    missed by both, one hit by the baseline alone) read 11, where 5.5 and 5.5 runs had
    become 0 and 6 discordant runs plus 5 missed by both. 8 runs with 2 for the scenario
    alone and 3 for the baseline alone read 164, its mirror 165. Every pattern of up to 8
    runs now reads the same count as its mirrors.
    """
    assert runs_to_tell(*_split(2, 1, 1, 0), "hit_plan") == 12
    assert runs_to_tell(*_split(2, 0, 0, 1), "hit_plan") == 12
    for n in (2, 5, 8):
        for both in range(n + 1):
            for only_s in range(n + 1 - both):
                for only_b in range(n + 1 - both - only_s):
                    if only_s == only_b:
                        continue
                    scenario, baseline = _split(n, both, only_s, only_b)
                    counts = {
                        runs_to_tell(scenario, baseline, "hit_plan"),
                        runs_to_tell(baseline, scenario, "hit_plan"),
                        runs_to_tell(1.0 - scenario, 1.0 - baseline, "hit_plan"),
                        runs_to_tell(1.0 - baseline, 1.0 - scenario, "hit_plan"),
                    }
                    assert len(counts) == 1, (n, both, only_s, only_b, counts)
