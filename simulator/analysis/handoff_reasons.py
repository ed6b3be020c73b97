"""Why a design that puts hand-offs where the baseline has none books less, though it answers leads sooner.

``lead_assignment``'s shared_queue first touched leads 16.5 hours of working days sooner
than round_robin and leaked 72 fewer, yet booked $524k less, and the answer said nothing
of why: a leader read that a shared queue is faster and worse, with no cause to weigh. The
cause is in the runs. A pooled team hands each stage to the next free rep, so a lead changes
hands between stages where one owner kept it (docs/MODEL.md, Teams, reps and routing): every
hand-off may lose it (78 leads and deals a year, none with round robin) and brings the
receiving rep extra effort; its win rate fell 7.0 points; and its reps, on deals 83.9% of
their selling time against 71.0%, prospected less and booked 103 fewer meetings.

The words here say so beside the answer, with the run's own figures, for a scenario that
clearly books less than the baseline and clearly loses more at hand-offs where the
baseline loses none; the win-rate and prospecting clauses only where the runs show each.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.formatting import format_amount, format_value
from simulator.analysis.gain_leaks import capped_loads
from simulator.analysis.impossible_counts import impossible_counts
from simulator.analysis.kpi_names import UTILISATION_CEILING
from simulator.analysis.tables import (
    FIRST_TOUCH,
    clear_sign,
    comparison_of,
    comparison_row,
    summary_mean,
    summary_of,
    summary_row,
)
from simulator.analysis.wording import join_words, team_label
from simulator.run.experiment import ExperimentResult

HANDOFF = "deals_lost_handoff"
"""Leads and deals lost when they changed hands between stages."""

BOOKED = "bookings"
"""What the answer's experiments rank on; the note is for a design that clearly books less."""

PROSPECTING_PREFIX, PROSPECTING_SUFFIX = "utilisation_", "_prospecting"
"""A team's share of selling time spent prospecting: ``utilisation_<team>_prospecting``."""


def _clear(comparison: pd.DataFrame, scenario: str, kpi: str, sign: int) -> pd.Series | None:
    """The comparison row of ``kpi`` when the runs show it moved clearly in the direction of ``sign``."""
    return comparison_row(comparison, scenario, kpi) if clear_sign(comparison, scenario, kpi) == sign else None


def _prospecting_words(summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str, baseline: str) -> str:
    """``its full cycle reps prospect 16.1% of their selling time against 29.0%``: the team prospecting clearly less."""
    kpis = [
        str(k)
        for k in pd.unique(comparison.loc[comparison["scenario"] == scenario, "kpi"])
        if str(k).startswith(PROSPECTING_PREFIX) and str(k).endswith(PROSPECTING_SUFFIX)
    ]
    for kpi in kpis:
        if _clear(comparison, scenario, kpi, -1) is None:
            continue
        team = kpi.removeprefix(PROSPECTING_PREFIX).removesuffix(PROSPECTING_SUFFIX)
        return (
            f"its {team_label(team)} reps prospect {format_value(kpi, summary_mean(summary, scenario, kpi))} of "
            f"their selling time against {format_value(kpi, summary_mean(summary, baseline, kpi))}"
        )
    return ""


def _sooner_words(summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str, baseline: str) -> str:
    """``, though it first touches leads sooner (6.1 against 22.6 hours of working days)`` where the runs show it."""
    if _clear(comparison, scenario, FIRST_TOUCH, -1) is None:
        return ""
    means = [format_value(FIRST_TOUCH, summary_mean(summary, name, FIRST_TOUCH)) for name in (scenario, baseline)]
    return f", though it first touches leads sooner ({means[0]} against {means[1]} hours of working days)"


def handoff_words(
    summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str, baseline: str, capped: str = ""
) -> str:
    """``shared_queue books $523.7k less than round_robin (95% CI ...): its leads change hands ...`` ('' when not so).

    Said only when the runs show ``scenario`` booking clearly less than ``baseline`` and
    losing clearly more at hand-offs, where the baseline's config makes no hand-off (the
    summary row's ``impossible`` reason: one rep works each lead through every stage); a
    design that already hands leads over, as handoff_quality's, is compared on how well.

    ``capped``: the team (its label) past the planning ceiling where ``scenario``'s leads leak
    most (:func:`.gain_leaks.capped_loads`). The default answer said "the AE team's capacity,
    not the leads reaching it, limits bookings here" and this note, beneath it, that the leads
    specialist's hand-offs lose were a cause: a lead a hand-off kept joins that queue
    (handoff_quality's playbook lost 34.7 fewer a run, leaked 27.7 more, and booked +$703,
    95% CI -$90.5k to +$91.9k). With ``capped`` the hand-offs' cause is their extra effort on
    that team, and the losses are said as such.
    """
    booked, lost = _clear(comparison, scenario, BOOKED, -1), _clear(comparison, scenario, HANDOFF, 1)
    base = summary_row(summary, baseline, HANDOFF)
    if booked is None or lost is None or base is None or not base.get("impossible"):
        return ""
    count = format_value(HANDOFF, summary_mean(summary, scenario, HANDOFF))
    text = (
        f"{scenario} books {format_amount(BOOKED, float(booked['mean_diff']), row_digits(booked, BOOKED))} less than "
        f"{baseline} ({interval_words(booked, BOOKED)}){_sooner_words(summary, comparison, scenario, baseline)}, "
        f"and one cause the runs show is its hand-offs: its leads change hands between stages, where with {baseline} "
        f"one rep works each "
    )
    if capped:  # the answer says that team's capacity, not the leads reaching it, limits bookings: no clash
        text += (
            f"lead through every stage, and each hand-off brings the receiving rep extra effort, on the {capped} team "
            f"past the {UTILISATION_CEILING:.0%} planning ceiling; {count} leads and deals are lost at hand-offs in a "
            f"run on average, none with {baseline}, though a lead a hand-off kept would join that team's queue, "
            "where its leaked leads are lost"
        )
    else:
        text += (
            f"lead through every stage, and each hand-off may lose the lead and brings the receiving rep extra effort; "
            f"{count} leads and deals are lost at hand-offs in a run on average, none with {baseline}"
        )
    if (win := _clear(comparison, scenario, "win_rate", -1)) is not None:
        text += (
            f", and its win rate is {format_value('win_rate', summary_mean(summary, scenario, 'win_rate'))} against "
            f"{format_value('win_rate', summary_mean(summary, baseline, 'win_rate'))}, "
            f"{format_amount('win_rate', float(win['mean_diff']), row_digits(win, 'win_rate'))} lower "
            f"({interval_words(win, 'win_rate')})"
        )
    if (meetings := _clear(comparison, scenario, "meetings_booked", -1)) is not None:
        busy = _prospecting_words(summary, comparison, scenario, baseline)
        fewer = format_amount("meetings_booked", float(meetings["mean_diff"]), row_digits(meetings, "meetings_booked"))
        text += (
            f"; {busy + ', so they book' if busy else 'its reps book'} {fewer} fewer meetings "
            f"({interval_words(meetings, 'meetings_booked')})"
        )
    # not the only cause: specialist's AEs past the ceiling cost it too, which the answer says beside this
    return text + ". The hand-offs are the design's own cost (docs/MODEL.md, Teams, reps and routing)"


def handoff_notes(result: ExperimentResult) -> list[str]:
    """The notes said beside the answer: one per scenario that books less for the hand-offs it adds."""
    baseline = result.experiment.baseline
    if HANDOFF not in impossible_counts(result.experiment.scenario(baseline).config):
        return []  # the baseline hands leads over too: designs are compared on how well, not said here
    names = [  # the designs that can lose leads at hand-offs
        spec.name
        for spec in result.experiment.scenarios
        if spec.name != baseline and HANDOFF not in impossible_counts(spec.config)
    ]
    if not names:
        return []
    summary, comparison = summary_of(result), comparison_of(result)
    if summary.empty or comparison.empty:
        return []
    notes = []
    for name in names:
        capped = join_words([team_label(load.team) for load in capped_loads(result, name)])
        if words := handoff_words(summary, comparison, name, baseline, capped):
            notes.append(words)
    return notes
