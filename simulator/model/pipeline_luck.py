"""Pre-drawn luck of the entities of the pipelines beside new business.

Common random numbers survive because every entity's luck is keyed by a stable index,
never by the order in which a scenario happens to create it:
- lead *slots* of a fed source (the k-th booked meeting, the k-th partner referral) are
  drawn like any lead, from a stream keyed by the source;
- target accounts and candidate partners (pools) are drawn per pipeline and stage;
- customers' luck (renewal work, check-ins, the churn draw, expansions) is keyed by the
  customer, each draw computed where it is used (:mod:`simulator.model.customer_luck`);
  here only the initial book's ARR and first renewal days;
- digital-first entry is one uniform per lead of the source concerned.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from simulator.model import sampling
from simulator.model.lead_attributes import apply_products, draw_lead_profile
from simulator.model.market import LeadBook, draw_kernel, segments_of
from simulator.model.multi_pipeline import WorkStages
from simulator.model.scenario import FloatArray, IntArray, Scenario
from simulator.model.streams import Stream, stream


def slots_exhausted(scenario: Scenario, source: int, count: int) -> str:
    """Why a replication stops when a pipeline feeds a source more leads than it has slots."""
    return (
        f"source {scenario.source_names[source]!r} was fed more than its {count:,} lead slots (a bound on the "
        "meetings or referrals a run can create, from the base conversions and the best team's mean skill): "
        "report this configuration as a bug"
    )


def draw_slot_leads(
    scenario: Scenario, seed: int, replication: int, source: int, count: int, drawn: int | None = None
) -> LeadBook:
    """``count`` leads of a fed source, arrival unknown (NaN) until the pipeline creates them.

    Every quantity has its own stream, so the k-th slot's luck does not depend on ``count``.
    With ``drawn``, only the first ``drawn`` slots get their luck (the same numbers as in
    a full draw); the others hold NaN (0 for indices) and must never be created.
    """
    if drawn is not None and drawn < count:
        return _padded(draw_slot_leads(scenario, seed, replication, source, drawn), count, source)

    def gen(*key: int) -> np.random.Generator:
        return stream(seed, replication, Stream.FED_LEADS, source, *key)

    head = (
        sampling.uniform_array(gen(0, 0), count),
        draw_kernel(gen(0, 1), scenario.deal_value, count),
        draw_kernel(gen(0, 2), scenario.buying_circle, count),
    )
    shape = (scenario.n_stages, count)
    luck = tuple(np.empty(shape) for _ in range(6))
    for s in range(scenario.n_stages):
        luck[0][s] = draw_kernel(gen(1, s, 0), scenario.stage_effort_hours[s], count)
        luck[1][s] = draw_kernel(gen(1, s, 1), scenario.stage_delay_days[s], count)
        luck[2][s] = sampling.uniform_array(gen(1, s, 2), count)
        luck[3][s] = sampling.uniform_array(gen(2, s, 0), count)
        luck[4][s] = draw_kernel(gen(2, s, 1), scenario.handoff_delay_days, count)
        luck[5][s] = draw_kernel(gen(2, s, 2), scenario.handoff_extra_effort_hours, count)
    return slot_book(scenario, seed, replication, source, head, luck)


def slot_book(
    scenario: Scenario,
    seed: int,
    replication: int,
    source: int,
    head: tuple[FloatArray, FloatArray, FloatArray],
    luck: tuple[FloatArray, ...],
) -> LeadBook:
    """The slots of fed source ``source`` from their drawn luck (their attributes drawn here).

    Args:
        scenario: The compiled scenario.
        seed: Root seed of the experiment (the leads' attributes are drawn from it).
        replication: Index of the replication.
        source: The fed source.
        head: (N,) each: the segment's uniform, the deal value, the buying circle (unrounded),
            the draws of streams ``(source, 0, 0..2)``.
        luck: (S, N) each: effort, buyer delay, conversion uniform (streams ``(source, 1, s,
            0..2)``), hand-off uniform, hand-off delay and extra hours (``(source, 2, s, 0..2)``).
            Effort and delay are scaled in place by the leads' products.
    """
    uniform, value, circle = head
    effort, delay, conversion, handoff, handoff_delay, handoff_extra = luck
    count = uniform.shape[0]
    segment = segments_of(scenario, uniform)
    profile = scenario.lead_profile
    sector, geography, product = draw_lead_profile(profile, segment, seed, replication, int(Stream.FED_LEADS), source)
    value = apply_products(profile, product, value, effort, delay)
    return LeadBook(
        arrival_day=np.full(count, np.nan),
        source=np.full(count, source, dtype=np.int64),
        segment=segment,
        sector=sector,
        geography=geography,
        product=product,
        slice=profile.slice_of(segment, sector, geography, product),
        deal_value=value,
        buying_circle=np.maximum(1, np.rint(circle)).astype(np.int64),
        effort_hours=effort,
        delay_days=delay,
        conversion_draw=conversion,
        handoff_draw=handoff,
        handoff_delay_days=handoff_delay,
        handoff_extra_hours=handoff_extra,
    )


def _padded(book: LeadBook, count: int, source: int) -> LeadBook:
    """``book`` followed by leads of the same source up to ``count``, without luck (NaN, index 0)."""
    values = {}
    for field in dataclasses.fields(LeadBook):
        array = getattr(book, field.name)
        fill = source if field.name == "source" else (np.nan if array.dtype.kind == "f" else 0)
        padded = np.full((*array.shape[:-1], count), fill, dtype=array.dtype)
        padded[..., : book.size] = array
        values[field.name] = padded
    return LeadBook(**values)


def concatenate(books: list[LeadBook]) -> LeadBook:
    """One book of several: per-lead arrays joined along leads, luck arrays along their lead axis."""
    values = {}
    for field in dataclasses.fields(LeadBook):
        parts = [getattr(book, field.name) for book in books]
        values[field.name] = np.concatenate(parts, axis=parts[0].ndim - 1)
    return LeadBook(**values)


def select(book: LeadBook, keep: np.ndarray) -> LeadBook:
    """The leads of ``book`` where ``keep`` is true, in order."""
    return take(book, np.flatnonzero(keep))  # taking by index: several times faster than a mask on the lead axis


def take(book: LeadBook, index: IntArray) -> LeadBook:
    """The leads of ``book`` at ``index`` (lead indices), in that order."""
    values = {}
    for field in dataclasses.fields(LeadBook):
        values[field.name] = getattr(book, field.name).take(index, axis=-1)
    return LeadBook(**values)


def with_slots(
    scenario: Scenario, seed: int, replication: int, leads: LeadBook, drawn: int | None = None
) -> tuple[LeadBook, dict[int, int]]:
    """The Poisson leads followed by every fed source's slots; source -> index of its first slot.

    ``drawn`` bounds the slots of each source whose luck is drawn (see :func:`draw_slot_leads`);
    the lead indices do not depend on it.
    """
    tables = scenario.pipelines
    first: dict[int, int] = {}
    if tables is None:
        return leads, first
    parts, size = [(leads, leads.size, -1)], leads.size
    for source in range(len(scenario.source_names)):
        count = tables.slots(source)
        if tables.fed(source):
            first[source] = size
        if count:
            lucky = count if drawn is None else min(count, drawn)
            parts.append((draw_slot_leads(scenario, seed, replication, source, lucky), count, source))
            size += count
    return (_joined(parts, size) if len(parts) > 1 else leads), first


def _joined(parts: list[tuple[LeadBook, int, int]], size: int) -> LeadBook:
    """Books one after another, each padded to its count as by :func:`_padded`, copied once into one book.

    ``parts``: (book, leads it stands for, source of its padding); ``size``: the leads in all.
    """
    values = {}
    for field in dataclasses.fields(LeadBook):
        arrays = [getattr(book, field.name) for book, _, _ in parts]
        joined = np.empty((*arrays[0].shape[:-1], size), dtype=np.result_type(*arrays))
        at = 0
        for array, (book, count, source) in zip(arrays, parts, strict=True):
            joined[..., at : at + book.size] = array
            if count > book.size:
                joined[..., at + book.size : at + count] = (
                    source if field.name == "source" else (np.nan if array.dtype.kind == "f" else 0)
                )
            at += count
        values[field.name] = joined
    return LeadBook(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class PoolLuck:
    """Luck of a pool's entities at each stage, each array (stages, entities)."""

    effort: FloatArray  # hours of work
    delay: FloatArray  # days of buyer-side delay
    draw: FloatArray  # conversion uniforms


def draw_pool(seed: int, replication: int, pipeline: int, stages: WorkStages, count: int) -> PoolLuck:
    """Effort, buyer delay and a conversion uniform for every entity of a pool at every stage.

    Each from its own stream, so an entity's luck does not depend on the pool's size.
    """
    effort, delay, draw = (np.empty((stages.size, count)) for _ in range(3))
    for s in range(stages.size):
        effort[s] = draw_kernel(
            stream(seed, replication, Stream.POOL_LUCK, pipeline, s, 0), stages.effort_hours[s], count
        )
        delay[s] = draw_kernel(stream(seed, replication, Stream.POOL_LUCK, pipeline, s, 1), stages.delay_days[s], count)
        draw[s] = sampling.uniform_array(stream(seed, replication, Stream.POOL_LUCK, pipeline, s, 2), count)
    return PoolLuck(effort, delay, draw)


def draw_digital_entry(scenario: Scenario, seed: int, replication: int, leads: LeadBook) -> list[int]:
    """The entry stage of every lead: its source's, or the digital-first stage for a share of one source."""
    result: list[int] = digital_entry_stages(scenario, seed, replication, leads).tolist()
    return result


def digital_entry_stages(
    scenario: Scenario,
    seed: int,
    replication: int,
    leads: LeadBook,
    keys: IntArray | None = None,
    total: int | None = None,
) -> IntArray:
    """:func:`draw_digital_entry` as an array.

    One uniform per lead of the run, by its index; ``keys`` and ``total``: the leads are
    ``keys`` of a run of ``total`` leads (an engine that leaves out slots never created).
    """
    entry: IntArray = scenario.source_entry_stage[leads.source]
    tables = scenario.pipelines
    if tables is not None and tables.digital_source >= 0 and tables.digital_share > 0:
        gen = stream(seed, replication, Stream.DIGITAL_FIRST)
        uniforms = sampling.uniform_array(gen, leads.size if total is None else total)
        digital = (leads.source == tables.digital_source) & (
            (uniforms if keys is None else uniforms[keys]) < tables.digital_share
        )
        entry = np.where(digital, tables.digital_entry_stage, entry)
    return entry


def draw_initial_arr(scenario: Scenario, seed: int, replication: int) -> tuple[FloatArray, FloatArray]:
    """ARR of each initial customer and its first renewal day (uniform over one term)."""
    tables = scenario.pipelines
    assert tables is not None and tables.initial_arr is not None
    gen = stream(seed, replication, Stream.CUSTOMER_LUCK, 0)
    n = tables.initial_customers
    arr = np.maximum(draw_kernel(gen, tables.initial_arr, n), 0.0)
    due = sampling.uniform_array(gen, n) * tables.contract_days
    return arr, due
