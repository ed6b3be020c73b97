"""The decision luck of one run, block by block, as both engines draw it.

The leads of a run are the market's leads, then the slots of each fed source, then the
starting deals; each part draws its decision luck from its own block of
:data:`~simulator.model.streams.Stream.DECISION_LUCK` (see
:mod:`simulator.model.decisions`), so adding a part never changes another's draws.
"""

from __future__ import annotations

import numpy as np

from simulator.model.decisions import INITIAL_BLOCK, DecisionLuck, concatenate_luck, draw_decision_luck
from simulator.model.market import LeadBook
from simulator.model.pipeline_luck import select
from simulator.model.scenario import Scenario


def run_decision_luck(
    scenario: Scenario,
    seed: int,
    replication: int,
    leads: LeadBook,
    market_size: int,
    slot_start: dict[int, int],
    first_initial: int,
) -> DecisionLuck:
    """Decision luck of every lead of the run, arrays (S, N) over the run's ``N`` leads in order.

    Args:
        scenario: The compiled scenario; its ``decisions`` must be configured.
        seed: Root seed of the experiment.
        replication: Index of the replication.
        leads: Every lead of the run, in order.
        market_size: The market's leads come first (indices below it).
        slot_start: Index of each fed source's first slot (they follow the market's leads).
        first_initial: Index of the first starting deal (they come last).
    """
    tables = scenario.decisions
    assert tables is not None
    index = np.arange(leads.size)
    blocks = [(0, select(leads, index < market_size))]
    blocks += [
        (1 + k, select(leads, (index >= start) & (index < first_initial) & (leads.source == k)))
        for k, start in sorted(slot_start.items())
    ]
    blocks.append((INITIAL_BLOCK, select(leads, index >= first_initial)))
    cycle = scenario.lead_profile.product_cycle_multiplier
    configured = scenario.lead_profile.products_configured
    parts = [
        draw_decision_luck(
            tables, seed, replication, key, book.size, cycle[book.product] if configured else np.ones(book.size)
        )
        for key, book in blocks
    ]
    return concatenate_luck(parts)
