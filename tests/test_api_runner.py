"""The Python API runs with the runner settings it is given, and refuses the ones the command line refuses.

A notebook user's ``load_experiment(name, ["runner.engine=simpy"])`` had run on the fast
engine on every core while its report named the SimPy engine, and
``RunnerSettings(workers=-1)`` or an ``address`` without the Dask backend had run on this
machine without a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import simulator as ss
from simulator.run import runner
from simulator.run.settings import RunnerSettings


def _engines_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ``runner.engine`` each run of this test chose its engines under."""
    asked: list[str] = []
    choose = runner.choose_engines

    def spy(scenarios: Sequence[Any], engine: str, on_note: Any) -> list[str]:
        asked.append(engine)
        return choose(scenarios, engine, on_note)

    monkeypatch.setattr(runner, "choose_engines", spy)
    return asked


def test_the_experiments_own_runner_overrides_are_the_ones_it_runs_with(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _engines_asked(monkeypatch)
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=2", "runner.engine=simpy", "runner.workers=1"])
    result = ss.run_experiment(experiment)
    assert asked == ["simpy"]
    assert result.workers == 1
    assert result.experiment.resolved_config["base"]["runner"]["engine"] == "simpy"


def test_settings_given_replace_the_experiments_and_are_what_the_result_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _engines_asked(monkeypatch)
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=2"])
    result = ss.run_experiment(experiment, settings=RunnerSettings(workers=1, engine="simpy"))
    assert asked == ["simpy"]
    ran = result.experiment.resolved_config["base"]["runner"]
    assert (ran["engine"], ran["workers"]) == ("simpy", 1)  # config.yaml and the report's Engine line read it
    assert experiment.resolved_config["base"]["runner"]["engine"] == "auto"  # the caller's experiment is unchanged


@pytest.mark.parametrize(
    ("call", "key"),
    [
        ({"settings": RunnerSettings(workers=-1)}, "runner.workers"),
        ({"settings": RunnerSettings(batch_size=-2, workers=1)}, "runner.batch_size"),
        ({"settings": RunnerSettings(address="tcp://127.0.0.1:8786", workers=1)}, "runner.address"),
        ({"workers": -1}, "runner.workers"),
    ],
)
def test_runner_settings_the_command_line_refuses_are_refused_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch, call: dict[str, Any], key: str
) -> None:
    asked = _engines_asked(monkeypatch)
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=2"])
    with pytest.raises(ss.ConfigError) as caught:
        ss.run_experiment(experiment, **call)
    assert [issue.key for issue in caught.value.issues] == [key]
    assert asked == []


def test_runs_auto_on_a_scheduler_nobody_runs_is_refused_before_any_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """runs=auto ran each scenario's first replication here before it found the scheduler (a closed port) gone."""
    ran: list[Any] = []

    def run_batch(*args: Any) -> None:
        ran.append(args)
        raise AssertionError("a replication ran before the scheduler was checked")

    monkeypatch.setattr(runner, "run_batch", run_batch)
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=auto"])
    closed = RunnerSettings(backend="dask", address="tcp://127.0.0.1:1", workers=1)
    with pytest.raises(ss.ConfigError) as caught:
        ss.run_experiment(experiment, settings=closed)
    assert ran == []
    assert [issue.key for issue in caught.value.issues] == ["runner.address"]
    assert "no Dask scheduler answered there (ConnectionRefusedError" in str(caught.value)


def test_a_port_that_answers_but_never_speaks_is_refused_in_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a fixed number of runs from Python, a silent port had held Dask's Client with no limit."""
    import socket
    import threading

    from simulator.run import dask_backend

    monkeypatch.setattr(dask_backend, "REACH_SECONDS", 0.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    accepting = threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True)
    accepting.start()
    port = listener.getsockname()[1]
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=4"])
    silent = RunnerSettings(backend="dask", address=f"tcp://127.0.0.1:{port}", workers=1)
    try:
        with pytest.raises(ss.ConfigError) as caught:
            ss.run_experiment(experiment, settings=silent)
    finally:
        for conn in held:
            conn.close()
        listener.close()
    assert [issue.key for issue in caught.value.issues] == ["runner.address"]
    assert "no Dask scheduler answered there" in str(caught.value)
