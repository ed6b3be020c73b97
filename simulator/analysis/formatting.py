"""Numbers in words a sales leader reads: ``$1.23M``, ``23.4%``, ``+3.4 working days``.

How a value, a difference or an interval of each KPI is written, by its unit family
(:func:`simulator.analysis.kpi_names.kpi_unit`). Nothing here knows about an experiment;
every function takes a KPI name and a number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from simulator.analysis.kpi_names import UNIT_WORDS, kpi_unit
from simulator.analysis.money_format import format_money, money_step

TIME_UNITS = ("days", "hours")
"""Units whose values a sentence follows with their words (:data:`UNIT_WORDS`); a table's header says them."""

if TYPE_CHECKING:
    import pandas as pd


def format_chance(p: float) -> str:
    """A probability as a whole percentage that never rounds to a certainty it is not: ``>99%``, ``<1%``.

    P(best) from 40 runs of 0.997 had read "the best with a probability of 100%" (and the
    other scenario "0%") beside a scenario better in 75% of its paired runs. Only a certainty
    reads "100%" or "0%" (a difference the same in every run): 0.99999999999476, a t of 7.7
    over 100 runs, had read "100%" too, as anything within a millionth of 1 did.
    """
    if not math.isfinite(p):
        return "n/a"
    if 0.995 <= p < 1.0:
        return ">99%"
    if 0.0 < p < 0.005:
        return "<1%"
    return f"{p:.0%}"


TWO_DECIMAL_KPIS = ("sales_efficiency",)  # $ of new ARR per $ of sales and marketing: 0.95 and 1.04 differ


def format_value(kpi: str, value: float, signed: bool = False, extra_digits: int = 0) -> str:
    """Format one value of a KPI for a table; rates as %, days and hours with 1 decimal.

    Args:
        kpi: Name of the KPI (decides the unit).
        value: The value.
        signed: Show a ``+`` on positive values and rates as percentage points
            (for differences).
        extra_digits: Decimals to show beyond the usual ones (to tell two close values apart).
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    unit = kpi_unit(kpi)
    if unit == "money":
        return format_money(value, signed, extra_digits)
    if unit == "rate" and signed:
        points = _no_negative_zero(value * 100, 1 + extra_digits)
        return f"{points:{'+' if points else ''}.{1 + extra_digits}f} pts"
    if unit == "rate":
        return f"{value:.{1 + extra_digits}%}"
    # a count's decimal goes from the figure as shown: 99.97 deals reads "100", not "100.0" beside "105"
    decimals = 1 if unit in ("days", "hours") or abs(round(value, 1)) < 100 else 0
    if kpi in TWO_DECIMAL_KPIS:
        decimals = 2
    decimals += extra_digits
    shown = _no_negative_zero(value, decimals)
    return f"{shown:{'+' if signed and shown else ''},.{decimals}f}"


def format_nonzero_value(kpi: str, value: float, signed: bool = False, extra_digits: int = 0) -> str:
    """:func:`format_value`, a value that is not 0 taking the decimals (up to 3 more) that keep it from reading 0.

    ``extra_digits``: at least that many more decimals (:func:`difference_digits`).
    """
    text = format_value(kpi, value, signed, extra_digits)
    for extra in range(extra_digits + 1, extra_digits + 4):
        if value == 0 or not math.isfinite(value) or not reads_zero(text):
            break
        text = format_value(kpi, value, signed, extra_digits=extra)
    return text


def format_nonzero_values(kpi: str, values: Sequence[float]) -> list[str]:
    """:func:`format_value` of each of ``values``, at one precision that shows every value that is not 0.

    The decimals (up to 3 more) that keep every value that is not 0 from reading 0: a P10 /
    P50 / P90 of 0.004 / 0.01 / 0.02 hours had read "0.0 / 0.0 / 0.0".
    """
    texts = [format_value(kpi, v) for v in values]
    for extra in range(1, 4):
        if not any(v != 0 and math.isfinite(v) and reads_zero(t) for v, t in zip(values, texts, strict=True)):
            break
        texts = [format_value(kpi, v, extra_digits=extra) for v in values]
    return texts


def _no_negative_zero(value: float, decimals: int) -> float:
    """Return 0.0 for values that round to zero, so a table never shows ``-0.0`` or ``+0.0``."""
    return 0.0 if round(value, decimals) == 0 else value


def format_amount(kpi: str, value: float, extra_digits: int | None = None) -> str:
    """Format a size of difference for a sentence, with its unit (``3.4 days``, ``2.1 points``).

    A size that is not 0 never reads as 0: it takes the decimals (up to 3 more) that show it
    (sdr_headcount's SDR first touch "rises by 0.0 hours (95% CI +0.01 to +0.02 hours)" for +0.015).
    ``extra_digits``: at least that many more decimals (those it shares with its CI, :func:`difference_digits`).
    """
    least = extra_digits or 0
    text = _amount(kpi, abs(value), least)
    for extra in range(least + 1, least + 4):
        if value == 0 or not math.isfinite(value) or not reads_zero(text):
            break
        text = _amount(kpi, abs(value), extra)
    return text


def _amount(kpi: str, size: float, extra: int) -> str:
    unit = kpi_unit(kpi)
    if unit == "money":
        return format_money(size, extra_digits=extra)
    if unit == "rate":
        return f"{size * 100:.{1 + extra}f} points"
    if unit in TIME_UNITS:
        return f"{size:.{1 + extra}f} {UNIT_WORDS[unit]}"
    # a table cell's decimals (format_value), so a difference reads alike in the answer and the table beside it
    return f"{size:,.{_bound_decimals(kpi, unit, size) + extra}f}"


def level_unit(kpi: str) -> str:
    """`` working days`` or `` hours of working days`` after a level of a KPI in days or hours, in a sentence; ''.

    :func:`format_value` writes such a level bare (a table's header says the unit); a sentence
    must say it: optimise's answer read "mean time to first touch of 22.1 (21.1 to 23.2)".
    """
    unit = kpi_unit(kpi)
    return f" {UNIT_WORDS[unit]}" if unit in TIME_UNITS else ""


def format_signed_amount(kpi: str, value: float, extra_digits: int | None = None) -> str:
    """Format a difference for a sentence with its sign and unit (``+3.4 working days``); no sign on zero."""
    text = format_amount(kpi, value, extra_digits)
    if reads_zero(text):
        return text
    return f"{'+' if value > 0 else '-'}{text}"


def reads_zero(text: str) -> bool:
    """Whether a formatted figure shows no digit but 0 (``0.0``, ``$0``, ``-0.00 pts``)."""
    return not any(c in "123456789" for c in text)


SAME_VALUE = 1e-9
"""Two bounds this close (relative) are one value: a difference the same in every run up to rounding."""


def same_value(first: float, second: float) -> bool:
    """Whether two figures are one value but for floating-point rounding (within :data:`SAME_VALUE`).

    csm_coverage's cost of sales differs by 4 CSMs' pay, $571,428.57, in every paired run; summed
    in another order its CI's bounds differed in the 11th digit and read "-$571.4286k to
    -$571.4286k", the decimals meant to tell two different bounds apart.
    """
    return math.isclose(first, second, rel_tol=SAME_VALUE, abs_tol=1e-12)


def _clear_of_zero(low: float, high: float, bounds: Callable[[int], tuple[str, str]]) -> tuple[str, str]:
    """The interval's bounds with the decimals (up to 3 more) that keep a bound that is not 0 from reading 0.

    A clear difference whose CI reads ``0.0 to +1.6 points`` looks as if it included zero:
    one more decimal shows ``+0.04 to +1.6 points`` (the other bound keeps its decimals).
    An unclear one whose CI read ``0.0 to +0.1 points`` for -0.040 to +0.104 looked as if the
    scenario could not be lower: it reads ``-0.04 to +0.1 points``.
    Bounds that differ but read the same take the decimals that tell them apart: sdr_headcount
    had read "falls by 0.1 hours (95% CI -0.1 to -0.1 hours)" for -0.14 to -0.06.
    """
    shown = list(bounds(0))
    if shown[0] == shown[1] and not same_value(low, high):
        for extra in range(1, 4):
            shown = list(bounds(extra))
            if shown[0] != shown[1]:
                break
    for side, value in enumerate((low, high)):  # only a bound that reads zero takes more decimals: +0.0003 pts
        if value == 0.0:
            continue
        for extra in range(1, 4):
            if not reads_zero(shown[side]):
                break
            shown[side] = bounds(extra)[side]
    return shown[0], shown[1]


def format_signed_range(kpi: str, low: float, high: float, extra_digits: int | None = None) -> str:
    """Format an interval of a difference for a sentence, the unit written once (``-4.0 to -3.8 working days``).

    A bound of an interval that excludes zero never reads as zero (see :func:`_clear_of_zero`).
    ``extra_digits``: both bounds at least that many more decimals (:func:`difference_digits`).
    """
    least = extra_digits or 0
    unit = kpi_unit(kpi)
    if unit == "money":
        money = _clear_of_zero(
            low,
            high,
            lambda e: (format_money(low, signed=True, extra_digits=least + e), format_money(high, True, least + e)),
        )
        return f"{money[0]} to {money[1]}"
    words = " points" if unit == "rate" else f" {UNIT_WORDS[unit]}" if unit in TIME_UNITS else ""
    scale = 100.0 if unit == "rate" else 1.0

    def bounds(extra: int) -> tuple[str, str]:
        texts = []
        for value in (low, high):
            decimals = _bound_decimals(kpi, unit, value) + extra
            shown = _no_negative_zero(value * scale, decimals)
            texts.append(f"{shown:{'+' if shown else ''},.{decimals}f}")
        return texts[0], texts[1]

    first, last = _clear_of_zero(low, high, lambda e: bounds(least + e))
    return f"{first} to {last}{words}"


def _bound_decimals(kpi: str, unit: str, value: float) -> int:
    """The decimals a bound of a difference's interval takes in a sentence: those a table cell gives it.

    A count's bound under 100 keeps its decimal whatever the other bound: default's leaked leads
    had read "95% CI +90 to +129" in the answer beside "+90.5 to +129" in the table, one bound
    rounded two ways (:func:`format_value` decides a count's decimal by the value itself).
    """
    if kpi in TWO_DECIMAL_KPIS:
        return 2
    return 1 if unit != "count" or abs(round(value, 1)) < 100 else 0


def _range_decimals(unit: str, low: float, high: float) -> int:
    """The decimals a sentence gives an interval's bounds in ``unit`` (counts of 100 or more: none)."""
    return 1 if unit != "count" or max(abs(low), abs(high)) < 100 else 0


def signed_bounds(kpi: str, low: float, high: float, extra_digits: int = 0) -> tuple[str, str]:
    """The bounds of an interval of a difference, signed, clear of zero when it is (``-9.4``, ``-0.03``).

    ``extra_digits``: at least that many more decimals (:func:`difference_digits`).
    """
    return _clear_of_zero(
        low,
        high,
        lambda e: (format_value(kpi, low, True, extra_digits + e), format_value(kpi, high, True, extra_digits + e)),
    )


def difference_digits(kpi: str, point: float, low: float, high: float) -> int | None:
    """The extra decimals (0 to 3) a paired difference and its CI's bounds share; None when one is not finite.

    One step of the last decimal shown is at most half the CI's width, so the point
    reads where it lies inside the interval; money keeps its own scale ($k, $M), its step the
    coarsest of the three figures' (:func:`_money_step`: prm_automation's tool cost had read
    "+$3.5k (95% CI +$3.45k to +$3.48k)"). Each value then takes more decimals only where it would read 0
    (:func:`format_nonzero_value`, :func:`signed_bounds`). Each formatted alone, a
    never-touched share's difference of +0.062 points (CI +0.018 to +0.163) had read
    "+0.1 pts [+0.02 pts, +0.2 pts]": the point a third of the CI's width from itself,
    coarser than a bound beside it; now "+0.06 pts [+0.02 pts, +0.16 pts]".
    """
    if not all(math.isfinite(v) for v in (point, low, high)):
        return None
    unit = kpi_unit(kpi)
    width = (high - low) * (100.0 if unit == "rate" else 1.0)
    if not width > 0.0 or same_value(low, high):  # bounds apart by rounding alone: the same in every run
        return 0
    if unit == "money":
        sizes = (abs(point), abs(low), abs(high))
        return next((e for e in range(3) if max(money_step(s, e) for s in sizes) <= width / 2.0), 3)
    shown = 2 if kpi in TWO_DECIMAL_KPIS else _range_decimals(unit, low, high)
    needed = math.ceil(-math.log10(width / 2.0))  # the decimals whose step is at most width / 2
    return min(max(needed - shown, 0), 3)


def signed_difference(kpi: str, point: float, low: float, high: float) -> tuple[str, str, str]:
    """A paired difference and its CI's bounds as table cells write them, at the CI's precision.

    The precision is :func:`difference_digits`'; without a finite CI each is formatted alone.
    """
    extra = difference_digits(kpi, point, low, high) or 0
    return (format_nonzero_value(kpi, point, signed=True, extra_digits=extra), *signed_bounds(kpi, low, high, extra))


def format_signed_interval(kpi: str, low: float, high: float, extra_digits: int | None = None) -> str:
    """An interval of a difference as a table cell writes it (``+1.2 pts to +3.4 pts``), clear of zero when it is.

    ``extra_digits``: both bounds at least that many more decimals (:func:`difference_digits`).
    """
    first, last = signed_bounds(kpi, low, high, extra_digits or 0)
    return f"{first} to {last}"


def format_percent(value: float, signed: bool = True, decimals: int = 1) -> str:
    """Format a share as a percentage with ``decimals`` decimals (``+8.1%``); never ``-0.0%``."""
    if not math.isfinite(value):
        return "n/a"
    value = _no_negative_zero(value * 100, decimals) / 100
    sign = "+" if signed and value else ""
    return f"{value:{sign}.{decimals}%}"


def format_percent_range(low: float, high: float, extra_digits: int = 0) -> tuple[str, str]:
    """An interval of relative changes (``+3.0%``, ``-0.23%``), clear of zero, ``extra_digits`` more decimals."""
    least = 1 + extra_digits
    return _clear_of_zero(
        low, high, lambda e: (format_percent(low, decimals=least + e), format_percent(high, decimals=least + e))
    )


def percent_digits(low: float, high: float) -> int:
    """Extra decimals (0-3) of a relative change and its CI, as :func:`difference_digits` (not "0.0% (+0.01%...)")."""
    width = (high - low) * 100.0
    if not (math.isfinite(width) and width > 0.0):
        return 0
    return min(max(math.ceil(-math.log10(width / 2.0)) - 1, 0), 3)


def digits_apart(kpi: str, first: float, second: float, most: int = 3) -> int:
    """The extra decimals (0 to ``most``) that show two different values of ``kpi`` differently.

    ``$2.97M`` and ``$2.97M`` for $2,968k and $2,973k read as no change: one more decimal
    shows ``$2.968M`` and ``$2.973M``. Equal values, or values apart only beyond ``most``
    decimals, give 0.
    """
    if first == second or not (math.isfinite(first) and math.isfinite(second)):
        return 0
    for extra in range(most + 1):
        if format_value(kpi, first, extra_digits=extra) != format_value(kpi, second, extra_digits=extra):
            return extra
    return 0


TIES_SHOWN = 0.05
"""Paired runs with equal values (ties) are named once they are at least this share."""


def ties_words(row: pd.Series) -> str | None:
    """``equal in 70%`` of the paired runs, when that many tie (a yes/no or count KPI); else None.

    ``row`` is a comparison row with ``share_better`` and ``share_worse`` (runs better and
    worse than the baseline's); rows without ``share_worse`` (older tables) give None.
    """
    better, worse = float(row.get("share_better", math.nan)), float(row.get("share_worse", math.nan))
    ties = 1.0 - better - worse
    if not math.isfinite(ties) or ties < TIES_SHOWN:
        return None
    return f"equal in {format_share(ties)}"


def format_share(share: float) -> str:
    """A share of paired runs: ``26.5%``, ``4%`` (one decimal where the runs need it, so shares add up).

    ``26%`` and ``4%`` beside a difference of 23 points read as arithmetic gone wrong when
    the runs were 26.5% and 3.5%; with up to a thousand runs one decimal is exact.
    """
    if not math.isfinite(share):
        return "n/a"
    tenths = round(share * 1000)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def hours_words(hours: float) -> str:
    """``0.3 hours of working days``, or ``2 minutes`` below a tenth of an hour (6 SDRs' "0.0 hours" read as no wait).

    The model's clock runs 24 hours a working day and skips weekends (docs/MODEL.md): a mean in clock hours is
    about 1.46 times it, so a sentence names the unit as the tables do.
    """
    return (
        f"{hours:,.1f} hours of working days"
        if hours >= 0.1
        else f"{max(hours * 60.0, 1.0):.0f} minute{'s' if hours * 60 >= 1.5 else ''}"
    )
