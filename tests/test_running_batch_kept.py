"""A stop keeps the replications the running batch finished: in this process, on worker processes, in a sweep's jobs.

With ``runner.workers=1`` (a sweep's jobs on the joblib launcher, as the README advises)
batches run in this process, and a stop lost every replication of the running batch
(``run_batch`` returns at its end): a job of 20-replication batches stopped 0.6 s into its
first batch kept "0 of 120", where the worker pool keeps what each batch finished.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from simulator.run import local_backend
from simulator.run.batch import Batch, Outcome
from simulator.run.local_backend import InProcessBackend
from simulator.sweep_stops import job_running, jobs_stopped_first


def test_a_stop_in_this_process_keeps_what_the_running_batch_finished(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    def one_by_one(scenario: Any, seed: int, replications: Sequence[int], engine: str = "auto") -> list[Any]:
        if made and made[-1] == 6:  # the stop comes while replication 7 runs
            raise KeyboardInterrupt
        made.extend(replications)
        return [f"outcome {r}" for r in replications]

    monkeypatch.setattr(local_backend, "run_batch", one_by_one)
    kept: list[tuple[Batch, list[Outcome]]] = []
    backend = InProcessBackend([object(), object()], 1, ["fast", "fast"])  # type: ignore[list-item]
    batches = [Batch(0, (0, 1, 2, 3, 4)), Batch(1, (5, 6, 7, 8, 9))]
    with pytest.raises(KeyboardInterrupt):
        backend.run(batches, lambda batch, outcomes: kept.append((batch, outcomes)))
    assert [batch for batch, _ in kept] == [Batch(0, (0, 1, 2, 3, 4)), Batch(1, (5, 6))]  # (5, 6) were lost
    assert kept[1][1] == ["outcome 5", "outcome 6"]


def test_a_batch_run_to_its_end_is_one_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_backend, "run_batch", lambda scenario, seed, replications, engine: list(replications))
    kept: list[tuple[Batch, list[Outcome]]] = []
    InProcessBackend([object()], 1, ["fast"]).run(  # type: ignore[list-item]
        [Batch(0, (0, 1, 2))], lambda batch, outcomes: kept.append((batch, outcomes))
    )
    assert kept == [(Batch(0, (0, 1, 2)), [0, 1, 2])]


JOB = """
import os, signal, sys, time
from pathlib import Path

note = Path(sys.argv[1]) / str(os.getpid())


def keep(signum, frame):  # as a run: keep what is finished (a moment), then say it is done
    time.sleep(0.3)
    (Path(sys.argv[2])).write_text("kept")
    note.unlink()
    sys.exit(130)


signal.signal(signal.SIGTERM, keep)
note.touch()
print("running", flush=True)
time.sleep(60)
"""


def test_a_stop_in_a_sweep_s_process_lets_its_jobs_elsewhere_keep_their_runs_first(tmp_path: Path) -> None:
    """joblib ends its workers with SIGKILL on a stop: a job there kept nothing of its running batch (job 1:
    0 of 120 after 0.6 s of its first batch). The sweep's process now sends each job SIGTERM and waits for it."""
    kept = tmp_path / "kept"
    with jobs_stopped_first() as folder:
        assert folder is not None
        job = subprocess.Popen([sys.executable, "-c", JOB, str(folder), str(kept)], stdout=subprocess.PIPE, text=True)
        assert job.stdout is not None and job.stdout.readline() == "running\n"
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)  # the stop in the sweep's own process
            time.sleep(30)  # the handler acts at once
        assert kept.read_text() == "kept"  # before this process went on to end the job
        assert not list(folder.iterdir())
    assert job.wait(timeout=30) == 130
    assert not folder.exists()  # the folder goes with the sweep


def test_a_job_notes_itself_only_while_it_runs(tmp_path: Path) -> None:
    with job_running(str(tmp_path)):
        assert [p.name for p in tmp_path.iterdir()] == [str(os.getpid())]
    assert not list(tmp_path.iterdir())
    with job_running(None):  # a job of the sweep's own process (the basic launcher): nothing to note
        pass
