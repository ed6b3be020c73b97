"""Two report sections on how the work went: where leads were lost, and how busy each team was.

Losses are always split by reason (not converting at a stage, leaked, lost at a hand-off,
lost when the owner left, no decision): a total of "deals lost" beside "deals won" would
read as a win rate, when much of it can be leads that never qualified. A lead that does not
convert before the opportunity stage is disqualified; a deal that does not convert from it
on is lost (a CRM's plain "Lost" status): a calibrated company's one opportunity stage had
its 736 lost deals called "disqualified (did not convert at a stage), as any funnel
expects". Team load is queued work (:mod:`simulator.analysis.utilisation`), shown apart
from the prospecting and partner work that fills idle time.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from simulator.analysis.assumed import assumed_figures
from simulator.analysis.kpi_names import LOST_KPIS, kpi_axis_label
from simulator.analysis.mean_cells import format_mean_cis
from simulator.analysis.tables import modelled_kpis, present_kpis, scenario_names, summary_of, summary_row
from simulator.analysis.utilisation import TeamLoad, reserved_by_scenario, team_loads
from simulator.analysis.wording import join_words, team_label
from simulator.config.schema import PipelineConfig
from simulator.report.markdown import figure_lines, md_table
from simulator.run.experiment import ExperimentResult

LOSSES_HEAD = "How leads and deals that ended inside the window ended, per run (mean, 95% CI)."
NOT_CONVERTED = {
    "lost": (
        "Every stage here is an opportunity stage, so a deal that did not convert at one is a lost deal (the buyer "
        'decided against it: a CRM\'s "Lost"), not a disqualified lead.'
    ),
    "both": (
        "A lead that did not convert at a stage before the opportunity stage was disqualified, as any funnel "
        "expects; from the opportunity stage on, a deal that did not convert is a lost deal (the buyer decided "
        'against it: a CRM\'s "Lost").'
    ),
}
"""What "did not convert at a stage" is: "lost" where every scenario's stages are opportunity stages (a calibrated
company's), "both" where leads pass stages before the opportunity stage."""
LOSSES_TAIL = (
    "Leaked, hand-off and owner-left losses come from how the team works; no decision is a buyer who stalled. "
    "The win rate counts only leads that reached the opportunity stage, so it is not won over lost."
)


def opportunity_index(pipeline: PipelineConfig) -> int:
    """The index of the pipeline's opportunity stage (its ``opportunity_stage``, else the second stage)."""
    names = [stage.name for stage in pipeline.stages]
    if pipeline.opportunity_stage is not None:
        return names.index(pipeline.opportunity_stage)
    return min(1, len(names) - 1)


def not_converted_words(result: ExperimentResult) -> str:
    """What a lead or deal that did not convert at a stage is in this experiment's scenarios' funnels."""
    every_stage = all(opportunity_index(spec.config.pipeline) == 0 for spec in result.experiment.scenarios)
    return NOT_CONVERTED["lost" if every_stage else "both"]


def losses_intro(result: ExperimentResult) -> str:
    """The paragraph above the losses table."""
    return f"{LOSSES_HEAD} {not_converted_words(result)} {LOSSES_TAIL}"


def losses_section(result: ExperimentResult, out_dir: Path, figure: Path | None) -> list[str]:
    """``## Where leads are won and lost``: won, then lost by reason, then the funnel figure."""
    summary, names = summary_of(result), scenario_names(result)
    if summary.empty:
        return []
    kpis = present_kpis(summary, modelled_kpis(result, ["deals_won", *LOST_KPIS]))
    rows = [[kpi_axis_label(k), *format_mean_cis([summary_row(summary, s, k) for s in names], k)] for k in kpis]
    lines = ["## Where leads are won and lost", "", losses_intro(result), ""] if rows else []
    if rows:
        lines += [*md_table(["Outcome", *names], rows), ""]
        lines += [f"{sentence}\n" for n in names if (sentence := _stalls_stay_open(result, summary, n))]
    return [*lines, *figure_lines(figure, out_dir)] if lines or figure else []


def _stalls_stay_open(result: ExperimentResult, summary: pd.DataFrame, scenario: str) -> str | None:
    """Why no deal ends with no decision when the stages stall some: they close only after the window.

    A calibrated company's stalled deals are closed as such thousands of working days on
    (crm-maven: 15.2% stall, closed after 2,600 days), so "Lost: no decision 0.0" sat beside
    calibrate's "no decision 15.2%" with no word on where those deals went: the open pipeline.
    """
    row = summary_row(summary, scenario, "deals_lost_no_decision")
    config = result.experiment.scenario(scenario).config
    stalling = [stage for stage in config.pipeline.stages if stage.no_decision > 0]
    if row is None or not stalling or float(row["mean"]) >= 0.5:
        return None
    window = config.clock.horizon_days - config.clock.warmup_days
    stage = max(stalling, key=lambda st: st.no_decision)
    delay = stage.no_decision_days if stage.no_decision_days is not None else stage.delay_days
    days = float(delay.quantile(0.5))
    if days < window:
        return None
    return (
        f"In {scenario}, no deal ends with no decision inside the window although {stage.no_decision:.1%} of the "
        f"{stage.name} stage's decisions stall: a stalled deal is closed as such {days:,.0f} working days later "
        f"(median), after the {window:,.0f}-working-day window, so it stays in the open pipeline."
    )


IDLE_SAID = 0.05
"""Idle time a team with prospecting or partner duty is said to have when its two kinds of work leave this much."""


def _load_cell(load: TeamLoad | None) -> str:
    if load is None:
        return "-"
    cell = f"{load.load:.1%}"
    if math.isfinite(load.load_low) and math.isfinite(load.load_high):
        cell += f" ({load.load_low:.1%} to {load.load_high:.1%})"
    if load.reserved > 0.0:  # as the answer reads it: over the time the reserved hours leave
        cell += f" of the {1.0 - load.reserved:.0%} of its selling time its reserved hours leave"
        if load.has_filler:
            cell += f"; {load.filler:.0%} of all of it prospecting or partner work, {load.reserved:.0%} reserved"
    elif load.has_filler:
        cell += f", then {load.filler:.0%} prospecting or partner work"
        idle = 1.0 - load.load - load.filler
        if idle >= IDLE_SAID:  # partner_channel's manager: 75% in all, its partners' enablement the only work left
            cell += f", {idle:.0%} idle (no such work left)"
    return cell


def load_section(result: ExperimentResult, out_dir: Path, figure: Path | None) -> list[str]:
    """``## How busy each team is``: each team's queued work with its CI, and the idle time's filler."""
    names = scenario_names(result)
    draws = result.experiment.parameter_draw_count
    reserved = reserved_by_scenario(result)
    loads = {n: {load.team: load for load in team_loads(result.replications, n, draws, reserved.get(n))} for n in names}
    teams = list(dict.fromkeys(team for found in loads.values() for team in found))
    if not teams:
        return []
    rows = [[team_label(t), *[_load_cell(loads[n].get(t)) for n in names]] for t in teams]
    assumed = assumed_figures(result)
    caveat: list[str] = []  # a calibrated company's load follows from the effort per deal calibrate assumed
    if assumed:
        where, why = join_words([n for n in names if n in assumed]), next(iter(assumed.values()))
        caveat = [f"In {where}, each team's load {why}.", ""]
    return [
        "## How busy each team is",
        "",
        "Share of selling time spent on queued work (new-business deals, renewals, expansions), mean with "
        "its 95% CI; plan for 70-85%. Teams with prospecting or partner duty turn the rest of their time "
        "into that work, so their total is near 100% whatever their queues unless that work runs out (a partner "
        "manager's is the partners it can enable: the rest is then said to be idle); it is shown after the load."
        + (
            " Hours a team reserves for prospecting come first whatever waits: its load, and the 70-85% range, "
            "are then of the selling time they leave, as the answer's busiest team and leak notes read it, in "
            "this table and the figure."
            if any(reserved.get(n) for n in names)
            else ""
        ),
        "",
        *caveat,
        *md_table(["Team", *names], rows),
        "",
        *figure_lines(figure, out_dir, _reserved_caption(loads)),
    ]


def _reserved_caption(loads: dict[str, dict[str, TeamLoad]]) -> str:
    """The figure's words for a team with reserved hours: its bar is of the time they leave ("" when none reserves)."""
    if not any(load.reserved > 0.0 for found in loads.values() for load in found.values()):
        return ""
    return (
        "A team that reserves hours for prospecting (its name starred) is drawn over the selling time they leave, "
        "as the footnote under the axis says, and where a bar is wide enough in it and the share reserved above "
        "it: that is the load the 85% ceiling applies to."
    )
