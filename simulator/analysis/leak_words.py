"""The stage that leaks the most leads, in words, joined to the teams past the planning ceiling that work it.

Pods share a stage: in ``pods_by_product`` the core and platform AE pods both work need
specified, and a stage's leaked leads are counted over every team working it. The words
name each team of the stage past the 85% ceiling (as shown, as the busiest-team sentence
judges it), not the first team of the stage's role alone: ``org_structures`` had read
"The core AE team works that stage and is busy 91.7%" with the platform pod, busier at
93.7%, unnamed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.analysis.busy_reasons import working_teams
from simulator.analysis.kpi_names import STAGE_LEAKED_PREFIX, UTILISATION_CEILING
from simulator.analysis.utilisation import TeamLoad, selling_time_words
from simulator.analysis.wording import join_words, stage_label, team_label
from simulator.run.experiment import ExperimentResult


def stage_teams(result: ExperimentResult, scenario: str) -> dict[str, list[str]]:
    """The teams working each sales stage of ``scenario`` (pods sharing a stage all named)."""
    config = result.experiment.scenario(scenario).config
    teams = {stage.name: working_teams(config.org, stage.name, stage.role) for stage in config.pipeline.stages}
    return {name: found for name, found in teams.items() if found}


def share_of_all(share: float) -> str:
    """``93%``, or one decimal near the ends: 182 of 183 leaked leads had read "100% of all"."""
    if share >= 1.0 or share <= 0.0 or 0.005 <= share < 0.995:
        return f"{share:.0%}"
    return f"{math.floor(share * 1000) / 10:.1f}%" if share > 0.5 else f"{math.ceil(share * 1000) / 10:.1f}%"


def _past_ceiling_words(teams: list[str], loads: list[TeamLoad]) -> str:
    """`` The AE team works that stage and is busy 92.0% ...``; '' when no team working it is past the ceiling."""
    busy = [load for load in loads if load.team in teams and round(load.load, 3) > UTILISATION_CEILING]
    busy.sort(key=lambda load: teams.index(load.team))  # the levels read in the order the teams are named
    if not busy:
        return ""
    ceiling = f"past the {UTILISATION_CEILING:.0%} planning ceiling"
    if len(busy) == len(teams) == 1:
        return (
            f" The {team_label(busy[0].team)} team works that stage and is busy {busy[0].load:.1%} of "
            f"{selling_time_words(busy[0])}, {ceiling}: the leads wait for it until they leak."
        )
    working = f"The {join_words([team_label(t) for t in teams])} teams work that stage"
    if len(busy) == len(teams):
        levels = join_words([f"{load.load:.1%}" for load in busy])
        return (
            f" {working} and are busy {levels} of their selling time, {ceiling}: "
            "the leads wait for them until they leak."
        )
    named = join_words([team_label(load.team) for load in busy])
    if len(busy) == 1:
        return (
            f" {working}; the {named} team is busy {busy[0].load:.1%} of {selling_time_words(busy[0])}, {ceiling}: "
            "the leads that wait for it leak."
        )
    levels = join_words([f"{load.load:.1%}" for load in busy])
    return (
        f" {working}; the {named} teams are busy {levels} of their selling time, {ceiling}: "
        "the leads that wait for them leak."
    )


def holds_most(top: float, total: float) -> bool:
    """Whether ``top`` leaked leads are most of the ``total``: more than half, as :func:`share_of_all` shows it."""
    return total > 0.0 and float(share_of_all(top / total).rstrip("%")) > 50.0


def _most_words(means: np.ndarray, top: float, total: float, stage: str, about: str) -> str:
    """``most leaked leads are lost at the awareness stage (...)`` where it holds more than half of them, as shown.

    Otherwise it holds only more than any other stage: "most" had been said of the stage with the
    most leaks whatever its share (40% at one stage, 35% and 25% at two others read "most ... 40%"),
    and of half of them ("most leaked leads ...: 151 per year on average, 50% of all leaked leads").
    """
    where = f"the {stage} stage{about}"
    if holds_most(top, total):
        return f"most leaked leads are lost at {where}"
    if int(np.sum(means == top)) > 1:
        return f"no stage loses more leaked leads than {where}"
    return f"more leaked leads are lost at {where} than at any other stage"


def opportunity_stages(result: ExperimentResult, scenario: str) -> list[str]:
    """The sales stages of ``scenario`` from its opportunity stage on (``pipeline.opportunity_stage``; the second)."""
    pipeline = result.experiment.scenario(scenario).config.pipeline
    names = [stage.name for stage in pipeline.stages]
    first = names.index(pipeline.opportunity_stage) if pipeline.opportunity_stage in names else min(1, len(names) - 1)
    return names[first:]


LATE_LEAKS = 1.0
"""Deals leaking once they are opportunities, a period, from which the leakiest stage's sentence names them."""


def _late_words(rows: pd.DataFrame, stage: str, opportunities: Sequence[str], period: str) -> str:
    """``; 7.7 per year on average leak once they are opportunities (evaluation to close)``; ''.

    speed_to_lead's newest_first read "most leaked leads are lost at the awareness stage ...: 25 per year
    on average, 56% of all leaked leads", where 7.7 a year leaked as opportunities (2.5 at close, none with
    closest_to_close): the deals a leader misses most, behind its leakage line of $262.2k against $110.0k.
    """
    if not opportunities or stage in opportunities:
        return ""
    late = rows[rows["kpi"].isin([f"{STAGE_LEAKED_PREFIX}{name}" for name in opportunities])]
    count = float(late["mean"].sum())
    if count < LATE_LEAKS:
        return ""
    span = stage_label(opportunities[0]) + (f" to {stage_label(opportunities[-1])}" if len(opportunities) > 1 else "")
    shown = f"{count:.1f}" if count < 10 else f"{count:,.0f}"
    return f"; {shown}{period} on average leak once they are opportunities ({span})"


def leakage_sentence(
    summary: pd.DataFrame,
    scenario: str,
    stage_descriptions: dict[str, str],
    period: str = " per year",
    teams_of_stage: dict[str, list[str]] | None = None,
    loads: list[TeamLoad] | None = None,
    opportunities: Sequence[str] = (),
) -> str | None:
    """Name the stage where a scenario loses the most leads to leakage (untouched too long).

    With ``teams_of_stage`` (stage -> the teams working it) and the scenario's ``loads``, a
    stage worked by a team past the 85% planning ceiling is joined to it: the leads leak
    because they wait for that team (more SDRs feeding busy AEs leak more leads, not fewer).
    With ``opportunities`` (the stages from the opportunity stage on, :func:`opportunity_stages`),
    the leaks there are said too when the leakiest stage comes before them (:func:`_late_words`).

    Returns:
        A sentence, or None when the scenario reports no leakage by stage.
    """
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(STAGE_LEAKED_PREFIX)]
    rows = rows[rows["mean"].notna()]
    if rows.empty:
        return None
    total = float(rows["mean"].sum())
    if total <= 0.0:
        return f"In {scenario}, no leads leak at any stage."
    top = rows.iloc[int(rows["mean"].to_numpy().argmax())]
    stage = str(top["kpi"]).removeprefix(STAGE_LEAKED_PREFIX)
    about = f" ({stage_descriptions[stage]})" if stage_descriptions.get(stage) else ""
    mean = float(top["mean"])
    text = (
        f"In {scenario}, {_most_words(rows['mean'].to_numpy(dtype=float), mean, total, stage_label(stage), about)}: "
        f"{mean:,.0f}{period} on average, {share_of_all(mean / total)} of all leaked leads"
        f"{_late_words(rows, stage, opportunities, period)}."
    )
    return text + _past_ceiling_words((teams_of_stage or {}).get(stage, []), loads or [])
