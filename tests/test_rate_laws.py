"""Every rate docs/MODEL.md states, against its closed form, under changes of state.

Each test counts what the simulation did (arrivals, referrals, expansion opportunities,
churned accounts, check-ins, leavers, hires) and compares it with the documented law
integrated over the run: rates that change in the middle of an interval (seasonality
from month to month, a partner's referral rate when an enablement session ends),
owners who leave (accounts, partners and queued work handed over), and windows that
overlap (an account's renewal work beside its check-ins and expansion opportunities).
Fixed seeds; tolerances of 4 standard errors; scenarios sized so that the faults these
tests guard against (a rate frozen until the next interval, a process paused by
another) would miss by many standard errors.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from simulator.engines.choice import simulate as choose_engine
from simulator.engines.simpy import simulate
from simulator.model.metrics import kpi_row
from simulator.model.records import ReplicationRun
from tests.scenarios import compiled, single_stage_queue

Z = 4.0
SEED = 13
DAYS_PER_MONTH = 21
TINY = {"dist": "constant", "value": 0.001}  # hours: work that never makes anyone wait


@pytest.fixture(autouse=True)
def _quiet_one_stage_pipelines(recwarn: pytest.WarningsRecorder) -> Iterator[None]:
    """The textbook one-stage pipeline draws a shape warning (4 to 10 stages is usual)."""
    yield


def organisation(horizon: float, warmup: float = 0.0, **teams: dict[str, Any]) -> dict[str, Any]:
    """A one-stage sales pipeline with no leads, plus the given teams (8 selling hours a day)."""
    data = single_stage_queue(0.0, 0.01, 1, horizon, warmup)
    data["clock"]["days_per_year"] = 12 * DAYS_PER_MONTH
    for name, settings in teams.items():
        data["org"]["teams"][name] = {
            "hours_per_day": 8,
            "selling_fraction": 1.0,
            "assignment": "round_robin",
            "priority": "fifo",
            **settings,
        }
    return data


def runs(data: dict[str, Any], n: int) -> list[ReplicationRun]:
    scenario = compiled(data)
    return [simulate(scenario, SEED, r) for r in range(n)]


def assert_poisson(observed: float, expected: float) -> None:
    """A total count against its Poisson mean, within Z standard errors."""
    assert abs(observed - expected) < Z * math.sqrt(expected), (observed, expected)


# ---------------------------------------------------------------------------- arrivals


def month_edges(dated: bool) -> tuple[np.ndarray, float]:
    """Working day on which each month starts (13 edges), and the working days of a mean month.

    Abstract calendar of the queue config: 240-day years, months of 20 days. Dated: day 0
    is Monday 4 January 2027, months are the calendar's with their own working days (Monday
    to Friday), and a mean month is a twelfth of 2027's working days.
    """
    if not dated:
        return np.arange(13) * 20.0, 20.0
    first = [np.datetime64(f"2027-{m:02d}-01") for m in range(1, 13)] + [np.datetime64("2028-01-01")]
    edges = np.array([np.busday_count(np.datetime64("2027-01-04"), d) for d in first], dtype=np.float64)
    return edges, float(np.busday_count(np.datetime64("2027-01-01"), np.datetime64("2028-01-01"))) / 12


@pytest.mark.parametrize("dated", [False, True])
def test_arrivals_follow_the_monthly_seasonality_inside_a_window_that_cuts_months(dated: bool) -> None:
    """Each source's count is its rate x the month's factor, integrated over the window, month by month.

    The rate per working day is ``leads_per_month`` over a mean month, so a month with more
    working days (a dated calendar's) brings more leads.
    """
    seasonality = [0.4, 1.8, 1.0, 0.6, 1.5, 1.2, 0.8, 1.0, 1.3, 0.7, 1.1, 0.6]
    horizon, warmup = 160.5, 30.5  # the window opens and closes in the middle of a month
    per_month = {"inbound": 60.0, "outbound": 25.0}
    data = single_stage_queue(1.0, 0.001, 2, horizon, warmup)
    if dated:
        del data["clock"]["days_per_year"]
        data["clock"]["start_date"] = "2027-01-04"
    data["market"]["seasonality"] = seasonality
    data["market"]["sources"] = {name: {"leads_per_month": rate} for name, rate in per_month.items()}
    n = 30
    results = runs(data, n)
    edges, month = month_edges(dated)
    window_days = np.maximum(0.0, np.minimum(edges[1:], horizon) - np.maximum(edges[:-1], warmup))
    factor = np.array(seasonality)
    for s, rate in enumerate(per_month.values()):
        counts = np.zeros(window_days.size)
        for run in results:
            day = run.leads.arrival_day[run.leads.source == s]
            counts += np.histogram(day[(day >= warmup) & (day < horizon)], bins=edges)[0]
        expected = n * rate / month * factor * window_days
        for m in np.flatnonzero(window_days):
            assert_poisson(counts[m], expected[m])
    total = sum(kpi_row(run)["leads_total"] for run in results)
    assert_poisson(total, n * sum(per_month.values()) / month * float((factor * window_days).sum()))


# ---------------------------------------------------------------------------- partner referrals


def partner_channel(
    horizon: float,
    session_hours: float,
    hours_scale: float,
    base: float,
    workforce: dict[str, Any] | None = None,
    half_life: float | None = None,
) -> dict[str, Any]:
    """40 managers, one partner each, recruited at once; a session asked for every 21 days."""
    data = organisation(
        horizon,
        pm={
            "role": "partner_manager",
            "headcount": 40,
            "time_allocation": {"priority": ["partner"], "idle_work": "partner"},
        },
    )
    data["market"]["sources"]["partner"] = {"leads_per_month": 0.0}
    data["pipelines"] = {
        "partner": {
            "source": "partner",
            "prospects": 40,
            "max_partners_per_manager": 1,
            "stages": [{"name": "recruit", "role": "partner_manager", "effort_hours": TINY}],
            "enablement": {
                "interval_days": 21,
                "effort_hours": {"dist": "constant", "value": session_hours},
                "half_life_days": half_life,
            },
            "referral": {"base_leads_per_month": base, "max_leads_per_month": 2.0, "hours_scale": hours_scale},
        }
    }
    if workforce is not None:
        data["workforce"] = workforce
    return data


def expected_referrals(
    horizon: float, session_hours: float, hours_scale: float, base: float, half_life: float | None = None
) -> float:
    """The documented law integrated over the run: rate = base + (max - base)(1 - exp(-hours / scale)).

    A partner is active when its recruiting (0.001 hours) is done and asks for a session
    then and every 21 days; each session ends ``session_hours`` later (its manager is
    idle), and the rate steps up at that moment. With a half-life, the hours left are
    multiplied by 0.5^(21 / half-life) at each request, before its session.
    """
    hours_per_day, interval = 8.0, 21.0
    kept = 0.5 ** (interval / half_life) if half_life is not None else 1.0
    active = 0.001 / hours_per_day
    changes: list[tuple[float, str]] = []  # (time, what): a request wears off, a session's end adds
    for k in range(int(horizon // interval) + 1):
        changes += [(active + k * interval, "request"), (active + k * interval + session_hours / hours_per_day, "end")]
    total, stock, now = 0.0, 0.0, active
    for when, what in [*sorted(c for c in changes if c[0] < horizon), (horizon, "stop")]:
        total += (base + (2.0 - base) * (1.0 - math.exp(-stock / hours_scale))) / DAYS_PER_MONTH * (when - now)
        now = when
        stock = stock * kept if what == "request" else stock + session_hours if what == "end" else stock
    return 40 * total


def test_a_referral_rate_steps_up_the_moment_an_enablement_session_ends() -> None:
    """The issue's case: base 0, max 2 a month, 3-hour sessions, a 21-day horizon: 17.4 referrals, not 0."""
    expected = expected_referrals(21.0, 3.0, 12.0, 0.0)
    assert expected == pytest.approx(17.4, abs=0.05)
    n = 30
    total = sum(int(run.pipelines.partner_referrals.sum()) for run in runs(partner_channel(21.0, 3.0, 12.0, 0.0), n))  # type: ignore[union-attr]
    assert_poisson(total, n * expected)


def test_referrals_over_several_sessions_with_a_base_rate() -> None:
    """Three sessions, each raising the rate mid-interval, on top of a base rate."""
    n = 12
    total = sum(int(run.pipelines.partner_referrals.sum()) for run in runs(partner_channel(63.0, 3.0, 12.0, 0.3), n))  # type: ignore[union-attr]
    assert_poisson(total, n * expected_referrals(63.0, 3.0, 12.0, 0.3))


@pytest.mark.parametrize("engine", ["simpy", "fast"])
def test_enablement_wears_off_by_its_half_life(engine: str) -> None:
    """Sessions after the third bought nothing: the hours never wore off, so a partner stayed at the cap."""
    n = 12
    scenario = compiled(partner_channel(126.0, 3.0, 12.0, 0.3, half_life=21.0))
    total = sum(int(choose_engine(scenario, SEED, r, engine).pipelines.partner_referrals.sum()) for r in range(n))  # type: ignore[union-attr]
    expected = expected_referrals(126.0, 3.0, 12.0, 0.3, half_life=21.0)
    assert_poisson(total, n * expected)
    # half the hours left at each request: the steady state holds 6 hours, not 18 after six sessions
    assert expected < 0.75 * expected_referrals(126.0, 3.0, 12.0, 0.3)


def test_partners_of_a_leaving_manager_are_enabled_by_another() -> None:
    """Managers leave (5 a year each, refilled after 5 days): their partners' sessions go on.

    Sessions are short (0.01 hours) so that a manager serving a colleague's partner
    delays no session by more than minutes: the law above holds as if nobody left.
    Without the hand-over, a partner whose manager left would never be enabled again.
    """
    workforce = {
        "roles": {"partner_manager": {"attrition_rate": 5.0, "backfill_days": {"dist": "constant", "value": 5}}}
    }
    n = 10
    results = runs(partner_channel(105.0, 0.01, 0.05, 0.0, workforce), n)
    assert sum(kpi_row(run)["reps_left"] for run in results) > 0.6 * 40 * n
    total = sum(int(run.pipelines.partner_referrals.sum()) for run in results)  # type: ignore[union-attr]
    assert_poisson(total, n * expected_referrals(105.0, 0.01, 0.05, 0.0))


# ---------------------------------------------------------------------------- the customer book


def customer_book(
    customers: int,
    horizon: float,
    csms: int = 1,
    lead_days: float = 63.0,
    churn: float = 0.001,
    expansions_per_year: float = 0.0,
    workforce: dict[str, Any] | None = None,
    **renewal: Any,
) -> dict[str, Any]:
    """A book of ``customers`` accounts owned by ``csms`` CSMs; all work takes 0.001 hours."""
    data = organisation(horizon, csm={"role": "csm", "headcount": csms})
    retention: dict[str, Any] = {
        "initial_customers": customers,
        "initial_arr": {"dist": "constant", "value": 1000.0},
        "contract_months": 12,
        "renewal": {
            "lead_days": lead_days,
            "stages": [
                {"name": "health_check", "role": "csm", "effort_hours": TINY},
                {"name": "renewal_negotiation", "role": "csm", "effort_hours": TINY},
            ],
            "churn_probability": churn,
            "load_logit": 0.0,
            "touch_logit": 0.0,
            "checkin_interval_days": 63,
            "checkin_effort_hours": TINY,
            "checkin_role": "csm",
            **renewal,
        },
    }
    if expansions_per_year > 0:
        retention["expansion"] = {
            "per_account_per_year": expansions_per_year,
            "uplift": {"dist": "lognormal", "median": 0.1, "p90": 0.3},  # the account's ARR changes
            "stages": [{"name": "expansion_close", "role": "csm", "effort_hours": TINY, "conversion": 1.0}],
        }
    data["pipelines"] = {"retention": retention}
    if workforce is not None:
        data["workforce"] = workforce
    return data


def account_days(run: ReplicationRun) -> float:
    """Days each account was a customer inside the run (to its churn decision, else the horizon)."""
    record = run.pipelines
    assert record is not None
    end = np.full(record.customer_start_day.size, run.scenario.horizon_days)
    churned = record.renewal_churned
    end[record.renewal_customer[churned]] = record.renewal_day[churned]
    return float((end - record.customer_start_day).sum())


@pytest.mark.parametrize("lead_days", [0.0, 63.0])
def test_expansion_opportunities_arise_at_their_rate_while_renewals_are_worked(lead_days: float) -> None:
    """The issue's case, smaller: 12 opportunities per account-year whatever the renewal window."""
    rate = 12.0 / (12 * DAYS_PER_MONTH)  # per account-day (a year of the calendar: 252 working days here)
    results = runs(customer_book(150, 252.0, lead_days=lead_days, expansions_per_year=12.0), 2)
    opened = sum(run.pipelines.expansion_open_day.size for run in results)  # type: ignore[union-attr]
    assert_poisson(opened, rate * sum(account_days(run) for run in results))


def test_expansions_go_on_when_account_owners_leave() -> None:
    """CSMs leave and are replaced: the opportunities keep their rate and none waits on a leaver."""
    workforce = {"roles": {"csm": {"attrition_rate": 4.0, "backfill_days": {"dist": "constant", "value": 5}}}}
    results = runs(customer_book(150, 252.0, csms=5, expansions_per_year=12.0, workforce=workforce), 2)
    assert sum(kpi_row(run)["reps_left"] for run in results) >= 10
    rate = 12.0 / (12 * DAYS_PER_MONTH)
    opened = sum(run.pipelines.expansion_open_day.size for run in results)  # type: ignore[union-attr]
    assert_poisson(opened, rate * sum(account_days(run) for run in results))
    for run in results:
        record = run.pipelines
        assert record is not None
        waiting = np.isnan(record.expansion_end_day)
        # work of 0.001 hours is done within minutes unless it waits on someone who left
        assert (record.expansion_open_day[waiting] > run.scenario.horizon_days - 0.01).all()


def test_check_ins_go_on_through_the_renewal_window() -> None:
    """Every check-in, every 63 days from the start of the contract, is a touch of the term it falls in.

    The renewal window (100 days) holds one or two check-in dates: they are not skipped.
    A term's touches are its check-ins (from its start, or day 0, to its due date; one
    asked for on the due date itself is done after the decision and counts in the next
    term) plus its two renewal stages.
    """
    contract, interval, eps = 12.0 * DAYS_PER_MONTH, 63.0, 1e-6
    (run,) = runs(customer_book(60, 600.0, lead_days=100.0), 1)
    record = run.pipelines
    assert record is not None and record.renewal_day.size >= 120
    term_start: dict[int, float] = {}
    contract_start: dict[int, float] = {}
    for customer, due, touches in zip(record.renewal_customer, record.renewal_day, record.renewal_touches, strict=True):
        c = int(customer)
        start = term_start.get(c, 0.0)
        first = contract_start.setdefault(c, due - contract)  # the first due date is one term after it
        checkins = sum(1 for k in range(1, 20) if max(start, eps) - eps <= first + interval * k < due - eps)
        assert touches == checkins + 2, (c, due, int(touches), checkins)
        term_start[c] = due


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_churn_follows_the_documented_probability_as_load_and_owners_change() -> None:
    """Churn at each due date: logit(churn) + load effect - touch effect, with the load of that moment.

    One CSM seat whose reps leave (4 a year) and are replaced after 10 days: the accounts
    go to the vacancy and then to the new rep, so the owner's load is always the number of
    accounts still active, which falls as accounts churn.
    """
    workforce = {"roles": {"csm": {"attrition_rate": 4.0, "backfill_days": {"dist": "constant", "value": 10}}}}
    data = customer_book(
        300,
        253.0,
        churn=0.2,
        workforce=workforce,
        load_logit=1.5,
        reference_load=200,
        touch_logit=0.3,
        reference_touches=3,
    )
    contract = 12.0 * DAYS_PER_MONTH
    churned, expected, variance = 0, 0.0, 0.0
    for run in runs(data, 6):
        record = run.pipelines
        assert record is not None
        assert record.customer_start_day.size == 300  # (no sales lead was won in the run)
        active = 300
        order = np.argsort(record.renewal_day, kind="stable")
        for i in order:
            observed = min(1.0, record.renewal_day[i] / contract)
            z = math.log(0.2 / 0.8) + 1.5 * max(0.0, active / 200 - 1.0)
            z -= 0.3 * (float(record.renewal_touches[i]) - 3 * observed)
            p = logistic(z)
            expected += p
            variance += p * (1 - p)
            if record.renewal_churned[i]:
                churned += 1
                active -= 1
    assert abs(churned - expected) < Z * math.sqrt(variance), (churned, expected, variance)


@pytest.mark.parametrize("engine", ["simpy", "fast"])
def test_larger_accounts_churn_less_by_the_documented_size_effect(engine: str) -> None:
    """Churn logit - size_logit x ln(ARR / reference_arr): GRR rises with contract size (SaaS Capital 2023)."""
    data = customer_book(400, 253.0, churn=0.15, size_logit=0.6, reference_arr=1000.0)
    data["pipelines"]["retention"]["initial_arr"] = {"dist": "lognormal", "median": 1000.0, "p90": 5000.0}
    scenario = compiled(data)
    churned = expected = variance = 0.0
    small = large = 0  # churned accounts below and above the reference
    for r in range(6):
        record = choose_engine(scenario, SEED, r, engine).pipelines
        assert record is not None and record.renewal_arr.size > 300
        z = math.log(0.15 / 0.85) - 0.6 * np.log(record.renewal_arr / 1000.0)
        p = 1.0 / (1.0 + np.exp(-z))
        expected += float(p.sum())
        variance += float((p * (1 - p)).sum())
        churned += float(record.renewal_churned.sum())
        small += int((record.renewal_churned & (record.renewal_arr < 1000.0)).sum())
        large += int((record.renewal_churned & (record.renewal_arr >= 1000.0)).sum())
    assert abs(churned - expected) < Z * math.sqrt(variance), (churned, expected, variance)
    assert small > 1.5 * large  # as many accounts on each side of the median, far fewer large ones lost


# ---------------------------------------------------------------------------- attrition and hires


def renewal_count(rate: float, backfill: float, span: float, first_gap: float) -> float:
    """Expected events of a renewal process with gaps Exp(rate) + backfill, within ``span``.

    The k-th event comes after k exponentials and ``k - 1 + first_gap`` backfills
    (``first_gap`` 0 counts leavers, 1 counts the hires that replace them); P(a gamma of
    shape k and rate r is at most x) is P(a Poisson count of mean r x is at least k).
    """
    total, k = 0.0, 1
    while True:
        x = span - (k - 1 + first_gap) * backfill
        if x <= 0:
            return total
        mean = rate * x
        below = sum(math.exp(-mean) * mean**j / math.factorial(j) for j in range(k))
        if 1.0 - below < 1e-12:
            return total
        total += 1.0 - below
        k += 1


def test_leavers_and_hires_follow_the_attrition_rate_backfill_and_hiring_plan() -> None:
    """Seats of day 0 and seats of the plan (from day 100) lose reps at the constant hazard and refill them."""
    horizon, backfill, attrition, seats, planned = 504.0, 30.0, 0.6, 30, 10
    workforce = {
        "roles": {"server": {"attrition_rate": attrition, "backfill_days": {"dist": "constant", "value": backfill}}},
        "teams": {"servers": {"hires": [{"day": 100, "count": planned}]}},
    }
    data = single_stage_queue(0.001, 0.01, seats, horizon)
    data["clock"]["days_per_year"] = 12 * DAYS_PER_MONTH
    data["workforce"] = workforce
    rate = attrition / (12 * DAYS_PER_MONTH)  # leavers per rep-day (a year of the calendar: 252 working days here)
    expected_left = seats * renewal_count(rate, backfill, horizon, 0) + planned * renewal_count(
        rate, backfill, horizon - 100, 0
    )
    expected_hired = (
        planned
        + seats * renewal_count(rate, backfill, horizon, 1)
        + planned * renewal_count(rate, backfill, horizon - 100, 1)
    )
    left, hired = [], []
    for run in runs(data, 20):
        row = kpi_row(run)
        left.append(row["reps_left"])
        hired.append(row["reps_hired"])
    for counts, expected in ((np.array(left), expected_left), (np.array(hired), expected_hired)):
        se = counts.std(ddof=1) / math.sqrt(counts.size)
        assert abs(counts.mean() - expected) < Z * se, (counts.mean(), expected, se)


# ---------------------------------------------------------------------------- ramp-up


def test_a_ramping_rep_works_each_months_share_of_hours_also_on_the_item_in_hand() -> None:
    """In month m of tenure a rep works productivity[m-1] of a ramped rep's hours, on every hour of work.

    Items of ~10 working days straddle the month ends: the hours before the step count at
    the old speed, the rest at the new one, so each item's hours integrate exactly to its effort.
    """
    levels = [0.25, 0.5, 0.75]
    data = single_stage_queue(0.5, 2.5, 4, 126.0)  # 2.5 hours on average at 1 hour a day: ~10 days at 25%
    data["clock"]["days_per_year"] = 12 * DAYS_PER_MONTH
    data["org"]["teams"]["servers"]["assignment"] = "round_robin"
    data["workforce"] = {
        "roles": {
            "server": {"ramp": {"productivity": levels}, "initial_tenure_months": {"dist": "constant", "value": 0}}
        }
    }

    def hours_worked(start: float, end: float) -> float:
        edges = [start, *(m * DAYS_PER_MONTH for m in range(1, 7) if start < m * DAYS_PER_MONTH < end), end]
        return sum(
            (b - a) * (levels[int(a // DAYS_PER_MONTH)] if a < len(levels) * DAYS_PER_MONTH else 1.0)
            for a, b in itertools.pairwise(edges)
        )

    straddling = 0
    for run in runs(data, 2):
        assert np.all(run.rep_start_tenure_months == 0) and np.all(run.rep_hire_day == 0)
        start, end = run.log.stage_start[:, 0], run.log.stage_end[:, 0]
        done = np.isfinite(end)
        for s, e, effort in zip(start[done], end[done], run.leads.effort_hours[0][done], strict=True):
            assert hours_worked(s, e) == pytest.approx(effort, rel=1e-9, abs=1e-9), (s, e, effort)
            straddling += int(s // DAYS_PER_MONTH != e // DAYS_PER_MONTH)
    assert straddling >= 10
