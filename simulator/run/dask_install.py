"""Whether the optional Dask extra is installed, and how to install it.

Kept apart from :mod:`simulator.run.dask_backend`, which loads the engines: the runner's
settings are checked with this alone, before anything runs.
"""

from __future__ import annotations

import importlib.util

DASK_LOG = "dask.log"
"""The cluster's own log, in the run folder (its INFO lines kept off the terminal)."""
INSTALL_HINT = 'pip install -e ".[dask]"  (or: pip install "dask[distributed]")'


def dask_installed() -> bool:
    """True when ``dask.distributed`` can be imported."""
    try:
        return importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):  # pragma: no cover - a broken installation
        return False
