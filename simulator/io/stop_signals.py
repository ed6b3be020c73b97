"""Stop requests held back while a process starts or a store commits: the floor every worker pool stands on.

A stop must never cut a results-store commit in half nor reach a worker process while it
is being created, so both happen with SIGINT and SIGTERM blocked: a signal that arrives
meanwhile waits, and is acted on by the parent as soon as the commit or the start is
over (a Ctrl-C that arrived in a fork's after-hooks, filelock's, was lost and the command
ran on). A worker process ignores SIGINT (a Ctrl-C in a terminal reaches the whole process
group; the parent alone decides) and dies at once on SIGTERM, which is how the parent
stops a running batch. Here, below :mod:`simulator.run`, so that calibrate's refits use
it too. :func:`sigterm_interrupts` makes SIGTERM stop a command as Ctrl-C does; the
command line sets it before anything heavy is loaded. Once the command's work is done
(:func:`command_ended`), a stop is only noted (:func:`late_stops`) until the process exits:
the entry point says so and exits 130, where Python's default handler, back in place after
the command, had killed a finished sweep with status 143 and no word.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

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
        stop_or_note(signum, frame)  # raised while the command works, noted once it has ended

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_TAIL: dict[str, Any] = {"ended": False, "noted": [], "owned": False}
"""The command's end: whether its work is done, the stops noted since, and whether the entry point owns the tail."""


def stop_or_note(signum: int, frame: FrameType | None) -> None:
    """The entry point's handler of SIGINT and SIGTERM: a stop while the command works, noted once it has ended."""
    if _TAIL["ended"]:
        _TAIL["noted"].append(signum)
        return
    raise KeyboardInterrupt


def command_ended() -> None:
    """The command's work is done (its results written, or its stop said): from here a stop is noted, not raised.

    In the entry point's process (:func:`own_the_tail`), both signals get
    :func:`stop_or_note` until it exits; a handler restored later (:func:`sigterm_interrupts`'s)
    puts back the entry point's, which is the same. In a process that goes on (a test
    calling the command line) nothing changes.
    """
    if not _TAIL["owned"] or _TAIL["ended"]:
        return
    _TAIL["ended"] = True
    if threading.current_thread() is threading.main_thread():
        for signum in sorted(STOP_SIGNALS):
            signal.signal(signum, stop_or_note)


def own_the_tail(owned: bool = True) -> None:
    """The entry point: this process ends with the command (``owned``), or no longer does (it returned instead)."""
    _TAIL.update(ended=False, noted=[], owned=owned)


def late_stops() -> list[int]:
    """The stops noted since the command ended, and any held pending by :func:`hold_stops`."""
    noted = list(_TAIL["noted"])
    if _CAN_BLOCK:
        noted += sorted(signal.sigpending() & STOP_SIGNALS)
    return noted


def hold_stops() -> None:
    """Block SIGINT and SIGTERM for the process's last instructions: a stop then waits, read by :func:`late_stops`."""
    if _CAN_BLOCK:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
