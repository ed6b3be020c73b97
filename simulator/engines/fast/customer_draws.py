"""A customer's luck in the fast engine, shared by the customer book and its expansions.

Each draw is computed where it is used, keyed by the customer (the initial book by index,
won deals by lead index), the quantity's slot in the run's kernel table and the row (the
renewal term, the check-in or the expansion opportunity), as ``CustomerDraws`` in the
SimPy engine (:mod:`simulator.model.customer_luck`). Below :mod:`.customers` and
:mod:`.expansions`, which both read it.
"""

from __future__ import annotations

from numba import njit

from simulator.engines.fast.state import World
from simulator.model.customer_luck import after_renewal_slot, customer_draw, expansion_slot


@njit(cache=True)
def draw(w: World, c: int, slot: int, row: int) -> float:
    """Customer ``c``'s draw of kernel slot ``slot`` at ``row`` (as ``CustomerDraws`` in the SimPy engine)."""
    cs = w.customers
    return customer_draw(cs.luck_codes, cs.luck_params, cs.luck_base[0], cs.block[c], cs.key[c], slot, row)


@njit(cache=True)
def after_renewal(w: World, quantity: int) -> int:
    """Slot of ``quantity`` (CHURN ... UPLIFT) in the run's kernel table."""
    return after_renewal_slot(w.customers.luck_stages[0], quantity)


@njit(cache=True)
def expansion_stage_slot(w: World, s: int, which: int) -> int:
    """Slot of expansion stage ``s``'s effort (``which`` 0), delay (1) or conversion draw (2)."""
    stages = w.customers.luck_stages
    return expansion_slot(stages[0], stages[1], s, which)
