"""Why quota attainment and bookings per rep move when a scenario changes how many reps carry the quota.

Attainment is a quota carrier's credited bookings over its quota, and bookings per closing
rep divide the bookings by the quota carriers employed (:mod:`simulator.model.economics`).
A scenario with fewer quota seats divides the bookings among fewer reps: in
``solution_engineers``, two AE seats become solution engineers, who carry no quota, so 6
AEs share the bookings where 8 did. Total bookings fell by $479k ($3.68M to $3.21M, 100
paired runs), yet the median attainment of a run's reps rose from 62.0% to 82.7% and
bookings per closing rep from $482k to $560k; the report said nothing of why, and a
leader reading the attainment alone would have taken the design with engineers for the
better one.

The words here say so where the attainment is read (under the cost and quota table, and
beside the attainment figures judged against their published ranges), with the quota
seats of each scenario and the total bookings, for a scenario whose quota seats differ
from the baseline's and whose bookings per rep move clearly the other way from the
seats (fewer seats, more a rep) while its total bookings do not move clearly with them.
Each attainment figure is said to move only where the runs show it move so (the median
attainment of generalist_vs_specialist, 95% CI -3.6 to +16.8 points, had read "rise").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from simulator.analysis.answer_words import difference_words
from simulator.analysis.formatting import format_money, format_value
from simulator.analysis.published_ranges import below_key
from simulator.analysis.tables import clear_sign, comparison_of, comparison_row, summary_mean
from simulator.analysis.wording import count_of, join_words, possessive, team_label
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import ExperimentResult

PER_REP_KPI = "bookings_per_rep"
"""Bookings over the quota carriers employed: the per-rep figure whose move the words explain."""
FIGURES = (("quota_attainment_p50", "median quota attainment"), (PER_REP_KPI, "bookings per closing rep"))
"""The per-rep figures of the cost and quota table the note under it names, with its words for them."""
ATTAINMENT_KPIS = ("quota_attainment_p50", "reps_at_quota_share")
"""The attainment figures judged against published ranges, beside which the reason is said."""


@dataclass(frozen=True, slots=True)
class Seats:
    """A scenario's seats: those carrying a bookings quota, and those selling new business without one."""

    quota: dict[str, int]  # team -> headcount, teams whose role carries a bookings quota
    other: dict[str, int]  # team -> headcount, the other teams (CSMs and partner managers left out)
    quotas: dict[str, float]  # team -> its role's yearly quota, the teams of ``quota``

    @property
    def carriers(self) -> int:
        """How many seats carry a quota."""
        return sum(self.quota.values())


def seats_of(config: ScenarioConfig) -> Seats:
    """The quota-carrying seats of a scenario (its teams' headcounts, before any hiring plan) and the others."""
    quota, other, quotas = {}, {}, {}
    for name, team in config.org.teams.items():
        yearly = float(config.economics.role(team.role).quota)
        if yearly > 0:
            quota[name], quotas[name] = team.headcount, yearly
        elif team.role not in ("csm", "partner_manager"):
            other[name] = team.headcount
    return Seats(quota, other, quotas)


def _reps(count: int, team: str) -> str:
    """``6 AEs``, ``2 SEs``, ``12 full cycle reps``: a role code takes the plural, other team names say reps."""
    label = team_label(team)
    return count_of(count, label) if label.split()[-1].isupper() else count_of(count, f"{label} rep")


def _seats_words(seats: Seats, quotas: bool = False) -> str:
    """``6 AEs``; ``5 core AEs and 3 platform AEs``; with ``quotas``, ``8 AEs (a $750.0k quota each)``."""
    named = []
    for team, n in seats.quota.items():
        if n > 0:
            each = f" (a {format_money(seats.quotas[team])} quota each)" if quotas else ""
            named.append(_reps(n, team) + each)
    return join_words(named)


def _gained_words(seats: Seats, base: Seats) -> str:
    """``, the 2 SEs none``: the seats without a quota the scenario has more of than the baseline."""
    gained = {team: n - base.other.get(team, 0) for team, n in seats.other.items() if n > base.other.get(team, 0)}
    if not gained:
        return ""
    return f", the {join_words([_reps(n, team) for team, n in gained.items()])} none"


def carrier_scenarios(result: ExperimentResult, comparison: pd.DataFrame) -> dict[str, tuple[Seats, Seats]]:
    """Scenario -> (its seats, the baseline's) where fewer (more) quota seats clearly raise (lower) bookings per rep.

    Only where the total bookings do not clearly move the same way as the bookings per
    rep: the per-rep figure then moves because of the seats it is divided by.
    """
    experiment = result.experiment
    if experiment.baseline not in {spec.name for spec in experiment.scenarios}:
        return {}
    base = seats_of(experiment.scenario(experiment.baseline).config)
    found = {}
    for spec in experiment.scenarios:
        seats = seats_of(spec.config)
        if spec.name == experiment.baseline or not seats.carriers or not base.carriers:
            continue
        direction = (base.carriers > seats.carriers) - (base.carriers < seats.carriers)  # +1: fewer seats now
        per_rep = clear_sign(comparison, spec.name, PER_REP_KPI)
        if direction and per_rep == direction and clear_sign(comparison, spec.name, "bookings") != direction:
            found[spec.name] = (seats, base)
    return found


def carrier_words(
    summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str, baseline: str, seats: Seats, base: Seats
) -> str:
    """``because fewer reps share the bookings, not because more is booked: 6 AEs carry the quota where ...``.

    "Not because more (less) is booked" only where the runs show the total bookings move
    clearly the other way; else that they show no clear difference. Each team's quota is
    said where the scenarios' quota-carrying roles carry different quotas (8 AEs at $750k
    against 12 full-cycle reps at $560k), which moves attainment too.
    """
    fewer = seats.carriers < base.carriers
    total = f"{format_money(summary_mean(summary, scenario, 'bookings'))} against {possessive(baseline)} " + (
        format_money(summary_mean(summary, baseline, "bookings"))
    )
    row = comparison_row(comparison, scenario, "bookings")
    if row is not None:
        total += f", {difference_words(row, 'bookings')} paired run by run"
    share = f"because {'fewer' if fewer else 'more'} reps share the bookings"
    if clear_sign(comparison, scenario, "bookings") == (-1 if fewer else 1):
        share += f", not because {'more' if fewer else 'less'} is booked"
    else:
        share += " (the runs show no clear difference in total bookings)"
    quotas = set(seats.quotas.values()) != set(base.quotas.values())
    return (
        f"{share}: {_seats_words(seats, quotas)} carry the quota where {baseline} has {_seats_words(base, quotas)}"
        f"{_gained_words(seats, base)}, and total bookings are {total}"
    )


def carrier_notes(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, str]:
    """Scenario -> the note said under the cost and quota table: its attainment and bookings per rep, and why."""
    comparison = comparison_of(result)
    baseline = result.experiment.baseline
    notes = {}
    for scenario, (seats, base) in carrier_scenarios(result, comparison).items():
        fewer = seats.carriers < base.carriers
        verb = "rise" if fewer else "fall"
        moved = _moved(comparison, scenario, [kpi for kpi, _ in FIGURES], fewer)  # bookings per rep always
        figures = []
        for kpi, what in FIGURES:
            mine, theirs = summary_mean(summary, scenario, kpi), summary_mean(summary, baseline, kpi)
            if kpi in moved and math.isfinite(mine) and math.isfinite(theirs):
                figures.append(f"{what} {format_value(kpi, mine)} against {format_value(kpi, theirs)}")
        said = f" ({join_words(figures)})" if figures else ""
        words = carrier_words(summary, comparison, scenario, baseline, seats, base)
        subject = (
            "quota attainment and bookings per closing rep" if FIGURES[0][0] in moved else "bookings per closing rep"
        )
        notes[scenario] = f"its {subject} {verb}{said} {words}"
    return notes


def _moved(comparison: pd.DataFrame, scenario: str, kpis: list[str], fewer: bool) -> list[str]:
    """The ``kpis`` the runs show moving clearly as the quota seats move them: up with fewer seats, down with more.

    A figure the runs do not tell apart from the baseline's is not said to move with the seats
    (generalist_vs_specialist's median attainment, 95% CI -3.6 to +16.8 points, had read "rise").
    """
    return [kpi for kpi in kpis if clear_sign(comparison, scenario, kpi) == (1 if fewer else -1)]


def carrier_reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> {each attainment figure, above and below its range: why} where the quota seats moved it."""
    comparison, baseline = comparison_of(result), result.experiment.baseline
    reasons: dict[str, dict[str, str]] = {}
    for scenario, (seats, base) in carrier_scenarios(result, comparison).items():
        fewer = seats.carriers < base.carriers
        moved = _moved(comparison, scenario, list(ATTAINMENT_KPIS), fewer)
        if not moved:
            continue
        side = "above" if fewer else "below"
        words = f"{side} {possessive(baseline)} " + carrier_words(summary, comparison, scenario, baseline, seats, base)
        reasons[scenario] = {key: words for kpi in moved for key in (kpi, below_key(kpi))}
    return reasons


def carrier_lines(notes: Mapping[str, str]) -> list[str]:
    """The markdown lines of the notes under the cost and quota table (none without notes)."""
    return [f"- **{scenario}**: {words}." for scenario, words in notes.items()]
