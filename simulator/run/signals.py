"""A command's results written in full whatever stop request arrives while they are written.

Holding stop requests back while a worker starts or the store commits is
:mod:`simulator.io.stop_signals`.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

from simulator.io.stop_signals import STOP_SIGNALS

T = TypeVar("T")

_WRITTEN: set[str] = set()
"""The commands of this process whose results :func:`written_in_full` has written."""


def results_written(command: str) -> bool:
    """Whether ``command``'s results were written in full: a stop after that cut its words short, not its results."""
    return command in _WRITTEN


def forget_written() -> None:
    """A command starts afresh (the same command run again in one process: the tests)."""
    _WRITTEN.clear()


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
    _WRITTEN.add(command)
    if noted:
        print(
            f"salesim: {command}: the stop request came while writing; the results were written in full",
            file=sys.stderr,
        )
    return result
