"""A lever on a calibrated company's refits: each refit's own value moved as the point fit's is.

Run *r* of every scenario is on refit *r* mod *n* (:mod:`simulator.run.parameter_draws`),
and the draws keep a value a scenario sets. A lever's low and high scenarios had set the
point fit's value moved, so all their runs held that one value while the baseline's held
each refit's own: crm-maven's ``pipeline.stages.0.no_decision``, fitted at 15.2%, was refit
at 14.9%, 7.9%, 9.65% and 15.4%; "set low" at 12.19% raised the stalls of the two refits
below it and read -$6.1k (-$125k to +$113k) beside set high's -$121.4k, as if fewer stalls
booked nothing more. A side's paired difference mixed the lever's move with how far each
refit sat from the point fit.

Here each refit's own value moves by the lever's move (:func:`side_on_refits`): times
(1 -/+ delta) for a lever moved by a share, -/+ delta logit for one on the logit scale, a
whole number by at least one step (:func:`~simulator.analysis.lever_values.moved`), with the
point fit's clamps and refusals on every refit
(:func:`~simulator.analysis.lever_values.runnable`): a value clamped on some refit is noted,
and a side that some refit cannot run is left out, as one the point fit cannot run is. A
refit whose own value is 0 keeps it (20% of 0 is 0), and so does one whose probability is
already at the 0 or 1 the move would cross (noted: crm-maven's quarter-end pull, fitted on
two quarter ends, is 1 on some refits, and its whole high side had been left out for them);
one without the value (a feature it did not fit) runs as it is on both sides. A lever whose
value no refit changes (a headcount the calibration does not refit) is set as before, one
value in every run (:func:`refit_bases` says which).

A global method's sampled value is placed on each refit alike (:func:`design_value`): at the
same place in the refit's own low-high range as in the point fit's, so for a lever moved by
a share, the refit's own value times the sampled value over the point fit's.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.analysis.lever_values import Lever, RefitLevels, moved, runnable, with_value
from simulator.analysis.wording import join_words
from simulator.config.errors import ConfigError
from simulator.config.key_suggestions import node_at


@dataclass(frozen=True, slots=True)
class RefitSide:
    """One side of a lever on every refit.

    Attributes:
        configs: The config to run under each refit, in order; None when some refit cannot
            run the side (then ``note`` says which and why).
        values: The lever's value in each config (NaN on a refit without it).
        note: A value held to the nearest the config accepts on some refits, in words; ''
            when every refit runs its own value moved as asked.
        refused: Where and why the side cannot run (``on refit 2 (its own 0.9 moved to
            1.08: ...)``); '' when it runs.
    """

    configs: tuple[dict[str, Any], ...] | None
    values: tuple[float, ...]
    note: str = ""
    refused: str = ""


def refit_bases(drawn: Sequence[Mapping[str, Any]], lever: Lever) -> tuple[float, ...] | None:
    """The lever's own value on each refit (NaN where a refit has none), or None when no refit moves it.

    ``drawn``: the scenario's config under each refit
    (:func:`simulator.run.parameter_draws.drawn_configs`; empty without draws). None also
    when every refit holds the lever's base (a value the calibration does not refit, or one
    the scenario sets itself): the lever is then set as without draws.
    """
    values = tuple(_number(node_at(config, lever.key.split("."))) for config in drawn)
    return values if any(value != lever.base for value in values) else None


def _number(value: Any) -> float:
    finite = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value))
    return float(value) if finite else math.nan


def side_on_refits(drawn: Sequence[Mapping[str, Any]], lever: Lever, side: str, bases: Sequence[float]) -> RefitSide:
    """The lever's ``side`` (``low`` or ``high``) on every refit: each refit's own value moved by ``lever.delta``.

    Args:
        drawn: The scenario's config under each refit, in order.
        lever: The lever (its ``delta``, ``whole`` and ``additive`` say how it moves).
        side: ``low`` or ``high``.
        bases: The lever's own value on each refit (:func:`refit_bases`).
    """
    configs: list[dict[str, Any]] = []
    values: list[float] = []
    clamped: list[tuple[int, float]] = []
    for k, (config, own) in enumerate(zip(drawn, bases, strict=True)):
        if not math.isfinite(own):  # the refit has no such value: nothing to move there
            configs.append(dict(config))
            values.append(own)
            continue
        target = moved(own, lever.delta, lever.whole, lever.additive)[1 if side == "high" else 0]
        if target == own:  # 0 moved by a share of itself
            configs.append(dict(config))
            values.append(own)
            continue
        changed, used, why = runnable(config, lever.key, own, lever.whole, target)
        if changed is None and min(max(target, 0.0), 1.0) == own:
            # a probability already at 0 or 1 moves no further on this refit: it keeps its
            # own value, as a refit at 0 does under a share, and the side runs on the others
            configs.append(dict(config))
            values.append(own)
            clamped.append((k, own))
            continue
        if changed is None:
            return RefitSide(None, (), refused=f"on refit {k} (its own {own:g} moved to {target:g}: {why})")
        if used != target:
            clamped.append((k, used))
        configs.append(changed)
        values.append(used)
    note = ""
    if clamped:
        held: dict[str, list[str]] = {}  # the value held at -> the refits held there ("refits 7 to 1" read as a range)
        for k, used in clamped:
            held.setdefault(f"{used:g}", []).append(str(k))
        which = join_words(
            [f"{'refit' if len(ks) == 1 else 'refits'} {join_words(ks)} (at {value})" for value, ks in held.items()]
        )
        note = (
            f"{lever.key}: the {side} value, each refit's own moved, is held to the nearest the config accepts on "
            f"{which}"
        )
    return RefitSide(tuple(configs), tuple(values), note)


def levels(bases: Sequence[float], low: RefitSide | None, high: RefitSide | None) -> tuple[RefitLevels, ...]:
    """What a lever ran on under each refit, from its sides run (None: a side not run)."""
    return tuple(
        RefitLevels(
            base,
            low.values[k] if low is not None else None,
            high.values[k] if high is not None else None,
        )
        for k, base in enumerate(bases)
    )


def with_refits(drawn: Sequence[Mapping[str, Any]], lever: Lever) -> Lever:
    """``lever`` with its levels on each refit (:attr:`Lever.refits`), as a lever study would run them.

    A lever that already has them, or whose value no refit moves, is returned as it is.

    Raises:
        ConfigError: When a side the lever has cannot run on some refit (naming it and why).
    """
    bases = refit_bases(drawn, lever) if not lever.refits else None
    if bases is None:
        return lever
    sides: dict[str, RefitSide | None] = {"low": None, "high": None}
    for side, value in (("low", lever.low), ("high", lever.high)):
        if value is None:
            continue
        found = side_on_refits(drawn, lever, side, bases)
        if found.configs is None:
            raise ConfigError.single(lever.key, value, f"its {side} side cannot run {found.refused}")
        sides[side] = found
    return dataclasses.replace(lever, refits=levels(bases, sides["low"], sides["high"]))


def design_value(lever: Lever, k: int, value: float) -> float | None:
    """``value`` (within the lever's low-high range at the point fit) placed on refit ``k``; None: no value there.

    Below the base, the same share of the way from the refit's own value down to its low;
    above, up to its high (a side not run: the base in its place, as at the point fit).
    """
    refit = lever.refits[k]
    if not math.isfinite(refit.base):
        return None
    if value <= lever.base:
        end, refit_end = lever.low, refit.low
    else:
        end, refit_end = lever.high, refit.high
    if end is None or refit_end is None or end == lever.base:
        return refit.base
    return refit.base + (value - lever.base) / (end - lever.base) * (refit_end - refit.base)


def design_configs(
    drawn: Sequence[Mapping[str, Any]], levers: Sequence[Lever], point: Sequence[float]
) -> list[dict[str, Any]]:
    """A global method's design ``point`` (one value per lever) on each refit's config of ``drawn``.

    A lever with levels on the refits takes :func:`design_value`; another (no refit moves
    its value) the point's value, as without draws.
    """
    configs = []
    for k, config in enumerate(drawn):
        placed = dict(config)
        for lever, value in zip(levers, point, strict=True):
            on_refit = design_value(lever, k, float(value)) if lever.refits else float(value)
            if on_refit is not None:
                placed = with_value(placed, lever.key, on_refit, lever.whole)
        configs.append(placed)
    return configs
