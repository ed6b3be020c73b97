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
A **count of events** (deals lost at a hand-off, leavers, leaked leads) at 0 in every run is
no more known exactly than a share at 0: its runs' total, 0, is a Poisson count (a sum of
runs' counts is one, however their rates differ), and Garwood's exact interval for it is 0
to ``-ln((1 - confidence) / 2)`` events over all ``n`` runs, 0 to 3.69 / n a run at 95% (the
two-sided form of the rule of three, 3 / n). No leaked lead in 40 runs is 0 to 0.092 a run;
it had read "0.0 (0.0 to 0.0)". An amount (money, days) at 0 in every run stays that value.

Differences between paired scenarios are in :mod:`simulator.analysis.paired_intervals`.
"""

from __future__ import annotations

import functools
import math
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


def wilson_interval(successes: float, n: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """Return Wilson's score interval for a binomial proportion ``successes / n``.

    Returns:
        ``(low, high)``, inside [0, 1]; NaNs when ``n == 0``.
    """
    if n <= 0:
        return math.nan, math.nan
    return wilson_score(successes / n, n, normal_quantile(confidence))


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


def zero_count_top(n: int, confidence: float = DEFAULT_CONFIDENCE) -> float:
    """The top of the interval of a count's mean a run when ``n`` runs counted 0 events each (Garwood, exact)."""
    return -math.log((1.0 - confidence) / 2.0) / n


def interval_of_mean(
    values: np.ndarray,
    kind: Kind,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    trials: float | None = None,
    count: bool = False,
) -> MeanInterval:
    """The mean of one KPI's values over runs with the interval its kind calls for (module docstring).

    Args:
        values: One value per run; NaNs are dropped.
        kind: The KPI's kind of quantity.
        confidence: Two-sided confidence level.
        trials: For a ``proportion``, the trials behind the values (:func:`pooled_trials`), or
            None when unknown. Read only when the share is 0 (or 1) in every run, where its
            interval is Wilson's over them (over the runs when unknown, and never fewer).
        count: The values are counts of events (whole numbers); at 0 in every run the
            interval is Garwood's, 0 to :func:`zero_count_top`.

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
    if count and kind is Kind.NON_NEGATIVE and not np.any(clean):  # no event in any run: 0 to 3.69 / n
        return MeanInterval(n, mean, std, 0.0, zero_count_top(n, confidence))
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
