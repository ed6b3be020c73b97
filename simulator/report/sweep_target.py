"""A sweep's cells that reach the decision rule's target, and the cheapest of them (the sweep report's words)."""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.answer_choice import meets_target
from simulator.analysis.formatting import format_money, format_value, level_unit
from simulator.analysis.quantities import direction
from simulator.analysis.team_mix import COST_KPI
from simulator.report.sweep_jobs import Sweep, cell_words


def target_words(sweep: Sweep, rows: pd.DataFrame) -> str:
    """`` The experiment's target of 80.0% is reached on average at ...``: the cells meeting the decision rule's target.

    The cheapest such cell (least cost of sales) is named: the best cell's mean is no answer
    to "what makes the plan safe" when a cheaper cell reaches the target too.
    """
    if sweep.target is None:
        return ""
    kpi, target = sweep.kpi, sweep.target
    goal = f"the experiment's target of {format_value(kpi, target)}{level_unit(kpi)}"
    meeting = rows[[meets_target(float(m), kpi, target) for m in rows["mean"]]]
    if meeting.empty:
        return f" No cell reaches {goal} on average."
    costs = sweep.table[(sweep.table["kpi"] == COST_KPI) & (sweep.table["scenario"] == sweep.baseline)]
    cost = dict(zip(costs["job"].astype(str), costs["mean"].astype(float), strict=True))
    cheapest = min(meeting.itertuples(), key=lambda r: cost.get(str(r.job), math.inf))
    cell = meeting[meeting["job"] == cheapest.job].iloc[0]
    low, high = float(cell["ci_low"]), float(cell["ci_high"])
    worst = high if (direction(kpi) or 1) < 0 else low
    side = "above" if (direction(kpi) or 1) < 0 else "below"
    doubt = f", its 95% CI reaching {side} it" if math.isfinite(worst) and not meets_target(worst, kpi, target) else ""
    where = "the cheapest of them" if len(meeting) > 1 else "the only one"
    price = f", at a cost of sales of {format_money(cost[str(cell['job'])])}" if str(cell["job"]) in cost else ""
    return (
        f" {goal[0].upper()}{goal[1:]} is reached on average at {len(meeting)} of {len(rows)} points; "
        f"{where}: {cell_words(sweep, cell)}, {format_value(kpi, float(cell['mean']))}{level_unit(kpi)}{doubt}{price}."
    )
