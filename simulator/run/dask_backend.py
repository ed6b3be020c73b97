"""The Dask backend: batches run on a Dask distributed cluster (``runner.backend=dask``).

With ``runner.address`` it connects to a running scheduler (started by hand, by
dask-jobqueue on SLURM or PBS, or by the Dask Kubernetes operator); without one it starts
a ``LocalCluster`` sized to this machine (one single-threaded worker process per core,
or ``runner.workers`` of them). The compiled scenarios are scattered to every worker once
(``broadcast=True``) and each task receives a reference to its scenario, so the arrays
travel once, not with every task. Results come back in completion order; the results
store puts them back in (scenario, replication) order, so the numbers are the local
backend's, byte for byte.

Dask is an optional extra: this module imports it only when the backend starts.
"""

from __future__ import annotations

import importlib.util
import signal
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from simulator.config.errors import ConfigError
from simulator.model.scenario import Scenario
from simulator.run.batch import Batch, Outcome, run_batch
from simulator.run.experiment import ReplicationFailure
from simulator.run.local_backend import BatchCallback

INSTALL_HINT = 'pip install -e ".[dask]"  (or: pip install "dask[distributed]")'
CONNECT_TIMEOUT = "20s"


def dask_installed() -> bool:
    """True when ``dask.distributed`` can be imported."""
    try:
        return importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):  # pragma: no cover - a broken installation
        return False


class DaskBackend:
    """Run batches on a Dask cluster: a scheduler at ``address``, or a new LocalCluster."""

    def __init__(self, scenarios: Sequence[Scenario], seed: int, address: str | None, workers: int) -> None:
        self.scenarios, self.seed, self.address, self.requested = scenarios, seed, address, workers
        self.workers = workers
        self._client: Any = None
        self._cluster: Any = None
        self._scattered: list[Any] = []

    def __enter__(self) -> DaskBackend:
        from distributed import Client, LocalCluster

        if self.address:
            try:
                self._client = Client(self.address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as error:
                raise ConfigError.single(
                    "runner.address",
                    self.address,
                    f"no Dask scheduler answered there ({type(error).__name__}: {error})",
                ) from None
            self.workers = max(1, sum(self._client.nthreads().values()))
        else:
            # Worker processes are spawned from here: started while SIGINT is ignored, they
            # keep ignoring it, so a Ctrl-C in the terminal reaches the parent alone.
            main = threading.current_thread() is threading.main_thread()  # only it may set handlers
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
            try:
                self._cluster = LocalCluster(
                    n_workers=self.requested, threads_per_worker=1, processes=True, dashboard_address=None
                )
            finally:
                if main:
                    signal.signal(signal.SIGINT, previous)
            self._client = Client(self._cluster)
        self._scattered = self._client.scatter(list(self.scenarios), broadcast=True)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def run(self, batches: Sequence[Batch], on_batch: BatchCallback) -> None:
        """Submit every batch, hand each to ``on_batch`` as it finishes; cancel all on an interrupt."""
        from distributed import as_completed

        futures = {
            self._client.submit(run_batch, self._scattered[b.scenario_index], self.seed, b.replications, pure=False): b
            for b in batches
        }
        try:
            for future in as_completed(list(futures)):
                batch = futures.pop(future)
                try:
                    outcomes = future.result()
                except Exception as error:  # the task itself failed, e.g. its worker kept dying
                    outcomes = _task_failures(self.scenarios[batch.scenario_index].name, self.seed, batch, error)
                future.release()  # the cluster may forget the result: it is in the store now
                on_batch(batch, outcomes)
        except BaseException:
            self._client.cancel(list(futures))
            raise


def _task_failures(scenario: str, seed: int, batch: Batch, error: Exception) -> list[Outcome]:
    message = f"Dask task failed: {type(error).__name__}: {error}"
    return [ReplicationFailure(scenario, r, seed, message, "") for r in batch.replications]
