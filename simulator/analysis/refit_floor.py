"""How far more runs can narrow the 95% CI of a mean whose runs share a calibrated company's refits.

Runs on one bootstrap refit share its parameters, so past one run per refit the CI of a
mean is over the refits' own means (:mod:`simulator.analysis.draw_means`): however many
runs each refit gets, the spread between the refits holds its half-width to at least
``t * sqrt(between / refits)``. Where that floor still reaches the line a sentence is
about (a published range, a decision's target), "more runs would tell" is false: only
more refits (``salesim calibrate --draws``) would. crm-maven's median cycle read 42.0
(40.1 to 44.0) working days beside a range starting at 42.7, "more runs would tell",
while its 40 refits hold the CI to at least ±1.8 working days.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from simulator.analysis.draw_means import draw_spread
from simulator.analysis.intervals import DEFAULT_CONFIDENCE, t_quantile

DRAWS_OPTION = "`salesim calibrate --draws`"
"""Where more refits come from, as the sentences name it."""


def refit_floor(
    values: np.ndarray, replications: np.ndarray, draws: int, confidence: float = DEFAULT_CONFIDENCE
) -> float:
    """The narrowest half-width (in the values' unit) the CI of their mean reaches however many runs.

    NaN unless the runs share refits (some refit carries two runs with values): runs that
    do not share them are independent, and more runs narrow their CI without a floor.
    """
    spread = draw_spread(values, replications, draws)
    if spread is None:
        return math.nan
    return t_quantile(draws, confidence) * math.sqrt(spread.between / draws)  # as run_counts.draw_floor


def scenario_floors(replications: pd.DataFrame, scenario: str, kpis: Iterable[str], draws: int) -> dict[str, float]:
    """KPI -> :func:`refit_floor` of ``scenario``'s runs, for the ``kpis`` the runs report (finite floors only)."""
    if draws <= 0 or "scenario" not in replications.columns or "replication" not in replications.columns:
        return {}
    runs = replications.loc[replications["scenario"] == scenario]
    index = runs["replication"].to_numpy()
    floors = {}
    for kpi in kpis:
        if kpi in runs.columns and pd.api.types.is_numeric_dtype(runs[kpi]):
            floor = refit_floor(runs[kpi].to_numpy(dtype=float), index, draws)
            if math.isfinite(floor):
                floors[kpi] = floor
    return floors


def reaches(value: float, floor: float, line: float) -> bool:
    """True when ``value ± floor`` still reaches ``line``: no number of runs moves the CI off it."""
    return math.isfinite(floor) and abs(value - line) <= floor


def more_runs_words(refits: int, floor: float, reaching: bool, shown: str, verb: str = "tell") -> str:
    """Whether more runs would ``verb``, or only more refits, for a CI that reaches its line now.

    Args:
        refits: The refits the runs share (0: the runs are independent).
        floor: The narrowest half-width the refits allow (NaN: not measured).
        reaching: The CI narrowed to ``floor`` still reaches the line (:func:`reaches`).
        shown: ``floor`` as the sentence writes it (``1.8 working days``).
        verb: What more runs would do (``tell``; empty: ``more runs would``).
    """
    would = f"would {verb}" if verb else "would"
    if refits <= 0 or (math.isfinite(floor) and not reaching):
        return f"more runs {would}"
    if not math.isfinite(floor):
        return (
            f"its runs share {refits} refits of the export, so more runs narrow it only so far: more refits "
            f"({DRAWS_OPTION}) {would}"
        )
    return (
        f"the {refits} refits' own spread holds it to at least ±{shown} however many runs: more refits "
        f"({DRAWS_OPTION}) {would}, more runs cannot"
    )
