"""The fast engine: the SimPy engine's processes as compiled state machines on arrays.

Modules, lowest first: ``events`` (the future-event list), ``queues`` (work-item heaps),
``state`` (the arrays of a run), ``structs`` (named arrays as compiled structs),
``teams``, ``workforce``, ``sales`` (the processes), ``loop`` (start and dispatch),
``decisions`` and ``deals`` (buyer decisions, the starting deals), ``luck``, ``params``
and ``build`` (luck drawn ahead, the scenario's numbers, room), ``coverage``, ``cache``
(the disk cache dropped when a source changes) and ``engine`` (:func:`simulate`).
"""

from pathlib import Path

import numba

from simulator.engines.fast.cache import compiled_sources, fresh_cache, held_elsewhere
from simulator.engines.fast.coverage import uncovered
from simulator.engines.fast.engine import cache_folder, simulate, warm_up

# before any compiled function is loaded from the disk cache (Numba's private cache path:
# the folder it keeps this package's cached functions in); the loop holds the code of the
# compiled model functions it calls (keyed draws, the logistic, seeding) too
_FOLDER = cache_folder()
if _FOLDER is None:
    raise ImportError("the fast engine needs Numba's JIT (NUMBA_DISABLE_JIT is set)")
_CACHE: Path = _FOLDER
fresh_cache(Path(__file__).parent, _CACHE, compiled_sources(Path(__file__).parents[2] / "model"))


def compiled_on_disk() -> bool:
    """True when Numba's disk cache holds the compiled event loop, so a run loads it in seconds."""
    return any(_CACHE.glob("loop.run_world-*.nbi"))


def cache_not_where_asked() -> str:
    """Why the engine is not cached under ``NUMBA_CACHE_DIR`` although it is set (empty when it is, or unset).

    Numba quietly caches elsewhere when that folder cannot be written (beside the sources,
    or in the user's own cache folder): a user who set it for a shared or fast disk would
    not know why its runs compile again.
    """
    wanted = str(getattr(numba.config, "CACHE_DIR", "") or "")
    if not wanted or _CACHE.resolve().is_relative_to(Path(wanted).resolve()):
        return ""
    return f"NUMBA_CACHE_DIR={wanted} cannot be written, so the compiled engine is cached in {_CACHE} instead"


def compiling_elsewhere() -> bool:
    """True when another process is compiling the event loop into this disk cache now (this one will wait for it)."""
    return held_elsewhere(_CACHE)


__all__ = ["cache_not_where_asked", "compiled_on_disk", "compiling_elsewhere", "simulate", "uncovered", "warm_up"]
