"""Amounts of money as a sales leader reads them: ``$1.23M``, ``$45.6k``, ``$950``.

One choice of unit (B, M, k or dollars, on the rounded figure) and of decimals serves
the text (:func:`format_money`), an axis's ticks (:func:`money_shown`: fewer decimals, a
tick reading its value exactly) and a difference read at its CI's precision
(:func:`money_step`).
"""

from __future__ import annotations

import math


def money_scale(value: float, extra_digits: int = 0) -> tuple[float, int, str]:
    """How :func:`format_money` writes ``|value|``: ``(divisor, decimals, suffix)``.

    ``extra_digits`` may be negative (an axis's ticks: ``$800k``, not ``$800.0k``); the
    decimals never go below 0.
    """
    size = abs(value)
    # the unit is chosen on the rounded figure: $999,999 is $1.00M, not $1000.0k
    if round(size / 1e6, 2) >= 1e3:
        return 1e9, max(0, 2 + extra_digits), "B"
    if round(size / 1e3, 1) >= 1e3:
        return 1e6, max(0, 2 + extra_digits), "M"
    if round(size) >= 1e3:
        return 1e3, max(0, 1 + extra_digits), "k"
    return 1.0, max(0, extra_digits), ""


def format_money(value: float, signed: bool = False, extra_digits: int = 0) -> str:
    """Format an amount of money compactly: ``$1.23M``, ``$45.6k``, ``$950``.

    ``extra_digits`` more decimals (negative: fewer, down to none).
    """
    if not math.isfinite(value):
        return "n/a"
    if round(value) == 0:
        value = 0.0
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    divisor, decimals, suffix = money_scale(value, extra_digits)
    return f"{sign}${abs(value) / divisor:.{decimals}f}{suffix}"


def money_shown(value: float, extra_digits: int = 0) -> float:
    """The amount :func:`format_money` reads for ``value`` (rounded as written: ``$1.2M`` for 1,234,567)."""
    if not math.isfinite(value) or round(value) == 0:
        return 0.0 if math.isfinite(value) else value
    divisor, decimals, _ = money_scale(value, extra_digits)
    return math.copysign(round(abs(value) / divisor, decimals) * divisor, value)


def money_step(size: float, extra: int) -> float:
    """The step of the last decimal :func:`format_money` shows for an amount of this size (``$3.5k``: $100)."""
    divisor, decimals, _ = money_scale(size, extra)
    return divisor / 10.0**decimals
