"""The user's overrides, each classified by what it does to a config: a group, a value, an addition, a deletion."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hydra.core.override_parser.types import OverrideType

from simulator.command_line import parse_overrides


@dataclass(frozen=True, slots=True)
class UserOverride:
    """One override the user gave, classified by what it does to a config.

    Attributes:
        line: The override as typed, e.g. ``org.teams.sdr.headcount=5``.
        key: Its dotted key or config group, e.g. ``org.teams.sdr.headcount`` or ``org``.
        kind: ``group`` (picks a config file), ``value`` (sets an existing key),
            ``add`` (``+``/``++``: may create the key) or ``delete`` (``~``).
        value: The parsed value (None for a delete without value).
    """

    line: str
    key: str
    kind: str
    value: Any


def classify(lines: Sequence[str], groups: Collection[str], where: str = "overrides") -> list[UserOverride]:
    """The user's overrides (Hydra's own ``hydra.*`` ones left out), each with its kind."""
    result = []
    for override in parse_overrides(lines, where):
        if override.is_hydra_override():
            continue
        key = override.key_or_group
        if override.type in (OverrideType.ADD, OverrideType.FORCE_ADD):
            kind = "add"
        elif key in groups and not isinstance(override.value(), Mapping):  # a mapping is merged into the group's
            kind = "group"
        elif override.type == OverrideType.DEL:
            kind = "delete"
        else:
            kind = "value"
        result.append(UserOverride(str(override.input_line), key, kind, override.value()))
    return result
