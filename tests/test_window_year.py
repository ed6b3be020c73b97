"""Pay, quota and the plan over a window of one dated calendar year: each to the dollar.

The plan was held to the window year by year (each year's share of its own working days),
while pay, tools and quota were prorated at the calendar's mean working days a year: over
2028 alone (260 working days) on a calendar of 2027-2028 (261 and 260, a mean of 260.5), a
rep owed 99.8% of its quota and cost 99.8% of its salary, and the capacity bridge's
spreadsheet read seats x quota x attainment 0.2% short of the planner's own figure.
"""

from __future__ import annotations

import pytest

from simulator.engines.simpy import simulate
from simulator.model.economics import rep_ledger
from simulator.model.metrics import kpi_row
from simulator.model.window import window_year_days
from tests.scenarios import compiled
from tests.test_plan import toy

FIXED_PER_REP = 100_000 + 120_000 * (1 / 0.8 - 1)  # the toy's base + on-costs of an OTE of $120k at 80% pay share


def _year_2028(**clock: object) -> dict[str, object]:
    data = toy(reps=2, horizon=521.0, plan={"bookings": 400_000.0, "assumed_attainment": 0.8})
    data["clock"] = {"start_date": "2027-01-01", "warmup_days": 261.0, "horizon_days": 521.0, **clock}
    return data


def test_a_window_of_one_calendar_year_costs_a_year_s_pay_and_owes_a_year_s_quota() -> None:
    sc = compiled(_year_2028())
    assert sc.calendar.days_per_year == pytest.approx(260.5)  # 2027's 261 and 2028's 260
    assert window_year_days(sc) == pytest.approx(260.0)
    run = simulate(sc, 3, 0)
    row = kpi_row(run)
    assert (run.rep_hire_day <= sc.warmup_days).all() and (run.rep_leave_day >= sc.horizon_days).all()
    assert row["cost_people_fixed"] == pytest.approx(2 * FIXED_PER_REP, rel=1e-12)
    assert row["cost_tools"] == pytest.approx(2 * 1_000.0, rel=1e-12)
    assert row["plan_target"] == pytest.approx(400_000.0, rel=1e-12)
    assert row["capacity_spreadsheet"] == pytest.approx(2 * 500_000 * 0.8, rel=1e-12)  # seats x quota x attainment
    ledger = rep_ledger(run, sc.economics)  # type: ignore[arg-type]
    assert ledger.attainment == pytest.approx(ledger.credited_bookings / 500_000.0, rel=1e-12)


def test_an_abstract_year_is_its_own_days_per_year() -> None:
    sc = compiled(toy(reps=2, horizon=125.0))
    assert window_year_days(sc) == sc.calendar.days_per_year == 240.0
