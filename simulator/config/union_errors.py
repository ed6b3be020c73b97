"""A value refused by every member of a union (``steady_state``, a number or a distribution): one message.

Pydantic reports a union's refusal once per member, each under a tag in the error's location
(``function-wrap[_validate()]``, ``literal['steady_state']``): ``initial_tenure_months=steady``
had read as two problems under keys no config has. The tags are dropped; text is told the
words and the forms the union takes, anything else what its non-text member says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic_core import ErrorDetails

_TAG = re.compile(r"^[\w-]+\[.*\]$")
"""A union member's tag in an error's location: ``literal['steady_state']``, ``function-wrap[_validate()]``."""


def _tag_at(loc: Sequence[Any]) -> int | None:
    return next((i for i, part in enumerate(loc) if isinstance(part, str) and _TAG.match(part)), None)


def _words(detail: ErrorDetails) -> str:
    """What a member's error says: a nested ConfigError's own words (its issues'), else the message."""
    issues = getattr(detail.get("ctx", {}).get("error"), "issues", None)
    if issues:
        return "; ".join(issue.allowed for issue in issues)
    return detail["msg"].removeprefix("Value error, ")


def _merged(group: list[ErrorDetails]) -> list[ErrorDetails]:
    """One union's errors, untagged: the literal's words for text, the other members' errors for anything else."""
    words = [d for d in group if d["type"] == "literal_error"]
    others = [d for d in group if d["type"] != "literal_error"]
    if not words or not others:
        return group
    value = words[0].get("input")
    if not isinstance(value, str):
        return others
    choices = re.findall(r"'([^']*)'", str(words[0].get("ctx", {}).get("expected", "")))
    forms = "; ".join(_words(d) for d in others if d["loc"] == words[0]["loc"])
    msg = f"must be {' or '.join(choices)}" + (f", or {forms}" if forms else "")
    return [ErrorDetails(type="value_error", loc=words[0]["loc"], msg=msg, input=value)]


def without_union_tags(details: Sequence[ErrorDetails]) -> list[ErrorDetails]:
    """``details`` with each union's member tags dropped and its members' errors merged (:func:`_merged`)."""
    out: list[ErrorDetails | tuple[Any, ...]] = []
    groups: dict[tuple[Any, ...], list[ErrorDetails]] = {}
    for detail in details:
        loc = tuple(detail["loc"])
        at = _tag_at(loc)
        if at is None:
            out.append(detail)
            continue
        base = loc[:at]
        if base not in groups:
            groups[base] = []
            out.append(base)
        groups[base].append(ErrorDetails(**{**detail, "loc": base + loc[at + 1 :]}))
    return [d for item in out for d in (_merged(groups[item]) if isinstance(item, tuple) else [item])]
