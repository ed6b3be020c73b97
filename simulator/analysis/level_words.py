"""A lever's levels (low, base, high) in words, all three at one precision.

The sensitivity table and the tornado write each lever's three levels beside its name.
Written one by one (:func:`~simulator.analysis.question_words.format_setting`), each took
its own decimals: the calibrated win rate read ``51.1% / 63.87% / 76.65%`` and the arrival
level ``634 / 792.5 / 951``. Here the three share one unit and one number of decimals: the
fewest that tell them apart and move none of them by more than :data:`LEVEL_ROUNDING` of
the smallest step between them (``6 / 8 / 10`` tells 6.4 / 8 / 9.6 apart, but reads a
±20% move as ±25%: ``6.4 / 8.0 / 9.6``). Money keeps the report's own decimals as the
fewest (``$448.0k``), in the unit of the base level.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from simulator.analysis.question_words import format_setting, is_money_setting, is_share_setting

LEVEL_ROUNDING = 0.05
"""The most rounding may move a level, as a share of the smallest step between two levels."""
MAX_DECIMALS = 8
"""Past this many decimals the levels are written one by one (as a setting alone reads)."""


def decimals_apart(values: Sequence[float], fewest: int = 0) -> int | None:
    """The fewest decimals (at least ``fewest``) that keep ``values`` apart and each within the rounding allowed.

    Args:
        values: (K,) finite numbers in the unit they are written in (a share in percent).
        fewest: The decimals to start from.

    Returns:
        The decimals, or None when fewer than two values differ or none up to
        :data:`MAX_DECIMALS` will do.
    """
    distinct = sorted(set(values))
    if len(distinct) < 2:
        return None
    allowed = LEVEL_ROUNDING * min(b - a for a, b in itertools.pairwise(distinct))
    for decimals in range(fewest, MAX_DECIMALS + 1):
        rounded = [round(v, decimals) for v in values]
        apart = len(set(rounded)) == len(distinct)
        if apart and max(abs(r - v) for r, v in zip(rounded, values, strict=True)) <= allowed * (1 + 1e-9):
            return decimals
    return None


def _money_unit(amount: float) -> tuple[float, str, int]:
    """(size, suffix, decimals) of the unit ``format_money`` writes ``amount`` in: ``$448.0k`` is (1e3, 'k', 1)."""
    size = abs(amount)
    if round(size / 1e6, 2) >= 1e3:
        return 1e9, "B", 2
    if round(size / 1e3, 1) >= 1e3:
        return 1e6, "M", 2
    return (1e3, "k", 1) if round(size) >= 1e3 else (1.0, "", 0)


def _fixed(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text  # -0.00 reads 0.00


def format_levels(path: str, levels: Sequence[float]) -> list[str]:
    """The levels of the lever at ``path`` in words, one precision for all: ``['51%', '64%', '77%']``.

    A level that is not finite (a side the lever cannot take) reads ``-``. The unit is
    decided once for all: a share only when every level lies in [0, 1], money as the base
    level (the middle one) reads. Levels that do not differ read as each alone does.

    Args:
        path: The lever's dotted key (its name decides money, share or plain number).
        levels: (3,) low, base and high, in the setting's own unit (a share as 0.72).

    Returns:
        One string per level, in order.
    """
    finite = [float(v) for v in levels if math.isfinite(float(v))]
    middle = float(levels[len(levels) // 2]) if len(levels) else math.nan
    base = middle if math.isfinite(middle) else finite[0] if finite else 0.0

    def alone() -> list[str]:
        return [format_setting(path, float(v)) if math.isfinite(float(v)) else "-" for v in levels]

    if is_money_setting(path, base):
        size, unit, fewest = _money_unit(base)
        decimals = decimals_apart([v / size for v in finite], fewest)
        if decimals is None:
            return alone()
        return [
            "-" if not math.isfinite(float(v)) else f"{'-' if v < 0 else ''}${_fixed(abs(v) / size, decimals)}{unit}"
            for v in levels
        ]
    share = all(is_share_setting(path, v) for v in finite)
    scale = 100.0 if share else 1.0
    decimals = decimals_apart([scale * v for v in finite])
    if decimals is None:
        return alone()
    suffix = "%" if share else ""
    return ["-" if not math.isfinite(float(v)) else _fixed(scale * float(v), decimals) + suffix for v in levels]
