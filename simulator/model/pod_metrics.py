"""KPIs of pods and products, appended to a replication's KPI row.

- ``overflow_share_<team>`` for every pod (a team serving part of the leads) and every
  team with its own overflow rule: the share of the stage visits routed to the team
  inside the window that overflow sent to another pod, with ``overflow_visits_<team>``,
  those visits. NaN for a pod without a rule of its own (as ``sla_breach_<stage>`` of a
  stage without an SLA): nothing can be sent, and a 0 there had read as a share sampled
  at 0, "0.0% (0.0% to 9.3%)" over 40 runs, where none could be sent in any run.
- ``win_rate_product_<p>`` and ``bookings_product_<p>`` for every configured product,
  with the same definitions as ``win_rate`` and ``bookings``, and
  ``opportunities_decided_product_<p>``, the win rate's denominator (as ``opportunities_decided``).

Each share's denominator is NaN where the share is: the trials of its interval when the
share is 0 (or 1) in every run (:func:`simulator.analysis.quantities.trial_columns`).

With neither pods nor products configured nothing is added, so today's rows are unchanged.
"""

from __future__ import annotations

import numpy as np

from simulator.model.masks import any_by_row
from simulator.model.pods import NO_OVERFLOW
from simulator.model.ratios import trials
from simulator.model.records import Outcome, ReplicationRun


def pod_kpis(run: ReplicationRun, won: np.ndarray, closed_opportunity: np.ndarray) -> dict[str, float]:
    """Pod and product KPIs of one replication.

    Args:
        run: The replication.
        won: (N,) leads won inside the window.
        closed_opportunity: (N,) opportunities won or lost inside the window (win rate's denominator).
    """
    sc, row = run.scenario, {}
    pods = sc.pods
    counts = run.overflow_counts
    for t, team in enumerate(sc.team_names):
        if not (pods.team_is_pod[t] or (pods.overflow_target[t] != NO_OVERFLOW)):
            continue
        visits, sent = 0.0, 0.0  # no rule of its own: no share
        if counts is not None and pods.overflow_target[t] != NO_OVERFLOW:
            visits, sent = counts[t]
        row[f"overflow_share_{team}"] = float(sent / visits) if visits > 0 else float("nan")
        row[f"overflow_visits_{team}"] = trials(visits)
    profile = sc.lead_profile
    if profile.products_configured:
        for p, product in enumerate(profile.product_names):
            mine = run.leads.product == p
            n_won, n_closed = float((won & mine).sum()), float((closed_opportunity & mine).sum())
            row[f"win_rate_product_{product}"] = n_won / n_closed if n_closed > 0 else float("nan")
            row[f"opportunities_decided_product_{product}"] = trials(n_closed)
            row[f"bookings_product_{product}"] = float(run.leads.deal_value[won & mine].sum())
    return row


def closed_opportunities(run: ReplicationRun, ended: np.ndarray) -> np.ndarray:
    """(N,) leads that reached the opportunity stage and were won or lost inside the window."""
    log = run.log
    opportunity = reached_opportunity(run)
    result: np.ndarray = ended & (log.outcome != Outcome.OPEN) & (log.outcome != Outcome.NO_DECISION) & opportunity
    return result


def reached_opportunity(run: ReplicationRun) -> np.ndarray:
    """(N,) leads that entered the pipeline's opportunity stage or a later one (once per run)."""
    stages = run.log.stage_enter[:, run.scenario.opportunity_stage :]
    found: np.ndarray = run.once("reached_opportunity", lambda: any_by_row(np.isfinite(stages)))
    return found
