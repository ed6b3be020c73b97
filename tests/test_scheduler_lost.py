"""A Dask scheduler lost mid-run stops the run as an interrupt does: finished runs kept, resumable.

Losing the scheduler cancels every task still out with the reason
``scheduler-connection-lost``. Those runs were not made; they are not the model's failures.
Before, each was recorded as a failed replication: 200 "failed" runs, ten identical
two-line messages, exit status 3 and a report written from the half that finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import distributed
import pytest
from distributed.client import FutureCancelledError

import simulator
from simulator.report import session
from simulator.report.outputs import write_tables
from simulator.report.session import run_and_write
from simulator.run.dask_backend import SCHEDULER_LOST, DaskBackend
from simulator.run.runner import RunInterrupted
from simulator.run.settings import RunnerSettings
from tests.test_faults import ARGS, tables_of

ADDRESS = "tcp://127.0.0.1:8786"
KEPT = 3  # tasks (one replication each) that finish before the scheduler is lost


class _Future:
    def __init__(self, work: Callable[[], Any] | None, key: int) -> None:
        self._work, self.key = work, key

    def result(self) -> Any:
        if self._work is None:
            raise FutureCancelledError(self.key, SCHEDULER_LOST, "the client lost its scheduler")
        return self._work()

    def release(self) -> None:
        pass


class _LosesItsScheduler:
    """A client whose first KEPT tasks run here; the scheduler is lost before the others."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, func: Callable[..., Any], *args: Any, pure: bool = True) -> _Future:
        self.submitted += 1
        work = (lambda: func(*args)) if self.submitted <= KEPT else None
        return _Future(work, self.submitted)

    def cancel(self, futures: Iterable[_Future]) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def lost_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    def connect(self: DaskBackend) -> None:
        self._client, self._scattered, self.workers = _LosesItsScheduler(), list(self.scenarios), 1

    def in_order(futures: list[_Future]) -> Iterator[_Future]:
        return iter(futures)

    monkeypatch.setattr(DaskBackend, "_connect", connect)
    monkeypatch.setattr(session, "check_scheduler", lambda address: None)  # it answers, until it is lost
    monkeypatch.setattr(distributed, "as_completed", in_order)


def test_a_lost_scheduler_stops_the_run_keeping_what_finished_and_a_resume_completes_it(
    tmp_path: Path, lost_scheduler: None
) -> None:
    experiment = simulator.load_experiment(overrides=ARGS)
    run_dir = tmp_path / "run"
    on_dask = RunnerSettings(workers=1, batch_size=1, backend="dask", address=ADDRESS, progress=False)
    with pytest.raises(RunInterrupted) as stopped:
        simulator.run_experiment(experiment, settings=on_dask, store_dir=run_dir)
    assert stopped.value.reason == f"lost the Dask scheduler at {ADDRESS}; the runs still out were not made"
    assert (stopped.value.done, stopped.value.total) == (KEPT, 8)
    assert len(list((run_dir / "store").glob("*.manifest.json"))) == KEPT
    assert not list((run_dir / "store").glob("*failure*")), "the runs never made were recorded as failures"
    resume = RunnerSettings(workers=1, batch_size=1, resume=True, progress=False)
    resumed = simulator.run_experiment(experiment, settings=resume, store_dir=run_dir)
    assert resumed.computed == 8 - KEPT and not resumed.failures
    write_tables(resumed, tmp_path / "resumed")
    whole = tmp_path / "whole"
    write_tables(simulator.run_experiment(experiment, workers=1), whole)
    assert tables_of(tmp_path / "resumed") == tables_of(whole)


def test_the_command_says_the_scheduler_was_lost_and_how_to_resume(
    tmp_path: Path, lost_scheduler: None, capsys: pytest.CaptureFixture[str]
) -> None:
    experiment = simulator.load_experiment(overrides=ARGS)
    on_dask = RunnerSettings(workers=1, batch_size=1, backend="dask", address=ADDRESS, progress=False)
    with pytest.raises(RunInterrupted):
        run_and_write(experiment, tmp_path / "run", settings=on_dask, resume_command="salesim ... runner.resume=true")
    said = capsys.readouterr().err
    assert f"salesim: lost the Dask scheduler at {ADDRESS}; the runs still out were not made: {KEPT} of 8" in said
    assert "salesim: to resume: salesim ... runner.resume=true" in said
    assert not (tmp_path / "run" / "report.md").exists()
