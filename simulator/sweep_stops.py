"""A sweep's jobs running in other processes (``hydra/launcher=joblib``) stop as a run does: what they finished is kept.

On a stop, joblib ends its worker processes with SIGKILL (loky's ``kill_workers``), so a
job there could keep nothing of its running batch: a stop 1.5 s into a sweep of
20-replication batches kept one part of job 0 and nothing of job 1, whatever either had
finished since. Each such job notes its process in a folder of the sweep's main process
while it runs (:func:`job_running`); a stop in the main process first sends each one
SIGTERM, which a run takes as Ctrl-C (it keeps every replication finished, those of its
running batch too), and waits until each has said it is done (:data:`WAIT_SECONDS` at most)
before joblib ends them (:func:`jobs_stopped_first`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from simulator.io.stop_signals import STOP_SIGNALS

WAIT_SECONDS = 15.0
"""The longest a stop waits for the jobs to keep what they finished (a commit takes milliseconds)."""
POLL_SECONDS = 0.02


def _running(folder: Path) -> list[int]:
    """The processes of the jobs running now, as they noted themselves in ``folder``."""
    with contextlib.suppress(OSError):
        return [int(p.name) for p in folder.iterdir() if p.name.isdigit()]
    return []


def stop_jobs(folder: Path, wait: float = WAIT_SECONDS) -> None:
    """Send SIGTERM to every job noted in ``folder``; return once each has removed its note, or after ``wait`` s."""
    for pid in _running(folder):
        with contextlib.suppress(OSError):  # gone already, or not ours to signal
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while _running(folder) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def jobs_stopped_first() -> Iterator[Path | None]:
    """In a sweep's main process: a stop (SIGINT, SIGTERM) stops the jobs running elsewhere first, then this one.

    Yields the folder the jobs note themselves in (None outside the main thread, where no
    handler can be set); it goes with the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="salesim-jobs-"))

    def stop(signum: int, frame: FrameType | None) -> None:
        stop_jobs(folder)
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stop) for signum in sorted(STOP_SIGNALS)}
    try:
        yield folder
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for note in folder.glob("*"):
            note.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def job_running(folder: str | None) -> Iterator[None]:
    """A sweep's job in another process: noted in ``folder`` while it runs, so that a stop reaches it first."""
    if not folder or not Path(folder).is_dir():
        yield
        return
    note = Path(folder) / str(os.getpid())
    note.touch()
    try:
        yield
    finally:  # after the run kept what it finished: the sweep's process may end this one now
        note.unlink(missing_ok=True)
