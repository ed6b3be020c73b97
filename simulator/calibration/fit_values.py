"""Deal value per product, product and office mixes, and the quarter-end effect.

- **Deal value**: per product, the median won amount (order-statistic CI); the market's
  deal value is the empirical distribution of won amount / its product's median (50
  quantiles), so a product's deals are its median times that spread (list price ± about
  10% in the shared export). Without won amounts, the price list's price.
- **Mixes**: each product's (and office's) share of the new opportunities of the recent
  months, with a Wilson CI.
- **Quarter-end effect**: wins in the last month of a calendar quarter (``m3``) against
  the first month of the next (``m1``), over the quarter ends whose two months the export
  shows whole before the as-of date; a pulled share ``s`` of the wins due in the month
  after moves them into the month before, so ``s = (m3 - m1) / (m3 + m1)`` (0 when
  negative); window and lookahead are one month (21 working days). Its CI counts the
  quarter ends (two in the shared export as of 2017-09-30), not the wins in their months
  (:mod:`simulator.calibration.unit_intervals`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.estimates import Estimate, median_of, proportion
from simulator.calibration.unit_intervals import quarter_end_pull, t95

VALUE_POINTS = 50


@dataclass(frozen=True)
class ValueFit:
    """Median won value per product and the spread around it."""

    product_median: dict[str, Estimate]
    spread: np.ndarray  # VALUE_POINTS quantiles of won amount / product median
    fallback: float  # deal value of a product with no won amount and no price


def fit_values(
    frame: pd.DataFrame, prices: dict[str, float], as_of: np.datetime64, assumed: float | None = None
) -> ValueFit:
    """Fit deal values from wins closed on or before ``as_of``; ``assumed``: the value when no win has one.

    ``assumed`` is the mapping's ``assumptions.deal_value``; a product with a price keeps
    its price.
    """
    won = won_by(frame, as_of)
    won = won[won["amount"].fillna(0.0) > 0]
    medians: dict[str, Estimate] = {}
    ratios = []
    for product, rows in won.groupby("product"):
        amounts = rows["amount"].to_numpy(dtype=float)
        medians[str(product)] = median_of(amounts)
        ratios.append(amounts / medians[str(product)].value)
    for product, price in prices.items():
        if product and product not in medians and price > 0:  # a price row with no product names none
            medians[product] = Estimate(price, price, price, 0)
    spread = np.concatenate(ratios) if ratios else np.ones(1)
    points = np.quantile(spread, (np.arange(VALUE_POINTS) + 0.5) / VALUE_POINTS)
    all_amounts = won["amount"].to_numpy(dtype=float)
    fallback = float(np.median(all_amounts)) if all_amounts.size else (assumed or 1.0)
    return ValueFit(medians, points, fallback)


def won_by(frame: pd.DataFrame, as_of: np.datetime64) -> pd.DataFrame:
    """The rows of the wins closed on or before ``as_of``."""
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    return frame[(frame["outcome"] == "won") & (~np.isnat(closed)) & (closed <= as_of)]


def valued_wins(frame: pd.DataFrame, as_of: np.datetime64) -> tuple[int, int]:
    """(wins closed by ``as_of``, those with an amount above 0): what :func:`fit_values` fits on."""
    won = won_by(frame, as_of)
    return len(won), int((won["amount"].fillna(0.0) > 0).sum())


def won_mean(frame: pd.DataFrame, as_of: np.datetime64) -> float:
    """The mean amount of the wins closed by ``as_of`` that have one (above 0); NaN with none."""
    amounts = won_by(frame, as_of)["amount"]
    valued = amounts[amounts.fillna(0.0) > 0]
    return float(valued.mean()) if len(valued) else math.nan


def list_priced(values: ValueFit) -> list[str]:
    """The products whose deal value is the price list's: no won deal of theirs has a value."""
    return sorted(product for product, estimate in values.product_median.items() if estimate.n == 0)


def mix(values: pd.Series, months: np.ndarray | None = None) -> tuple[dict[str, Estimate], float]:
    """Each value's share of the rows with its CI ('' left out), and the months' over-dispersion ``phi``.

    Deals of one month may share that month's mix, so the rows are not independent
    trials of it. With ``months`` ((R,) each row's creation month, in ``values``' order),
    ``phi = max(1, X^2 / dof)``: Pearson's chi-square of the month x value table over its
    ``(M - 1)(V - 1)`` degrees of freedom (quasi-binomial; McCullagh & Nelder 1989,
    *Generalized Linear Models*, section 4.5). Each share's Wilson interval then counts
    the rows over ``phi`` as its trials, with a t quantile on those degrees of freedom.
    The shared export's recent months (2017-04 to 2017-09, 7 products) read X^2 = 37.0 on
    30 (chance alone, p = 0.18): ``phi`` = 1.23. Without ``months``, or with one month or
    value, the plain Wilson interval (``phi`` = 1).
    """
    kept = values != ""
    counts = values[kept].value_counts()
    total = float(counts.sum())
    phi, dof = 1.0, math.inf
    if months is not None and total > 0:
        table = pd.crosstab(months[kept.to_numpy()], values[kept].to_numpy()).to_numpy(dtype=np.float64)
        if min(table.shape) >= 2:
            expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
            dof = float((table.shape[0] - 1) * (table.shape[1] - 1))
            phi = max(float(np.sum((table - expected) ** 2 / expected)) / dof, 1.0)
    z = t95(dof)
    shares: dict[str, Estimate] = {}
    for k, n in counts.items():
        share = proportion(float(n) / phi, total / phi, z)
        shares[str(k)] = Estimate(float(n) / total, share.low, share.high, round(total))
    return shares, phi


def fit_quarter_end(frame: pd.DataFrame, first_month: np.datetime64, as_of: np.datetime64) -> Estimate:
    """The share of wins pulled from a quarter's first month into the previous quarter's last.

    Over the quarter ends whose two months the export shows whole from ``first_month`` to
    ``as_of``; its CI counts the quarter ends, not the wins
    (:func:`~simulator.calibration.unit_intervals.quarter_end_pull`).
    """
    won = won_by(frame, as_of)
    months = pd.PeriodIndex(won["closed"].to_numpy(dtype="datetime64[D]").astype(str), freq="M").value_counts()
    start = pd.Period(str(first_month)[:7], freq="M")
    if int(str(first_month)[8:10]) > 1:
        start += 1
    last = pd.Period(str(as_of)[:7], freq="M")
    if (as_of + np.timedelta64(1, "D")).astype(object).day != 1:
        last -= 1
    ends = [period for period in pd.period_range(start, last - 1, freq="M") if period.month % 3 == 0]
    m3 = np.array([months.get(period, 0) for period in ends], dtype=np.float64)
    m1 = np.array([months.get(period + 1, 0) for period in ends], dtype=np.float64)
    return quarter_end_pull(m3, m1)
