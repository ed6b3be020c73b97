"""The local backend: batches run in this process or on worker processes of this machine.

Every backend runs a list of batches and hands each finished batch to a callback in the
parent, in completion order; the results store puts them back in order.

Worker processes (:mod:`simulator.run.worker_pool`) report each replication as it ends.
If one dies, the replications it had finished are kept, the one it was running is tried
once more on its own, and the rest of its batch goes back in the queue; a replication
that kills its worker twice is recorded as a failure (a resume tries it again). When
workers keep dying with nothing finishing in between (a machine out of memory), the
batches not yet run are recorded as failed, not run, and a resume runs them.

On an interrupt (Ctrl-C, or SIGTERM turned into one) the parent keeps every replication
already finished, running batches included, and terminates the workers at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from types import TracebackType

from simulator.engines import fast
from simulator.model import sampling, streams
from simulator.model.scenario import Scenario
from simulator.run.batch import Batch, Outcome, run_batch
from simulator.run.experiment import ReplicationFailure
from simulator.run.worker_pool import START_METHOD, Event, WorkerPool

__all__ = ["START_METHOD", "BatchCallback", "InProcessBackend", "PoolBackend"]

BatchCallback = Callable[[Batch, list[Outcome]], None]
MAX_ATTEMPTS = 2
"""Times a replication may be running when its worker dies before it is recorded as failed."""


class InProcessBackend:
    """Run every batch in this process, one after the other (``runner.workers=1``)."""

    workers = 1

    def __init__(self, scenarios: Sequence[Scenario], seed: int, engines: Sequence[str]) -> None:
        self.scenarios, self.seed, self.engines = scenarios, seed, engines

    def __enter__(self) -> InProcessBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, batches: Sequence[Batch], on_batch: BatchCallback) -> None:
        """Run the batches in order; an interrupt stops the running batch, keeping the replications it finished.

        A stop had lost every replication of the running batch (``run_batch`` returns at its
        end), where worker processes keep those they finished: with ``runner.workers=1``, as a
        sweep's jobs on the joblib launcher run, up to a batch of work was made again on resume.
        """
        for batch in batches:
            s = batch.scenario_index
            outcomes: list[Outcome] = []
            try:
                for r in batch.replications:
                    outcomes.extend(run_batch(self.scenarios[s], self.seed, (r,), self.engines[s]))
            except BaseException:  # an interrupt: keep what is finished, as PoolBackend does
                if outcomes:
                    on_batch(Batch(s, batch.replications[: len(outcomes)]), outcomes)
                raise
            on_batch(batch, outcomes)


class PoolBackend:
    """Run batches on worker processes of this machine, kept for the backend's life."""

    def __init__(
        self,
        scenarios: Sequence[Scenario],
        seed: int,
        workers: int,
        engines: Sequence[str],
        on_note: Callable[[str], None] | None = None,
    ) -> None:
        self.scenarios, self.seed, self.workers, self.engines = scenarios, seed, workers, engines
        self.on_note = on_note or (lambda _note: None)
        self._pool = WorkerPool(scenarios, seed, workers, engines)

    def __enter__(self) -> PoolBackend:
        sampling.warm_up()  # compile or load the Numba cache once, before workers start
        streams.warm_up()
        if "fast" in self.engines:
            fast.warm_up()  # the same for the fast engine, when a scenario runs on it
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._pool.stop()

    def run(self, batches: Sequence[Batch], on_batch: BatchCallback) -> None:
        """Run the batches, each handed to ``on_batch`` when it ends (see the module's notes on faults)."""
        work = _Work(self.scenarios, self.seed, batches, max(4, 2 * self.workers), on_batch, self.on_note)
        try:
            while work.queue or self._pool.busy():
                while work.queue and self._pool.can_take():
                    self._pool.give(work.queue.popleft())
                self._pool.wait(work.ended)
        except BaseException:  # an interrupt: keep what is finished, stop every worker now
            try:
                for batch, outcomes in self._pool.drain():
                    on_batch(batch, outcomes)
            finally:
                self._pool.stop()
            raise


class _Work:
    """The batches of one :meth:`PoolBackend.run` call, and what to do when one ends."""

    def __init__(
        self,
        scenarios: Sequence[Scenario],
        seed: int,
        batches: Sequence[Batch],
        deaths_allowed: int,
        on_batch: BatchCallback,
        on_note: Callable[[str], None] = lambda _note: None,
    ) -> None:
        self.scenarios, self.seed, self.on_batch, self.on_note = scenarios, seed, on_batch, on_note
        self.queue: deque[Batch] = deque(batches)
        self.attempts: dict[tuple[int, int], int] = {}
        self.deaths_in_a_row, self.deaths_allowed = 0, deaths_allowed

    def ended(self, event: Event) -> None:
        """Keep what a batch finished; after a death, retry or record the replication it was running."""
        batch, done = event.batch, len(event.outcomes)
        if done:
            self.on_batch(Batch(batch.scenario_index, batch.replications[:done]), event.outcomes)
        if done:
            self.deaths_in_a_row = 0
        if event.death is None or done == len(batch.replications):
            return
        self.deaths_in_a_row += 1
        running, rest = batch.replications[done], batch.replications[done + 1 :]
        key = (batch.scenario_index, running)
        self.attempts[key] = self.attempts.get(key, 0) + 1
        if rest:
            self.queue.appendleft(Batch(batch.scenario_index, rest))
        if self.attempts[key] >= MAX_ATTEMPTS:
            message = f"worker process died while running it, {self.attempts[key]} times ({event.death})"
            self.on_batch(Batch(batch.scenario_index, (running,)), self._failed((running,), batch, message))
        else:
            self.queue.appendleft(Batch(batch.scenario_index, (running,)))
            name = self.scenarios[batch.scenario_index].name
            self.on_note(
                f"a worker process died ({event.death}) while running {name}'s run {running}; that run is made "
                "again on a new worker, so no result is lost (a worker the system kills is often short of memory: "
                "a smaller runner.workers uses less)"
            )
        if self.deaths_in_a_row >= self.deaths_allowed:
            self._give_up(event.death)

    def _give_up(self, death: str) -> None:
        """Workers keep dying with nothing finishing: record the batches not yet run as failed."""
        died = f"{self.deaths_in_a_row} worker processes died in a row (the last one: {death})"
        message = f"not run: {died}; a resume runs it again"
        while self.queue:
            batch = self.queue.popleft()
            self.on_batch(batch, self._failed(batch.replications, batch, message))
        self.deaths_allowed = 0  # from now on, a batch whose worker dies is recorded at once

    def _failed(self, replications: Sequence[int], batch: Batch, message: str) -> list[Outcome]:
        name = self.scenarios[batch.scenario_index].name
        return [ReplicationFailure(name, r, self.seed, message, "") for r in replications]
