"""The Monte Carlo noise of a global study: Morris's elementary effects, each lever's floor, a point's mean.

A Morris study (:mod:`simulator.analysis.global_sensitivity`) judges each lever's mu* (the
mean of its r absolute elementary effects) against the noise of its own steps: a lever with
no effect still has mu* of about 0.8 times one step's standard error, whatever r, so the
floor is the percentile of that no-effect mu* (:func:`noise_floor`), per lever. A single
floor pooled over every lever's steps had called clear effects noise (deal_value.p90's mu*
of $921.8k, CI $731k to $1.11M, under one floor of $957.6k set by the capacity levers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import draw_means
from simulator.analysis.global_options import MORRIS_STEP

NOISE_LEVEL = 0.95  # a lever with no effect stays below its floor this often
NOISE_DRAWS = 40_000  # draws of the no-effect mu* whose percentile is the floor (seeded: the same every run)


def effect_noise(
    runs: pd.DataFrame, kpi: str, names: Sequence[str], x: np.ndarray, bounds: np.ndarray, draws: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per lever, the standard error of one of its elementary effects from Monte Carlo noise alone.

    A Morris step joins two consecutive points of a trajectory, one lever moved (the one whose
    design value changes, as a share of its range); both points run the same replications
    (common random numbers), so the noise of the step's change of the KPI is the spread of the
    per-replication differences over the square root of the runs. Pooled (root mean square)
    over the lever's own steps and divided by :data:`MORRIS_STEP`, as SALib scales the effect.
    Under a calibrated company's parameter draws, runs on one refit share it: a step's
    differences are first averaged refit by refit and the refits are the unit
    (:func:`simulator.analysis.draw_means.draw_means`), as every other interval of salesim.

    Args:
        runs: Every replication of every point.
        kpi: The KPI.
        names: The points' scenario names, in design order (``x``'s rows).
        x: The design.
        bounds: Each lever's low and high (one row per lever, ``x``'s columns).
        draws: The parameter draws the runs cycle through (run *r* on refit *r* mod draws); 0: none.

    Returns:
        Per lever: the standard error (NaN when no step of it has two paired runs), the
        number of its steps measured, and the degrees of freedom of the pooled variance
        (the paired runs of each step less one, summed).
    """
    k = bounds.shape[0]
    table = runs.pivot_table(index="replication", columns="scenario", values=kpi, aggfunc="first")
    width = bounds[:, 1] - bounds[:, 0]
    scale = np.where(width > 0, width, 1.0)
    trajectory = k + 1
    variances: list[list[float]] = [[] for _ in range(k)]
    df = np.zeros(k, dtype=np.int64)
    for start in range(0, len(names) - trajectory + 1, trajectory):
        for j in range(start, start + trajectory - 1):
            a, b = names[j], names[j + 1]
            moved = np.abs(np.asarray(x[j + 1], dtype=float) - np.asarray(x[j], dtype=float)) / scale
            if not moved.any() or a not in table.columns or b not in table.columns:
                continue
            lever = int(np.argmax(moved))
            paired = (table[b] - table[a]).dropna()
            diff = paired.to_numpy(dtype=float)
            by_draw = draw_means(diff, paired.index.to_numpy(), draws)
            diff = diff if by_draw is None else by_draw
            if diff.size >= 2:
                variances[lever].append(float(diff.var(ddof=1)) / diff.size)
                df[lever] += diff.size - 1
    steps = np.array([len(v) for v in variances], dtype=np.int64)
    se = np.array([math.sqrt(float(np.mean(v))) / MORRIS_STEP if v else math.nan for v in variances])
    return se, steps, df


@lru_cache(maxsize=64)
def no_effect_quantile(steps: int, df: int, level: float = NOISE_LEVEL) -> float:
    """The ``level`` percentile of a no-effect lever's mu* over its measured noise (see :func:`noise_floor`).

    A lever with no effect has ``steps`` elementary effects of pure noise, each normal with the
    standard error s the runs measure; mu* is the mean of their absolute values, and s is
    estimated with ``df`` degrees of freedom: the ratio mu* / s-hat is the mean of ``steps``
    absolute standard normals over sqrt(chi-square(df) / df). Its percentile is drawn
    (:data:`NOISE_DRAWS` draws, a fixed seed): about 1.22 for r = 10 steps of 4 runs each
    (df 30), 1.08 for r = 20 (df 60), tending to sqrt(2 / pi) = 0.80 as r and df grow.
    """
    rng = np.random.default_rng(20_070_101)
    noise = np.abs(rng.standard_normal((NOISE_DRAWS, steps))).mean(axis=1)
    measured = np.sqrt(rng.chisquare(df, NOISE_DRAWS) / df)
    return float(np.quantile(noise / measured, level))


def noise_floor(se: np.ndarray, steps: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Per lever, the mu* a lever with no effect stays below 19 times in 20, given its own noise.

    mu* is a mean of the lever's r absolute elementary effects, so it is judged against the
    noise of such a mean, not against one step's: with no effect it is the mean of r absolute
    draws of noise of standard error ``se`` (about 0.8 ``se``, whatever r), spread by about
    0.6 ``se`` over the square root of r. The floor is ``se`` times :func:`no_effect_quantile`
    (``steps`` effects, ``df`` degrees of freedom of ``se``): about 1.22 ``se`` at r = 10 with 4
    runs a point. NaN where the noise was not measured.
    """
    return np.array(
        [
            s * no_effect_quantile(int(n), int(d)) if math.isfinite(s) and n >= 1 and d >= 1 else math.nan
            for s, n, d in zip(se, steps, df, strict=True)
        ]
    )


def point_noise(runs: pd.DataFrame, kpi: str, names: Sequence[str], draws: int = 0) -> float:
    """The standard error of a design point's mean, root mean square over the points (the KPI's unit).

    Runs on one refit of a calibrated company share it: each point's runs are first averaged
    refit by refit and the refits are the unit (:func:`draw_means`), as for every other interval.
    """
    variances = []
    for name in names:
        point = runs[runs["scenario"] == name].dropna(subset=[kpi])
        values = point[kpi].to_numpy(dtype=float)
        by_draw = draw_means(values, point["replication"].to_numpy(), draws)
        values = values if by_draw is None else by_draw
        if values.size >= 2:
            variances.append(float(values.var(ddof=1)) / values.size)
    return math.sqrt(float(np.mean(variances))) if variances else math.nan
