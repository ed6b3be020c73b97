"""A summary row's mean and its 95% CI as a table cell, alone or beside the other scenarios'.

``$3.74M ($3.60M to $3.88M)`` in reports, ``$3.74M [$3.60M, $3.88M]`` on the terminal: a mean
that is not 0 never reads 0, an interval with its mean at one end never reads as one value,
and the cells of one KPI side by side read at one precision where their figures are alike
(:func:`format_mean_cis`). The numbers themselves are written by :mod:`simulator.analysis.formatting`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from simulator.analysis.formatting import digits_apart, format_value, reads_zero, same_value
from simulator.analysis.kpi_names import is_count, kpi_unit

if TYPE_CHECKING:
    import pandas as pd


def format_mean_ci(row: pd.Series | None, kpi: str, words: bool = True, extra_digits: int = 0) -> str:
    """A summary row's mean with its 95% CI: ``mean (low to high)`` for reports, ``mean [low, high]`` for terminals.

    A missing row or mean reads ``-`` (reports) or ``n/a`` (terminals); a mean without an
    interval (one run) reads as the mean alone. ``extra_digits``: as :func:`format_value`.
    A mean that is not 0 never reads as 0: it and its bounds take the decimals (up to 3
    more) that show it (sdr_headcount's SDR first touch of 0.014 hours had read "0.0 [0.0, 0.0]").
    Nor does an interval with the mean at one end read as that one value: no SLA breach in any
    run, 0% to 0.008%, had read "0.0% (0.0% to 0.0%)", as if known exactly; nor its width
    rounded by more than a tenth (:func:`_width_shown`: 0% to 0.056% had read "0.0% (0.0% to 0.1%)").
    Cells of one KPI side by side take :func:`format_mean_cis`, at one precision.
    """
    return _mean_ci_text(row, kpi, words, extra_digits + _digits_shown(row, kpi, extra_digits))


def format_mean_cis(rows: Sequence[pd.Series | None], kpi: str, words: bool = True, apart: bool = False) -> list[str]:
    """:func:`format_mean_ci` of each of ``rows`` (one KPI, a row per scenario), alike ones at one precision.

    A row takes the decimals the most demanding row needs to read faithfully
    (:func:`format_mean_ci`) unless they would show its CI's width to more than
    :data:`WIDTH_DIGITS` significant digits: an SLA table's row had read "0.00% (0.00% to
    0.08%)" beside "0.0% (0.0% to 0.1%)", and now reads "0.00% (0.00% to 0.09%)" there,
    while "6.0% (5.4% to 6.7%)" beside "0.000% (0.000% to 0.008%)" stays as it is rather
    than read "6.041% (5.419% to 6.729%)". Money keeps each row's own decimals.
    ``apart``: first take the decimals that tell the rows' different means apart
    (:func:`digits_apart`; a ranking's $2,968k and $2,973k read "$2.968M" and "$2.973M", not
    "$2.97M" twice).
    """
    means = sorted(float(r["mean"]) for r in rows if r is not None and math.isfinite(float(r["mean"])))
    base = max((digits_apart(kpi, a, b) for a, b in itertools.pairwise(means)), default=0) if apart else 0
    needs = [_digits_shown(r, kpi, base) for r in rows]
    most = max(needs, default=0)
    digits = [_shared_digits(r, kpi, base, need, most) for r, need in zip(rows, needs, strict=True)]
    return [_mean_ci_text(r, kpi, words, base + d) for r, d in zip(rows, digits, strict=True)]


WIDTH_DIGITS = 2
"""The most significant digits of a CI's width that :func:`format_mean_cis` adds decimals to show."""


def _shared_digits(row: pd.Series | None, kpi: str, base: int, need: int, most: int) -> int:
    """The decimals (``need`` to ``most``) a row takes beside others: the most that show its width to 2 digits.

    7.65 (7.22 to 8.10) beside 0.012 (0.010 to 0.015), not 7.6 (7.2 to 8.1): :data:`WIDTH_DIGITS`.
    """
    digits = most
    while digits > need and _width_digits(row, kpi, base + digits) > WIDTH_DIGITS:
        digits -= 1
    return digits


def _width_digits(row: pd.Series | None, kpi: str, digits: int) -> float:
    """The significant digits of ``row``'s CI width as written at ``digits`` extra decimals; inf for money.

    0.02% to 0.11% at two decimals: a width of 0.09 points to the hundredth, 1 digit;
    5.419% to 6.729%: 1.310 points to the thousandth, 4 digits. A row without a width
    (no row, one run, an interval of one value) has none.
    """
    if kpi_unit(kpi) == "money":
        return math.inf
    if row is None or not (math.isfinite(float(row["ci_low"])) and math.isfinite(float(row["ci_high"]))):
        return 0.0
    low, high = (format_value(kpi, float(row[b]), extra_digits=digits) for b in ("ci_low", "ci_high"))
    width = abs(_shown_number(high) - _shown_number(low))
    if width == 0:
        return 0.0
    decimals = len(high.partition(".")[2].rstrip("%").split(" ")[0])
    return math.floor(math.log10(width)) + 1 + decimals


def _shown_number(text: str) -> float:
    """The number a formatted value (not money) shows, in its shown unit: "1,234.5" 1234.5, "6.0%" 6.0."""
    return float(text.rstrip("%").replace(",", "").replace("+", ""))


def _digits_shown(row: pd.Series | None, kpi: str, extra_digits: int) -> int:
    """The decimals (0 to 3) beyond ``extra_digits`` that ``row`` needs to read faithfully (:func:`format_mean_ci`)."""
    if row is None or not math.isfinite(float(row["mean"])) or zero_in_every_run(row, kpi):
        return 0
    value, low_value, high_value = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
    has_interval = math.isfinite(low_value)
    # a cost the same in every run (a calibrated company's salaries) is one value, not a one-sided interval
    one_sided = has_interval and value in (low_value, high_value) and not same_value(low_value, high_value)
    for more in range(4):
        digits = extra_digits + more
        mean = format_value(kpi, value, extra_digits=digits)
        faithful = not one_sided or _width_shown(kpi, value, high_value if value == low_value else low_value, digits)
        shown = _bounds_shown(kpi, (low_value, high_value), digits) and _bounds_apart(
            kpi, value, low_value, high_value, digits
        )
        if (value == 0 or not reads_zero(mean)) and faithful and shown:
            return more
    return 3


def _bounds_shown(kpi: str, bounds: tuple[float, float], digits: int) -> bool:
    """Neither bound of an interval that is not 0 reads 0 at ``digits`` extra decimals.

    lead_assignment's SLA breaches at need specified, 0.060% (0.045% to 0.080%), had read
    "0.1% (0.0% to 0.1%)": a lower bound of 0 where the runs rule it out, and a width
    rounded to near three times its size; it reads "0.06% (0.05% to 0.08%)".
    """
    return all(
        b == 0 or not math.isfinite(b) or not reads_zero(format_value(kpi, b, extra_digits=digits)) for b in bounds
    )


ONE_VALUE_WIDTH = 0.05
"""The widest interval, as a share of its mean, whose two bounds may read as one value ("5.0% (5.0% to 5.0%)")."""


def _bounds_apart(kpi: str, value: float, low: float, high: float, digits: int) -> bool:
    """An interval wider than :data:`ONE_VALUE_WIDTH` of its mean reads as two values at ``digits`` extra decimals.

    sdr_headcount's SDR first touch with six SDRs, 0.0122 hours (0.0099 to 0.0150), had read
    "0.01 (0.01 to 0.01)", as if known exactly where the runs leave it ±20%; it reads
    "0.012 (0.010 to 0.015)". Money keeps its own scale.
    """
    if kpi_unit(kpi) == "money" or not (math.isfinite(low) and math.isfinite(high)) or same_value(low, high):
        return True
    if format_value(kpi, low, extra_digits=digits) != format_value(kpi, high, extra_digits=digits):
        return True
    return value == 0 or high - low <= ONE_VALUE_WIDTH * abs(value)


def zero_in_every_run(row: pd.Series | None, kpi: str) -> bool:
    """Whether ``row`` is a count at 0 in all its runs: its interval 0 to 3.69 / n a run (:mod:`.intervals`)."""
    if row is None or "n" not in row.index or not is_count(kpi):
        return False
    mean, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
    return mean == 0.0 and low == 0.0 and math.isfinite(high) and high > 0.0


def zero_count_words(row: pd.Series, words: bool = True) -> str:
    """A count at 0 in every run: ``0 in all 400 runs (0 to 0.0092 a run)``, ``0 in all 400 [0, 0.0092]``.

    No leaked lead in any of 40 runs had read "0.0 (0.0 to 0.0)", as if known exactly;
    the runs say how many were looked at, the bound how many a run there could still be.
    A count the scenario cannot make at all (a summary row's ``impossible`` reason, from
    :mod:`simulator.analysis.impossible_counts`) reads ``none: no hand-off in this scenario
    (...)`` instead: no number of runs could find one, and a bound would say they might.
    """
    if row.get("impossible"):
        return f"none: {row['impossible']}"
    runs, high = int(row["n"]), float(row["ci_high"])
    top = f"{high:.2g}" if high < 1.0 else f"{high:.1f}"
    return f"0 in all {runs:,} runs (0 to {top} a run)" if words else f"0 in all {runs:,} [0, {top}]"


def _mean_ci_text(row: pd.Series | None, kpi: str, words: bool, digits: int) -> str:
    """``row``'s mean and its CI at ``digits`` extra decimals (:func:`format_value`)."""
    if row is None or not math.isfinite(float(row["mean"])):
        return "-" if words else "n/a"
    if zero_in_every_run(row, kpi):
        return zero_count_words(row, words)
    if row is not None and float(row["mean"]) == 0.0 and row.get("impossible"):  # one run: no bound to drop
        return f"none: {row['impossible']}"
    mean = format_value(kpi, float(row["mean"]), extra_digits=digits)
    if not math.isfinite(float(row["ci_low"])):
        return mean
    low, high = (_bound_text(kpi, float(row[b]), digits, mean) for b in ("ci_low", "ci_high"))
    return f"{mean} ({low} to {high})" if words else f"{mean} [{low}, {high}]"


def _decimals(text: str) -> int:
    """The decimals a formatted figure (not money) shows: "1,234.5" 1, "6.04%" 2, "105" 0."""
    return len(text.partition(".")[2].rstrip("%").split(" ")[0])


def _bound_text(kpi: str, value: float, digits: int, mean: str) -> str:
    """A bound of a CI at the decimals its mean shows (money keeps its own scale: $906k beside $1.02M).

    A count's decimals go with its size (:func:`format_value`), so a mean of 105 deals had
    read "105 (100.0 to 110)" and one of 99.7 "99.7 (94.7 to 105)": a bound now reads as
    precisely as the mean beside it, "105 (100 to 110)", "99.7 (94.7 to 104.9)".
    """
    text = format_value(kpi, value, extra_digits=digits)
    if kpi_unit(kpi) == "money":
        return text
    shift = _decimals(mean) - _decimals(text)
    return format_value(kpi, value, extra_digits=digits + shift) if shift else text


WIDTH_SHOWN = 0.1
"""The most a one-sided interval's width (a share at 0 or 1 in every run) may move by rounding its far bound."""


def _width_shown(kpi: str, value: float, far: float, digits: int) -> bool:
    """The far bound of an interval with ``value`` at one end reads apart from it, within :data:`WIDTH_SHOWN` of it.

    No SLA breach in any run, 0% to 0.056%, had read "0.0% (0.0% to 0.1%)": rounding had
    doubled the width; it reads "0.00% (0.00% to 0.06%)". For a rate; any other unit only
    needs the two bounds to read apart.
    """
    shown = [format_value(kpi, v, extra_digits=digits) for v in (value, far)]
    if shown[0] == shown[1]:
        return False
    if kpi_unit(kpi) != "rate":
        return True
    width = abs(float(shown[1].rstrip("%")) - float(shown[0].rstrip("%"))) / 100.0
    return abs(width - abs(far - value)) <= WIDTH_SHOWN * abs(far - value)
