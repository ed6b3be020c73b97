"""What the fast engine worked out for each of the last scenarios it ran in this process.

Keyed by the scenario's identity: the scenario itself is kept beside its value, so a new
scenario that happens to reuse an old one's ``id`` is never mistaken for it, and only the
last few are kept, so a long session (sensitivity, optimisation, a notebook) does not
grow without bound.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from simulator.model.scenario import Scenario

T = TypeVar("T")


class ByScenario(Generic[T]):
    """A value per scenario for the last ``size`` scenarios used (the least recently used goes first)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: dict[int, tuple[Scenario, T]] = {}

    def get(self, scenario: Scenario) -> T | None:
        """The value kept for ``scenario`` (None: none)."""
        found = self._items.get(id(scenario))
        return found[1] if found is not None and found[0] is scenario else None

    def put(self, scenario: Scenario, value: T) -> None:
        """Keep ``value`` for ``scenario``, forgetting the least recently kept beyond ``size``."""
        self._items.pop(id(scenario), None)
        self._items[id(scenario)] = (scenario, value)
        while len(self._items) > self._size:
            del self._items[next(iter(self._items))]
