"""Morris judges each lever's mu* against the noise of its own mean of r effects, not one pooled step's.

The old floor was two standard errors of ONE elementary effect, pooled over every step of
every lever: a capacity lever's wide luck set it, and a mean of r effects was held to a
single step's noise. ``salesim sensitivity`` on generalist_vs_specialist (8 levers, runs 10,
Morris r = 10, 4 runs a point) read "Noise floor $957.6k; below it: market.deal_value.p90
..." beside that lever's mu* of $921.8k (95% CI $731.1k to $1.11M) and a clear swing one at a
time (+$714k to +$1.35M); its own steps' noise was $221.6k a step, its floor now $270.8k.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.global_options import MORRIS_STEP
from simulator.analysis.global_sensitivity import _design, morris_result
from simulator.analysis.morris_noise import effect_noise, no_effect_quantile, noise_floor

R, RUNS = 10, 4
NAMES = ["capacity", "price", "inert"]
EFFECT = {"capacity": 10.0, "price": 1.0, "inert": 0.0}  # a full low-high move's effect
LUCK = {"capacity": 3.0, "price": 0.1, "inert": 0.5}  # the spread of a level's own luck in a run


def _runs(seed: int) -> tuple[dict[str, object], np.ndarray, pd.DataFrame, list[str]]:
    """A Morris design of three levers and runs of it: each lever's luck is its own, common random numbers.

    A run at a point is the levers' effects plus luck the replication shares at every point
    (it cancels in a step) plus, per lever, luck drawn for the level it stands at in that
    trajectory: a step moves one lever's level, so its paired runs differ by that lever's
    luck alone, as a headcount reshuffles every deal and a deal value scales the same deals.
    """
    problem: dict[str, object] = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = _design("morris", problem, R, 3)
    rng = np.random.default_rng(seed)
    shared = rng.normal(0.0, 50.0, RUNS)
    own = rng.standard_normal((R, len(NAMES), 4, RUNS))  # trajectory, lever, grid level, replication
    rows = []
    for p, point in enumerate(x):
        t = p // (len(NAMES) + 1)
        for r in range(RUNS):
            value = shared[r]
            for i, name in enumerate(NAMES):
                level = round(point[i] * 3)
                value += EFFECT[name] * point[i] + LUCK[name] * own[t, i, level, r]
            rows.append({"scenario": f"x{p:04d}", "replication": r, "k": value})
    return problem, x, pd.DataFrame(rows), [f"x{p:04d}" for p in range(len(x))]


def test_a_lever_is_judged_against_its_own_noise_not_the_pooled_step() -> None:
    problem, x, runs, names = _runs(seed=7)
    table, advice, pooled = morris_result(problem, x, runs, "k", names, R, 3)
    table = table.set_index("parameter")
    old_floor = 2.0 * pooled  # the old rule: two pooled standard errors of one step's effect
    price = table.loc["price"]
    assert price["mu_star"] == pytest.approx(1.0, rel=0.1)  # a real effect ...
    assert price["mu_star"] < old_floor  # ... the old rule called noise (its floor was about 3.9)
    assert price["floor"] < 0.2 < 0.8 < price["mu_star_ci_low"]  # ... clear of its own mean's noise
    assert bool(price["above_noise"]) and bool(table.loc["capacity", "above_noise"])
    inert = table.loc["inert"]  # luck alone: its mu* is about 0.8 of one effect's noise, whatever r
    assert inert["mu_star"] > 2.0 * inert["noise"] / math.sqrt(R)  # a bare sqrt(r) rule would call it an effect
    assert inert["mu_star"] < inert["floor"] and not bool(inert["above_noise"])
    words = " ".join(advice)
    assert "below theirs: inert." in words and "each lever's own" in words


def test_a_lever_with_no_effect_stays_below_its_floor_about_19_times_in_20() -> None:
    above = 0
    for seed in range(60):
        problem, x, runs, names = _runs(seed)
        table, _, _ = morris_result(problem, x, runs, "k", names, R, 3)
        above += int(table.set_index("parameter").loc["inert", "above_noise"])
    assert above <= 8  # 3 expected of 60 at 5%; 8 or more has a chance below 2%


def test_each_lever_s_noise_comes_from_its_own_paired_steps() -> None:
    problem, x, runs, names = _runs(seed=1)
    se, steps, df = effect_noise(runs, "k", names, x, np.asarray(problem["bounds"], dtype=float))
    assert steps.tolist() == [R] * 3 and df.tolist() == [R * (RUNS - 1)] * 3
    # a step's paired runs differ by two draws of the lever's own luck: sd sqrt(2) luck over sqrt(runs)
    expected = [math.sqrt(2.0) * LUCK[n] / math.sqrt(RUNS) / MORRIS_STEP for n in NAMES]
    assert se == pytest.approx(expected, rel=0.35)
    assert noise_floor(se, steps, df) == pytest.approx(se * no_effect_quantile(R, R * (RUNS - 1)))
    # the percentile of a no-effect mu* over its measured noise: more than sqrt(2/pi) = 0.80, falling with r
    assert 1.15 < no_effect_quantile(10, 30) < 1.30 and no_effect_quantile(50, 150) < 1.0
    assert math.isnan(noise_floor(np.array([math.nan]), np.array([0]), np.array([0]))[0])


def test_the_answer_names_the_first_lever_above_its_own_floor() -> None:
    """Floors are per lever: the largest mu* may sit below its own floor while a smaller one clears its own."""
    from simulator.analysis.global_sensitivity import GlobalSensitivity
    from simulator.report.sensitivity_global import global_words

    table = pd.DataFrame(
        {"parameter": ["noisy", "price"], "mu_star": [5e5, 3e5], "floor": [6e5, 1e5], "above_noise": [False, True]}
    )
    found = GlobalSensitivity("morris", "bookings", table, 30, 4, 3e5, [])
    words = global_words(found, ["noisy", "price"], "price")
    assert "Morris screening also ranks price first of the levers above their noise floors." in words
    quiet = global_words(
        GlobalSensitivity("morris", "bookings", table.assign(above_noise=False), 30, 4, 3e5, []), [], ""
    )
    assert "cannot rank the levers yet: every lever's effect is below its own noise floor." in quiet


def _refit_runs(seed: int, draws: int, runs: int) -> tuple[dict[str, object], np.ndarray, pd.DataFrame, list[str]]:
    """As :func:`_runs`, but a level's luck is its refit's: run r is on refit r mod ``draws``, as a calibrated
    company's runs are, with a little luck of the run's own on top."""
    problem: dict[str, object] = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = _design("morris", problem, R, 3)
    rng = np.random.default_rng(seed)
    own = rng.standard_normal((R, len(NAMES), 4, draws))  # trajectory, lever, grid level, refit
    rows = []
    for p, point in enumerate(x):
        t = p // (len(NAMES) + 1)
        for r in range(runs):
            value = 0.01 * rng.standard_normal()
            for i, name in enumerate(NAMES):
                value += EFFECT[name] * point[i] + LUCK[name] * own[t, i, round(point[i] * 3), r % draws]
            rows.append({"scenario": f"x{p:04d}", "replication": r, "k": value})
    return problem, x, pd.DataFrame(rows), [f"x{p:04d}" for p in range(len(x))]


def test_runs_sharing_a_refit_are_one_unit_of_a_step_s_noise() -> None:
    """12 runs a point on 3 refits: a step's 12 paired differences are 3 refits' 4 times over, so its noise is
    that of 3 values, not 12; counted as 12 the inert lever cleared its floor 56 times in 60 (5% intended; 1 now)."""
    problem, x, runs, names = _refit_runs(0, draws=3, runs=12)
    bounds = np.asarray(problem["bounds"], dtype=float)
    shared, _, df_shared = effect_noise(runs, "k", names, x, bounds, draws=3)
    naive, _, df_naive = effect_noise(runs, "k", names, x, bounds)
    assert df_shared.tolist() == [R * 2] * 3 and df_naive.tolist() == [R * 11] * 3
    # 12 differences, 4 copies of 3: a variance of 4 SS / 11 / 12 = SS / 33 counted as runs, SS / 2 / 3 as refits
    assert shared == pytest.approx(math.sqrt(33.0 / 6.0) * naive, rel=0.01)
    above = {0: 0, 3: 0}
    for seed in range(60):
        problem, x, runs, names = _refit_runs(seed, draws=3, runs=12)
        for draws in above:
            table, _, _ = morris_result(problem, x, runs, "k", names, R, 3, draws)
            above[draws] += int(table.set_index("parameter").loc["inert", "above_noise"])
    assert above[3] <= 8 < above[0], above  # 3 expected of 60 at 5%; 8 or more has a chance below 2%


def test_a_sobol_point_s_noise_counts_refits_not_runs() -> None:
    """Sobol's noise of a point's mean: 12 runs on 3 refits are 3 values 4 times over, as for Morris's steps."""
    from simulator.analysis.morris_noise import point_noise

    rng = np.random.default_rng(0)
    refit = rng.normal(0.0, 1.0, (2, 3))  # point, refit
    rows = [
        {"scenario": f"x{p}", "replication": r, "k": refit[p, r % 3] + 0.001 * rng.standard_normal()}
        for p in range(2)
        for r in range(12)
    ]
    runs = pd.DataFrame(rows)
    shared, naive = point_noise(runs, "k", ["x0", "x1"], draws=3), point_noise(runs, "k", ["x0", "x1"])
    assert shared == pytest.approx(math.sqrt(33.0 / 6.0) * naive, rel=0.01)  # as for a step: SS/6 against SS/33
