"""The Dask backend: batches run on a Dask distributed cluster (``runner.backend=dask``).

With ``runner.address`` it connects to a running scheduler (started by hand, by
dask-jobqueue on SLURM or PBS, or by the Dask Kubernetes operator); without one it starts
a ``LocalCluster`` sized to this machine (one single-threaded worker process per core,
or ``runner.workers`` of them). The compiled scenarios are scattered to every worker once
(``broadcast=True``) and each task receives a reference to its scenario, so the arrays
travel once, not with every task. Results come back in completion order; the results
store puts them back in (scenario, replication) order, so the numbers are the local
backend's, byte for byte.

The cluster's own log (INFO lines about workers joining and leaving) goes to
``dask.log`` in the run directory, not to the terminal, which shows only its errors; a
LocalCluster's workers append their warnings and errors to the same file.

Dask is an optional extra: this module imports it only when the backend starts.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import logging.handlers
import os
import signal
import socket
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from simulator.config.errors import ConfigError
from simulator.config.runner_settings import dask_connect_address, dask_host_port
from simulator.model.scenario import Scenario
from simulator.run.batch import Batch, Outcome, run_batch
from simulator.run.experiment import ReplicationFailure
from simulator.run.local_backend import BatchCallback

CONNECT_TIMEOUT = "20s"
REACH_SECONDS = 10.0
"""How long :func:`check_scheduler` waits for the scheduler's host to take a connection at all."""
ADDRESS_ALLOWED = (
    "give the address a running Dask scheduler prints (tcp://host:8786, tls://host:8786), "
    "or runner.address=null to start a cluster on this machine"
)
LOGGERS = ("distributed", "bokeh", "tornado")
PRE_SPAWN = "distributed.nanny.pre-spawn-environ"
STOP_SECONDS = 0.5
"""How long a LocalCluster worker gets to stop its task on an interrupt before it is killed."""
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
SCHEDULER_LOST = "scheduler-connection-lost"
"""The reason Dask cancels every pending future with when the client loses its scheduler."""


def unreachable(address: str, error: BaseException | str) -> ConfigError:
    """The refusal of ``runner.address`` when no scheduler answers there: the key, the value, what went wrong."""
    why = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    if isinstance(error, TimeoutError) and not str(error):
        why = f"nothing answered within {REACH_SECONDS:.0f} s"
    return ConfigError.single("runner.address", address, f"no Dask scheduler answered there ({why}); {ADDRESS_ALLOWED}")


def check_scheduler(address: str) -> None:
    """Refuse ``address`` unless a Dask scheduler answers there: ask who it is, then leave.

    Called before a run says anything or compiles anything: a scheduler nobody runs had
    been found only once the run's opening lines were printed and the engine compiled (a
    closed port retried for 20 s, after a first compile of minutes). The host's port is
    tried first, so a closed port is refused at once; then the server is asked who it is
    (Dask's ``identity``), each step within :data:`REACH_SECONDS`, so a port that answers
    but is no scheduler is refused too (a Dask client waited on one for good). The question
    is asked on a thread of its own, so a caller inside an event loop (a notebook) can ask.

    Raises:
        ConfigError: Naming ``runner.address``, its value and what went wrong.
    """
    from concurrent.futures import ThreadPoolExecutor

    target = dask_connect_address(address)
    where = dask_host_port(target)
    try:
        if where is not None:
            with socket.create_connection(where, timeout=REACH_SECONDS):
                pass
        with DaskLog(None) as log, ThreadPoolExecutor(1) as thread:
            log.quiet()
            reply = thread.submit(_identity, target).result()
    except (OSError, TimeoutError, ValueError) as error:
        raise unreachable(address, error) from None
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        raise unreachable(address, f"it answers as a Dask {kind}" if kind else "it answers, but not as Dask does")


def _identity(address: str) -> Any:
    """What the Dask server at ``address`` says it is (``{"type": "Scheduler", ...}``), each step bounded in time."""
    import asyncio  # here, not at the top: 70 ms of every command line's start, used only to reach Dask

    from distributed.comm import connect
    from distributed.security import Security

    async def ask() -> Any:
        args = Security().get_connection_args("client")
        comm = await asyncio.wait_for(connect(address, timeout=REACH_SECONDS, **args), REACH_SECONDS)
        try:
            await asyncio.wait_for(comm.write({"op": "identity"}), REACH_SECONDS)
            return await asyncio.wait_for(comm.read(), REACH_SECONDS)
        finally:
            await comm.close()

    return asyncio.run(ask())


class SchedulerLostError(Exception):
    """The client lost its scheduler mid-run: every task still out is gone, not failed."""

    def __init__(self, address: str | None) -> None:
        where = f" at {address}" if address else ""
        super().__init__(f"lost the Dask scheduler{where}; the runs still out were not made")
        self.address = address


class DaskBackend:
    """Run batches on a Dask cluster: a scheduler at ``address``, or a new LocalCluster."""

    def __init__(
        self,
        scenarios: Sequence[Scenario],
        seed: int,
        address: str | None,
        workers: int,
        log: Path | None = None,
        engines: Sequence[str] = (),
    ) -> None:
        self.scenarios, self.seed, self.address, self.requested = scenarios, seed, address, workers
        self.engines = list(engines) or ["simpy"] * len(scenarios)
        self.workers = workers
        self._client: Any = None
        self._cluster: Any = None
        self._scattered: list[Any] = []
        self._log = DaskLog(log)
        self._environ: dict[str, str | None] = {}

    def __enter__(self) -> DaskBackend:
        self._log.__enter__()
        try:
            self._connect()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self._log.to_file()  # connected: the run directory is about to be used anyway
        return self

    def _connect(self) -> None:
        import dask.config
        from distributed import Client, LocalCluster

        if self.address:
            check_scheduler(self.address)  # bounded in time: a silent port had held the Client for good
            try:
                self._client = Client(dask_connect_address(self.address), timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as error:
                raise unreachable(self.address, error) from None
            self.workers = max(1, sum(self._client.nthreads().values()))
        else:
            # Worker processes are spawned from here: started while SIGINT is ignored, they
            # keep ignoring it, so a Ctrl-C in the terminal reaches the parent alone.
            # Their own log goes to the log file (to the terminal, errors only, without one):
            # its settings are environment variables set before each spawn, a restart's too.
            self._log.to_file()  # a LocalCluster starts after the checks: the run folder is used anyway
            main = threading.current_thread() is threading.main_thread()  # only it may set handlers
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
            environ = worker_log_environ(self._log.path)
            self._environ = {name: os.environ.get(name) for name in environ}
            try:
                with (
                    dask.config.set({PRE_SPAWN: {**dask.config.get(PRE_SPAWN, {}), **environ}}),
                    warnings.catch_warnings(record=True) as caught,
                ):
                    warnings.simplefilter("always")
                    self._cluster = LocalCluster(
                        n_workers=self.requested,
                        threads_per_worker=1,
                        processes=True,
                        # the scheduler's HTTP server on a free local port: a second run at once finds
                        # 8787 taken and would warn on the terminal
                        dashboard_address="127.0.0.1:0",
                        silence_logs=False,  # else it sets the level of every log handler, the log file's too
                    )
                for warning in caught:  # Dask's own warnings go to its log, not the terminal
                    logging.getLogger("distributed").warning("%s", warning.message)
            finally:
                if main:
                    signal.signal(signal.SIGINT, previous)
            self._client = Client(self._cluster)
        self._scattered = self._client.scatter(list(self.scenarios), broadcast=True)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
        finally:
            self._client = self._cluster = None
            self._log.__exit__()
            for name, value in self._environ.items():  # each spawn set them in this process too
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            self._environ = {}

    def run(self, batches: Sequence[Batch], on_batch: BatchCallback) -> None:
        """Submit every batch, hand each to ``on_batch`` as it finishes; cancel all on an interrupt.

        Raises:
            SchedulerLostError: When the scheduler is lost: the batches finished so far were handed on.
        """
        from distributed import as_completed

        futures = {
            self._client.submit(
                run_batch,
                self._scattered[b.scenario_index],
                self.seed,
                b.replications,
                self.engines[b.scenario_index],
                pure=False,
            ): b
            for b in batches
        }
        try:
            for future in as_completed(list(futures)):
                batch = futures.pop(future)
                try:
                    outcomes = future.result()
                except Exception as error:  # the task itself failed, e.g. its worker kept dying
                    if getattr(error, "reason", None) == SCHEDULER_LOST:  # not the runs' failure: the cluster's
                        self._log.quiet()  # the client's cancelled reconnection, a traceback, goes to the file only
                        raise SchedulerLostError(self.address) from None
                    outcomes = _task_failures(self.scenarios[batch.scenario_index].name, self.seed, batch, error)
                future.release()  # the cluster may forget the result: it is in the store now
                on_batch(batch, outcomes)
        except BaseException:
            self._client.cancel(list(futures))
            self._stop_local_workers()
            raise

    def _stop_local_workers(self) -> None:
        """Stop the running tasks of the LocalCluster started here: its workers are killed at once.

        Cancelling a running Dask task does not stop it, and closing the cluster waits
        seconds for each busy worker. A scheduler given by ``runner.address`` belongs to
        someone else: its workers finish their task and drop it.
        """
        if self._cluster is None:
            return
        self._log.quiet()  # the scheduler's complaint about the killed workers' data goes to the file only
        nannies = list(self._cluster.workers.values())

        async def kill_all() -> None:
            import asyncio  # here, not at the top: 70 ms of every command line's start, used only to stop Dask

            for nanny in nannies:
                nanny.close_gracefully(reason="salesim-interrupted")  # a nanny closing does not restart its worker
            await asyncio.gather(*(n.kill(timeout=STOP_SECONDS) for n in nannies), return_exceptions=True)

        with contextlib.suppress(Exception):
            self._cluster.sync(kill_all)


def worker_log_environ(path: Path | None) -> dict[str, str]:
    """Environment variables that set up a spawned Dask worker's log before it imports Dask.

    With a log file, the worker appends its warnings and errors to ``path`` (the file is
    opened at the first line only), and prints nothing: a worker losing its scheduler while
    the cluster closes is no news for the terminal. Without one, it prints its errors.
    Values are Python literals, as Dask reads its ``DASK_*`` variables.
    """
    if path is None:
        return {"DASK_LOGGING__DISTRIBUTED": "error"}
    settings = {
        "VERSION": "1",
        "DISABLE_EXISTING_LOGGERS": "False",
        "FORMATTERS__PLAIN__FORMAT": repr(LOG_FORMAT),
        "HANDLERS__FILE__CLASS": repr("logging.FileHandler"),
        "HANDLERS__FILE__FILENAME": repr(str(path.resolve())),
        "HANDLERS__FILE__DELAY": "True",
        "HANDLERS__FILE__FORMATTER": repr("plain"),
    }
    for name in LOGGERS:
        key = f"LOGGERS__{name.upper()}__"
        settings |= {
            f"{key}LEVEL": repr("WARNING" if name == "distributed" else "ERROR"),
            f"{key}HANDLERS": repr(["file"]),
            f"{key}PROPAGATE": "False",
        }
    return {f"DASK_LOGGING__{key}": value for key, value in settings.items()}


def _task_failures(scenario: str, seed: int, batch: Batch, error: Exception) -> list[Outcome]:
    message = f"Dask task failed: {type(error).__name__}: {error}"
    return [ReplicationFailure(scenario, r, seed, message, "") for r in batch.replications]


class DaskLog:
    """Dask's log lines in a file (``path``) instead of on the terminal, while a backend is open.

    Until :meth:`to_file` (after a successful connection) the lines are held in memory,
    so a scheduler that cannot be reached leaves no file behind. The terminal shows
    Dask's errors (its warnings too when there is no file). Each logger's own settings
    come back on exit.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._saved: list[tuple[logging.Logger, list[logging.Handler], bool]] = []
        self._held = logging.handlers.MemoryHandler(capacity=100_000, flushLevel=logging.CRITICAL + 1)
        self._terminal = logging.StreamHandler(sys.stderr)
        self._terminal.setLevel(logging.ERROR if path is not None else logging.WARNING)
        self._file: logging.Handler | None = None

    def _install(self, handlers: list[logging.Handler]) -> None:
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.handlers = list(handlers)
            logger.propagate = False

    def __enter__(self) -> DaskLog:
        importlib.import_module("distributed")  # it sets up its own handlers when imported: before ours
        loggers = [logging.getLogger(name) for name in LOGGERS]
        loggers += [  # e.g. distributed.client has its own terminal handler: its lines go up to ours instead
            logger
            for name, logger in logging.root.manager.loggerDict.items()
            if isinstance(logger, logging.Logger)
            and name.split(".")[0] in LOGGERS
            and name not in LOGGERS
            and (not logger.propagate or any(isinstance(h, logging.StreamHandler) for h in logger.handlers))
        ]
        self._saved = [(logger, logger.handlers[:], logger.propagate) for logger in loggers]
        for logger in loggers[len(LOGGERS) :]:
            logger.handlers = [h for h in logger.handlers if not isinstance(h, logging.StreamHandler)]
            logger.propagate = True
        self._install([self._terminal] + ([self._held] if self.path is not None else []))
        return self

    def quiet(self) -> None:
        """Show nothing more on the terminal (the log file still gets every line)."""
        self._terminal.setLevel(logging.CRITICAL + 1)

    def to_file(self) -> None:
        """Write the lines held so far, and every later one, to the log file."""
        if self.path is None or self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = logging.FileHandler(self.path, encoding="utf-8")
        self._file.setFormatter(logging.Formatter(LOG_FORMAT))
        self._held.setTarget(self._file)
        self._held.flush()
        self._install([self._terminal, self._file])

    def __exit__(self, *exc: object) -> None:
        for logger, handlers, propagate in self._saved:
            logger.handlers, logger.propagate = handlers, propagate
        self._saved = []
        self._held.setTarget(None)
        self._held.close()
        if self._file is not None:
            self._file.close()
            self._file = None
