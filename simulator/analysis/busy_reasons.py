"""Why a team reads busier than the published 70–85% of its selling time: the work it is given outgrows it.

The planning range (BENCHMARKS.md, People: plan with 70–85% utilisation of selling time;
above 85% queues grow) is a target for a staffed team. A scenario that gives a team more
work than its reps can take (the default experiment's specialist split leaves 8 AEs the
qualified leads 12 full-cycle reps shared) reads above it, and then its queue shows it:
work waits for the team, and leads leak untouched past the stage's wait limit. That is
the scenario's finding about its headcount, not a wrong input, and the words here say so
beside the figure, with the stage where the queue shows.

A team above the range with no such queue (no lead leaking at its stages, under a working
day's wait) gets no words: its figure then has another cause, which must not be hidden.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from simulator.analysis.published_ranges import QUEUED_UTILISATION, TEAM_UTILISATION, below_key, team_key
from simulator.analysis.stage_teams import working_teams
from simulator.analysis.tables import summary_mean, window_years
from simulator.analysis.unusual_words import window_length
from simulator.analysis.wording import join_words, stage_label, team_label
from simulator.run.experiment import ExperimentResult

QUEUE_SHOWS_DAYS = 1.0
"""A mean wait of at least this (working days) before work at a stage is a queue that shows."""
QUEUE_SHOWS_LEAKED = 1.0
"""At least this many leads a run leaking at a stage is a queue that shows."""


def queue_words(
    summary: pd.DataFrame,
    scenario: str,
    team: str,
    stages: list[str],
    window_years: float = 1.0,
    sharing: Mapping[str, list[str]] | None = None,
) -> str:
    """Where ``team``'s queue shows in ``scenario``: the stage of ``stages`` (those it works) with most leaks.

    Args:
        summary: The summary table (``stage_wait_days_<stage>`` in working days,
            ``stage_leaked_<stage>`` and ``stage_entries_<stage>`` in leads a run).
        scenario: The scenario.
        team: The team.
        stages: The stages the team works, in pipeline order.
        window_years: The run's measured window (years), which the leaked leads are counted over.
        sharing: Stage -> the teams that work it, when pods share it (the words then name them
            all: the stage's wait and leaks are over its every team).

    Returns:
        The words, or ``""`` when no stage of the team shows a queue (no lead leaking, under a
        working day's wait) or the summary has none of its stages.
    """
    shown: list[tuple[float, float, str]] = []
    for stage in stages:
        wait = summary_mean(summary, scenario, f"stage_wait_days_{stage}")
        leaked = summary_mean(summary, scenario, f"stage_leaked_{stage}")
        leaked = leaked if math.isfinite(leaked) else 0.0
        if (math.isfinite(wait) and wait >= QUEUE_SHOWS_DAYS) or leaked >= QUEUE_SHOWS_LEAKED:
            shown.append((leaked, wait if math.isfinite(wait) else 0.0, stage))
    if not shown:
        return ""
    leaked, wait, stage = max(shown)
    teams = (sharing or {}).get(stage) or [team]
    where = (
        f"the {join_words([team_label(t) for t in teams])} team{'s' if len(teams) > 1 else ''} at the "
        f"'{stage_label(stage)}' stage"
    )
    shared = len(teams) > 1  # the stage's wait and leaks are over its every team: not this team's own
    waiting = "the stage's leads wait" if shared else "the leads it takes up wait"
    words = f"above 85% queues grow: {waiting} {wait:.1f} working days for {where}"
    if leaked >= QUEUE_SHOWS_LEAKED:
        entries = summary_mean(summary, scenario, f"stage_entries_{stage}")
        share = f" ({leaked / entries:.0%} of those reaching it)" if math.isfinite(entries) and entries > 0 else ""
        # not "untouched": a lead an SDR worked still leaks at the AEs' stage, beside a share of leads never touched
        window = window_length(window_years)
        taken = "one of those teams takes them up (a count over the teams together)" if shared else "it takes them up"
        words += f", and {leaked:,.0f}{share} leak there before {taken} in a run's {window} window"
    return words + ": the scenario gives the team more work than its reps can take, a finding about its headcount"


FUNNEL_RATES = ("mql_to_sql_rate", "sql_to_opportunity_rate")
"""The funnel's rates, the conversions of the sales pipeline's first and second stages."""
LEAK_SHARE_SHOWN = 0.02
"""Leads leaking at a stage, as a share of those reaching it, that a funnel rate below its range is said with."""


def funnel_leak_reasons(
    summary: pd.DataFrame, scenario: str, stages: list[str], sharing: Mapping[str, list[str]]
) -> dict[str, str]:
    """``{below_key(rate): words}`` for each funnel rate whose stage leaks leads waiting for its team.

    A stage's conversion counts a lead that leaked there as not converted: ``sdr_headcount``'s
    6 SDRs read "SQL to opportunity 26.5%, 3.5 points below" with no word, while 381 leads a
    run (23%) leaked at need specified waiting for the AEs. ``stages``: the sales pipeline's
    first two stages, in order; ``sharing``: stage -> the teams that work it.
    """
    found = {}
    for rate, stage in zip(FUNNEL_RATES, stages, strict=False):
        leaked = summary_mean(summary, scenario, f"stage_leaked_{stage}")
        entries = summary_mean(summary, scenario, f"stage_entries_{stage}")
        if not (math.isfinite(leaked) and math.isfinite(entries) and entries > 0 and leaked >= QUEUE_SHOWS_LEAKED):
            continue
        if leaked / entries < LEAK_SHARE_SHOWN:
            continue
        teams = sharing.get(stage) or []
        named = join_words([team_label(t) for t in teams])
        waiting = (
            f" before the {named} team{'s take' if len(teams) > 1 else ' takes'} them up"
            if teams
            else " before a rep takes them up"
        )
        found[below_key(rate)] = (
            f"{leaked:,.0f} of the {entries:,.0f} leads reaching the '{stage_label(stage)}' stage "
            f"({leaked / entries:.0%}) leak there{waiting}, and the rate counts them as not converted"
        )
    return found


def busy_reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> ``{team_key(kpi, team): words}`` for each team whose queue shows (:func:`queue_words`).

    Both utilisation figures (:data:`TEAM_UTILISATION`, :data:`QUEUED_UTILISATION`) get the
    words; the report says them only beside a figure above its range (over 85%).
    """
    reasons: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        config = spec.config
        stages: dict[str, list[str]] = {}
        named = [(stage.name, stage.role) for stage in config.pipeline.stages]
        named += [(stage.name, stage.role) for group in config.pipelines.stages().values() for stage in group]
        sharing: dict[str, list[str]] = {}
        for name, role in named:
            teams = working_teams(config.org, name, role)
            for team in teams:
                stages.setdefault(team, []).append(name)
            sharing[name] = teams
        found = funnel_leak_reasons(summary, spec.name, [name for name, _ in named[:2]], sharing)
        for team, worked in stages.items():
            words = queue_words(summary, spec.name, team, worked, window_years(result.experiment, spec.name), sharing)
            if words:
                found[team_key(TEAM_UTILISATION, team)] = words
                found[team_key(QUEUED_UTILISATION, team)] = words
        if found:
            reasons[spec.name] = found
    return reasons
