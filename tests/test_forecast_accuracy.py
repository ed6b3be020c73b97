"""Forecast accuracy counts the months that booked nothing (issue 13, item 4).

MAPE divides each period's error by its actual, so a month end whose deals then booked
$0 cannot be scored and used to vanish; WAPE (sum of errors over sum of actuals) keeps
it, and ``forecast_mape_unscored`` says how many periods MAPE left out.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.formatting import format_value
from simulator.analysis.kpi_names import kpi_label, kpi_unit
from simulator.model.forecast import ForecastSeries, forecast_kpis, forecast_scores
from simulator.report.forecast_section import forecast_section

NAN = math.nan


def test_hand_worked_scores_with_a_month_that_booked_nothing() -> None:
    # month ends 0-2 are scored; 3 has no forecast yet, 4 has not elapsed
    forecast = np.array([100.0, 50.0, 80.0, NAN, 40.0])
    actual = np.array([80.0, 0.0, 100.0, 50.0, NAN])
    scores = forecast_scores(forecast, actual)
    assert scores.mape == pytest.approx((20 / 80 + 20 / 100) / 2)  # 0.225: the $0 month is left out
    assert scores.wape == pytest.approx((20 + 50 + 20) / 180)  # 0.5: its $50 forecast is all error
    assert scores.bias == pytest.approx((230 - 180) / 180)
    assert scores.unscored == 1


def test_nothing_booked_leaves_every_percentage_undefined_but_counts_the_periods() -> None:
    scores = forecast_scores(np.array([10.0, 0.0]), np.array([0.0, 0.0]))
    assert math.isnan(scores.mape) and math.isnan(scores.wape) and math.isnan(scores.bias)
    assert scores.unscored == 2


def test_perfect_forecasts_score_zero_everywhere() -> None:
    values = np.array([5.0, 0.0, 7.0])
    scores = forecast_scores(values, values)
    assert (scores.mape, scores.wape, scores.bias, scores.unscored) == (0.0, 0.0, 0.0, 1)


def test_forecast_kpis_month_and_quarter() -> None:
    series = ForecastSeries(
        month=np.array([100.0, 50.0, 80.0]),
        month_actual=np.array([80.0, 0.0, 100.0]),
        quarter=np.array([300.0, 200.0, NAN]),
        quarter_actual=np.array([200.0, 250.0, NAN]),
    )
    row = forecast_kpis(series)
    assert row["forecast_wape"] == pytest.approx(0.5)
    assert row["forecast_mape_unscored"] == 1.0
    assert row["forecast_mape_quarter"] == pytest.approx((100 / 200 + 50 / 250) / 2)
    assert row["forecast_wape_quarter"] == pytest.approx(150 / 450)
    assert row["forecast_mape_unscored_quarter"] == 0.0
    assert list(row)[:4] == ["forecast_mape", "forecast_bias", "forecast_mape_quarter", "forecast_bias_quarter"]


def test_units_and_labels() -> None:
    assert kpi_unit("forecast_wape") == "rate" and format_value("forecast_wape", 0.5) == "50.0%"
    assert kpi_unit("forecast_mape_unscored") == "count"
    assert format_value("forecast_mape_unscored_quarter", 2.0) == "2.0"
    assert "WAPE" in kpi_label("forecast_wape_quarter")


def test_the_report_shows_wape_beside_mape() -> None:
    values = {
        "forecast_mape": 0.225,
        "forecast_wape": 0.5,
        "forecast_bias": 0.28,
        "forecast_mape_unscored": 1.0,
        "forecast_mape_quarter": 0.35,
        "forecast_wape_quarter": 0.33,
        "forecast_bias_quarter": 0.2,
        "forecast_mape_unscored_quarter": 0.0,
    }
    summary = pd.DataFrame(
        [{"scenario": "s", "kpi": k, "mean": v, "ci_low": NAN, "ci_high": NAN} for k, v in values.items()]
    )
    text = "\n".join(forecast_section(summary, ["s"]))
    assert "| Forecast error, next month (MAPE) (%) | 22.5% |" in text
    assert "| Forecast error, next month (WAPE) (%) | 50.0% |" in text
    assert "| Month ends MAPE could not score (nothing booked) | 1.0 |" in text
    assert text.index("(MAPE)") < text.index("(WAPE)")
    assert "next quarter (MAPE)" in text and "is not scored" not in text
    # a 3-month window scores no next quarter: no "-" rows beside "could not score: 0.0", a sentence instead
    short = summary.copy()
    short.loc[
        short["kpi"].isin(["forecast_mape_quarter", "forecast_wape_quarter", "forecast_bias_quarter"]), "mean"
    ] = NAN
    text = "\n".join(forecast_section(short, ["s"]))
    assert not [line for line in text.splitlines() if line.startswith("|") and "next quarter" in line]
    assert "next-quarter forecast is not scored" in text
