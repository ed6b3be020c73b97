"""The fast engine: the SimPy engine's processes as compiled state machines on arrays.

Modules, lowest first: ``events`` (the future-event list), ``queues`` (work-item heaps),
``state`` (the arrays of a run), ``structs`` (named arrays as compiled structs),
``teams``, ``workforce``, ``sales`` (the processes), ``loop`` (start and dispatch),
``decisions`` and ``deals`` (buyer decisions, the starting deals), ``luck``, ``params``
and ``build`` (luck drawn ahead, the scenario's numbers, room), ``coverage``, ``cache``
(the disk cache dropped when a source changes) and ``engine`` (:func:`simulate`).
"""

from pathlib import Path

from simulator.engines.fast.cache import compiled_sources, fresh_cache, held_elsewhere
from simulator.engines.fast.coverage import uncovered
from simulator.engines.fast.engine import loop, simulate, warm_up

# before any compiled function is loaded from the disk cache (Numba's private cache path:
# the folder it keeps this package's cached functions in); the loop holds the code of the
# compiled model functions it calls (keyed draws, the logistic, seeding) too
fresh_cache(
    Path(__file__).parent,
    Path(loop.run_world._cache._cache_path),  # type: ignore[attr-defined]
    compiled_sources(Path(__file__).parents[2] / "model"),
)


def compiled_on_disk() -> bool:
    """True when Numba's disk cache holds the compiled event loop, so a run loads it in seconds."""
    return any(Path(loop.run_world._cache._cache_path).glob("loop.run_world-*.nbi"))  # type: ignore[attr-defined]


def compiling_elsewhere() -> bool:
    """True when another process is compiling the event loop into this disk cache now (this one will wait for it)."""
    return held_elsewhere(Path(loop.run_world._cache._cache_path))  # type: ignore[attr-defined]


__all__ = ["compiled_on_disk", "compiling_elsewhere", "simulate", "uncovered", "warm_up"]
