"""What the pipelines beside new business did in one replication, as plain arrays.

Pools (target accounts, candidate partners) record each entity's state; customers
record their ARR and fate; renewals and expansion opportunities are one row each.
Metrics read these once at the end (:mod:`simulator.model.pipeline_metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class PoolState(IntEnum):
    """Where a pool entity (target account, candidate partner) ended."""

    UNTOUCHED = 0  # never drawn from the pool
    IN_PROGRESS = 1  # being worked at the horizon
    DROPPED = 2  # failed a stage (no meeting, partner declined)
    DONE = 3  # meeting booked / partner active


class CustomerState(IntEnum):
    """Where a customer ended."""

    ACTIVE = 0
    CHURNED = 1


@dataclass(frozen=True, slots=True)
class PipelineRecord:
    """Everything the extra pipelines produced (arrays per entity or per event)."""

    account_state: np.ndarray  # (A,) PoolState
    account_stage: np.ndarray  # (A,) furthest prospecting stage started, -1 if untouched
    partner_stage: np.ndarray  # (P,) furthest partner stage started, -1 if untouched
    account_first_day: np.ndarray  # (A,) day the account was first worked, NaN if untouched
    partner_first_day: np.ndarray  # (P,) day the candidate partner was first worked, NaN if untouched
    expansion_stage: np.ndarray  # (E,) furthest expansion stage reached
    meeting_day: np.ndarray  # (A,) NaN unless booked
    partner_state: np.ndarray  # (P,) PoolState
    partner_active_day: np.ndarray  # (P,) NaN unless active
    partner_referrals: np.ndarray  # (P,) leads referred
    partner_enablement_hours: np.ndarray  # (P,)
    lead_partner: np.ndarray  # (N,) referring partner of each lead, -1 if none
    customer_state: np.ndarray  # (C,) CustomerState
    customer_initial: np.ndarray  # (C,) bool: in the initial book
    customer_start_day: np.ndarray  # (C,)
    customer_start_arr: np.ndarray  # (C,) ARR when the customer started
    customer_arr: np.ndarray  # (C,) ARR at the horizon (or at churn)
    renewal_customer: np.ndarray  # (R,) one row per renewal decided
    renewal_day: np.ndarray  # (R,)
    renewal_arr: np.ndarray  # (R,) ARR up for renewal
    renewal_churned: np.ndarray  # (R,) bool
    renewal_touches: np.ndarray  # (R,) touches in the term
    expansion_customer: np.ndarray  # (E,) one row per expansion opportunity
    expansion_open_day: np.ndarray  # (E,)
    expansion_end_day: np.ndarray  # (E,) NaN while open
    expansion_value: np.ndarray  # (E,)
    expansion_won: np.ndarray  # (E,) bool
    expansion_rep: np.ndarray  # (E,) int64: rep who worked the last stage worked (the closer of a won one), -1 if none
    rep_busy_by_pipeline: np.ndarray  # (R_reps, pipelines) busy days inside the window
    customer_owner: np.ndarray  # (C,) rep owning the account at the horizon, -1 if none (pooled team, vacancy)
    partner_manager: np.ndarray  # (P,) rep managing the partner at the horizon, -1 if none or not active
