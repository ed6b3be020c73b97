"""What then happened: the back-test's actual figures per calendar period, read from the export.

Per period (a calendar month or quarter between two dates): deals won and their bookings
(closed inside it), the win rate of the deals decided inside it (won / (won + lost)), the
median cycle of its wins in working days (creation to close), and the open pipeline at its
end (deals created by then and not closed by then, as the CRM counts them: stalled deals
stay open), and the new opportunities (deals created inside it). Rows the export cannot
place (no created date) are not counted, as in the fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.backtest_kpis import KPIS
from simulator.calibration.estimates import working_days
from simulator.calibration.export import Export


@dataclass(frozen=True)
class Period:
    """A calendar period: its label ('2017-10', '2017-Q4'), first and last day.

    ``whole``: it runs from its calendar first day to its last. A period cut by the origin
    or ``--until`` is a part-period: labelled '2017-Q4', it had held Oct 1 to Dec 15 (917
    won, not the quarter's 1,196) with nothing to say so, and counted in the quarters'
    coverage; :attr:`shown` names its dates wherever it is shown.
    """

    label: str
    first: np.datetime64
    last: np.datetime64
    kind: str  # 'month' or 'quarter'
    whole: bool = True

    @property
    def shown(self) -> str:
        """The label, and for a part-period its dates: ``2017-Q4 (part: 2017-10-01 to 2017-12-15)``."""
        return self.label if self.whole else f"{self.label} (part: {self.first} to {self.last})"


def periods_between(start: np.datetime64, until: np.datetime64) -> list[Period]:
    """The calendar months and quarters from ``start`` to ``until`` (inclusive; partial ones cut to them, not whole)."""
    result: list[Period] = []
    for freq, kind in (("M", "month"), ("Q", "quarter")):
        for period in pd.period_range(str(start), str(until), freq=freq):
            begins = np.datetime64(str(period.start_time.date()), "D")
            ends = np.datetime64(str(period.end_time.date()), "D")
            first, last = max(begins, start), min(ends, until)
            label = str(period) if kind == "month" else f"{period.year}-Q{period.quarter}"
            result.append(Period(label, first, last, kind, bool(first == begins and last == ends)))
    return result


ACTUAL_KPIS: tuple[str, ...] = KPIS
"""The figures read from the export per period."""


def actual_figures(export: Export, periods: list[Period], holidays: list[str]) -> dict[tuple[str, str], float]:
    """(period label, kpi) -> the actual figure; NaN for a period that ends after the export's last date.

    The export records nothing after its last date, so a later period's actual is unknown,
    not zero: it is left out of the coverage rather than scored as a month that won nothing.
    So is a period the export records only in part (an export pulled on 2023-03-16, scored
    against a whole simulated March, had read 3 wins below a band of 14 to 26, every KPI
    'outside'); ``--until`` at the export's last date scores it as a part-period.
    """
    frame = export.frame
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    outcome = frame["outcome"].to_numpy(dtype=object)
    amount = frame["amount"].fillna(0.0).to_numpy(dtype=float)
    figures: dict[tuple[str, str], float] = {}
    for period in periods:
        if period.last > export.export_date:
            figures.update({(period.label, kpi): math.nan for kpi in ACTUAL_KPIS})
            continue
        with np.errstate(invalid="ignore"):
            inside = (~np.isnat(closed)) & (closed >= period.first) & (closed <= period.last)
        won, lost = inside & (outcome == "won"), inside & (outcome == "lost")
        cycle = working_days(created[won], closed[won], holidays)
        still_open = (created <= period.last) & (np.isnat(closed) | (closed > period.last))
        figures[(period.label, "won_deals")] = float(won.sum())
        figures[(period.label, "bookings")] = float(amount[won].sum())
        decided = won.sum() + lost.sum()
        figures[(period.label, "win_rate")] = float(won.sum() / decided) if decided else math.nan
        figures[(period.label, "median_cycle_days")] = float(np.median(cycle)) if cycle.size else math.nan
        figures[(period.label, "open_pipeline")] = float(still_open.sum())
        # the arrivals the model draws from the fitted rate: an export thinning at its end shows here first
        new = (created >= period.first) & (created <= period.last)
        figures[(period.label, "new_opportunities")] = float(new.sum())
    return figures
