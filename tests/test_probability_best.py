"""P(best) agrees with the paired CI beside it: Student t on the paired runs, not a bootstrap of them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.analysis.ranking import BEST_DRAWS, probability_best, rank_scenarios


def _runs(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame({"scenario": name, "replication": np.arange(values.size), "bookings": values})
            for name, values in columns.items()
        ]
    )


def test_a_scenario_never_worse_in_20_runs_is_not_sure_to_be_the_best() -> None:
    """19 ties and one better run: the bootstrap of runs read "100%" beside a paired CI including zero."""
    base = np.random.default_rng(3).normal(3e6, 2e5, 20)
    better = base.copy()
    better[7] += 150_000.0
    runs = _runs({"today": base, "more": better})
    ranking = rank_scenarios(runs, "bookings", "today", ["today", "more"]).set_index("scenario")
    assert not bool(ranking.loc["more", "significant"])  # the paired CI includes zero
    chance = float(ranking.loc["more", "p_best"])
    exact = float(stats.t.cdf(1.0, 19))  # mean 7.5k over its standard error 7.5k: t = 1
    assert chance == pytest.approx(exact, rel=1e-12)  # two scenarios: exact, no draws


@pytest.mark.parametrize("shift", [0.0, 20_000.0, 45_000.0, 80_000.0])
def test_two_scenarios_read_students_t_at_the_paired_difference(shift: float) -> None:
    """For two scenarios P(best) is t's distribution at mean / se of the paired differences; clear iff > 97.5%."""
    rng = np.random.default_rng(11)
    base = rng.normal(3e6, 3e5, 30)
    other = base + shift + rng.normal(0.0, 1e5, 30)
    runs = _runs({"today": base, "other": other})
    diff = other - base
    t = diff.mean() / (diff.std(ddof=1) / math.sqrt(diff.size))
    exact = float(stats.t.cdf(t, diff.size - 1))
    chance = probability_best(runs, "bookings", ["today", "other"])["other"]
    assert chance == pytest.approx(exact, rel=1e-12)
    ranking = rank_scenarios(runs, "bookings", "today", ["today", "other"]).set_index("scenario")
    clear = bool(ranking.loc["other", "significant"])
    assert clear == (exact > 0.975 or exact < 0.025)


def test_ties_share_and_a_constant_difference_is_sure() -> None:
    base = np.random.default_rng(5).normal(1e6, 1e5, 12)
    found = probability_best(_runs({"a": base, "b": base.copy(), "c": base - 1.0}), "bookings", ["a", "b", "c"])
    assert found == {"a": 0.5, "b": 0.5, "c": 0.0}
    assert probability_best(_runs({"a": base, "b": base.copy()}), "bookings", ["a", "b"]) == {"a": 0.5, "b": 0.5}
    assert probability_best(_runs({"a": base, "c": base - 1.0}), "bookings", ["a", "c"]) == {"a": 1.0, "c": 0.0}


def test_three_scenarios_draw_what_two_work_out_exactly() -> None:
    """With a third scenario far behind, the draws give the two leaders' exact t probability, within their noise."""
    rng = np.random.default_rng(21)
    base = rng.normal(3e6, 3e5, 25)
    other = base + 30_000.0 + rng.normal(0.0, 1e5, 25)
    two = probability_best(_runs({"a": base, "b": other}), "bookings", ["a", "b"])["b"]
    three = probability_best(_runs({"a": base, "b": other, "c": base - 5e6}), "bookings", ["a", "b", "c"])["b"]
    assert three == pytest.approx(two, abs=4 * math.sqrt(two * (1 - two) / BEST_DRAWS))


def test_lower_is_better_reads_the_other_way() -> None:
    rng = np.random.default_rng(8)
    base = rng.normal(100.0, 10.0, 40)
    found = probability_best(
        _runs({"slow": base, "fast": base - 5.0 + rng.normal(0, 1, 40)}), "bookings", ["slow", "fast"], good=-1
    )
    assert found["fast"] > 0.99 and sum(found.values()) == pytest.approx(1.0)


def _outcomes(only_first: int, only_second: int, both: int, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """The 0/1 outcomes of two scenarios over ``runs`` paired runs: (first, second)."""
    first = np.zeros(runs)
    second = np.zeros(runs)
    first[:both] = second[:both] = 1.0
    first[both : both + only_first] = 1.0
    second[both + only_first : both + only_first + only_second] = 1.0
    return first, second


def _events(only_first: int, only_second: int, both: int, runs: int) -> pd.DataFrame:
    first, second = _outcomes(only_first, only_second, both, runs)
    return pd.concat(
        [
            pd.DataFrame({"scenario": name, "replication": np.arange(runs), "hit_plan": values})
            for name, values in (("today", second), ("more", first))
        ]
    )


def test_a_yes_no_kpi_reads_mcnemars_exact_test_as_its_ci_does() -> None:
    """plan_check, 20 runs: 5 where only two more reps hit the plan read "P(best) 99%" beside 0.0 to +44.8 points."""
    ranking = rank_scenarios(_events(5, 0, 6, 20), "hit_plan", "today", ["today", "more"]).set_index("scenario")
    assert not bool(ranking.loc["more", "significant"])
    assert ranking.loc["more", "p_best"] == pytest.approx(0.9749)  # mid-p 1 - 1/64 held under 97.5%: unclear
    clear = rank_scenarios(_events(7, 0, 6, 20), "hit_plan", "today", ["today", "more"]).set_index("scenario")
    assert bool(clear.loc["more", "significant"]) and clear.loc["more", "p_best"] == pytest.approx(1 - 0.5 / 128)
    # one run apart: the mid-p's 75%, not the exact test's coin flip (50% / 50% beside a ranking naming one first)
    one = rank_scenarios(_events(1, 0, 6, 20), "hit_plan", "today", ["today", "more"]).set_index("scenario")
    assert one.loc["more", "p_best"] == pytest.approx(0.75)


def test_a_third_scenario_far_behind_never_raises_the_leaders_chance_past_its_pairwise_one() -> None:
    """plan_check's two scenarios read 97% on 5 discordant runs to 0 (unclear); a third, clearly worse scenario
    lifted the leader to "99%" beside the same CI of 0.0 to +31.1 points."""
    table = _events(5, 0, 6, 30)
    worse = table[table.scenario == "today"].assign(scenario="minus_two", hit_plan=0.0)
    three = pd.concat([table, worse])
    two = probability_best(table, "hit_plan", ["today", "more"])["more"]
    found = probability_best(three, "hit_plan", ["today", "more", "minus_two"])
    assert found["more"] <= two + 1e-12 and sum(found.values()) == pytest.approx(1.0)
    ranking = rank_scenarios(three, "hit_plan", "today", ["today", "more", "minus_two"]).set_index("scenario")
    assert not bool(ranking.loc["more", "significant"]) and ranking.loc["more", "p_best"] < 0.975
    # an amount too: the draws' noise never lifts the leader past its paired t probability
    rng = np.random.default_rng(4)
    base = rng.normal(3e6, 3e5, 25)
    amounts = _runs({"a": base, "b": base + 60_000 + rng.normal(0, 1e5, 25), "c": base - 2e6})
    pair = probability_best(amounts, "bookings", ["a", "b"])["b"]
    assert probability_best(amounts, "bookings", ["a", "b", "c"])["b"] <= pair + 1e-12


@pytest.mark.parametrize("runs", [10, 20, 70, 100])
def test_a_yes_no_kpi_is_clear_exactly_when_its_leader_reads_above_97_5_percent(runs: int) -> None:
    """Every 2 x 2 table of paired runs (a fifth of the concordant counts), the one a hair from p = 0.05 among them."""
    from simulator.analysis.best_of_two import first_hits_more
    from simulator.analysis.paired_intervals import paired_event_interval

    for both in [*range(0, runs, max(1, runs // 5)), 90]:
        for only_first in range(0, runs - both + 1):
            for only_second in range(0, runs - both - only_first + 1):
                first, second = _outcomes(only_first, only_second, both, runs)
                low, high = paired_event_interval(first, second)
                chance = first_hits_more(first, second)
                assert (low > 0 or high < 0) == (max(chance, 1 - chance) > 0.975), (runs, both, only_first, only_second)


def test_a_single_scenario_with_runs_is_surely_the_best() -> None:
    """One column (a sweep of which one job finished) is the best for sure; the pair check had crashed on it."""
    base = np.random.default_rng(8).normal(1e6, 1e5, 12)
    assert probability_best(_runs({"only": base}), "bookings", ["only"]) == {"only": 1.0}
    assert probability_best(_runs({"only": base}), "bookings", ["only", "absent"]) == {"only": 1.0, "absent": 0.0}


def test_a_rival_no_draw_crowns_reads_its_chance_below_the_draws_not_zero() -> None:
    """rep_attrition's turnover_50 read "0%" (and sdr_headcount's sdr_2) beside a chance of beating the leader alone
    of 5e-6 (1e-4): no draw of 4,000 had crowned it, which is no certainty; it reads "<1%"."""
    from simulator.analysis.formatting import format_chance

    rng = np.random.default_rng(4)
    leader = rng.normal(4e6, 3e5, 40)
    rivals = {name: leader - 1.2e5 + rng.normal(0.0, 2.0e5, 40) for name in ("next", "far")}
    chances = probability_best(_runs({"leader": leader, **rivals}), "bookings", ["leader", "next", "far"])
    behind = rivals["far"] - leader
    alone = float(stats.t.cdf(behind.mean() / (behind.std(ddof=1) / math.sqrt(40)), 39))  # far beats leader
    assert 1e-6 < alone < 1.0 / BEST_DRAWS  # below what the draws resolve, yet no certainty
    assert chances["far"] == pytest.approx(alone, rel=1e-9) and format_chance(chances["far"]) == "<1%"
    assert format_chance(chances["next"]) == "<1%" and format_chance(chances["leader"]) == ">99%"
    assert sum(chances.values()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("twins", ["rival", "leader", "both"])
def test_scenarios_equal_in_every_run_read_the_same_chance(twins: str) -> None:
    """Two finalists with equal runs had read P(best) 1.8% and 1.7%: what the pairwise bound moved went to one."""
    unequal = 0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        behind = rng.normal(3e6, 2e5, 30)
        ahead = behind + rng.normal(6e4, 2e5, 30)
        columns = {"ahead": ahead, "behind": behind}
        if twins in ("leader", "both"):
            columns["ahead_too"] = ahead.copy()
        if twins in ("rival", "both"):
            columns["behind_too"] = behind.copy()
        chances = probability_best(_runs(columns), "bookings", list(columns))
        assert sum(chances.values()) == pytest.approx(1.0, abs=1e-12)
        assert min(chances.values()) >= 0.0
        if "ahead_too" in chances:
            unequal += chances["ahead"] != chances["ahead_too"]
        if "behind_too" in chances:
            unequal += chances["behind"] != chances["behind_too"]
    assert unequal == 0


def test_a_chance_short_of_one_never_reads_as_a_certainty() -> None:
    """A t of 7.7 over 100 runs is 0.99999999999476: within a millionth of 1, it read "100%", its rival "0%".

    A t of 40 is 1 - 1e-60 or so, which a float holds as 1.0: it read "100%" for the same
    reason. Only a difference the same in every run is a certainty.
    """
    from simulator.analysis.best_of_two import first_hits_more, first_is_better
    from simulator.analysis.formatting import format_chance

    n = 100
    noise = np.random.default_rng(3).standard_normal(n)
    noise = (noise - noise.mean()) / noise.std(ddof=1)  # mean 0, standard deviation 1
    for t in (7.7, 40.0):
        base = 1e6 + 1e3 * noise[::-1]
        runs = pd.DataFrame(
            {
                "scenario": ["a"] * n + ["b"] * n,
                "replication": [*range(n), *range(n)],
                "bookings": [*(base + 1e3 * (t / np.sqrt(n) + noise)), *base],  # paired difference: mean / se = t
            }
        )
        two = probability_best(runs, "bookings", ["a", "b"])
        assert two["b"] > 0.0 and two["a"] < 1.0, (t, two)
        assert (format_chance(two["a"]), format_chance(two["b"])) == (">99%", "<1%"), (t, two)
        third = runs.loc[runs["scenario"] == "b"].assign(scenario="c", bookings=lambda d: d["bookings"] - 500.0)
        three = probability_best(pd.concat([runs, third]), "bookings", ["a", "b", "c"])
        assert [format_chance(three[s]) for s in "abc"] == [">99%", "<1%", "<1%"], (t, three)
    # 60 runs hit by one scenario alone: McNemar's mid-p is 1 - 2**-61, a float's 1.0
    hits, misses = np.ones(n), np.r_[np.zeros(60), np.ones(40)]
    assert format_chance(first_hits_more(hits, misses)) == ">99%"
    assert format_chance(first_hits_more(misses, hits)) == "<1%"
    assert first_is_better(np.full(n, 2.0)) == 1.0  # the same difference in every run: a certainty, "100%"
