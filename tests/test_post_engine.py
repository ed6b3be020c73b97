"""The figures after the engine, computed the fast way, equal their plain NumPy reference bit for bit.

Issue 17 made the KPI row, the monthly series, the tables and the results store's CSV
faster with no change to any number; each faster form is checked here against the
plain code it replaced, on real replications and on adversarial arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator.engines.simpy import simulate
from simulator.model.dysfunctions import _waits, sla_kpis
from simulator.model.employment import employed_interval, hire_day, productive_days
from simulator.model.forecast import _forecasts
from simulator.model.masks import any_by_row, count_by_column, count_by_row, first_true_column, true_cells
from simulator.model.metrics import MonthlySeries, _quantile, _quantiles
from simulator.model.pipeline_metrics import _pool_funnel
from simulator.model.pipeline_records import PoolState
from simulator.model.plan import reached_from
from simulator.model.records import ReplicationRun
from simulator.run.csv_text import csv_text
from simulator.run.parts import kpi_frame
from simulator.run.replication import ReplicationResult
from tests.scenarios import compiled, shipped


@pytest.fixture(scope="module", params=["generalist", "specialist"])
def run(request: pytest.FixtureRequest) -> ReplicationRun:
    return simulate(compiled(shipped(request.param)), 5, 0)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal dtype, shape and every bit (NaN equals NaN, -0.0 differs from 0.0)."""
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("shape", [(0, 6), (5, 0), (1, 1), (4477, 6), (24, 4477)])
def test_true_cells_are_nonzero_of_the_mask(shape: tuple[int, int]) -> None:
    mask = np.random.default_rng(sum(shape)).random(shape) < 0.3
    for found, expected in zip(true_cells(mask), np.nonzero(mask), strict=True):
        assert same_bits(found, expected)
    with pytest.raises(ValueError, match="2-D boolean"):
        true_cells(mask.ravel())


@pytest.mark.parametrize("shape", [(0, 6), (5, 0), (1, 1), (4477, 6), (24, 4477)])
def test_counts_and_first_columns_are_numpys_reductions(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape) + 1)
    for share in (0.0, 0.1, 0.5, 1.0):
        mask = rng.random(shape) < share
        assert same_bits(count_by_column(mask), mask.sum(axis=0))
        assert same_bits(count_by_row(mask), mask.sum(axis=1))
        assert same_bits(any_by_row(mask), np.asarray(mask.any(axis=1)))
        if shape[1]:  # argmax of an empty row is an error
            assert same_bits(first_true_column(mask), np.argmax(mask, axis=1))
    for reduce in (count_by_column, count_by_row, any_by_row, first_true_column):
        with pytest.raises(ValueError, match="boolean"):
            reduce(np.ones(shape))


def test_reached_from_is_the_running_minimum_from_the_last_stage(run: ReplicationRun) -> None:
    rng = np.random.default_rng(3)
    odd = rng.random((500, 7)) * 100
    odd[rng.random(odd.shape) < 0.4] = np.nan
    odd[:3] = [np.nan, -0.0, 0.0, np.inf, 5.0, np.nan, 1.0]
    for enter in (run.log.stage_enter, odd, np.full((3, 1), np.nan), np.empty((0, 4))):
        expected = np.minimum.accumulate(np.where(np.isnan(enter), np.inf, enter)[:, ::-1], axis=1)[:, ::-1]
        found = reached_from(enter)
        assert same_bits(found, np.ascontiguousarray(expected))
        assert found.flags.c_contiguous


def sla_reference(run: ReplicationRun, sla_days: np.ndarray) -> dict[str, float]:
    """The stage-by-stage form of :func:`sla_kpis` (before issue 17), with each share's visits (those due inside)."""
    sc = run.scenario
    _, stage, enter, end, _ = _waits(run)
    row: dict[str, float] = {}
    for s, name in enumerate(sc.stage_names):
        due = enter + float(sla_days[s])
        visits = (due >= sc.warmup_days) & (due < sc.horizon_days) & (stage == s)
        if not math.isfinite(float(sla_days[s])) or not visits.any():
            row[f"sla_breach_{name}"] = row[f"sla_visits_{name}"] = math.nan
            continue
        waited = end[visits] - enter[visits]
        row[f"sla_breach_{name}"] = float(np.mean(waited >= sla_days[s] - 1e-9))
        row[f"sla_visits_{name}"] = float(visits.sum())  # the share's denominator (the all-zero interval's trials)
    return row


def test_sla_breaches_counted_at_once_are_those_counted_stage_by_stage(run: ReplicationRun) -> None:
    sc = run.scenario
    assert sc.stage_sla_days is not None
    n = sc.n_stages
    tight = np.linspace(0.0, 5.0, n)
    tight[1] = np.inf  # a stage without an SLA
    tight[2] = np.nan
    for sla in (sc.stage_sla_days, tight, np.full(n, 1e9)):
        found, expected = sla_kpis(run, sla), sla_reference(run, sla)
        assert list(found) == list(expected)
        assert same_bits(np.array(list(found.values())), np.array(list(expected.values())))
    shares = [v for k, v in sla_kpis(run, tight).items() if k.startswith("sla_breach_")]
    assert any(0 < v < 1 for v in shares)  # the check above compared real shares


def test_full_digit_csv_floats_are_numpys_text_of_every_bit_pattern() -> None:
    rng = np.random.default_rng(17)
    values = rng.integers(0, 2**64, size=20_000, dtype=np.uint64).view(np.float64)
    values = values[~np.isnan(values)]
    frame = pd.DataFrame({"x": values, "y": -values})
    expected = frame.to_csv(index=False, lineterminator="\n")
    assert csv_text(frame, lineterminator="\n") == expected
    assert [line.split(",")[0] for line in expected.splitlines()[1:]] == values.astype(str).tolist()


def test_whole_number_csv_cells_are_numpys_text() -> None:
    extremes = np.array([0, -1, 1, 2**63 - 1, -(2**63), 10**18], dtype=np.int64)
    frame = pd.DataFrame({"i": np.concatenate([extremes, np.arange(-500, 500)]), "b": [True, False] * 503})
    expected = frame.to_csv(index=False, lineterminator="\n")
    assert csv_text(frame, lineterminator="\n") == expected
    assert [line.split(",")[0] for line in expected.splitlines()[1:7]] == extremes.astype(str).tolist()


def _result(replication: int, kpis: dict[str, Any]) -> ReplicationResult:
    month = np.zeros(1)
    monthly = MonthlySeries(month, month, month, month, month, month)
    return ReplicationResult("today", replication, kpis, monthly)


@pytest.mark.parametrize(
    "rows",
    [
        [{"bookings": 1.5, "win_rate": math.nan}, {"bookings": -0.0, "win_rate": 0.25}],  # the usual batch
        [{"bookings": 1.5}, {"bookings": 2.0, "win_rate": 0.5}],  # a KPI one replication lacks
        [{"win_rate": 0.5, "bookings": 1.5}, {"bookings": 2.0, "win_rate": 0.5}],  # another order
        [{"bookings": 1.5, "deals_won": 3}, {"bookings": 2.0, "deals_won": 4}],  # a whole number
        [{"bookings": 1.5, "hit_plan": True}, {"bookings": 2.0, "hit_plan": np.float64(0.0)}],
        [{"replication": 7.0}, {"replication": 8.0}],  # a KPI named like a key
    ],
)
def test_the_kpi_table_of_a_batch_is_the_frame_of_its_rows(rows: list[dict[str, Any]]) -> None:
    results = [_result(r, kpis) for r, kpis in enumerate(rows)]
    expected = pd.DataFrame([{"scenario": o.scenario, "replication": o.replication, **o.kpis} for o in results])
    found = kpi_frame(results)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)
    assert found.to_csv(index=False) == expected.to_csv(index=False)


def test_quantiles_from_one_call_are_those_of_one_call_each() -> None:
    rng = np.random.default_rng(5)
    for size in (0, 1, 2, 3, 10, 11, 99, 1000):
        for values in (rng.random(size) * 300, np.round(rng.random(size) * 5), rng.lognormal(3, 2, size)):
            found = _quantiles(values, (0.5, 0.9))
            expected = [_quantile(values, 0.5), _quantile(values, 0.9)]
            assert same_bits(np.array(found), np.array(expected))


def funnel_reference(names: tuple[str, ...], stage: np.ndarray, state: np.ndarray) -> dict[str, float]:
    """The pool funnel with a bincount per state (before issue 17), with each conversion's denominator."""

    def counts(stage: np.ndarray) -> np.ndarray:
        return np.bincount(np.clip(stage, -1, len(names)) + 1, minlength=len(names) + 2)

    entered = np.cumsum(counts(stage)[::-1])[::-1][1:]
    done, dropped = (counts(stage[state == k])[1:-1] for k in (PoolState.DONE, PoolState.DROPPED))
    moved_on = entered[1:] + done
    row: dict[str, float] = {}
    for s, name in enumerate(names):
        row[f"stage_entries_{name}"] = float(entered[s])
        moved, lost = float(moved_on[s]), float(dropped[s])
        row[f"stage_conversion_{name}"] = moved / (moved + lost) if moved + lost > 0 else math.nan
        row[f"stage_exits_{name}"] = moved + lost if moved + lost > 0 else math.nan  # the interval's trials
    return row


@pytest.mark.parametrize("size", [0, 1, 40, 40_000])
def test_a_pool_funnel_counted_in_one_pass_is_the_one_counted_by_state(size: int) -> None:
    rng = np.random.default_rng(size)
    names = ("research", "outreach", "meeting")
    stage = rng.integers(-1, len(names) + 2, size)  # below the first stage and beyond the last included
    state = rng.integers(0, len(PoolState), size)
    found: dict[str, float] = {}
    _pool_funnel(found, names, stage, state)
    expected = funnel_reference(names, stage, state)
    assert list(found) == list(expected)
    assert same_bits(np.array(list(found.values())), np.array(list(expected.values())))


def productive_days_reference(run: ReplicationRun) -> np.ndarray:
    """Ramped FTE-days rep by rep (before issue 17)."""
    start, end = employed_interval(run)
    days = np.clip(end - start, 0.0, None)
    plan = run.scenario.workforce
    month = run.scenario.calendar.days_per_month
    joined = hire_day(run)
    tenure0 = np.asarray(run.rep_start_tenure_months, dtype=np.float64)
    tenure0 = np.where(np.isnan(tenure0), np.inf, tenure0)
    weighted = days.copy()
    for rep in np.flatnonzero(days > 0):
        curve = plan.ramp(int(run.rep_team[rep])).productivity
        if not curve or not np.isfinite(tenure0[rep]):
            continue
        for m, level in enumerate(curve):
            lo = joined[rep] + (m - tenure0[rep]) * month
            overlap = min(end[rep], lo + month) - max(start[rep], lo)
            if overlap > 0:
                weighted[rep] -= (1.0 - level) * overlap
    return weighted


@pytest.mark.parametrize("org", ["generalist", "specialist"])
def test_ramped_days_team_by_team_are_those_rep_by_rep(org: str) -> None:
    run = simulate(compiled(shipped(org, workforce="default")), 5, 0)
    assert run.scenario.workforce.teams and any(t.ramp.productivity for t in run.scenario.workforce.teams)
    found, expected = productive_days(run), productive_days_reference(run)
    assert same_bits(found, expected)
    assert (found < employed_interval(run)[1] - employed_interval(run)[0]).any()  # someone was ramping


def forecasts_reference(
    ends: np.ndarray, period_end: np.ndarray, horizon: float, open_value: np.ndarray, won_value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Learned month-end forecasts month by month (before issue 17)."""
    forecast, actual = np.full(ends.size, np.nan), np.full(ends.size, np.nan)
    for m, day in enumerate(ends):
        if period_end[m] <= horizon + 1e-9:
            actual[m] = won_value[m].sum()
        history = period_end[:m] <= day + 1e-9
        if not history.any():
            continue
        past_open, past_won = open_value[:m][history].sum(axis=0), won_value[:m][history].sum(axis=0)
        overall = past_won.sum() / past_open.sum() if past_open.sum() > 0 else 0.0
        weights = np.divide(past_won, past_open, out=np.full(past_open.shape, overall), where=past_open > 0)
        forecast[m] = float(open_value[m] @ weights)
    return forecast, actual


@pytest.mark.parametrize("n_stages", [1, 6, 9])
def test_forecasts_with_the_actuals_summed_at_once_are_those_month_by_month(n_stages: int) -> None:
    rng = np.random.default_rng(n_stages)
    ends = np.cumsum(rng.random(24) * 21) + 250
    period_end = np.concatenate([ends[1:], [np.inf]])
    open_value = rng.lognormal(11, 2, (24, n_stages)) * (rng.random((24, n_stages)) < 0.8)
    won_value = open_value * rng.random((24, n_stages))
    found = _forecasts(ends, period_end, float(ends[-3]), open_value, won_value, None)
    for a, b in zip(found, forecasts_reference(ends, period_end, float(ends[-3]), open_value, won_value), strict=True):
        assert same_bits(a, b)
    assert np.isfinite(found[0]).sum() > 10 and np.isnan(found[1]).sum() >= 2
