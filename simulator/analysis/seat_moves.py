"""Why a design that gives seats of a team to a new one, adding hand-offs, books less.

``solution_engineers`` answered "Keep sdr_ae: with_engineers is clearly worse on bookings"
and gave no reason, though its runs show three: the proofs handed to the engineers and back
lose 18.9 more leads and deals a run at hand-offs (61.7 against 42.9), more than the
engineers' better proofs (68.5% of them passed against 65.4%) win back, so the win rate falls;
and the AE team left with 6 reps of 8 is busy 94.8% of its selling time against 92.0%,
while the two engineers given its seats are busy 60.6%. :mod:`.handoff_reasons` explains
hand-offs where the baseline has none; this module the case where the baseline already
hands leads over (SDR to AE) and the scenario hands them over at more stages.

The words are said beside the answer for a scenario that clearly books less and clearly
loses more at hand-offs than a baseline that can lose leads at hand-offs too; each further
clause only where the runs show it clearly.
"""

from __future__ import annotations

import itertools

import pandas as pd

from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.conclusions import scenario_loads
from simulator.analysis.formatting import format_amount, format_signed_amount, format_value
from simulator.analysis.impossible_counts import impossible_counts
from simulator.analysis.kpi_names import UTILISATION_CEILING, UTILISATION_FLOOR
from simulator.analysis.leak_words import stage_teams
from simulator.analysis.tables import clear_sign, comparison_of, comparison_row, summary_mean, summary_of
from simulator.analysis.utilisation import TeamLoad
from simulator.analysis.wording import count_of, join_words, stage_label, team_label
from simulator.run.experiment import ExperimentResult

HANDOFF = "deals_lost_handoff"
BOOKED = "bookings"
WIN_RATE = "win_rate"
CONVERSION_PREFIX = "stage_conversion_"


def _share(value: float) -> str:
    return format_value(WIN_RATE, value)


def _new_team_words(
    result: ExperimentResult, summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str, new: list[str]
) -> str:
    """``, though the SE team passes more of the probation stage's leads (68.5% against 65.4%)``, where clear."""
    baseline = result.experiment.baseline
    for stage, teams in stage_teams(result, scenario).items():
        if not any(team in new for team in teams):
            continue
        kpi = f"{CONVERSION_PREFIX}{stage}"
        if clear_sign(comparison, scenario, kpi) != 1:
            continue
        rates = [summary_mean(summary, name, kpi) for name in (scenario, baseline)]
        names = join_words([team_label(t) for t in teams if t in new])
        # the extra passes at the stage (its entries at the rate gained) against the extra hand-off losses
        gained = (rates[0] - rates[1]) * summary_mean(summary, scenario, f"stage_entries_{stage}")
        lost = summary_mean(summary, scenario, HANDOFF) - summary_mean(summary, baseline, HANDOFF)
        outweigh = ": the hand-off losses outweigh it" if lost > gained else ""
        return (
            f", though the {names} team passes more of the {stage_label(stage)} stage's leads "
            f"({_share(rates[0])} against {_share(rates[1])}){outweigh}"
        )
    return ""


def _capacity_words(result: ExperimentResult, scenario: str, new: list[str]) -> str:
    """``; and its AE team, 6 reps against 8, is busy 94.8% ... while the SE team ... is busy 60.6%`` ('' if not)."""
    baseline = result.experiment.baseline
    ours = result.experiment.scenario(scenario).config.org.teams
    theirs = result.experiment.scenario(baseline).config.org.teams
    loads: dict[str, TeamLoad] = {load.team: load for load in scenario_loads(result, scenario)}
    base_loads: dict[str, TeamLoad] = {load.team: load for load in scenario_loads(result, baseline)}
    shrunk = [
        team
        for team in ours
        if team in theirs
        and ours[team].headcount < theirs[team].headcount
        and team in loads
        and round(loads[team].load, 3) > UTILISATION_CEILING
    ]
    if not shrunk:
        return ""
    parts = []
    for team in shrunk:
        against = f" against {base_loads[team].load:.1%}" if team in base_loads else ""
        parts.append(
            f"its {team_label(team)} team, {count_of(ours[team].headcount, 'rep')} against "
            f"{theirs[team].headcount}, is busy {loads[team].load:.1%} of its selling time{against}, past the "
            f"{UTILISATION_CEILING:.0%} planning ceiling"
        )
    text = "; and " + join_words(parts)
    idle = [team for team in new if team in loads and round(loads[team].load, 3) < UTILISATION_FLOOR]
    if idle:
        names = join_words([team_label(t) for t in idle])
        levels = join_words([f"{loads[t].load:.1%}" for t in idle])
        team = "team is" if len(idle) == 1 else "teams are"
        text += f", while the new {names} {team} busy {levels} of {'its' if len(idle) == 1 else 'their'} selling time"
    return text


def _moved_stages(result: ExperimentResult, scenario: str) -> str:
    """`` (the probation stage goes to the SE team)``: the stages another team works than in the baseline; ''."""
    ours, theirs = stage_teams(result, scenario), stage_teams(result, result.experiment.baseline)
    moved = [(stage, teams) for stage, teams in ours.items() if set(teams) != set(theirs.get(stage, []))]
    if not moved:
        return ""
    parts = [
        f"the {stage_label(stage)} stage goes to the {join_words([team_label(t) for t in teams])} team"
        for stage, teams in moved
    ]
    return f" ({join_words(parts)})"


def _handoff_points(result: ExperimentResult, scenario: str) -> int:
    """How many times a lead going through every stage of ``scenario`` changes team (pods counted as one)."""
    teams = stage_teams(result, scenario)
    stages = [stage.name for stage in result.experiment.scenario(scenario).config.pipeline.stages]
    worked = [frozenset(teams[s]) for s in stages if s in teams]
    return sum(1 for first, second in itertools.pairwise(worked) if first != second)


def seat_move_words(result: ExperimentResult, summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str) -> str:
    """One note on why ``scenario`` books less for the hand-offs it adds and the seats it moves ('' when not so).

    ``summary`` and ``comparison``: the result's tables (:func:`.tables.summary_of`, :func:`.tables.comparison_of`).
    """
    baseline = result.experiment.baseline
    if summary.empty or comparison.empty:
        return ""
    booked, lost = comparison_row(comparison, scenario, BOOKED), comparison_row(comparison, scenario, HANDOFF)
    if booked is None or lost is None:
        return ""
    if clear_sign(comparison, scenario, BOOKED) != -1 or clear_sign(comparison, scenario, HANDOFF) != 1:
        return ""
    if _handoff_points(result, scenario) <= _handoff_points(result, baseline):  # no more hand-offs: not said here
        return ""
    ours = result.experiment.scenario(scenario).config.org.teams
    theirs = result.experiment.scenario(baseline).config.org.teams
    new = [team for team in ours if team not in theirs]
    counts = [format_value(HANDOFF, summary_mean(summary, name, HANDOFF)) for name in (scenario, baseline)]
    more = format_signed_amount(HANDOFF, float(lost["mean_diff"]), row_digits(lost, HANDOFF))
    text = (
        f"{scenario} books {format_amount(BOOKED, float(booked['mean_diff']), row_digits(booked, BOOKED))} less "
        f"than {baseline} ({interval_words(booked, BOOKED)}), and the runs show why: its leads change hands at more "
        f"stages{_moved_stages(result, scenario)}, and {counts[0]} leads and deals are lost at hand-offs in a run "
        f"against {counts[1]} with {baseline} "
        f"({more}, {interval_words(lost, HANDOFF)})"
    )
    text += _new_team_words(result, summary, comparison, scenario, new)
    if clear_sign(comparison, scenario, WIN_RATE) == -1:
        rates = [_share(summary_mean(summary, name, WIN_RATE)) for name in (scenario, baseline)]
        text += f", and its win rate is {rates[0]} against {rates[1]}"
    return text + _capacity_words(result, scenario, new)


def seat_move_notes(result: ExperimentResult) -> list[str]:
    """The notes said beside the answer: one per scenario that adds hand-offs to a baseline that has some."""
    baseline = result.experiment.baseline
    if HANDOFF in impossible_counts(result.experiment.scenario(baseline).config):
        return []  # a baseline without hand-offs: simulator.analysis.handoff_reasons says it
    points = _handoff_points(result, baseline)
    names = [  # the designs that hand leads over at more stages than the baseline (from the configs alone)
        spec.name
        for spec in result.experiment.scenarios
        if spec.name != baseline
        and HANDOFF not in impossible_counts(spec.config)
        and _handoff_points(result, spec.name) > points
    ]
    if not names:
        return []
    summary, comparison = summary_of(result), comparison_of(result)
    return [words for name in names if (words := seat_move_words(result, summary, comparison, name))]
