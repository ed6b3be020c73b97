"""Back-test runs: for each origin, calibrate on the data before it, simulate to the end, keep each period's figures.

For every origin date the export is fitted as of that date (:mod:`simulator.calibration`),
the calibrated company is simulated from its open pipeline to ``until``, and each
replication's figures per calendar month and quarter are kept
(:func:`simulator.model.period_kpis.period_figures`), beside the actual figures.

**Parameter uncertainty** (``uncertainty="bootstrap"``): replication ``r`` refits the
export on its own resample (creation months drawn whole; :func:`refitted`) (drawn with replacement from the stream
``PARAMETER_DRAW`` of replication ``r``, so a run is reproducible and any replication can
be rebuilt alone) and simulates that refitted company on the same seed; the open pipeline
it starts from is the real one. The same replications are also run on the point estimate
(process noise alone, same seeds). A bootstrap of rows alone treats the win rate as fixed
in time; each refit also draws a logit shift of the win rate for the simulated period from
the spread between creation months beyond chance (``Calibration.period_win_sd``), and a
shift of new deals' no-decision share from the spread of the months' stall rates
(``Calibration.period_stall_sd``). Each
figure's variance splits into a process part
(the point runs' variance) and a parameter part (the bootstrap runs' variance less it, at
least 0): the law of total variance.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from typing import Any

import numpy as np

from simulator.calibration.actuals import Period, actual_figures, periods_between
from simulator.calibration.calibrate import Calibration, calibrate, fit, parse_date, scenario_sections
from simulator.calibration.errors import CalibrationError
from simulator.calibration.fit_arrivals import fit_arrivals
from simulator.config.schema import parse_scenario
from simulator.engines.choice import engines_used, simulate
from simulator.model.period_kpis import period_figures
from simulator.model.scenario import Scenario, compile_scenario
from simulator.model.streams import Stream, stream
from simulator.run.signals import become_worker

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
    """The calibration refitted on replication ``replication``'s bootstrap resample of the export.

    Creation months are resampled whole (a block bootstrap: deals of one month share its
    conditions, so their outcomes and durations are not independent draws), and the
    arrival series is refitted on a resample of rows (months resampled whole would pile up
    on one label).
    """
    frame = cal.export.frame
    gen = stream(seed, replication, Stream.PARAMETER_DRAW)
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
            )
        except (ValueError, CalibrationError):
            continue
        if _has_every_duration(draw):
            break
    if draw is None:
        raise CalibrationError("no bootstrap resample of the export could be fitted")
    if not _has_every_duration(draw):
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


def _has_every_duration(cal: Calibration) -> bool:
    """True if every empirical duration the scenario needs (won, lost, by month of the quarter) has values."""
    out = cal.outcomes
    laws = [out.won_days, out.lost_days, *[law for won, lost, _ in out.by_quarter_month or [] for law in (won, lost)]]
    return all(values.size > 0 for values, _ in laws)


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
    with get_context("fork").Pool(workers, initializer=_worker_init) as pool:
        return pool.map(_one, jobs, chunksize=max(1, len(jobs) // (4 * workers)))


def run_origin(
    mapping: str, origin: str, until: str, runs: int, seed: int, uncertainty: str = "bootstrap", workers: int = 1
) -> OriginResult:
    """Calibrate as of ``origin``, simulate ``runs`` replications to ``until`` and read the actuals."""
    started = time.perf_counter()
    cal = calibrate(mapping, origin, until)
    calibrate_seconds = time.perf_counter() - started
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
