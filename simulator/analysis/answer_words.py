"""The answer's words for a KPI's figures: its phrase, a mean, a difference, an interval, two means set apart.

:mod:`simulator.analysis.answer` and :mod:`simulator.analysis.answer_choice` write their
sentences with these, so a figure reads alike wherever the answer says it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pandas as pd

from simulator.analysis.formatting import (
    TIME_UNITS,
    difference_digits,
    digits_apart,
    format_money,
    format_signed_amount,
    format_signed_range,
)
from simulator.analysis.kpi_names import UNIT_WORDS, kpi_unit, kpi_words
from simulator.analysis.mean_cells import format_mean_ci
from simulator.analysis.planning import plan_figure
from simulator.analysis.tables import (
    scenario_names,
    summary_of,
    summary_row,
)
from simulator.run.experiment import ExperimentResult

SENTENCE_UNITS = {unit: UNIT_WORDS[unit] for unit in TIME_UNITS}
"""Units a KPI's values carry in a sentence, where a table's header would say them (money and % carry their own)."""


def kpi_phrase(result: ExperimentResult, kpi: str) -> str:
    """A KPI inside a sentence; the plan's probability names the plan (``the chance of hitting the $3.50M plan``)."""
    if kpi == "hit_plan":
        plans = {plan_figure(result, s) for s in scenario_names(result)} - {None}
        if len(plans) == 1:
            return f"the chance of hitting the {format_money(float(next(iter(plans))))} plan"  # type: ignore[arg-type]
        return "the chance of hitting the plan"
    return kpi_words(kpi)


def row_digits(row: pd.Series, kpi: str) -> int | None:
    """The extra decimals a comparison row's difference and CI share (:func:`.formatting.difference_digits`)."""
    return difference_digits(kpi, float(row.get("mean_diff", math.nan)), float(row["ci_low"]), float(row["ci_high"]))


def difference_words(row: pd.Series, kpi: str) -> str:
    """``+13.0 points (95% CI +9.0 to +17.0 points)``."""
    diff = format_signed_amount(kpi, float(row["mean_diff"]), row_digits(row, kpi))
    interval = interval_words(row, kpi)
    return f"{diff} ({interval})" if interval else diff


def interval_words(row: pd.Series, kpi: str) -> str:
    """A paired difference's 95% CI in words (``95% CI +9.0 to +17.0 points``); "" without one."""
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    if math.isclose(low, high, rel_tol=1e-6, abs_tol=1e-9):  # every pair differs by the same (a headcount's cost)
        return "the same in every run"
    return f"95% CI {format_signed_range(kpi, low, high, row_digits(row, kpi))}"


def mean_words(result: ExperimentResult, scenario: str, kpi: str, extra_digits: int = 0) -> str:
    """A mean (95% CI) inside a sentence: ``0.4 hours (0.3 to 0.5)``, the unit said where a table's header says it."""
    text = format_mean_ci(summary_row(summary_of(result), scenario, kpi), kpi, extra_digits=extra_digits)
    unit = SENTENCE_UNITS.get(kpi_unit(kpi))
    if unit is None or text == "-":
        return text
    mean, _, interval = text.partition(" (")
    return f"{mean} {unit} ({interval}" if interval else f"{mean} {unit}"


def means_of(result: ExperimentResult, kpi: str, names: Sequence[str]) -> list[float]:
    """Each scenario's mean of ``kpi`` from the summary (NaN where it has none)."""
    summary = summary_of(result)
    rows = [summary_row(summary, name, kpi) for name in names]
    return [float(r["mean"]) if r is not None else math.nan for r in rows]


def ranked_digits(result: ExperimentResult, kpi: str) -> int:
    """The extra decimals that tell every scenario's mean of ``kpi`` from the next one's, as the ranking says them.

    The answer's ranking sentence takes them to set close scenarios apart ($4.062M, $4.059M); a
    mean the answer says elsewhere takes them too, so that one mean reads one way in the paragraph:
    ramp_and_coaching's had "from $3.97M ... with today" and, a sentence on, "today $3.968M".
    """
    means = sorted(m for m in means_of(result, kpi, scenario_names(result)) if math.isfinite(m))
    return max((digits_apart(kpi, a, b) for a, b in itertools.pairwise(means)), default=0)


def means_apart(result: ExperimentResult, kpi: str, first: str, second: str) -> tuple[str, str]:
    """Two scenarios' means (95% CI) in words, with the decimals that tell the means apart (and the ranking's)."""
    means = means_of(result, kpi, (first, second))
    extra = max(digits_apart(kpi, means[0], means[1]), ranked_digits(result, kpi))
    return mean_words(result, first, kpi, extra), mean_words(result, second, kpi, extra)
