"""Why a scenario's contribution moves: its new bookings against the cost of winning them, part by part.

``partner_channel`` asks whether a partner manager is worth a seat, and answered "Keep
no_channel: partner_manager is clearly worse on contribution" with no reason, though the
runs hold one a leader can check: bookings rise $182.6k, the cost of winning new business
rises $294.7k (the partner manager's pay and on-costs $214.4k, partners' fees $67.0k,
commission $13.3k), and the partners' $334.9k is not all new business: the reps' outbound
bookings fall $84.1k (they book 12.7 fewer meetings, the referrals taking their time).

Contribution is new bookings less the cost of winning them, leads included
(:mod:`simulator.model.economics`), so its paired difference splits exactly into the
bookings' and the cost's, and the cost's into the cost-of-sales parts the runs record.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from simulator.analysis.answer import answer
from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.attribution import source_sentence
from simulator.analysis.decision import decision_of
from simulator.analysis.formatting import format_amount, format_money
from simulator.analysis.tables import clear_sign, comparison_of, comparison_row
from simulator.analysis.wording import join_words, possessive, team_label
from simulator.run.experiment import ExperimentResult

CONTRIBUTION, BOOKED, MEETINGS = "contribution", "bookings", "meetings_booked"

COST_PARTS = {
    "cost_people_fixed": "pay and on-costs",
    "cost_commission": "commission",
    "cost_tools": "tool seats",
    "cost_partner_fees": "partners' fees",
    "cost_hiring": "hiring",
    "cost_marketing": "leads",
}
"""The cost of winning new business, part by part (the part of them spent serving customers is taken off)."""

SERVING = "cost_retention"
"""The part of the cost of sales spent on renewals and expansions: not a cost of winning new customers."""

SHOWN_SHARE = 0.02
"""A cost part that moves by less than this share of the cost's whole change is not named."""


def _mean_diff(comparison: pd.DataFrame, scenario: str, kpi: str) -> float:
    row = comparison_row(comparison, scenario, kpi)
    return float(row["mean_diff"]) if row is not None else math.nan


def _new_seats(result: ExperimentResult, scenario: str) -> str:
    """`` (its partner manager team of 1, which no_channel does not have)`` when it only adds teams; ''.

    A team of one partner manager had read "its partner manager team, 1 rep": its one person is no rep.
    """
    baseline = result.experiment.baseline
    ours = result.experiment.scenario(scenario).config.org.teams
    theirs = result.experiment.scenario(baseline).config.org.teams
    new = [team for team in ours if team not in theirs]
    fewer = [t for t in theirs if t not in ours or ours[t].headcount < theirs[t].headcount]
    if not new or fewer:
        return ""
    teams = join_words([f"{team_label(t)} team of {ours[t].headcount:,}" for t in new])
    return f" (its {teams}, which {baseline} does not have)"


def _cost_parts(result: ExperimentResult, comparison: pd.DataFrame, scenario: str, cost: float) -> str:
    """``pay and on-costs +$214.4k (...), partners' fees +$67.0k and commission +$13.3k``, largest first."""
    parts = [(kpi, words, _mean_diff(comparison, scenario, kpi)) for kpi, words in COST_PARTS.items()]
    serving = _mean_diff(comparison, scenario, SERVING)
    if math.isfinite(serving):
        parts.append((SERVING, "less the part spent serving customers", -serving))
    shown = [p for p in parts if math.isfinite(p[2]) and abs(p[2]) >= SHOWN_SHARE * abs(cost) and p[2] != 0.0]
    shown.sort(key=lambda p: -abs(p[2]))
    words = []
    for kpi, name, amount in shown:
        seats = _new_seats(result, scenario) if kpi == "cost_people_fixed" else ""
        words.append(f"{name} {format_money(amount, signed=True)}{seats}")
    return join_words(words)


def _unsaid(result: ExperimentResult, row: pd.Series, kpi: str) -> str:
    """`` (95% CI ...)``, unless the answer's paragraph gave this very interval already ('' then).

    partner_channel's answer gave contribution -$112.1k (95% CI -$221.4k to -$2.7k) and bookings
    +$182.6k (95% CI +$63.2k to +$302.1k), and the note beside it said both intervals again.
    """
    interval = interval_words(row, kpi)
    if not interval or interval in answer(result).paragraph:
        return ""
    return f" ({interval})"


def contribution_words(result: ExperimentResult, comparison: pd.DataFrame, scenario: str) -> str:
    """The note on why ``scenario``'s contribution clearly differs from the baseline's ('' when it does not).

    ``comparison``: the result's paired comparison (:func:`.tables.comparison_of`).
    """
    baseline = result.experiment.baseline
    row, booked = comparison_row(comparison, scenario, CONTRIBUTION), comparison_row(comparison, scenario, BOOKED)
    if row is None or booked is None or clear_sign(comparison, scenario, CONTRIBUTION) == 0:
        return ""
    change, gained = float(row["mean_diff"]), float(booked["mean_diff"])
    cost = gained - change  # contribution = new bookings - the cost of winning them
    if not (math.isfinite(change) and math.isfinite(gained)):
        return ""
    level = "lower" if change < 0 else "higher"
    moved = "rise" if gained > 0 else "fall"
    costs = "rises" if cost > 0 else "falls"
    text = (
        f"{possessive(scenario)} contribution (new bookings less the cost of winning them) is "
        f"{format_amount(CONTRIBUTION, change, row_digits(row, CONTRIBUTION))} {level} than {possessive(baseline)}"
        f"{_unsaid(result, row, CONTRIBUTION)}: its bookings {moved} by "
        f"{format_amount(BOOKED, gained, row_digits(booked, BOOKED))}{_unsaid(result, booked, BOOKED)} "
        f"and that cost {costs} by {format_money(abs(cost))}"
    )
    parts = _cost_parts(result, comparison, scenario, cost)
    text += f": {parts}" if parts else ""
    sources = source_sentence(result, scenario)
    if sources:
        said = answer(result).paragraph  # partner-sourced bookings' interval, a guardrail's, is given there already
        sources = re.sub(r" \((95% CI [^()]*)\)", lambda m: "" if m.group(1) in said else m.group(0), sources)
        text += f". {sources.rstrip('.')}"
        meetings = comparison_row(comparison, scenario, MEETINGS)
        if meetings is not None and clear_sign(comparison, scenario, MEETINGS) == -1:
            fewer = format_amount(MEETINGS, float(meetings["mean_diff"]), row_digits(meetings, MEETINGS))
            text += f"; its reps book {fewer} fewer meetings ({interval_words(meetings, MEETINGS)})"
    return text


def contribution_notes(result: ExperimentResult) -> list[str]:
    """One note per scenario whose contribution clearly differs, when contribution is the question's primary KPI."""
    if decision_of(result.experiment).primary != CONTRIBUTION:
        return []
    comparison = comparison_of(result)
    if comparison.empty:
        return []
    baseline = result.experiment.baseline
    names = [spec.name for spec in result.experiment.scenarios if spec.name != baseline]
    return [words for name in names if (words := contribution_words(result, comparison, name))]
