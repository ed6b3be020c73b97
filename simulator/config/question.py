"""Settings named in an experiment's question, so that the question follows them.

A question may name a setting between braces, as a dotted key of the baseline
scenario's config: ``Will 12 reps book the {plan.bookings} plan?``. The report shows
the question with the value in place (``$4.00M``), so an override such as
``plan.bookings=5000000`` cannot leave the question asking about the old figure.
``{runs}`` and ``{seed}`` read the experiment's own. A whole section named bare (``{plan}``)
or a dotted key whose brace is never closed is refused; anything else between braces is
left as typed.

A setting may carry the words to show where the baseline has no such setting, after a
bar: ``{org.teams.full_cycle.headcount|12}`` reads ``12`` when an override such as
``org=specialist`` leaves the baseline without a full-cycle team (and is no error then).
Only an entry a config may lack (a team, a source) falls back to its words: a misspelt
setting (``{org.teams.full_cycle.headcont|12}``, ``{plan.bookngs|x}``) or entry close to
one the config has (``{org.teams.sdrr.headcount|4}``) is refused still.

``{org.sellers}`` is no setting but reads as one: the reps selling new business (every
team's headcount but the CSMs' and partner managers'), so ``the same {org.sellers} sellers``
follows an override of any selling team.

A setting may name the scenario it is read from, before a colon:
``what do {csm_7:org.teams.csm.headcount} or {csm_15:org.teams.csm.headcount} CSMs do?``
reads each scenario's own headcount, so a question never states a figure its scenarios
do not run (an override of a scenario's setting moves the question with it). A
distribution, such as a hand-off's delay in days, reads as its mean. A scenario
the experiment does not have shows the words after the bar (a run of some scenarios
only), and is refused, with the close name, where there are none.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from simulator.config.distributions import Distribution
from simulator.config.errors import ConfigIssue

SETTING = re.compile(
    r"\{(?:(?P<scenario>[A-Za-z0-9_-]+):)?(?P<path>[a-z_][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)(?:\|(?P<words>[^{}]*))?\}"
)
"""Optionally a scenario's name and ``:``, a dotted key between braces, then optionally ``|``
and the words shown where it is not set: at least one dot, so ``{x}`` or ``{}`` are plain text."""

RUN_WORDS = ("runs", "seed")
"""Bare words a question may name between braces: the experiment's own ``{runs}`` and ``{seed}``."""

_BARE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_UNCLOSED = re.compile(r"\{(?:[A-Za-z0-9_-]+:)?[a-z_][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+(?![A-Za-z0-9_.|}-])")


def _keys(node: Any) -> list[str]:
    if isinstance(node, BaseModel):
        return list(type(node).model_fields)
    if isinstance(node, Mapping):
        return [str(k) for k in node]
    if isinstance(node, list | tuple):
        return [str(i) for i in range(len(node))]
    return []


SELLERS = "org.sellers"
"""A question's word for the reps selling new business: the headcount of every team of the
org but those serving customers (``csm``) and partners (``partner_manager``)."""

NOT_SELLING = frozenset({"csm", "partner_manager"})
"""The roles :data:`SELLERS` leaves out: they win no new customer."""


def _field(node: Any, name: str) -> Any:
    """A section's field or a mapping's key (None when it has neither)."""
    if isinstance(node, BaseModel):
        return getattr(node, name, None)
    return node.get(name) if isinstance(node, Mapping) else None


def _sellers(config: Any) -> int | None:
    """:data:`SELLERS` of a config (a model or a plain mapping); None without teams."""
    teams = _field(_field(config, "org"), "teams")
    if not isinstance(teams, Mapping):
        return None
    roles = {name: _field(team, "role") or name for name, team in teams.items()}  # a team's role is its name by default
    counts = [_field(team, "headcount") for name, team in teams.items() if roles[name] not in NOT_SELLING]
    return sum(int(c) for c in counts if isinstance(c, int | float) and not isinstance(c, bool))


def _lookup(config: Any, path: str) -> tuple[bool, Any, str, bool]:
    """(found, value, the closest key where it was not found, whether what is missing is an entry).

    An entry is a key of a mapping of named things (a team, a source), which one config may
    have and another lack; a field of a section (``headcount``) is not. List items by index.
    :data:`SELLERS` is worked out from the org's teams.
    """
    if path == SELLERS and (sellers := _sellers(config)) is not None:
        return True, sellers, "", False
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
            entry = isinstance(node, Mapping) and not isinstance(node, BaseModel)
            return False, None, ".".join([*done, close[0], *rest]) if close else "", entry
        done.append(part)
    return True, node, "", False


def _written(value: Any) -> bool:
    """A value a question can show: a number, a word, yes/no, or a list of numbers (a quarterly plan)."""
    if isinstance(value, list | tuple):
        return all(isinstance(v, int | float | str) for v in value)
    return isinstance(value, int | float | str | bool)


def setting_key(match: re.Match[str]) -> str:
    """The key of a placeholder's value in :func:`question_settings`: ``path``, or ``scenario:path``."""
    scenario = match.group("scenario")
    return f"{scenario}:{match.group('path')}" if scenario else match.group("path")


def question_settings(
    question: str, config: Any, scenarios: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[ConfigIssue]]:
    """The settings a question names, looked up in the baseline's config or a named scenario's.

    Args:
        question: The question as typed (``experiment.question``).
        config: The baseline scenario's config (a pydantic model or a plain mapping).
        scenarios: Every scenario's config by name, for settings typed ``{scenario:key}``;
            ``None`` when only the baseline's is at hand (such settings are then not checked),
            and a scenario's config ``None`` when it did not parse (its settings not checked).

    Returns:
        ``{key: value}`` (:func:`setting_key`) for each named setting whose value is a
        number, a list of numbers or text, and one :class:`ConfigIssue` on
        ``experiment.question`` for each key that is not a setting or holds a whole section,
        and each scenario the experiment does not have. A setting with words after a bar
        (:func:`shown_words`) whose entry the config lacks, or that is null, is in neither.
    """
    values, issues, _ = question_parts(question, config, scenarios)
    return values, issues


def shown_words(question: str, config: Any, scenarios: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    """(placeholder as typed, its words) of each setting the question shows in its own words.

    Those with words after a bar whose entry the config read (the baseline's, or the named
    scenario's) lacks (a team it does not have, and none of a close name) or whose value is
    null; a misspelt field or entry is not among them (it is refused, with the close name).
    """
    return question_parts(question, config, scenarios)[2]


def question_parts(
    question: str, config: Any, scenarios: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[ConfigIssue], list[tuple[str, str]]]:
    """:func:`question_settings`' settings and issues, and :func:`shown_words`' words, in one look at each key."""
    values: dict[str, Any] = {}
    issues: list[ConfigIssue] = []
    shown: list[tuple[str, str]] = []
    seen: set[str] = set()
    for match in SETTING.finditer(question):
        path, typed, given = match.group("path"), match.group(0), match.group("words")
        scenario = match.group("scenario")
        if typed in seen:
            continue
        seen.add(typed)
        read = config
        if scenario is not None:
            if scenarios is None:
                continue
            if scenario not in scenarios and given is not None:
                shown.append((typed, given))  # a scenario left out of this run (the baseline alone, say)
                continue
            if scenario not in scenarios:
                lowered = {name.lower(): name for name in scenarios}
                close_names = [
                    lowered[c] for c in difflib.get_close_matches(scenario.lower(), list(lowered), n=1, cutoff=0.6)
                ]
                hint = f"did you mean {close_names[0]}? " if close_names else ""
                issues.append(
                    ConfigIssue(
                        "experiment.question",
                        typed,
                        f"names no scenario of this experiment: {hint}the scenarios are "
                        f"{', '.join(scenarios)} (a setting is read from a scenario as {{name:dotted.key}})",
                    )
                )
                continue
            read = scenarios[scenario]
            if read is None:
                continue  # a scenario whose config did not parse: its own issues say why
        found, value, close, entry = _lookup(read, path)
        if isinstance(value, Distribution):  # a distribution reads as its mean (a hand-off's 1.5 days)
            value = float(f"{value.mean:.3g}")  # a mean to three figures: 34.3 days, not 34.33
        whose = f"scenario {scenario}" if scenario is not None else "baseline scenario"
        prefix = f"{scenario}:" if scenario is not None else ""
        if given is not None and ((not found and entry and not close) or (found and value is None)):
            shown.append((typed, given))  # an entry this config lacks (a close one would be a misspelling)
        elif not found:
            close = close if close and _lookup(read, close)[0] else ""  # a suggestion that is itself no setting: none
            hint = f"did you mean {{{prefix}{close}}}? " if close else ""
            words = (
                "; for a setting of an entry some configs lack (a team), give the words to show then after a bar: "
                f"{{{prefix}{path}|words}}"
                if entry and not close and given is None
                else ""
            )
            issues.append(
                ConfigIssue(
                    "experiment.question",
                    typed,
                    f"names no setting of the {whose}: {hint}write a dotted key between braces, "
                    f"e.g. {{plan.bookings}}, {{org.teams.full_cycle.headcount}} or {{pipeline.stages.1.conversion}}"
                    f"{words}",
                )
            )
        elif value is None:
            issues.append(
                ConfigIssue(
                    "experiment.question",
                    typed,
                    f"is not set (null) in the {whose}: set it, or leave it out of the question",
                )
            )
        elif not _written(value):
            issues.append(
                ConfigIssue(
                    "experiment.question",
                    typed,
                    "names a whole section: name one number or word inside it (a distribution reads as its mean)",
                )
            )
        else:
            values[setting_key(match)] = value
    return values, issues + _shape_issues(question, config), shown


def _shape_issues(question: str, config: Any) -> list[ConfigIssue]:
    """A whole section named bare (``{plan}``) and a dotted key whose brace is never closed: neither reads as text."""
    sections = set(_keys(config))
    issues = [
        ConfigIssue(
            "experiment.question",
            typed.group(0),
            "names a whole section: name one number or word inside it ({plan.bookings}); {runs} and {seed} "
            "read the experiment's own",
        )
        for typed in _BARE.finditer(question)
        if typed.group(1) in sections and typed.group(1) not in RUN_WORDS
    ]
    issues += [
        ConfigIssue("experiment.question", typed.group(0), f"has no closing brace: write it as {typed.group(0)}}}")
        for typed in _UNCLOSED.finditer(question)
    ]
    return issues
