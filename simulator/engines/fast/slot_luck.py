"""The lead slots of a fed source, drawn in two compiled batches instead of one stream at a time.

The same leads as :func:`simulator.model.pipeline_luck.draw_slot_leads` (the SimPy
engine's), number for number: each quantity of a slot (segment, deal value, buying
circle, and at each stage effort, buyer delay, conversion uniform, hand-off uniform,
hand-off delay and extra hours) comes from its own stream of ``Stream.FED_LEADS``, keyed
by the source, and those 3 + 6 x stages streams are seeded and drawn in compiled code
(:func:`.seeding.draw_rows`). One source's 39 streams cost about 1 ms drawn one at a
time from Python, mostly making the streams and calling NumPy; here a few tenths of that.
"""

from __future__ import annotations

import numpy as np

from simulator.engines.fast import seeding
from simulator.model.kernel import Kernel
from simulator.model.market import LeadBook
from simulator.model.pipeline_luck import slot_book
from simulator.model.scenario import Scenario
from simulator.model.streams import Stream

# Each stage's six quantities, in the order of their keys: (1, stage, 0..2) then (2, stage, 0..2).
_STAGE_KEYS = ((1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2))


def draw_slot_leads(scenario: Scenario, seed: int, replication: int, source: int, count: int) -> LeadBook:
    """``count`` leads of fed source ``source``, arrival unknown (NaN) until the pipeline creates them.

    Args:
        scenario: The compiled scenario.
        seed: Root seed of the experiment.
        replication: Index of the replication.
        source: The fed source (its index among the scenario's sources).
        count: Slots whose luck is drawn (a prefix: the same numbers as a larger draw).

    Returns:
        A book of ``count`` leads, arrays (N,) and (stages, N), equal to the model's.
    """
    head_kernels: list[Kernel | None] = [None, scenario.deal_value, scenario.buying_circle]
    codes, params = seeding.kernel_rows(head_kernels)
    head_keys = np.array([(source, 0, q) for q in range(3)])
    head = seeding.draw_rows(seed, replication, Stream.FED_LEADS, head_keys, codes, params, count)
    n_stages = scenario.n_stages
    stages = range(n_stages)
    # quantity by quantity, stage by stage: each quantity's (stages, count) rows one contiguous block
    # (each row is its own stream, so the order of the rows changes no number)
    kernels: list[Kernel | None] = [
        *(scenario.stage_effort_hours[s] for s in stages),
        *(scenario.stage_delay_days[s] for s in stages),
        *(None for _ in range(2 * n_stages)),
        *(scenario.handoff_delay_days for _ in stages),
        *(scenario.handoff_extra_effort_hours for _ in stages),
    ]
    keys = [(source, block, s, q) for block, q in _STAGE_KEYS for s in stages]
    codes, params = seeding.kernel_rows(kernels)
    rows = seeding.draw_rows(seed, replication, Stream.FED_LEADS, np.array(keys), codes, params, count)
    luck = tuple(rows.reshape(len(_STAGE_KEYS), n_stages, count))  # views, no copies
    return slot_book(scenario, seed, replication, source, (head[0], head[1].copy(), head[2]), luck)
