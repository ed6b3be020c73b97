"""Run an experiment and attach its statistics: the result users and reports read.

:func:`simulator.run.runner.run_replications` produces the tidy tables; this layer adds
the per-scenario summaries and the paired comparisons against the baseline.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.analysis.comparison import compare
from simulator.analysis.run_counts import draw_floor
from simulator.analysis.statistics import relative_half_width, summarise
from simulator.run.experiment import Experiment, ExperimentResult
from simulator.run.runner import NoteCallback, ProgressCallback, run_replications
from simulator.run.settings import RunnerSettings


def with_statistics(result: ExperimentResult) -> ExperimentResult:
    """Return ``result`` with its summary and its comparison against the baseline filled in."""
    replications = result.replications
    baseline = result.experiment.baseline
    draws = result.experiment.parameter_draw_count
    summary = summarise(replications, draws=draws) if len(replications) else pd.DataFrame()
    has_baseline = len(replications) and (replications["scenario"] == baseline).any()
    comparison = compare(replications, baseline, draws=draws) if has_baseline else pd.DataFrame()
    return dataclasses.replace(result, summary=summary, comparison=comparison)


def _precision(
    values: np.ndarray, replications: np.ndarray, draws: int, target: float, kpi: str | None = None
) -> float:
    """``runs=auto``'s measure: the relative half-width of the mean, over the draws' means when runs share draws.

    Negative (:data:`~simulator.run.runner.Measure`) when the draws' own spread holds the
    interval wider than ``target`` however many runs each draw gets: 10,000 runs would
    be spent for nothing.
    """
    width = relative_half_width(values, replications=replications, draws=draws, kpi=kpi)
    if math.isfinite(width) and width > target and draw_floor(values, replications, draws) > target:
        return -width
    return width


def run_experiment(
    experiment: Experiment,
    workers: int | None = None,
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    settings: RunnerSettings | None = None,
    store_dir: Path | str | None = None,
    on_note: NoteCallback | None = None,
) -> ExperimentResult:
    """Validate and run every replication of every scenario, then summarise and compare.

    Args:
        experiment: Scenarios, baseline, seed and runs (or a precision goal, ``runs=auto``).
        workers: Worker processes; ``1`` runs in this process, ``None`` or ``0`` uses
            every available core. Results do not depend on it.
        batch_size: Replications per task; ``None`` picks one.
        on_progress: Called with the number of replications just finished.
        settings: The ``runner`` group (backend, Dask address, resume); when given, its
            ``workers`` and ``batch_size`` replace the arguments above.
        store_dir: Run directory whose ``store/`` receives every finished batch (needed
            to resume); ``None`` keeps results in memory.
        on_note: Called with each note for the user (a damaged part of a resumed store
            that is computed again).

    Raises:
        ConfigError: If the experiment or a scenario is invalid (nothing is run).
        RunInterrupted: On an interrupt; finished replications stay in the store.
        UnwritableOutputError: When the store cannot be written.
    """
    settings = settings or RunnerSettings(workers=workers or 0, batch_size=batch_size or 0)
    result = run_replications(
        experiment,
        settings.workers,
        settings.batch_size or None,
        on_progress,
        backend=settings.backend,
        address=settings.address,
        store_dir=Path(store_dir) if store_dir is not None else None,
        resume=settings.resume,
        measure=functools.partial(
            _precision,
            draws=experiment.parameter_draw_count,
            target=experiment.precision.relative_half_width if experiment.precision is not None else math.inf,
            kpi=experiment.precision.kpi if experiment.precision is not None else None,
        ),
        on_note=on_note,
        engine=settings.engine,
    )
    return with_statistics(result)
