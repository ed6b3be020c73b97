"""The ``runner`` config group: where and how replications run.

Only the settings are here (the config layer knows nothing of running);
:mod:`simulator.run.runner` reads them. A new backend adds its name to
:data:`Backend` and its own keys as fields with defaults.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from simulator.config.fields import ConfigModel, Flag, Number, Text, WholeNumber, explained

Backend = Literal["local", "dask"]
Engine = Literal["auto", "simpy", "fast"]

Automatic = Annotated[WholeNumber, Field(ge=0), explained("must be a whole number >= 0 (0 = automatic)")]


class RunnerSettings(ConfigModel):
    """Where replications run and how they are batched."""

    backend: Backend = "local"
    """local: worker processes on this machine; dask: a Dask cluster (pip install -e ".[dask]")."""
    workers: Automatic = 0
    """Worker processes; 0 = every available core, 1 = in-process (no pool)."""
    batch_size: Automatic = 0
    """Replications per task; 0 = automatic (about a second of work per task)."""
    progress: Flag = True
    """Show a progress bar on the terminal."""
    address: Text | None = None
    """Dask scheduler address (tcp://host:8786) for backend=dask; null starts a LocalCluster."""
    resume: Flag = False
    """Continue the interrupted run in hydra.run.dir, computing only the missing replications."""
    engine: Engine = "auto"
    """auto: the fast engine where it covers the scenario, else SimPy (a note says why); simpy; fast."""
    target_kpi: Text = "bookings"
    """runs=auto: the KPI whose mean must be pinned down."""
    target_precision: Annotated[Number, Field(gt=0.0, lt=1.0), explained("must be between 0 and 1 (0.02 = ±2%)")] = 0.02
    """runs=auto: target half-width of its 95% CI, as a share of the mean (0.02 = ±2%)."""
    max_runs: Annotated[WholeNumber, Field(ge=2), explained("must be a whole number >= 2")] = 2000
    """runs=auto: most replications per scenario."""
    pilot_runs: Annotated[WholeNumber, Field(ge=2), explained("must be a whole number >= 2")] = 20
    """runs=auto: replications per scenario in the first round."""
