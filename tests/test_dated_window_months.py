"""A dated window is said in its calendar's months: 2017-05-01 to 2017-09-30 is 5 months, not 5.1."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from simulator.analysis.tables import period_words, window_words
from simulator.config.clock import ClockConfig


def _result(clock: ClockConfig) -> Any:
    """The part of an ExperimentResult that period_words reads."""
    scenario = SimpleNamespace(config=SimpleNamespace(clock=clock))
    return SimpleNamespace(experiment=SimpleNamespace(scenarios=[scenario]))


@pytest.mark.parametrize(
    ("start", "days", "words"),
    [
        ("2017-05-01", 110.0, "5 months"),  # crm-maven calibrated as of 2017-04-30: had read "5.1 months"
        ("2017-10-01", 65.0, "3 months"),  # as of 2017-09-30
        ("2017-09-17", 75.0, "3.5 months"),  # as of a Saturday, 2017-09-16: half of September and a quarter
        ("2018-01-01", 64.0, "3 months"),  # as of 2017-12-31
    ],
)
def test_a_dated_window_counts_its_calendar_months(start: str, days: float, words: str) -> None:
    assert window_words(_result(ClockConfig(start_date=start, horizon_days=days, warmup_days=0.0))) == words


def test_an_undated_window_is_unchanged() -> None:
    assert period_words(_result(ClockConfig(horizon_days=125.0, warmup_days=0.0))) == " over 6 months"
    assert period_words(_result(ClockConfig(horizon_days=250.0, warmup_days=0.0))) == " per year"
