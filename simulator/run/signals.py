"""When a stop request (Ctrl-C's SIGINT, or SIGTERM) may reach the code that runs a batch.

A stop must never cut a results-store commit in half nor reach a worker process while it
is being created, so both happen with SIGINT and SIGTERM blocked: a signal that arrives
meanwhile waits, and is acted on by the parent as soon as the commit or the start is
over. A worker process ignores SIGINT (a Ctrl-C in a terminal reaches the whole process
group; the parent alone decides) and dies at once on SIGTERM, which is how the parent
stops a running batch.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TypeVar

STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_CAN_BLOCK = hasattr(signal, "pthread_sigmask")  # not on Windows
T = TypeVar("T")


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


def written_in_full(command: str, write: Callable[[], T]) -> T:
    """Call ``write`` (a command writing its results) with SIGINT and SIGTERM noted, not acted on, until it is done.

    A stop request that arrives meanwhile never leaves the results half-written: they are
    written in full, then the command says so on stderr and carries on (its work is done).
    The signals' handlers are replaced, not the signals blocked: a blocked signal still
    reaches any other thread (a progress bar's), and Python acts on it in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return write()  # handlers can only be set from the main thread
    noted: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        noted.append(signum)

    previous = {signum: signal.signal(signum, note) for signum in sorted(STOP_SIGNALS)}
    try:
        result = write()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if noted:
        print(
            f"salesim: {command}: the stop request came while writing; the results were written in full",
            file=sys.stderr,
        )
    return result
