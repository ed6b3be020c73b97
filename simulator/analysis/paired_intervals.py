"""Confidence intervals of the difference between two scenarios over the same (paired) runs.

For paired comparisons: the difference of an ``event`` KPI's shares gets Newcombe's
hybrid score interval for paired proportions (Newcombe 1998, method 11), reaching 0
wherever the exact McNemar test cannot reject "no difference" (what ``significant``
tests for it), except when the two scenarios give the same value of every KPI in every
paired run (the same design on the same luck: a sweep's point where a scenario's own
setting equals the swept value), where it is 0 with zero width, as every other KPI's.
The difference of a ``proportion`` at 0 (or 1) in every run of one side or both (no SLA
breach at close in any run of either scenario) gets Newcombe's square-and-add interval
(Newcombe 1998, Stat Med 17:873, method 10; the MOVER of Zou & Donner 2008) of the two
sides' own intervals, each the summary's (over its trials: :mod:`simulator.analysis.intervals`): the paired t interval
sees no spread on a side that never varies, and had read "0.0 pts [0.0 pts, 0.0 pts]"
beside summaries of 0% to 0.116% and 0% to 0.131% (now -0.116 to +0.131 points), and
"-100% (95% CI -100% to -100%)" for a scenario at 0% (0% to 0.011%) against a baseline
at 5.9% (now -100% to -99.8%). The sides are taken as independent (no correlation can be
estimated against a side that never varies); two identical designs keep 0 exactly, and a
time share its exact 100%. ``significant`` tests that interval, and the relative difference
gets MOVER-R (Donner & Zou 2012), the ratios ``r`` whose square-and-add interval of
``s - r·b`` holds 0, which holds 0% exactly when the difference's interval holds 0.
Any other difference of means keeps the paired t interval (what ``significant`` tests),
intersected with the values a difference can take given where the baseline's mean may
lie: from the range's floor minus the top of the baseline's interval to its ceiling
minus the bottom (a share cannot move outside [0, 1], an amount cannot fall below zero;
the baseline's interval is the summary's, over its trials for a share at 0 in every run).
Cutting at the baseline's point estimate instead would make a challenger that hit the
plan in every run read "+66.7 pts, CI +12.5 to +66.7", as if the baseline's 33.3% were
known exactly; the relative difference (scenario mean over baseline mean, minus one)
gets Fieller's interval for a ratio of paired means (Fieller 1954), which contains 0%
exactly when the paired t interval of the difference contains 0, so the verdict and both
intervals always agree; it is never below -100%.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from simulator.analysis.intervals import DEFAULT_CONFIDENCE, MeanInterval, normal_quantile, t_quantile
from simulator.analysis.quantities import Kind, value_range


def wilson_continuity(successes: int, n: int, quantile: float) -> tuple[float, float]:
    """Wilson's score interval with a continuity correction (Newcombe 1998, Stat Med 17:857, method 4).

    Wider than :func:`wilson_score` by about half a trial on each side: for the few
    runs of a small experiment it errs toward "unclear".
    """
    p, q2 = successes / n, quantile * quantile
    low = 0.0
    if successes > 0:
        root = math.sqrt(max(q2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1), 0.0))
        low = (2 * n * p + q2 - 1 - quantile * root) / (2 * (n + q2))
    high = 1.0
    if successes < n:
        root = math.sqrt(max(q2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1), 0.0))
        high = (2 * n * p + q2 + 1 + quantile * root) / (2 * (n + q2))
    return min(max(0.0, low), p), max(min(1.0, high), p)


def paired_event_interval(
    scenario: np.ndarray, baseline: np.ndarray, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for the difference of two paired shares of 0/1 outcomes.

    Method 11 of Newcombe (1998, Statistics in Medicine 17:2635-2650): each side's
    Wilson interval with a continuity correction, combined with the phi correlation of
    the pairs (its numerator corrected for continuity). It stays inside [-1, 1] and never
    has zero width, where the paired t interval collapses on the point estimate whenever
    every pair differs by the same amount (a plan hit in all 20 runs against none: "+100
    points, CI +100 to +100"). The continuity correction keeps two runs from making a
    clear difference (method 10, without it, found one: CI +7 to +100 points); its
    coverage is 96-99% for a nominal 95% at 10-100 runs (``tests/test_intervals.py``).

    With few *discordant* pairs (runs where one side hit and the other did not) the
    hybrid interval can still leave out zero where the exact McNemar test (a binomial
    test of the discordant pairs against one half; McNemar 1947) cannot reject "no
    difference": three to five runs all hit by one side and missed by the other, or 5
    discordant pairs among 10 runs. There the interval is widened to reach zero, so a
    difference is clear only when both agree (the union of a confidence set with the
    test's acceptance region keeps at least its coverage).

    Args:
        scenario: One 0/1 outcome per run.
        baseline: The baseline's outcome in the same runs (same length).
        confidence: Two-sided confidence level.

    Returns:
        ``(low, high)`` of scenario share minus baseline share; NaNs without a pair.
    """
    from scipy import stats

    s, b = np.asarray(scenario) > 0.5, np.asarray(baseline) > 0.5
    n = int(s.size)
    if n == 0:
        return math.nan, math.nan
    both, only_s, only_b = int(np.sum(s & b)), int(np.sum(s & ~b)), int(np.sum(~s & b))
    low, high = newcombe_hybrid(both, only_s, only_b, n - both - only_s - only_b, confidence)
    discordant = only_s + only_b
    exact = stats.binomtest(only_s, discordant, 0.5).pvalue if discordant else 1.0
    if exact >= 1.0 - confidence:  # McNemar's exact test cannot tell the sides apart: the interval holds 0
        low, high = min(low, 0.0), max(high, 0.0)
    return low, high


def newcombe_hybrid(
    both: int, only_s: int, only_b: int, neither: int, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Newcombe's method 11 alone, from the four cells of the pairs' 2 x 2 table (see :func:`paired_event_interval`)."""
    n = both + only_s + only_b + neither
    p1, p2 = (both + only_s) / n, (both + only_b) / n
    quantile = normal_quantile(confidence)
    l1, u1 = wilson_continuity(both + only_s, n, quantile)
    l2, u2 = wilson_continuity(both + only_b, n, quantile)
    margins = float(both + only_s) * (only_b + neither) * (both + only_b) * (only_s + neither)
    cross = float(both * neither - only_s * only_b)
    cross = cross - n / 2 if cross > n / 2 else (0.0 if cross >= 0 else cross)  # Newcombe's corrected phi
    phi = cross / math.sqrt(margins) if margins > 0 else 0.0
    delta = p1 - p2
    low = delta - math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    high = delta + math.sqrt(max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0))
    return max(-1.0, min(low, delta)), min(1.0, max(high, delta))


def difference_bounds(kind: Kind, baseline_low: float, baseline_high: float) -> tuple[float, float]:
    """The values a scenario's mean minus the baseline's mean can take, the baseline's mean in [low, high]."""
    floor, ceiling = value_range(kind)
    return floor - baseline_high, ceiling - baseline_low


def bounded_difference(
    low: float, high: float, kind: Kind, baseline_low: float, baseline_high: float
) -> tuple[float, float]:
    """A difference's interval intersected with :func:`difference_bounds` (NaN bounds stay NaN).

    Args:
        low: Bottom of the paired t interval of the difference.
        high: Top of that interval.
        kind: The KPI's kind of quantity.
        baseline_low: Bottom of the baseline mean's own interval (:func:`interval_of_mean`),
            or its mean when it has none (one run).
        baseline_high: Top of that interval, or the mean.
    """
    if not all(math.isfinite(v) for v in (low, high, baseline_low, baseline_high)):
        return low, high
    floor, ceiling = difference_bounds(kind, baseline_low, baseline_high)
    return min(max(low, floor), ceiling), max(min(high, ceiling), floor)


def is_degenerate_share(mean: float) -> bool:
    """A share's mean at 0 or 1: the value of every run (the paired t interval sees no spread on that side)."""
    return math.isfinite(mean) and min(1.0, max(0.0, mean)) * (1.0 - min(1.0, max(0.0, mean))) == 0.0


def mover_difference(scenario: MeanInterval, baseline: MeanInterval) -> tuple[float, float]:
    """Newcombe's square-and-add interval of ``scenario.mean - baseline.mean`` from the two means' own intervals.

    Newcombe (1998, Statistics in Medicine 17:873-890, method 10), the MOVER of Zou &
    Donner (2008, Computational Statistics & Data Analysis 53:3755): each side's distance
    from its estimate to its bound, added in quadrature,
    ``L = d - sqrt((p_s - l_s)² + (u_b - p_b)²)``, ``U = d + sqrt((u_s - p_s)² + (p_b - l_b)²)``.
    Used for a share at 0 (or 1) in every run of one side or both, whose own interval (over
    its trials) is all the runs tell of its uncertainty. The two sides are taken as
    independent: no run-to-run correlation can be estimated against a side that never
    varies, and the common random numbers' positive one would only narrow it.
    """
    d = scenario.mean - baseline.mean
    low = d - math.hypot(scenario.mean - scenario.ci_low, baseline.ci_high - baseline.mean)
    high = d + math.hypot(scenario.ci_high - scenario.mean, baseline.mean - baseline.ci_low)
    return max(-1.0, min(low, d)), min(1.0, max(high, d))


def mover_ratio(scenario: MeanInterval, baseline: MeanInterval) -> tuple[float, float]:
    """The ratios ``r >= 0`` whose :func:`mover_difference` of ``scenario - r·baseline`` holds 0 (Donner & Zou 2012).

    MOVER-R (Donner & Zou 2012, Statistical Methods in Medical Research 21:347): the
    square-and-add interval of ``p_s - r·p_b`` (the bounds of ``r·p_b`` are ``r·l_b`` and
    ``r·u_b``) holds 0 for ``r`` in ``[r_low, r_high]``; both of its ends fall as ``r``
    rises, so the set is that interval, and it holds 1 exactly when
    :func:`mover_difference` holds 0, as Fieller's set does for the paired t interval.
    ``r_high`` is ``inf`` when the baseline's interval reaches 0.
    """
    p_s, l_s, u_s = scenario.mean, scenario.ci_low, scenario.ci_high
    p_b, l_b, u_b = baseline.mean, baseline.ci_low, baseline.ci_high

    def lower(r: float) -> float:  # falls from l_s at r = 0
        return p_s - r * p_b - math.hypot(p_s - l_s, r * (u_b - p_b))

    def upper(r: float) -> float:  # falls from u_s at r = 0, by at least l_b per unit of r
        return p_s - r * p_b + math.hypot(u_s - p_s, r * (p_b - l_b))

    return _falling_root(lower, p_b + u_b > 0.0), _falling_root(upper, l_b > 0.0)


def _falling_root(f: Callable[[float], float], bounded: bool) -> float:
    """Where a falling function of ``r >= 0`` crosses 0 (0 when it starts at or below 0; inf when not ``bounded``)."""
    if not f(0.0) > 0.0:
        return 0.0
    if not bounded:
        return math.inf
    low, high = 0.0, 1.0
    while f(high) > 0.0:
        low, high = high, high * 2.0
        if high > 1e12:
            return math.inf
    for _ in range(200):
        middle = (low + high) / 2.0
        if f(middle) > 0.0:
            low = middle
        else:
            high = middle
        if high - low <= 1e-15 * high:
            break
    return high


def fieller_ratio(
    scenario: np.ndarray, baseline: np.ndarray, confidence: float = DEFAULT_CONFIDENCE, *, null: float | None = 1.0
) -> tuple[float, float]:
    """Fieller's interval for ``mean(scenario) / mean(baseline)`` over paired runs, within [0, inf).

    The set of ratios ``r`` with ``|mean(s) - r·mean(b)| <= t·se(s - r·b)``, intersected
    with ``r >= 0`` (both quantities are non-negative). It contains 1 exactly when the
    paired t interval of ``s - b`` contains 0. When the baseline's mean is not clearly
    above zero the set is unbounded: the whole half-line is returned when the set holds
    ``null`` (a relative difference's "no difference", 1) or is the whole line; else, when
    it is two rays, the ray holding the estimate, cut at 0.

    Args:
        scenario: The scenario's values, one per pair (finite).
        baseline: The baseline's values, same length.
        confidence: Two-sided confidence level.
        null: The ratio whose being in the set reads "no clear difference" (1 for a
            relative difference); None for a ratio with no such value (a cost per $1).

    Returns:
        ``(low, high)``; NaNs with fewer than two pairs or a baseline mean that is not
        positive.
    """
    n = int(scenario.size)
    a, b = (float(scenario.mean()), float(baseline.mean())) if n else (math.nan, math.nan)
    if n < 2 or not b > 0.0:
        return math.nan, math.nan
    q2 = t_quantile(n, confidence) ** 2
    v_aa, v_ab, v_bb = (float(x) / n for x in np.cov(scenario, baseline, ddof=1).ravel()[[0, 1, 3]])
    # (a - r b)^2 - q2 (v_aa - 2 r v_ab + r^2 v_bb) <= 0, i.e. A r^2 - 2 B r + C <= 0
    big_a, big_b, big_c = b * b - q2 * v_bb, a * b - q2 * v_ab, a * a - q2 * v_aa
    disc = max(big_b * big_b - big_a * big_c, 0.0)
    if big_a > 0.0:
        root = math.sqrt(disc)
        return max((big_b - root) / big_a, 0.0), max((big_b + root) / big_a, 0.0)
    # The baseline's mean is not clearly above zero: the set is the whole line or two rays,
    # (-inf, r1] and [r2, inf). Report [0, inf) when the set holds the null ratio (1: no
    # clear difference), else the ray holding the estimate a / b, so that the interval
    # contains 1 exactly when the paired t interval contains 0.
    holds_null = null is not None and big_a * null * null - 2.0 * big_b * null + big_c <= 0.0
    if big_a == 0.0 or big_b * big_b - big_a * big_c <= 0.0 or holds_null:
        return 0.0, math.inf
    r1, r2 = sorted(((big_b - math.sqrt(disc)) / big_a, (big_b + math.sqrt(disc)) / big_a))
    if a / b <= r1:
        return 0.0, max(r1, 0.0)
    return max(r2, 0.0), math.inf


def relative_interval(
    scenario: np.ndarray,
    baseline: np.ndarray,
    kind: Kind,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    sides: tuple[MeanInterval, MeanInterval] | None = None,
) -> tuple[float, float]:
    """The interval of the relative difference ``mean(s) / mean(b) - 1`` (Fieller), never below -100%.

    For shares the upper end is also held to ``1 / mean(b) - 1`` (a share cannot pass 100%).
    ``sides``: the scenario's and the baseline's own intervals, where the difference is
    :func:`mover_difference`'s (a share at 0 or 1 in every run): then :func:`mover_ratio`.
    """
    low, high = fieller_ratio(scenario, baseline, confidence) if sides is None else mover_ratio(*sides)
    if kind in (Kind.EVENT, Kind.PROPORTION, Kind.TIME_SHARE) and math.isfinite(low):
        ceiling = 1.0 / float(baseline.mean())
        low, high = min(low, ceiling), min(high, ceiling)
    return low - 1.0, high - 1.0
