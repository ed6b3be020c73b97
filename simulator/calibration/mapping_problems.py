"""A mapping file's problems in words: the key, the value and what is allowed, with the key meant for a misspelt one."""

from __future__ import annotations

import difflib
from typing import Any, get_args

from pydantic import BaseModel

from simulator.config.errors import ConfigIssue, issues_from_error_detail, shown


def closest_key(error: Any, root: type[BaseModel]) -> str | None:
    """For an unknown key, the closest key its section (of the ``root`` model) has; else None."""
    if error["type"] != "extra_forbidden":
        return None
    loc = tuple(error["loc"])
    known = _keys(loc[:-1], root)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    return close[0] if close else None


INTERNAL = ("base", "source")
"""The mapping file's own attributes (its folder, its path), set on loading: no keys a user writes at its top."""


def _keys(loc: tuple[int | str, ...], root: type[BaseModel]) -> list[str]:
    """The keys the section at ``loc`` accepts; the file's own attributes left out at its top only.

    ``source`` had been left out of every section, so ``opportunities.columns``, whose ``source``
    is the lead-source column, listed its keys without it and a typo of it ('sorce') found no match.
    """
    section = _model_at(loc, root)
    if section is None:
        return []
    return [name for name in section.model_fields if loc or name not in INTERNAL]


def _model_at(loc: tuple[int | str, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The mapping section (a pydantic model) at ``loc`` in ``root``, or None when ``loc`` is not a section."""
    model: type[BaseModel] = root
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        found = next(
            (
                a
                for a in (get_args(field.annotation) or (field.annotation,))
                if isinstance(a, type) and issubclass(a, BaseModel)
            ),
            None,
        )
        if found is None:
            return None
        model = found
    return model


def _required(loc: tuple[int | str, ...], root: type[BaseModel]) -> bool:
    """Whether the key at ``loc`` must be given (it has no default, null among its values or not)."""
    section = _model_at(loc[:-1], root)
    field = section.model_fields.get(str(loc[-1])) if section else None
    return field is not None and field.is_required()


def mapping_problem(error: Any, root: type[BaseModel]) -> str:
    """One problem of a mapping file (an error of the ``root`` model): the key, the value (short), what is allowed."""
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc)
    if error["type"] == "missing":
        return f"{key}: missing (required)"
    if error.get("input") is None and _required(loc, root):
        return f"{key} = null: required ({'the column of the file that holds it' if 'columns' in loc else 'give it'})"
    given = error.get("input")
    value = "{…}" if isinstance(given, dict) else "[…]" if isinstance(given, list) else shown(given)
    value = value if len(value) <= 60 else value[:57] + "..."
    if error["type"] == "extra_forbidden":
        known = _keys(loc[:-1], root)
        close = closest_key(error, root)
        return (
            f"{key} = {value}: unknown key"
            + (f" ({'.'.join(str(p) for p in loc[:-1]) or 'the mapping'} has: {', '.join(known)})" if known else "")
            + (f"; did you mean '{close}'?" if close else "")
        )
    # bounds, types and choices worded as every salesim config message is (key = value: what is allowed)
    parts = []
    for issue in issues_from_error_detail(error):
        text = ConfigIssue(key, error.get("input"), issue.allowed).shown_value()
        parts.append(f"{key} = {text if len(text) <= 60 else text[:57] + '...'}: {issue.allowed}")
    return "; ".join(parts)
