"""Money and quota KPIs of one replication: cost of sales, CAC, efficiency, attainment.

Modelling assumptions:
- A deal's bookings are credited to the rep who worked its closing stage (the last
  stage it passed); commission is paid on them at the rep's role's ``commission_rate``.
- Expansion bookings (upsells of the customer book) won inside the window are credited
  to the rep who worked the expansion's closing stage
  (:mod:`simulator.model.expansion_credit`); commission is paid on them at the role's
  ``expansion_commission_rate`` (median 8% on upsells, Pacific Crest 2016, BENCHMARKS.md,
  Pay, quota and unit economics), and they count towards the rep's quota attainment
  where the role's ``expansion_quota_credit`` says so (by default). The default CSMs are
  paid no commission and carry no quota, so for them nothing changes.
- Every cost spread over time (base pay, on-costs, fixed variable pay, tool seats) is
  an annual figure times the share of a year each rep was employed inside the
  measurement window (rep-days employed over the calendar's working days a year), so costs
  follow headcount.
- ``cost_of_sales`` is the cost of the sales organisation: people, tools, commission
  (on new and expansion bookings; ``cost_commission``, of which
  ``cost_commission_expansion`` on expansions), partner fees and the hiring cost of every
  rep who joins inside the window (a backfill or a planned hire; the reps of day 0 are
  already there). Marketing is the cost of the leads, but for the leads the modelled
  prospecting books (their cost is the reps' time and tools).
- ``cost_retention`` is the part of the cost of sales spent on existing customers: each
  team's pay, tools and hiring times the share of its busy time inside the window that went
  to renewals and expansions (a CSM team's whole cost, a full-cycle team's none unless it
  works the customer book), plus all the commission on expansion bookings. Idle time is
  shared in the same proportions; a team that was never busy counts as winning new
  customers. The rest, commission on new bookings and partner fees included, is the cost
  of sales of winning new customers; with the marketing cost (the leads) it is the sales
  and marketing cost of winning them. ``cac`` divides that by the new customers won,
  ``sales_efficiency`` is new ARR (bookings of deals won) over it: the inverse of the new
  CAC ratio, "sales and marketing spend per $1 of new-customer ARR" ($1.76 in 2023, $2.00
  in 2024, Benchmarkit; BENCHMARKS.md, Pay, quota and unit economics), which counts sales
  and marketing alike and leaves out the cost of serving and expanding the existing book:
  commission on upsells is not a cost of winning new customers (Pacific Crest 2016 reports
  S&M per $1 of ARR apart: $1.13 new, $0.28 upsell).
  ``contribution`` is new bookings less what winning them cost, leads included (the same
  cost as CAC's): what new business adds after its own sales and marketing. Expansions
  are left out of it with the CSMs' cost and the expansion commission: counted with
  their year-one noise, they widened the paired CIs of new-business questions by 15-28%.
- Quota attainment is credited bookings (new business, plus expansions where the role
  credits them) over the quota of the time employed, for reps of roles with a bookings
  quota who were ramped for all of their time in the window and employed for at least a
  month of it. ``reps_with_attainment`` counts those reps, what ``reps_at_quota_share`` is
  a share of (NaN where it is): the trials of its interval when it is 0 (or 1) in every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.model.employment import employed_days, employed_interval, hired_in_window, is_ramped, tenure_days_at
from simulator.model.expansion_credit import expansion_bookings_by_team, expansion_credit
from simulator.model.multi_pipeline import EXPANSION, RENEWAL
from simulator.model.plan_tables import Economics, FloatArray
from simulator.model.ratios import ratio, trials
from simulator.model.records import ReplicationRun
from simulator.model.window import window_year_days
from simulator.model.window_wins import arrived_in_window, won_in_window


@dataclass(frozen=True, slots=True)
class RepLedger:
    """Per-rep figures of one replication (arrays of shape (R,))."""

    team: np.ndarray
    employed_days: FloatArray
    credited_bookings: FloatArray  # new-business bookings of the deals the rep closed ($)
    attainment: FloatArray  # NaN for reps without a quota, not ramped or employed under a month
    ramped: np.ndarray
    expansion_credit: FloatArray  # expansion bookings of the expansions the rep closed ($)


def credited_bookings(run: ReplicationRun) -> FloatArray:
    """Bookings won inside the window credited to each rep: the rep of the closing stage."""
    won = np.flatnonzero(won_in_window(run))
    closer = run.log.stage_rep[won, run.log.outcome_stage[won]]
    keep = closer >= 0
    return np.bincount(closer[keep], weights=run.leads.deal_value[won][keep], minlength=run.rep_team.size).astype(
        np.float64
    )


def rep_ledger(run: ReplicationRun, economics: Economics) -> RepLedger:
    """Employment, credited new and expansion bookings and quota attainment of every rep."""
    team = run.rep_team
    days = employed_days(run)
    credited = credited_bookings(run)
    expansion = expansion_credit(run)
    towards_quota = credited + np.where(economics.team_expansion_quota_credit[team], expansion, 0.0)
    start, _ = employed_interval(run)
    ramp_days = economics.team_ramp_days[team]
    ramped = is_ramped(tenure_days_at(run, start), ramp_days)
    calendar = run.scenario.calendar
    quota_share = economics.team_quota[team] * days / window_year_days(run.scenario)
    counted = ramped & (quota_share > 0) & (days >= calendar.days_per_month)
    attainment = np.full(team.size, np.nan)
    attainment[counted] = towards_quota[counted] / quota_share[counted]
    return RepLedger(team, days, credited, attainment, ramped, expansion)


def retention_share(run: ReplicationRun) -> FloatArray:
    """Share of each team's busy time inside the window spent on renewals and expansions.

    Returns:
        Shape (T,), in [0, 1]; 0 for a team that was never busy, and for every team of a
        scenario without the pipelines beside new business.
    """
    n_teams = len(run.scenario.team_names)
    record = run.pipelines
    if record is None or record.rep_busy_by_pipeline.size == 0:
        return np.zeros(n_teams)
    by_team = np.zeros((n_teams, record.rep_busy_by_pipeline.shape[1]))
    np.add.at(by_team, run.rep_team, record.rep_busy_by_pipeline)
    total = by_team.sum(axis=1)
    retention = by_team[:, [RENEWAL, EXPANSION]].sum(axis=1)
    return np.divide(retention, total, out=np.zeros(n_teams), where=total > 0)


def economics_kpis(run: ReplicationRun, ledger: RepLedger, economics: Economics) -> dict[str, float]:
    """Cost, efficiency and quota KPIs of one replication."""
    sc, leads = run.scenario, run.leads
    lo, hi = sc.warmup_days, sc.horizon_days
    years = ledger.employed_days / window_year_days(sc)
    team = ledger.team
    won = won_in_window(run)
    bookings = float(leads.deal_value[won].sum())
    people = float((years * economics.team_fixed_cost[team]).sum())
    new_commission = float((ledger.credited_bookings * economics.team_commission_rate[team]).sum())
    # each rep's expansion credit at its role's rate (a team has one role)
    expansion_commission = float(expansion_bookings_by_team(run) @ economics.team_expansion_commission_rate)
    commission = new_commission + expansion_commission
    tools = float((years * economics.team_tool_cost[team]).sum())
    arrived = arrived_in_window(run)
    lead_counts = np.bincount(leads.source[arrived], minlength=len(sc.source_names)).astype(np.float64)
    if sc.pipelines is not None and sc.pipelines.prospecting_source >= 0:
        # meetings the reps book by prospecting cost their time (in the cost of sales) and
        # their tools, not a price per lead: HubSpot's $220 per outbound lead is mostly that labour
        lead_counts[sc.pipelines.prospecting_source] = 0.0
    marketing = float(lead_counts @ economics.source_cost_per_lead)
    won_by_source = np.bincount(leads.source[won], weights=leads.deal_value[won], minlength=len(sc.source_names))
    partner_fees = float(won_by_source @ economics.source_margin)
    joined = run.rep_team[hired_in_window(run)]
    hiring = float(economics.team_hiring_cost[joined].sum())
    cost_of_sales = people + commission + tools + partner_fees + hiring
    n_teams = len(sc.team_names)
    spread = years * (economics.team_fixed_cost[team] + economics.team_tool_cost[team])
    by_team = np.bincount(team, weights=spread, minlength=n_teams) + np.bincount(
        joined, weights=economics.team_hiring_cost[joined], minlength=n_teams
    )
    # upsell commission pays for growing the existing book, not for winning new customers
    on_retention = retention_share(run)
    retention = float(by_team @ on_retention) + expansion_commission
    acquisition = cost_of_sales - retention
    new_customers = float(won.sum())
    # Bookings per rep counts the reps who sell: those carrying a bookings quota (not CSMs,
    # SDRs or partner managers), or, where no team has a quota (a calibrated export), the
    # teams credited with a deal in the run.
    sellers = economics.team_quota[team] > 0
    if not sellers.any():
        sellers = np.isin(team, team[ledger.credited_bookings > 0])
    average_headcount = float(ledger.employed_days[sellers].sum()) / (hi - lo) if hi > lo else math.nan
    # Everyone who wins new business counts too (SDRs, partner managers, a generalist's time
    # outside the customer book): an org that splits the work over non-quota roles has fewer
    # sellers per dollar but not fewer people. CSMs drop out by their time on renewals and
    # expansions, a team working both pipelines by that share of its time.
    on_new_business = 1.0 - on_retention[team]
    new_business_fte = float((ledger.employed_days * on_new_business).sum()) / (hi - lo) if hi > lo else math.nan
    attainment = ledger.attainment[np.isfinite(ledger.attainment)]
    return {
        "cost_of_sales": cost_of_sales,
        "cost_people_fixed": people,
        "cost_commission": commission,
        "cost_commission_expansion": expansion_commission,
        "cost_tools": tools,
        "cost_partner_fees": partner_fees,
        "cost_hiring": hiring,
        "cost_marketing": marketing,
        "cost_retention": retention,
        "cac": ratio(acquisition + marketing, new_customers),
        "sales_efficiency": ratio(bookings, acquisition + marketing),
        "contribution": bookings - acquisition - marketing,
        "bookings_per_rep": ratio(bookings, average_headcount),
        "bookings_per_head": ratio(bookings, new_business_fte),
        "quota_attainment_p50": float(np.median(attainment)) if attainment.size else math.nan,
        "reps_at_quota_share": float(np.mean(attainment >= 1.0)) if attainment.size else math.nan,
        "reps_with_attainment": trials(attainment.size),
    }
