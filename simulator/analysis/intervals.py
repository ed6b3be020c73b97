"""Confidence intervals that stay inside the range of their quantity.

A Student t interval ``mean ± t·se`` is symmetric and unbounded, so with few runs it
reaches below zero for a count, below 0% or above 100% for a share, and below -100% for
a relative difference. Each kind of quantity (:mod:`simulator.analysis.quantities`)
gets the interval a statistician would use for it:

- **event** (0/1 per run, ``hit_plan``): Wilson's score interval with the normal
  quantile (Wilson 1927; Agresti & Coull 1998);
- **proportion** (a share per run): the same score interval with the *effective number
  of trials* ``n* = p(1-p) / se²`` and the ``t_{n-1}`` quantile (Korn & Graubard 1998's
  rule for a proportion estimated with a variance other than binomial). For values in
  [0, 1], ``n* >= n - 1``; when ``n*`` is large it is the t interval;
- **non-negative** (counts, money, days, hours): the t interval of ``log(mean)`` by the
  delta method, ``mean · exp(±t·se/mean)``, back-transformed: positive, asymmetric, and
  the t interval again when ``se`` is small against the mean. Where ``t·se`` passes the
  mean the delta method no longer holds: its top grows as ``exp(t·se/mean)`` (two runs,
  ``t = 12.7``, put 345,648 leaked leads at the top of an interval for a company of 2,100
  leads), so past ``t·se = mean`` (top ``e·mean``) the top grows by ``t·se`` as the t
  interval's does, ``(e - 1)·mean + t·se`` (820 there), continuous and rising with the
  spread; the bottom stays ``mean·exp(-t·se/mean)``, above zero. This cut-over is this
  project's choice;
- **non-positive** (the capacity bridge's carry-in line): the non-negative interval
  of ``-mean``, mirrored;
- **ratio** (a relative change ``r - 1 >= -1``): the same on ``log(1 + mean)``;
- **signed**: the Student t interval.

Every interval is finally intersected with its kind's range (a guard against rounding,
such as a utilisation of 1 + 1e-16). When all runs give the same value the interval is
that value (no run-to-run variation to measure), except a share at 0 or 1 in every run.
Its variance across runs says nothing there (``n*`` is 0 / 0): with no event the design
effect cannot be estimated, and Korn & Graubard (1998, Survey Methodology 24:193-201)
fall back to the actual sample size (a design effect of 1), here Wilson's interval over
the share's *trials* with the same ``t_{n-1}`` quantile. Where each run's row records the
share's denominator (:func:`simulator.analysis.quantities.trial_columns`: the opportunities
won or lost of a win rate, the leads passed on or lost at a stage of its conversion, the
visits of an ``sla_breach_<stage>``, ...: every share of a count) the trials are those
denominators summed over the runs with a value: no SLA breach at the default company's
close stage in 40 runs of 123 visits each on average (4,919 in all) is 0% to 0.083%,
where the 40 runs as trials had read 0% to 9.3%, wider than a stage with a few breaches
(0.003% to 0.11%). Where the row records none (a share of money, gross revenue retention;
a table stored before the column) the runs are the trials, this project's conservative
choice, right where a run contributes about one trial: a win rate of 0 in the 2 runs that
closed a deal each is 0% to 99% either way, not 0% to 0%. Every run with a share has at
least one trial, so the trials are never fewer than the runs, nor the interval wider than
theirs. A share near but not at 0 keeps ``n*`` (19 runs at 0 and one at 0.1%: 0.0008% to
0.031%; 20 runs at 0, trials unknown: 0% to 18%). A **time share** (utilisation) at 0 or 1 in
every run is no such sample: a team busy all its selling time in every run is measured
at 100%, and its interval is that value (it had read "100.0% (90.7% to 100.0%)" over 40
runs, wider than a team's varying 78.3% ± 0.6 points); otherwise it is a proportion.

For paired comparisons: the difference of an ``event`` KPI's shares gets Newcombe's
hybrid score interval for paired proportions (Newcombe 1998, method 11), reaching 0
wherever the exact McNemar test cannot reject "no difference" (what ``significant``
tests for it), except when the two scenarios give the same value of every KPI in every
paired run (the same design on the same luck: a sweep's point where a scenario's own
setting equals the swept value), where it is 0 with zero width, as every other KPI's.
The difference of a ``proportion`` at 0 (or 1) in every run of one side or both (no SLA
breach at close in any run of either scenario) gets Newcombe's square-and-add interval
(Newcombe 1998, Stat Med 17:873, method 10; the MOVER of Zou & Donner 2008) of the two
sides' own intervals, each the summary's (over its trials, above): the paired t interval
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

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.analysis.quantities import Kind, value_range

DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class MeanInterval:
    """The mean of a sample with its confidence interval.

    Attributes:
        n: Number of (non-NaN) values used.
        mean: Sample mean (NaN when ``n == 0``).
        std: Sample standard deviation with ``ddof=1`` (NaN when ``n < 2``).
        ci_low: Lower bound of the interval of the mean (NaN when ``n < 2``).
        ci_high: Upper bound of the interval of the mean (NaN when ``n < 2``).
    """

    n: int
    mean: float
    std: float
    ci_low: float
    ci_high: float

    @property
    def half_width(self) -> float:
        """Half the width of the interval: the ``±`` a reader sees."""
        return (self.ci_high - self.ci_low) / 2.0


def finite(values: np.ndarray | list[float] | object) -> np.ndarray:
    """``values`` as a float array without its NaNs."""
    array = np.asarray(values, dtype=np.float64)
    return array[~np.isnan(array)]


@functools.lru_cache(maxsize=64)
def normal_quantile(confidence: float = DEFAULT_CONFIDENCE) -> float:
    """The two-sided standard normal quantile (1.96 at 95%)."""
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2.0))


@functools.lru_cache(maxsize=4096)  # SciPy takes ~0.2 ms a call; a report asks for the same few thousands of times
def t_quantile(n: int, confidence: float = DEFAULT_CONFIDENCE) -> float:
    """The two-sided Student t quantile with ``n - 1`` degrees of freedom (NaN when ``n < 2``)."""
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) if n >= 2 else math.nan


def t_half_width(std: float, n: int, confidence: float = DEFAULT_CONFIDENCE) -> float:
    """Return the half-width ``t_{1-a/2, n-1} * std / sqrt(n)`` of a Student t interval of a mean."""
    if n < 2 or not math.isfinite(std):
        return math.nan
    return t_quantile(n, confidence) * std / math.sqrt(n)


def wilson_score(p: float, n: float, quantile: float) -> tuple[float, float]:
    """Wilson's score interval for a share ``p`` observed over ``n`` (possibly effective) trials.

    Args:
        p: The observed share, in [0, 1].
        n: Number of trials (> 0; not necessarily whole: an effective number).
        quantile: The two-sided quantile (1.96 for 95% with the normal).

    Returns:
        ``(low, high)`` inside [0, 1].
    """
    p = min(1.0, max(0.0, p))
    q2 = quantile * quantile
    denominator = 1.0 + q2 / n
    centre = (p + q2 / (2.0 * n)) / denominator
    half = quantile * math.sqrt(p * (1.0 - p) / n + q2 / (4.0 * n * n)) / denominator
    # the interval holds p exactly; rounding would put the bound a hair past it at p = 0 or 1
    return min(max(0.0, centre - half), p), max(min(1.0, centre + half), p)


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


def wilson_interval(successes: float, n: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """Return Wilson's score interval for a binomial proportion ``successes / n``.

    Returns:
        ``(low, high)``, inside [0, 1]; NaNs when ``n == 0``.
    """
    if n <= 0:
        return math.nan, math.nan
    return wilson_score(successes / n, n, normal_quantile(confidence))


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


def _bounded(low: float, high: float, kind: Kind) -> tuple[float, float]:
    floor, ceiling = value_range(kind)
    return min(max(low, floor), ceiling), max(min(high, ceiling), floor)


def pooled_trials(values: np.ndarray, trials: np.ndarray | None) -> float | None:
    """The trials behind a share's values: each run's denominator summed over the runs with a value.

    Args:
        values: One share per run (NaN where the run has none).
        trials: Each run's denominator (the same length), or None when the model records none.

    Returns:
        The sum, or None when it is unknown: no denominators, or a run with a share whose
        denominator is missing (a part stored before the column existed) or not positive.
    """
    if trials is None:
        return None
    counts = np.asarray(trials, dtype=np.float64)[~np.isnan(np.asarray(values, dtype=np.float64))]
    if not np.all(np.isfinite(counts)) or np.any(counts <= 0.0):
        return None
    return float(counts.sum())


def interval_of_mean(
    values: np.ndarray, kind: Kind, confidence: float = DEFAULT_CONFIDENCE, *, trials: float | None = None
) -> MeanInterval:
    """The mean of one KPI's values over runs with the interval its kind calls for (module docstring).

    Args:
        values: One value per run; NaNs are dropped.
        kind: The KPI's kind of quantity.
        confidence: Two-sided confidence level.
        trials: For a ``proportion``, the trials behind the values (:func:`pooled_trials`), or
            None when unknown. Read only when the share is 0 (or 1) in every run, where its
            interval is Wilson's over them (over the runs when unknown, and never fewer).

    Returns:
        The interval; bounds are NaN with fewer than two values (one run says nothing
        about how much runs vary), except for ``event`` KPIs where one run is one trial.
    """
    clean = finite(values)
    n = int(clean.size)
    if n == 0:
        return MeanInterval(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(clean.mean())
    std = float(clean.std(ddof=1)) if n >= 2 else math.nan
    if kind is Kind.EVENT:
        low, high = wilson_interval(float(clean.sum()), n, confidence)
        return MeanInterval(n, mean, std, low, high)
    if n < 2:
        return MeanInterval(n, mean, std, math.nan, math.nan)
    low, high = _interval(mean, std / math.sqrt(n), n, kind, confidence, trials)
    low, high = _bounded(low, high, kind)
    return MeanInterval(n, mean, std, low, high)


def _interval(
    mean: float, se: float, n: int, kind: Kind, confidence: float, trials: float | None = None
) -> tuple[float, float]:
    q = t_quantile(n, confidence)
    if kind in (Kind.PROPORTION, Kind.TIME_SHARE):
        p = min(1.0, max(0.0, mean))
        if p * (1.0 - p) == 0.0 and kind is Kind.TIME_SHARE:  # busy all its time in every run: measured, exact
            return mean, mean
        if p * (1.0 - p) == 0.0:  # every run at 0 (or at 1): its trials where known, else the runs (Korn & Graubard)
            pooled = float(n) if trials is None or not math.isfinite(trials) else max(float(n), trials)
            return wilson_score(p, pooled, q)
        if se == 0.0:
            return mean, mean
        return wilson_score(p, p * (1.0 - p) / (se * se), q)
    if se == 0.0:
        return mean, mean
    if kind in (Kind.NON_NEGATIVE, Kind.RATIO):
        shift = 1.0 if kind is Kind.RATIO else 0.0
        level = mean + shift
        if level <= 0.0:
            return mean, mean
        x = q * se / level
        top = level * math.exp(x) if x < 1.0 else level * (math.e - 1.0) + q * se  # past x = 1: up by t*se
        return level * math.exp(-x) - shift, top - shift
    if kind is Kind.NON_POSITIVE:  # the non-negative interval of its size, mirrored
        low, high = _interval(-mean, se, n, Kind.NON_NEGATIVE, confidence)
        return -high, -low
    return mean - q * se, mean + q * se


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
