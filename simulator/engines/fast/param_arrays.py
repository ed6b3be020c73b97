"""The scenario as the fast engine's compiled loop reads it: one named tuple of flat numbers and arrays.

Read only during a run (built once per scenario by :mod:`simulator.engines.fast.params`);
the state the run changes is :mod:`simulator.engines.fast.state`. Indices as there: ``S``
stages, ``T`` teams, ``X`` slices, ``RC`` rep slots.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.model.kernel import FloatArray, IntArray

BoolArray = np.ndarray


class Params(NamedTuple):
    """The scenario as flat numbers."""

    horizon: float
    warmup: float
    n_stages: int
    n_teams: int
    n_arriving: int  # leads released at their drawn arrival time (slots of fed sources come after)
    stage_base_logit: FloatArray  # (S,)
    stage_max_wait: FloatArray  # (S,)
    stage_circle_sensitive: BoolArray  # (S,)
    source_lift: FloatArray  # (K,)
    source_speed: BoolArray  # (K,) a slow first touch lowers the first worked stage's conversion
    skill_weight: float
    circle_reference: float
    circle_per_person: float
    speed_scale: float
    speed_exponent: float
    handoff_loss: float
    routing: IntArray  # (S, X)
    team_logit: FloatArray  # (T, X)
    team_pooled: BoolArray  # (T,)
    team_least_loaded: BoolArray  # (T,) else round robin (for owner policies)
    team_by_share: BoolArray  # (T,) owners drawn by the reps' shares of new leads
    team_hire_share: FloatArray  # (T,) a new rep's share (the mean of its team's day-0 shares)
    team_closest: BoolArray  # (T,) closest_to_close priority, else fifo
    team_order: FloatArray  # (T,) 1: the oldest queued item first, -1: the newest (newest_first)
    team_rank: FloatArray  # (T, 5) rank of each pipeline in the team's priority order
    team_selling_hours: FloatArray  # (T,)
    team_skill_mean: FloatArray  # (T,)
    team_skill_sd: FloatArray  # (T,)
    overflow: bool
    overflow_target: IntArray  # (T,)
    overflow_queue_length: FloatArray  # (T,)
    overflow_wait: FloatArray  # (T,)
    overflow_eligible: BoolArray  # (S, T)
    # workforce
    dynamic: bool
    ramp_productivity: FloatArray  # (T, M) padded with 1.0
    ramp_skill: FloatArray  # (T, M) padded with 0.0
    ramp_n_productivity: IntArray  # (T,)
    ramp_n_skill: IntArray  # (T,)
    days_per_month: float
    attrition: FloatArray  # (T,) leavers per rep and working day
    backfill: BoolArray  # (T,) a leaver's seat is refilled
    coaching_rate: FloatArray  # (T,)
    coaching_best: BoolArray  # (T,)
    coaching: bool
    month_ends: FloatArray  # (E,)
    reassignment_loss: float
    # pipelines beside new business (see model.multi_pipeline.PipelineTables)
    pipelines: bool
    retention: bool
    has_expansion: bool
    team_reserved: FloatArray  # (T, 5) reserved hours per working day of each pool pipeline
    team_idle_work: IntArray  # (T,) pipeline idle time goes to, -1 none
    team_prm: BoolArray  # (T,)
    team_duties: IntArray  # (T,) pool pipelines a rep of the team works: bit 1 prospecting, bit 2 partner
    pool_size: IntArray  # (2,) target accounts, candidate partners (pool 0 prospecting, 1 partner)
    pool_stages: IntArray  # (2,)
    pool_base_logit: FloatArray  # (2, stages)
    prospecting_block: int
    prm_effort_factor: float
    prm_conversion_lift: float
    max_partners: int
    enablement_interval: float
    enablement_retention: float
    referral_base: float
    referral_max: float
    referral_scale: float
    prospecting_source: int
    partner_source: int
    slot_start: IntArray  # (K,) lead index of each fed source's first slot
    slot_count: IntArray  # (K,) its slots (0 for a Poisson source)
    initial_customers: int
    contract_days: float
    renewal_lead_days: float
    churn_logit: float
    reference_load: float
    load_logit: float
    size_logit: float
    reference_arr: float
    touch_logit: float
    reference_touches: float
    checkin_interval: float
    owner_team: int
    expansion_per_day: float
    renewal_team: IntArray  # (Sr,)
    expansion_team: IntArray  # (Se,)
    expansion_base_logit: FloatArray  # (Se,)
    # buyer decisions (see model.decisions; off, with empty tables, when none is configured)
    decisions: bool
    stage_after_delay: BoolArray  # (S,) the outcome takes effect after the buyer's delay
    stage_no_decision: FloatArray  # (S,) share of decisions ending with no decision
    stage_by_month: BoolArray  # (S,) its delays follow the month of the quarter the deal was created in
    month_start: FloatArray  # (M,) the calendar's month starts
    quarter_ends: FloatArray  # (Q,) working days on which quarters end
    quarter_share: float
    quarter_window: float
    quarter_lookahead: float
    # the starting open pipeline (see model.initial_deals): deal d is lead first_initial + d
    first_initial: int
    deal_stage: IntArray  # (M,)
    deal_named: IntArray  # (M,) its named owner's rep slot, -1 the team's rule
    deal_age: FloatArray  # (M,) working days it has been open on day 0
    deal_q: FloatArray  # (M,) its chance of ending with no decision
    deal_kernels: IntArray  # (M, 3) its won, lost and no-decision durations (kernel index, see .starting)
    deal_compiled: BoolArray  # (M,) its decision is drawn in compiled code (constant or empirical durations)
    kernel_kind: IntArray  # (K,) .starting.CONSTANT, EMPIRICAL or OTHER
    kernel_values: FloatArray  # (K, V) an empirical kernel's values in increasing order
    kernel_cum: FloatArray  # (K, V) their cumulative probabilities
    kernel_count: IntArray  # (K,)
    pull_share: float  # wins due within pull_window days of day 0 were pulled before it with this share
    pull_window: float
