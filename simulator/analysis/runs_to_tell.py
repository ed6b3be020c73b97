"""How many paired runs would make a difference like the one observed clear (its 95% CI clear of zero).

``optimise`` says, of a chosen mix not clearly better than today's, how many final runs
would tell a difference that size. Scaling the half-width by the square root of the runs
(``runs * (half / diff)**2``) holds for a normal statistic and many runs, and misleads at
few: plan_check's 16 reps, at 100% against 50% of hitting the plan over 2 final runs (one
run hit by 16 alone), read "about 4 final runs would tell", where 4 runs with the same
split give 2 discordant pairs, which McNemar's exact test cannot tell from chance (it takes
6 all one way). So the count here is the fewest runs at which the interval the comparison
uses, computed on the observed runs' pattern scaled up, leaves out zero:

* a yes/no KPI (``hit_plan``): the shares of the four cells of the paired 2 x 2 table
  (both hit, only the scenario, only the baseline, neither), given out as whole runs by
  largest remainders with the four cells treated alike (so a pattern and its mirror give
  the same count; ties must all be clear), under
  :func:`simulator.analysis.paired_intervals.paired_event_interval` (Newcombe's hybrid
  score interval, held to McNemar's exact test);
* any other KPI: the paired differences' mean and standard deviation under the Student t
  interval with ``n - 1`` degrees of freedom, whose quantile falls as runs are added (12.7
  at 2 runs, 2.0 at 40).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

from simulator.analysis.intervals import DEFAULT_CONFIDENCE, t_half_width
from simulator.analysis.paired_intervals import paired_event_interval
from simulator.analysis.quantities import Kind, kpi_kind
from simulator.config.runner_settings import MAX_RUNS


def runs_to_tell(
    scenario: np.ndarray,
    baseline: np.ndarray,
    kpi: str,
    confidence: float = DEFAULT_CONFIDENCE,
    most: int = MAX_RUNS,
) -> int | None:
    """The fewest paired runs whose 95% CI of the mean difference would leave out zero, as observed.

    Args:
        scenario: The scenario's value of ``kpi`` per run.
        baseline: The baseline's value in the same runs (same length).
        kpi: The KPI (its kind picks the interval).
        confidence: Level of the interval.
        most: The most runs to consider.

    Returns:
        The run count; None when the runs show no difference (a mean difference of 0, or
        fewer than two pairs), or when even ``most`` runs would not tell it.
    """
    s, b = np.asarray(scenario, dtype=float), np.asarray(baseline, dtype=float)
    keep = np.isfinite(s) & np.isfinite(b)
    s, b = s[keep], b[keep]
    if s.size < 2 or float(np.mean(s - b)) == 0.0:
        return None
    event = kpi_kind(kpi) is Kind.EVENT
    clear = _event_rule(s > 0.5, b > 0.5, confidence) if event else _t_rule(s - b, confidence)
    return _fewest(clear, s.size, most)


def _t_rule(differences: np.ndarray, confidence: float) -> Callable[[int], bool]:
    mean, std = abs(float(np.mean(differences))), float(np.std(differences, ddof=1))

    def clear(n: int) -> bool:
        return std == 0.0 or t_half_width(std, n, confidence) < mean

    return clear


def _event_rule(s: np.ndarray, b: np.ndarray, confidence: float) -> Callable[[int], bool]:
    shares = np.array([np.mean(s & b), np.mean(s & ~b), np.mean(~s & b), np.mean(~s & ~b)])

    def clear(n: int) -> bool:
        for cells in _scaled_tables(shares, n):
            scenario = np.repeat([1.0, 1.0, 0.0, 0.0], cells)
            baseline = np.repeat([1.0, 0.0, 1.0, 0.0], cells)
            low, high = paired_event_interval(scenario, baseline, confidence)
            if not (low > 0.0 or high < 0.0):
                return False
        return True

    return clear


def _scaled_tables(shares: np.ndarray, n: int) -> list[np.ndarray]:
    """The whole-run tables of ``n`` runs nearest the cells' shares: every cell alike, ties kept.

    Largest remainders: each cell gets ``floor(share * n)``, and the runs still missing go
    to the cells with the largest fractional parts. The rule treats the four cells alike,
    so a pattern and its mirror (scenario and baseline swapped, or hit and miss swapped)
    get mirror tables, whose intervals are mirrors. Where cells tie for the last runs
    (5.5 and 5.5 runs for 11), every way of giving them out is returned, and the count is
    clear only if all of them are.
    """
    exact = shares * n
    cells = np.floor(exact + 1e-9).astype(int)
    fraction = np.round(exact - cells, 9)
    missing = n - int(cells.sum())
    if missing <= 0:
        return [cells]
    order = sorted(set(fraction.tolist()), reverse=True)
    sure: list[int] = []
    for level in order:
        tied = [i for i in range(cells.size) if fraction[i] == level]
        if len(sure) + len(tied) <= missing:
            sure += tied
            continue
        tables = []
        for chosen in itertools.combinations(tied, missing - len(sure)):
            table = cells.copy()
            table[sure + list(chosen)] += 1
            tables.append(table)
        return tables
    table = cells.copy()
    table[sure] += 1
    return [table]


def _fewest(clear: Callable[[int], bool], start: int, most: int) -> int | None:
    """The fewest runs from ``start`` for which ``clear`` holds: steps of ~1%, then halving back; None past ``most``."""
    n = start
    previous = start
    while n <= most:
        if clear(n):
            low, high = previous, n  # not clear at low (or low is the runs made), clear at high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (low, middle) if clear(middle) else (middle, high)
            return high
        previous = n
        n = max(n + 1, math.ceil(n * 1.01))
    return None
