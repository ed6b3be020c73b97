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
  negative); window and lookahead are one month (21 working days).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.estimates import Estimate, median_of, proportion

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
        if product not in medians and price > 0:
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


def mix(values: pd.Series) -> dict[str, Estimate]:
    """Each value's share of the rows, with its Wilson CI ('' left out)."""
    counts = values[values != ""].value_counts()
    total = float(counts.sum())
    return {str(k): proportion(float(n), total) for k, n in counts.items()}


def fit_quarter_end(frame: pd.DataFrame, first_month: np.datetime64, as_of: np.datetime64) -> Estimate:
    """The share of wins pulled from a quarter's first month into the previous quarter's last."""
    won = won_by(frame, as_of)
    months = pd.PeriodIndex(won["closed"].to_numpy(dtype="datetime64[D]").astype(str), freq="M").value_counts()
    start = pd.Period(str(first_month)[:7], freq="M")
    if int(str(first_month)[8:10]) > 1:
        start += 1
    last = pd.Period(str(as_of)[:7], freq="M")
    if (as_of + np.timedelta64(1, "D")).astype(object).day != 1:
        last -= 1
    m3 = m1 = 0
    pairs = 0
    for period in pd.period_range(start, last - 1, freq="M"):
        if period.month % 3 == 0:
            m3 += int(months.get(period, 0))
            m1 += int(months.get(period + 1, 0))
            pairs += 1
    if pairs == 0 or m1 + m3 == 0:
        return Estimate(0.0, 0.0, 0.0, 0)
    x = proportion(m3, m1 + m3)
    value = max(2 * x.value - 1, 0.0)
    return Estimate(value, max(2 * x.low - 1, 0.0), max(2 * x.high - 1, 0.0), m1 + m3)
