"""Stop requests held back while a process starts or a store commits: the floor every worker pool stands on.

A stop must never cut a results-store commit in half nor reach a worker process while it
is being created, so both happen with SIGINT and SIGTERM blocked: a signal that arrives
meanwhile waits, and is acted on by the parent as soon as the commit or the start is
over (a Ctrl-C that arrived in a fork's after-hooks, filelock's, was lost and the command
ran on). A worker process ignores SIGINT (a Ctrl-C in a terminal reaches the whole process
group; the parent alone decides) and dies at once on SIGTERM, which is how the parent
stops a running batch. Here, below :mod:`simulator.run`, so that calibrate's refits use
it too. :func:`sigterm_interrupts` makes SIGTERM stop a command as Ctrl-C does; the
command line sets it before anything heavy is loaded.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_CAN_BLOCK = hasattr(signal, "pthread_sigmask")  # not on Windows


@contextlib.contextmanager
def stop_signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends; then they take effect as usual."""
    if not _CAN_BLOCK:  # pragma: no cover - not on POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def become_worker() -> None:
    """In a new worker process: ignore SIGINT, die on SIGTERM, then accept signals again.

    The parent starts workers inside :func:`stop_signals_deferred`; the blocked signals are
    inherited, so a Ctrl-C during the start cannot kill a worker half-way through setting up.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _CAN_BLOCK:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM (a cluster job killed, ``kill PID``) into the same clean stop as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
