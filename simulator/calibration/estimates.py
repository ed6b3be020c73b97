"""A fitted number with its sample size and 95% confidence interval, and working-day arithmetic on dates."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A fitted value, its 95% CI and the number of observations it rests on.

    ``units``: the independent units (quarter ends, creation months) the CI counts when
    its ``n`` rows are not independent of each other (:mod:`simulator.calibration.
    unit_intervals`); 0 when the rows are.

    ``coverage``: the probability the interval holds the true value, 0.95 unless too few
    values give a 95% CI (a median from fewer than 6 values: :func:`median_of`; 0 from one
    value, when the interval is the value alone and no CI at all).
    """

    value: float
    low: float
    high: float
    n: int
    units: int = 0
    coverage: float = 0.95

    @property
    def short(self) -> bool:
        """Whether the interval covers less than 95% (too few values for a 95% CI): said beside it."""
        return self.coverage < 0.95

    def text(self, digits: int = 3, percent: bool = False, rows: str = "", unit: str = "") -> str:
        """``value (low–high), n = N`` for calibration.md; with ``units``, ``n = 2 quarter ends (1,655 wins)``.

        ``rows`` and ``unit`` name what ``n`` and ``units`` count, singular (``win``,
        ``quarter end``: an ``s`` is added when more than one).
        """

        def counted(count: int, what: str) -> str:
            return f"{count:,}" + (f" {what}{'s' if count != 1 else ''}" if what else "")

        size = f"n = {counted(self.n, rows)}"
        if self.units and unit:
            size = f"n = {counted(self.units, unit)} ({counted(self.n, rows)})"

        def shown(x: float) -> str:  # 25,900, never 2.59e+04
            if percent:
                return f"{100 * x:.1f}"
            return f"{x:,.0f}" if abs(x) >= 10 ** (digits - 1) else f"{x:,.{digits}g}"

        mark = "%" if percent else ""
        if self.n <= 1 or not (math.isfinite(self.low) and math.isfinite(self.high)):
            # one month's trend had read "0 (-inf–inf)", its swing "0.0% (0.0–0.0%)"
            return f"{shown(self.value)}{mark} (no CI: {'one value' if self.n <= 1 else 'too few values'}), {size}"
        if self.short and self.coverage <= 0.0:  # one value: '25,897 (25,897–25,897)' read as a 95% CI
            return f"{shown(self.value)}{mark} (no CI: one value), {size}"
        if self.short:  # a range of 4 values covers their median 87.5% of the time, not 95%
            return (
                f"{shown(self.value)}{mark} ({shown(self.low)}–{shown(self.high)}{mark}: lowest to highest, which "
                f"covers the median {100 * self.coverage:.4g}% of the time; {self.n} values give no 95% CI), {size}"
            )
        return f"{shown(self.value)}{mark} ({shown(self.low)}–{shown(self.high)}{mark}), {size}"


def proportion(successes: float, trials: float, z: float = Z95) -> Estimate:
    """A share with its Wilson score interval (``z``: the quantile, 1.96 for 95%)."""
    n = max(trials, 0.0)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n * n)) / (1 + z**2 / n)
    return Estimate(p, max(centre - half, 0.0), min(centre + half, 1.0), round(n))


def effective_trials(ids: pd.Series, groups: pd.Series) -> pd.Series:
    """Independent trials each group's rows amount to, when some rows are copies of others.

    A bootstrap resample repeats rows (a creation month drawn twice brings each of its
    deals twice), and a copy adds no chance of its own: a share's binomial variance over
    rows with ``c_j`` copies each is ``p (1 - p) sum(c_j) / n^2`` over its ``n`` rows, that
    of ``n^2 / sum(c_j)`` independent trials (Kish's effective sample size). Without copies
    it is the number of rows.

    Args:
        ids: (R,) the deal id of each row (copies share it).
        groups: (R,) the group of each row (an owner, a creation month).

    Returns:
        The effective number of trials by group (float), indexed by group.
    """
    copies = ids.groupby(ids.to_numpy()).transform("size").to_numpy(dtype=np.float64)
    frame = pd.DataFrame({"group": groups.to_numpy(), "copies": copies})
    totals = frame.groupby("group")["copies"].agg(["size", "sum"])
    return (totals["size"].astype(np.float64) ** 2 / totals["sum"]).rename("effective")


MIN_MEDIAN_CI_VALUES = 6
"""Values a median's distribution-free 95% CI needs: their lowest to highest covers it 1 - 2 (1/2)^n, 96.9% at 6."""


def order_coverage(n: int, lo: int, hi: int) -> float:
    """The probability that the ``lo``-th to ``hi``-th (0-based) of ``n`` sorted values hold their median.

    The number of values below the true median is binomial (``n``, 1/2): the interval holds
    the median when it is from ``lo + 1`` to ``hi``. Exact, not the normal approximation.
    """
    from scipy import stats

    below = stats.binom(n, 0.5)
    return float(below.cdf(hi) - below.cdf(lo))


def median_of(values: np.ndarray) -> Estimate:
    """A median with its distribution-free order-statistic interval and the interval's exact coverage.

    The normal approximation's order statistics, widened a step at a time while they cover
    less than 95% (at 21 values they covered 94.75%). Below :data:`MIN_MEDIAN_CI_VALUES`
    values no pair of them covers 95%: the interval is then their lowest to highest with its
    true coverage, ``1 - 2 (1/2)^n`` (87.5% at 4, 50% at 2), which calibration.md had called
    a 95% CI; from one value it is 0, no interval (it read ``25,897 (25,897–25,897)``).
    """
    n = values.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    ordered = np.sort(values)
    lo = max(math.floor(n / 2 - Z95 * math.sqrt(n) / 2), 0)
    hi = min(math.ceil(n / 2 + Z95 * math.sqrt(n) / 2), n - 1)
    while order_coverage(n, lo, hi) < 0.95 and (lo > 0 or hi < n - 1):
        lo, hi = max(lo - 1, 0), min(hi + 1, n - 1)
    coverage = min(order_coverage(n, lo, hi), 0.95)
    return Estimate(float(np.median(ordered)), float(ordered[lo]), float(ordered[hi]), n, coverage=coverage)


def working_days(start: np.ndarray, end: np.ndarray, holidays: list[str]) -> np.ndarray:
    """Working days (Monday to Friday less ``holidays``) from each ``start`` to each ``end``, as floats.

    A weekend date counts as the next working day, as the simulation's calendar places it.
    """
    days: np.ndarray = np.busday_count(
        np.asarray(start, dtype="datetime64[D]"), np.asarray(end, dtype="datetime64[D]"), holidays=holidays
    ).astype(np.float64)
    return days
