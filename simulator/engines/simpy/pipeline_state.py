"""State of the pipelines beside new business in one SimPy replication (plain data).

The pool tasks a rep works itself, the customer accounts and the per-replication
:class:`Pipelines` record live here, below every process module that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.engines.simpy.organisation import Rep
from simulator.model.customer_luck import CustomerLuck
from simulator.model.multi_pipeline import PARTNER, PROSPECTING, PipelineTables


@dataclass(slots=True)
class PoolTask:
    """A rep's own work at one stage of a pool pipeline, for one entity or a block of fresh ones."""

    pipeline: int
    entities: list[int]
    stage: int
    reserved: bool = False  # worked in reserved hours: not interrupted
    plans: list[tuple[int, int, bool]] | None = None  # an interrupted sitting's decisions
    hours: float = 0.0  # an interrupted sitting's remaining hours


@dataclass(slots=True)
class Customer:
    """An account of the retention pipeline."""

    index: int
    block: int
    key: int  # index inside its luck block
    arr: float
    owner: Rep | None
    due: float
    touches: int = 0
    term: int = 0
    churned: bool = False
    checkin_pending: bool = False
    term_start: float = 0.0


@dataclass(slots=True)
class Pipelines:
    """State of the extra pipelines in one replication (attached to the sales floor)."""

    tables: PipelineTables
    slot_start: dict[int, int]
    pools: dict[int, Any] = field(default_factory=dict)  # pipeline -> PoolLuck
    pool_state: dict[int, list[int]] = field(default_factory=dict)
    pool_stage: dict[int, list[int]] = field(default_factory=dict)  # furthest stage started, -1 untouched
    pool_first_day: dict[int, list[float]] = field(default_factory=dict)  # first worked, NaN untouched
    next_entity: dict[int, int] = field(default_factory=dict)
    next_slot: dict[int, int] = field(default_factory=dict)
    meeting_day: list[float] = field(default_factory=list)
    partner_active_day: list[float] = field(default_factory=list)
    partner_referrals: list[int] = field(default_factory=list)
    partner_hours: list[float] = field(default_factory=list)  # enablement received, in all
    partner_stock: list[float] = field(default_factory=list)  # enablement left, worn off at each session request
    partner_manager: list[Rep | None] = field(default_factory=list)  # manager of each active partner
    lead_partner: dict[int, int] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    customer_initial: list[bool] = field(default_factory=list)
    customer_start: list[float] = field(default_factory=list)
    customer_start_arr: list[float] = field(default_factory=list)
    renewals: list[tuple[int, float, float, bool, int]] = field(default_factory=list)
    expansions: list[list[float]] = field(default_factory=list)  # customer, open, end, value, won, stage, rep
    luck: CustomerLuck | None = None


def give_duties(tables: PipelineTables, rep: Rep) -> None:
    """The pool pipelines a rep works, by its team's time allocation (a new hire gets them too)."""
    team = rep.team
    rep.duties = tuple(
        p
        for p in (PROSPECTING, PARTNER)
        if tables.has(p) and (tables.team_idle_work[team] == p or tables.team_reserved_hours_per_day[team, p] > 0)
    )
    rep.tasks = {p: [] for p in rep.duties}
