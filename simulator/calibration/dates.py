"""The days the command line gives (``--as-of``, ``--until``), read apart from the export and its fits.

``salesim calibrate`` and ``salesim backtest`` refuse a date that is not one before the
export is read: that reads this module alone, without loading the tables
(:mod:`simulator.calibration.calibrate` fits the export as of the day).
"""

from __future__ import annotations

import datetime
import re

import numpy as np

from simulator.calibration.errors import CalibrationError


def parse_date(text: str, what: str) -> np.datetime64:
    """A ``YYYY-MM-DD`` date.

    Raises:
        CalibrationError: Naming ``what`` and the text.
    """
    refused = CalibrationError(f"{what} = {text!r}: must be a date written YYYY-MM-DD")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(text).strip()):  # '' is NaT and '2017-09' the 1st to numpy
        raise refused
    try:
        return np.datetime64(datetime.date.fromisoformat(str(text).strip()), "D")
    except ValueError as error:  # written YYYY-MM-DD, but no such day (2017-02-30)
        raise CalibrationError(
            f"{what} = {text!r}: is no date of the calendar ({error}); give a day that exists, YYYY-MM-DD"
        ) from None
