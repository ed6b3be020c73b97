"""A lever's values: how it moves low and high, and setting it in a config the config check accepts.

:class:`Lever` is one number of a composed config moved low and high
(:mod:`simulator.analysis.levers` finds them). :func:`moved` gives the two values,
:func:`with_value` sets one in a config, and :func:`runnable` finds the value nearest the
move that the config accepts (a probability clamped into [0, 1], a whole number where the
key needs one), or says why none runs. Under a calibrated company's parameter draws a lever
moves each refit's own value the same way (:mod:`simulator.analysis.refit_levers`):
:class:`RefitLevels` keeps what each refit ran on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.config.composed import parse_composed
from simulator.config.errors import ConfigError
from simulator.config.validation import validate_scenario


@dataclass(frozen=True, slots=True)
class RefitLevels:
    """A lever on one refit of a calibrated company: the refit's own value and the values its sides ran on.

    Attributes:
        base: The refit's own value (NaN when the refit has none there: a feature it did not
            fit, so the lever does not move on it and both sides run the refit as it is).
        low: The low side's value on this refit (None when the lever's low side is not run).
        high: The high side's value on this refit (None when the lever's high side is not run).
    """

    base: float
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class Lever:
    """One number of the config moved low and high.

    Attributes:
        key: Dotted path in the composed config (``market.sources.inbound.leads_per_month``).
        base: Its value in the scenario (the point fit's, under parameter draws).
        low: The low value (None when that side cannot run).
        high: The high value (None when that side cannot run).
        whole: True for a whole number (headcount, days as integers).
        additive: True for a setting on the logit scale, moved by a fixed step of logit units
            (:func:`simulator.analysis.levers.is_logit_setting`), not by a share of itself: it
            has no elasticity.
        delta: The move asked: a share of the value (logit units for an additive lever), by
            which each refit's own value moves under parameter draws; a lever made by hand
            whose low and high are not ``base`` moved by it has them at the point fit only.
        refits: Per parameter draw, in order, what the lever ran on under it, when its key is
            one the refits fit (:mod:`simulator.analysis.refit_levers`); empty otherwise (no
            draws, or a value no refit changes, such as a headcount: ``low`` and ``high`` in
            every run).
    """

    key: str
    base: float
    low: float | None
    high: float | None
    whole: bool
    additive: bool = False
    delta: float = 0.2
    refits: tuple[RefitLevels, ...] = ()


def moved(base: float, delta: float, whole: bool, additive: bool = False) -> tuple[float, float]:
    """``base`` moved down and up by ``delta`` of itself; whole numbers by at least one step.

    ``additive`` (a setting on the logit scale): by ``delta`` logit units, ``base - delta`` and
    ``base + delta``, whatever its sign (0 moves too).
    """
    if additive:
        return base - delta, base + delta
    low, high = base * (1.0 - delta), base * (1.0 + delta)
    if not whole:
        return (low, high) if base > 0 else (high, low)
    low_i, high_i = round(min(low, high)), round(max(low, high))
    return float(min(low_i, base - 1)), float(max(high_i, base + 1))


def with_value(config: Mapping[str, Any], key: str, value: float, whole: bool) -> dict[str, Any]:
    """``config`` with the number at ``key`` set to ``value`` (rounded when ``whole``); ``config`` is left as it is.

    The mappings and lists on the way to ``key`` are copied; everything else is shared
    with ``config`` (a calibrated config's distributions are large, and a lever study holds
    one config per lever, side and refit).

    Raises:
        KeyError, IndexError: When ``config`` has nothing at ``key``'s parents.
    """
    number: float | int = round(value) if whole else float(value)
    return _replaced(config, key.split("."), number)


def _replaced(node: Any, parts: list[str], number: float | int) -> Any:
    """``node`` copied along ``parts`` with ``number`` at their end."""
    if isinstance(node, list):
        index = int(parts[0])
        changed = list(node)
        changed[index] = number if len(parts) == 1 else _replaced(node[index], parts[1:], number)
        return changed
    copied = dict(node)
    copied[parts[0]] = number if len(parts) == 1 else _replaced(node[parts[0]], parts[1:], number)
    return copied


def runnable(
    config: Mapping[str, Any], key: str, base: float, whole: bool, value: float
) -> tuple[dict[str, Any] | None, float, str]:
    """``config`` with ``key`` at ``value`` (or clamped into [0, 1]) when it validates; else None.

    ``base`` is the value ``config`` holds at ``key``. A substitute value counts only on the
    same side of ``base`` as ``value``: clamping a base above 1 into [0, 1] would turn the
    high side into a low one. Returns the config, the value it holds, and why ``value``
    itself is refused, in the config check's words ('' when it runs as moved):
    ``org.teams.West.reps names 10 reps, more than headcount (8)``.
    """
    whole_step = float(round(value)) if round(value) != base else base + math.copysign(1.0, value - base)
    candidates = [(value, whole), (min(max(value, 0.0), 1.0), whole), (whole_step, True)]
    why = ""
    for candidate, as_whole in dict.fromkeys(candidates):  # as moved; clamped into [0, 1]; a whole number the key needs
        if (candidate - base) * (value - base) <= 0:
            continue  # a clamp that lands on the base or beyond it would move the lever the other way
        changed = with_value(config, key, candidate, as_whole)
        try:
            validate_scenario(parse_composed(changed).scenario())
        except ConfigError as error:
            why = why or _refusal(error)
            continue
        return changed, float(round(candidate)) if as_whole else candidate, why
    return None, value, why or "the config refuses it"


def _refusal(error: ConfigError) -> str:
    """The config check's first reason in a few words: its key and what it says, before any advice after a colon."""
    if not error.issues:
        return "the config refuses it"
    issue = error.issues[0]
    return f"{issue.key} {issue.allowed.split(': ', 1)[0]}".strip()
