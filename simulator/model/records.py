"""The journey log: what happened to every lead of one replication, as arrays.

The engine fills preallocated arrays (no per-event Python objects survive the run);
metrics read them once at the end. NaN marks "did not happen before the horizon".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

import numpy as np

from simulator.model.market import LeadBook
from simulator.model.pipeline_records import PipelineRecord
from simulator.model.scenario import FloatArray, IntArray, Scenario

T = TypeVar("T")


class Outcome(IntEnum):
    """How a lead's journey ended (OPEN: it had not ended at the horizon)."""

    OPEN = 0
    WON = 1
    DISQUALIFIED = 2
    LEAKED = 3
    LOST_HANDOFF = 4
    LOST_REASSIGNMENT = 5  # lost when its owner left and the deal went to another rep
    NO_DECISION = 6  # the buyer decided nothing (status quo); not a loss to a competitor


@dataclass(slots=True)
class JourneyLog:
    """Per-lead and per-lead-and-stage records; shapes (N,) and (N, S)."""

    outcome: IntArray
    outcome_day: FloatArray
    outcome_stage: IntArray
    first_touch_day: FloatArray
    stage_enter: FloatArray
    stage_start: FloatArray
    stage_end: FloatArray
    stage_rep: IntArray
    stage_passed: np.ndarray

    @classmethod
    def empty(cls, n_leads: int, n_stages: int) -> JourneyLog:
        """A log for ``n_leads`` leads, all open, nothing happened yet."""
        shape = (n_leads, n_stages)
        return cls(
            outcome=np.zeros(n_leads, dtype=np.int64),
            outcome_day=np.full(n_leads, np.nan),
            outcome_stage=np.full(n_leads, -1, dtype=np.int64),
            first_touch_day=np.full(n_leads, np.nan),
            stage_enter=np.full(shape, np.nan),
            stage_start=np.full(shape, np.nan),
            stage_end=np.full(shape, np.nan),
            stage_rep=np.full(shape, -1, dtype=np.int64),
            stage_passed=np.zeros(shape, dtype=np.bool_),
        )

    def select(self, keep: np.ndarray) -> JourneyLog:
        """The records of the leads where ``keep`` is true (slots of fed sources never used are dropped)."""
        return self.take(np.flatnonzero(keep))  # taking by index: several times faster than a mask

    def take(self, index: IntArray) -> JourneyLog:
        """The records of the leads at ``index`` (lead indices), in that order: copies."""
        return JourneyLog(
            outcome=self.outcome.take(index),
            outcome_day=self.outcome_day.take(index),
            outcome_stage=self.outcome_stage.take(index),
            first_touch_day=self.first_touch_day.take(index),
            stage_enter=self.stage_enter.take(index, axis=0),
            stage_start=self.stage_start.take(index, axis=0),
            stage_end=self.stage_end.take(index, axis=0),
            stage_rep=self.stage_rep.take(index, axis=0),
            stage_passed=self.stage_passed.take(index, axis=0),
        )

    def close(self, lead: int, outcome: Outcome, stage: int, day: float) -> None:
        """Record the end of a lead's journey."""
        self.outcome[lead] = int(outcome)
        self.outcome_day[lead] = day
        self.outcome_stage[lead] = stage


@dataclass(frozen=True, slots=True)
class ReplicationRun:
    """Everything one replication produced, before it is turned into KPIs."""

    scenario: Scenario
    leads: LeadBook
    log: JourneyLog
    rep_team: np.ndarray
    rep_busy_days: np.ndarray
    # the engine's open leads at the middle of each day; a leak counts once noticed (the log dates it earlier)
    daily_open: np.ndarray
    # per rep (same order as rep_team): day it joined the run, day it left (inf: still there
    # at the horizon), tenure in months when it joined (0: a new hire; inf: fully ramped)
    rep_hire_day: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rep_leave_day: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rep_start_tenure_months: np.ndarray = field(default_factory=lambda: np.zeros(0))
    deals_reassigned: int = 0  # open deals of leavers handed to another rep (lost or not) inside the window
    overflow_counts: np.ndarray | None = None  # (T, 2) stage visits routed to a team, and sent to another pod
    pipelines: PipelineRecord | None = None  # what the pipelines beside new business did
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``name`` is asked for of this run; the same result after.

        For figures several outputs read (the forecasts, the rep ledger), so the KPI row,
        the monthly series and the tables of one replication compute them once.
        """
        if name not in self.derived:
            self.derived[name] = compute()
        found: T = self.derived[name]
        return found
