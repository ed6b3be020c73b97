"""The fast engine: the SimPy engine's processes as compiled state machines on arrays.

Modules, lowest first: ``events`` (the future-event list), ``queues`` (work-item heaps),
``state`` (the arrays of a run), ``structs`` (named arrays as compiled structs),
``teams``, ``workforce``, ``sales`` (the processes), ``loop`` (start and dispatch),
``luck`` and ``build`` (luck drawn ahead, room), ``coverage`` and ``engine``
(:func:`simulate`).
"""

from simulator.engines.fast.coverage import uncovered
from simulator.engines.fast.engine import simulate, warm_up

__all__ = ["simulate", "uncovered", "warm_up"]
