"""The customer book beside the team that owns it and the new ARR the window brought.

Two figures a sales leader checks against published ranges (BENCHMARKS.md, Retention and
expansion), computed per replication so each carries its own 95% CI:

- ``customer_arr`` ($): ARR of the customers active at the window's end (the horizon),
  expansions won included; and ``customer_arr_per_rep_<team>`` ($ per rep): that ARR over
  the mean headcount, inside the window, of the team owning customer accounts (the team
  of ``retention.renewal.checkin_role``, else the team of the first renewal stage: the
  CSMs in the shipped organisation). ~$1.7M ARR per CSM (ClientSuccess survey of ~600
  firms, second-hand).
- ``expansion_share_of_new_arr`` (share): expansion bookings over new ARR, that is
  expansion bookings plus new-customer bookings, both won inside the window. Expansion is
  ~40% of new ARR, over 50% above $50M ARR (Benchmarkit 2025).

Scenarios without a customer book (no retention pipeline) have neither; a scenario without
an expansion pipeline has no expansion share.
"""

from __future__ import annotations

import numpy as np

from simulator.model.multi_pipeline import EXPANSION, RENEWAL
from simulator.model.pipeline_records import CustomerState
from simulator.model.records import Outcome, ReplicationRun
from simulator.model.window_wins import expansion_won_in_window
from simulator.model.workforce import employed_days


def book_kpis(run: ReplicationRun) -> dict[str, float]:
    """``customer_arr``, ``customer_arr_per_rep_<owner team>`` and ``expansion_share_of_new_arr`` of one run."""
    record, sc = run.pipelines, run.scenario
    tables = sc.pipelines
    if record is None or tables is None or tables.stages[RENEWAL] is None:
        return {}
    lo, hi = sc.warmup_days, sc.horizon_days
    row: dict[str, float] = {}
    book = float(record.customer_arr[record.customer_state == CustomerState.ACTIVE].sum())
    row["customer_arr"] = book
    if tables.owner_team >= 0 and hi > lo:
        employed = employed_days(run.rep_hire_day, run.rep_leave_day, lo, hi)
        owners = float(employed[run.rep_team == tables.owner_team].sum()) / (hi - lo)
        name = sc.team_names[tables.owner_team]
        row[f"customer_arr_per_rep_{name}"] = book / owners if owners > 0 else float("nan")
    if tables.stages[EXPANSION] is not None:
        expansion = float(record.expansion_value[expansion_won_in_window(run)].sum())
        with np.errstate(invalid="ignore"):
            won = (run.log.outcome == Outcome.WON) & (run.log.outcome_day >= lo) & (run.log.outcome_day < hi)
        new_customers = float(run.leads.deal_value[won].sum())
        total = expansion + new_customers
        row["expansion_share_of_new_arr"] = expansion / total if total > 0 else float("nan")
    return row
