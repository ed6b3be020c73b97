"""The back-test's figures per calendar period from one replication (the simulated side of ``calibration.actuals``).

Per period (a calendar month or quarter of the run, cut by the scenario's calendar): deals
won and bookings closed inside it, win rate of the deals decided inside it (won over won
and lost: no decisions are neither), the median cycle of its wins in working days
(arrival to close; a starting deal arrived ``age`` days before day 0), the deals open
at its end (started by then, not closed by then), and the new opportunities (leads arrived
inside it; the starting deals arrived before day 0).
"""

from __future__ import annotations

import math

import numpy as np

from simulator.model.records import Outcome, ReplicationRun


def period_figures(run: ReplicationRun) -> dict[tuple[str, str], float]:
    """(period label, kpi) -> the figure of one replication, for every calendar month and quarter of its run."""
    scenario, leads, log = run.scenario, run.leads, run.log
    figures: dict[tuple[str, str], float] = {}
    ended = log.outcome_day
    for kind in ("month", "quarter"):
        for period in scenario.calendar.slices(kind, 0.0, scenario.horizon_days):
            with np.errstate(invalid="ignore"):
                inside = (ended >= period.start) & (ended < period.end)
                won = inside & (log.outcome == Outcome.WON)
                lost = inside & (log.outcome == Outcome.DISQUALIFIED)
                started = leads.arrival_day < period.end
                still_open = started & ((log.outcome == Outcome.OPEN) | (ended >= period.end))
            cycle = ended[won] - leads.arrival_day[won]
            decided = float(won.sum() + lost.sum())
            label = period.label
            figures[(label, "won_deals")] = float(won.sum())
            figures[(label, "bookings")] = float(leads.deal_value[won].sum())
            figures[(label, "win_rate")] = float(won.sum()) / decided if decided else math.nan
            figures[(label, "median_cycle_days")] = float(np.median(cycle)) if cycle.size else math.nan
            figures[(label, "open_pipeline")] = float(still_open.sum())
            arrived = (leads.arrival_day >= period.start) & (leads.arrival_day < period.end)
            figures[(label, "new_opportunities")] = float(arrived.sum())
    return figures
