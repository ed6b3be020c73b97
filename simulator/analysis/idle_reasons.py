"""Why a team reads less busy than the published 70–85% of its selling time: its stages hold less work than its hours.

``solution_engineers`` flagged "the SE team busy 60.6% of its selling time; published 70–85%
(9.4 points below)" and said nothing more, though the reason is in the design and the runs:
the two engineers work one stage only (probation, the proofs), which 222 leads reach in a
run's year, and a team given no prospecting or partner work has nothing to fill the hours
that work leaves. That is the scenario's finding about the team's size for its stages, said
beside the figure with the stage and its leads a run; a team with prospecting or partner
work to fill its idle time reads near 100% and gets no words here.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.conclusions import scenario_loads
from simulator.analysis.kpi_names import UTILISATION_FLOOR
from simulator.analysis.published_ranges import TEAM_UTILISATION, below_key, team_key
from simulator.analysis.stage_teams import working_teams
from simulator.analysis.tables import summary_mean, window_years
from simulator.analysis.unusual_words import window_length
from simulator.analysis.wording import count_of, join_words, stage_label
from simulator.run.experiment import ExperimentResult


def idle_words(summary: pd.DataFrame, scenario: str, stages: list[str], headcount: float, years: float) -> str:
    """``the team works only the 'probation' stage, which 222 leads reach ...``; '' without the stages' entries."""
    entries = [summary_mean(summary, scenario, f"stage_entries_{stage}") for stage in stages]
    if not stages or not all(math.isfinite(e) for e in entries):
        return ""
    names = join_words([f"'{stage_label(s)}'" for s in stages])
    reach = join_words([f"{e:,.0f}" for e in entries])
    which = "which" if len(stages) == 1 else "which respectively"
    return (
        f"the team works only the {names} stage{'s' if len(stages) > 1 else ''}, {which} {reach} leads reach "
        f"in a run's {window_length(years)} window, and has no prospecting or partner work to fill the rest of its "
        f"time: its {count_of(headcount, 'rep')} have more hours than that work takes, a finding about its headcount"
    )


def idle_reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> ``{below_key(team_key(utilisation, team)): words}`` for each team below the planning range.

    Only a team with no prospecting or partner work (its idle time stays idle) whose load
    reads under 70%, working stages of the sales pipeline only, is given words.
    """
    reasons: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        config = spec.config
        named = [(stage.name, stage.role) for stage in config.pipeline.stages]
        sales = {name for name, _ in named}
        named += [(stage.name, stage.role) for group in config.pipelines.stages().values() for stage in group]
        found: dict[str, str] = {}
        for load in scenario_loads(result, spec.name):
            if load.has_filler or not round(load.load, 3) < UTILISATION_FLOOR or load.team not in config.org.teams:
                continue
            stages = [name for name, role in named if load.team in working_teams(config.org, name, role)]
            if any(name not in sales for name in stages):  # renewals and expansions are accounts, not leads:
                continue  # a CSM team's load is load_reasons' to explain
            headcount = config.org.teams[load.team].headcount
            words = idle_words(summary, spec.name, stages, headcount, window_years(result.experiment, spec.name))
            if words:
                found[below_key(team_key(TEAM_UTILISATION, load.team))] = words
        if found:
            reasons[spec.name] = found
    return reasons
