"""The table of bad inputs salesim must refuse, the message each gets, and the ways to try them.

Each row is what a careless user might type, in one section of the config, with the one
line of the message it must get (``key = value: what is allowed``). Three ways to try
a row, all ending in the functions the command line uses to validate
(:func:`~simulator.run.build.experiment_from_dicts`, :func:`~simulator.run.settings.runner_settings`,
:meth:`~simulator.run.experiment.Experiment.validate`):

- ``check``: the overrides applied, as plain dicts, to the baseline scenario of the
  composed default experiment (the values parsed by Hydra's own override grammar),
  milliseconds per row;
- ``hydra``: the baseline scenario composed by Hydra (:func:`simulator.load_experiment`),
  for group choices and the replacement of whole distributions;
- ``cli``: the real command line (``python -m simulator``, in a process of its own forked
  from one that loaded the app: :mod:`tests.forked_cli`) on the whole default experiment
  (exit status 2, nothing written).

In-process rows try the baseline scenario alone so that each gets exactly one message
(with two scenarios, a message that differs between them is given once per scenario).

``docs/BAD_INPUT.md`` is generated from this table (``python -m tests.bad_inputs``) and a
test checks that it is up to date, so the documented messages are the tested ones.
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import simulator
from simulator.compose import UserOverride, classify
from simulator.config.errors import ConfigError
from simulator.config.plan import PLAN_FORMS
from simulator.run.build import experiment_from_dicts
from simulator.run.experiment import Experiment
from simulator.run.settings import runner_settings
from tests.scenarios import ROOT

DOC = ROOT / "docs" / "BAD_INPUT.md"
GROUPS = frozenset(p.name for p in (ROOT / "configs").iterdir() if p.is_dir())

BROKEN_EXPERIMENT = """# @package _global_
experiment:
  name: mine
  question: Does it work?
  scenarios:
    a: []
    b: [org=specialist
seed: 3
"""


UNPACKAGED_EXPERIMENT = """experiment:
  name: mine
  question: Does it work?
  scenarios:
    a: []
    b: [org=specialist]
seed: 3
"""

UNLISTED_SCENARIO = """# @package _global_
experiment:
  name: mine
  question: Does it work?
  scenarios:
    a: []
    b: org=specialist
seed: 3
"""


@dataclass(frozen=True)
class BadInput:
    """One bad input: the section, the overrides typed, the message line expected, how it is tried.

    In ``expected``, ``…`` stands for figures that follow from the shipped defaults (an
    estimate's total, say): the parts around it must appear in the message, in order.

    ``files`` are written (relative to the run's working directory) before a ``cli`` row
    runs; ``{cwd}`` in an override stands for that directory.
    """

    section: str
    overrides: tuple[str, ...]
    expected: str
    via: str = "check"
    files: dict[str, str] = field(default_factory=dict)

    def found_in(self, message: str) -> bool:
        """Whether ``message`` holds the expected line (its parts around ``…``, in order)."""
        position = 0
        for part in self.expected.split("…"):
            position = message.find(part, position)
            if position < 0:
                return False
            position += len(part)
        return True

    @property
    def shown(self) -> str:
        """The input as a user types it on the command line."""
        return " ".join(self.overrides)


WITHIN_ONE = "must be above 0 and below 1"
"""A bound that is no allowed value itself: "between 0 and 1" had refused 0 in words that allow it."""


def row(section: str, overrides: str | Sequence[str], expected: str, via: str = "check", **files: str) -> BadInput:
    lines = (overrides,) if isinstance(overrides, str) else tuple(overrides)
    return BadInput(section, lines, expected, via, {k.replace("__", "/") + ".yaml": v for k, v in files.items()})


TABLE: list[BadInput] = [
    # ------------------------------------------------------------ non-finite and non-numeric values
    row("plan", "plan.bookings=nan", "plan.bookings = nan: " + PLAN_FORMS),
    row("plan", "plan.bookings=inf", "plan.bookings = inf: " + PLAN_FORMS),
    row("plan", "plan.bookings=-inf", "plan.bookings = -inf: " + PLAN_FORMS),
    row(
        "plan",
        "plan.bookings=[1e6,1e6,1e6,1e15]",
        "plan.bookings.3 = 1000000000000000: is $1,000T for quarter 4, 1,000,000,000 times the quarters' median of "
        "$1M: surely typed with nine zeros too many: give whole dollars (1000000 for $1M)",
    ),  # had blamed quarters 1 to 3 "beside the others' 1,000,000,000,000,000 and more"
    row("plan", "plan.bookings=1e-9", "plan.bookings = 1e-09: is $1e-09 a year: give whole dollars"),  # "0 for $0.001"
    row("plan", "plan.bookings=abc", "plan.bookings = 'abc': " + PLAN_FORMS),  # read "must be a number"
    row("plan", "plan.bookings=-1", "plan.bookings = -1: " + PLAN_FORMS),  # read "a finite number >= 0", 0 refused
    row(
        "plan",
        "plan.bookings='4000000'",
        "plan.bookings = '4000000': " + PLAN_FORMS + " (it was read as text: write it without quotes)",
    ),
    row(
        "plan",
        "plan.bookings=1e15",
        "plan.bookings = 1000000000000000: is $1,000T a year, 148,809,524 times the $6.72M its 12 quota-carrying "
        "reps' quotas add up to: surely typed with nine zeros too many: give whole dollars, 1000000 for $1M",
    ),
    row("plan", "plan.bookings=[1e6,1e6,nan,1e6]", "plan.bookings.2 = nan: must be a finite number >= 0"),
    row("plan", "plan.bookings=true", "plan.bookings = true: " + PLAN_FORMS + " (true/false is not a number)"),
    row("plan", "plan.assumed_attainment=nan", "plan.assumed_attainment = nan: must be a finite number"),
    row(
        "economics",
        "economics.roles.full_cycle.quota=true",
        "economics.roles.full_cycle.quota = true: must be a number (true/false is not a number)",
    ),
    row(
        "economics",
        "economics.tool_cost_per_seat_year=inf",
        "economics.tool_cost_per_seat_year = inf: must be a finite number",
    ),
    row(
        "economics",
        "economics.default_role.base_salary=nan",
        "economics.default_role.base_salary = nan: must be a finite number",
    ),
    row(
        "economics",
        "economics.sources.inbound.cost_per_lead=-inf",
        "economics.sources.inbound.cost_per_lead = -inf: must be a finite number",
    ),
    # ------------------------------------------------------------ commission and quota credit on expansions
    row(
        "economics",
        "economics.roles.full_cycle.expansion_commission_rate=8",
        "economics.roles.full_cycle.expansion_commission_rate = 8: must be a share of the bookings between 0 and 1 "
        "(8% is 0.08), or null",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.expansion_commission_rate=8%",
        "economics.roles.full_cycle.expansion_commission_rate = '8%': must be a share of the bookings between 0 and "
        "1 (8% is 0.08), or null",
    ),
    row(
        "economics",
        "economics.roles.ae.expansion_commission_rate=-0.08",
        "economics.roles.ae.expansion_commission_rate = -0.08: must be a share of the bookings between 0 and 1 "
        "(8% is 0.08), or null",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.commission_rate=nan",
        "economics.roles.full_cycle.commission_rate = nan: must be a share of the bookings between 0 and 1 "
        "(8% is 0.08), or null",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.expansion_quota_credit=yes",
        "economics.roles.full_cycle.expansion_quota_credit = 'yes': must be true or false",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.expansion_quota_credit=1",
        "economics.roles.full_cycle.expansion_quota_credit = 1: must be true or false",
    ),
    row(
        "economics",
        "+economics.roles.full_cycle.expansion_comission_rate=0.08",
        "economics.roles.full_cycle.expansion_comission_rate = 0.08: unknown key (known: base_salary, commission_rate, "
        "expansion_commission_rate, expansion_quota_credit, hiring_cost, on_target_variable, pay_share, quota, "
        "ramp_months); did you mean 'expansion_commission_rate'?",
    ),
    row(
        "pipelines",
        "pipelines.partner.referral.max_leads_per_month=inf",
        "pipelines.partner.referral.max_leads_per_month = inf: must be a finite number",
    ),
    row(
        "pipelines",
        "pipelines.partner.referral.base_leads_per_month=nan",
        "pipelines.partner.referral.base_leads_per_month = nan: must be a finite number",
    ),
    row(
        "market",
        "market.sources.outbound.leads_per_month=700",
        "market.sources.outbound.leads_per_month = 700: has no effect: the outbound source's leads are "
        "pipelines.prospecting's booked meetings",
        via="cli",
    ),
    row(
        "market",
        "+market.sources.outbound.month_cv=0.2",
        "market.sources.outbound.month_cv = 0.2: has no effect: the outbound source's leads are "
        "pipelines.prospecting's booked meetings",
        via="cli",
    ),
    row(
        "clock",
        "clock.start_date=2026-02-30",
        "clock.start_date = '2026-02-30': must be a day of the calendar, YYYY-MM-DD such as 2026-03-02 (day value is "
        "outside expected range)",
    ),
    row(
        "clock",
        "clock.start_date=20260301",
        "clock.start_date = 20260301: is written YYYY-MM-DD, with the dashes: 2026-03-01",
    ),
    row(
        "clock",
        "clock.start_date=20261399",
        "clock.start_date = 20261399: is written YYYY-MM-DD, with the dashes, such as 2027-01-04",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.ramp.productivity=[0.17,0.33,50]",
        "workforce.roles.full_cycle.ramp.productivity.2 = 50: must be at most 1 (50% is 0.5)",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.initial_tenure_months=steady",
        "workforce.roles.full_cycle.initial_tenure_months = 'steady': must be steady_state, or a number or a mapping "
        "with 'dist' set to one of constant, exponential, lognormal, gamma, triangular, pert, uniform, empirical",
        via="cli",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.initial_tenure_months={dist:exponential,mean:-1}",
        "workforce.roles.full_cycle.initial_tenure_months.mean = -1: must be greater than 0",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.attrition_rate=35",
        "workforce.roles.full_cycle.attrition_rate = 35: must be at most 5 (35% is 0.35)",
    ),
    row(
        "plan",
        "plan.assumed_attainment=50",
        "plan.assumed_attainment = 50: must be at most 5 (50% is 0.5)",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.quota=1200",
        "economics.roles.full_cycle.quota = 1200: is $1200 a year, surely typed in thousands: give whole dollars, "
        "1200000 for $1.2M (0: none)",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.quota=560000000",
        "economics.roles.full_cycle.quota = 560000000: is $560M a year, above any rep's yearly quota ($100M at most): "
        "surely typed with three zeros too many, or in cents: give whole dollars, 560000 for $560k or 5600000 for "
        "$5.6M",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.base_salary=75800000",
        "economics.roles.full_cycle.base_salary = 75800000: is $75.8M a year, above any rep's yearly pay ($5M at "
        "most): surely typed with three zeros too many, or in cents: give whole dollars, 75800 for $75.8k or 758000 "
        "for $758k",
    ),
    row(
        "economics",
        "economics.sources.inbound.cost_per_lead=84000",
        "economics.sources.inbound.cost_per_lead = 84000: is $84k a lead, above any cost of a lead ($50k at most): "
        "surely typed with three zeros too many, or in cents: give whole dollars, 84 for $84 or 840 for $840",
    ),
    row(
        "plan",
        "plan.bookings=4000",
        "plan.bookings = 4000: is $4k a year, 0.06% of the $6.72M its 12 quota-carrying reps' quotas add up to: "
        "surely typed in "
        "thousands: give whole dollars, 4000000 for $4M",
    ),
    row(
        "plan",
        "plan.bookings=4e9",
        "plan.bookings = 4000000000: is $4B a year, 595 times the $6.72M its 12 quota-carrying reps' quotas add up "
        "to: surely "
        "typed with three zeros too many: give whole dollars, 4000000 for $4M",
    ),
    row(
        "plan",
        "plan.bookings=[1000000,1000000,1000000,500]",
        "plan.bookings.3 = 500: is $500 for quarter 4, under 1% of the quarters' median of $1M: surely typed in "
        "thousands: give whole dollars (500000 for $500k)",
    ),
    row(
        "plan",
        "plan.bookings=[1000000,1000000,9000,1200000]",
        "plan.bookings.2 = 9000: is $9k for quarter 3, under 1% of the quarters' median of $1M: a digit lost? give "
        "each quarter's bookings in whole dollars",
    ),
    row(
        "plan",
        [
            "economics.roles.full_cycle.quota=0",
            "economics.roles.csm.quota=0",
            "economics.roles.partner_manager.quota=0",
            "pipelines.prospecting=null",
            "plan.bookings=45000000000",
        ],
        "plan.bookings = 45000000000: is $45B a year, 226 times the $199M every lead a year can bring would book, "
        "each won at the mean deal value of the dearest product mix a segment draws and the customer book's ARR: "
        "surely typed with three zeros too many: give whole dollars, 45000000 for $45M",
    ),
    row(
        "plan",
        "plan.bookings=[900000,1000000,1100000,1200]",
        "plan.bookings.3 = 1200: is $1.2k for quarter 4, under 1% of the quarters' median of $950k: surely typed in "
        "thousands: give whole dollars (1200000 for $1.2M)",
    ),
    row(
        "economics",
        "economics.sources.partner.margin=20",
        "economics.sources.partner.margin = 20: must be at most 1 (20% is 0.2)",
    ),
    row(
        "experiment",
        "experiment.decision.primary=quota_attainment_pooled_p50",
        "experiment.decision.primary = 'quota_attainment_pooled_p50': is a figure of every run pooled, not of each "
        "run: a decision KPI must be one of each run's KPIs; did you mean 'quota_attainment_p50'?",
        via="cli",
    ),
    row(
        "market",
        "market.deal_value={dist:lognormal,median:25,p90:80}",
        "market.deal_value = {dist: lognormal, median: 25, p90: 80}: has a mean of $37.74 a deal, surely typed in "
        "thousands: give whole dollars, each amount x 1,000: {dist: lognormal, median: 25000, p90: 80000}",
    ),
    row(
        "market",
        "market.deal_value.median=25",
        "market.deal_value = {dist: lognormal, median: 25, p90: 80000}: has a mean of $10.4B a deal, over the $10M a "
        "year salesim takes as the most a B2B deal or account is worth: its amounts (median: 25, p90: 80000) lie 3,200 "
        "times apart, surely one typed in thousands or the other with three zeros too many: give each in whole dollars",
        via="cli",
    ),
    row(
        "market",
        "market.deal_value={dist:lognormal,median:25000000,p90:80000000}",
        "market.deal_value = {dist: lognormal, median: 25000000, p90: 80000000}: has a mean of $38.2M a deal, over the "
        "$10M a year salesim takes as the most a B2B deal or account is worth: surely typed with three zeros too many: "
        "give whole dollars, each amount / 1,000: {dist: lognormal, median: 25000, p90: 80000}",
    ),
    row(
        "pipelines",
        "pipelines.retention.initial_arr={dist:gamma,mean:47000000,cv:0.8}",
        "pipelines.retention.initial_arr = {dist: gamma, mean: 47000000, cv: 0.8}: has a mean of $47M an account a "
        "year, over the $10M a year salesim takes as the most a B2B deal or account is worth: surely typed with three "
        "zeros too many: give whole dollars, each amount / 1,000: {dist: gamma, mean: 47000, cv: 0.8}",
    ),
    row(
        "market",
        "market.deal_value=30",
        "market.deal_value = 30: has a mean of $30 a deal, surely typed in thousands: give whole dollars, each "
        "amount x 1,000: 30000",
        via="cli",
    ),
    row(
        "pipelines",
        "pipelines.retention.initial_arr={dist:gamma,mean:25,cv:0.8}",
        "pipelines.retention.initial_arr = {dist: gamma, mean: 25, cv: 0.8}: has a mean of $25 an account a year, "
        "surely typed in thousands: give whole dollars, each amount x 1,000: {dist: gamma, mean: 25000, cv: 0.8}",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.reference_arr=25",
        "pipelines.retention.renewal.reference_arr = 25: is $25 of ARR an account, surely typed in thousands: give "
        "whole dollars, 25000 for $25k",
    ),
    row(
        "market",
        "+market.sources.inbound.month_cv=3",
        "market.sources.inbound.month_cv = 3: must be a coefficient of variation from 0 to 2 (0: steady Poisson)",
    ),
    row(
        "pipelines",
        "pipelines.prospecting.target_accounts=true",
        "pipelines.prospecting.target_accounts = true: must be a whole number (true/false is not a number)",
    ),
    row(
        "pipelines",
        "pipelines.prospecting.target_accounts=nan",
        "pipelines.prospecting.target_accounts = nan: must be a whole number",
    ),
    row(
        "pipelines",
        "pipelines.retention.initial_customers=inf",
        "pipelines.retention.initial_customers = inf: must be a whole number",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.churn_probability=nan",
        "pipelines.retention.renewal.churn_probability = nan: must be a finite number",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.checkin_interval_days=inf",
        "pipelines.retention.renewal.checkin_interval_days = inf: must be a finite number",
    ),
    row(
        "pipelines",
        "pipelines.retention.expansion.per_account_per_year=true",
        "pipelines.retention.expansion.per_account_per_year = true: must be a number (true/false is not a number)",
    ),
    row(
        "pipelines", "pipelines.digital_first.share=nan", "pipelines.digital_first.share = nan: must be a finite number"
    ),
    row(
        "pipelines",
        "pipelines.prospecting.prm.conversion_lift=inf",
        "pipelines.prospecting.prm.conversion_lift = inf: must be a finite number",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.stages.0.effort_hours={dist:gamma,mean:nan,cv:0.5}",
        "pipelines.retention.renewal.stages.0.effort_hours.mean = nan: must be a finite number",
        via="hydra",
    ),
    row(
        "workforce",
        "workforce.reassignment_loss_probability=nan",
        "workforce.reassignment_loss_probability = nan: must be a finite number",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.attrition_rate=inf",
        "workforce.roles.full_cycle.attrition_rate = inf: must be a finite number",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.ramp.productivity=[0.2,nan,1.0]",
        "workforce.roles.full_cycle.ramp.productivity.1 = nan: must be a finite number",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.coaching_rate=true",
        "workforce.roles.full_cycle.coaching_rate = true: must be a number (true/false is not a number)",
    ),
    row("forecast", "+forecast.month.awareness=nan", "forecast.month.awareness = nan: must be a finite number"),
    row("sla", "+sla.stages.awareness=inf", "sla.stages.awareness = inf: must be a finite number"),
    row(
        "market",
        "market.sources.inbound.leads_per_month=nan",
        "market.sources.inbound.leads_per_month = nan: must be a finite number >= 0",
    ),
    row(
        "market",
        "market.seasonality=[1,1,1,1,1,1,1,1,1,1,1,nan]",
        "market.seasonality.11 = nan: must be a finite number >= 0",
    ),
    row(
        "market",
        "market.segments.smb=true",
        "market.segments.smb = true: must be a number (true/false is not a number)",
    ),
    row(
        "market",
        "market.deal_value={dist:gamma,mean:inf,cv:0.8}",
        "market.deal_value.mean = inf: must be a finite number",
        via="hydra",
    ),
    row(
        "pipeline",
        "pipeline.stages.0.conversion=true",
        "pipeline.stages.0.conversion = true: must be a number (true/false is not a number)",
    ),
    row(
        "org", "org.teams.full_cycle.hours_per_day=inf", "org.teams.full_cycle.hours_per_day = inf: must be in (0, 24]"
    ),
    row(
        "org",
        "org.teams.full_cycle.role=full_cyle",
        "org.teams.full_cycle.role = 'full_cyle': no stage, pay line (economics.roles) or workforce setting names "
        "this role, so its reps would be paid as economics.default_role and get no role's ramp or attrition: must be "
        "one of sdr, ae, partner_manager, csm, full_cycle, solution_engineer (did you mean full_cycle?), or add "
        "economics.roles.full_cyle",
    ),
    row(
        "org",
        "org.teams.full_cycle.time_allocation.reserved_hours_per_week={prospecting:nan}",
        "org.teams.full_cycle.time_allocation.reserved_hours_per_week.prospecting = nan: must be a finite number",
    ),
    row("effects", "effects.skill_weight=nan", "effects.skill_weight = nan: must be a finite number >= 0"),
    row(
        "clock",
        "clock.horizon_days=inf",
        "clock.horizon_days = inf: must be a finite number of working days > 0 and at most 12,500 (50 years of 250)",
    ),
    row(
        "clock",
        "clock.days_per_month=20",
        "clock.days_per_month = 20: no longer a setting: a month is a twelfth of clock.days_per_year (250 by default), "
        "or a calendar month with clock.start_date; for 20-day months set clock.days_per_year=240",
        via="hydra",
    ),  # had read "no scenario of generalist_vs_specialist has this key ... did you mean 'clock.days_per_year'?"
    row(
        "clock",
        "clock.horizon_days=100",
        "clock.warmup_days = 250: must be below clock.horizon_days = 100 (the run-in comes before the measured "
        "days; lower one or raise the other)",
    ),
    row(
        "runner",
        "runner.target_precision=nan",
        "runner.target_precision = nan: must be above 0 and below 1 (0.02 = ±2%)",
    ),
    row("runner", "runner.target_precision=0", "runner.target_precision = 0: must be above 0 and below 1 (0.02 = ±2%)"),
    row("runner", "runner.allow_large=yes", "runner.allow_large = 'yes': must be true or false"),
    row(
        "top level",
        "seed=true",
        "seed = true: must be a whole number from 0 to 9223372036854775807 (2^63 - 1) (true/false is not a number)",
    ),
    row(
        "top level",
        "runs=true",
        "runs = true: must be a whole number from 1 to 1,000,000 (replications per scenario), or auto (true/false "
        "is not a number)",
    ),
    row(
        "top level",
        "seed=18446744073709551621",
        "seed = 18446744073709551621: must be a whole number from 0 to 9223372036854775807 (2^63 - 1)",
    ),
    row("top level", "seed=-1", "seed = -1: must be a whole number from 0 to 9223372036854775807 (2^63 - 1)"),
    row(
        "top level",
        "runs=1000000000000",
        "runs = 1000000000000: must be a whole number from 1 to 1,000,000 (replications per scenario), or auto",
    ),
    row("runner", "runner.max_runs=10000000", "runner.max_runs = 10000000: must be a whole number from 2 to 1,000,000"),
    row(
        "clock",
        "clock.horizon_days=1e9",
        "clock.horizon_days = 1000000000: must be a finite number of working days > 0 and at most 12,500 (50 years "
        "of 250); longer horizons cannot run",
    ),
    row(
        "market",
        "market.sources.inbound.leads_per_month=1e300",
        "about 2.4e+301 leads expected per replication (1e+300 a month before seasonality, over 24 months)",
    ),
    # ------------------------------------------------------------ references that must resolve
    row(
        "pipelines",
        "pipelines.retention.renewal.checkin_role=account_manager",
        "pipelines.retention.renewal.checkin_role = 'account_manager': must be the role of a team, whose reps "
        "own the accounts: full_cycle, csm, partner_manager",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.stages.0.role=account_manager",
        "pipelines.retention.renewal.stages.0.role = 'account_manager': no team has this role, so the stage "
        "would fall to the default team (full_cycle): must be one of the roles full_cycle, csm, "
        "partner_manager, or route stage health_check to a team in org.routing",
    ),
    row(
        "pipelines",
        "pipelines.retention.expansion.stages.1.role=nobody",
        "pipelines.retention.expansion.stages.1.role = 'nobody': no team has this role",
    ),
    row(
        "pipelines",
        "pipelines.prospecting.source=nowhere",
        "pipelines.prospecting.source = 'nowhere': must name a market source: inbound, outbound, partner",
    ),
    row(
        "pipelines",
        "pipelines.digital_first.entry_stage=nowhere",
        "pipelines.digital_first.entry_stage = 'nowhere': must be a stage of the pipeline: awareness, "
        "need_specified, evaluation, probation, reassurance, close",
    ),
    row(
        "org",
        ["org=pods_by_segment", "org.overflow.to=csm"],
        "org.overflow.to = 'csm': cannot take the leads of pod(s) smb_pod, mid_market_pod, enterprise_pod: team "
        "csm does not work stage(s) awareness, need_specified, evaluation, probation, reassurance, close; must "
        "be any_pod or a team able to work stage(s) awareness, need_specified, evaluation, probation, "
        "reassurance, close that is not a pod the rule applies to: none here",
        via="hydra",
    ),
    row(
        "org",
        ["org=pods_by_segment", "+org.teams.smb_pod.overflow={to:smb_pod,wait_days:3}"],
        "org.teams.smb_pod.overflow.to = 'smb_pod': is pod smb_pod itself, so its overflow goes nowhere",
        via="hydra",
    ),
    row(
        "org",
        ["org=pods_by_segment", "org.overflow.to=enterprise_pod"],
        "org.overflow.to = 'enterprise_pod': is pod enterprise_pod itself, so its overflow goes nowhere",
        via="hydra",
    ),
    row(
        "org",
        "+org.teams.csm.serves={segment:[smb]}",
        "org.teams.csm.serves = {segment: [smb]}: has no effect: team csm works no stage of the sales "
        "pipeline, so it never receives leads (teams that do: full_cycle); remove it, or route a stage to csm "
        "in org.routing",
    ),
    row(
        "org",
        "+org.teams.csm.overflow={to:any_pod,wait_days:3}",
        "org.teams.csm.overflow = {to: any_pod, wait_days: 3}: has no effect: team csm works no stage "
        "of the sales pipeline",
    ),
    row(
        "org",
        "+org.overflow={to:nobody,wait_days:3}",
        "org.overflow.to = 'nobody': must be any_pod or a team of the org: full_cycle, csm, partner_manager",
    ),
    row(
        "org",
        "org.default_team=nobody",
        "org.default_team = 'nobody': must name a team of the org: full_cycle, csm, partner_manager",
    ),
    row(
        "org",
        "+org.routing.awareness=nobody",
        "org.routing.awareness = 'nobody': must name a team of the org: full_cycle, csm, partner_manager",
    ),
    row(
        "market",
        "market.sources.inbound.entry_stage=nowhere",
        "market.sources.inbound.entry_stage = 'nowhere': must be a stage of the pipeline: awareness",
    ),
    row(
        "workforce",
        "+workforce.teams.nobody={hires:[{month:1}]}",
        "workforce.teams.nobody = 'nobody': must name a team of the org: full_cycle, csm, partner_manager",
    ),
    # ------------------------------------------------------------ values outside their meaning
    row(
        "market",
        "market.deal_value={dist:lognorm,median:30000,sigma:1}",
        "market.deal_value.dist = 'lognorm': unknown distribution; allowed: constant, exponential, lognormal, gamma, "
        "triangular, pert, uniform, empirical; did you mean 'lognormal'?",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.ramp.productivity=[0.5,0.3,0.8]",
        "workforce.roles.full_cycle.ramp.productivity.1 = 0.3: must be at least month 1's 0.5: a ramp curve "
        "never decreases",
    ),
    row(
        "workforce",
        "workforce.roles.full_cycle.ramp.skill_shift=[-0.5,-0.2,0.3]",
        "workforce.roles.full_cycle.ramp.skill_shift.2 = 0.3: must be at most 0: a fully ramped rep's shift is "
        "0, so a positive last month would fall",
    ),
    row(
        "pipelines",
        ["pipelines.partner.referral.max_leads_per_month=2", "pipelines.partner.referral.base_leads_per_month=3"],
        "pipelines.partner.referral.base_leads_per_month = 3: must be at most max_leads_per_month (2): "
        "enablement raises a partner's rate from the base toward the maximum",
    ),
    row(
        "workforce",
        "+workforce.teams.full_cycle.hires=[{month:25,count:1}]",
        "workforce.teams.full_cycle.hires.0.month = 25: the measured window has 12 months (clock.horizon_days = "
        "500): must be a day below 500 or a month up to 12 (months count from the measured window's start), so the "
        "hire joins before the run ends",
    ),
    row(
        "workforce",
        "+workforce.teams.full_cycle.hires=[{day:600,count:2}]",
        "workforce.teams.full_cycle.hires.0.day = 600: starts on working day 600, after the run ends "
        "(clock.horizon_days = 500)",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.checkin_interval_days=0.001",
        "pipelines.retention.renewal.checkin_interval_days = 0.001: about … events per replication, "
        "mostly check-ins (… customers x 500,002 check-ins each); the budget is 10,000,000: lengthen the "
        "check-in interval, or set runner.allow_large=true to run it anyway",
    ),
    row("plan", "plan.assumed_attainment=0", "plan.assumed_attainment = 0: must be greater than 0"),
    row("pipeline", "pipeline.stages.1.conversion=1.4", "pipeline.stages.1.conversion = 1.4: must be a probability"),
    row(
        "market",
        "market.deal_value={dist:lognormal,mu:710,sigma:0}",
        "market.deal_value = {dist: lognormal, mu: 710, sigma: 0}: its parameters are too large or too "
        "small to compute with (a finite mean and variance are needed)",
    ),
    row(
        "market",
        "market.deal_value={dist:gamma,mean:25000,cv:1e-170}",
        "market.deal_value = {dist: gamma, mean: 25000, cv: 1e-170}: its parameters are too large",
    ),
    row(
        "pipeline",
        "pipeline.stages.0.effort_hours={dist:uniform,low:-1e308,high:1e308}",
        "pipeline.stages.0.effort_hours = {dist: uniform, low: -1e+308, high: 1e+308}: its parameters are too large",
    ),
    row(
        "pipeline",
        "pipeline.stages.0.effort_hours={dist:pert,low:0,mode:5,high:10,lamb:1e308}",
        "pipeline.stages.0.effort_hours.lamb = 1e+308: must be at most 10000",
    ),
    # ------------------------------------------------------------ sizes that cannot run
    row(
        "pipelines",
        "pipelines.prospecting.target_accounts=10000000",
        "pipelines.prospecting.target_accounts = 10000000: about … entities held at once per "
        "replication, mostly target accounts (10,000,000 accounts drawn (reps work only those their hours "
        "allow)); the budget is 2,000,000: lower the accounts in the territory, or set runner.allow_large=true "
        "to run it anyway",
    ),
    row(
        "pipelines",
        ["pipelines.prospecting.target_accounts=10000000", "runner.allow_large=true"],
        "pipelines.prospecting.target_accounts = 10000000: about … entities held at once per "
        "replication, mostly target accounts (10,000,000 accounts drawn (reps work only those their hours "
        "allow)); at most 10,000,000 can run, even with runner.allow_large=true",
    ),
    row(
        "pipelines",
        "pipelines.retention.initial_customers=1000000",
        "pipelines.retention.initial_customers = 1000000: about … events per replication, mostly "
        "customers (… customers (initial and won) over 2.0 years); the budget is 10,000,000",
    ),
    row(
        "pipelines",
        "pipelines.partner.prospects=10000000",
        "pipelines.partner.prospects = 10000000:",
    ),
    row(
        "pipelines",
        "pipelines.partner.referral.max_leads_per_month=100000",
        "pipelines.partner.referral.max_leads_per_month = 100000: about … events per replication, "
        "mostly partner referrals (up to 40 partners x 100,000 referrals a month x 24 months)",
    ),
    row(
        "pipelines",
        "pipelines.partner.enablement.interval_days=0.0001",
        "pipelines.partner.enablement.interval_days = 0.0001: about … events per replication, mostly "
        "enablement sessions (up to 40 partners x 5,000,000 sessions each)",
    ),
    row(
        "workforce",
        "+workforce.teams.full_cycle.hires=[{month:1,count:1000000}]",
        "workforce.teams.full_cycle.hires = [{month: 1, count: 1000000}]: … reps in one replication "
        "(headcount and hires); at most 100,000 can run",
    ),
    row(
        "org",
        "org.teams.full_cycle.headcount=6000",
        "org.teams.full_cycle.headcount = 6000: about … events per replication, mostly reps (… reps "
        "(headcount and hires) x 500 working days); the budget is 10,000,000",
    ),
    row(
        "market",
        "market.sources.inbound.leads_per_month=5000000",
        "leads expected per replication",
    ),
    # ------------------------------------------------------------ runner and environment
    row(
        "runner",
        "runner.address=http://scheduler:8786",
        "runner.address = 'http://scheduler:8786': scheme http:// is not supported: must be tcp://host:port or "
        "tls://host:port, or null",
    ),
    row(
        "runner",
        "runner.address=tcp://127.0.0.1:70000",
        "runner.address = 'tcp://127.0.0.1:70000': port 70000 is impossible: must be between 1 and 65535",
    ),
    row("runner", "runner.address=tcp://scheduler:0", "runner.address = 'tcp://scheduler:0': port 0 is impossible"),
    row("runner", "runner.backend=slurm", "runner.backend = 'slurm': must be one of local, dask"),
    row("runner", "runner.workers=-1", "runner.workers = -1: must be a whole number >= 0 (0 = automatic)"),
    row(
        "experiment",
        ["experiment=csm_coverage", "+experiment.decision.rule={target:105}"],
        "experiment.decision.rule.target = 105: net_revenue_retention is a ratio: give 1.05 for 105%",
        via="cli",
    ),
    row(
        "experiment",
        "+experiment.decision.rule={target:0.5}",
        "experiment.decision.rule.target = 0.5: bookings is in dollars: give 500000 for $500k",
        via="cli",
    ),
    row(
        "experiment",
        "+experiment.decision.rule={target:5}",
        "experiment.decision.rule.target = 5: bookings is in dollars: give 5000000 for $5M or 5000 for $5k",
        via="cli",
    ),
    row(
        "plan",
        "plan.bookings=4",
        "plan.bookings = 4: is $4 a year, surely typed in millions: give whole dollars, 4000000 for $4M",
    ),
    row(
        "plan",
        "plan.bookings=[1,1,1,1.5]",
        "plan.bookings = [1, 1, 1, 1.5]: is $4.5 a year, surely typed in millions: give each quarter in whole "
        "dollars, [1000000, 1000000, 1000000, 1500000]",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.quota=0.75",
        "economics.roles.full_cycle.quota = 0.75: is $0.75 a year, surely typed in millions: give whole dollars, "
        "750000 for $750k (0: none)",
    ),
    row(
        "plan",
        "plan.bookings=[1000000,1000000,1000000,1.2]",
        "plan.bookings.3 = 1.2: is $1.2 for quarter 4, under 1% of the quarters' median of $1M: surely typed in "
        "millions: give whole dollars (1200000 for $1.2M)",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.hiring_cost=31.3",
        "economics.roles.full_cycle.hiring_cost = 31.3: is $31.3 a hire, surely typed in thousands: give whole "
        "dollars, 31300 for $31.3k (0: none)",
    ),
    row(
        "economics",
        "economics.sources.inbound.cost_per_lead=0.084",
        "economics.sources.inbound.cost_per_lead = 0.084: is $0.084 a lead, surely typed in thousands: give whole "
        "dollars, 84 for $84 (0: none)",
    ),
    row(
        "economics",
        "economics.tool_cost_per_seat_year=0.888",
        "economics.tool_cost_per_seat_year = 0.888: is $0.888 a seat a year, surely typed in thousands: give whole "
        "dollars, 888 for $888 (0: none)",
    ),
    row(
        "pipelines",
        "+pipelines.prospecting.prm.seat_cost_per_month=99",
        "pipelines.prospecting.prm.seat_cost_per_month = 99: no longer a setting: a PRM seat is priced once, by "
        "economics.tool_cost_per_seat_year (888 by default, $74 a seat-month), for both prm_tool_cost and the cost "
        "of sales; for $99 a seat-month set economics.tool_cost_per_seat_year=1188",
    ),
    row(
        "pipelines",
        "pipelines.prospecting.prm.seat_cost_per_month=0.074",
        "pipelines.prospecting.prm.seat_cost_per_month = 0.074: no longer a setting: a PRM seat is priced once, by "
        "economics.tool_cost_per_seat_year (888 by default, $74 a seat-month), for both prm_tool_cost and the cost "
        "of sales; for $74 a seat-month set economics.tool_cost_per_seat_year=888",
        via="hydra",
    ),  # the old key read 0.074 as $74 typed in thousands: the hint had said 0.888, itself refused so
    row(
        "pipelines",
        "+pipelines.partner.margin_share=0.25",
        "pipelines.partner.margin_share = 0.25: no longer a setting: the partners' referral fee is "
        "economics.sources.partner.margin (0.2 by default), for both partner_margin_cost and the cost of sales; for "
        "a fee of 25% set economics.sources.partner.margin=0.25",
    ),
    row(
        "pipelines",
        "pipelines.partner.margin_share=0.25",
        "pipelines.partner.margin_share = 0.25: no longer a setting: the partners' referral fee is "
        "economics.sources.partner.margin (0.2 by default), for both partner_margin_cost and the cost of sales; for "
        "a fee of 25% set economics.sources.partner.margin=0.25",
        via="hydra",
    ),  # without the +, as the shipped config let one type it until the key went: had read "no such key"
    row(
        "pipelines",
        "pipelines.prospecting.prm.seat_cost_per_month=99",
        "pipelines.prospecting.prm.seat_cost_per_month = 99: no longer a setting: a PRM seat is priced once, by "
        "economics.tool_cost_per_seat_year (888 by default, $74 a seat-month), for both prm_tool_cost and the cost "
        "of sales; for $99 a seat-month set economics.tool_cost_per_seat_year=1188",
        via="hydra",
    ),  # had read "no scenario of generalist_vs_specialist has this key"
    row(
        "pipelines",
        ["pipelines.partner.source=inbound", "pipelines.partner.margin_share=0.1"],
        "pipelines.partner.margin_share = 0.1: no longer a setting: the partners' referral fee is "
        "economics.sources.inbound.margin, for both partner_margin_cost and the cost of sales; for a fee of 10% set "
        "economics.sources.inbound.margin=0.1",
        via="hydra",
    ),  # another source's fee (whose default is not the partner source's 0.2)
    row(
        "pipelines",
        "pipelines.partner={margin_share:0.1}",
        "pipelines.partner.margin_share = 0.1: no longer a setting: the partners' referral fee is "
        "economics.sources.partner.margin (0.2 by default), for both partner_margin_cost and the cost of sales; for "
        "a fee of 10% set economics.sources.partner.margin=0.1",
        via="hydra",
    ),  # inside a mapping: had read "no such key in the config"
    row(
        "experiment",
        "+experiment.decision.rule={max_worsening:{cost_of_sales:0.3}}",
        "experiment.decision.rule.max_worsening.cost_of_sales = 0.3: cost_of_sales is in dollars: give 300000 for "
        "$300k",
        via="cli",
    ),
    row(
        "economics",
        "economics.roles.sdr.base_salary=65",
        "economics.roles.sdr.base_salary = 65: is $65 a year, surely typed in thousands: give whole dollars, 65000 "
        "for $65k (0: none)",
    ),
    row(
        "plan",
        "plan.bookings=0",
        "plan.bookings = 0: a plan of $0 is hit in every run: give the bookings to hit in $ (4000000 = $4.0M), or "
        "null: no plan",
    ),
    row(
        "experiment",
        "+experiment.decision.rule={target:-1}",
        "experiment.decision.rule.target = -1: must be at least 0: bookings cannot be -1",
        via="cli",
    ),
    row(
        "experiment",
        "org=null",
        "org = null: is a config group: it takes one of its configs: generalist, pods_by_product, pods_by_segment, "
        "solution_engineers, specialist (org.KEY=VALUE sets a key of the one chosen)",
        via="cli",
    ),
    row(
        "experiment",
        "experiment.decision.rule={target:5}",
        "experiment.decision.rule = {target: 5}: no scenario of generalist_vs_specialist has this key; "
        "experiment.decision has: guardrails, primary; it is a setting the config files leave out (default null): "
        "add it with a leading +, '+experiment.decision.rule={target:5}'",
        via="cli",
    ),
    row("experiment", "experiment.name=../escape", "experiment.name = '../escape': must be a safe folder name"),
    row("experiment", "experiment.name=a/b", "experiment.name = 'a/b': must be a safe folder name"),
    row("experiment", "experiment.name=c:d", "experiment.name = 'c:d': must be a safe folder name"),
    row(
        "experiment",
        "experiment=no_such_experiment",
        "experiment = 'no_such_experiment': no such config in experiment/: must be one of csm_coverage,",
        via="cli",
    ),
    row(
        "experiment",
        ["--config-dir", "/no/such/dir"],
        "--config-dir = '/no/such/dir': no such directory",
        via="cli",
    ),
    row(
        "experiment",
        ["--config-dir", "{cwd}/mine", "experiment=mine"],
        "{cwd}/mine/experiment/mine.yaml, line 8 = 'seed: 3': not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence begun on line 7)",
        via="cli",
        mine__experiment__mine=BROKEN_EXPERIMENT,
    ),
    row(
        "experiment",
        ["--config-dir", "{cwd}/mine", "experiment=mine"],
        "{cwd}/mine/experiment/mine.yaml = 'mine': its '# @package _global_' line is missing: Hydra reads the "
        "file's keys under experiment (experiment.experiment.scenarios, ...); make it the file's first line, as in "
        "experiments/*.yaml",
        via="cli",
        mine__experiment__mine=UNPACKAGED_EXPERIMENT,
    ),
    row(
        "experiment",
        ["--config-dir", "{cwd}/mine", "experiment=mine"],
        "{cwd}/mine/experiment/mine.yaml = 'mine': its '# @package _global_' line is on line 2, below other lines: "
        "Hydra reads it only above every other line, comments included, so it reads the file's keys under "
        "experiment (experiment.experiment.scenarios, ...); move it to the top",
        via="cli",
        mine__experiment__mine="# my experiment\n" + UNLISTED_SCENARIO.replace("b: org=specialist", "b: []"),
    ),
    row(
        "experiment",
        ["--config-dir", "{cwd}/mine", "experiment=mine"],
        "experiment.scenarios.b = 'org=specialist': must be a list of Hydra overrides: write [org=specialist]",
        via="cli",
        mine__experiment__mine=UNLISTED_SCENARIO,
    ),
    row(
        "experiment",
        ["--config-dir", "{cwd}/mine", "experiment=mine"],
        "[scenario b] pipelines.partner.margin_share = 0.3: no longer a setting: the partners' referral fee is "
        "economics.sources.partner.margin (0.2 by default), for both partner_margin_cost and the cost of sales; for "
        "a fee of 30% set economics.sources.partner.margin=0.3",
        via="cli",
        mine__experiment__mine=UNLISTED_SCENARIO.replace(
            "b: org=specialist", "b: [pipelines.partner.margin_share=0.3]"
        ),
    ),  # a scenario of one's own written before the key went: had read "scenario b has no such key"
    row(
        "pipelines",
        ["--config-dir", "{cwd}/mine", "pipelines=old"],
        "pipelines.partner.margin_share = 0.25: no longer a setting: the partners' referral fee is "
        "economics.sources.partner.margin (0.2 by default), for both partner_margin_cost and the cost of sales; for "
        "a fee of 25% set economics.sources.partner.margin=0.25",
        via="cli",
        mine__pipelines__old="partner:\n  source: partner\n  margin_share: 0.25\n",
    ),  # a pipelines file of one's own that still has the key
    row(
        "experiment",
        ["--config-dir", "{cwd}/mine", "experiment=mine"],
        "[scenario b] org = 'specialst': no such config in org/: must be one of generalist, pods_by_product, "
        "pods_by_segment, solution_engineers, specialist",
        via="cli",
        mine__experiment__mine=UNLISTED_SCENARIO.replace("b: org=specialist", "b: [org=specialst]"),
    ),
    row(
        "experiment",
        ["--config-dir", "{cwd}/gone"],
        "initial_pipeline = 'calibrated': the defaults list of config.yaml names initial_pipeline/calibrated.yaml, "
        "but no config folder has it (looked in {cwd}/gone/initial_pipeline, …): restore the file (a calibrated "
        "folder: run salesim calibrate again), or choose another with initial_pipeline=NAME",
        via="cli",
        gone__config="defaults:\n  - initial_pipeline: calibrated\n  - _self_\n",
    ),
    row(
        "org",
        "org.teams.full_cycle.skill=[1,2]",
        "org.teams.full_cycle.skill = '[1,2]': org.teams.full_cycle.skill is a mapping, not a list: write "
        "org.teams.full_cycle.skill={name: value, ...}",
        via="cli",
    ),
    row(
        "org",
        "org.teams.full_cycle.role=''",
        "org.teams.full_cycle.role = '': must be one of sdr, ae, partner_manager, csm, full_cycle, solution_engineer "
        "(a role is one word: letters, digits and _)",
    ),
    row(
        "org",
        "org.teams.full_cycle.skill={mean:0,sdé:1}",
        "command line = 'org.teams.full_cycle.skill={mean:0,sdé:1}': not valid Hydra override syntax (token "
        "recognition error at: 'é'); inside a mapping or a list, keys are plain words (letters, digits and _) and "
        "text with spaces, commas, brackets, quotes or non-ASCII characters is quoted",
        via="cli",
    ),
    row(
        "org",
        "+org.teams.équipe={role:csm,headcount:1}",
        "command line = '+org.teams.équipe={role:csm,headcount:1}': not valid Hydra override syntax (token "
        "recognition error at: '.'); a key is plain words joined by dots: letters, digits and _ (no spaces or accents)",
        via="cli",
    ),
    row(
        "economics",
        "+economics.roles.full_cycle.expansion_commission_rate=0.08",
        "economics.roles.full_cycle.expansion_commission_rate = 0.08: is already in the config: set it without the "
        "+, economics.roles.full_cycle.expansion_commission_rate=0.08",
        via="cli",
    ),
    row(
        "economics",
        "+economics.roles.full_cycle.quota=600",
        "economics.roles.full_cycle.quota = 600: is already in the config: drop the +; and it is $600 a year, surely "
        "typed in thousands: give whole dollars, 600000 for $600k (0: none)",
        via="cli",
    ),
    row(
        "org",
        "org.teams.csm=null",
        "org.teams.csm = null: must be a mapping of keys to values; to remove it, write '~org.teams.csm' (a leading ~ "
        "deletes a key; what refers to it must change too)",
    ),
    row(
        "org",
        "~org.routing.awareness",
        "command line = '~org.routing.awareness': nothing to delete: the experiment's base config has no such key",
        via="cli",
    ),
    row(
        "org",
        "org.description=x=y",
        "command line = 'org.description=x=y': not valid Hydra override syntax (mismatched input '=' expecting "
        "<EOF>); a value with spaces, commas, brackets, quotes or '=' must be quoted: 'org.description=\"x=y\"'",
        via="cli",
    ),
    row(
        "plan",
        "plan={bookings:5e6,asumed_attainment:0.5}",
        "plan.asumed_attainment = 0.5: no such key in the config; plan has: assumed_attainment, bookings; did you "
        "mean 'plan.assumed_attainment'?",
        via="hydra",
    ),
    row(
        "org",
        "org.teams.full_cycle.time_allocation={priority:{sales:1}}",
        "org.teams.full_cycle.time_allocation.priority = {sales: 1}: must be a list",
        via="hydra",
    ),
    row(
        "org",
        "org.teams.full_cycle.skill={mean:0,sdd:1}",
        "org.teams.full_cycle.skill.sdd = 1: no such key in the config; org.teams.full_cycle.skill has: mean, sd; "
        "did you mean 'org.teams.full_cycle.skill.sd'?",
        via="hydra",
    ),
    row(
        "org",
        "org.teams.full_cycle={headcout:3,skill:{mean:0,sd:0.5}}",
        "org.teams.full_cycle.headcout = 3: no such key in the config; org.teams.full_cycle has: assignment, "
        "headcount, hours_per_day, newest_first, priority, prm_automation, role, selling_fraction, skill, "
        "time_allocation; did you mean 'org.teams.full_cycle.headcount'?",
        via="hydra",
    ),
    row(
        "experiment",
        "experiment.scenarios.specialist.overrides.org.teams.sdr.headcount=5",
        "experiment.scenarios.specialist.overrides.org.teams.sdr.headcount = 5: experiment.scenarios.specialist is a "
        "list, so it has no 'overrides': a scenario is a list of overrides: give its whole list again, quoted for "
        "the shell, as in \"experiment.scenarios.specialist=['org=specialist','org.teams.sdr.headcount=5']\" (its "
        "list with your change; `--cfg job` prints every scenario's list)",
        via="cli",
    ),
    row(
        "experiment",
        "experiment.decision.guardrails.name=x",
        "experiment.decision.guardrails.name = 'x': experiment.decision.guardrails is a list, so it has no 'name': its "
        "items are numbered from 0: experiment.decision.guardrails.N=..., N the item's place (`--cfg job` prints them)",
        via="cli",
    ),
    row(
        "pipeline",
        "pipeline.stages.evaluation.conversion=0.5",
        "pipeline.stages.evaluation.conversion = 0.5: pipeline.stages is a list, so it has no 'evaluation': its items "
        "are numbered from 0: pipeline.stages.N.conversion=..., N the item's place (`--cfg job` prints them)",
        via="cli",
    ),
    row(
        "experiment",
        "experiment.decision.guardrails={a: 1}",
        "experiment.decision.guardrails = '{a: 1}': experiment.decision.guardrails is a list, not a mapping: write "
        "experiment.decision.guardrails=[a,b]",
        via="cli",
    ),
    row(
        "plan",
        "plan.bookings=1e6,2e6",
        "command line = 'plan.bookings=1e6,2e6': a comma makes a list or a sweep: write plan.bookings=[1e6,2e6] "
        "for a list",
        via="cli",
    ),
    row(
        "plan",
        ["experiment=plan_check", "plan.bookings=null", "experiment.question=Q"],  # Q: no {plan.bookings} to refuse
        "plan.bookings = null: the decision KPI hit_plan (experiment.decision.primary) needs a plan, and no scenario "
        "has one: give the bookings to hit in whole dollars, a yearly figure (4000000 for $4M) or four quarterly "
        "ones ([1000000,1000000,1000000,1000000]); or name a decision KPI that needs no plan (bookings)",
        via="cli",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.size_logit=1e6",
        "pipelines.retention.renewal.size_logit = 1000000: must be at most 5",
        via="cli",
    ),
    row(
        "pipelines",
        "pipelines.retention.renewal.reference_arr=1e-300",
        "pipelines.retention.renewal.reference_arr = 1e-300: must be 1 or greater",
        via="cli",
    ),
    row(
        "org",
        "+org.teams.full_cycle.headcont=3",
        "org.teams.full_cycle.headcont = 3: unknown key (known: assignment, headcount, hours_per_day, newest_first, "
        "overflow, priority, prm_automation, reps, role, selling_fraction, serves, skill, specialist_uplift, "
        "time_allocation); did you mean 'headcount'?",
        via="cli",
    ),
    row(
        "pipeline",
        "pipeline.stages.9.conversion=0.5",
        "pipeline.stages.9.conversion = 0.5: no scenario of generalist_vs_specialist has this key; pipeline.stages "
        "is a list of 6 items, counted from 0 (0 to 5)",
        via="cli",
    ),
    row(
        "economics",
        "economics.nothing=1",
        "economics.nothing = 1: no scenario of generalist_vs_specialist has this key; economics has: default_role, "
        "roles, sources, tool_cost_per_seat_year",
        via="cli",
    ),
    row(
        "market",
        "market.name=Café",
        "command line = 'market.name=Café': not valid Hydra override syntax (token recognition error at: 'é'); "
        "a value with non-ASCII characters must be quoted: 'market.name=\"Café\"'",
        via="cli",
    ),
    row(
        "experiment",
        "experiment.name=../escape",
        "experiment.name = '../escape': must be a safe folder name",
        via="cli",
    ),
    row(
        "economics",
        "economics.roles.full_cycle.quota=true",
        "economics.roles.full_cycle.quota = true: must be a number (true/false is not a number)",
        via="cli",
    ),
    row(
        "runner",
        ["runner=dask", "runner.address=udp://scheduler:8786"],
        "runner.address = 'udp://scheduler:8786': scheme udp:// is not supported",
        via="cli",
    ),
    row(  # had printed the run's opening lines and compiled the engine, then waited 20 s, before refusing
        "runner",
        ["runner=dask", "runner.address=tcp://127.0.0.1:1"],  # a closed port: refused at once
        "runner.address = 'tcp://127.0.0.1:1': no Dask scheduler answered there (ConnectionRefusedError",
        via="cli",
    ),
    row(  # a sweep had started its first job, opening lines and all, before the refusal
        "runner",
        ["--multirun", "runner=dask", "runner.address=tcp://127.0.0.1:1"],
        "runner.address = 'tcp://127.0.0.1:1': no Dask scheduler answered there (ConnectionRefusedError",
        via="cli",
    ),
    row(
        "pipelines",
        ["--multirun", "pipelines.partner.referral.max_leads_per_month=2,inf"],
        "[job 1: pipelines.partner.referral.max_leads_per_month=inf] pipelines.partner.referral.max_leads_per_month "
        "= inf: must be a finite number",
        via="cli",
    ),
    row(  # Hydra had launched 0 jobs: multirun.yaml written, no word, exit 0
        "runner",
        ["--multirun", "org.teams.full_cycle.headcount=range(16,10)"],
        "--multirun = 'org.teams.full_cycle.headcount=range(16,10)': gives no job: an empty range",
        via="cli",
    ),
    row(  # Hydra's "ConfigLoader is not set" as a warning, 0 jobs launched, multirun.yaml written, exit 1
        "runner",
        ["--multirun", "org=glob(nomatch*)"],
        "--multirun = 'org=glob(nomatch*)': gives no job: a glob(...) that matches no option of its config group",
        via="cli",
    ),
    row(  # had read Hydra's internals: "Unexpected type annotation: Set[str] full_key: tags object_type=RangeSweep"
        "runner",
        ["--multirun", "org.teams.full_cycle.headcount=range(8,9,1),8"],
        "--multirun = 'org.teams.full_cycle.headcount=range(8,9,1),8': cannot be listed as jobs: a range(...) or "
        "glob(...) stands alone as a key's values",
        via="cli",
    ),
    row(  # had run the same replications twice, and the report dropped the swept column
        "runner",
        ["--multirun", "org.teams.full_cycle.headcount=8,8"],
        "--multirun = 'org.teams.full_cycle.headcount=8,8': jobs 0 and 1 are the same "
        "(org.teams.full_cycle.headcount=8): a value given twice runs the same replications twice",
        via="cli",
    ),
    row(  # had been a traceback from Hydra's sweeper, exit 1
        "runner",
        ["--multirun", "org.teams.full_cycle.headcount=range(10,16,0)"],
        "--multirun = 'org.teams.full_cycle.headcount=range(10,16,0)': cannot be listed as jobs (range() arg 3 "
        "must not be zero)",
        via="cli",
    ),
    row(
        "market",
        "market.deal_value={dist:gamma,mean:30000,cv:-0.8}",
        "market.deal_value.cv = -0.8: must be greater than 0",
        via="cli",
    ),
    row(
        "optimise",
        ["optimise", "--team", "full_cycle=0:3"],
        "--team full_cycle = '0:3': LOW must be at least 1, as org.teams.full_cycle.headcount must be a whole number "
        ">= 1",
        via="cli",
    ),
    row(
        "optimise",
        ["optimise", "--team", "full_cycle=10:14", "--workers", "-3"],
        "--workers = -3: must be a whole number >= 0 (0 = every core)",
        via="cli",
    ),
    row(
        "optimise",
        ["optimise", "--team", "full_cycle=10:14", "--first-runs", "9", "--runs", "8"],
        "--first-runs = 9: must be from 2 to --runs (8)",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--params", ""],
        "--params = '': names no key",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--sections", "market,nosuch"],
        "--sections = 'nosuch': names no section of the config: give some of market, pipeline, org, workforce, "
        "pipelines, economics",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--delta", "0"],
        "--delta = 0: must be above 0 and below 1 (0.2 = ±20%)",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--trajectories", "0"],
        "--trajectories = 0: must be at least 1 (10 is the usual minimum, 20 to 50 safer)",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--global-runs", "1"],
        "--global-runs = 1: must be at least 2 (the noise is measured)",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--global-params", "1"],
        "--global-params = 1: must be at least 2 (a global method varies levers together)",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--global", "sobol", "--sobol-samples", "3"],
        "--sobol-samples = 3: must be a power of 2 of at least 8 (512 to 1,024 settle the indices)",
        via="cli",
    ),
    row("warmup", ["warmup", "--years", "0"], "--years = 0: must be more than 0 and at most 50", via="cli"),
    row(
        "warmup",
        ["warmup", "--yaers"],
        "command line = '--yaers': no such option of salesim warmup: did you mean --years? its options are --help, "
        "--out, --runs, --scenario, --years",
        via="cli",
    ),
    row(
        "sensitivity",
        ["sensitivity", "--delat"],
        "command line = '--delat': no such option of salesim sensitivity: did you mean --delta? its options are",
        via="cli",
    ),
    row(
        "warmup",
        ["warmup", "--runs", "0"],
        "--runs = 0: must be a whole number from 2 (the state is averaged over runs) to 1,000,000",
        via="cli",
    ),
    row(
        "org",
        ["--cfg", "job", "org.teams.full_cycle.headcont=3"],
        "org.teams.full_cycle.headcont = 3: no scenario of generalist_vs_specialist has this key; …; did you mean "
        "'org.teams.full_cycle.headcount'?",
        via="cli",
    ),
    row(
        "experiment",
        ["--cfg", "job", 'experiment.scenarios.c=["org=specialist"]'],
        "experiment.scenarios.c = ['org=specialist']: no scenario of generalist_vs_specialist has this key; …; a "
        "scenario of your own is added with a leading +, '+experiment.scenarios.c=[\"org=specialist\"]' (its "
        "overrides, each key=value)",
        via="cli",
    ),  # the way to add one had gone unsaid
    row(
        "experiment",
        ["--cfg", "job", 'experiment.scenarios={a:["org=specialist"]}'],
        "experiment.scenarios.a = ['org=specialist']: no such key in the config; …; a scenario of your own is added "
        "with a leading +, '+experiment.scenarios.a=[\"org=specialist\"]' (its overrides, each key=value)",
        via="cli",
    ),
]


# ---------------------------------------------------------------------------- trying a row in-process


BASELINE_ONLY = ("~experiment.scenarios", "+experiment.scenarios={generalist:[]}")
"""Overrides that leave the default experiment its baseline scenario alone."""


@functools.cache
def _default_experiment() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The composed default experiment's base and baseline scenario, as plain dicts."""
    resolved = simulator.load_experiment(overrides=BASELINE_ONLY).resolved_config
    return resolved["base"], resolved["scenarios"]


def _apply(config: dict[str, Any], override: UserOverride) -> bool:
    """Apply one override to a plain config as Hydra would; False if its key is not there."""
    *path, last = override.key.split(".")
    node: Any = config
    for part in path:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and (part in node or override.kind == "add"):
            node = node.setdefault(part, {})
        else:
            return False
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = copy.deepcopy(override.value)
        return True
    if not isinstance(node, dict) or (last not in node and override.kind != "add"):
        return False
    if override.kind == "delete":
        node.pop(last)
    else:
        node[last] = copy.deepcopy(override.value)
    return True


def checked_experiment(overrides: Sequence[str]) -> Experiment:
    """The default experiment with ``overrides`` applied as plain dicts, validated as the command line does.

    Raises:
        ConfigError: What the command line would refuse.
    """
    base, scenarios = copy.deepcopy(_default_experiment())
    for override in classify(overrides, GROUPS):
        assert override.kind != "group", "group choices need composition: use via='hydra'"
        _apply(base, override)
        for config in scenarios.values():
            _apply(config, override)
    experiment = experiment_from_dicts(base, scenarios)
    runner_settings(base.get("runner") or {})
    experiment.validate()
    return experiment


def composed_experiment(overrides: Sequence[str]) -> Experiment:
    """The default experiment composed by Hydra with ``overrides``, validated as the command line does."""
    experiment = simulator.load_experiment(overrides=[*BASELINE_ONLY, *overrides])
    runner_settings(experiment.resolved_config["base"].get("runner") or {})
    experiment.validate()
    return experiment


def refusal(entry: BadInput) -> ConfigError | None:
    """The ConfigError an in-process row gets (None if it is accepted)."""
    try:
        (composed_experiment if entry.via == "hydra" else checked_experiment)(entry.overrides)
    except ConfigError as error:
        return error
    return None


# ---------------------------------------------------------------------------- the documentation


def markdown(table: Sequence[BadInput] = TABLE) -> str:
    """``docs/BAD_INPUT.md``: the rows by section, each with the message line it must get."""
    lines = [
        "# Bad input: what salesim refuses, and the message each gets",
        "",
        "<!-- Generated from tests/bad_inputs.py (python -m tests.bad_inputs); tests/test_bad_input.py checks it. -->",
        "",
        "Every bad input is refused before anything runs: exit status 2, one message naming the",
        "key, the value and what is allowed, no traceback, nothing written. The table below is",
        "the test table of `tests/test_bad_input.py` (each message is the line the test expects,",
        "or a part of it; … stands for figures that follow from the shipped defaults). `check`",
        "rows are validated in-process on the baseline scenario of the composed default",
        "experiment, `hydra` rows composed by Hydra, `cli` rows run through `python -m simulator`",
        "on the whole default experiment.",
        "",
        "Rules behind them:",
        "",
        "- Every number of every section is finite, and true/false is never a number (done once",
        "  for every config model, `simulator/config/fields.py`). No key uses infinity for",
        '  "unlimited": the keys that can be unlimited take `null` (`max_wait_days`).',
        "- References resolve to something that can do the work: a renewal or expansion stage's",
        "  role and `checkin_role` are a team's role (never the default team by accident); an",
        "  overflow target works every sales stage of the pod it relieves and is not the pod",
        "  itself; `serves` and overflow rules sit on teams that receive leads.",
        "- Sizes: each replication's entities and events are estimated from the config",
        "  (`simulator/config/sizes.py`); above 10,000,000 events or 2,000,000 entities a run",
        "  needs `runner.allow_large=true`, and beyond 1,000,000,000 events, 10,000,000",
        "  entities, 10,000,000 leads, 100,000 reps or 50 years nothing runs. Measured here",
        "  on an earlier model (SimPy engine, one replication of the default experiment's",
        "  generalist scenario, ~800 customers): check-ins every 0.01 days (~12.6 million",
        "  estimated events then) took 17 s, every 0.001 days (~124 million) 259 s and 5 GB;",
        "  2,000 reps (~5.2 million) 12 s; `target_accounts=1000000` peaked at 1 GB. The",
        "  estimates of today's model for the same three runs are ~72 million, ~720 million",
        "  and ~10.3 million.",
        "- A slip of units in the plan is refused: a plan 100 times above or below what its",
        "  reps' quotas add up to, or a quarter under 1% of the largest. A plan that may be",
        "  real runs, with a warning before the runs naming what looks slipped: a plan 4",
        "  times above or below the quotas (a zero off, or a headcount: the team carrying the",
        "  most quota is named), a quarter 5 times above or below the other quarters' median",
        "  (a zero too many or dropped: the reading in line with them is given). A plan all in",
        "  one quarter, or with quarters at $0, is not judged on its shape.",
        "- Hires dated at or after the end of the run are refused, unless an override (the",
        "  command line or a scenario's own) set the clock: then they are left out with a note.",
        "- A whole distribution on the command line replaces the one there:",
        "  `'market.deal_value={dist:gamma,mean:30000,cv:0.8}'` (or a bare number, a constant).",
        "- A `--multirun` sweep composes and validates every job before running any.",
        "",
    ]
    sections: dict[str, list[BadInput]] = {}
    for entry in table:
        sections.setdefault(entry.section, []).append(entry)
    for section, entries in sections.items():
        lines += [f"## {section}", "", "| input | via | message |", "|---|---|---|"]
        for entry in entries:
            shown = entry.shown.replace("|", "\\|")
            message = entry.expected.replace("|", "\\|")
            lines.append(f"| `{shown}` | {entry.via} | {message} |")
        lines.append("")
    lines.append(f"{len(table)} bad inputs, {len(sections)} sections.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(markdown())
    print(f"wrote {DOC.relative_to(ROOT)} ({len(TABLE)} rows)", file=sys.stderr)
