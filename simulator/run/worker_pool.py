"""Worker processes owned by the parent: hand out batches, hear each replication, stop at once.

Each worker is a process of this machine with its own pipe to the parent. The parent
gives an idle worker one batch; the worker sends back each replication's outcome as soon
as it is made, so the parent always knows which replications of a running batch are
finished and, if the worker dies, which replication it was running. Owning the processes
(rather than using :class:`concurrent.futures.ProcessPoolExecutor`, whose
``shutdown(wait=False)`` forgets its processes before they can be terminated) lets a stop
terminate every worker at once.

A worker ends when the parent tells it to, when its pipe closes, when it receives
SIGTERM, or when its parent is gone (it checks every :data:`PARENT_CHECK_SECONDS`), so a
parent killed with SIGKILL leaves no worker computing behind it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from simulator.io.stop_signals import become_worker, stop_signals_deferred
from simulator.model.scenario import Scenario
from simulator.run.batch import Batch, Outcome, run_batch

# Fork is the fastest start (workers inherit the imported modules and the compiled Numba
# kernels) and is safe here because the parent runs no threads when workers start.
# Elsewhere (macOS, Windows) spawn is the only safe choice.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
PARENT_CHECK_SECONDS = 0.5
"""How often a worker checks that its parent is alive."""
STOP_GRACE_SECONDS = 2.0
"""How long stopped workers get to exit after SIGTERM before they are killed."""
EXIT_ORPHANED = 70
"""Exit status of a worker that found its parent gone."""


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(EXIT_ORPHANED)  # the parent is gone: nobody will read what this worker makes


def _serve(conn: Connection, scenarios: Sequence[Scenario], seed: int, parent: int, engines: Sequence[str]) -> None:
    """A worker's life: run the batches the parent sends, one replication at a time."""
    become_worker()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="salesim-parent-watch").start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        scenario_index, replications = job
        for r in replications:
            [outcome] = run_batch(scenarios[scenario_index], seed, (r,), engines[scenario_index])
            conn.send((r, outcome))


def describe_exit(exitcode: int | None) -> str:
    """A dead worker's exit status in words (a negative status is the signal that killed it)."""
    if exitcode is None:
        return "its pipe closed"
    if exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (often the out-of-memory killer)" if name == "SIGKILL" else ""
        return f"killed by {name}{hint}"
    return f"exit status {exitcode}"


@dataclass(eq=False)
class Worker:
    """One worker process, its pipe, and the batch it is running (with the outcomes heard so far)."""

    process: BaseProcess
    conn: Connection
    batch: Batch | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def finished_part(self) -> tuple[Batch, list[Outcome]] | None:
        """The finished leading replications of the running batch, as a batch of their own."""
        if self.batch is None or not self.outcomes:
            return None
        return Batch(self.batch.scenario_index, self.batch.replications[: len(self.outcomes)]), self.outcomes


@dataclass(frozen=True)
class Event:
    """A running batch that ended: all its outcomes, or its worker's death.

    Attributes:
        batch: The batch the worker was given.
        outcomes: The outcomes heard, in replication order (all of them when it finished).
        death: None when the batch finished; else how the worker died.
    """

    batch: Batch
    outcomes: list[Outcome]
    death: str | None = None


class WorkerPool:
    """Up to ``size`` worker processes, started as work arrives, stopped together."""

    def __init__(self, scenarios: Sequence[Scenario], seed: int, size: int, engines: Sequence[str]) -> None:
        self.scenarios, self.seed, self.size, self.engines = scenarios, seed, size, engines
        self.workers: list[Worker] = []
        self._context = get_context(START_METHOD)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def busy(self) -> list[Worker]:
        """Workers running a batch."""
        return [w for w in self.workers if w.batch is not None]

    def can_take(self) -> bool:
        """True when a batch given now would start at once."""
        return len(self.workers) < self.size or any(w.batch is None for w in self.workers)

    def give(self, batch: Batch) -> None:
        """Start ``batch`` on an idle worker, starting a worker if none is idle."""
        worker = next((w for w in self.workers if w.batch is None), None) or self._start()
        worker.batch, worker.outcomes = batch, []
        worker.conn.send((batch.scenario_index, batch.replications))

    def _start(self) -> Worker:
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(  # type: ignore[attr-defined]  # every concrete context has it
            target=_serve,
            args=(theirs, self.scenarios, self.seed, os.getpid(), self.engines),
            daemon=True,
            name="salesim-worker",
        )
        with stop_signals_deferred():  # a Ctrl-C now reaches the worker only once it ignores it
            process.start()
        theirs.close()  # the worker holds the only other end: its death closes the pipe
        worker = Worker(process, ours)
        self.workers.append(worker)
        return worker

    def wait(self, on_event: Callable[[Event], None]) -> None:
        """Block until a running batch finishes or its worker dies; hand each such event to ``on_event``.

        The events are handled with stop signals deferred, so an interrupt never loses an
        outcome that was already read from a worker.
        """
        busy = self.busy()
        if not busy:
            return
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        with stop_signals_deferred():
            for worker in busy:
                assert worker.batch is not None
                died = self._hear(worker)
                if died is None and len(worker.outcomes) < len(worker.batch.replications):
                    continue
                event = Event(worker.batch, worker.outcomes, died)
                worker.batch, worker.outcomes = None, []
                if died is not None:
                    self._forget(worker)
                on_event(event)

    def _hear(self, worker: Worker) -> str | None:
        """Read every outcome waiting in a worker's pipe; how it died if it did, else None."""
        try:
            while worker.conn.poll():
                _, outcome = worker.conn.recv()
                worker.outcomes.append(outcome)
        except (EOFError, OSError):
            worker.process.join(STOP_GRACE_SECONDS)
            return describe_exit(worker.process.exitcode)
        if not worker.process.is_alive():
            worker.process.join()
            return describe_exit(worker.process.exitcode)
        return None

    def drain(self) -> list[tuple[Batch, list[Outcome]]]:
        """The finished leading replications of every running batch, without waiting."""
        parts = []
        for worker in self.busy():
            self._hear(worker)
            part = worker.finished_part()
            if part is not None:
                parts.append(part)
        return parts

    def _forget(self, worker: Worker) -> None:
        worker.conn.close()
        self.workers.remove(worker)

    def stop(self) -> None:
        """End every worker now: idle ones are told to exit, running ones are terminated."""
        for worker in self.workers:
            if worker.batch is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    worker.process.terminate()
            else:
                worker.process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []
