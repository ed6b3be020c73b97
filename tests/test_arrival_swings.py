"""The inflow's month-to-month swing fitted from an export: a CV beyond Poisson with a CI that covers it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calibration.fit_arrivals import month_swing


def _months(counts: np.ndarray) -> dict[str, int]:
    start = pd.Period("2016-01", freq="M")
    return {str(start + k): int(n) for k, n in enumerate(counts)}


def _negative_binomial(rng: np.random.Generator, mean: float, cv: float, months: int) -> np.ndarray:
    factors = rng.gamma(1.0 / cv**2, cv**2, months) if cv > 0 else np.ones(months)
    return rng.poisson(mean * factors)


def test_the_swing_ci_covers_the_true_cv_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(20261205)
    trials, covered, estimates = 400, 0, []
    for _ in range(trials):
        fit = month_swing(_months(_negative_binomial(rng, 800.0, 0.2, 12)))
        covered += fit.low <= 0.2 <= fit.high
        estimates.append(fit.value)
    share = covered / trials
    se = np.sqrt(0.95 * 0.05 / trials)
    assert abs(share - 0.95) < 4 * se, share  # 92.8% to 97.2%: a CI of the wrong width fails
    assert 0.15 < float(np.median(estimates)) < 0.25


def test_poisson_months_give_a_swing_near_zero_and_a_ci_from_zero() -> None:
    rng = np.random.default_rng(7)
    fits = [month_swing(_months(_negative_binomial(rng, 800.0, 0.0, 12))) for _ in range(200)]
    assert sum(f.value == 0.0 for f in fits) > 80  # s^2 below the mean about half the time: no swing at all
    assert sum(f.low == 0.0 for f in fits) > 190
    assert float(np.median([f.high for f in fits])) < 0.06


def test_thin_last_months_are_not_a_swing_and_too_few_months_give_none() -> None:
    counts = [792, 874, 722, 792, 1198, 793, 779]  # the shared export, March to September 2017
    whole = month_swing(_months(np.array(counts)))
    assert 0.1 < whole.value < 0.3 and whole.n == 7
    thinned = month_swing(_months(np.array([*counts, 283, 121])))  # its last two months record few deals
    assert thinned == whole
    assert month_swing(_months(np.array([800, 700]))).value == 0.0
    assert month_swing(_months(np.array([800, 800, 800, 800]))).value == 0.0


def test_the_forecast_rule_is_what_the_swing_is_measured_from() -> None:
    """A trend the forecast applies, or its seasonality, is not a swing."""
    months = np.arange(36, dtype=np.float64)
    trend = 500.0 + 20.0 * months  # 500 to 1,200: a plain spread of 220 a month about the mean
    assert month_swing(_months(trend.round()), trend=False).value > 0.2
    assert month_swing(_months(trend.round()), trend=True).value == 0.0
    season = [1.5, 0.5] * 6
    seasonal = 800.0 * np.array([season[k % 12] for k in range(36)])
    assert month_swing(_months(seasonal.round())).value > 0.4
    assert month_swing(_months(seasonal.round()), season=season).value == 0.0
