"""Coaching starts with the measured window, as planned hires do: the window is its first year.

ramp_and_coaching's coaching (1% of the gap to the best rep a month) ran from day 0, so the
measured year after the 250-day warm-up was its second: "+$528k a year" (+13%, 100 runs)
where its first year books +$91k (+2%), and a longer warm-up would have read more still.
"""

from __future__ import annotations

import copy
from typing import Any

from simulator.engines.simpy import simulate
from simulator.model.metrics import kpi_row
from tests.scenarios import compiled, shipped

WARMUP = 250.0


def coached(rate: float, horizon: float) -> dict[str, Any]:
    data = shipped("generalist")
    data["clock"].update(horizon_days=horizon, warmup_days=WARMUP)
    data["org"]["teams"]["full_cycle"]["skill"] = {"mean": 0.0, "sd": 1.0}
    data["workforce"] = {"roles": {"full_cycle": {"coaching_rate": rate, "coaching_toward": "best"}}}
    return data


def test_the_first_coaching_is_a_month_into_the_measured_window() -> None:
    plan = compiled(coached(0.3, 500.0)).workforce
    assert plan.month_ends and min(plan.month_ends) > WARMUP
    assert min(plan.month_ends) - WARMUP <= plan.days_per_month + 1.0  # the first month end, on a working day


def test_coaching_changes_nothing_before_the_window_starts() -> None:
    """A window shorter than a month sees no coaching at all: the same bookings as without it, run by run."""
    horizon = WARMUP + 20.0
    without, coaching = compiled(coached(0.0, horizon)), compiled(copy.deepcopy(coached(0.3, horizon)))
    for r in range(4):
        assert kpi_row(simulate(coaching, 808, r))["bookings"] == kpi_row(simulate(without, 808, r))["bookings"]
