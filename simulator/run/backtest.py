"""Back-test runs: for each origin, calibrate on the data before it, simulate to the end, keep each period's figures.

For every origin date the export is fitted as of that date (:mod:`simulator.calibration`),
the calibrated company is simulated from its open pipeline to ``until``, and each
replication's figures per calendar month and quarter are kept
(:func:`simulator.model.period_kpis.period_figures`), beside the actual figures.

**Parameter uncertainty** (``uncertainty="bootstrap"``): replication ``r`` refits the
export on its own resample (:func:`simulator.calibration.bootstrap.refit`, drawn from the
stream ``PARAMETER_DRAW`` of replication ``r``, so a run is reproducible and any
replication can be rebuilt alone) and simulates that refitted company on the same seed;
the open pipeline it starts from is the real one. The same replications are also run on
the point estimate (process noise alone, same seeds). Each
figure's variance splits into a process part
(the point runs' variance) and a parameter part (the bootstrap runs' variance less it, at
least 0): the law of total variance.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import numpy as np

from simulator.calibration.actuals import Period, actual_figures, periods_between
from simulator.calibration.bootstrap import refit
from simulator.calibration.calibrate import Calibration, calibrate, scenario_sections
from simulator.calibration.dates import parse_date
from simulator.config.schema import parse_scenario
from simulator.engines.choice import engines_used, simulate
from simulator.io.stop_signals import become_worker, stop_signals_deferred
from simulator.model.period_kpis import period_figures
from simulator.model.scenario import Scenario, compile_scenario
from simulator.model.streams import Stream, stream

Figures = dict[tuple[str, str], float]
UNCERTAINTIES = ("bootstrap", "none")

_STATE: dict[str, Any] = {}  # what forked workers inherit: the calibration and its compiled scenario


@dataclass
class OriginResult:
    """One origin: its calibration, periods, actual figures and the simulated figures per replication."""

    origin: np.datetime64
    calibration: Calibration
    periods: list[Period]
    actual: Figures
    process: list[Figures]  # replications on the point estimate
    total: list[Figures] = field(default_factory=list)  # replications on their own parameter draw
    calibrate_seconds: float = 0.0
    simulate_seconds: float = 0.0
    engine: str = ""  # the engine that ran it, in words (runner.engine=auto picks it)

    @property
    def runs(self) -> list[Figures]:
        """The replications the bands are read from: with parameter draws when there are any."""
        return self.total or self.process


def compiled(cal: Calibration) -> Scenario:
    """The calibrated company as a compiled scenario."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_scenario(parse_scenario(scenario_sections(cal)), "calibrated")


def refitted(cal: Calibration, seed: int, replication: int) -> Calibration:
    """The calibration refitted on replication ``replication``'s bootstrap resample (:func:`refit`)."""
    return refit(cal, stream(seed, replication, Stream.PARAMETER_DRAW))


def _worker_init() -> None:
    become_worker()  # the parent alone decides on Ctrl-C; SIGTERM (the pool stopping) ends a worker at once


def _one(job: tuple[str, int]) -> Figures:
    kind, replication = job
    seed = _STATE["seed"]
    if kind == "point":
        return period_figures(simulate(_STATE["scenario"], seed, replication))
    scenario = compiled(refitted(_STATE["calibration"], seed, replication))
    return period_figures(simulate(scenario, seed, replication))


def _map(jobs: list[tuple[str, int]], workers: int) -> list[Figures]:
    if workers <= 1:
        return [_one(job) for job in jobs]
    with stop_signals_deferred():  # a Ctrl-C in a fork's after-hooks (filelock's) was lost: the run went on
        pool = get_context("fork").Pool(workers, initializer=_worker_init)
    with pool:
        return pool.map(_one, jobs, chunksize=max(1, len(jobs) // (4 * workers)))


def timed_calibration(mapping: str, origin: str, until: str) -> tuple[Calibration, float]:
    """The export calibrated as of ``origin`` to ``until``, and the seconds it took.

    Raises:
        CalibrationError: A bad export, mapping or date, in words.
    """
    started = time.perf_counter()
    cal = calibrate(mapping, origin, until)
    return cal, time.perf_counter() - started


def run_origin(
    mapping: str,
    origin: str,
    until: str,
    runs: int,
    seed: int,
    uncertainty: str = "bootstrap",
    workers: int = 1,
    calibrated: tuple[Calibration, float] | None = None,
) -> OriginResult:
    """Calibrate as of ``origin``, simulate ``runs`` replications to ``until`` and read the actuals.

    ``calibrated``: the calibration as of ``origin`` to ``until`` and the seconds it took, when
    the caller made it already (``salesim backtest`` checks every origin before it runs any).
    """
    cal, calibrate_seconds = calibrated if calibrated is not None else timed_calibration(mapping, origin, until)
    periods = periods_between(cal.start, cal.until)
    actual = actual_figures(cal.export, periods, cal.holidays)
    point = compiled(cal)
    _STATE.update(calibration=cal, scenario=point, seed=seed)
    started = time.perf_counter()
    process = _map([("point", r) for r in range(runs)], workers)
    total = _map([("draw", r) for r in range(runs)], workers) if uncertainty == "bootstrap" else []
    _STATE.clear()
    return OriginResult(
        origin=parse_date(origin, "--as-of"),
        calibration=cal,
        periods=periods,
        actual=actual,
        process=process,
        total=total,
        calibrate_seconds=calibrate_seconds,
        simulate_seconds=time.perf_counter() - started,
        engine=engines_used([point], "auto"),
    )


def spread_parts(result: OriginResult, key: tuple[str, str]) -> tuple[float, float]:
    """(process variance, parameter variance) of one figure: the point runs' variance, and the rest."""
    process = np.array([r.get(key, math.nan) for r in result.process], dtype=float)
    total = np.array([r.get(key, math.nan) for r in result.total], dtype=float) if result.total else process
    process, total = process[np.isfinite(process)], total[np.isfinite(total)]
    if process.size < 2 or total.size < 2:
        return math.nan, math.nan
    var_process = float(process.var(ddof=1))
    return var_process, max(float(total.var(ddof=1)) - var_process, 0.0)
