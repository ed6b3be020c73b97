"""The starting state compiled, its luck, and each deal's outcome drawn conditionally on its age.

A deal open for ``a`` working days in a stage that decides after the buyer's delay
(:mod:`simulator.config.decisions`) has three competing outcomes, each with its own
duration: pass (won on the last stage) with probability ``(1 - q) p`` and delay ``D_w``,
loss with ``(1 - q)(1 - p)`` and delay ``D_l``, no decision with ``q`` and delay ``D_n``
(``p`` the deal's conversion with its owner's skill, ``q`` the stage's no-decision share).
Given that none has happened by age ``a``, outcome ``k`` has probability proportional to
``P(k) S_k(a)`` and its remaining time is ``D_k - a`` given ``D_k > a``: exact for
competing risks with outcome-specific durations. A deal in a stage that decides when the
rep's work ends waits for that work, as a new arrival at the stage would. A deal past
every duration's support (no outcome possible) closes at once as no decision.

The starting deals are leads with arrival day ``-age`` (their cycle time counts their
age), placed after the market's leads and every fed source's slots. Their luck comes
from :data:`Stream.INITIAL_PIPELINE`, so the market's leads draw exactly what they did.
"""

from __future__ import annotations

import numpy as np

from simulator.model import sampling
from simulator.model.conditional import remaining, survival
from simulator.model.decisions import quarter_month
from simulator.model.kernel import FloatArray
from simulator.model.lead_attributes import LeadProfile, apply_products
from simulator.model.market import LeadBook, draw_kernel, segments_of
from simulator.model.pipeline import conversion_logit, probability
from simulator.model.records import ReplicationRun
from simulator.model.scenario import Scenario
from simulator.model.streams import Stream, stream
from simulator.model.window_wins import starting_deals

PASS, LOSS, NO_DECISION = 0, 1, 2  # outcomes of a starting deal's decision


def draw_initial_book(scenario: Scenario, seed: int, replication: int) -> LeadBook:
    """The starting deals as leads: given attributes kept, blank ones drawn, luck from their own stream."""
    deals = scenario.initial
    assert deals is not None
    n, n_stages = deals.size, scenario.n_stages

    def gen(*key: int) -> np.random.Generator:
        return stream(seed, replication, Stream.INITIAL_PIPELINE, *key)

    segment = np.where(deals.segment >= 0, deals.segment, segments_of(scenario, sampling.uniform_array(gen(0, 0), n)))
    profile: LeadProfile = scenario.lead_profile
    drawn = []
    for a, (given, cumulative) in enumerate(
        zip((deals.sector, deals.geography, deals.product), profile.cumulative, strict=True)
    ):
        u = sampling.uniform_array(gen(0, 1, a), n)
        rows = cumulative[segment]
        pick = np.minimum((u[:, None] >= rows).sum(axis=1), cumulative.shape[1] - 1).astype(np.int64)
        drawn.append(np.where(given >= 0, given, pick))
    sector, geography, product = drawn
    circle = np.maximum(1, np.rint(draw_kernel(gen(0, 2), scenario.buying_circle, n))).astype(np.int64)
    shape = (n_stages, n)
    effort, delay, conversion = np.empty(shape), np.empty(shape), np.empty(shape)
    handoff, handoff_delay, handoff_extra = np.empty(shape), np.empty(shape), np.empty(shape)
    for s in range(n_stages):
        effort[s] = draw_kernel(gen(1, s, 0), scenario.stage_effort_hours[s], n)
        delay[s] = draw_kernel(gen(1, s, 1), scenario.stage_delay_days[s], n)
        conversion[s] = sampling.uniform_array(gen(1, s, 2), n)
        handoff[s] = sampling.uniform_array(gen(2, s, 0), n)
        handoff_delay[s] = draw_kernel(gen(2, s, 1), scenario.handoff_delay_days, n)
        handoff_extra[s] = draw_kernel(gen(2, s, 2), scenario.handoff_extra_effort_hours, n)
    apply_products(profile, product, deals.amount.copy(), effort, delay)
    return LeadBook(
        arrival_day=-deals.age_days,
        source=np.zeros(n, dtype=np.int64),
        segment=segment.astype(np.int64),
        deal_value=deals.amount.copy(),
        buying_circle=circle,
        effort_hours=effort,
        delay_days=delay,
        conversion_draw=conversion,
        handoff_draw=handoff,
        handoff_delay_days=handoff_delay,
        handoff_extra_hours=handoff_extra,
        sector=sector,
        geography=geography,
        product=product,
        slice=profile.slice_of(segment, sector, geography, product),
    )


def initial_uniforms(scenario: Scenario, seed: int, replication: int) -> FloatArray:
    """Two uniforms per starting deal (its outcome, its remaining time), shape (M, 2)."""
    assert scenario.initial is not None
    result: FloatArray = stream(seed, replication, Stream.INITIAL_PIPELINE, 3).random((scenario.initial.size, 2))
    return result


def pulled_window(scenario: Scenario) -> tuple[float, float]:
    """(share, days): wins due within ``days`` of day 0 were pulled into the quarter before with ``share``."""
    tables = scenario.decisions
    assert tables is not None
    if tables.quarter_end_share <= 0.0:
        return 0.0, 0.0
    ends = tables.quarter_ends
    before = ends[ends <= 0.0]
    if before.size == 0:
        return 0.0, 0.0
    left = float(before.max()) + tables.quarter_end_lookahead_days
    return (tables.quarter_end_share, left) if left > 0.0 else (0.0, 0.0)


def decide_initial(
    scenario: Scenario, book: LeadBook, lead: int, deal: int, skill: float, shift: float, u: FloatArray
) -> tuple[int, float]:
    """Outcome (PASS, LOSS or NO_DECISION) and remaining working days of starting deal ``deal`` given its age.

    ``lead`` is the deal's index in the book, ``skill`` and ``shift`` the owner's skill and
    the owning pod's logit shift, ``u`` the deal's two uniforms. Only for stages deciding
    after the delay. When day 0 falls within a quarter-end lookahead (the run starts at a
    quarter's end), a deal still open was not pulled: its wins due inside the lookahead keep
    ``1 - share`` of their weight.
    """
    deals, tables = scenario.initial, scenario.decisions
    assert deals is not None and tables is not None
    stage, age = int(deals.stage[deal]), float(deals.age_days[deal])
    z = conversion_logit(scenario, stage, 0, int(book.buying_circle[lead]), skill, None, shift)
    p = probability(z)
    q = float(deals.no_decision[deal]) if np.isfinite(deals.no_decision[deal]) else float(tables.no_decision[stage])
    cycle = float(scenario.lead_profile.product_cycle_multiplier[book.product[lead]])
    won_k, lost_k, none_k = (
        scenario.stage_delay_days[stage],
        tables.lost_delay_days[stage],
        tables.no_decision_days[stage],
    )
    by_month = tables.by_quarter_month[stage]
    month = quarter_month(tables, -age) if by_month is not None else -1
    if by_month is not None and month >= 0:
        won_k, lost_k = by_month[month]
    share, window = pulled_window(scenario) if stage == scenario.n_stages - 1 else (0.0, 0.0)
    s_now, s_later = survival(won_k, age, cycle), survival(won_k, age + window, cycle)
    w_inside = (1.0 - q) * p * (1.0 - share) * (s_now - s_later)  # a win due inside the lookahead, not pulled
    w_after = (1.0 - q) * p * s_later  # a win due after it
    w_lost = (1.0 - q) * (1.0 - p) * survival(lost_k, age, cycle)
    w_none = q * survival(none_k, age, cycle) if q > 0 else 0.0
    # Sums in this order, as the fast engine's copy (engines/fast/starting.py) adds them.
    cumulative = (w_inside, w_inside + w_after, w_inside + w_after + w_lost, w_inside + w_after + w_lost + w_none)
    total = cumulative[3]
    if total <= 0.0:
        return NO_DECISION, 0.0
    pick = min(sum(1 for c in cumulative if c / total <= u[0]), 3)
    if pick == 0:
        return PASS, remaining(won_k, age, float(u[1]), cycle, age + window)
    if pick == 1:
        return PASS, remaining(won_k, age + window, float(u[1]), cycle) + window
    if pick == 2:
        return LOSS, remaining(lost_k, age, float(u[1]), cycle)
    return NO_DECISION, remaining(none_k, age, float(u[1]), cycle)


def worked_before_day_0(run: ReplicationRun, leads: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """Whether each lead is a starting deal still at its first stage, worked before day 0, waiting for the buyer.

    A starting deal of a stage that decides after the buyer's delay enters the run with
    that stage's work done (no start day recorded), so it is in the buyer's hands, not
    in a queue; one of any other stage joins the stage's queue like a new lead.
    """
    tables = run.scenario.decisions
    if tables is None or leads.size == 0 or run.scenario.initial is None:  # no starting deal: none worked before
        return np.zeros(leads.size, dtype=np.bool_)
    entered = np.isfinite(run.log.stage_enter[leads])
    first = np.argmax(entered, axis=1)  # a starting deal enters the run at the stage it was open at
    starting = starting_deals(run)[leads]
    return np.asarray(starting & (first == stage) & tables.after_delay[stage], dtype=np.bool_)
