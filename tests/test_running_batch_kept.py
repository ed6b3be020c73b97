"""A stop keeps the replications the running batch finished, in this process as on worker processes.

With ``runner.workers=1`` (a sweep's jobs on the joblib launcher, as the README advises)
batches run in this process, and a stop lost every replication of the running batch
(``run_batch`` returns at its end): a job of 20-replication batches stopped 0.6 s into its
first batch kept "0 of 120", where the worker pool keeps what each batch finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from simulator.run import local_backend
from simulator.run.batch import Batch, Outcome
from simulator.run.local_backend import InProcessBackend


def test_a_stop_in_this_process_keeps_what_the_running_batch_finished(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    def one_by_one(scenario: Any, seed: int, replications: Sequence[int], engine: str = "auto") -> list[Any]:
        if made and made[-1] == 6:  # the stop comes while replication 7 runs
            raise KeyboardInterrupt
        made.extend(replications)
        return [f"outcome {r}" for r in replications]

    monkeypatch.setattr(local_backend, "run_batch", one_by_one)
    kept: list[tuple[Batch, list[Outcome]]] = []
    backend = InProcessBackend([object(), object()], 1, ["fast", "fast"])  # type: ignore[list-item]
    batches = [Batch(0, (0, 1, 2, 3, 4)), Batch(1, (5, 6, 7, 8, 9))]
    with pytest.raises(KeyboardInterrupt):
        backend.run(batches, lambda batch, outcomes: kept.append((batch, outcomes)))
    assert [batch for batch, _ in kept] == [Batch(0, (0, 1, 2, 3, 4)), Batch(1, (5, 6))]  # (5, 6) were lost
    assert kept[1][1] == ["outcome 5", "outcome 6"]


def test_a_batch_run_to_its_end_is_one_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_backend, "run_batch", lambda scenario, seed, replications, engine: list(replications))
    kept: list[tuple[Batch, list[Outcome]]] = []
    InProcessBackend([object()], 1, ["fast"]).run(  # type: ignore[list-item]
        [Batch(0, (0, 1, 2))], lambda batch, outcomes: kept.append((batch, outcomes))
    )
    assert kept == [(Batch(0, (0, 1, 2)), [0, 1, 2])]
