"""How many worker processes a run starts on this machine, apart from the runner that starts them.

A command checks and notes its ``--workers`` before anything is composed or run: that
reads the cores this process may use alone, without loading the runner, its backends or
the engines.
"""

from __future__ import annotations

import os


def available_workers() -> int:
    """Cores this process may use (respects CPU affinity, e.g. under SLURM)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def workers_note(key: str, workers: int | None) -> str | None:
    """What to tell of ``key = workers`` above the cores this process may use (it runs on the cores), else None."""
    cores = available_workers()
    if not workers or workers <= cores:
        return None
    cores_words = f"{cores} core{'s' if cores > 1 else ''}"
    return f"{key} = {workers}, but this machine has {cores_words} for salesim: running on {cores}"


def resolve_workers(workers: int | None) -> int:
    """Worker processes to start on this machine: ``None`` or 0 means every available core, and so does more."""
    cores = available_workers()
    return cores if not workers else max(1, min(int(workers), cores))
