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
