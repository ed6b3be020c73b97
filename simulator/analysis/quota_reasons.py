"""Why the median quota attainment reads where it does: the quota the config sets against what its carriers book.

``solution_engineers`` flagged "sdr_ae: median quota attainment of ramped reps 61.1%;
published 43–54% (7.1 points above)" with nothing more. Attainment is a quota carrier's
credited bookings over its quota (:mod:`simulator.model.economics`), so the figure follows
from two things a leader can check: the quota each carrier is set (the AEs' $750k, the
published median quota) and what the carriers book between them, here $3.68M over 8 AEs,
$482k each, while the 4 SDRs who qualify for them carry none. The words here say so beside
an attainment figure outside its range; a scenario whose quota seats differ from the
baseline's is explained against it instead (:mod:`simulator.analysis.carrier_reasons`).
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.carrier_reasons import seats_of
from simulator.analysis.formatting import format_money
from simulator.analysis.published_ranges import below_key
from simulator.analysis.tables import summary_mean
from simulator.analysis.wording import count_of, join_words, team_label
from simulator.run.experiment import ExperimentResult

ATTAINMENT = "quota_attainment_p50"
"""The attainment figure judged against the published median attainment."""
PER_REP = "bookings_per_rep"
"""Bookings over the quota carriers employed (vacant seats not counted)."""


def _reps(count: int, team: str) -> str:
    label = team_label(team)
    return count_of(count, label) if label.split()[-1].isupper() else count_of(count, f"{label} rep")


def quota_words(result: ExperimentResult, summary: pd.DataFrame, scenario: str) -> str:
    """``its 8 AEs carry a $750.0k quota each, $6.00M in all (the 4 SDRs none), and book $3.68M ...``; ''."""
    seats = seats_of(result.experiment.scenario(scenario).config)
    carriers = {team: n for team, n in seats.quota.items() if n > 0}
    booked, per_rep = summary_mean(summary, scenario, "bookings"), summary_mean(summary, scenario, PER_REP)
    if not carriers or not (math.isfinite(booked) and math.isfinite(per_rep)):
        return ""
    quotas = {seats.quotas[t] for t in carriers}
    each = (
        f"a {format_money(next(iter(quotas)))} quota each"
        if len(quotas) == 1
        else join_words([f"{_reps(n, t)} {format_money(seats.quotas[t])}" for t, n in carriers.items()])
    )
    total = sum(n * seats.quotas[t] for t, n in carriers.items())
    others = [_reps(n, t) for t, n in seats.other.items() if n > 0]
    none = f" (the {join_words(others)} none)" if others else ""
    share = per_rep / (total / sum(carriers.values())) if total > 0 else math.nan
    of_quota = f", {share:.0%} of an average quota" if math.isfinite(share) else ""
    return (
        f"its {join_words([_reps(n, t) for t, n in carriers.items()])} carry {each}, {format_money(total)} in all"
        f"{none}, and book {format_money(booked)} between them: {format_money(per_rep)} a closing rep employed"
        f"{of_quota}; attainment follows from the quota the config sets against what these seats book"
    )


def quota_reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> {the median attainment, above and below its range: the quota against the bookings}."""
    reasons = {}
    for spec in result.experiment.scenarios:
        words = quota_words(result, summary, spec.name)
        if words:
            reasons[spec.name] = {ATTAINMENT: words, below_key(ATTAINMENT): words}
    return reasons
