"""The local backend: batches run in this process or on worker processes of this machine.

Every backend runs a list of batches and hands each finished batch to a callback in the
parent, in completion order; the results store puts them back in order. If a worker
process dies, the pool is rebuilt and the unfinished batches are sent again. Workers
ignore SIGINT (a Ctrl-C in a terminal reaches the whole process group): the parent alone
decides, and on an interrupt it cancels the pending batches and stops the running ones.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from types import TracebackType

from simulator.model import sampling
from simulator.model.scenario import Scenario
from simulator.run.batch import Batch, Outcome, run_batch
from simulator.run.experiment import ReplicationFailure

BatchCallback = Callable[[Batch, list[Outcome]], None]
MAX_POOL_RESTARTS = 3
# Fork is the fastest start (workers inherit the imported modules and the compiled Numba
# kernels) and is safe here because the parent runs no threads when the pool starts.
# Elsewhere (macOS, Windows) spawn is the only safe choice.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


def ignore_interrupts() -> None:
    """Worker initializer: leave Ctrl-C to the parent, and let SIGTERM end the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class InProcessBackend:
    """Run every batch in this process, one after the other (``runner.workers=1``)."""

    workers = 1

    def __init__(self, scenarios: Sequence[Scenario], seed: int) -> None:
        self.scenarios, self.seed = scenarios, seed

    def __enter__(self) -> InProcessBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, batches: Sequence[Batch], on_batch: BatchCallback) -> None:
        """Run the batches in order; an interrupt stops the running batch."""
        for batch in batches:
            on_batch(batch, run_batch(self.scenarios[batch.scenario_index], self.seed, batch.replications))


class PoolBackend:
    """Run batches on worker processes of this machine."""

    def __init__(self, scenarios: Sequence[Scenario], seed: int, workers: int) -> None:
        self.scenarios, self.seed, self.workers = scenarios, seed, workers

    def __enter__(self) -> PoolBackend:
        sampling.warm_up()  # compile or load the Numba cache once, before workers start
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None

    def run(self, batches: Sequence[Batch], on_batch: BatchCallback) -> None:
        """Run the batches on a pool, rebuilding it (up to 3 times) if a worker dies."""
        pending = list(batches)
        restarts = 0
        while pending:
            context = get_context(START_METHOD)
            with ProcessPoolExecutor(
                max_workers=min(self.workers, len(pending)), mp_context=context, initializer=ignore_interrupts
            ) as pool:
                futures: dict[Future[list[Outcome]], Batch] = {
                    pool.submit(run_batch, self.scenarios[b.scenario_index], self.seed, b.replications): b
                    for b in pending
                }
                finished: set[Batch] = set()
                try:
                    for future in as_completed(futures):
                        batch = futures.pop(future)  # drop the future: its result is the store's now
                        on_batch(batch, future.result())
                        finished.add(batch)
                except BrokenProcessPool:
                    restarts += 1
                    pending = [b for b in pending if b not in finished]
                    if restarts > MAX_POOL_RESTARTS:
                        for batch in pending:
                            on_batch(batch, _dead_worker_failures(self.scenarios, self.seed, [batch]))
                        return
                    continue
                except BaseException:  # an interrupt: cancel what waits, stop what runs
                    _stop(pool)
                    raise
                pending = []


def _stop(pool: ProcessPoolExecutor) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    # The executor has no public way to stop running tasks; its worker processes are kept
    # in ``_processes``. Terminating them is what cancelling a running batch means here.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def _dead_worker_failures(scenarios: Sequence[Scenario], seed: int, batches: Iterable[Batch]) -> list[Outcome]:
    return [
        ReplicationFailure(scenarios[b.scenario_index].name, r, seed, "worker process died", "")
        for b in batches
        for r in b.replications
    ]
