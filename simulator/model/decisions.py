"""Decisions that take effect after the buyer's delay, no decisions, and quarter-end pulls (compiled form).

See :mod:`simulator.config.decisions` for the options. A scenario without any of them
compiles to ``Scenario.decisions = None`` and the engine takes no new branch and draws
nothing new, so its numbers are unchanged.

Luck: each lead's decision luck (a no-decision uniform, its loss delay, its no-decision
delay, a quarter-end pull uniform and the pulled day's position) comes from its own
stream :data:`Stream.DECISION_LUCK`, keyed by the block of leads (0: the Poisson leads,
``1 + k``: the slots of fed source ``k``, :data:`INITIAL_BLOCK`: the starting deals), the
stage and the kind of draw, so the other streams are untouched and a lead's decision luck
is the same in every scenario of one seed (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.config.schema import ScenarioConfig, StageConfig
from simulator.model import sampling
from simulator.model.kernel import FloatArray, Kernel
from simulator.model.streams import Stream, stream

INITIAL_BLOCK = 10_000  # block key of the starting deals' decision luck


@dataclass(frozen=True, slots=True)
class DecisionTables:
    """Per stage (S,): the decision options; quarter-end figures; ``quarter_ends``: working days a quarter ends."""

    after_delay: np.ndarray  # (S,) bool: the outcome takes effect after the buyer's delay
    no_decision: FloatArray  # (S,) share of decisions ending with no decision
    lost_delay_days: tuple[Kernel, ...]  # (S,) buyer's delay before a loss closes (after_delay stages)
    no_decision_days: tuple[Kernel, ...]  # (S,) days from the end of the work to a no-decision close
    quarter_end_share: float
    quarter_end_window_days: float
    quarter_end_lookahead_days: float
    quarter_ends: FloatArray  # (Q,) working day on which each calendar quarter ends (the next one starts)
    # per stage: None, or (won, lost) kernels for deals created in the 1st, 2nd and 3rd month of a quarter
    by_quarter_month: tuple[tuple[tuple[Kernel, Kernel], ...] | None, ...] = ()
    month_start: FloatArray | None = None  # the calendar's month starts (month 0 is a January)


@dataclass(frozen=True, slots=True)
class DecisionLuck:
    """Each lead's decision draws, stage-major (S, N) like the rest of its luck."""

    no_decision_draw: FloatArray
    lost_delay_days: FloatArray
    no_decision_days: FloatArray
    pull_draw: FloatArray
    pull_position: FloatArray
    won_by_month: FloatArray | None = None  # (3, S, N) won delays as if created in each month of a quarter
    lost_by_month: FloatArray | None = None  # (3, S, N)


def _by_month(stage: StageConfig) -> tuple[tuple[Kernel, Kernel], ...] | None:
    if stage.delays_by_quarter_month is None:
        return None
    lost = stage.lost_delay_days or stage.delay_days
    return tuple((Kernel.of(m.delay_days), Kernel.of(m.lost_delay_days or lost)) for m in stage.delays_by_quarter_month)


def quarter_month(tables: DecisionTables, day: float) -> int:
    """0, 1 or 2: the month of its quarter that working day ``day`` falls in; -1 before the calendar starts."""
    assert tables.month_start is not None
    month = int(np.searchsorted(tables.month_start, day, side="right")) - 1
    return month % 3 if month >= 0 else -1


def compile_decisions(
    config: ScenarioConfig, quarter_ends: FloatArray, month_start: FloatArray
) -> DecisionTables | None:
    """The decision tables of a scenario, or None when no stage uses any option."""
    stages = config.pipeline.stages
    quarter = config.pipeline.quarter_end
    if not any(s.decide_after_delay or s.no_decision > 0 for s in stages) and quarter.share == 0:
        return None
    return DecisionTables(
        after_delay=np.array([s.decide_after_delay for s in stages], dtype=np.bool_),
        no_decision=np.array([s.no_decision for s in stages], dtype=np.float64),
        lost_delay_days=tuple(Kernel.of(s.lost_delay_days or s.delay_days) for s in stages),
        no_decision_days=tuple(Kernel.of(s.no_decision_days or s.delay_days) for s in stages),
        quarter_end_share=float(quarter.share),
        quarter_end_window_days=float(quarter.window_days),
        quarter_end_lookahead_days=float(quarter.lookahead_days),
        quarter_ends=np.asarray(quarter_ends, dtype=np.float64),
        by_quarter_month=tuple(_by_month(s) for s in stages),
        month_start=np.asarray(month_start, dtype=np.float64),
    )


def draw_decision_luck(
    tables: DecisionTables, seed: int, replication: int, block: int, count: int, cycle: FloatArray
) -> DecisionLuck:
    """Decision luck of ``count`` leads of one block; delays scaled by each lead's product ``cycle`` multiplier."""
    n_stages = tables.no_decision.shape[0]
    shape = (n_stages, count)
    out = [np.empty(shape) for _ in range(5)]
    for s in range(n_stages):
        gen = stream(seed, replication, Stream.DECISION_LUCK, block, s)
        out[0][s] = sampling.uniform_array(gen, count)
        stage_lost, undecided = tables.lost_delay_days[s], tables.no_decision_days[s]
        out[1][s] = sampling.draw_array(gen, stage_lost.code, stage_lost.params, count) * cycle
        out[2][s] = sampling.draw_array(gen, undecided.code, undecided.params, count) * cycle
        out[3][s] = sampling.uniform_array(gen, count)
        out[4][s] = sampling.uniform_array(gen, count)
    won = lost = None
    if any(m is not None for m in tables.by_quarter_month):
        won, lost = np.zeros((3, n_stages, count)), np.zeros((3, n_stages, count))
        for s, kernels in enumerate(tables.by_quarter_month):
            if kernels is None:
                continue
            for m, (won_kernel, lost_kernel) in enumerate(kernels):
                gen = stream(seed, replication, Stream.DECISION_LUCK, block, s, 1 + m)
                won[m, s] = sampling.draw_array(gen, won_kernel.code, won_kernel.params, count) * cycle
                lost[m, s] = sampling.draw_array(gen, lost_kernel.code, lost_kernel.params, count) * cycle
    return DecisionLuck(out[0], out[1], out[2], out[3], out[4], won_by_month=won, lost_by_month=lost)


def concatenate_luck(parts: list[DecisionLuck]) -> DecisionLuck:
    """One block of luck of several, joined along leads."""
    joined: dict[str, Any] = {}
    for name in DecisionLuck.__slots__:
        arrays = [getattr(p, name) for p in parts]
        joined[name] = None if arrays[0] is None else np.concatenate(arrays, axis=arrays[0].ndim - 1)
    return DecisionLuck(**joined)


def pulled_close(tables: DecisionTables, now: float, close: float, pull_draw: float, position: float) -> float:
    """The day a win due on ``close`` (decided on ``now``) closes, after the quarter-end effect.

    A win due within ``lookahead_days`` after a quarter's end ``q`` (``q <= close < q +
    lookahead``) decided before ``q`` is pulled with probability ``share`` to a day uniform
    in ``[max(now, q - window), q)``.
    """
    if tables.quarter_end_share <= 0.0 or pull_draw >= tables.quarter_end_share:
        return close
    ends = tables.quarter_ends
    i = int(np.searchsorted(ends, close, side="right")) - 1
    if i < 0:
        return close
    q = float(ends[i])
    if close - q >= tables.quarter_end_lookahead_days or now >= q:
        return close
    lo = max(now, q - tables.quarter_end_window_days)
    return lo + position * (q - lo)


def quarter_end_days(quarter_edges: FloatArray) -> FloatArray:
    """Working days on which quarters end, from the calendar's quarter edges (finite ones)."""
    edges = np.asarray(quarter_edges, dtype=np.float64)
    return edges[np.isfinite(edges) & (edges > -math.inf)]
