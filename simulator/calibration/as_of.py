"""Whether an export can be calibrated as of a date: each refusal names the dates that would work.

An as-of needs opportunities created by then, some in the ``recent_months`` before it (they
set the arrivals and the reps), deals closed by then and, when the export's closes only
begin on a date (left truncation), a deal created from then on and won by the as-of: the
outcome fit follows those alone. Refusals name the export's first created and closed dates
and the earliest month-end that works: the arrivals need a whole calendar month of new
opportunities once closes begin (:func:`~simulator.calibration.fit_arrivals.fit_arrivals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError
from simulator.calibration.export import Export
from simulator.calibration.fit_values import valued_wins, won_mean
from simulator.config.fields import DEAL_CEILING, DEAL_SLIP


def check_window(day: np.datetime64, until: np.datetime64, holidays: list[str]) -> None:
    """Refuse an ``--until`` whose run, from the day after the as-of date, holds no working day.

    ``--as-of 2017-09-29 --until 2017-10-01`` (a weekend) had been told "the calibrated config
    would not run (clock.horizon_days = 0 ...); check the mapping's assumptions and the
    export", or with ``salesim backtest`` had crashed with a traceback (exit 1).
    """
    start = day + np.timedelta64(1, "D")
    if np.busday_count(start, until + np.timedelta64(1, "D"), holidays=holidays) > 0:
        return
    first = np.busday_offset(start, 0, roll="forward", holidays=holidays)
    skipped = "a weekend" + (" or public holidays (assumptions.holidays)" if holidays else "")
    raise CalibrationError(
        f"--until {until}: the run from {start} (the day after --as-of {day}) to it holds no working day "
        f"({skipped}): give a date on or after {first}, its first working day"
    )


def check_as_of(export: Export, day: np.datetime64, recent: int) -> None:
    """Refuse an as-of ``day`` the export cannot be calibrated on; ``recent``: ``assumptions.recent_months``.

    Raises:
        CalibrationError: Naming the export's file, the as-of, what is missing by then and
            the earliest month-end that works.
    """
    created = export.frame["created"].to_numpy(dtype="datetime64[D]")
    closed = export.frame["closed"].to_numpy(dtype="datetime64[D]")
    first_close = closed[~np.isnat(closed)].min()  # the export has a closed deal (load_export)
    # the arrivals need a whole calendar month of new opportunities once closes begin (fit_arrivals)
    month = pd.Period(str(first_close), freq="M") + (0 if str(first_close).endswith("-01") else 1)
    earliest = f"the end of {month} at the earliest"
    if not (created <= day).any():
        raise CalibrationError(
            f"--as-of {day}: no opportunity was created on or before it (the first was created on "
            f"{created.min()} and the first deal closed on {first_close}: choose an as-of at the end of a whole "
            f"calendar month of new opportunities after closes begin, {earliest})",
            file=export.file,
        )
    since = (pd.Period(str(day)[:7], freq="M") - recent + 1).start_time.to_datetime64().astype("datetime64[D]")
    if not ((created >= since) & (created <= day)).any():
        raise CalibrationError(
            f"--as-of {day}: no opportunity was created in the {recent} months before it (assumptions.recent_months), "
            f"which set the arrivals and the reps; the export's last opportunity was created on "
            f"{export.covered()[0]} and its last date is {export.export_date}: choose an as-of inside the export",
            file=export.file,
        )
    if not ((~np.isnat(closed)) & (closed <= day)).any():
        raise CalibrationError(
            f"--as-of {day}: no deal had closed by then (the first closed on {first_close}: choose an as-of at the "
            f"end of a whole calendar month of new opportunities after closes begin, {earliest})",
            file=export.file,
        )
    start = export.close_start
    won = (export.frame["outcome"] == "won").to_numpy() & (closed <= day)
    if start is not None and not (won & (created >= start)).any():  # the outcome fit follows these only
        raise CalibrationError(
            f"--as-of {day}: no deal created from {start} on, when the export's closes begin (the outcome fit "
            f"follows those), was won by then: choose an as-of at the end of a whole calendar month of new "
            f"opportunities after closes begin, {earliest}, and better a few months later",
            file=export.file,
        )


def check_deal_values(export: Export, day: np.datetime64, amount: str | None, assumed: float | None) -> None:
    """Refuse an export whose wins by ``day`` have no value when no price list stands in (``amount``: its column).

    ``assumed`` (the mapping's ``assumptions.deal_value``) stands in too.

    Raises:
        CalibrationError: Naming the export's file, the wins and the amount column.
    """
    wins, valued = valued_wins(export.frame, day)
    mean = won_mean(export.frame, day)
    if valued > 0 and mean < DEAL_SLIP:  # a CRM report in $k: refused here, in the export's words
        raise CalibrationError(
            f"--as-of {day}: the {valued:,} won deals with a value average ${mean:,.4g} a deal: the amounts look "
            f"to be in thousands (a B2B deal of under ${DEAL_SLIP:,.0f}); export them in whole dollars",
            file=export.file,
            column=amount or "",
        )
    if valued > 0 and mean > DEAL_CEILING:  # a CRM report in cents: refused here too, not in the written config's words
        raise CalibrationError(
            f"--as-of {day}: the {valued:,} won deals with a value average ${mean:,.4g} a deal: the amounts look "
            f"to be in cents or to have three zeros too many (a B2B deal over ${DEAL_CEILING:,.0f} a year); "
            "export them in whole dollars",
            file=export.file,
            column=amount or "",
        )
    if valued > 0 or assumed is not None or any(price > 0 for price in export.prices.values()):
        return
    where = f"column '{amount}' is empty or 0 on every one" if amount else "the mapping names no amount column"
    raise CalibrationError(
        f"--as-of {day}: none of the {wins:,} won deals has a value ({where}) and the mapping gives no price "
        "list: deal values cannot be fitted; map the amount the CRM fills on won deals, give prices, or set "
        "assumptions.deal_value (a won deal's value in whole dollars)",
        file=export.file,
    )


def check_outcomes(export: Export, day: np.datetime64) -> None:
    """Refuse an export whose deals closed by ``day`` are all won or all lost: no win rate to fit.

    Checked once the fits ran, so that an as-of too soon after the export starts is told
    as such first (:func:`~simulator.calibration.fit_arrivals.fit_arrivals`).

    Raises:
        CalibrationError: Naming the export's file, the as-of and the outcome missing.
    """
    closed = export.frame["closed"].to_numpy(dtype="datetime64[D]")
    outcome = export.frame["outcome"].to_numpy(dtype=object)
    decided = ~np.isnat(closed) & (closed <= day)
    wins, losses = int((decided & (outcome == "won")).sum()), int((decided & (outcome == "lost")).sum())
    stalled = int((decided & (outcome == "no_decision")).sum())
    if wins == 0 or losses == 0:  # a CRM view of won and open deals, or the outcomes mapped wrong
        others = ", ".join(
            f"{n:,} {what}" for n, what in ((wins, "won"), (losses, "lost"), (stalled, "with no decision")) if n
        )
        raise CalibrationError(
            f"--as-of {day}: no deal closed {'won' if wins == 0 else 'lost'} by then, only {others or 'none'}: a win "
            f"rate (won against lost) cannot be fitted; export every closed opportunity, won and lost (a CRM view "
            f"of won and open deals leaves the lost out), and check that the mapping's outcomes map the CRM's "
            f"values to won and lost",
            file=export.file,
        )
