"""Arrays a scenario's runs reuse one after another, instead of fresh ones each replication.

A replication of the default organisation lays out some 10 MB of arrays the compiled loop
reads and writes and the records copy from. Fresh ones each replication cost more than
their filling: memory the allocator returned to the system between replications comes
back one page fault at a time. :class:`Scratch` keeps one buffer per name, grown when a
run needs more, and hands out a C-contiguous view of the size asked for, filled as
``np.full`` would fill a fresh array. Only arrays nothing keeps after the run may come from
it: the records copy what they keep (:func:`~simulator.engines.fast.engine.simulate`).
"""

from __future__ import annotations

import math
import threading

import numpy as np
from numpy.typing import DTypeLike

from simulator.engines.fast.memo import ByScenario
from simulator.model.scenario import Scenario


class Scratch:
    """Named buffers, each a view of the shape last asked for, refilled at each ask."""

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def full(self, name: str, shape: int | tuple[int, ...], fill: object, dtype: DTypeLike = np.float64) -> np.ndarray:
        """``np.full(shape, fill, dtype)`` in the buffer ``name`` (valid until ``name`` is asked for again)."""
        dims = (shape,) if isinstance(shape, int) else shape
        size = math.prod(dims)
        kind = np.dtype(dtype)
        buffer = self._buffers.get(name)
        if buffer is None or buffer.dtype != kind or buffer.shape[0] < size:
            buffer = self._buffers[name] = np.empty(size + size // 4, dtype=kind)  # a quarter over: sizes vary by run
        array = buffer[:size].reshape(dims)
        array.fill(fill)
        return array


class Fresh(Scratch):
    """No reuse: every array fresh (a run whose arrays are kept, or looked at, after it)."""

    def full(self, name: str, shape: int | tuple[int, ...], fill: object, dtype: DTypeLike = np.float64) -> np.ndarray:
        """``np.full(shape, fill, dtype)``."""
        return np.full(shape, fill, dtype=dtype)


FRESH = Fresh()


_LOCAL = threading.local()  # one set per thread: two threads never share a run's arrays


def scratch_of(scenario: Scenario) -> Scratch:
    """The calling thread's scratch arrays for ``scenario``'s runs (one run at a time uses them)."""
    kept: ByScenario[Scratch] | None = getattr(_LOCAL, "kept", None)
    if kept is None:
        kept = _LOCAL.kept = ByScenario(size=4)
    found = kept.get(scenario)
    if found is None:
        found = Scratch()
        kept.put(scenario, found)
    return found
