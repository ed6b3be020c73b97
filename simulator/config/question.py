"""Settings named in an experiment's question, so that the question follows them.

A question may name a setting between braces, as a dotted key of the baseline
scenario's config: ``Will 12 reps book the {plan.bookings} plan?``. The report shows
the question with the value in place (``$4.00M``), so an override such as
``plan.bookings=5000000`` cannot leave the question asking about the old figure.
Anything else between braces is left as typed.

A setting may carry the words to show where the baseline has no such setting, after a
bar: ``{org.teams.full_cycle.headcount|12}`` reads ``12`` when an override such as
``org=specialist`` leaves the baseline without a full-cycle team (and is no error then).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from simulator.config.errors import ConfigIssue

SETTING = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)(?:\|([^{}|]*))?\}")
"""A dotted key between braces, then optionally ``|`` and the words shown where it is not
set: at least one dot, so ``{x}`` or ``{}`` are plain text."""


def _keys(node: Any) -> list[str]:
    if isinstance(node, BaseModel):
        return list(type(node).model_fields)
    if isinstance(node, Mapping):
        return [str(k) for k in node]
    if isinstance(node, list | tuple):
        return [str(i) for i in range(len(node))]
    return []


def _lookup(config: Any, path: str) -> tuple[bool, Any, str]:
    """(found, value, the closest key where it was not found) of a dotted key; list items by index."""
    node, done = config, list[str]()
    for part in path.split("."):
        if isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            close = difflib.get_close_matches(part, _keys(node), n=1, cutoff=0.6)
            rest = path.split(".")[len(done) + 1 :]
            return False, None, ".".join([*done, close[0], *rest]) if close else ""
        done.append(part)
    return True, node, ""


def _written(value: Any) -> bool:
    """A value a question can show: a number, a word, yes/no, or a list of numbers (a quarterly plan)."""
    if isinstance(value, list | tuple):
        return all(isinstance(v, int | float | str) for v in value)
    return isinstance(value, int | float | str | bool)


def question_settings(question: str, config: Any) -> tuple[dict[str, Any], list[ConfigIssue]]:
    """The settings a question names, looked up in one scenario's config.

    Args:
        question: The question as typed (``experiment.question``).
        config: The baseline scenario's config (a pydantic model or a plain mapping).

    Returns:
        ``{dotted key: value}`` for each named setting whose value is a number, a list of
        numbers or text, and one :class:`ConfigIssue` on ``experiment.question`` for each
        key that is not a setting or holds a whole section (one with words after a bar
        that is not set is left out of both: it shows its words).
    """
    values: dict[str, Any] = {}
    issues: list[ConfigIssue] = []
    fallbacks = {path: words for path, words in SETTING.findall(question) if words}
    for path in dict.fromkeys(path for path, _ in SETTING.findall(question)):
        found, value, close = _lookup(config, path)
        if path in fallbacks and (not found or value is None):
            continue  # shown with its own words
        if not found:
            hint = f"did you mean {{{close}}}? " if close else ""
            issues.append(
                ConfigIssue(
                    "experiment.question",
                    f"{{{path}}}",
                    f"names no setting of the baseline scenario: {hint}write a dotted key between braces, "
                    "e.g. {plan.bookings}, {org.teams.full_cycle.headcount} or {pipeline.stages.1.conversion}",
                )
            )
        elif value is None:
            issues.append(
                ConfigIssue(
                    "experiment.question",
                    f"{{{path}}}",
                    "is not set (null) in the baseline scenario: set it, or leave it out of the question",
                )
            )
        elif not _written(value):
            issues.append(
                ConfigIssue(
                    "experiment.question",
                    f"{{{path}}}",
                    "names a whole section or distribution: name one number or word inside it",
                )
            )
        else:
            values[path] = value
    return values, issues
