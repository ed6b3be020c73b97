"""A CRM export written by salesim itself: one row per opportunity of a simulated run.

For the round trip (a synthetic export from a known config is calibrated back to that
config's parameters) and for trying the calibration on data whose truth is known. Each
lead that reached the pipeline's opportunity stage is a row with its creation date (the
working day it arrived, on the run's dated calendar), its close date and status (Won, Lost,
No decision, or Open at the horizon: a close after it is not known yet), its amount (won
deals), its owner (the named rep of its opportunity stage) and its product.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.model.records import Outcome, ReplicationRun
from simulator.model.window_wins import starting_deals

STATUS = {Outcome.WON: "Won", Outcome.DISQUALIFIED: "Lost", Outcome.NO_DECISION: "No decision"}


def export_frame(run: ReplicationRun) -> pd.DataFrame:
    """The run's opportunities as an export table (dated calendar needed).

    Raises:
        ValueError: The scenario's calendar has no start date.
    """
    scenario, leads, log = run.scenario, run.leads, run.log
    calendar = scenario.calendar
    if calendar.start_date is None:
        raise ValueError("a synthetic export needs a dated calendar (clock.start_date)")
    holidays: list[str] = []
    start = np.busday_offset(np.datetime64(calendar.start_date, "D"), 0, roll="forward", holidays=holidays)
    stage = scenario.opportunity_stage
    reached = np.isfinite(log.stage_enter[:, stage]) & (leads.arrival_day >= 0) & ~starting_deals(run)

    def dates(days: np.ndarray) -> np.ndarray:
        result = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        known = np.isfinite(days)
        result[known] = np.busday_offset(start, np.floor(days[known]).astype(np.int64), holidays=holidays)
        return result

    outcome = log.outcome[reached]
    status = np.array([STATUS.get(Outcome(int(o)), "Open") for o in outcome], dtype=object)
    ended = status != "Open"
    closed = dates(np.where(ended, log.outcome_day[reached], math.nan))
    names = scenario.rep_names or tuple(f"rep_{i}" for i in range(scenario.n_reps))
    rep = log.stage_rep[reached, stage]
    owner = np.array([names[r] if 0 <= r < len(names) and names[r] else f"rep_{r}" for r in rep], dtype=object)
    products = scenario.lead_profile.product_names
    return pd.DataFrame(
        {
            "opportunity_id": [f"S{i:06d}" for i in np.flatnonzero(reached)],
            "created": dates(leads.arrival_day[reached]).astype(str),
            "closed": np.where(ended, closed.astype(str), ""),
            "status": status,
            "amount": np.where(status == "Won", np.round(leads.deal_value[reached], 2), 0.0),
            "owner": owner,
            "product": [products[p] for p in leads.product[reached]],
        }
    )
