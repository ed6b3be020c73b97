"""Errors raised for bad user input, before any simulation starts.

A user who mistypes a config value must learn *which key*, *which value* and
*what is allowed* in one message, so every check in the project reports through
:class:`ConfigIssue` and all issues of one config are raised together as a
:class:`ConfigError`.

The config models are pydantic models; :func:`issues_from_validation_error` turns a
pydantic ``ValidationError`` into the same issues, worded as the rest of salesim words
them. A model validator reports a problem by raising :class:`ConfigError` with keys
*relative to the model it checks* (``""`` for the model itself): the formatter puts
the model's own path in front.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from simulator.config.union_errors import without_union_tags

MISSING = "is required but missing"
"""What a required key that is absent is told."""


@dataclass(frozen=True, slots=True, eq=False)
class ConfigIssue:
    """One problem found in a configuration.

    Two issues are the same when they read the same: same key, value as shown and words
    (so a ``nan`` given to every scenario is one issue, though ``nan != nan``).

    Attributes:
        key: Dotted path of the offending key, e.g. ``pipeline.stages.2.conversion``.
        value: The value that was given.
        allowed: Plain words for what would have been accepted.
    """

    key: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{self.key} = {self.shown_value()}: {self.allowed}"

    def shown_value(self) -> str:
        """The value as the message shows it (:func:`shown`; a whole decimal told so as the decimal it was read as)."""
        value = self.value
        if isinstance(value, float) and value.is_integer() and decimal_hint(value) in self.allowed:
            value = AsDecimal(value)  # "= 10.0: must be a whole number (it was read as the decimal 10.0 ...)"
        return shown(value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConfigIssue):
            return NotImplemented
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class AsDecimal(float):
    """A whole number the user wrote as a decimal (``10.0``, ``1e1``) where a whole number is expected.

    Shown as the decimal it was read as, so that ``= 10.0: must be a whole number`` does not
    read ``= 10`` (what :func:`shown` makes of other whole floats).
    """

    __slots__ = ()


def shown(value: Any) -> str:
    """``value`` as the user wrote it, in YAML's words.

    A whole float without its ``.0`` (``10``, not the ``10.0`` it became); ``null``,
    ``true`` and ``false``, not Python's ``None``, ``True`` and ``False``; ``nan``,
    ``inf`` and ``-inf``; dates as ``2017-01-01``; text in YAML's single quotes (a
    Windows path keeps its single backslashes); lists and mappings item by item, their plain words unquoted
    (``{product: [core]}``) as YAML reads them.
    """
    return _shown(value, inside=False)


_PLAIN_WORD = re.compile(r"[A-Za-z_][\w\-]*")
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "nan", "inf", "y", "n", "~"}  # read otherwise


def _shown(value: Any, inside: bool) -> str:
    """:func:`shown`; ``inside`` a list or mapping, a plain word is shown bare, as YAML would read it back."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):  # YAML reads 2017-01-01 10:00:00 as one
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, AsDecimal):
        return repr(float(value))
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return repr(int(value))
        return repr(value)
    if isinstance(value, str):
        if inside and _PLAIN_WORD.fullmatch(value) and value.lower() not in _YAML_WORDS:
            return value
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return "[" + ", ".join(_shown(item, inside=True) for item in value) + "]"
    if isinstance(value, Mapping):
        items = (
            f"{k if isinstance(k, str) else _shown(k, inside=True)}: {_shown(v, inside=True)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    return repr(value)


class ConfigError(ValueError):
    """A configuration failed validation; carries every issue found."""

    def __init__(self, issues: list[ConfigIssue] | ConfigIssue) -> None:
        self.issues: list[ConfigIssue] = [issues] if isinstance(issues, ConfigIssue) else list(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        noun = "problem" if len(self.issues) == 1 else "problems"
        super().__init__(f"invalid configuration ({len(self.issues)} {noun}):\n{lines}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its issues (a worker's error reaches the parent whole, not one issue per character)."""
        return (type(self), (self.issues,))

    @classmethod
    def single(cls, key: str, value: Any, allowed: str) -> ConfigError:
        """Build an error holding one issue."""
        return cls(ConfigIssue(key, value, allowed))


def listed(items: Iterable[object], none: str) -> str:
    """``items`` joined with commas for a message, or ``none`` (why there are none) when empty.

    A message's list of what is allowed must never be empty: ``must be one of`` followed by
    nothing tells the user nothing, so every such list says in words why there is no choice.
    """
    shown = [str(item) for item in items]
    return ", ".join(shown) if shown else none


SALESIM_ERROR = "salesim"
"""Error type of the pydantic errors salesim raises itself; their message is the 'allowed' text."""


def join_key(*parts: object) -> str:
    """Dotted key from path parts, skipping empty ones: ``join_key("org", "teams", "ae")``."""
    return ".".join(str(part) for part in parts if part != "")


def issues_from_validation_error(error: ValidationError, prefix: str = "") -> list[ConfigIssue]:
    """Word every error of a pydantic validation as a :class:`ConfigIssue`.

    Args:
        error: What ``Model.model_validate`` raised.
        prefix: Dotted path of the validated object in the whole config (e.g. ``"market"``
            when the market section was validated alone); ``""`` at the top.

    Returns:
        One issue per problem, in pydantic's order; a :class:`ConfigError` raised inside a
        validator contributes each of its issues, under the validated object's path.
    """
    details = without_union_tags(error.errors(include_url=False))
    return [issue for detail in details for issue in issues_from_error_detail(detail, prefix)]


SHARE_WORDS = (
    "rate",
    "share",
    "attainment",
    "probability",
    "conversion",
    "fraction",
    "margin",
    "no_decision",
    "productivity",
)
"""Words in a key's last part that name a share or a rate, written from 0 to 1 (35% is 0.35)."""


LOGIT_ENDINGS = ("shift", "logit", "lift")
"""Key endings of a setting on the logit scale of a conversion (``conversion_shift``, ``size_logit``,
``conversion_lift``, ``specialist_uplift``): added to a logit, a plain number of any sign, never a share."""


UNITLESS_ENDINGS = ("multiplier", "factor", "ratio", "_cv", "elasticity", "_days", *LOGIT_ENDINGS)
"""Key endings that make a named amount or share a plain number (``deal_value_multiplier``: 0.75;
``conversion_shift``: a shift on the logit, 0.1176, not 11.76%; ``no_decision_days``: days, 0.5, not 50%)."""


def is_share_key(key: str) -> bool:
    """Whether a dotted key's last named part (``{plan.bookings.0}``: bookings) names a share or a rate."""
    name = next((part for part in reversed(key.lower().split(".")) if not part.isdigit()), "")
    return any(word in name for word in SHARE_WORDS) and not name.endswith(UNITLESS_ENDINGS)


def issues_from_error_detail(detail: ErrorDetails, prefix: str = "") -> list[ConfigIssue]:
    """The issues of one entry of ``ValidationError.errors()`` (see :func:`issues_from_validation_error`).

    A share or a rate refused for a value from 2 to 100 says how it is written (1.4 may be 0.14): a
    ``workforce.roles.full_cycle.attrition_rate=35`` had read only "must be at most 5".
    """
    issues = _issues_of(detail, prefix)
    if detail["type"] == "model_type":  # org.teams.csm=null: the way to remove an entry is a ~, said so
        return [
            ConfigIssue(
                i.key,
                i.value,
                f"{i.allowed}; to remove it, write '~{i.key}' (a leading ~ deletes a key; what refers to it must "
                "change too)",
            )
            if i.value is None and i.key.count(".") >= 2
            else i
            for i in issues
        ]
    if detail["type"] not in (*_BOUNDS, SALESIM_ERROR):
        return issues
    return [
        ConfigIssue(i.key, i.value, f"{i.allowed} ({i.value:g}% is {i.value / 100:g})")
        if isinstance(i.value, int | float)
        and not isinstance(i.value, bool)
        and 2 <= i.value <= 100
        and is_share_key(i.key)
        and "% is " not in i.allowed
        else i
        for i in issues
    ]


def _issues_of(detail: ErrorDetails, prefix: str) -> list[ConfigIssue]:
    key = join_key(prefix, *detail["loc"])
    kind, value, ctx = detail["type"], detail.get("input"), detail.get("ctx", {})
    nested = ctx.get("error")
    if kind == "value_error" and isinstance(nested, ConfigError):
        return [ConfigIssue(join_key(key, i.key), i.value, i.allowed) for i in nested.issues]
    if kind == "missing":
        return [ConfigIssue(key, None, MISSING)]
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return [ConfigIssue(key, value, f"must be one of {', '.join(choices)}")]
    if kind in _BOUNDS:
        return [ConfigIssue(key, value, _BOUNDS[kind].format(_number(next(iter(ctx.values())))))]
    if kind in _TYPES:
        hints = read_as_text_hint(value) + _boolean_hint(kind, value) + (decimal_hint(value) if kind in _WHOLE else "")
        return [ConfigIssue(key, value, _TYPES[kind] + hints)]
    if kind in _LENGTHS:
        least = kind.endswith("short")
        size, unit = ctx.get("min_length" if least else "max_length"), _LENGTHS[kind]
        return [ConfigIssue(key, value, f"must have {'at least' if least else 'at most'} {size} {unit}")]
    if kind == "value_error":
        return [ConfigIssue(key, value, detail["msg"].removeprefix("Value error, "))]
    if kind.startswith("date_"):  # 2026-02-30 had read "Input should be a valid date or datetime, day value is ..."
        why = f" ({ctx['error']})" if isinstance(ctx.get("error"), str) else ""
        return [ConfigIssue(key, value, f"must be a day of the calendar, YYYY-MM-DD such as 2026-03-02{why}")]
    return [ConfigIssue(key, value, detail["msg"])]  # our own errors (SALESIM_ERROR) and anything rarer


_SUFFIXED = re.compile(r"\$?\s*(\d+(?:\.\d+)?)\s*([kKmM])")


def read_as_text_hint(value: Any) -> str:
    """A hint when YAML kept a number as text (``1e3`` under YAML 1.1, ``4M``), else ``""``."""
    if isinstance(value, str):
        suffixed = _SUFFIXED.fullmatch(value.strip())
        if suffixed:  # 4M, 750k, $1.5m: the whole number to write
            whole = float(suffixed[1]) * (1e6 if suffixed[2] in "mM" else 1e3)
            return f" (write whole numbers: {whole:.0f} for {value.strip()})"
        try:
            float(value)
        except ValueError:
            return ""
        if "e" in value.lower() and "." not in value:  # YAML 1.1 reads 1e3 as text, 1.0e3 as a number
            return (
                " (it was read as text: on the command line write it without quotes; in a YAML file write e.g. "
                "1.0e3 rather than 1e3, which YAML reads as text)"
            )
        return " (it was read as text: write it without quotes)"  # '"4000000"' had been told about 1e3
    return ""


def decimal_hint(value: Any) -> str:
    """A hint when a whole number was written as a decimal (``1e6``, ``10.0``) where a whole number is expected."""
    if isinstance(value, float) and value.is_integer():
        return f" (it was read as the decimal {value!r}: write {int(value)}, with no decimal point or exponent)"
    return ""


def boolean_hint(value: Any) -> str:
    """A hint when ``true``/``false`` was given where a number is expected, else ``""``."""
    return " (true/false is not a number)" if isinstance(value, bool) else ""


def _boolean_hint(kind: str, value: Any) -> str:
    return boolean_hint(value) if kind in _NUMBER_TYPES else ""


_NUMBER_TYPES = frozenset({"float_type", "float_parsing", "int_type", "int_parsing", "finite_number"})
_WHOLE = frozenset({"int_type", "int_parsing", "int_from_float"})  # errors of a whole-number field

_BOUNDS = {
    "greater_than": "must be greater than {}",
    "greater_than_equal": "must be {} or greater",
    "less_than": "must be less than {}",
    "less_than_equal": "must be at most {}",
}

_LENGTHS = {
    "too_short": "items",
    "too_long": "items",
    "string_too_short": "characters",
    "string_too_long": "characters",
}

_TYPES = {
    "finite_number": "must be a finite number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "extra_forbidden": "unknown key",
}


def _number(bound: Any) -> str:
    """``0.0`` as ``0``, other bounds as written."""
    if isinstance(bound, float) and math.isfinite(bound) and bound.is_integer():
        return str(int(bound))
    return str(bound)


def with_more(issues: Sequence[ConfigIssue], more: Iterable[ConfigIssue]) -> list[ConfigIssue]:
    """``issues``, then each of ``more`` not among them: two checks' findings in one message, each said once."""
    joined = list(issues)
    joined += [issue for issue in more if issue not in joined]
    return joined


def merge_scenario_issues(found: Mapping[str, list[ConfigIssue]], n_scenarios: int) -> list[ConfigIssue]:
    """Report each issue once: without a prefix when every scenario has it, else prefixed with the scenarios that do.

    ``[scenario a] key = …`` for one, ``[scenarios a, b] key = …`` for several (an override
    reaching the three scenarios of an org design that have the team it names).

    Args:
        found: Scenario name -> the issues found in that scenario (scenarios without
            issues may be left out).
        n_scenarios: How many scenarios the experiment has.
    """
    if not found:
        return []
    # A misspelt key given with "+" makes its parent in a scenario that lacks it (a team the
    # specialist organisation does not have): that parent's missing keys follow from the typo.
    typo_parents = {
        i.key.rsplit(".", 1)[0] for issues in found.values() for i in issues if i.allowed.startswith("unknown key")
    }
    found = {
        name: [i for i in issues if not (i.allowed == MISSING and i.key.rsplit(".", 1)[0] in typo_parents)]
        for name, issues in found.items()
    }
    found = {name: issues for name, issues in found.items() if issues}
    holders: dict[ConfigIssue, list[str]] = {}  # each issue, in the order first found, and the scenarios that have it
    for name, issues in found.items():
        for issue in issues:
            names = holders.setdefault(issue, [])
            if name not in names:
                names.append(name)
    merged = []
    for issue, names in holders.items():
        if len(names) == n_scenarios:
            merged.append(issue)
        else:
            which = f"scenario {names[0]}" if len(names) == 1 else f"scenarios {', '.join(names)}"
            merged.append(ConfigIssue(f"[{which}] {issue.key}", issue.value, issue.allowed))
    return merged
