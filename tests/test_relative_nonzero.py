"""A relative difference that is not 0 never reads 0.

solution_engineers' comparison table read "Leads | +0.02 | -1.1 to +1.1 | 0.00% (95% CI -0.05% to
+0.05%)": the difference itself kept a digit that is not 0, its relative figure (+0.0009%)
read as no change at all.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.relative_words import relative_words


def _row(relative: float, low: float, high: float) -> pd.Series:
    return pd.Series(
        {"kpi": "leads_total", "relative_diff": relative, "relative_ci_low": low, "relative_ci_high": high}
    )


def test_a_tiny_relative_difference_keeps_a_digit() -> None:
    assert relative_words(_row(0.0000093, -0.000494, 0.000513)) == "+0.001% (95% CI -0.05% to +0.05%)"


def test_a_relative_difference_of_zero_reads_zero() -> None:
    assert relative_words(_row(0.0, 0.0, 0.0)) == "0.0% (95% CI 0.0% to 0.0%)"  # the same in every run
    assert relative_words(_row(0.0, -0.000494, 0.000513)) == "0.00% (95% CI -0.05% to +0.05%)"


def test_an_ordinary_relative_difference_is_unchanged() -> None:
    assert relative_words(_row(-0.0653, -0.115, -0.013)) == "-6.5% (95% CI -11.5% to -1.3%)"
