"""Errors raised for bad user input, before any simulation starts.

A user who mistypes a config value must learn *which key*, *which value* and
*what is allowed* in one message, so every check in the project reports through
:class:`ConfigIssue` and all issues of one config are raised together as a
:class:`ConfigError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem found in a configuration.

    Attributes:
        key: Dotted path of the offending key, e.g. ``pipeline.stages.2.conversion``.
        value: The value that was given.
        allowed: Plain words for what would have been accepted.
    """

    key: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}: {self.allowed}"


class ConfigError(ValueError):
    """A configuration failed validation; carries every issue found."""

    def __init__(self, issues: list[ConfigIssue] | ConfigIssue) -> None:
        self.issues: list[ConfigIssue] = [issues] if isinstance(issues, ConfigIssue) else list(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        noun = "problem" if len(self.issues) == 1 else "problems"
        super().__init__(f"invalid configuration ({len(self.issues)} {noun}):\n{lines}")

    @classmethod
    def single(cls, key: str, value: Any, allowed: str) -> ConfigError:
        """Build an error holding one issue."""
        return cls(ConfigIssue(key, value, allowed))
