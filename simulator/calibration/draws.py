"""Parameter draws for a calibrated config folder: the fitted sections of bootstrap refits.

A calibrated company's forecast band must carry what the export cannot pin down (the win
rate, the arrival level, the durations) as well as the luck of the quarter. ``salesim
calibrate`` refits the export on ``n`` bootstrap resamples (:func:`~simulator.calibration.
bootstrap.refit`) and keeps, for each, the sections a refit changes (:data:`DRAWN_SECTIONS`)
in ``parameter_draws.json`` beside ``config.yaml``, with the point fit's sections; a run
gives replication ``r`` draw ``r mod n`` (:mod:`simulator.run.parameter_draws`). Fitted
numbers only, as in the rest of the folder: nothing of the export itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from multiprocessing import get_context
from typing import Any

import numpy as np

from simulator.calibration.bootstrap import refit
from simulator.calibration.calibrate import Calibration, scenario_sections
from simulator.calibration.folder import DRAWS_FILE, plain, pods_by_product, pods_under
from simulator.io.stop_signals import become_worker, stop_signals_deferred

FILE = DRAWS_FILE
"""The draws' file in a calibrated folder, named by ``config.yaml``'s ``parameter_draws``."""
FORMAT = 1
"""Version of the file's layout (``format``)."""
DRAWN_SECTIONS = ("market", "pipeline", "org")
"""The sections a refit changes: arrivals, deal values and products; outcomes and durations; skill and shares."""

_STATE: dict[str, Calibration] = {}  # what forked workers inherit: the calibration being refitted


def drawn_sections(cal: Calibration) -> dict[str, Any]:
    """The :data:`DRAWN_SECTIONS` of ``cal``'s scenario, as plain JSON-ready data."""
    sections = scenario_sections(cal)
    return {name: plain(sections[name]) for name in DRAWN_SECTIONS}


def _refitter_init() -> None:
    become_worker()  # the parent alone decides on Ctrl-C (and stops the pool); the start's block lifted


def _one(gen: np.random.Generator) -> dict[str, Any]:
    return drawn_sections(refit(_STATE["calibration"], gen))


def parameter_draws(cal: Calibration, generators: Sequence[np.random.Generator], workers: int = 1) -> dict[str, Any]:
    """The content of :data:`FILE`: the point fit's drawn sections and one refit per generator.

    Args:
        cal: The calibration (its export is resampled).
        generators: One per draw, in order (``salesim calibrate`` gives draw ``k`` the
            stream backtest's replication ``k`` refits with, so both bootstraps agree).
        workers: Processes refitting at once (forked; 1 refits here).

    Raises:
        CalibrationError: When a resample cannot be fitted.
    """
    _STATE["calibration"] = cal
    try:
        if workers > 1 and len(generators) > 1:
            with stop_signals_deferred():  # a Ctrl-C while forking waits for the pool, not lost in a fork hook
                pool = get_context("fork").Pool(min(workers, len(generators)), initializer=_refitter_init)
            with pool:
                draws = pool.map(_one, generators, chunksize=1)
        else:
            draws = [_one(gen) for gen in generators]
    finally:
        _STATE.clear()
    point = drawn_sections(cal)
    pods = pods_by_product(point)
    return {
        "format": FORMAT,
        "as_of": str(cal.as_of),
        "sections": list(DRAWN_SECTIONS),
        "point": point,
        "draws": draws,
        # the folder's other org under each refit: the same pods and members with the refit's
        # rep shares and skill spread, so as_is and pods_by_product stay comparable
        "variants": {"org": {"pods_by_product": {"point": pods, "draws": [pods_under(pods, d) for d in draws]}}},
    }
