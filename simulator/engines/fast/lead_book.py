"""The leads of a fast-engine run: the market's, the drawn slots of each fed source, the starting deals.

The SimPy engine's run holds every slot a fed source may use (a bound well above what a
run creates: 5,922 booked-meeting slots in the default organisation, of which some 700
are used), each with its luck drawn. The fast engine holds only the slots whose luck it
draws (a prefix of each source's slots, grown when a run reaches its end: ``Room.slot_prefixes``),
so its leads' arrays are about half as long. The luck keyed by a lead's index (a won
deal's customer luck, a by-share owner draw, the digital-first draw) and the decision
luck, drawn by blocks as long as the SimPy engine's, follow the SimPy engine's indices:
``keys`` maps each lead here to its index there.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from simulator.engines.fast import slot_luck
from simulator.model.decisions import INITIAL_BLOCK, DecisionLuck, concatenate_luck, draw_decision_luck
from simulator.model.initial_pipeline import draw_initial_book
from simulator.model.market import LeadBook
from simulator.model.pipeline_luck import concatenate, digital_entry_stages
from simulator.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class RunLeads:
    """Every lead of a run and their luck, in the SimPy engine's order, the undrawn slots left out."""

    book: LeadBook
    slot_start: dict[int, int]  # each fed source's first slot (an index here)
    n_arriving: int  # the market's leads, released at their drawn arrival days
    first_initial: int  # the first starting deal (they come last)
    decisions: DecisionLuck | None
    entry: np.ndarray  # (N,) each lead's entry stage
    slots: tuple[int, ...]  # slots of each source whose luck is drawn (a prefix; fed sources only)
    keys: np.ndarray  # (N,) each lead's index in the SimPy engine's run
    total: int  # leads in the SimPy engine's run


@dataclass(frozen=True, slots=True)
class _Block:
    """A part of the run's leads: its decision-luck block, its rows here, and its length in the SimPy engine."""

    key: int
    first: int
    rows: int
    length: int


def run_leads(scenario: Scenario, seed: int, replication: int, market: LeadBook, slots: tuple[int, ...]) -> RunLeads:
    """The run's leads, the luck of the first ``slots[k]`` slots of fed source ``k`` drawn (no room for the rest)."""
    parts, keys, blocks = [market], [np.arange(market.size)], [_Block(0, 0, market.size, market.size)]
    slot_start: dict[int, int] = {}
    size = total = market.size
    tables = scenario.pipelines
    for source in range(len(scenario.source_names)) if tables is not None else ():
        assert tables is not None
        count = tables.slots(source)
        if tables.fed(source):
            slot_start[source] = size
            drawn = min(count, slots[source])
            if drawn:
                parts.append(slot_luck.draw_slot_leads(scenario, seed, replication, source, drawn))
                keys.append(total + np.arange(drawn))
            blocks.append(_Block(1 + source, size, drawn, count))
            size, total = size + drawn, total + count
    n_arriving, first_initial = min(slot_start.values(), default=size), size
    if scenario.initial is not None:  # the open deals of day 0 come after every other lead
        initial = draw_initial_book(scenario, seed, replication)
        parts.append(initial)
        keys.append(total + np.arange(initial.size))
        blocks.append(_Block(INITIAL_BLOCK, size, initial.size, initial.size))
        size, total = size + initial.size, total + initial.size
    book = concatenate(parts) if len(parts) > 1 else market
    key = np.concatenate(keys)
    decisions = _decision_luck(scenario, seed, replication, book, blocks) if scenario.decisions is not None else None
    if tables is not None:
        entry = digital_entry_stages(scenario, seed, replication, book, key, total)
    else:
        entry = scenario.source_entry_stage[book.source]
    return RunLeads(book, slot_start, n_arriving, first_initial, decisions, entry, slots, key, total)


def _decision_luck(
    scenario: Scenario, seed: int, replication: int, book: LeadBook, blocks: list[_Block]
) -> DecisionLuck:
    """``run_decision_luck`` of the SimPy engine's leads, kept for the leads here.

    Each block draws as many leads as in the SimPy engine (a block's draws depend on its
    length), the first ``rows`` of which are the leads here.
    """
    tables = scenario.decisions
    assert tables is not None
    profile = scenario.lead_profile
    parts = []
    for block in blocks:
        cycle = np.ones(block.length)
        if profile.products_configured:
            cycle[: block.rows] = profile.product_cycle_multiplier[book.product[block.first : block.first + block.rows]]
        luck = draw_decision_luck(tables, seed, replication, block.key, block.length, cycle)
        parts.append(_first(luck, block.rows))
    return concatenate_luck(parts)


def _first(luck: DecisionLuck, rows: int) -> DecisionLuck:
    """The luck of the first ``rows`` leads."""
    drawn = {f.name: getattr(luck, f.name) for f in fields(luck)}
    return replace(luck, **{name: array[..., :rows] for name, array in drawn.items() if array is not None})
