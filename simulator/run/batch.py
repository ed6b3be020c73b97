"""A batch of replications: the unit of work every backend sends to a worker.

A task should take about a second or more, so replications travel in batches: a few
replications of one scenario, consecutive, so that a finished batch is one part of the
results store named by its scenario and its range of replications. A replication that
raises becomes a :class:`ReplicationFailure` carrying its scenario, index, seed and
traceback; the others of its batch still finish.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from simulator.model.scenario import Scenario
from simulator.run.experiment import ReplicationFailure
from simulator.run.replication import ReplicationResult, run_replication

Outcome = ReplicationResult | ReplicationFailure
TASK_REPLICATIONS = 10
"""Replications in one task when the batch size is automatic (about a second of work)."""
MAX_TASKS = 10_000
"""Most tasks per scenario when the batch size is automatic: schedulers (Dask's too) slow
down with hundreds of thousands of tasks, and the results store holds one part per task."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive replications of one scenario sent to a worker together."""

    scenario_index: int
    replications: tuple[int, ...]


def automatic_batch_size(missing: int, workers: int) -> int:
    """Replications per task: several tasks per worker keep every core busy to the end."""
    return max(1, min(TASK_REPLICATIONS, math.ceil(missing / (4 * workers))), math.ceil(missing / MAX_TASKS))


def batches_for(missing: Mapping[int, Sequence[int]], workers: int, batch_size: int | None = None) -> list[Batch]:
    """Split the missing replications of each scenario into batches of consecutive indices.

    Scenarios are interleaved, so early results cover all of them. A batch never spans a
    gap (a replication already done), so each batch is one contiguous range.

    Args:
        missing: Scenario index -> replication indices still to run.
        workers: Workers that will share the batches (sizes the automatic batch).
        batch_size: Replications per batch; ``None`` or 0 picks one.
    """
    per_scenario: list[list[Batch]] = []
    for scenario_index, replications in missing.items():
        ordered = sorted(replications)
        size = batch_size or automatic_batch_size(len(ordered), workers)
        chunks: list[Batch] = []
        current: list[int] = []
        for r in ordered:
            if current and (len(current) == size or r != current[-1] + 1):
                chunks.append(Batch(scenario_index, tuple(current)))
                current = []
            current.append(r)
        if current:
            chunks.append(Batch(scenario_index, tuple(current)))
        per_scenario.append(chunks)
    interleaved: list[Batch] = []
    for i in range(max((len(c) for c in per_scenario), default=0)):
        interleaved.extend(chunks[i] for chunks in per_scenario if i < len(chunks))
    return interleaved


def plan_batches(n_scenarios: int, runs: int, workers: int, batch_size: int | None = None) -> list[Batch]:
    """Batches for replications ``0 .. runs-1`` of every scenario."""
    return batches_for({s: range(runs) for s in range(n_scenarios)}, workers, batch_size)


def run_batch(scenario: Scenario, seed: int, replications: Sequence[int], engine: str = "auto") -> list[Outcome]:
    """Run replications of one scenario on ``engine``; a replication that raises is returned as a failure."""
    outcomes: list[Outcome] = []
    for r in replications:
        try:
            outcomes.append(run_replication(scenario, seed, r, engine))
        except Exception as error:
            outcomes.append(
                ReplicationFailure(scenario.name, r, seed, f"{type(error).__name__}: {error}", traceback.format_exc())
            )
    return outcomes
