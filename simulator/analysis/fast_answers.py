"""Why a desk that answers new leads within the hour reads above the published MQL-to-SQL range.

The published 13–22% (BENCHMARKS.md, Funnel) averages over firms that answer slowly: the
2,241 firms HBR audited answered a web lead in 42 hours on average, and answering within an
hour made qualification ~7× as likely as an hour later and >60× as likely as after a day
(Oldroyd, McElheran and Elkington, "The Short Life of Online Sales Leads", HBR 2011). The
shipped speed-to-lead effect follows that study (docs/MODEL.md), so a pooled SDR desk that
first touches inbound leads in minutes qualifies ~40% of them where full-cycle reps
answering in a day qualify ~15%; three SDRs answering in ~4 hours qualify ~33%. A figure
above the range for that reason (a mean first touch within a quarter of the published 42
clock hours, 29 hours of working days as the model counts time, with the speed-to-lead
effect on) is a finding about speed, not a wrong input: the words here say so beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from simulator.analysis.busy_reasons import working_teams
from simulator.analysis.formatting import hours_words
from simulator.analysis.published_ranges import WORKING_DAYS_A_YEAR, WORKING_DAYS_PER_CALENDAR_DAY
from simulator.analysis.tables import first_touch_kpi, summary_row, year_days
from simulator.analysis.wording import join_words, team_label
from simulator.run.experiment import ExperimentResult

FAST_ANSWER_HOURS = 1.0
"""A first touch this soon after arrival (mean, hours) is a fast answer: HBR 2011's 'within an hour'."""
SOONER_SHARE = 0.25
"""A mean first touch within this share of the published firms' 42 clock hours (7.2 hours of working days) is a
far sooner answer."""
PUBLISHED_MEAN_ANSWER_HOURS = 42
"""Mean response time of the 2,241 firms HBR 2011 audited, clock hours (weekends and nights included)."""
PUBLISHED_MEAN_ANSWER_WORKING_HOURS = PUBLISHED_MEAN_ANSWER_HOURS * WORKING_DAYS_PER_CALENDAR_DAY
"""The same 42 clock hours as the default calendar counts time, hours of working days (x 250/365: about 29); a
calendar of another length counts them at its own working days a year (:func:`published_answer_working_hours`)."""
QUALIFICATION_KPI = "mql_to_sql_rate"
"""The figure the words explain."""


def published_answer_working_hours(days_per_year: float = WORKING_DAYS_A_YEAR) -> float:
    """HBR 2011's 42 clock hours in hours of working days on a calendar of ``days_per_year`` working days.

    A working day is 24 hours of the model's clock, so 42 clock hours are ``42 x days_per_year / 365``
    of them: about 29 on the default 250-day calendar, 30 on a dated calendar's 261 (which had
    still read "about 29", beside a cycle range the same report converts at 261/365).
    """
    return PUBLISHED_MEAN_ANSWER_HOURS * days_per_year / 365.0


def fast_answer_words(
    summary: pd.DataFrame, scenario: str, teams: Sequence[str], days_per_year: float = WORKING_DAYS_A_YEAR
) -> str:
    """Why ``scenario``'s MQL-to-SQL rate reads high when ``teams`` (working the first stage) answer far sooner.

    Within the hour, or within a quarter of the published firms' 42 hours (``sdr_headcount``'s
    3 SDRs answer in 4.1 hours and qualify 33%). Pods sharing the first stage (segment pods)
    are each named with their own figure, and the words hold only when every one answers
    that soon: the rate is over all their leads.

    Args:
        summary: The summary table (``first_touch_hours_mean_<team>`` rows, hours).
        scenario: The scenario.
        teams: The teams working the funnel's first stage (``busy_reasons.working_teams``).
        days_per_year: The working days of a year of the scenario's calendar, at which the published
            42 clock hours are put in hours of working days (:func:`published_answer_working_hours`).

    Returns:
        The words, or ``""`` when a team's mean first touch is a quarter of 42 clock hours or more
        (or unknown): its rate above the range then has another cause, which these words must not hide.
    """
    hours = []
    for team in teams:  # one team alone: the answer's own figure (first_touch_kpi), not a second one beside it
        kpi = first_touch_kpi(summary, scenario, team) if len(teams) == 1 else f"first_touch_hours_mean_{team}"
        row = summary_row(summary, scenario, kpi)
        hours.append(float(row["mean"]) if row is not None else math.nan)
    published = published_answer_working_hours(days_per_year)
    limit = SOONER_SHARE * published
    if not hours or not all(math.isfinite(h) and h < limit for h in hours):
        return ""
    sooner = "leads answered within the hour" if max(hours) < FAST_ANSWER_HOURS else "leads answered this soon"
    if len(teams) == 1:
        who = f"the {team_label(teams[0])} team first touches its leads {hours_words(hours[0])}"
    else:
        labels = join_words([team_label(team) for team in teams])
        who = f"the {labels} teams first touch their leads {_each(hours)}"
    return (
        f"{who} after they arrive on average, and "
        f"{sooner} qualify far more often: the published rates come from firms answering in "
        f"{PUBLISHED_MEAN_ANSWER_HOURS} hours on average, about {published:.0f} hours of "
        "working days as salesim counts them (HBR 2011; speed to lead in docs/MODEL.md)"
    )


def fast_answer_reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> ``{"mql_to_sql_rate": words}`` for each scenario whose first stage is answered within the hour."""
    reasons: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        stages = spec.config.pipeline.stages
        teams = working_teams(spec.config.org, stages[0].name, stages[0].role) if stages else []
        speed_matters = spec.config.effects.speed_to_lead.exponent > 0  # else answering sooner changes nothing
        days = year_days(result.experiment, spec.name)  # a dated calendar's 261 or so, not the default's 250
        words = fast_answer_words(summary, spec.name, teams, days) if teams and speed_matters else ""
        if words:
            reasons[spec.name] = {QUALIFICATION_KPI: words}
    return reasons


def _each(hours: list[float]) -> str:
    """``0.5 and 2.0 hours of working days`` (the unit said once when every figure shares it)."""
    said = [hours_words(h) for h in hours]
    unit = " hours of working days"
    if all(text.endswith(unit) for text in said):
        return join_words([text.removesuffix(unit) for text in said]) + unit
    return join_words(said)
