"""The command line's own options refused in salesim's words: lists, repeats, numbers, unknown options.

``warmup``, ``sensitivity``, ``optimise``, ``backtest`` and ``calibrate`` take options of
their own beside Hydra's overrides. A comma-separated list, an option given twice, a word
where a number goes and an option no command has are named here, each as a
:class:`~simulator.config.errors.ConfigIssue`, all at once, before anything is composed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.config.errors import ConfigError, ConfigIssue, with_more


def comma_separated(option: str, text: str, each: str) -> tuple[list[str], ConfigIssue | None]:
    """A comma-separated option's values (stripped), and the issue of an empty one (``a,,b``, ``a,``), else None.

    An empty item is refused rather than dropped: ``2017-06-30,,2017-09-30`` may have lost
    a value between the commas, and a run that quietly does less than asked is worse than
    none. ``each`` says what the option takes.
    """
    parts = [part.strip() for part in text.split(",")]
    values = [part for part in parts if part]
    if values and len(values) < len(parts):
        position = parts.index("") + 1
        return values, ConfigIssue(option, text, f"item {position} of {len(parts)} is empty: {each}")
    return values, None


def repeated_issue(option: str, values: Sequence[str], each: str) -> ConfigIssue | None:
    """The issue of a list-valued option naming one value twice (``each`` says what it takes), else None.

    A value given twice would be run or counted twice (an origin's rows twice in the
    back-test's coverage, a lever's scenarios twice), so it is refused before anything runs.
    """
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return ConfigIssue(option, ",".join(values), f"{value} is given twice: {each}")
        seen.add(value)
    return None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An option's text that is not the number it takes (see :func:`lenient_number`)."""

    text: str
    rule: str


def lenient_number(kind: type[int] | type[float]) -> Any:
    """An argparse ``type`` reading a whole number (``int``) or a number (``float``) without stopping the parse.

    argparse stops at the first option whose ``type`` raises and names only it; this one
    keeps the text as :class:`Unreadable`, and :func:`unreadable_issues` names every such
    option beside the command's other faults.
    """
    rule = "must be a whole number" if kind is int else "must be a number"

    def read(text: str) -> int | float | Unreadable:
        try:
            return kind(text)
        except ValueError:
            return Unreadable(text, rule)

    return read


def unreadable_issues(defaults: Any, options: Any) -> list[ConfigIssue]:
    """An issue per option ``--name`` holding :class:`Unreadable` text; each is set back to its default.

    ``defaults``: the parser (its ``get_default``); ``options``: its parsed namespace. With the
    defaults back in place, the command's own range checks run on the other options and
    name their faults in the same message.
    """
    issues = []
    for dest, value in vars(options).items():
        if isinstance(value, Unreadable):
            issues.append(ConfigIssue(f"--{dest.replace('_', '-')}", value.text, value.rule))
            setattr(options, dest, defaults.get_default(dest))
    return issues


def unknown_options(parser: Any, command: str, leftovers: Sequence[str]) -> tuple[list[ConfigIssue], list[str]]:
    """The options ``parser`` does not know among ``leftovers`` (argparse's unparsed words), and the overrides left.

    A command's options start with ``-``; an override never does, so a leftover ``--bogus``
    is a misspelt option, not "not valid Hydra override syntax". Returns an issue per unknown
    option (with the closest known one) and the other words, the overrides.
    """
    known = sorted(s for s in getattr(parser, "_option_string_actions", {}) if s.startswith("--"))
    issues, rest = [], []
    for word in leftovers:
        if not word.startswith("-"):
            rest.append(word)
            continue
        name = word.split("=", 1)[0].lstrip("-")  # the dashes alike in every option: compared without them
        close = difflib.get_close_matches(name, [k.lstrip("-") for k in known], n=1)
        hint = f"did you mean --{close[0]}? " if close else ""
        issues.append(
            ConfigIssue(
                "command line", word, f"no such option of salesim {command}: {hint}its options are {', '.join(known)}"
            )
        )
    return issues, rest


def with_composed_issues(issues: list[ConfigIssue], compose: Callable[[], object]) -> list[ConfigIssue]:
    """The options' ``issues`` with what composing the experiment refuses beside them: every problem in one message.

    ``salesim sensitivity --runs x seed=abc`` had named only ``--runs``; ``seed`` came on the next
    try. ``compose`` composes and checks the experiment from the overrides (raising
    :class:`~simulator.config.errors.ConfigError`); a failure of another kind leaves the options' issues alone.
    """
    try:
        compose()
    except ConfigError as error:
        return with_more(issues, error.issues)
    except Exception:  # a refusal is being worded: the options' own problems stand
        return issues
    return issues
