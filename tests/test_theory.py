"""Validation against closed-form results, with fixed seeds and tolerances in standard errors.

Configured as textbook systems, the model must reproduce queueing theory (M/M/c mean
wait by Erlang C, utilisation lambda / (c mu)), Poisson arrival counts, binomial wins
and Little's law. Tolerances are 4 standard errors: a false alarm is then about 1 in
16,000 per check, so the suite does not flake, yet a modelling error of a few percent
fails it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simulator.engines.simpy import simulate
from simulator.model.market import draw_arrivals
from simulator.model.metrics import kpi_row
from simulator.model.records import Outcome
from tests.scenarios import compiled, shipped, single_stage_queue

Z = 4.0


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C formula)."""
    offered = arrival_rate / service_rate
    rho = offered / servers
    top = offered**servers / math.factorial(servers) / (1.0 - rho)
    bottom = sum(offered**k / math.factorial(k) for k in range(servers)) + top
    return (top / bottom) / (servers * service_rate - arrival_rate)


def mean_and_se(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=float)
    return float(array.mean()), float(array.std(ddof=1) / math.sqrt(len(array)))


@pytest.mark.parametrize(
    ("arrivals", "service_rate", "servers"),
    [(4.0, 1.0, 5), (2.7, 1.0, 3)],  # rho = 0.8 and 0.9
    ids=["rho0.8-c5", "rho0.9-c3"],
)
def test_mmc_mean_wait_and_utilisation_match_erlang_c(arrivals: float, service_rate: float, servers: int) -> None:
    scenario = compiled(
        single_stage_queue(arrivals, 1.0 / service_rate, servers, horizon_days=3200.0, warmup_days=200.0)
    )
    waits, utilisation = [], []
    for replication in range(16):
        row = kpi_row(simulate(scenario, seed=11, replication=replication))
        waits.append(row["stage_wait_days_serve"])
        utilisation.append(row["utilisation_servers"])
    expected_wait = erlang_c_wait(arrivals, service_rate, servers)
    wait, wait_se = mean_and_se(waits)
    assert abs(wait - expected_wait) < Z * wait_se, (wait, wait_se, expected_wait)
    rho = arrivals / (servers * service_rate)
    busy, busy_se = mean_and_se(utilisation)
    assert abs(busy - rho) < Z * busy_se, (busy, busy_se, rho)


def test_mmc_detects_a_wrong_formula() -> None:
    """The tolerance is tight enough to reject the wait of a queue with one server more."""
    scenario = compiled(single_stage_queue(4.0, 1.0, 5, horizon_days=3200.0, warmup_days=200.0))
    waits = [kpi_row(simulate(scenario, seed=11, replication=r))["stage_wait_days_serve"] for r in range(16)]
    wait, se = mean_and_se(waits)
    assert abs(wait - erlang_c_wait(4.0, 1.0, 6)) > Z * se


def test_arrival_counts_are_poisson() -> None:
    data = single_stage_queue(3.0, 0.1, 1, horizon_days=200.0)
    data["market"]["seasonality"] = [0.5, 1.5, 1.0, 1.0, 0.8, 1.2, 1.0, 1.0, 1.1, 0.9, 1.0, 1.0]
    scenario = compiled(data)
    # 200 days = ten 20-day months: expected count is rate x sum of the multipliers x 20
    expected = 3.0 * 20 * sum(data["market"]["seasonality"][:10])
    counts = np.array([draw_arrivals(scenario, 5, r)[0].size for r in range(400)])
    se = math.sqrt(expected / counts.size)
    assert abs(counts.mean() - expected) < Z * se
    # dispersion index: (n-1) s^2 / mean is chi-square with n-1 degrees of freedom for Poisson counts
    dispersion = (counts.size - 1) * counts.var(ddof=1) / counts.mean()
    low, high = stats.chi2.ppf([1e-4, 1 - 1e-4], counts.size - 1)
    assert low < dispersion < high


def test_month_swings_make_monthly_counts_negative_binomial() -> None:
    """market.sources.*.month_cv: a gamma factor of mean 1 per month, so variance m + (cv m)^2, mean unchanged."""
    data = single_stage_queue(3.0, 0.1, 1, horizon_days=200.0)
    steady = compiled(data)
    data["market"]["sources"]["arrivals"]["month_cv"] = 0.3
    swung = compiled(data)
    assert steady.source_month_cv is None and swung.source_month_cv is not None
    edges = np.arange(0.0, 201.0, 20.0)  # ten 20-day months

    def monthly(scenario, replication: int) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.histogram(draw_arrivals(scenario, 5, replication)[0], bins=edges)[0]

    counts = np.array([monthly(swung, r) for r in range(400)], dtype=np.float64)  # (runs, months)
    expected_mean, expected_var = 60.0, 60.0 + (0.3 * 60.0) ** 2  # 3 a day x 20 days; 384 against Poisson's 60
    mean = counts.mean()
    assert abs(mean - expected_mean) < Z * math.sqrt(expected_var / counts.size)
    variances = counts.var(axis=0, ddof=1)  # each month's variance over runs: ten independent estimates
    se = variances.std(ddof=1) / math.sqrt(variances.size)
    assert abs(variances.mean() - expected_var) < Z * se, (variances.mean(), se)
    assert variances.mean() > 60.0 + Z * se  # not Poisson
    same = compiled(single_stage_queue(3.0, 0.1, 1, horizon_days=200.0))
    zero = single_stage_queue(3.0, 0.1, 1, horizon_days=200.0)
    zero["market"]["sources"]["arrivals"]["month_cv"] = 0.0
    for r in range(3):  # a CV of 0 is the Poisson stream, number for number
        assert np.array_equal(draw_arrivals(compiled(zero), 5, r)[0], draw_arrivals(same, 5, r)[0])


def test_arrivals_follow_seasonality_within_the_year() -> None:
    data = single_stage_queue(5.0, 0.1, 1, horizon_days=240.0)
    data["market"]["seasonality"] = [2.0] + [1.0] * 11
    scenario = compiled(data)
    first_month, second_month = [], []
    for r in range(100):
        days = draw_arrivals(scenario, 9, r)[0]
        first_month.append(np.sum(days < 20))
        second_month.append(np.sum((days >= 20) & (days < 40)))
    ratio = np.sum(first_month) / np.sum(second_month)
    se = ratio * math.sqrt(1 / np.sum(first_month) + 1 / np.sum(second_month))
    assert abs(ratio - 2.0) < Z * se


def test_wins_are_binomial() -> None:
    p = 0.3
    scenario = compiled(single_stage_queue(2.0, 0.05, 10, horizon_days=200.0, conversion=p))
    standardised = []
    for replication in range(60):
        run = simulate(scenario, seed=3, replication=replication)
        worked = int(np.isfinite(run.log.stage_end[:, 0]).sum())
        won = int((run.log.outcome == Outcome.WON).sum())
        standardised.append((won - worked * p) / math.sqrt(worked * p * (1 - p)))
    z = np.asarray(standardised)
    assert abs(z.mean()) < Z / math.sqrt(z.size)  # unbiased
    dispersion = (z.size - 1) * z.var(ddof=1)  # chi-square(n-1) if the variance is binomial
    low, high = stats.chi2.ppf([1e-4, 1 - 1e-4], z.size - 1)
    assert low < dispersion < high


def test_littles_law_holds_for_the_open_pipeline() -> None:
    """Time-average open leads (daily census) equals arrival rate x mean time in the pipeline."""
    data = shipped("generalist")
    for stage in data["pipeline"]["stages"]:
        stage["max_wait_days"] = None  # leaks are detected lazily; keep the census exact
    data["clock"] = {"horizon_days": 1400, "warmup_days": 200, "days_per_year": 252}
    scenario = compiled(data)
    gaps = []
    for replication in range(6):
        run = simulate(scenario, seed=21, replication=replication)
        start, stop = 200, 1200  # leads arriving here have all ended long before day 1400
        census = run.daily_open[start:stop].mean()
        arrived = (run.leads.arrival_day >= start) & (run.leads.arrival_day < stop)
        assert np.all(run.log.outcome[arrived] != Outcome.OPEN)
        rate = arrived.sum() / (stop - start)
        sojourn = (run.log.outcome_day[arrived] - run.leads.arrival_day[arrived]).mean()
        gaps.append((census - rate * sojourn) / census)
    gap, se = mean_and_se(gaps)
    assert abs(gap) < max(Z * se, 0.02), (gap, se)
