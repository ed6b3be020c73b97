"""What the plan is held against, and the capacity planner's figure beside it.

The plan table gave the plan and the chance of hitting it, but not what counts towards it
nor what a capacity planner's spreadsheet makes of it (``docs/MODEL.md``, the plan: "set
beside the capacity planner's spreadsheet figure"). A reader of plan_check could not tell
that $5.39M of expansion bookings over the window count for nothing against a $4.00M plan
beside $3.60M of new business, nor that on paper the plan takes 14.3 reps at the quota and
assumed attainment where 12 carry it.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.formatting import format_money
from simulator.analysis.planning import plan_figure
from simulator.analysis.tables import summary_row
from simulator.analysis.wording import team_label
from simulator.run.experiment import ExperimentResult, ScenarioSpec


def plan_reading_lines(result: ExperimentResult, summary: pd.DataFrame, names: list[str]) -> list[str]:
    """The markdown lines under the plan table: what counts towards the plan, then each scenario's paper figure.

    Empty when no scenario holds a plan. Figures are means over runs, over the measured
    window as the plan table's; the reps a plan takes on paper are the plan held over the
    window, per year of it, over one rep's quota x the assumed attainment (a single
    quota-carrying team), else the quota the seats would need to carry: a yearly plan's own
    figure, and a quarterly plan's window-held quarters ("the window's part of the plan")
    beside the window's seats, where dividing by the plan's weight had counted 24 seats for 12.
    """
    specs = {spec.name: spec for spec in result.experiment.scenarios}
    held = {n: plan_figure(result, n) for n in names}
    if not any(v is not None for v in held.values()):
        return []
    lines = [_counted_words(summary, names), ""]
    for name in names:
        spec, plan = specs.get(name), held[name]
        if spec is None or plan is None or plan <= 0:
            continue
        words = _paper_words(spec, summary, name, plan)
        if words:
            lines.append(f"- **{name}**: {words}")
    return [*lines, ""]


def _mean(summary: pd.DataFrame, name: str, kpi: str) -> float:
    row = summary_row(summary, name, kpi)
    return math.nan if row is None else float(row["mean"])


def _counted_words(summary: pd.DataFrame, names: list[str]) -> str:
    """``What counts towards the plan: new-business bookings ...``, with the first scenario's expansions beside them."""
    text = (
        "What counts towards the plan: new-business bookings (`bookings`: every deal won from a new lead, "
        "partner-sourced deals included); renewals and expansions of the customer book do not"
    )
    name = names[0]
    expansion, bookings = _mean(summary, name, "expansion_bookings"), _mean(summary, name, "bookings")
    if math.isfinite(expansion) and expansion > 0 and math.isfinite(bookings):
        text += (
            f" ({name}: {format_money(expansion)} of expansion bookings over the window beside "
            f"{format_money(bookings)} of new business, mean over runs)"
        )
    return text + "."


def _paper_words(spec: ScenarioSpec, summary: pd.DataFrame, name: str, held: float) -> str:
    """The capacity planner's spreadsheet beside the plan, and what the plan takes on paper ('' without quotas)."""
    config = spec.config
    attainment = float(config.plan.assumed_attainment)
    spreadsheet = _mean(summary, name, "capacity_spreadsheet")
    carriers = {
        team: (t.headcount, config.economics.role(t.role).quota)
        for team, t in config.org.teams.items()
        if config.economics.role(t.role).quota > 0
    }
    if not carriers or attainment <= 0 or not math.isfinite(spreadsheet) or spreadsheet <= 0:
        return ""
    typed = config.plan.bookings
    yearly = float(sum(typed)) if isinstance(typed, list) else float(typed or 0.0)
    if yearly <= 0:
        return ""
    clock = config.clock
    years = clock.calendar().years_over(clock.warmup_days, clock.horizon_days)  # as the spreadsheet counts it
    if years <= 0:
        return ""
    # a quarterly plan holds the window to its quarters' figures, not to the year's share of its sum: the
    # plan's reps and quota are then the window's, annualised (held / years), beside the window's seats
    whole = math.isclose(held, yearly * years, rel_tol=1e-6)
    subject = "the plan" if whole else "the window's part of the plan"
    share = spreadsheet / held
    text = (
        f"the capacity planner's spreadsheet (seats x quota x the assumed {attainment:.0%} attainment) puts these "
        f"seats at {format_money(spreadsheet)} over the window, {share:.0%} of the plan's {format_money(held)}"
    )
    if len(carriers) == 1:
        team, (_, quota) = next(iter(carriers.items()))
        needed = held / (quota * attainment * years)
        seats = spreadsheet / (quota * attainment * years)
        text += (
            f"; on paper {subject} takes {needed:.1f} {team_label(team)} reps at its quota of {format_money(quota)}, "
            f"where the spreadsheet counts {seats:.1f} seats (the headcount and its hiring plan)"
        )
    else:
        carried, quota_needed = spreadsheet / (attainment * years), held / (attainment * years)
        text += (
            f"; on paper {subject} takes {format_money(quota_needed)} of quota a year, where the seats carry "
            f"{format_money(carried)}"
        )
    bookings = _mean(summary, name, "bookings")
    if math.isfinite(bookings):
        text += f"; the runs book {format_money(bookings)} (the capacity plan against the simulation, below, says why)"
    return text + "."
