"""Starting deals' decisions in compiled code: outcome and remaining time given the deal's age.

A compiled copy of :func:`simulator.model.initial_pipeline.decide_initial` for the deals
whose three durations (won, lost, no decision) are constant or empirical, as a calibrated
company's are: the same terms added in the same order, so both engines give the same
numbers (``tests/test_engines.py``). A deal with another kind of duration needs SciPy's
distribution functions: the loop stops for it (``NEED_DEAL``) and Python draws it.

The tables are the same for every replication of a scenario; only each deal's product
(its cycle multiplier), buying circle and owner change.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from simulator.engines.fast.memo import ByScenario
from simulator.engines.fast.param_arrays import Params
from simulator.model import sampling
from simulator.model.conditional import empirical_steps
from simulator.model.decisions import quarter_month
from simulator.model.initial_pipeline import LOSS, NO_DECISION, PASS, pulled_window
from simulator.model.kernel import FloatArray, Kernel
from simulator.model.odds import compiled_probability as probability
from simulator.model.scenario import Scenario

CONSTANT, EMPIRICAL, OTHER = 0, 1, 2

_TABLES: ByScenario[dict[str, Any]] = ByScenario()  # the tables of each of the last scenarios


def deal_odds(scenario: Scenario) -> dict[str, Any]:
    """The starting deals' decision tables, as fields of :class:`~.param_arrays.Params` (empty when there are none).

    ``deal_kernels`` (M, 3): each deal's won, lost and no-decision duration (the month of
    the quarter it was created in chooses among by-month delays), an index into the
    kernel tables ``kernel_kind`` (K,), ``kernel_values`` and ``kernel_cum`` (K, V) (an
    empirical kernel's steps; a constant's value first), ``kernel_count`` (K,).
    """
    cached = _TABLES.get(scenario)
    if cached is not None:
        return cached
    deals, tables = scenario.initial, scenario.decisions
    m = deals.size if deals is not None and tables is not None else 0
    kernels: list[Kernel] = []
    seen: dict[tuple[int, bytes], int] = {}

    def index(kernel: Kernel) -> int:
        key = (int(kernel.code), np.asarray(kernel.params, dtype=np.float64).tobytes())
        if key not in seen:
            seen[key] = len(kernels)
            kernels.append(kernel)
        return seen[key]

    chosen = np.zeros((m, 3), dtype=np.int64)
    q = np.zeros(m)
    for d in range(m):
        assert deals is not None and tables is not None
        stage, age = int(deals.stage[d]), float(deals.age_days[d])
        q[d] = float(deals.no_decision[d]) if np.isfinite(deals.no_decision[d]) else float(tables.no_decision[stage])
        won, lost = scenario.stage_delay_days[stage], tables.lost_delay_days[stage]
        by_month = tables.by_quarter_month[stage]
        month = quarter_month(tables, -age) if by_month is not None else -1
        if by_month is not None and month >= 0:
            won, lost = by_month[month]
        chosen[d] = index(won), index(lost), index(tables.no_decision_days[stage])
    steps = [_steps(k) for k in kernels]
    width = max((len(v) for _, v, _ in steps), default=1) or 1
    values, cum = np.zeros((max(len(steps), 1), width)), np.zeros((max(len(steps), 1), width))
    for k, (_, v, c) in enumerate(steps):
        values[k, : len(v)], cum[k, : len(c)] = v, c
    kind = np.array([s[0] for s in steps] or [OTHER], dtype=np.int64)
    share, window = pulled_window(scenario) if m else (0.0, 0.0)
    fields = {
        "deal_age": np.ascontiguousarray(deals.age_days if m and deals is not None else np.zeros(0), dtype=np.float64),
        "deal_q": q,
        "deal_kernels": chosen,
        "deal_compiled": np.array([bool((kind[chosen[d]] != OTHER).all()) for d in range(m)], dtype=np.bool_),
        "kernel_kind": kind,
        "kernel_values": values,
        "kernel_cum": cum,
        "kernel_count": np.array([len(s[1]) for s in steps] or [0], dtype=np.int64),
        "pull_share": float(share),
        "pull_window": float(window),
    }
    _TABLES.put(scenario, fields)
    return fields


def _steps(kernel: Kernel) -> tuple[int, FloatArray, FloatArray]:
    if kernel.code == sampling.CONSTANT:
        return CONSTANT, np.array([float(kernel.params[0])]), np.ones(1)
    if kernel.code == sampling.EMPIRICAL:
        values, cum = empirical_steps(kernel.params)
        return EMPIRICAL, np.asarray(values, dtype=np.float64), np.asarray(cum, dtype=np.float64)
    return OTHER, np.zeros(0), np.zeros(0)


@njit(cache=True)
def survival(kind: int, values: FloatArray, cum: FloatArray, count: int, age: float, scale: float) -> float:
    """``model.conditional.survival`` of a constant or empirical kernel."""
    a = age / scale
    if kind == CONSTANT:
        return 1.0 if values[0] > a else 0.0
    i = np.searchsorted(values[:count], a, side="right")
    return 1.0 - cum[i - 1] if i > 0 else 1.0


@njit(cache=True)
def remaining(
    kind: int, values: FloatArray, cum: FloatArray, count: int, age: float, u: float, scale: float, upper: float
) -> float:
    """``model.conditional.remaining`` of a constant or empirical kernel."""
    a, b = age / scale, upper / scale
    if kind == CONSTANT:
        return max(values[0] * scale - age, 0.0)
    first, last = -1, -1
    for i in range(count):
        if values[i] > a and values[i] <= b:
            if first < 0:
                first = i
            last = i
    if first < 0:
        return 0.0 if math.isinf(upper) else max(upper - age, 0.0)
    lo = cum[first - 1] if first > 0 else 0.0
    target = lo + u * (cum[last] - lo)
    i = min(max(np.searchsorted(cum[:count], target, side="right"), first), last)
    return values[i] * scale - age


@njit(cache=True)
def decide(p: Params, d: int, stage: int, z: float, cycle: float, u_pick: float, u_time: float) -> tuple[int, float]:
    """``decide_initial`` for deal ``d`` given the logit ``z`` of its owner and the cycle multiplier."""
    prob = probability(z)
    q, age = p.deal_q[d], p.deal_age[d]
    won, lost, none = p.deal_kernels[d, 0], p.deal_kernels[d, 1], p.deal_kernels[d, 2]
    kind, values, cum, count = p.kernel_kind, p.kernel_values, p.kernel_cum, p.kernel_count
    share, window = (p.pull_share, p.pull_window) if stage == p.n_stages - 1 else (0.0, 0.0)
    s_now = survival(kind[won], values[won], cum[won], count[won], age, cycle)
    s_later = survival(kind[won], values[won], cum[won], count[won], age + window, cycle)
    w_inside = (1.0 - q) * prob * (1.0 - share) * (s_now - s_later)
    w_after = (1.0 - q) * prob * s_later
    w_lost = (1.0 - q) * (1.0 - prob) * survival(kind[lost], values[lost], cum[lost], count[lost], age, cycle)
    w_none = q * survival(kind[none], values[none], cum[none], count[none], age, cycle) if q > 0 else 0.0
    c0 = w_inside
    c1 = w_inside + w_after
    c2 = w_inside + w_after + w_lost
    total = w_inside + w_after + w_lost + w_none
    if total <= 0.0:
        return NO_DECISION, 0.0
    pick = (c0 / total <= u_pick) + (c1 / total <= u_pick) + (c2 / total <= u_pick) + (total / total <= u_pick)
    pick = min(pick, 3)
    if pick == 0:
        return PASS, remaining(kind[won], values[won], cum[won], count[won], age, u_time, cycle, age + window)
    if pick == 1:
        return PASS, remaining(
            kind[won], values[won], cum[won], count[won], age + window, u_time, cycle, math.inf
        ) + window
    if pick == 2:
        return LOSS, remaining(kind[lost], values[lost], cum[lost], count[lost], age, u_time, cycle, math.inf)
    return NO_DECISION, remaining(kind[none], values[none], cum[none], count[none], age, u_time, cycle, math.inf)
