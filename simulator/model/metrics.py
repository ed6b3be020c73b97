"""From one replication's journey log to one KPI row and a monthly series.

All flow KPIs use a *period view*: they count what happened inside the measurement
window ``[warmup_days, horizon_days)`` (leads that arrived, deals won or lost, stage
work started), which is what a sales leader means by "bookings this year". Stocks
(open pipeline) are read at the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator.model.book_metrics import book_kpis
from simulator.model.employment import hired_in_window
from simulator.model.masks import any_by_row, count_by_column, first_true_column
from simulator.model.pipeline import HOURS_PER_ELAPSED_DAY
from simulator.model.pipeline_metrics import bookings_by_source, pipeline_kpis
from simulator.model.planning import planning_kpis, planning_monthly
from simulator.model.pod_metrics import closed_opportunities, pod_kpis, reached_opportunity
from simulator.model.ratios import ratio, trials
from simulator.model.records import JourneyLog, Outcome, ReplicationRun
from simulator.model.scenario import Scenario
from simulator.model.state_series import at_month_ends, daily_state, month_means, staffing
from simulator.model.window import window_months
from simulator.model.window_wins import arrived_in_window, starting_deals, won_in_window
from simulator.model.workforce import busy_share, employed_days


@dataclass(frozen=True, slots=True)
class MonthlySeries:
    """Per-month figures of one replication: month 0 is the calendar month holding the window's first day.

    ``calendar_month`` and ``quarter`` name each month (``2017-10``, ``2017-Q4``; ``Y2-01``,
    ``Y2-Q1`` on an abstract calendar); the first and last months may be partial.

    The flows are dated inside the month, ``[edges[m], edges[m + 1])``, and add up over the
    months to their KPIs: ``bookings`` and ``deals_won`` (leads won), ``leads`` (new leads
    that arrived, the deals open at day 0 left out: ``leads_total``). ``open_at_month_end``
    is a stock: the leads arrived and not yet won or lost as the month ends (just before
    ``edges[m + 1]``), so month to month it moves by the month's leads less the leads that
    ended in it, and the last month's is ``open_pipeline_count``, the leads open at the horizon.
    """

    calendar_month: np.ndarray
    quarter: np.ndarray
    bookings: np.ndarray
    deals_won: np.ndarray
    leads: np.ndarray
    open_at_month_end: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # more per-month columns, by name


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if values.size else math.nan


def _quantiles(values: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """:func:`_quantile` of each of ``qs`` from one call: the same numbers as a call each, in half the time."""
    return [float(v) for v in np.quantile(values, qs)] if values.size else [math.nan] * len(qs)


LOST_REASONS = {
    "disqualified": Outcome.DISQUALIFIED,
    "leaked": Outcome.LEAKED,
    "handoff": Outcome.LOST_HANDOFF,
    "reassignment": Outcome.LOST_REASSIGNMENT,
    "no_decision": Outcome.NO_DECISION,
}
N_OUTCOMES = max(Outcome) + 1


def kpi_row(run: ReplicationRun) -> dict[str, float]:
    """The KPIs of one replication, keyed by snake_case name (see the README for the list)."""
    with np.errstate(invalid="ignore"):  # NaN days (never happened) are outside every window
        return _kpi_row(run)


def _kpi_row(run: ReplicationRun) -> dict[str, float]:
    sc, leads, log = run.scenario, run.leads, run.log
    lo, hi = sc.warmup_days, sc.horizon_days

    def inside(days: np.ndarray) -> np.ndarray:
        return (days >= lo) & (days < hi)

    row: dict[str, float] = {}
    arrived = arrived_in_window(run)
    row["leads_total"] = float(arrived.sum())
    by_source = np.bincount(leads.source[arrived], minlength=len(sc.source_names))
    for k, name in enumerate(sc.source_names):
        row[f"leads_{name}"] = float(by_source[k])

    ended = inside(log.outcome_day)
    won = won_in_window(run)  # the leads of `ended` that were won
    # counts are integers: the same whichever way they are added up
    by_outcome = np.bincount(log.outcome[ended], minlength=N_OUTCOMES)
    n_won = float(by_outcome[Outcome.WON])
    row["deals_won"] = n_won
    for reason, code in LOST_REASONS.items():
        row[f"deals_lost_{reason}"] = float(by_outcome[code])
    row["deals_lost"] = float(sum(by_outcome[code] for code in LOST_REASONS.values()))
    # Win rate in the sales sense: won over closed *opportunities*, i.e. leads that reached
    # the pipeline's opportunity stage. Lead-to-win covers every lead that ended. A buyer's "no
    # decision" is neither won nor lost to a competitor: it stays out of the win rate, as
    # the calibration's competing-risks fit counts it, and has its own rate.
    opportunity = reached_opportunity(run)
    closed = np.bincount(log.outcome[ended & opportunity], minlength=N_OUTCOMES)
    lost_opportunities = float(sum(closed[code] for reason, code in LOST_REASONS.items() if reason != "no_decision"))
    row["win_rate"] = ratio(n_won, n_won + lost_opportunities)
    row["opportunities_decided"] = trials(n_won + lost_opportunities)  # its trials
    if sc.decisions is not None:
        n_nd = float(closed[Outcome.NO_DECISION])
        row["no_decision_rate"] = ratio(n_nd, n_won + lost_opportunities + n_nd)
        row["opportunities_closed"] = trials(n_won + lost_opportunities + n_nd)
    # over the leads that ended in the window, not those that arrived in it: a run starting
    # from a real open pipeline wins deals that arrived before it (53.6% for a calibrated
    # quarter whose leads alone would give 4-5%); in a steady state both agree
    row["lead_to_win_rate"] = ratio(n_won, n_won + row["deals_lost"])
    if bool((sc.source_entry_stage >= sc.opportunity_stage).all()):
        # every source sends opportunities, none a lead (a CRM export of deals): "lead to customer"
        # would be the win rate over another name, held against a 1-5% lead benchmark
        row["lead_to_win_rate"] = math.nan
    row["bookings"] = float(leads.deal_value[won].sum())
    row["avg_deal_size"] = ratio(row["bookings"], n_won)

    cycle = log.outcome_day[won] - leads.arrival_day[won]
    row["cycle_time_days_mean"] = _mean(cycle)
    row["cycle_time_days_p50"], row["cycle_time_days_p90"] = _quantiles(cycle, (0.5, 0.9))

    touched = inside(log.first_touch_day)
    first_touch = (log.first_touch_day[touched] - leads.arrival_day[touched]) * HOURS_PER_ELAPSED_DAY
    row["first_touch_hours_mean"] = _mean(first_touch)
    row["first_touch_hours_p90"] = _quantile(first_touch, 0.9)
    # the first touch's mean is over the leads touched: a team answering newest first lets the
    # stale ones leak untouched and answers the rest fast, so its coverage is said beside it
    untouched = (log.outcome == Outcome.LEAKED) & ~np.isfinite(log.first_touch_day) & inside(log.outcome_day)
    row["untouched_lead_share"] = ratio(float(untouched.sum()), float(untouched.sum() + touched.sum()))
    row["touched_or_leaked_leads"] = trials(float(untouched.sum() + touched.sum()))
    # By the team that made the touch (the rep of the lead's first started stage): SDRs
    # answering in minutes and AEs taking days average to a figure that fits neither.
    started_stages = np.isfinite(log.stage_start[touched])
    first_stage = first_true_column(started_stages)
    first_rep = log.stage_rep[np.flatnonzero(touched), first_stage]
    known = any_by_row(started_stages) & (first_rep >= 0)
    toucher = np.full(first_rep.size, -1, dtype=np.int64)
    toucher[known] = run.rep_team[first_rep[known]]
    for t, team in enumerate(sc.team_names):
        row[f"first_touch_hours_mean_{team}"] = _mean(first_touch[toucher == t])

    row.update(_stage_kpis(run, inside, ended))

    # utilisation of the days each rep was employed inside the window
    employed = employed_days(run.rep_hire_day, run.rep_leave_day, lo, hi)
    for t, team in enumerate(sc.team_names):
        members = run.rep_team == t
        row[f"utilisation_{team}"] = busy_share(float(run.rep_busy_days[members].sum()), float(employed[members].sum()))
    row.update(workforce_kpis(run))

    still_open = log.outcome == Outcome.OPEN
    row["open_pipeline_count"] = float(still_open.sum())
    row["open_pipeline_value"] = float(leads.deal_value[still_open].sum())
    row.update(planning_kpis(run))
    row.update(pod_kpis(run, won, closed_opportunities(run, ended)))
    row.update(bookings_by_source(run))
    row.update(pipeline_kpis(run))
    row.update(book_kpis(run))
    return row


def _stage_kpis(run: ReplicationRun, inside: Callable[[np.ndarray], np.ndarray], ended: np.ndarray) -> dict[str, float]:
    """Entries, conversion, mean wait and leaked leads of every stage, inside the window.

    With each conversion its denominator, ``stage_exits_<stage>``: the leads that passed the
    stage or were lost at it (NaN where the conversion is).
    """
    sc, log = run.scenario, run.log
    n_stages = sc.n_stages
    entered = count_by_column(inside(log.stage_enter) & ~_entered_before(run))
    started = inside(log.stage_start)
    passed = count_by_column(inside(_pass_days(log)) & log.stage_passed)
    at_stage = (log.outcome_stage >= 0) & (log.outcome_stage < n_stages)
    lost_mask = ended & (log.outcome != Outcome.WON) & at_stage
    # a lead lost at the hand-off never entered the receiving stage: it passed the one before (its pass shows
    # at the loss), and counted as a loss of the next, that stage's rate had not added up with its entries
    lost_here = np.bincount(log.outcome_stage[lost_mask & (log.outcome != Outcome.LOST_HANDOFF)], minlength=n_stages)
    leaked_here = np.bincount(log.outcome_stage[lost_mask & (log.outcome == Outcome.LEAKED)], minlength=n_stages)
    row: dict[str, float] = {}
    for s, stage in enumerate(sc.stage_names):
        began = started[:, s]
        row[f"stage_entries_{stage}"] = float(entered[s])
        row[f"stage_conversion_{stage}"] = ratio(float(passed[s]), float(passed[s] + lost_here[s]))
        row[f"stage_exits_{stage}"] = trials(float(passed[s] + lost_here[s]))
        row[f"stage_wait_days_{stage}"] = _mean(log.stage_start[began, s] - log.stage_enter[began, s])
        row[f"stage_leaked_{stage}"] = float(leaked_here[s])
    row.update(_funnel_rates(sc, row))
    return row


def _entered_before(run: ReplicationRun) -> np.ndarray:
    """(N, S) a starting deal's entry into the stage it was open at: made before the window, whatever its day.

    Its entry is recorded at its arrival, ``-age``: a deal created on the as-of date itself
    (age 0) enters at day 0, inside the window, and crm-maven's 32 deals of Saturday
    2017-09-30 had counted as entering the opportunity stage (2,451 beside 2,419 new leads).
    """
    enter = run.log.stage_enter
    mask = np.zeros(enter.shape, dtype=np.bool_)
    start = np.flatnonzero(starting_deals(run))
    if start.size:
        mask[start, first_true_column(np.isfinite(enter[start]))] = True
    return mask


def _pass_days(log: JourneyLog) -> np.ndarray:
    """(N, S) the day each stage's pass shows: the lead enters the next stage, or ends (won, or lost at the hand-off).

    A loss counts in the window its outcome falls in, so a pass counts when it shows, not
    when the rep's work on it ended: a starting deal worked before day 0 and won inside the
    window had counted as a loss when lost and not at all when won (a calibrated company's
    one-stage funnel read 48% beside a win rate of 64.6%). NaN while the lead waits between
    stages at the horizon.
    """
    shows = np.full(log.stage_enter.shape, np.nan)
    shows[:, :-1] = log.stage_enter[:, 1:]
    return np.where(np.isfinite(shows), shows, log.outcome_day[:, None])


def _funnel_rates(sc: Scenario, row: dict[str, float]) -> dict[str, float]:
    """MQL -> SQL and SQL -> opportunity: the conversions of the two stages before the opportunity.

    Defined for a funnel of that shape alone (opportunities from the third stage on: a lead
    is qualified, then its need specified); NaN for another, where no stage is either. Each
    with its leads (``_exits``), as ``stage_exits_<stage>`` of its stage.
    """
    if sc.opportunity_stage != 2:
        names = ("mql_to_sql_rate", "mql_to_sql_exits", "sql_to_opportunity_rate", "sql_to_opportunity_exits")
        return dict.fromkeys(names, math.nan)
    first, second = sc.stage_names[0], sc.stage_names[1]
    return {
        "mql_to_sql_rate": row[f"stage_conversion_{first}"],
        "mql_to_sql_exits": row[f"stage_exits_{first}"],
        "sql_to_opportunity_rate": row[f"stage_conversion_{second}"],
        "sql_to_opportunity_exits": row[f"stage_exits_{second}"],
    }


def monthly_series(run: ReplicationRun) -> MonthlySeries:
    """Bookings, wins, new leads and the open pipeline at the month end, per month of the window."""
    sc, leads, log = run.scenario, run.leads, run.log
    months = window_months(sc)
    edges, n_months = months.edges, months.size
    won = log.outcome == Outcome.WON
    won_day = log.outcome_day[won]
    bookings, _ = np.histogram(won_day, bins=edges, weights=leads.deal_value[won])
    deals, _ = np.histogram(won_day, bins=edges)
    arrivals, _ = np.histogram(leads.arrival_day[~starting_deals(run)], bins=edges)
    open_end = at_month_ends(run, edges, ("open_pipeline",))["open_pipeline"]
    return MonthlySeries(
        calendar_month=np.array(months.labels),
        quarter=np.array(months.quarters),
        bookings=bookings.astype(np.float64),
        deals_won=deals.astype(np.float64),
        leads=arrivals.astype(np.float64),
        open_at_month_end=open_end,
        columns={**planning_monthly(run, n_months), **monthly_staffing(run, edges), **_monthly_book(run, edges)},
    )


def _monthly_book(run: ReplicationRun, edges: np.ndarray) -> dict[str, np.ndarray]:
    """What the initial-transient check reads: the month's mean backlogs, customers and partners at its end."""
    state = daily_state(run, ("open_pipeline", "expansions_open"))
    names = {"customers_active": "customers_at_month_end", "partners_active": "partners_at_month_end"}
    columns = {"open_pipeline_mean": month_means(state["open_pipeline"], edges)}
    if "expansions_open" in state:
        columns["expansions_open_mean"] = month_means(state["expansions_open"], edges)
    at_end = at_month_ends(run, edges, tuple(names))
    columns.update({column: at_end[name] for name, column in names.items() if name in at_end})
    return columns


def _staffing(run: ReplicationRun) -> tuple[np.ndarray, np.ndarray]:
    """Headcount and ramped FTE per team (rows) at the middle of every working day (columns)."""
    return staffing(run)


def workforce_kpis(run: ReplicationRun) -> dict[str, float]:
    """Hires, leavers, re-dealt deals and the mean ramped FTE over the measurement window."""
    lo, hi = run.scenario.warmup_days, run.scenario.horizon_days
    hired = hired_in_window(run)
    with np.errstate(invalid="ignore"):
        left = (run.rep_leave_day >= lo) & (run.rep_leave_day < hi)
    _, fte = _staffing(run)
    days = np.arange(fte.shape[1]) + 0.5
    inside = (days >= lo) & (days < hi)
    return {
        "reps_hired": float(hired.sum()),
        "reps_left": float(left.sum()),
        "deals_reassigned": float(run.deals_reassigned),
        "ramped_fte_mean": float(fte[:, inside].sum(axis=0).mean()) if inside.any() else math.nan,
    }


def monthly_staffing(run: ReplicationRun, edges: np.ndarray) -> dict[str, np.ndarray]:
    """Per team and month: reps employed at the month end, and the month's mean ramped FTE."""
    heads, fte = _staffing(run)
    columns: dict[str, np.ndarray] = {}
    if heads.shape[1] == 0:
        return columns
    days = np.arange(heads.shape[1]) + 0.5
    end_day = np.clip(np.floor(edges[1:] - 0.5).astype(np.int64), 0, heads.shape[1] - 1)
    n_months = len(edges) - 1
    month = np.searchsorted(edges, days, side="right") - 1  # non-decreasing: a month's days are one slice
    first = np.searchsorted(month, np.arange(n_months), side="left")
    last = np.searchsorted(month, np.arange(n_months), side="right")
    mean_fte = np.full((fte.shape[0], n_months), np.nan)
    for m in range(n_months):
        if last[m] > first[m]:
            mean_fte[:, m] = fte[:, first[m] : last[m]].mean(axis=1)
    for t, team in enumerate(run.scenario.team_names):
        columns[f"headcount_{team}"] = heads[t, end_day].astype(np.float64)
        columns[f"ramped_fte_{team}"] = mean_fte[t].copy()
    return columns
