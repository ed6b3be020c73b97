"""Parameter uncertainty: the calibration refitted on a bootstrap resample of the export.

A fit from a few thousand deals is an estimate: another year of the same company would
have given other rows and other parameters. :func:`refit` draws one such resample and
fits it again (creation months drawn whole, a block bootstrap: deals of one month share
its conditions, so their outcomes and durations are not independent draws; the arrival
series refitted on a resample of rows). It also draws the simulated period's own win-rate
and stall-rate shifts from the spread between creation months beyond chance
(``Calibration.period_win_sd``, ``period_stall_sd``): a bootstrap of rows alone treats
the win rate as fixed in time. The run still starts from the real open pipeline.

``salesim backtest`` refits one resample per replication; ``salesim calibrate`` stores
refits in the config folder so an ordinary run's bands carry them too
(:mod:`simulator.calibration.draws`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulator.calibration.calibrate import Calibration, fit
from simulator.calibration.errors import CalibrationError
from simulator.calibration.fit_arrivals import fit_arrivals


def refit(cal: Calibration, gen: np.random.Generator) -> Calibration:
    """``cal`` refitted on one bootstrap resample of its export, drawn with ``gen``.

    Raises:
        CalibrationError: When no resample (months whole, then rows) can be fitted.
    """
    frame = cal.export.frame
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    month = created.astype("datetime64[M]")
    start = cal.export.close_start
    eligible = (created <= cal.as_of) & (created >= start if start is not None else True)
    months = np.unique(month[eligible])
    blocks = [np.flatnonzero(eligible & (month == months[k])) for k in gen.integers(0, months.size, months.size)]
    resample = np.concatenate([np.flatnonzero(~eligible), *blocks])
    rows = frame.iloc[gen.integers(0, len(frame), len(frame))]
    draw: Calibration | None = None
    for chosen in (frame.iloc[resample], rows):  # months drawn with too few closes to fit: resample rows instead
        try:
            draw = fit(
                replace(cal.export, frame=chosen.reset_index(drop=True)),
                cal.mapping,
                cal.as_of,
                cal.until,
                variance=False,
                # what the drawn months are followed too briefly to show (a month of the quarter's durations,
                # the outcome shares past their longest follow-up) is the point fit's (fit_outcomes)
                fallback=cal.outcomes,
                thin=cal.thin_months,  # the point fit's under-recorded months, not the resample's counts
            )
        except (ValueError, CalibrationError):
            continue
        if has_every_duration(draw):
            break
    if draw is None:
        raise CalibrationError("no bootstrap resample of the export could be fitted")
    if not has_every_duration(draw):
        # a resample with no loss (or no win) in some month cannot say how long those take:
        # the draw keeps the point fit's outcomes, and its own arrivals and period shifts
        draw.outcomes = cal.outcomes
    draw.arrivals = fit_arrivals(
        rows["created"].to_numpy(dtype="datetime64[D]"),
        cal.as_of,
        cal.until,
        cal.export.close_start,
        cal.mapping.assumptions.recent_months,
        cal.export.covered()[0],
    )
    draw.open_deals = cal.open_deals  # the run starts from the real open pipeline
    draw.win_shift = float(gen.normal(0.0, cal.period_win_sd.value))  # the period's own win rate
    draw.stall_shift = float(gen.normal(0.0, cal.period_stall_sd.value))  # and its own stall rate
    draw.cohort_no_decision = {
        month: draw.cohort_no_decision.get(month, estimate) for month, estimate in cal.cohort_no_decision.items()
    }
    return draw


def has_every_duration(cal: Calibration) -> bool:
    """True if every empirical duration the scenario needs (won, lost, by month of the quarter) has values."""
    out = cal.outcomes
    laws = [out.won_days, out.lost_days, *[law for won, lost, _ in out.by_quarter_month or [] for law in (won, lost)]]
    return all(values.size > 0 for values, _ in laws)
