"""The ``runner`` config group: where and how replications run.

Only the settings are here (the config layer knows nothing of running);
:mod:`simulator.run.runner` reads them. A new backend adds its name to
:data:`Backend` and its own keys as fields with defaults.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from simulator.config.fields import ConfigModel, Flag, WholeNumber, explained

Backend = Literal["local"]

Automatic = Annotated[WholeNumber, Field(ge=0), explained("must be a whole number >= 0 (0 = automatic)")]


class RunnerSettings(ConfigModel):
    """Where replications run and how they are batched."""

    backend: Backend = "local"
    """local: worker processes on this machine."""
    workers: Automatic = 0
    """Worker processes; 0 = every available core, 1 = in-process (no pool)."""
    batch_size: Automatic = 0
    """Replications per task; 0 = automatic (about a second of work per task)."""
    progress: Flag = True
    """Show a progress bar on the terminal."""
