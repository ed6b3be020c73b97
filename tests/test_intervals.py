"""Intervals stay inside the range of their quantity (issue 13, item 3).

Known values were worked by hand (formulas in :mod:`simulator.analysis.intervals`);
the end-to-end test runs the main command at ``runs=2`` (the widest intervals) and scans
``summary.csv``, ``comparison.csv``, ``report.md`` and the terminal table.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.analysis.comparison import compare
from simulator.analysis.formatting import format_value
from simulator.analysis.intervals import interval_of_mean, pooled_trials, t_quantile, wilson_interval
from simulator.analysis.mean_cells import format_mean_ci, format_mean_cis
from simulator.analysis.paired_intervals import (
    bounded_difference,
    fieller_ratio,
    newcombe_hybrid,
    paired_event_interval,
    relative_interval,
)
from simulator.analysis.quantities import KPI_KINDS, Kind, kpi_kind, kpi_range, named_kind, trial_columns
from simulator.analysis.statistics import kpi_interval, mean_interval, summarise
from simulator.engines.simpy import simulate
from simulator.model.metrics import kpi_row
from simulator.model.workforce import employed_days
from simulator.run.build import deep_merge
from simulator.run.replication import run_replication
from tests.scenarios import ROOT, compiled, shipped, single_stage_queue
from tests.test_cli import salesim

# --------------------------------------------------------------------------- the kinds table


def test_kinds_of_the_kpis_the_issue_names() -> None:
    shares = ["win_rate", "lead_to_win_rate", "stage_conversion_close", "sla_breach_awareness", "renewal_rate"]
    shares += ["reps_at_quota_share", "overflow_share_pod_a"]
    assert {kpi_kind(k) for k in ("utilisation_sdr", "utilisation_csm_renewal")} == {Kind.TIME_SHARE}
    shares += ["win_rate_product_core", "gross_revenue_retention"]
    assert {kpi_kind(k) for k in shares} == {Kind.PROPORTION}
    assert kpi_kind("hit_plan") is kpi_kind("hit_plan_q3") is Kind.EVENT
    amounts = ["bookings", "deals_won", "cycle_time_days_p50", "first_touch_hours_p90", "cac", "cost_tools"]
    amounts += ["net_revenue_retention", "quota_attainment_p50", "forecast_mape", "forecast_wape_quarter"]
    amounts += ["forecast_mape_unscored", "plan_shortfall", "churned_arr", "stage_leaked_close"]
    assert {kpi_kind(k) for k in amounts} == {Kind.NON_NEGATIVE}
    assert kpi_kind("forecast_bias") is kpi_kind("forecast_bias_quarter") is Kind.RATIO
    assert kpi_kind("contribution") is kpi_kind("capacity_gap_coverage") is Kind.SIGNED
    lost = ["capacity_gap_attrition", "capacity_gap_ramp", "capacity_gap_leakage", "capacity_gap_queueing"]
    assert {kpi_kind(k) for k in [*lost, "capacity_gap_cycle"]} == {Kind.NON_NEGATIVE}
    assert kpi_kind("capacity_gap_carry_in") is Kind.NON_POSITIVE
    assert kpi_range("capacity_gap_carry_in") == (-math.inf, 0.0)
    assert kpi_range("win_rate") == (0.0, 1.0) and kpi_range("bookings") == (0.0, math.inf)
    assert kpi_range("forecast_bias") == (-1.0, math.inf)


@pytest.mark.parametrize("org", sorted(p.stem for p in (ROOT / "configs" / "org").glob("*.yaml")))
def test_every_kpi_a_shipped_config_produces_is_named_in_the_table(org: str) -> None:
    overrides = [
        f"org={org}",
        "runs=1",
        "clock.warmup_days=0",
        "clock.horizon_days=80",
        "plan.bookings=[1e6,1e6,1e6,1e6]",
    ]
    experiment = simulator.load_experiment(overrides=overrides)
    kpis = run_replication(experiment.scenarios[0].compile(), seed=1, replication=0).kpis
    unnamed = sorted(k for k in kpis if named_kind(k) is None)
    assert not unnamed, f"add these KPIs to simulator.analysis.quantities.KPI_KINDS: {unnamed}"
    for kpi, value in kpis.items():  # and every value of a run lies in its kind's range
        low, high = kpi_range(kpi)
        assert math.isnan(value) or low <= value <= high, (kpi, value)
    assert len({row.prefix for row in KPI_KINDS}) == len(KPI_KINDS)
    _every_share_of_a_count_records_its_denominator(kpis)


MONEY_SHARES = (  # ARR over ARR, bookings over bookings: no count of trials
    "gross_revenue_retention",
    "expansion_share_of_new_arr",
    "opened_in_quarter_share",
    "opening_pipeline_won_share",
)


def _every_share_of_a_count_records_its_denominator(kpis: dict[str, float]) -> None:
    """Each share's trials are in the row, exactly its denominator: a whole number of them, and of its events."""
    for kpi, share in kpis.items():
        if kpi_kind(kpi) is not Kind.PROPORTION or kpi in MONEY_SHARES:
            continue
        columns = trial_columns(kpi)
        assert columns and all(c in kpis for c in columns), f"{kpi}: record its denominator ({columns})"
        trials = sum(kpis[c] for c in columns)
        if math.isnan(share):
            continue
        assert trials >= 1 and float(trials).is_integer(), (kpi, trials)
        assert share * trials == pytest.approx(round(share * trials), abs=1e-6), (kpi, share, trials)
        if len(columns) == 1:  # NaN where the share is, as sla_visits_<stage>
            assert all(math.isnan(kpis[c]) for c in columns) == math.isnan(share)


# --------------------------------------------------------------------------- one interval per kind, known values


def test_wilson_with_the_effective_number_of_trials_for_a_share() -> None:
    # mean 0.2, sd 0.08165, se 0.040825: n* = 0.2 * 0.8 / 0.040825^2 = 96, t_3 = 3.182446
    interval = interval_of_mean(np.array([0.1, 0.2, 0.3, 0.2]), Kind.PROPORTION)
    assert (interval.ci_low, interval.ci_high) == pytest.approx((0.101788, 0.355471), abs=1e-6)
    # the extreme: one run at 0 and one at 1, n* = 1 and t_1 = 12.706: still inside [0, 1]
    wide = interval_of_mean(np.array([0.0, 1.0]), Kind.PROPORTION)
    assert (wide.ci_low, wide.ci_high) == pytest.approx((0.001541, 0.998459), abs=1e-6)


def test_a_team_busy_all_its_time_in_every_run_is_measured_not_sampled() -> None:
    """csm_coverage's 7 CSMs, busy 100% in all 40 runs, read "100.0% (90.7% to 100.0%)": runs taken as trials."""
    from simulator.analysis.statistics import kpi_interval

    busy = kpi_interval("utilisation_csm", np.ones(40))
    assert (busy.ci_low, busy.mean, busy.ci_high) == (1.0, 1.0, 1.0)
    idle = kpi_interval("utilisation_partner_manager", np.zeros(40))
    assert (idle.ci_low, idle.ci_high) == (0.0, 0.0)
    # a win rate at 0 in every run is still a sample of few deals: the runs as its trials
    won = kpi_interval("win_rate", np.zeros(40))
    assert won.ci_low == 0.0 and won.ci_high > wilson_interval(0, 40)[1]  # Wilson over the runs, t quantile
    # a time share that varies is a proportion's interval
    varying = np.array([0.1, 0.2, 0.3, 0.2])
    time_share, share = interval_of_mean(varying, Kind.TIME_SHARE), interval_of_mean(varying, Kind.PROPORTION)
    assert (time_share.ci_low, time_share.ci_high) == (share.ci_low, share.ci_high)


def test_a_win_rate_from_two_runs_stays_inside_zero_and_one() -> None:
    runs = np.array([0.14429889, 0.18697337])  # the issue's runs=2 win rates: t gives [-17.3%, 50.5%]
    t_low = mean_interval(runs).ci_low
    interval = interval_of_mean(runs, Kind.PROPORTION)
    assert t_low < 0.0 < interval.ci_low < interval.mean < interval.ci_high < 1.0
    assert (interval.ci_low, interval.ci_high) == pytest.approx((0.033815, 0.529639), abs=1e-6)


def test_an_event_keeps_wilson_with_the_normal_quantile() -> None:
    hits = np.array([1.0] * 3 + [0.0] * 7)
    interval = interval_of_mean(hits, Kind.EVENT)
    assert (interval.ci_low, interval.ci_high) == pytest.approx(wilson_interval(3, 10))
    assert (interval.ci_low, interval.ci_high) == pytest.approx((0.1078, 0.6032), abs=1e-4)  # Wilson 3/10


def test_log_scale_interval_for_amounts_that_cannot_be_negative() -> None:
    # mean 2.5, se 0.645497, t_3 = 3.182446: factor exp(3.182446 * 0.645497 / 2.5) = exp(0.821705) = 2.274372
    interval = interval_of_mean(np.array([1.0, 2.0, 3.0, 4.0]), Kind.NON_NEGATIVE)
    assert (interval.ci_low, interval.ci_high) == pytest.approx((2.5 / 2.274372, 2.5 * 2.274372), rel=1e-6)
    # [0, 0, 10]: t_2 * se = 14.3 is more than the mean, 3.33, where the log scale's top would be
    # exp(4.3) = 74 times the mean (245 for values of at most 10): past t * se = mean it rises by t * se
    skewed = interval_of_mean(np.array([0.0, 0.0, 10.0]), Kind.NON_NEGATIVE)
    assert mean_interval(np.array([0.0, 0.0, 10.0])).ci_low < -10.0
    x = t_quantile(3)  # t * se / mean, se = mean here
    assert (skewed.ci_low, skewed.ci_high) == pytest.approx((10 / 3 * math.exp(-x), 10 / 3 * (math.e - 1 + x)))
    assert skewed.ci_low > 0.0 and skewed.ci_high < 21.0  # against 245


def test_two_runs_put_no_count_past_what_the_t_interval_allows() -> None:
    """The runs=2 report put leaked leads at 74.5 [0.0, 345,648] for a company of about 2,100 leads."""
    leaked = np.array([20.0, 129.0])  # mean 74.5, se 54.5, t_1 = 12.706: the log scale's top exp(9.3) x the mean
    interval = interval_of_mean(leaked, Kind.NON_NEGATIVE)
    x = t_quantile(2) * 54.5 / 74.5
    assert (interval.ci_low, interval.ci_high) == pytest.approx((74.5 * math.exp(-x), 74.5 * (math.e - 1 + x)))
    assert 0.0 < interval.ci_low < 0.01 and 820.0 < interval.ci_high < 821.0
    # below the switch (t * se under the mean) the log-scale interval is kept, and it never starts below zero
    steady = interval_of_mean(np.array([100.0, 104.0, 98.0, 101.0]), Kind.NON_NEGATIVE)
    se = float(np.std([100.0, 104.0, 98.0, 101.0], ddof=1) / 2.0)
    factor = math.exp(t_quantile(4) * se / 100.75)
    assert (steady.ci_low, steady.ci_high) == pytest.approx((100.75 / factor, 100.75 * factor), rel=1e-12)


def test_more_spread_never_narrows_a_counts_interval_across_the_cut_over() -> None:
    """Switching to the t interval at t * se = mean made two runs 92.13/107.87 read [36.8, 271.8] and a hair more
    spread [0, 200.1]: the bounds now move continuously and the interval widens with the spread."""
    q = t_quantile(2)
    half = 100.0 / q / math.sqrt(2.0)  # the sd at which t * se = mean for two runs around 100
    bounds = [
        interval_of_mean(np.array([100.0 - d, 100.0 + d]), Kind.NON_NEGATIVE) for d in (half * 0.999, half * 1.001)
    ]
    assert bounds[0].ci_low == pytest.approx(bounds[1].ci_low, rel=1e-2)
    assert bounds[0].ci_high == pytest.approx(bounds[1].ci_high, rel=1e-2)
    widths = [interval_of_mean(np.array([100.0 - d, 100.0 + d]), Kind.NON_NEGATIVE) for d in np.linspace(1, 99, 50)]
    lows, highs = [w.ci_low for w in widths], [w.ci_high for w in widths]
    assert all(a >= b for a, b in itertools.pairwise(lows))
    assert all(a <= b for a, b in itertools.pairwise(highs))


def test_a_share_at_zero_or_one_in_every_run_takes_the_runs_as_its_trials() -> None:
    """A win rate of 0 in the 2 runs of 20 that closed a deal read "0.0% (0.0% to 0.0%)"."""
    none = interval_of_mean(np.array([0.0, 0.0]), Kind.PROPORTION)
    q = t_quantile(2)
    assert (none.ci_low, none.ci_high) == pytest.approx((0.0, q * q / (2 + q * q)), rel=1e-12)  # Wilson 0 of 2
    assert none.ci_high > 0.9
    every = interval_of_mean(np.ones(200), Kind.PROPORTION)
    assert every.ci_high == 1.0 and 0.97 < every.ci_low < 0.99  # Wilson 200 of 200 with t_199
    half = interval_of_mean(np.full(5, 0.5), Kind.PROPORTION)
    assert (half.ci_low, half.ci_high) == (0.5, 0.5)  # the same inner value in every run: no spread to measure


def _sla_runs(breaches: list[float], visits: list[float], **more: list[float]) -> pd.DataFrame:
    """One scenario's runs of an SLA breach share at the close stage with its visits."""
    columns = {"sla_breach_close": breaches, "sla_visits_close": visits, **more}
    return pd.DataFrame({"scenario": "s", "replication": range(len(breaches)), **columns})


def test_a_share_at_zero_in_every_run_is_over_all_its_trials_where_the_runs_count_them() -> None:
    """No SLA breach in 40 runs of 123 visits read "0.0% (0.0% to 9.3%)": the 40 runs as its trials,
    wider than the 0.003% to 0.11% of a stage with a few breaches. Korn & Graubard's fall-back to
    the sample size: Wilson over the 4,920 visits (t_39 = 2.022691, q^2 = 4.091279), whose top
    at 0 is q^2 / (m + q^2) = 4.091279 / 4,924.091279 = 0.0831%."""
    runs = _sla_runs([0.0] * 40, [123.0] * 40, win_rate=[0.0] * 40)
    summary = summarise(runs).set_index("kpi")
    breach = summary.loc["sla_breach_close"]
    assert (breach.ci_low, breach["mean"]) == (0.0, 0.0)
    assert breach.ci_high == pytest.approx(4.091279 / 4924.091279, rel=1e-6)  # 0.000831
    # a table without the win rate's opportunities (stored before the column): the 40 runs stay its trials
    assert summary.loc["win_rate", "ci_high"] == pytest.approx(0.092791, abs=1e-6)
    assert summary.loc["sla_visits_close", "mean"] == 123.0  # the visits are a count of their own
    # one breach in one run's 123 visits: n* from the runs' spread, a top above the all-zero one's
    one = summarise(_sla_runs([1 / 123] + [0.0] * 39, [123.0] * 40)).set_index("kpi").loc["sla_breach_close"]
    assert breach.ci_high < one.ci_high < 0.01


def test_a_share_at_one_in_every_run_is_over_its_trials_too() -> None:
    """No renewal lost in 20 runs of 30 due: Wilson 600 of 600 with t_19 = 2.093024, bottom 600 / 604.380749."""
    runs = pd.DataFrame(
        {
            "scenario": "s",
            "replication": range(20),
            "renewal_rate": 1.0,
            "renewals_due": 30.0,
            "lead_to_win_rate": 0.0,  # no lead won of 50 ended a run: deals_won + deals_lost = 1,000 in all
            "deals_won": 0.0,
            "deals_lost": 50.0,
        }
    )
    summary = summarise(runs).set_index("kpi")
    assert (summary.loc["renewal_rate", "ci_low"], summary.loc["renewal_rate", "ci_high"]) == pytest.approx(
        (600 / 604.380749, 1.0), rel=1e-6
    )
    assert summary.loc["lead_to_win_rate", "ci_high"] == pytest.approx(4.380749 / 1004.380749, rel=1e-6)


def test_the_trials_are_the_runs_with_a_share_and_unknown_trials_keep_the_runs() -> None:
    runs_rule = interval_of_mean(np.zeros(3), Kind.PROPORTION).ci_high  # Wilson 0 of 3 with t_2: 0.98
    # a run with no visit has no share (NaN) and adds no trial: 2 runs x 100 visits
    two = summarise(_sla_runs([0.0, math.nan, 0.0], [100.0, math.nan, 100.0])).set_index("kpi")
    q2 = t_quantile(2) ** 2
    assert two.loc["sla_breach_close", "ci_high"] == pytest.approx(q2 / (200 + q2), rel=1e-12)
    # a run with a share but no count of its visits (a part stored before the column): the runs' rule
    unknown = summarise(_sla_runs([0.0] * 3, [100.0, math.nan, 100.0])).set_index("kpi")
    assert unknown.loc["sla_breach_close", "ci_high"] == pytest.approx(runs_rule)
    without = summarise(_sla_runs([0.0] * 3, [100.0] * 3).drop(columns="sla_visits_close")).set_index("kpi")
    assert without.loc["sla_breach_close", "ci_high"] == pytest.approx(runs_rule)
    assert pooled_trials(np.array([0.0, math.nan, 0.0]), np.array([5.0, math.nan, 7.0])) == 12.0
    assert pooled_trials(np.zeros(2), np.array([5.0, 0.0])) is None  # a share over no trial: inconsistent
    # never fewer trials than runs, and a share that varies keeps n* whatever its trials
    assert interval_of_mean(np.zeros(3), Kind.PROPORTION, trials=1.0).ci_high == runs_rule
    varying = np.array([0.1, 0.2, 0.3, 0.2])
    assert interval_of_mean(varying, Kind.PROPORTION, trials=1e6) == interval_of_mean(varying, Kind.PROPORTION)
    # parameter draws: the same trials, the t quantile of the draws (8 of 5 runs each: t_7 = 2.364624)
    drawn = kpi_interval("sla_breach_close", np.zeros(40), replications=np.arange(40), draws=8, trials=np.full(40, 123))
    assert drawn.ci_high == pytest.approx(2.364624**2 / (4920 + 2.364624**2), rel=1e-6)


def test_a_difference_from_a_baseline_at_zero_is_held_by_the_baselines_trials() -> None:
    """A baseline at 0 in every run: the difference is the square-and-add of both sides' own intervals,
    the summary's (the baseline's over its visits), inside what 0 breaches allow, where the paired t
    interval, blind to the baseline's uncertainty, had reached past it (and was cut at -top)."""
    base = _sla_runs([0.0] * 40, [123.0] * 40).assign(scenario="today")
    scen = _sla_runs([0.05] + [0.0] * 39, [123.0] * 40).assign(scenario="slower")
    runs = pd.concat([base, scen], ignore_index=True)
    row = compare(runs, "today").set_index("kpi").loc["sla_breach_close"]
    own = summarise(runs).set_index(["scenario", "kpi"])
    top = own.loc[("today", "sla_breach_close"), "ci_high"]
    p, low, high = own.loc[("slower", "sla_breach_close"), ["mean", "ci_low", "ci_high"]]
    paired_t = mean_interval(np.array([0.05] + [0.0] * 39))  # -0.00128 to +0.00378: past what 0 breaches allow
    assert top == pytest.approx(0.000831, abs=1e-6)
    assert row.ci_low == pytest.approx(p - math.hypot(p - low, top)) and -top < row.ci_low < 0.0
    assert row.ci_high == pytest.approx(high) and not row.significant  # the baseline's bottom is its mean, 0
    assert paired_t.ci_low < -top


def test_a_difference_from_a_baseline_the_same_in_every_run_is_the_scenario_s_own_interval_shifted() -> None:
    """partner_channel: no channel books $0 from partners in every run, so the paired differences are the partner
    manager's own bookings; the terminal row read "$334.9k [$299.3k, $374.7k]" beside "+$334.9k [+$297.2k,
    +$372.5k]", two intervals for one quantity (the summary's on the log scale, the paired t's)."""
    rng = np.random.default_rng(29)
    booked = rng.lognormal(np.log(300_000.0), 0.6, 100)
    runs = pd.DataFrame(
        {
            "scenario": ["no_channel"] * 100 + ["partner_manager"] * 100,
            "replication": [*range(100), *range(100)],
            "partner_sourced_bookings": [0.0] * 100 + list(booked),
            "bookings": [3_000_000.0] * 100 + list(3_000_000.0 + booked),
        }
    )
    own = summarise(runs).set_index(["scenario", "kpi"])
    rows = compare(runs, "no_channel").set_index("kpi")
    for kpi, shift in (("partner_sourced_bookings", 0.0), ("bookings", 3_000_000.0)):
        low, high = own.loc[("partner_manager", kpi), ["ci_low", "ci_high"]]
        assert rows.loc[kpi, "ci_low"] == pytest.approx(low - shift)
        assert rows.loc[kpi, "ci_high"] == pytest.approx(high - shift)
        paired_t = mean_interval(booked)
        assert not math.isclose(paired_t.ci_low, low - shift, rel_tol=1e-3)  # the t interval had been shown
    # a count at 0 in every run of the baseline is not known to be 0 ("0 to 0.037 a run"): prm_automation's 2 month
    # ends unscored in 100 runs against none keep the paired interval, held at 0, and no clear difference
    counts = pd.DataFrame(
        {
            "scenario": ["manual"] * 100 + ["prm_tools"] * 100,
            "replication": [*range(100), *range(100)],
            "forecast_mape_unscored": [0.0] * 100 + [1.0, 1.0] + [0.0] * 98,
        }
    )
    unscored = compare(counts, "manual").set_index("kpi").loc["forecast_mape_unscored"]
    assert unscored.ci_low <= 0.0 and not unscored.significant
    # a relative difference over a fixed baseline is the difference's interval over it
    assert rows.loc["bookings", "relative_ci_low"] == pytest.approx(rows.loc["bookings", "ci_low"] / 3_000_000.0)
    assert rows.loc["bookings", "relative_ci_high"] == pytest.approx(rows.loc["bookings", "ci_high"] / 3_000_000.0)


# t_39 = 2.022691, q^2 = 4.091279: Wilson's top at 0 of m trials is q^2 / (m + q^2), its bottom at m of m m / (m + q^2)
Q2_40 = 4.091279


@pytest.mark.parametrize(
    ("share", "value", "trials", "per_run"),
    [
        ("win_rate", 0.0, "opportunities_decided", 25.0),  # 1,000 opportunities won or lost, none won
        ("stage_conversion_close", 1.0, "stage_exits_close", 30.0),  # 1,200 leads passed on or lost, all passed
        ("untouched_lead_share", 0.0, "touched_or_leaked_leads", 500.0),  # 20,000 leads, none leaked untouched
        ("win_rate_product_core", 1.0, "opportunities_decided_product_core", 10.0),
        ("no_decision_rate", 0.0, "opportunities_closed", 25.0),
        ("mql_to_sql_rate", 1.0, "mql_to_sql_exits", 30.0),
        ("reps_at_quota_share", 0.0, "reps_with_attainment", 8.0),  # 320 rep-runs, none at quota
        ("overflow_share_smb_pod", 0.0, "overflow_visits_smb_pod", 1000.0),  # a rule that never sent a visit
    ],
)
def test_every_share_of_a_count_at_zero_or_one_in_every_run_is_over_its_trials(
    share: str, value: float, trials: str, per_run: float
) -> None:
    """A win rate at 0, a stage's conversion at 1, no lead left untouched in 40 runs read "0.0% (0.0% to 9.3%)"
    (or 90.7% to 100%): the 40 runs as trials though each run holds hundreds. Over their m = 40 x per-run trials:
    win rate 0 of 1,000, top 4.091279 / 1,004.091279 = 0.41%; close 1,200 of 1,200, bottom 1,200 / 1,204.091279
    = 99.66%; untouched 0 of 20,000, top 4.091279 / 20,004.091279 = 0.020%."""
    runs = pd.DataFrame({"scenario": "s", "replication": range(40), share: value, trials: per_run})
    row = summarise(runs).set_index("kpi").loc[share]
    m = 40 * per_run
    expected = (0.0, Q2_40 / (m + Q2_40)) if value == 0.0 else (m / (m + Q2_40), 1.0)
    assert (row.ci_low, row.ci_high) == pytest.approx(expected, rel=1e-6)
    runs_rule = (0.0, 0.092791) if value == 0.0 else (0.907209, 1.0)  # what it read with the runs as trials
    assert row.ci_high - row.ci_low < runs_rule[1] - runs_rule[0]


def test_a_pod_without_an_overflow_rule_has_no_share_and_one_whose_rule_never_sends_is_over_its_visits() -> None:
    """A pod with no overflow rule had an overflow share of 0 in every run, "0.0% (0.0% to 9.3%)" over 40 runs,
    though nothing could be sent: no rule, no share (NaN, as the SLA breaches of a stage without an SLA). A rule
    that never triggers sends nothing of what it could: 0 of the enterprise pod's visits, 905 in 3 runs with this
    seed, Wilson with t_2 = 4.302653 (q^2 = 18.512821): top 18.512821 / 923.512821 = 2.0%, not 0 of 3's 86%."""
    base = deep_merge(shipped("pods_by_segment"), {"clock": {"horizon_days": 120.0, "warmup_days": 0.0}})
    never = copy.deepcopy(base)
    base["org"]["overflow"] = None
    never["org"]["overflow"] = {"to": "any_pod", "queue_length": 10000}  # no pod ever queues that many
    rows = []
    for name, data in (("no_rule", base), ("never_sends", never)):
        scenario = compiled(data)
        rows += [{"scenario": name, "replication": r, **kpi_row(simulate(scenario, 3, r))} for r in range(3)]
    runs = pd.DataFrame(rows)
    summary = summarise(runs).set_index(["scenario", "kpi"])
    none = summary.loc[("no_rule", "overflow_share_enterprise_pod")]
    assert none.n == 0 and math.isnan(none["mean"]) and math.isnan(none.ci_high)
    assert format_mean_ci(none, "overflow_share_enterprise_pod") == "-"
    never_sent = summary.loc[("never_sends", "overflow_share_enterprise_pod")]
    m = float(runs.loc[runs["scenario"] == "never_sends", "overflow_visits_enterprise_pod"].sum())
    q2 = t_quantile(3) ** 2
    assert q2 == pytest.approx(18.512821, rel=1e-6) and m > 100
    assert (never_sent["mean"], never_sent.ci_low) == (0.0, 0.0)
    assert never_sent.ci_high == pytest.approx(q2 / (m + q2), rel=1e-12)


def test_an_amount_that_cannot_be_positive_gets_the_mirrored_interval() -> None:
    # the capacity bridge's carry-in line at 4 runs: the t interval of [-10, 0, 0, 0] reaches above 0
    values = np.array([-10.0, 0.0, 0.0, 0.0])
    assert mean_interval(values).ci_high > 0.0
    interval = interval_of_mean(values, Kind.NON_POSITIVE)
    mirrored = interval_of_mean(-values, Kind.NON_NEGATIVE)
    assert (interval.ci_low, interval.ci_high) == pytest.approx((-mirrored.ci_high, -mirrored.ci_low), rel=1e-12)
    assert interval.ci_low < interval.mean < interval.ci_high <= 0.0  # t * se passes the mean: cut at zero


def test_a_relative_bias_never_goes_below_minus_one() -> None:
    # log(1 + mean) = 0, se 0.5, t_1 = 12.706: t * se passes 1 + mean, so the top rises by t * se past e - 1
    interval = interval_of_mean(np.array([-0.5, 0.5]), Kind.RATIO)
    x = t_quantile(2) * 0.5
    assert (interval.ci_low, interval.ci_high) == pytest.approx((math.exp(-x) - 1, math.e - 2 + x), rel=1e-12)
    narrow = interval_of_mean(np.array([-0.1, 0.0, 0.1]), Kind.RATIO)  # t_2 * se = 0.248: the log scale
    factor = math.exp(t_quantile(3) * 0.1 / math.sqrt(3))
    assert (narrow.ci_low, narrow.ci_high) == pytest.approx((1 / factor - 1, factor - 1), rel=1e-12)
    assert narrow.ci_low > -1.0


def test_signed_amounts_keep_the_student_t_interval() -> None:
    values = np.array([-3.0, 1.0, 2.0, 4.0])
    assert interval_of_mean(values, Kind.SIGNED) == mean_interval(values)


def test_rounding_past_one_is_held_inside_the_range() -> None:
    util = np.array([1.0000000000000002, 1.0, 0.9999999999999998, 1.0])
    interval = interval_of_mean(util, Kind.PROPORTION)
    assert 0.0 <= interval.ci_low <= interval.ci_high <= 1.0
    assert interval_of_mean(np.zeros(5), Kind.NON_NEGATIVE).ci_low == 0.0  # no spread: the point itself


# --------------------------------------------------------------------------- coverage (the intervals are honest)


@pytest.mark.parametrize(
    ("draw", "truth", "kind"),
    [
        (lambda rng, n: rng.beta(2.0, 18.0, n), 0.1, Kind.PROPORTION),
        (lambda rng, n: rng.poisson(3.0, n).astype(float), 3.0, Kind.NON_NEGATIVE),
    ],
    ids=["share", "count"],
)
def test_coverage_is_near_95_percent_with_ten_runs(draw, truth: float, kind: Kind) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(13)
    trials = 2000
    covered = sum((i := interval_of_mean(draw(rng, 10), kind)).ci_low <= truth <= i.ci_high for _ in range(trials))
    se = math.sqrt(0.95 * 0.05 / trials)
    assert abs(covered / trials - 0.95) < 4 * se, covered / trials


# --------------------------------------------------------------------------- paired differences and ratios


def test_fieller_interval_of_a_ratio_of_paired_means() -> None:
    scenario, baseline = np.array([3.0, 5.0, 4.0, 6.0]), np.array([2.0, 4.0, 4.0, 4.0])
    # a = 4.5, b = 3.5, var(a)/n = 5/12, cov/n = 1/4, var(b)/n = 1/4, t_3^2 = 10.128 (hand-worked roots)
    assert fieller_ratio(scenario, baseline) == pytest.approx((0.912375, 1.807937), abs=1e-6)
    low, high = relative_interval(scenario, baseline, Kind.NON_NEGATIVE)
    assert (low, high) == pytest.approx((-0.087625, 0.807937), abs=1e-6)
    # the paired t interval of the difference [1, 1, 0, 2] is 1 +- 1.299: it contains 0, Fieller contains 1
    assert mean_interval(scenario - baseline).ci_low < 0.0 < 1.0


def test_fieller_is_unbounded_when_the_baseline_is_not_clearly_above_zero() -> None:
    low, high = fieller_ratio(np.ones(4), np.array([0.0, 0.0, 0.0, 1.0]))
    assert high == math.inf and low >= 0.0


def test_fieller_agrees_with_the_paired_t_verdict() -> None:
    rng = np.random.default_rng(5)
    for _ in range(400):
        n = int(rng.integers(2, 12))
        base = rng.gamma(2.0, 10.0, n)
        scen = np.maximum(base * rng.normal(1.0 + rng.normal(0, 0.2), 0.2, n), 0.0)
        t = mean_interval(scen - base)
        low, high = relative_interval(scen, base, Kind.NON_NEGATIVE)
        assert low >= -1.0
        if abs(t.ci_low) > 1e-9 and abs(t.ci_high) > 1e-9:  # away from the boundary
            assert (t.ci_low < 0.0 < t.ci_high) == (low < 0.0 < high)


def test_differences_stay_in_the_values_they_can_take() -> None:
    assert bounded_difference(-0.9, 0.95, Kind.PROPORTION, 0.3, 0.3) == pytest.approx((-0.3, 0.7))
    assert bounded_difference(-0.9, 0.95, Kind.PROPORTION, 0.2, 0.4) == pytest.approx((-0.4, 0.8))
    assert bounded_difference(-5.0, 2.0, Kind.NON_NEGATIVE, 3.0, 3.0) == (-3.0, 2.0)
    assert bounded_difference(-5.0, 2.0, Kind.NON_NEGATIVE, 2.5, 4.0) == (-4.0, 2.0)
    assert bounded_difference(-5.0, 2.0, Kind.SIGNED, 1.0, 3.0) == (-5.0, 2.0)


def test_a_difference_of_shares_is_not_cut_at_the_baselines_point_estimate() -> None:
    """A challenger at 100% in every run: the CI's top is 1 minus the bottom of the baseline's CI.

    Cut at 1 minus the baseline's mean (23.3%), the CI read "+76.7 pts, CI ... to +76.7",
    as if the baseline's share were known exactly.
    """
    baseline = np.array([0.5, 0.1, 0.1] * 8)
    rows = [
        {"scenario": name, "replication": r, "win_rate": value}
        for name, values in (("today", baseline), ("more", np.ones_like(baseline)))
        for r, value in enumerate(values)
    ]
    row = compare(pd.DataFrame(rows), "today").set_index("kpi").loc["win_rate"]
    own = interval_of_mean(baseline, Kind.PROPORTION)
    assert row.mean_diff == pytest.approx(1 - baseline.mean())
    assert row.ci_high == pytest.approx(1.0 - own.ci_low) and row.ci_high > row.mean_diff + 0.05
    assert row.ci_low < row.mean_diff and -own.ci_high <= row.ci_low


def _pairs(both: int, scenario_only: int, baseline_only: int, neither: int) -> tuple[np.ndarray, np.ndarray]:
    scenario = np.repeat([1.0, 1.0, 0.0, 0.0], [both, scenario_only, baseline_only, neither])
    baseline = np.repeat([1.0, 0.0, 1.0, 0.0], [both, scenario_only, baseline_only, neither])
    return scenario, baseline


def test_a_plan_hit_in_every_run_against_none_has_a_ci_of_some_width() -> None:
    """The paired t interval collapsed: "+100 pts (CI +100 to +100)" from 20 runs, and a clear rise from 2."""
    low, high = paired_event_interval(*_pairs(0, 20, 0, 0))
    assert 0.6 < low < 0.8 and high == 1.0
    low, high = paired_event_interval(*_pairs(20, 0, 0, 0))  # both always hit: unclear, symmetric
    assert low == pytest.approx(-high) and 0.1 < high < 0.25
    assert paired_event_interval(*_pairs(0, 2, 0, 0))[0] < 0.0  # two runs make no clear difference
    assert paired_event_interval(*_pairs(0, 6, 0, 0))[0] > 0.0
    low, high = newcombe_hybrid(14, 5, 0, 22)  # Altman et al. 2000's table 6.2: method 11 alone
    assert low < 5 / 41 < high and 0.0 < low < 0.02 and 0.2 < high < 0.25
    # five discordant pairs, all one way: exact McNemar p = 0.0625, so the interval reaches 0
    assert paired_event_interval(*_pairs(14, 5, 0, 22)) == (0.0, pytest.approx(high))
    for table in ((3, 4, 5, 6), (0, 0, 7, 1), (10, 0, 0, 0), (1, 2, 3, 4)):
        low, high = paired_event_interval(*_pairs(*table))
        assert -1.0 <= low < high <= 1.0


@pytest.mark.parametrize("runs", [3, 4, 5])
def test_a_few_runs_all_one_way_make_no_clear_difference(runs: int) -> None:
    """Newcombe's interval alone left out 0 for 3-5 runs hit by one side only (exact McNemar p >= 0.0625)."""
    assert newcombe_hybrid(0, runs, 0, 0)[0] > 0.0
    low, high = paired_event_interval(*_pairs(0, runs, 0, 0))
    assert low == 0.0 and high == 1.0
    low, high = paired_event_interval(*_pairs(runs, 0, 0, runs))  # no discordant pair at all
    assert low < 0.0 < high
    assert paired_event_interval(*_pairs(4, 6, 0, 0))[0] > 0.0  # six one way: p = 0.031, clear


def test_the_paired_event_interval_covers_the_true_difference() -> None:
    """Coverage of the nominal 95% interval over 2,000 simulated experiments of 30 runs: 94% to 99.5%."""
    rng = np.random.default_rng(12)
    covered = 0
    for _ in range(2000):
        luck = rng.random(30)
        scenario = (luck < 0.5).astype(float)  # P(hit) 0.5
        baseline = ((luck < 0.3) ^ (rng.random(30) < 0.1)).astype(float)  # 0.3 x 0.9 + 0.7 x 0.1 = 0.34
        low, high = paired_event_interval(scenario, baseline)
        covered += low <= 0.16 <= high
    assert 0.94 <= covered / 2000 <= 0.995, covered


def test_comparison_columns_relative_and_share_better_intervals() -> None:
    rng = np.random.default_rng(3)
    base = rng.gamma(5.0, 100.0, 8)
    rows = []
    for scenario, values in (("a", base), ("b", base * 1.1 + rng.normal(0, 5, 8))):
        for r, v in enumerate(values):
            rows.append({"scenario": scenario, "replication": r, "bookings": v, "contribution": v - 600.0})
    table = compare(pd.DataFrame(rows), "a").set_index("kpi")
    bookings, contribution = table.loc["bookings"], table.loc["contribution"]
    assert bookings.relative_ci_low < bookings.relative_diff < bookings.relative_ci_high
    assert bookings.share_better_ci_low <= bookings.share_better <= bookings.share_better_ci_high
    assert (bookings.share_better_ci_low, bookings.share_better_ci_high) == pytest.approx(
        wilson_interval(bookings.share_better * 8, 8)
    )
    assert math.isnan(contribution.relative_diff) and math.isnan(contribution.relative_ci_low)


def test_summary_of_two_runs_stays_in_range() -> None:
    rows = [
        {"scenario": "s", "replication": 0, "win_rate": 0.14429889, "deals_won": 52.9, "hit_plan": 0.0},
        {"scenario": "s", "replication": 1, "win_rate": 0.18697337, "deals_won": 68.1, "hit_plan": 0.0},
    ]
    summary = summarise(pd.DataFrame(rows)).set_index("kpi")
    for kpi, row in summary.iterrows():
        low, high = kpi_range(str(kpi))
        assert low <= row.ci_low <= row["mean"] <= row.ci_high <= high, kpi
    assert summary.loc["hit_plan", "ci_high"] == pytest.approx(wilson_interval(0, 2)[1])


# --------------------------------------------------------------------------- utilisation never passes 1


def test_a_leaver_still_busy_when_the_run_ends_is_employed_until_then() -> None:
    """The source of utilisation above 1: a leaver finishing its item past the horizon."""
    data = single_stage_queue(2.0, 1.0, 3, 100.0, service={"dist": "constant", "value": 15.0})
    data["workforce"] = {"roles": {"server": {"attrition_rate": 3.0, "backfill_days": 1}}}
    scenario = compiled(data)
    caught = 0
    for replication in range(5):
        run = simulate(scenario, 5, replication)
        employed = employed_days(run.rep_hire_day, run.rep_leave_day, 0.0, 100.0)
        assert np.all(run.rep_busy_days <= employed + 1e-9), (run.rep_busy_days - employed).max()
        assert kpi_row(run)["utilisation_servers"] <= 1.0
        # 3 seats, each refilled a day after its rep quits: more than 3 reps still employed at the horizon
        # means a leaver was still finishing its 15-day item (recorded as employed, leave day inf)
        caught += int(np.sum(np.isinf(run.rep_leave_day))) - 3
    assert caught > 0  # at least one leaver was mid-item at the horizon, so the test can fail


# --------------------------------------------------------------------------- end to end


def _out_of_range(table: pd.DataFrame, columns: tuple[str, str]) -> list[str]:
    bad = []
    for _, row in table.iterrows():
        low, high = kpi_range(str(row["kpi"]))
        for column in columns:
            value = float(row[column])
            if not math.isnan(value) and not (low - 1e-12 <= value <= high + 1e-12):
                bad.append(f"{row['kpi']} {column}={value}")
    return bad


def test_a_small_run_prints_no_interval_outside_its_range(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["runs=2", "runner.workers=1", "runner.progress=false", "clock.warmup_days=0", "clock.horizon_days=150"]
    done = salesim(*args, f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = pd.read_csv(out / "summary.csv")
    assert not _out_of_range(summary, ("mean", "ci_low", "ci_high"))
    comparison = pd.read_csv(out / "comparison.csv")
    baseline_ci = summary.set_index(["scenario", "kpi"])
    for _, row in comparison.iterrows():  # a difference cannot take the scenario's mean out of range
        low, high = kpi_range(str(row["kpi"]))
        base = baseline_ci.loc[(row["baseline"], row["kpi"])]
        if math.isfinite(float(row["ci_low"])) and math.isfinite(float(base["ci_low"])):
            assert low - base["ci_high"] - 1e-9 <= row["ci_low"] <= row["ci_high"], row["kpi"]
            assert row["ci_high"] <= high - base["ci_low"] + 1e-9, row["kpi"]
    assert (comparison["relative_ci_low"].dropna() >= -1.0).all()
    shares = comparison[["share_better_ci_low", "share_better_ci_high"]].dropna()
    assert ((shares >= 0.0) & (shares <= 1.0)).all().all()
    report = (out / "report.md").read_text()
    # a plain grep finds no percentage below -100% (ranges are written with an en dash)
    percentages = [float(p.replace(",", "")) for p in re.findall(r"(-\d[\d,]*\.?\d*)%", report)]
    below = [p for p in percentages if p < -100.0]
    assert not below, below
    # the terminal table: no headline KPI (all amounts or shares) has a negative bound
    table = done.stdout.split("What looks unusual")[0].split("salesim:")[0]
    assert "What looks unusual" in done.stdout and "## What looks unusual" in report
    for line in table.splitlines()[2:]:
        cells = re.findall(r"\[([^\]]*)\]", line)
        for cell in cells[:2]:  # the scenarios' columns; the third is a difference
            assert not cell.startswith("-"), line


def test_a_wilson_interval_holds_its_share_exactly_at_0_and_1() -> None:
    # rounding put the low bound at 1.7e-18 above a share of 0 (n = 3, 6, 7, 12, ... 200) and the
    # high bound below 1 at a share of 1 (n = 10, 13, 25, ...): a figure's whisker went negative
    from simulator.analysis.intervals import wilson_interval

    for n in range(1, 2001):
        low, high = wilson_interval(0, n)
        assert low == 0.0 and 0.0 < high <= 1.0, n
        low, high = wilson_interval(n, n)
        assert high == 1.0 and 0.0 <= low < 1.0, n
        low, high = wilson_interval(n // 3, n)
        assert low <= (n // 3) / n <= high, n


def test_whiskers_are_never_negative_and_missing_bounds_draw_none() -> None:
    from simulator.report.plot_style import error_extents

    np.testing.assert_allclose(error_extents(0.0, 1.7e-18, 0.2), [[0.0], [0.2]])
    np.testing.assert_allclose(error_extents([1.0, 0.5], [0.9, np.nan], [1.0 - 1e-16, 0.7]), [[0.1, 0.0], [0.0, 0.2]])
    assert error_extents(0.5, np.nan, np.nan) is None


def test_a_scenario_equal_to_the_baseline_in_every_run_differs_by_exactly_zero() -> None:
    """A sweep's point where a scenario's own setting equals the swept one: "0.0 pts (-3.5 to +3.5 pts, unclear)"
    for the plan's chance, though every run of both was the same (a fresh user's check)."""
    from simulator.analysis.comparison import compare

    rng = np.random.default_rng(3)
    runs = 60
    bookings = rng.normal(3e6, 3e5, runs)
    base = pd.DataFrame({"replication": range(runs), "bookings": bookings, "hit_plan": (bookings > 3e6) * 1.0})
    same = pd.concat([base.assign(scenario="today"), base.assign(scenario="twin")], ignore_index=True)
    row = compare(same, "today").set_index("kpi").loc["hit_plan"]
    assert (row["ci_low"], row["ci_high"], row["mean_diff"]) == (0.0, 0.0, 0.0)
    # one run apart on another KPI: the plan's chance keeps Newcombe's interval of some width
    other = base.assign(scenario="twin")
    other.loc[0, "bookings"] += 1.0
    near = compare(pd.concat([base.assign(scenario="today"), other], ignore_index=True), "today")
    row = near.set_index("kpi").loc["hit_plan"]
    assert row["ci_low"] < -0.02 and row["ci_high"] > 0.02 and row["mean_diff"] == 0.0


def test_the_ranking_cell_of_a_difference_the_same_in_every_run_says_so() -> None:
    """It read "0.0 pts (0.0 pts to 0.0 pts, unclear)" for two scenarios with the same runs (a fresh user's check)."""
    from simulator.report.answer_section import _difference_cell

    same = pd.Series({"scenario": "twin", "diff": 0.0, "diff_low": 0.0, "diff_high": 0.0, "significant": False})
    assert _difference_cell(same, "hit_plan", "today") == "0.0 pts (the same in every run)"
    unsure = same.copy()
    unsure["diff_low"], unsure["diff_high"] = -0.035, 0.035
    assert _difference_cell(unsure, "hit_plan", "today") == "0.0 pts (-3.5 pts to +3.5 pts, unclear)"
    # csm_coverage's NRR: "+0.1 pts (0.0 pts to +0.3 pts, unclear)" for -0.04 to +0.3: it could be lower
    nrr = pd.Series(
        {"scenario": "csm_15", "diff": 0.0013, "diff_low": -0.0004, "diff_high": 0.003, "significant": False}
    )
    assert _difference_cell(nrr, "net_revenue_retention", "csm_11") == "+0.1 pts (-0.04 pts to +0.3 pts, unclear)"
    # its cost of sales: 4 CSMs' pay in every run, bounds apart only by rounding ("-$571.4286k to -$571.4286k")
    pay = -571_428.571428
    cost = pd.Series(
        {
            "scenario": "csm_7",
            "diff": pay,
            "diff_low": pay * (1 + 3e-12),
            "diff_high": pay * (1 - 3e-12),
            "significant": True,
        }
    )
    assert _difference_cell(cost, "cost_of_sales", "csm_11") == "-$571.4k (the same in every run)"


def test_bounds_apart_only_by_rounding_read_as_one_value() -> None:
    from simulator.analysis.formatting import format_signed_range

    pay = -571_428.571428
    assert format_signed_range("cost_of_sales", pay * (1 + 3e-12), pay * (1 - 3e-12)) == "-$571.4k to -$571.4k"
    assert format_signed_range("cycle_time_days_p50", -0.14, -0.06) == "-0.14 to -0.06 working days"  # told apart


def test_the_results_table_says_a_difference_is_the_same_in_every_run() -> None:
    """It read "$0 [$0, $0] (no clear diff.)" beside two scenarios whose runs were all equal."""
    from simulator.report.terminal_tables import _diff_cell

    row = pd.Series({"mean_diff": 0.0, "ci_low": 0.0, "ci_high": 0.0, "significant": False})
    tied = row.copy()
    tied["share_better"], tied["share_worse"] = 0.0, 0.0
    assert _diff_cell(tied, "bookings") == "$0 [$0, $0] (the same in every run)"
    apart = row.copy()
    apart["ci_low"], apart["ci_high"], apart["share_better"], apart["share_worse"] = -5e3, 5e3, 0.5, 0.5
    assert _diff_cell(apart, "bookings").endswith("(no clear diff.)")


def test_a_clear_difference_in_the_results_table_never_shows_a_bound_of_zero() -> None:
    """Deals won read "-4.7 [-9.4, 0.0]" beside a clear difference: its bound was -0.03."""
    from simulator.report.terminal_tables import _diff_cell

    row = pd.Series(
        {"mean_diff": -4.7, "ci_low": -9.37, "ci_high": -0.03, "significant": True}
        | {"share_better": 0.3, "share_worse": 0.6}
    )
    assert _diff_cell(row, "deals_won") == "-4.7 [-9.4, -0.03]"  # the other bound keeps its one decimal
    row["ci_high"] = -1.2
    assert _diff_cell(row, "deals_won") == "-4.7 [-9.4, -1.2]"  # one decimal while no bound reads zero


def test_a_small_difference_reads_as_its_value_in_the_terminal_and_the_plot_notes() -> None:
    """The share never touched, -0.01 points in the answer and report.md, read "0.0 pts [-1.1 pts, +1.1 pts]"."""
    from simulator.report.plot_differences import _absolute_words
    from simulator.report.terminal_tables import _diff_cell

    row = pd.Series(
        {"kpi": "untouched_lead_share", "mean_diff": -0.0001, "ci_low": -0.011, "ci_high": 0.011}
        | {"significant": False, "share_better": 0.5, "share_worse": 0.5}
    )
    assert _diff_cell(row, "untouched_lead_share") == "-0.01 pts [-1.1 pts, +1.1 pts] (no clear diff.)"
    assert _absolute_words(row) == "-0.01 pts (-1.1 pts to +1.1 pts)"


def test_newcombes_square_and_add_interval_matches_his_worked_example() -> None:
    """Newcombe (1998, Stat Med 17:873), method 10 on 56/70 against 48/80: +0.2, 95% CI +0.0524 to +0.3339."""
    from simulator.analysis.intervals import MeanInterval
    from simulator.analysis.paired_intervals import mover_difference, mover_ratio

    sides = []
    for hits, n in ((56, 70), (48, 80)):
        low, high = wilson_interval(hits, n)
        sides.append(MeanInterval(n, hits / n, math.nan, low, high))
    low, high = mover_difference(sides[0], sides[1])
    assert (low, high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    # MOVER-R (Donner & Zou 2012): its closed form, and 1 inside exactly when 0 is inside the difference's
    (p1, l1, u1), (p2, l2, u2) = ((s.mean, s.ci_low, s.ci_high) for s in sides)
    top = (p1 * p2 + math.sqrt((p1 * p2) ** 2 - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2))) / (l2 * (2 * p2 - l2))
    bottom = (p1 * p2 - math.sqrt((p1 * p2) ** 2 - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2))) / (u2 * (2 * p2 - u2))
    assert mover_ratio(sides[0], sides[1]) == pytest.approx((bottom, top), rel=1e-9)


def _sla_pair(base: list[float], scen: list[float], visits: tuple[float, float] = (123.0, 110.0)) -> pd.DataFrame:
    today = _sla_runs(base, [visits[0]] * len(base)).assign(scenario="today")
    other = _sla_runs(scen, [visits[1]] * len(scen)).assign(scenario="other")
    return pd.concat([today, other], ignore_index=True)


def test_a_share_at_zero_in_every_run_of_both_is_the_same_in_every_run_with_both_intervals() -> None:
    """No SLA breach at close in any run of either read "0.0 pts [0.0 pts, 0.0 pts] (the same in every run)"
    beside summaries of 0% to 0.083% and 0% to 0.093%: the difference could be about ±0.09 points, and a
    bullet said "no clear difference ... 0.0 to 0.0 points". Newcombe's square-and-add of the two:
    -top(today) to +top(other); the table, the report and the bullet say the same in every run, with it."""
    from simulator.analysis.conclusions import difference_sentence
    from simulator.report.document import _verdict
    from simulator.report.terminal_tables import _diff_cell

    runs = _sla_pair([0.0] * 40, [0.0] * 40)
    summary = summarise(runs).set_index(["scenario", "kpi"])["ci_high"]
    table = compare(runs, "today")
    row = table[table.kpi == "sla_breach_close"].iloc[0]
    assert row.mean_diff == 0.0 and not row.significant
    assert row.ci_low == pytest.approx(-summary[("today", "sla_breach_close")], rel=1e-12)  # -0.083%
    assert row.ci_high == pytest.approx(summary[("other", "sla_breach_close")], rel=1e-12)  # +0.093%
    assert row.share_better == 0.0 and row.share_worse == 0.0  # tied in every run, yet not known exactly
    # every surface says both: the same in every run, and the interval the runs leave
    assert _diff_cell(row, "sla_breach_close") == "0.00 pts [-0.08 pts, +0.09 pts] (the same in every run)"
    assert _verdict(row) == "the same in every run"
    assert difference_sentence(row) == (
        "SLA breaches at close: the same in every run of other and today "
        "(the 95% CI of the difference, -0.08 to +0.09 points, includes zero)."
    )
    # at 1 in every run of both (every renewal kept): the same rule from the bottom, and its relative interval holds 0%
    kept = pd.DataFrame({"replication": range(20), "renewal_rate": 1.0, "renewals_due": 30.0})
    both = pd.concat([kept.assign(scenario="today"), kept.assign(scenario="other", renewals_due=25.0)])
    row = compare(both, "today").set_index("kpi").loc["renewal_rate"]
    assert row.ci_low < -0.005 and row.ci_high > 0.005 and not row.significant
    assert row.relative_ci_low < 0.0 == row.relative_ci_high  # a share cannot pass 100%


def test_a_share_at_zero_in_every_run_of_one_side_takes_its_own_interval_and_the_verdicts_agree() -> None:
    """A scenario with no SLA breach against a baseline at 5.9% read "-100.0% (95% CI -100.0% to -100.0%)",
    though its own summary was 0.00% to 0.01%: MOVER-R now reaches above -100%, and holds 0% exactly when
    the difference's interval holds 0 (the module's "the verdict and both intervals always agree")."""
    rng = np.random.default_rng(5)
    for breaches, runs in ((8.0, 40), (0.3, 40), (0.1, 10), (0.05, 40), (2.0, 5)):
        base = list(rng.poisson(breaches, runs) / 123.0)
        for pairs in (_sla_pair(base, [0.0] * runs), _sla_pair([0.0] * runs, base)):
            row = compare(pairs, "today").set_index("kpi").loc["sla_breach_close"]
            holds = bool(row.ci_low <= 0.0 <= row.ci_high)
            assert holds == (not row.significant)
            if math.isfinite(row.relative_diff):
                assert (row.relative_ci_low <= 0.0 <= row.relative_ci_high) == holds
                assert row.relative_ci_low <= row.relative_diff <= row.relative_ci_high
    row = compare(_sla_pair(list(rng.poisson(8.0, 30) / 123.0), [0.0] * 30), "today").set_index("kpi")
    row = row.loc["sla_breach_close"]
    assert row.significant and row.relative_diff == -1.0 and row.relative_ci_low == -1.0
    assert -1.0 < row.relative_ci_high < -0.95  # its own 0% to 0.12% of 3,300 visits against 6.5%


def test_only_shares_at_zero_or_one_leave_the_paired_t_interval() -> None:
    """A varying share, an amount, identical designs and a utilisation at 100% keep their differences exactly."""
    rng = np.random.default_rng(9)
    n = 30
    base = pd.DataFrame(
        {
            "replication": range(n),
            "win_rate": rng.uniform(0.2, 0.3, n),
            "opportunities_decided": 100.0,
            "bookings": rng.normal(3e6, 3e5, n),
            "utilisation_ae": 1.0,
            "sla_breach_close": 0.0,
            "sla_visits_close": 100.0,
        }
    )
    other = base.assign(win_rate=base.win_rate + rng.normal(0.01, 0.02, n), bookings=base.bookings + 1e4)
    table = compare(pd.concat([base.assign(scenario="a"), other.assign(scenario="b")]), "a").set_index("kpi")
    for kpi in ("win_rate", "bookings"):
        t = mean_interval(other[kpi].to_numpy() - base[kpi].to_numpy())
        assert (table.loc[kpi, "ci_low"], table.loc[kpi, "ci_high"]) == pytest.approx((t.ci_low, t.ci_high))
    assert (table.loc["utilisation_ae", "ci_low"], table.loc["utilisation_ae", "ci_high"]) == (0.0, 0.0)
    assert table.loc["sla_breach_close", "ci_high"] > 0.001  # at 0 in both, over 3,000 visits a side: 0.14%
    same = compare(pd.concat([base.assign(scenario="a"), base.assign(scenario="b")]), "a").set_index("kpi")
    assert (same.loc["sla_breach_close", "ci_low"], same.loc["sla_breach_close", "ci_high"]) == (0.0, 0.0)


def test_a_share_at_zero_shows_its_bound_without_rounding_doubling_it() -> None:
    """No breach in any run, 0% to 0.056%, read "0.0% (0.0% to 0.1%)" beside "0.02% (0.00% to 0.10%)"."""
    row = pd.Series({"mean": 0.0, "ci_low": 0.0, "ci_high": 0.00056})
    assert format_mean_ci(row, "sla_breach_close") == "0.00% (0.00% to 0.06%)"
    row["ci_high"] = 0.0011627
    assert format_mean_ci(row, "sla_breach_close") == "0.00% (0.00% to 0.12%)"
    row["ci_high"] = 0.093  # 0 of 40 runs: 9.3% already reads within a tenth of its width
    assert format_mean_ci(row, "hit_plan") == "0.0% (0.0% to 9.3%)"
    assert (
        format_mean_ci(pd.Series({"mean": 0.2, "ci_low": 0.15, "ci_high": 0.25}), "win_rate")
        == "20.0% (15.0% to 25.0%)"
    )


def test_a_plan_both_scenarios_hit_in_every_run_differs_by_a_symmetric_interval() -> None:
    """Both at 10 of 10 (other KPIs apart): Newcombe's interval, built on each side's continuity-corrected
    score interval, had been cut at the summary's uncorrected one of the baseline: "-34.5 to +27.8 points"."""
    rows = [
        {"scenario": name, "replication": r, "hit_plan": hit, "bookings": 4e6 + 1e5 * r + shift}
        for name, hit, shift in (("today", 1.0, 0.0), ("more", 1.0, 2e5), ("less", 0.0, -3e6))
        for r in range(10)
    ]
    table = compare(pd.DataFrame(rows), "today").set_index(["scenario", "kpi"])
    row = table.loc[("more", "hit_plan")]
    low, high = paired_event_interval(np.ones(10), np.ones(10))
    assert (row.ci_low, row.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert row.ci_low == pytest.approx(-row.ci_high) and 0.3 < row.ci_high < 0.4 and not row.significant
    gone = table.loc[("less", "hit_plan")]  # a plan missed in every run against one always hit
    assert gone.ci_high == pytest.approx(paired_event_interval(np.zeros(10), np.ones(10))[1]) and gone.ci_low >= -1.0


def test_a_count_at_0_in_every_run_reads_its_runs_and_bound_not_exact() -> None:
    """No leaked lead in any of 40 runs had read "0.0 (0.0 to 0.0)", as if known exactly."""
    from simulator.analysis.mean_cells import format_mean_ci, format_mean_cis
    from simulator.analysis.statistics import kpi_interval

    def row(kpi: str, values: np.ndarray) -> pd.Series:
        found = kpi_interval(kpi, values)
        return pd.Series({"mean": found.mean, "ci_low": found.ci_low, "ci_high": found.ci_high, "n": found.n})

    leaked = row("deals_lost_leaked", np.zeros(40))
    assert (leaked["ci_low"], leaked["ci_high"]) == (0.0, pytest.approx(-math.log(0.025) / 40))  # Garwood: 3.69 / n
    assert format_mean_ci(leaked, "deals_lost_leaked") == "0 in all 40 runs (0 to 0.092 a run)"
    assert format_mean_ci(leaked, "deals_lost_leaked", words=False) == "0 in all 40 [0, 0.092]"
    assert format_mean_ci(row("reps_left", np.zeros(400)), "reps_left") == "0 in all 400 runs (0 to 0.0092 a run)"
    some = row("deals_lost_leaked", np.r_[np.zeros(30), np.arange(1.0, 11.0)])
    assert format_mean_cis([leaked, some], "deals_lost_leaked")[1] == format_mean_ci(some, "deals_lost_leaked")
    # an amount at 0 in every run is that amount (no partner, no partner fees); so is a ratio
    for kpi in ("cost_partner_fees", "pipeline_coverage", "cycle_time_days_p50"):
        assert (row(kpi, np.zeros(40))["ci_low"], row(kpi, np.zeros(40))["ci_high"]) == (0.0, 0.0), kpi


def test_a_count_at_0_in_every_run_on_parameter_draws_is_bounded_over_its_runs() -> None:
    """80 runs on 40 refits (crm-maven) had read "0 in all 80 runs (0 to 0.092 a run)": 3.69 / 40, not / 80.

    The runs' total, 0, is one Poisson count whatever each refit's rate (module docstring of
    :mod:`simulator.analysis.intervals`), so the bound is over every run, as the words count them.
    """
    from simulator.analysis.mean_cells import format_mean_ci

    found = kpi_interval("deals_lost_handoff", np.zeros(80), replications=np.arange(80), draws=40)
    assert (found.n, found.ci_low, found.ci_high) == (80, 0.0, pytest.approx(-math.log(0.025) / 80))
    row = pd.Series({"mean": found.mean, "ci_low": found.ci_low, "ci_high": found.ci_high, "n": found.n})
    assert format_mean_ci(row, "deals_lost_handoff") == "0 in all 80 runs (0 to 0.046 a run)"


def test_a_bound_that_is_not_zero_never_reads_zero() -> None:
    """lead_assignment's SLA breaches at need specified, 0.060% (0.045% to 0.080%), read "0.1% (0.0% to 0.1%)"."""
    row = pd.Series({"n": 100, "mean": 0.000601, "ci_low": 0.000452, "ci_high": 0.000801})
    assert format_mean_ci(row, "sla_breach_need_specified") == "0.06% (0.05% to 0.08%)"
    assert format_mean_ci(pd.Series({"mean": 0.2, "ci_low": 0.15, "ci_high": 0.25}), "win_rate") == (
        "20.0% (15.0% to 25.0%)"
    )


def test_a_count_and_its_bounds_read_at_one_precision() -> None:
    """speed_to_lead's deals won read "105 (100.0 to 110)", lead_assignment's "99.7 (94.7 to 105)"."""
    row = pd.Series({"n": 100, "mean": 105.0, "ci_low": 99.97, "ci_high": 110.2})
    assert format_mean_ci(row, "deals_won") == "105 (100 to 110)"
    assert format_mean_ci(row, "deals_won", words=False) == "105 [100, 110]"
    row = pd.Series({"n": 100, "mean": 99.73, "ci_low": 94.6, "ci_high": 104.86})
    assert format_mean_ci(row, "deals_won") == "99.7 (94.6 to 104.9)"
    assert format_value("deals_won", 99.97) == "100"
    row = pd.Series({"n": 100, "mean": 2163.07, "ci_low": 2151.08, "ci_high": 2175.06})
    assert format_mean_ci(row, "leads_total") == "2,163 (2,151 to 2,175)"


def test_an_interval_wide_for_its_mean_never_reads_as_one_value() -> None:
    """sdr_headcount's SDR first touch with six SDRs, 0.0122 hours (0.0099 to 0.0150), read "0.01 (0.01 to 0.01)"."""
    rows = [
        pd.Series({"n": 100, "mean": m, "ci_low": low, "ci_high": high})
        for m, low, high in [
            (0.330811, 0.285119, 0.383825),
            (7.648609, 7.223318, 8.098941),
            (1.799930, 1.589474, 2.038251),
            (0.012170, 0.009888, 0.014979),
        ]
    ]
    kpi = "first_touch_hours_mean_sdr"
    assert format_mean_ci(rows[3], kpi) == "0.012 (0.010 to 0.015)"
    # beside it, each row at the most decimals that show its own width to two digits
    assert format_mean_cis(rows, kpi) == [
        "0.331 (0.285 to 0.384)",
        "7.65 (7.22 to 8.10)",
        "1.80 (1.59 to 2.04)",
        "0.012 (0.010 to 0.015)",
    ]
    # an interval within a twentieth of its mean may still read as one value
    tight = pd.Series({"mean": 0.05, "ci_low": 0.0498, "ci_high": 0.0503})
    assert format_mean_ci(tight, "sla_breach_close") == "5.0% (5.0% to 5.0%)"
