"""An export read and normalised: the opportunities table in salesim's own columns, the roster, the prices."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.calibration.errors import DataProblems


@dataclass
class Export:
    """An export read and normalised: opportunities, roster, prices and the problems found."""

    frame: pd.DataFrame
    export_date: np.datetime64
    file: str
    problems: DataProblems
    roster: pd.DataFrame | None = None
    prices: dict[str, float] = field(default_factory=dict)
    close_start: np.datetime64 | None = None  # closes only begin on this date (left truncation)
    last_created: np.datetime64 | None = None  # the last creation the export records (None: the frame's last)
    leads_without_opportunity: int = 0
    currency: str = ""  # the amounts' currency as written ('$', '€', 'CHF'; '': none written)

    def covered(self) -> tuple[np.datetime64, np.datetime64]:
        """(The last created date, the last date of any kind) the export records: nothing is known after them."""
        created = self.frame["created"].to_numpy(dtype="datetime64[D]")
        return (self.last_created if self.last_created is not None else created.max()), self.export_date
