"""Runs that share a parameter draw: the unit an interval of the mean is computed over.

A calibrated company's replication *r* runs on bootstrap refit *r* mod *n*
(:mod:`simulator.run.parameter_draws`). Runs on one refit share its parameters, so once
the runs outnumber the refits they are no longer independent: 5,000 runs on 40 refits
of crm-maven read a mean bookings of ±$8k where the refits' own spread allows about
±$83k. The intervals of a mean (and of a paired difference: run *r* of every scenario is
on the same refit) are then computed over each refit's mean over its runs, *n*
independent values, every refit weighing the same whatever its number of runs (5,000
runs on 40 refits give 25 refits 125 runs and 15 refits 126). With no more runs than
refits, every run is on its own refit and the runs stay the unit.

This is the cluster (two-stage) design of survey sampling: the refits are the primary
units, the runs on one refit the secondary ones (Cochran, *Sampling Techniques*, 3rd ed.,
1977, ch. 10). More runs narrow only the within-refit part of the variance; below
``between-refit standard deviation / sqrt(n)`` only more refits narrow the interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.analysis.quantities import Kind


def draw_of(replications: np.ndarray, draws: int) -> np.ndarray:
    """The parameter draw each replication runs on (``replication mod draws``), shape of ``replications``."""
    return np.asarray(replications, dtype=np.int64) % draws


def shares_draws(replications: np.ndarray | None, draws: int) -> bool:
    """True when some draw carries more than one of ``replications``: the runs are then not independent."""
    if draws <= 0 or replications is None:
        return False
    labels = draw_of(np.asarray(replications), draws)
    return bool(np.unique(labels).size < labels.size)


def draw_means(values: np.ndarray, replications: np.ndarray | None, draws: int) -> np.ndarray | None:
    """Each parameter draw's mean of ``values`` over its runs (NaNs dropped first), in draw order.

    Args:
        values: One KPI value per run, shape ``(runs,)``.
        replications: The replication index of each value, shape ``(runs,)``; None: unknown.
        draws: The number of parameter draws the runs cycle through; 0: none.

    Returns:
        One mean per draw with at least one value, or None when no draw carries two runs
        with values (the runs are independent and are the unit themselves).
    """
    if draws <= 0 or replications is None:
        return None
    values = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(values)
    labels = draw_of(np.asarray(replications)[keep], draws)
    if np.unique(labels).size == labels.size:
        return None
    sums = np.bincount(labels, weights=values[keep], minlength=draws)
    counts = np.bincount(labels, minlength=draws)
    present = counts > 0
    return np.asarray(sums[present] / counts[present], dtype=np.float64)


def unit_kind(kind: Kind) -> Kind:
    """The kind of a draw's mean: a share of 0/1 outcomes (an ``event``) becomes a ``proportion``."""
    return Kind.PROPORTION if kind is Kind.EVENT else kind


@dataclass(frozen=True, slots=True)
class DrawSpread:
    """How the runs of one KPI split into the spread between draws and the spread within them.

    Attributes:
        draws: Draws with at least one value.
        runs: Values.
        between: Variance of the draws' true means (one-way ANOVA estimate, never below 0).
        within: Variance of runs around their own draw's mean (pooled).
    """

    draws: int
    runs: int
    between: float
    within: float


def draw_spread(values: np.ndarray, replications: np.ndarray, draws: int) -> DrawSpread | None:
    """The between- and within-draw variances of ``values`` (one-way random effects, unequal group sizes).

    Returns:
        None with no draws, fewer than two draws with values, or when no draw carries two values.
    """
    if draws <= 0:
        return None
    values = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(values)
    labels = draw_of(np.asarray(replications)[keep], draws)
    clean = values[keep]
    counts = np.bincount(labels, minlength=draws)
    present = counts > 0
    groups, runs = int(present.sum()), int(clean.size)
    if groups < 2 or runs <= groups:
        return None
    all_means = np.bincount(labels, weights=clean, minlength=draws) / np.maximum(counts, 1)
    means, sizes = all_means[present], counts[present]
    within = float(((clean - all_means[labels]) ** 2).sum()) / (runs - groups)
    between_ms = float((sizes * (means - clean.mean()) ** 2).sum()) / (groups - 1)
    size = (runs - float((sizes**2).sum()) / runs) / (groups - 1)  # the effective group size of unequal groups
    return DrawSpread(groups, runs, max(0.0, (between_ms - within) / size), within)


def draw_weights(replications: np.ndarray | None, draws: int) -> np.ndarray | None:
    """Each run's weight, ``1 / runs on its draw``, so that every parameter draw weighs the same in a band.

    Args:
        replications: The replication index of each run, shape ``(runs,)``; None: unknown.
        draws: The number of parameter draws the runs cycle through; 0: none.

    Returns:
        Weights of shape ``(runs,)``, or None when every draw carries as many runs (or there
        are no draws): the runs' own quantiles then already weigh the draws alike. Runs are
        dealt to draws in turn, so counts differ by at most one, but 100 runs on 40 draws
        still give 20 draws three runs and 20 draws two.
    """
    if draws <= 0 or replications is None:
        return None
    labels = draw_of(np.asarray(replications), draws)
    counts = np.bincount(labels, minlength=draws)
    present = counts[counts > 0]
    if present.size == 0 or present.min() == present.max():
        return None
    return np.asarray(1.0 / counts[labels], dtype=np.float64)


def run_quantiles(
    values: np.ndarray, qs: Sequence[float], weights: np.ndarray | None = None, observed: bool = False
) -> np.ndarray:
    """Quantiles ``qs`` of single runs (NaNs dropped), each run weighing ``weights`` (None: alike).

    Linear interpolation between order statistics placed at their cumulative weight:
    the sorted run *i* sits at ``S(i-1) / S(n-1)`` (``S(k)`` the weight of the first *k*),
    which with equal weights is NumPy's default ``(i-1) / (n-1)`` (Hyndman & Fan 1996,
    type 7), so unweighted bands are unchanged. ``observed``: a value some run had instead,
    the smallest whose cumulative weight reaches ``q`` of the total (the inverse of the
    runs' distribution function, Hyndman & Fan's type 1, NumPy's ``inverted_cdf``): a
    percentile of a count over runs is then a count a run can have, where interpolation had
    read "Deals won 76.9 / 103 / 139". Returns NaNs when no value is finite.
    """
    values = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(values)
    if not keep.any():
        return np.full(len(qs), np.nan)
    if weights is None:
        if observed:
            return np.asarray(np.quantile(values[keep], qs, method="inverted_cdf"), dtype=np.float64)
        return np.asarray(np.quantile(values[keep], qs), dtype=np.float64)
    order = np.argsort(values[keep], kind="stable")
    sorted_values, sorted_weights = values[keep][order], np.asarray(weights, dtype=np.float64)[keep][order]
    if sorted_values.size == 1:
        return np.full(len(qs), sorted_values[0])
    if observed:
        reached = np.cumsum(sorted_weights) / sorted_weights.sum()
        at = np.searchsorted(reached, np.asarray(qs, dtype=np.float64) * (1.0 - 1e-12), side="left")
        return np.asarray(sorted_values[np.minimum(at, sorted_values.size - 1)], dtype=np.float64)
    before = np.concatenate(([0.0], np.cumsum(sorted_weights)[:-1]))
    return np.asarray(np.interp(np.asarray(qs, dtype=np.float64), before / before[-1], sorted_values))
