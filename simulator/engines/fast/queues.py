"""Queues of work items in arrays: one binary heap per team pool and per rep.

An entry is ``(key0, key1, key2, sequence, item)`` compared in that order, as the SimPy
engine compares its ``(priority_key, sequence, item)`` tuples: the key is the pipeline's
rank and the team's priority rule, the sequence a tie-breaker given when the item was
queued (unique, so two entries never compare equal). Queue ``q`` is team ``q``'s shared
pool for ``q < T`` and rep ``q - T``'s own queue otherwise.

Every queue has the same fixed capacity; a push beyond it sets the overflow flag and the
engine reruns the replication with larger queues.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulator.model.kernel import FloatArray, IntArray


class Queues(NamedTuple):
    """Heaps of queued entries, ``length[q]`` of them in row ``q``."""

    key: FloatArray  # (Q, capacity, 3)
    sequence: IntArray  # (Q, capacity)
    item: IntArray  # (Q, capacity)
    length: IntArray  # (Q,)
    overflow: IntArray  # (1,)


def queues(n_queues: int, capacity: int) -> Queues:
    """Empty queues."""
    return Queues(
        key=np.empty((n_queues, capacity, 3)),
        sequence=np.empty((n_queues, capacity), dtype=np.int64),
        item=np.empty((n_queues, capacity), dtype=np.int64),
        length=np.zeros(n_queues, dtype=np.int64),
        overflow=np.zeros(1, dtype=np.int64),
    )


@njit(cache=True, inline="always")
def _less(qs: Queues, q: int, i: int, r: int, j: int) -> bool:
    """True if entry ``i`` of queue ``q`` comes before entry ``j`` of queue ``r``."""
    for k in range(3):
        if qs.key[q, i, k] != qs.key[r, j, k]:
            return qs.key[q, i, k] < qs.key[r, j, k]
    return qs.sequence[q, i] < qs.sequence[r, j]


@njit(cache=True, inline="always")
def _swap(qs: Queues, q: int, i: int, j: int) -> None:
    for k in range(3):
        qs.key[q, i, k], qs.key[q, j, k] = qs.key[q, j, k], qs.key[q, i, k]
    qs.sequence[q, i], qs.sequence[q, j] = qs.sequence[q, j], qs.sequence[q, i]
    qs.item[q, i], qs.item[q, j] = qs.item[q, j], qs.item[q, i]


@njit(cache=True)
def push(qs: Queues, q: int, k0: float, k1: float, k2: float, sequence: int, item: int) -> None:
    """Queue ``item`` in queue ``q`` under the key ``(k0, k1, k2, sequence)``."""
    n = qs.length[q]
    if n >= qs.item.shape[1]:
        qs.overflow[0] = 1
        return
    qs.key[q, n, 0] = k0
    qs.key[q, n, 1] = k1
    qs.key[q, n, 2] = k2
    qs.sequence[q, n] = sequence
    qs.item[q, n] = item
    qs.length[q] = n + 1
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if not _less(qs, q, i, q, parent):
            break
        _swap(qs, q, i, parent)
        i = parent


@njit(cache=True)
def pop(qs: Queues, q: int) -> int:
    """Remove and return the first item of queue ``q`` (which must not be empty)."""
    item = qs.item[q, 0]
    n = qs.length[q] - 1
    qs.length[q] = n
    if n > 0:
        for k in range(3):
            qs.key[q, 0, k] = qs.key[q, n, k]
        qs.sequence[q, 0] = qs.sequence[q, n]
        qs.item[q, 0] = qs.item[q, n]
        i = 0
        while True:
            left = 2 * i + 1
            if left >= n:
                break
            child = left
            if left + 1 < n and _less(qs, q, left + 1, q, left):
                child = left + 1
            if not _less(qs, q, child, q, i):
                break
            _swap(qs, q, i, child)
            i = child
    return item


@njit(cache=True, inline="always")
def head_before(qs: Queues, q: int, r: int) -> bool:
    """True if the first entry of queue ``q`` comes before the first of queue ``r`` (both non-empty)."""
    return _less(qs, q, 0, r, 0)


@njit(cache=True)
def sorted_items(qs: Queues, q: int) -> IntArray:
    """The items of queue ``q`` in queue order (first to be worked first), leaving the queue as it is."""
    n = qs.length[q]
    order = np.arange(n)
    for i in range(1, n):  # insertion sort: queues are short
        j = i
        while j > 0 and _less(qs, q, order[j], q, order[j - 1]):
            order[j], order[j - 1] = order[j - 1], order[j]
            j -= 1
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        out[i] = qs.item[q, order[i]]
    return out
