"""Figures that depend on a compiled scenario alone, worked out once per scenario and process.

A worker runs thousands of replications of the same few scenarios. What each replication
would otherwise work out again from the scenario alone (its window's months, the names
its tables repeat) is kept here, keyed by the scenario object and a name. The entry holds
the scenario, so its ``id`` cannot be reused while the entry lives; a scenario compiled
again is a new object and gets its own entries. Arrays kept here are made read-only, so
no replication can change what the next one reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario

T = TypeVar("T")
MAX_ENTRIES = 256
"""Entries kept before the cache starts again (a run has a few scenarios; sweeps compile many)."""

_CACHE: dict[tuple[int, str], tuple[object, object]] = {}


def per_scenario(scenario: Scenario, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` the first time ``name`` is asked for of this scenario object; the same value after."""
    key = (id(scenario), name)
    found = _CACHE.get(key)
    if found is not None and found[0] is scenario:
        return cast(T, found[1])
    value = compute()
    if len(_CACHE) >= MAX_ENTRIES:
        _CACHE.clear()
    _CACHE[key] = (scenario, value)
    return value
