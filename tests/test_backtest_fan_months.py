"""A back-test fan chart draws each month's band over that month, and its marks inside it.

The marks stood on each month's first day (a few days later for each further origin) and the
band was stepped around them ("mid"), so half of October's band was drawn over September and
November's actual dot sat on the boundary; with nine origins the marks drifted 32 days, into
the next month.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest

from simulator.report import backtest_report
from simulator.report.plot_style import plt

MONTHS = ["2017-10", "2017-11", "2017-12"]


def _table(origins: list[str]) -> pd.DataFrame:
    rows = []
    for k, origin in enumerate(origins):
        for m, period in enumerate(MONTHS):
            mid = 1.0e6 + 1e5 * m + 1e4 * k
            rows.append([origin, period, mid, 0.9 * mid, mid, 1.1 * mid, True])
    columns = ["origin", "period", "actual", "p10", "p50", "p90", "inside_p10_p90"]
    return pd.DataFrame(rows, columns=columns).assign(kpi="bookings", period_kind="month")


def _drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, origins: list[str]) -> Any:
    kept: dict[str, Any] = {}

    def keep(fig: Any, path: Path) -> Path:
        kept["ax"] = fig.axes[0]
        kept["fig"] = fig
        return path

    monkeypatch.setattr(backtest_report, "save_figure", keep)
    backtest_report.fan_chart(_table(origins), "bookings", tmp_path / "fan.png")
    return kept


@pytest.mark.parametrize("count", [2, 9])
def test_each_months_band_and_marks_lie_in_that_month(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, count: int
) -> None:
    origins = [f"2017-0{k + 1}-30" for k in range(count)]
    kept = _drawn(monkeypatch, tmp_path, origins)
    ax = kept["ax"]
    try:
        starts = [mdates.date2num(pd.Timestamp(f"{m}-01")) for m in [*MONTHS, "2018-01"]]
        bands = [c for c in ax.collections if getattr(c, "get_label", lambda: "")().startswith("P10–P90")]
        assert len(bands) == count
        for band in bands:
            xs = band.get_paths()[0].vertices[:, 0]
            assert xs.min() == pytest.approx(starts[0]) and xs.max() == pytest.approx(starts[-1]), xs
            # the band's steps fall on month boundaries only: October's value is held from Oct 1 to Nov 1
            assert set(np.round(xs, 6)) <= set(np.round(starts, 6)), sorted(set(xs))
        dots = [c for c in ax.collections if c not in bands and c.get_offsets().size]
        assert dots, "no actual drawn"
        for dot in dots:
            for x, _ in dot.get_offsets():
                month = np.searchsorted(starts, x, side="right") - 1
                assert 0 <= month < len(MONTHS) and starts[month] < x < starts[month + 1], (x, starts)
    finally:
        plt.close(kept["fig"])
