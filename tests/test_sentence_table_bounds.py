"""A difference's CI reads the same in the answer's sentences as in the tables beside them.

default (generalist_vs_specialist) said "specialist lets 110 more leads leak than generalist
(95% CI +90 to +129)" in its answer while its comparison table read "+110 | +90.5 to +129":
the sentence gave every bound of a range reaching 100 no decimal, the table decided each
bound's decimal by the bound itself, so one figure, 90.48, was rounded two ways.
"""

from __future__ import annotations

import re

import pytest

from simulator.analysis.formatting import (
    format_nonzero_value,
    format_signed_amount,
    format_signed_interval,
    format_signed_range,
)


def _numbers(text: str) -> list[str]:
    return re.findall(r"[+-]?\$?[\d,]+(?:\.\d+)?[kM]?", text)


@pytest.mark.parametrize(
    ("kpi", "low", "high"),
    [
        ("deals_lost_leaked", 90.48235913695635, 128.67764086304365),  # default's leaked leads
        ("deals_lost_leaked", -129.3, -90.48),
        ("leads_total", -39.68, -9.78),
        ("deals_lost_disqualified", -188.2, -157.3),
        ("sales_efficiency", -0.33, -0.24),  # two decimals in a table: in a sentence too
        ("win_rate", -0.029, -0.014),
        ("cycle_time_days_p50", 9.78, 10.87),
        ("bookings", -441_570.4, -46_489.8),
    ],
)
def test_a_bound_reads_the_same_in_a_sentence_and_a_table(kpi: str, low: float, high: float) -> None:
    sentence = format_signed_range(kpi, low, high)
    cell = format_signed_interval(kpi, low, high)
    assert _numbers(sentence) == _numbers(cell), (sentence, cell)


def test_default_leaked_leads_read_as_the_table_reads_them() -> None:
    assert format_signed_range("deals_lost_leaked", 90.48235913695635, 128.67764086304365) == "+90.5 to +129"


@pytest.mark.parametrize(
    ("kpi", "value", "extra"),
    [
        ("deals_lost_leaked", 99.96, 0),  # "100.0" in a sentence had stood beside "+100" in the table
        ("deals_lost_leaked", 110.3, 1),  # a narrow CI's extra decimal: "110" beside "+110.3"
        ("sales_efficiency", -0.284, 0),  # two decimals in a table: "0.3" beside "-0.28"
        ("deals_won", -7.715, 0),
        ("renewals_due", -9.1, 0),
    ],
)
def test_a_difference_reads_the_same_in_a_sentence_and_a_table(kpi: str, value: float, extra: int) -> None:
    sentence = format_signed_amount(kpi, value, extra)
    cell = format_nonzero_value(kpi, value, signed=True, extra_digits=extra)
    assert _numbers(sentence) == _numbers(cell), (sentence, cell)
