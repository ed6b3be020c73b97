"""The ``runner`` config group: where and how replications run.

Only the settings are here (the config layer knows nothing of running);
:mod:`simulator.run.runner` reads them. A new backend adds its name to
:data:`Backend` and its own keys as fields with defaults.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from simulator.config.fields import ConfigModel, Flag, Number, Text, WholeNumber, explained, salesim_error

Backend = Literal["local", "dask"]
Engine = Literal["auto", "simpy", "fast"]

DASK_SCHEMES = ("tcp", "tls")
"""Schemes of a Dask scheduler address salesim connects with."""

_DASK_ADDRESS = re.compile(
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+)(?::(?P<port>\d+))?/?$"
)


def dask_address_problem(address: str) -> str | None:
    """What is wrong with a Dask scheduler address (``tcp://host:8786``), or None; nothing is contacted.

    A missing scheme means ``tcp://`` and a missing port 8786, as in Dask.
    """
    match = _DASK_ADDRESS.match(address)
    if match is None:
        return "must be a Dask scheduler address like tcp://host:8786 or tls://host:8786, or null"
    scheme = match["scheme"]
    if scheme is not None and scheme.lower() not in DASK_SCHEMES:
        return f"scheme {scheme}:// is not supported: must be tcp://host:port or tls://host:port, or null"
    port = match["port"]
    if port is not None and not 1 <= int(port) <= 65535:
        return f"port {port} is impossible: must be between 1 and 65535 (Dask's default is 8786)"
    return None


DASK_PORT = 8786
"""Dask's scheduler port, taken when an address gives none."""


def dask_connect_address(address: str) -> str:
    """``address`` whole, as Dask's ``Client`` needs it: ``tcp://`` and port 8786 where it gives none.

    ``runner.address=localhost`` had passed the check (as documented, a missing port is 8786)
    and then stopped the run with Dask's "ValueError: missing port number", exit 1 and a traceback.
    """
    match = _DASK_ADDRESS.match(address)
    if match is None:
        return address
    scheme = (match["scheme"] or "tcp").lower()
    return f"{scheme}://{match['host']}:{match['port'] or DASK_PORT}"


def dask_host_port(address: str) -> tuple[str, int] | None:
    """The host and port a Dask scheduler address reaches (``("127.0.0.1", 8786)``), None when it is not one."""
    match = _DASK_ADDRESS.match(address)
    if match is None:
        return None
    return match["host"].strip("[]"), int(match["port"] or DASK_PORT)


def _dask_address(address: str | None) -> str | None:
    problem = dask_address_problem(address) if address is not None else None
    if problem is not None:
        raise salesim_error(problem)
    return address


Automatic = Annotated[WholeNumber, Field(ge=0), explained("must be a whole number >= 0 (0 = automatic)")]

ENGINES = ("auto", "simpy", "fast")
"""The values of ``runner.engine``: the fast engine where it covers the scenario, else SimPy (``auto``); either one."""

MAX_RUNS = 1_000_000
"""Most replications of one scenario: a million pins a mean to a thousandth of its spread.

More could not finish (about 11 hours a core for the default organisation in the
compiled engine), and their bookkeeping alone would fill the memory before the first ran.
"""
RUNS_RULE = f"must be a whole number from 1 to {MAX_RUNS:,} (replications per scenario)"
RunCount = Annotated[WholeNumber, Field(ge=2, le=MAX_RUNS), explained(f"must be a whole number from 2 to {MAX_RUNS:,}")]


PRECISION_ALLOWED = "must be above 0 and below 1 (0.02 = ±2%)"
"""What ``runner.target_precision`` may be: a share strictly inside (0, 1)."""


class RunnerSettings(ConfigModel):
    """Where replications run and how they are batched."""

    backend: Backend = "local"
    """local: worker processes on this machine; dask: a Dask cluster (pip install -e ".[dask]")."""
    workers: Automatic = 0
    """Worker processes; 0 = every available core (and so does a larger number), 1 = in-process (no pool)."""
    batch_size: Automatic = 0
    """Replications per task; 0 = automatic (about a second of work per task)."""
    progress: Flag = True
    """Show a progress bar on the terminal."""
    address: Annotated[Text | None, AfterValidator(_dask_address)] = None
    """Dask scheduler address (tcp://host:8786 or tls://host:8786) for backend=dask; null starts a LocalCluster."""
    allow_large: Flag = False
    """Run scenarios above the size budget (estimated events or entities per replication); the hard limits stay."""
    resume: Flag = False
    """Continue the interrupted run in hydra.run.dir, computing only the missing replications."""
    engine: Engine = "auto"
    """auto: the fast engine where it covers the scenario, else SimPy (a note says why); simpy; fast."""
    target_kpi: Text = "bookings"
    """runs=auto: the KPI whose mean must be pinned down."""
    target_precision: Annotated[Number, Field(gt=0.0, lt=1.0), explained(PRECISION_ALLOWED)] = 0.02
    """runs=auto: target half-width of its 95% CI, as a share of the mean (0.02 = ±2%)."""
    max_runs: RunCount = 2000
    """runs=auto: most replications per scenario."""
    pilot_runs: RunCount = 20
    """runs=auto: replications per scenario in the first round."""
