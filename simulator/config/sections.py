"""Parse a pydantic-modelled config section and report its errors as :class:`ConfigIssue`.

The newer config sections (economics, plan, forecast, SLA) are pydantic v2 models. A
user who gets one wrong must still see the dotted key, the value and what is allowed,
in the same form as every other config error, so pydantic's errors are translated here.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from simulator.config.errors import ConfigIssue

Section = TypeVar("Section", bound=BaseModel)


def _allowed(model: type[BaseModel], error: Mapping[str, Any]) -> str:
    """Plain words for what an error's key accepts."""
    if error["type"] == "extra_forbidden":
        loc = [p for p in error["loc"] if isinstance(p, str)]
        known = sorted(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]) if loc else "", known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key (known: {', '.join(known)}){hint}"
    return str(error["msg"])


def _fields_at(model: type[BaseModel], path: list[str]) -> list[str]:
    """Field names of the sub-model reached by ``path`` (best effort, for the 'known' list)."""
    current: Any = model
    for name in path:
        fields = getattr(current, "model_fields", None)
        if not fields or name not in fields:
            return []
        annotation = fields[name].annotation
        args = getattr(annotation, "__args__", ())
        candidates = [a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not candidates:
            return []
        current = candidates[0]
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def parse_section(model: type[Section], data: Any, key: str, issues: list[ConfigIssue]) -> Section:
    """Validate ``data`` as ``model``; on failure, add one issue per error and return the defaults.

    Args:
        model: The pydantic model of the section (every field has a default).
        data: The section as a plain mapping (None or absent: the defaults).
        key: Dotted name of the section, e.g. ``economics``.
        issues: Where problems are appended.
    """
    if data is None:
        return model()
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            path = ".".join(str(p) for p in (key, *item["loc"]))
            issues.append(ConfigIssue(path, item.get("input"), _allowed(model, item)))
        return model()
