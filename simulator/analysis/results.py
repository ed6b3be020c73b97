"""Run an experiment and attach its statistics: the result users and reports read.

:func:`simulator.run.runner.run_replications` produces the tidy tables; this layer adds
the per-scenario summaries and the paired comparisons against the baseline.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.analysis.comparison import compare
from simulator.analysis.run_counts import draw_floor
from simulator.analysis.statistics import relative_half_width, summarise
from simulator.config.errors import ConfigError
from simulator.run.experiment import Experiment, ExperimentResult
from simulator.run.runner import NoteCallback, ProgressCallback, run_replications
from simulator.run.settings import RunnerSettings, check_runner_settings, runner_settings


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


def _runner_settings(
    experiment: Experiment, workers: int | None, batch_size: int | None, settings: RunnerSettings | None
) -> RunnerSettings:
    """The settings a run uses: ``settings`` checked, else the experiment's ``runner`` group with the arguments.

    A notebook's ``load_experiment(name, ["runner.engine=simpy"])`` had run on the fast
    engine, and its report named the SimPy engine: the experiment's ``runner`` group was
    never read. ``RunnerSettings(workers=-1)`` had run on every core, and an ``address``
    without ``backend="dask"`` on this machine, without a word.

    Raises:
        ConfigError: With every issue of :func:`~simulator.run.settings.check_runner_settings`.
    """
    if settings is not None:
        return _checked(settings)
    runner = (experiment.resolved_config.get("base") or {}).get("runner") or {}
    chosen = runner_settings(dict(runner) if isinstance(runner, Mapping) else {})
    return _checked(
        dataclasses.replace(
            chosen,
            workers=chosen.workers if workers is None else workers,
            batch_size=chosen.batch_size if batch_size is None else batch_size,
        )
    )


def _checked(settings: RunnerSettings) -> RunnerSettings:
    """``settings``, refused as the command line refuses its ``runner`` group."""
    issues = check_runner_settings(dataclasses.asdict(settings))
    if issues:
        raise ConfigError(issues)
    return settings


def _recorded(experiment: Experiment, settings: RunnerSettings) -> Experiment:
    """``experiment`` with its ``runner`` group set to ``settings``: config.yaml and the report say what ran."""
    base = experiment.resolved_config.get("base")
    if not isinstance(base, Mapping):
        return experiment
    runner = dict(base.get("runner") or {})
    ran = {**runner, **dataclasses.asdict(settings)}
    if ran == runner:
        return experiment
    resolved = {**experiment.resolved_config, "base": {**base, "runner": ran}}
    return dataclasses.replace(experiment, resolved_config=resolved)


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
        workers: Worker processes; ``1`` runs in this process, ``0`` uses every available
            core, ``None`` the experiment's ``runner.workers``. Results do not depend on it.
        batch_size: Replications per task; ``0`` picks one, ``None`` the experiment's
            ``runner.batch_size``.
        on_progress: Called with the number of replications just finished.
        settings: The ``runner`` group (backend, Dask address, engine, resume); when given,
            it replaces the experiment's own ``runner`` settings (those its overrides set,
            ``runner.engine=simpy``, ``runner=dask``) and the arguments above; the result's
            experiment records the settings the replications ran with.
        store_dir: Run directory whose ``store/`` receives every finished batch (needed
            to resume); ``None`` keeps results in memory.
        on_note: Called with each note for the user (a damaged part of a resumed store
            that is computed again).

    Raises:
        ConfigError: If the experiment, a scenario or the runner settings are invalid (a
            negative ``workers``, an ``address`` without the Dask backend: nothing is run).
        RunInterrupted: On an interrupt; finished replications stay in the store.
        UnwritableOutputError: When the store cannot be written.
    """
    settings = _runner_settings(experiment, workers, batch_size, settings)
    experiment = _recorded(experiment, settings)
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
