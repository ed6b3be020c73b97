"""Global sensitivity through SALib: Morris screening or Sobol indices, with their sample-size advice.

One-at-a-time ranges miss interactions (a conversion that matters only when capacity is
short). Here every chosen lever varies across its low-high range at once:

- **Morris** (elementary effects; SALib ``sample.morris`` / ``analyze.morris``):
  ``r`` trajectories of ``k + 1`` points on a 4-level grid, each step moving one lever
  by ``MORRIS_STEP`` (2/3, :mod:`~simulator.analysis.global_options`) of its range. SALib
  divides a step's change of the KPI by
  that 2/3, so an elementary effect, and ``mu*`` (their mean absolute value, in the KPI's
  unit), is the effect of moving a lever across its *whole* low-high range, comparable
  with its one-at-a-time swing; ``mu*`` ranks the levers, with a bootstrap 95% CI;
  ``sigma`` large against ``mu*`` signals interactions or non-linearity (Campolongo,
  Cariboni and Saltelli 2007). Each lever's noise floor is scaled alike.
- **Sobol** (SALib ``sample.sobol`` / ``analyze.sobol``, first and total order):
  ``N (k + 2)`` points; ``S1`` is the share of the KPI's variance a lever explains alone,
  ``ST`` with its interactions.

Each point is a scenario run ``runs_per_point`` times on common random numbers (all
points share the seed), and the model's output is the mean of the KPI over those runs.
Under a calibrated company's parameter draws a point's value of a lever the refits fit is
placed on each refit as the one-at-a-time study moves it: at the same place in the refit's
own low-high range (:func:`simulator.analysis.refit_levers.design_value`; for a lever moved
by a share, the refit's own value times the point's value over the point fit's).
Each lever's mu* is judged against the Monte Carlo noise of its own elementary effects
(:func:`effect_noise`, :func:`noise_floor`): a step's noise is measured on the paired runs of
its two points (common random numbers) and pooled over the lever's own r steps, so a
capacity lever's wide luck does not bury a price lever's narrow one. A lever with no effect
still has a mu* above zero, the mean of r absolute values of noise (about 0.8 of one
effect's standard error, however large r is), so its floor is the mu* such a lever stays
below 19 times in 20: the 95th percentile of the mean of r absolute normal draws over the
measured standard error (a Student-like ratio, with the degrees of freedom of the lever's
paired runs). A lever whose mu* is above it has an effect the design can tell from noise.
The advice says whether the design resolved the ranking and what to increase if not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.analysis.formatting import format_amount, level_unit
from simulator.analysis.global_options import (
    MORRIS_LEVELS,
    MORRIS_MIN_TRAJECTORIES,
    SOBOL_MIN_SAMPLES,
    global_option_issues,
)
from simulator.analysis.lever_values import Lever, with_value
from simulator.analysis.morris_noise import effect_noise, noise_floor, point_noise
from simulator.analysis.question_words import question_text
from simulator.analysis.refit_levers import design_configs, with_refits
from simulator.analysis.results import run_experiment
from simulator.config.errors import ConfigError
from simulator.run.build import experiment_from_dicts
from simulator.run.experiment import Experiment
from simulator.run.parameter_draws import drawn_configs, redrawn

SOBOL_SETTLED = 0.1  # the widest 95% CI half-width at which Sobol indices read as settled
BOOTSTRAP_RESAMPLES = 1000


@dataclass(slots=True)
class GlobalSensitivity:
    """The result of a global method.

    Attributes:
        method: ``morris`` or ``sobol``.
        kpi: The KPI.
        table: One row per lever, most influential first: Morris ``mu_star``,
            ``mu_star_ci_low``/``high``, ``mu``, ``sigma``, the lever's own ``noise`` (the
            standard error of one of its elementary effects from Monte Carlo noise alone) and
            ``floor`` (the mu* a lever with no effect stays below 19 times in 20, see
            :func:`noise_floor`), ``above_noise`` (mu* above that floor); Sobol ``S1``,
            ``S1_conf``, ``ST``, ``ST_conf``.
        points: Scenarios (design points) run.
        runs_per_point: Replications per point.
        noise: Morris: the standard error of one elementary effect from Monte Carlo noise alone,
            root mean square over the levers (each lever's own is the table's ``noise``);
            Sobol: the standard error of a point's mean.
        advice: Sentences on the design's size: whether it resolved the ranking, what to increase.
        draws: The calibrated company's parameter draws the points ran under (run *r* on refit
            *r* mod it; 0: none): a lever the refits fit stood on each refit at the same place
            in the refit's own low-high range as the point's value in the point fit's.
    """

    method: str
    kpi: str
    table: pd.DataFrame
    points: int
    runs_per_point: int
    noise: float
    advice: list[str] = field(default_factory=list)
    draws: int = 0


def sobol_unsettled(table: pd.DataFrame) -> str | None:
    """Why Sobol's total indices cannot rank the levers yet (None: they can); the report and the answer ask here.

    Unsettled when the widest 95% CI half-width exceeds :data:`SOBOL_SETTLED`, or when the
    95% CIs of the two largest ST overlap.
    """
    widest = float(np.nanmax(table[["S1_conf", "ST_conf"]].to_numpy())) if len(table) else math.nan
    if not math.isfinite(widest) or widest > SOBOL_SETTLED:
        return f"the widest 95% CI half-width is {widest:.2f}"
    if len(table) >= 2:
        a, b = table.iloc[0], table.iloc[1]
        if float(a["ST"]) - float(a["ST_conf"]) <= float(b["ST"]) + float(b["ST_conf"]):
            return (
                f"the 95% CIs of the two largest total indices overlap ({a['parameter']} {float(a['ST']):.2f} ± "
                f"{float(a['ST_conf']):.2f}, {b['parameter']} {float(b['ST']):.2f} ± {float(b['ST_conf']):.2f})"
            )
    return None


def _problem(levers: Sequence[Lever]) -> dict[str, object]:
    bounds = [
        [lever.low if lever.low is not None else lever.base, lever.high if lever.high is not None else lever.base]
        for lever in levers
    ]
    return {"num_vars": len(levers), "names": [lever.key for lever in levers], "bounds": bounds}


def _design(method: str, problem: dict[str, object], size: int, seed: int) -> np.ndarray:
    if method == "morris":
        from SALib.sample import morris as morris_sample

        return np.asarray(morris_sample.sample(problem, N=size, num_levels=MORRIS_LEVELS, seed=seed))
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        return np.asarray(sobol_sample.sample(problem, N=size, calc_second_order=False, seed=seed))
    raise ConfigError.single("--global", method, "must be morris, sobol or none")


def design_experiment(
    experiment: Experiment, scenario: str, levers: Sequence[Lever], x: np.ndarray, runs: int
) -> Experiment:
    """One scenario per design point (``x0000``, ...), every lever set to the point's value, seeds shared.

    Under a calibrated company's parameter draws, a lever the refits fit takes on refit k
    the same place in refit k's own low-high range (:func:`~simulator.analysis.refit_levers.design_value`):
    its levels on the refits come with it from the one-at-a-time study, or are found here.

    Raises:
        ConfigError: When a lever's side cannot run on some refit.
    """
    base_config = experiment.resolved_config["scenarios"][scenario]
    base = dict(experiment.resolved_config["base"])
    meta = dict(base.get("experiment") or {})
    names = [f"x{i:04d}" for i in range(len(x))]
    # the question with its settings in words: the study's scenarios are not the ones it names
    meta.update(name=f"{experiment.name}_global", baseline=names[0], question=question_text(experiment))
    base.update(experiment=meta, runs=runs, seed=experiment.seed)
    drawn = drawn_configs(experiment, {**base_config, "runs": runs, "experiment": meta})  # none without draws
    levers = [with_refits(drawn, lever) for lever in levers]
    scenarios = {}
    given = {}
    for name, point in zip(names, x, strict=True):
        config = dict(base_config)
        for lever, value in zip(levers, point, strict=True):
            config = with_value(config, lever.key, float(value), lever.whole)
        scenarios[name] = {**config, "runs": runs, "experiment": meta}
        if any(lever.refits for lever in levers):
            given[name] = design_configs(drawn, levers, point)
    return redrawn(experiment_from_dicts(base, scenarios), experiment, given)  # a calibrated company's refits


def global_sensitivity(
    experiment: Experiment,
    scenario: str,
    levers: Sequence[Lever],
    kpi: str,
    method: str = "morris",
    size: int = MORRIS_MIN_TRAJECTORIES,
    runs_per_point: int = 4,
    seed: int = 0,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> GlobalSensitivity:
    """Run a global method over ``levers`` (their low-high ranges) on one KPI.

    Args:
        experiment: The experiment the scenario comes from (its seed is kept for the runs).
        scenario: The scenario whose levers vary.
        levers: The levers (at least two), each over its low-high range.
        kpi: The KPI.
        method: ``morris`` or ``sobol``.
        size: Morris trajectories ``r``, or Sobol's base sample ``N`` (a power of 2).
        runs_per_point: Replications per design point (at least 2, to measure the noise).
        seed: Seed of SALib's design and bootstrap.
        workers: Worker processes (None: every core).
        on_progress: Called with the number of replications just finished.

    Raises:
        ConfigError: Fewer than two levers, fewer than two runs per point, an unknown
            method, or a design point the config refuses.
    """
    issues = global_option_issues(method, len(levers), size, runs_per_point)
    if issues:
        raise ConfigError(issues)
    problem = _problem(levers)
    x = _design(method, problem, size, seed)
    design = design_experiment(experiment, scenario, levers, x, runs_per_point)
    result = run_experiment(design, workers=workers, on_progress=on_progress)
    draws = design.parameter_draw_count
    runs = result.replications
    if kpi not in runs.columns:
        raise KeyError(f"no run reports the KPI {kpi!r}")
    names = [spec.name for spec in result.experiment.scenarios]
    if method == "morris":
        table, advice, noise = morris_result(problem, x, runs, kpi, names, size, seed, draws)
        return GlobalSensitivity(method, kpi, table, len(x), runs_per_point, noise, advice, draws)
    y = runs.groupby("scenario")[kpi].mean().reindex(names).to_numpy(dtype=float)
    noise = point_noise(runs, kpi, names, draws)
    table, advice = _sobol(problem, y, size, seed)
    return GlobalSensitivity(method, kpi, table, len(x), runs_per_point, noise, advice, draws)


def morris_result(
    problem: dict[str, object],
    x: np.ndarray,
    runs: pd.DataFrame,
    kpi: str,
    names: Sequence[str],
    size: int,
    seed: int,
    draws: int = 0,
) -> tuple[pd.DataFrame, list[str], float]:
    """Morris's table and advice from the runs of its design, each lever judged against its own noise.

    Args:
        problem: SALib's problem (the levers' names and low-high bounds).
        x: The design, one row per point, in the order of ``names``.
        runs: Every replication of every point (``scenario``, ``replication``, ``kpi``).
        kpi: The KPI.
        names: The points' scenario names, in design order.
        size: The trajectories r.
        seed: Seed of SALib's bootstrap.
        draws: The parameter draws the runs cycle through (0: none): runs on one refit share it.

    Returns:
        The table (see :class:`GlobalSensitivity`), the advice, and the noise of one elementary
        effect pooled over the levers (root mean square).
    """
    y = runs.groupby("scenario")[kpi].mean().reindex(list(names)).to_numpy(dtype=float)
    bounds = np.asarray(problem["bounds"], dtype=float)
    se, steps, df = effect_noise(runs, kpi, names, x, bounds, draws)
    table, advice = _morris(problem, x, y, se, steps, df, size, seed, kpi)
    measured = se[np.isfinite(se)]
    return table, advice, math.sqrt(float(np.mean(measured**2))) if measured.size else math.nan


def _morris(
    problem: dict[str, object],
    x: np.ndarray,
    y: np.ndarray,
    se: np.ndarray,
    steps: np.ndarray,
    df: np.ndarray,
    size: int,
    seed: int,
    kpi: str,
) -> tuple[pd.DataFrame, list[str]]:
    from SALib.analyze import morris

    found = morris.analyze(
        problem, x, y, num_resamples=BOOTSTRAP_RESAMPLES, conf_level=0.95, num_levels=MORRIS_LEVELS, seed=seed
    )
    mu_star = np.asarray(found["mu_star"], dtype=float)
    floor = noise_floor(se, steps, df)
    table = pd.DataFrame(
        {
            "parameter": list(found["names"]),
            "mu_star": mu_star,
            # mu* is a mean of absolute effects: its interval stops at 0
            "mu_star_ci_low": np.maximum(0.0, mu_star - np.asarray(found["mu_star_conf"], dtype=float)),
            "mu_star_ci_high": mu_star + np.asarray(found["mu_star_conf"], dtype=float),
            "mu": np.asarray(found["mu"], dtype=float),
            "sigma": np.asarray(found["sigma"], dtype=float),
            "noise": se,
            "floor": floor,
            "above_noise": mu_star > floor,  # NaN floor (noise not measured): not above
        }
    )
    table = table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    return table, morris_advice(table, int(problem["num_vars"]), size, kpi)  # type: ignore[call-overload]


def morris_advice(table: pd.DataFrame, k: int, size: int, kpi: str) -> list[str]:
    """How far a Morris ranking can be read: ``table`` sorted by ``mu_star``, with its CI, ``floor``, ``above_noise``.

    ``k`` levers, ``size`` trajectories; each lever's ``floor`` (in the KPI's unit) is the mu* a
    lever with no effect stays below 19 times in 20 (:func:`noise_floor`).
    """
    advice = [
        f"Morris screening ran r = {size} trajectories of k + 1 = {k + 1} points: r (k + 1) = {size * (k + 1)} "
        f"scenarios. Campolongo et al. (2007) take r = {MORRIS_MIN_TRAJECTORIES} as the usual minimum; 20 to 50 "
        "give rankings that no longer change."
    ]
    if size < MORRIS_MIN_TRAJECTORIES:
        advice.append(f"r = {size} is below that minimum: treat the ranking as a first look and raise --trajectories.")
    what = (
        "the mu* a lever with no effect stays below 19 times in 20: the mean of r absolute elementary effects made "
        "of the Monte Carlo noise of that lever's own steps, measured on the paired runs of their two points"
    )
    if not bool(table["above_noise"].any()):
        advice.append(
            f"No lever's mu* is above its own noise floor ({_floors_words(table, kpi)}; {what}): the ranking "
            "cannot be read yet; raise --global-runs (the floors fall as one over its square root)."
        )
        return advice
    # Each lever above the noise among the top three against the next one down, whether or
    # not that one is above the noise: the top is settled only once it stands clear of it.
    top = table.head(3)
    pairs = [
        (a, b)
        for (_, a), (_, b) in zip(top.iloc[:-1].iterrows(), top.iloc[1:].iterrows(), strict=False)
        if bool(a["above_noise"])
    ]
    unresolved = [
        f"{a['parameter']} and {b['parameter']}" for a, b in pairs if a["mu_star_ci_low"] <= b["mu_star_ci_high"]
    ]
    if unresolved:
        advice.append(
            f"The 95% CIs of mu* overlap for {'; '.join(unresolved)}: their order is not settled; doubling r "
            "narrows those intervals by about 1.4 times."
        )
    elif pairs:
        first_look = f", as far as r = {size} can tell" if size < MORRIS_MIN_TRAJECTORIES else ""
        advice.append(
            "The 95% CI of each largest mu* above the noise lies clear of the next lever's: the top of the "
            f"ranking is settled{first_look}."
        )
    quiet = table.loc[~table["above_noise"].astype(bool), "parameter"].tolist()
    advice.append(
        f"Noise floors, each lever's own ({_floors_words(table, kpi)}): {what}; a mu* below its floor cannot be "
        "told from noise" + (f"; below theirs: {', '.join(quiet)}." if quiet else "; every lever is above its own.")
    )
    strong = table[(table["sigma"] > table["mu_star"]) & table["above_noise"].astype(bool)]["parameter"].tolist()
    if strong:
        advice.append(
            f"sigma exceeds mu* for {', '.join(strong)}: their effect depends on the other levers (interactions) "
            "or changes sign across the range."
        )
    return advice


def _floors_words(table: pd.DataFrame, kpi: str) -> str:
    """``$112.0k to $852.3k``: the range of the levers' noise floors (one figure when they are alike)."""
    floors = table["floor"].to_numpy(dtype=float)
    floors = floors[np.isfinite(floors)]
    if not floors.size:
        return "not measured"
    low, high = format_amount(kpi, float(floors.min())), format_amount(kpi, float(floors.max()))
    unit = level_unit(kpi)  # said once: "2.4 to 4.1 hours of working days"
    return low if low == high else f"{low.removesuffix(unit)} to {high}"


def _sobol(problem: dict[str, object], y: np.ndarray, size: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    from SALib.analyze import sobol

    found = sobol.analyze(problem, y, calc_second_order=False, num_resamples=BOOTSTRAP_RESAMPLES, seed=seed)
    table = pd.DataFrame(
        {
            "parameter": list(problem["names"]),  # type: ignore[call-overload]
            "S1": np.asarray(found["S1"], dtype=float),
            "S1_conf": np.asarray(found["S1_conf"], dtype=float),
            "ST": np.asarray(found["ST"], dtype=float),
            "ST_conf": np.asarray(found["ST_conf"], dtype=float),
        }
    )
    table = table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    k = int(problem["num_vars"])  # type: ignore[call-overload]
    advice = [
        f"Sobol indices used a base sample of N = {size}: N (k + 2) = {size * (k + 2)} scenarios. Saltelli et al. "
        f"(2010) use N of {SOBOL_MIN_SAMPLES} to 1,024 for indices within about +-0.05; the cost grows with k."
    ]
    why = sobol_unsettled(table)
    if why is not None:
        advice.append(f"{why[:1].upper()}{why[1:]}: indices are not yet settled; quadruple N to halve the intervals.")
    else:
        advice.append(
            f"Every 95% CI half-width is within {SOBOL_SETTLED} and the two largest ST do not overlap: the indices "
            "are settled at this N."
        )
    return table, advice
