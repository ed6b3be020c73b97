"""A money or relative difference reads at its CI's precision: its point never outside its own printed interval."""

from __future__ import annotations

import pandas as pd

from simulator.analysis.formatting import (
    difference_digits,
    format_signed_amount,
    format_signed_range,
    signed_difference,
)
from simulator.analysis.relative_words import relative_words


def test_a_narrow_money_interval_gives_its_point_the_same_decimals() -> None:
    """prm_automation's tool cost, +$3,464 (CI +$3,450 to +$3,477), read "+$3.5k (95% CI +$3.45k to +$3.48k)"."""
    point, low, high = 3463.59, 3450.36, 3476.82
    assert signed_difference("prm_tool_cost", point, low, high) == ("+$3.46k", "+$3.45k", "+$3.48k")
    extra = difference_digits("prm_tool_cost", point, low, high)
    assert format_signed_amount("prm_tool_cost", point, extra) == "+$3.46k"
    assert format_signed_range("prm_tool_cost", low, high, extra) == "+$3.45k to +$3.48k"
    # in $M: a CI $11k wide reads to the $1k ("+$3.96M (+$3.95M to +$3.96M)" had the point on a bound)
    assert signed_difference("bookings", 3_955_400.0, 3_951_000.0, 3_962_000.0) == ("+$3.955M", "+$3.951M", "+$3.962M")


def test_a_money_interval_wide_against_its_unit_keeps_the_usual_decimals() -> None:
    assert difference_digits("bookings", -278_600.0, -543_900.0, -13_300.0) == 0
    assert signed_difference("bookings", 134_600.0, 20_100.0, 250_300.0) == ("+$134.6k", "+$20.1k", "+$250.3k")
    # the same in every run (4 CSMs' pay): no decimals to tell the bounds apart
    assert difference_digits("cost_of_sales", 571_428.57, 571_428.57, 571_428.57) == 0
    # ... nor when summed in another order its bounds differ in the 11th digit (csm_coverage: "$571.4286k lower")
    assert difference_digits("cost_of_sales", -571_428.57, -571_428.5700001, -571_428.5699999) == 0


def test_a_relative_change_reads_at_its_ci_s_precision() -> None:
    """csm_coverage's csm_15 read "renewals due ... Relative to csm_11: 0.0% (95% CI +0.01% to +0.04%)"."""
    row = pd.Series(
        {"kpi": "renewals_due", "relative_diff": 0.00024, "relative_ci_low": 0.0001, "relative_ci_high": 0.0004}
    )
    assert relative_words(row) == "+0.02% (95% CI +0.01% to +0.04%)"
    wide = pd.Series(
        {"kpi": "bookings", "relative_diff": -0.0738, "relative_ci_low": -0.139, "relative_ci_high": -0.0037}
    )
    assert relative_words(wide) == "-7.4% (95% CI -13.9% to -0.4%)"


def test_a_difference_the_same_in_every_run_is_said_so_not_given_a_ci() -> None:
    """csm_coverage read "csm_7's cost of sales is $571.4k lower than csm_11's (95% CI -$571.4k to -$571.4k)"."""
    from simulator.analysis.conclusions import difference_sentence

    row = pd.Series(
        {
            "scenario": "csm_7",
            "baseline": "csm_11",
            "kpi": "cost_of_sales",
            "n_pairs": 100,
            "baseline_mean": 3_664_000.0,
            "scenario_mean": 3_092_571.43,
            "mean_diff": -571_428.57,
            "ci_low": -571_428.57,
            "ci_high": -571_428.57,
            "relative_diff": -0.156,
            "relative_ci_low": -0.157,
            "relative_ci_high": -0.155,
            "share_better": 1.0,
            "share_worse": 0.0,
            "direction": -1,
            "significant": True,
        }
    )
    sentence = difference_sentence(row)
    assert "(the same in every run)" in sentence and "95% CI -$571.4k" not in sentence, sentence


def test_a_relative_change_that_is_not_zero_never_reads_zero() -> None:
    """ramp_and_coaching: cost of sales +$1.5k on $3.68M had read "0.0% (95% CI -0.3% to +0.4%)"."""
    row = pd.Series(
        {"kpi": "cost_of_sales", "relative_diff": 0.000417, "relative_ci_low": -0.002664, "relative_ci_high": 0.003505}
    )
    assert relative_words(row) == "+0.04% (95% CI -0.3% to +0.4%)"
    fewer = pd.Series(
        {"kpi": "deals_lost", "relative_diff": -0.00025, "relative_ci_low": -0.002, "relative_ci_high": 0.0019}
    )
    assert relative_words(fewer) == "-0.03% (95% CI -0.2% to +0.2%)"
    none = pd.Series({"kpi": "deals_lost", "relative_diff": 0.0, "relative_ci_low": -0.002, "relative_ci_high": 0.002})
    assert relative_words(none) == "0.0% (95% CI -0.2% to +0.2%)"
