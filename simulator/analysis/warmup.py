"""The initial transient: how long a warm-up a steady-state question needs, and whether a run had one.

Two standard tools (BENCHMARKS.md, "Warm-up and back-testing"):

- **MSER-5** (White 1997; White, Cobb and Spratt 2000): average the output series over
  replications, group it in batches of 5 observations, and truncate the first ``d``
  batches where ``d`` minimises the marginal standard error
  ``sum_{i>d} (z_i - mean_{>d})^2 / (k - d)^2`` of the ``k`` batch means. The search is
  limited to the first half of the series, as its authors advise (near the end the
  statistic rewards truncating everything); a minimum at the end of that half means the
  series does not settle within the horizon.
- **Welch's method** (Law and Kelton): the replication-averaged series smoothed by a
  moving average, drawn so a reader can see where it flattens.

The check every run gets, of state series still moving inside the measured window, is
:mod:`simulator.analysis.transient`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

MSER_BATCH = 5
"""Observations per batch of MSER-5."""

MATERIAL_SHIFT = 0.02
"""A truncation whose cut-off part differs from the level after it by under 2% sets no warm-up."""


@dataclass(frozen=True, slots=True)
class Truncation:
    """The MSER-5 truncation point of one averaged series."""

    series: str
    observations: int  # observations truncated (days for a daily series)
    settled: bool  # False: the minimum is at the half-way limit (no steady state within the horizon)
    level: float  # mean of the series after truncation
    material: bool = True  # the truncated part differs from the rest by more than the rest's own wobble
    wobble: float = 0.0  # standard deviation of the rest's 5-day means (a shift must exceed twice it to count)


def mser(series: FloatArray, batch: int = MSER_BATCH) -> tuple[int, bool]:
    """MSER-``batch`` truncation of a series: (observations to drop, settled within the first half).

    Raises:
        ValueError: when the series has fewer than 4 batches.
    """
    values = np.asarray(series, dtype=np.float64)
    k = values.size // batch
    if k < 4:
        raise ValueError(f"MSER-{batch} needs at least {4 * batch} observations, got {values.size}")
    means = values[: k * batch].reshape(k, batch).mean(axis=1)
    # statistic for every truncation d = 0 .. k-2 (at least two batches kept), from suffix sums
    suffix = np.cumsum(means[::-1])[::-1]
    suffix_sq = np.cumsum((means**2)[::-1])[::-1]
    kept = k - np.arange(k)
    sse = suffix_sq - suffix**2 / kept
    statistic = sse[: k - 1] / kept[: k - 1] ** 2
    half = k // 2
    searched = statistic[: half + 1]
    # Ties go to the earliest truncation: a series that settles on a constant (a partner base
    # at its cap) has a zero statistic at every cut after it, and rounding must not pick one.
    tolerance = 1e-10 * float(np.mean(means**2))
    best = int(np.flatnonzero(searched <= searched.min() + tolerance)[0])
    return best * batch, best < half


def truncations(daily: dict[str, FloatArray]) -> list[Truncation]:
    """MSER-5 on each replication-averaged daily series (series with missing days are skipped).

    A truncation is *material* when the mean of the part it removes differs from the
    level after it by more than twice the standard deviation of the remaining batch means
    and by more than :data:`MATERIAL_SHIFT` of that level:
    on a series that is stationary from day 0 but slow to average out (a team's mean
    tenure over a few runs), MSER-5 may cut at a wobble, and that cut should not set the
    warm-up.
    """
    out = []
    for name, series in daily.items():
        values = np.asarray(series, dtype=np.float64)
        if not np.isfinite(values).all():
            continue
        if np.ptp(values) == 0.0:
            out.append(Truncation(name, 0, True, float(values.mean()), material=False))
            continue
        drop, settled = mser(values)
        rest = values[drop:]
        wobble = batch_wobble(values, drop)
        shift = abs(float(values[:drop].mean()) - float(rest.mean())) if drop else 0.0
        material = shift > 2.0 * wobble and shift > MATERIAL_SHIFT * abs(float(rest.mean()))
        out.append(Truncation(name, drop, settled, float(rest.mean()), material, wobble))
    return out


def batch_wobble(series: FloatArray, drop: int) -> float:
    """Standard deviation of the 5-day means of ``series`` after ``drop`` days (0 with under 2 of them)."""
    rest = np.asarray(series, dtype=np.float64)[drop:]
    k = rest.size // MSER_BATCH
    return float(rest[: k * MSER_BATCH].reshape(k, MSER_BATCH).mean(axis=1).std(ddof=1)) if k > 1 else 0.0


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A series whose wobble over the study's runs could hide a transient that counts.

    Attributes:
        series: its name.
        wobble: the wobble its truncation was judged against (:attr:`Truncation.wobble`).
        threshold: the smallest shift that counts, :data:`MATERIAL_SHIFT` of its level.
        runs: about how many runs would narrow its wobble to half the threshold, so that a
            shift of the threshold would count.
        steady: the wobble of the series' steady second half, the one ``runs`` scales (the
            runs' noise alone: ``wobble`` may also hold the series' early course).
    """

    series: str
    wobble: float
    threshold: float
    runs: int
    steady: float = math.nan


def unresolved(found: list[Truncation], means: dict[str, FloatArray], runs: int) -> list[Unresolved]:
    """The series that did not count whose wobble is too wide, over ``runs`` runs, to tell a transient that would.

    A truncation counts when its shift exceeds twice the wobble and :data:`MATERIAL_SHIFT` of
    the level; with twice the wobble above the latter, a transient that matters can read as
    wobble. The wobble of a mean of runs is their noise over the square root of the runs, so
    ``runs * (wobble / (threshold / 2))**2`` runs would bring it to half the threshold. The
    wobble scaled is that of the second half of the series (steady, by MSER-5's search limit),
    not that after the truncation, which holds any transient left uncut; where that half is
    already narrow enough the width is the series' early course, not too few runs. A swing
    every run shares (the seasons) does not narrow with runs: a study of the runs given would
    then name the series again, with more.
    """
    out = []
    for t in found:
        threshold = MATERIAL_SHIFT * abs(t.level)
        if t.material or 2.0 * t.wobble <= threshold:
            continue  # it counted, or its wobble is narrow enough that a transient that matters would
        series = means[t.series]
        steady = batch_wobble(series, (series.size // MSER_BATCH) // 2 * MSER_BATCH)
        needed = runs * (2.0 * steady / threshold) ** 2
        if needed > runs:
            out.append(Unresolved(t.series, t.wobble, threshold, _round_up(needed), steady))
    return out


def _round_up(runs: float) -> int:
    """Runs rounded up to 2 significant figures (an estimate from a few runs claims no more)."""
    whole = max(2, math.ceil(runs))
    step = 10 ** max(0, len(str(whole)) - 2)
    return -(-whole // step) * step


def recommended_warmup(found: list[Truncation], days_per_month: float) -> float:
    """The warm-up (working days) covering every material truncation, rounded up to whole months."""
    longest = max((t.observations for t in found if t.material), default=0)
    return math.ceil(longest / days_per_month) * days_per_month if longest else 0.0


def moving_average(series: FloatArray, window: int) -> FloatArray:
    """Welch's centred moving average (shorter windows near the start), for the warm-up figure."""
    values = np.asarray(series, dtype=np.float64)
    out = np.empty_like(values)
    for i in range(values.size):
        half = min(window, i, values.size - 1 - i)
        out[i] = values[i - half : i + half + 1].mean()
    return out
