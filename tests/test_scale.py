"""Scaling out: the Dask backend, the results store, interrupt and resume, runs=auto.

Dask tests start small clusters on loopback (no dashboard) and stay a few seconds each.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.analysis.statistics import relative_half_width
from simulator.config.errors import ConfigError
from simulator.report.outputs import write_tables
from simulator.run import dask_backend, store
from simulator.run.batch import batches_for
from simulator.run.experiment import PrecisionGoal
from simulator.run.runner import next_target
from simulator.run.settings import RunnerSettings, check_runner_settings, runner_settings
from tests.scenarios import ROOT, shipped, terminal_signals

pytest.importorskip("distributed")

SMALL = ["runs=4", "clock.horizon_days=40", "clock.warmup_days=0"]
TABLES = ["replications.csv", "monthly.csv", "summary.csv", "comparison.csv"]


def salesim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def tables(result: simulator.ExperimentResult, out: Path) -> dict[str, bytes]:
    write_tables(result, out)
    return {name: (out / name).read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def local_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    experiment = simulator.load_experiment(overrides=SMALL)
    return tables(simulator.run_experiment(experiment, workers=1), tmp_path_factory.mktemp("local"))


def test_dask_local_cluster_gives_the_local_backend_numbers_byte_for_byte(
    local_tables: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holders: list[dict[str, tuple[str, ...]]] = []
    enter = dask_backend.DaskBackend.__enter__

    def enter_and_look(self: dask_backend.DaskBackend) -> dask_backend.DaskBackend:
        entered = enter(self)
        holders.append(self._client.who_has(self._scattered))
        return entered

    monkeypatch.setattr(dask_backend.DaskBackend, "__enter__", enter_and_look)
    experiment = simulator.load_experiment(overrides=SMALL)
    settings = RunnerSettings(backend="dask", workers=2, batch_size=1)
    result = simulator.run_experiment(experiment, settings=settings, store_dir=tmp_path / "run")
    assert result.workers == 2
    [who_has] = holders  # each scenario was scattered once, to both workers, before any task
    assert len(who_has) == 2 and all(len(workers) == 2 for workers in who_has.values())
    assert tables(result, tmp_path / "run") == local_tables
    assert (tmp_path / "run" / "store" / "manifest.json").is_file()


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[str]:
    """A Dask scheduler and two single-threaded workers on 127.0.0.1, as subprocesses."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    start = [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
    processes = [subprocess.Popen([*start, "--scheduler-file", str(scheduler_file)], **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        processes.append(
            subprocess.Popen(
                [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"], cwd=ROOT, **quiet
            )
        )
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:  # each started its own process group: stop it whole, worker processes included
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def test_a_scheduler_and_two_workers_reached_by_address_give_the_same_numbers(
    scheduler: str, local_tables: dict[str, bytes], tmp_path: Path
) -> None:
    bare = scheduler.removeprefix("tcp://")  # no scheme: tcp, as documented (a missing port had crashed Dask)
    experiment = simulator.load_experiment(overrides=[*SMALL, "runner=dask", f"runner.address={bare}"])
    runner = experiment.resolved_config["base"]["runner"]
    assert runner["backend"] == "dask" and runner["address"] == bare
    result = simulator.run_experiment(experiment, settings=runner_settings(runner), store_dir=tmp_path / "run")
    assert result.workers == 2
    assert tables(result, tmp_path / "run") == local_tables


def test_dask_backend_without_dask_is_a_config_error_naming_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("simulator.run.settings.dask_installed", lambda: False)
    [issue] = check_runner_settings({"backend": "dask"})
    assert issue.key == "runner.backend" and issue.value == "dask"
    assert 'pip install -e ".[dask]"' in issue.allowed


def test_a_spawned_workers_dask_log_goes_to_the_file_and_not_the_terminal(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    log = tmp_path / "it's a run" / "dask.log"  # a quote in the path: the values are Python literals
    log.parent.mkdir()
    script = (
        "import logging, distributed\n"
        "logging.getLogger('distributed.worker').info('joined')\n"
        "logging.getLogger('distributed.worker').error('lost the scheduler')\n"
        "logging.getLogger('tornado.application').warning('a tornado warning')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    env |= dask_backend.worker_log_environ(log)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith("distributed.worker ERROR lost the scheduler")
    without_file = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    without_file |= dask_backend.worker_log_environ(None)
    done = subprocess.run([sys.executable, "-c", script], env=without_file, capture_output=True, text=True, timeout=120)
    assert "lost the scheduler" in done.stderr and "joined" not in done.stderr


@pytest.mark.parametrize(
    ("runner", "named"),
    [
        ({"backend": "spark"}, "runner.backend = 'spark'"),
        ({"backend": "dask", "address": "not an address"}, "runner.address = 'not an address'"),
        ({"backend": "local", "address": "tcp://127.0.0.1:8786"}, "only with runner.backend=dask"),
        ({"resume": "yes"}, "runner.resume = 'yes'"),
        ({"workers": -1}, "runner.workers = -1"),
        ({"target_precision": 2}, "runner.target_precision = 2"),
        ({"max_runs": 10, "pilot_runs": 20}, "runner.max_runs = 10: must be >= runner.pilot_runs (20)"),
    ],
)
def test_bad_runner_settings_are_named(runner: dict[str, object], named: str) -> None:
    assert named in str(ConfigError(check_runner_settings(runner)))


def test_a_dask_address_without_scheme_or_port_takes_dasks_defaults() -> None:
    """runner.address=localhost passed the check, then stopped with Dask's "missing port number" (exit 1)."""
    from simulator.config.runner_settings import dask_connect_address

    assert dask_connect_address("localhost") == "tcp://localhost:8786"
    assert dask_connect_address("TLS://host.example:9000") == "tls://host.example:9000"
    assert dask_connect_address("[::1]") == "tcp://[::1]:8786"


def test_store_parts_read_back_exactly_what_memory_holds(tmp_path: Path) -> None:
    experiment = simulator.load_experiment(overrides=["runs=3", "clock.horizon_days=40", "clock.warmup_days=0"])
    in_memory = simulator.run_experiment(experiment, workers=1, batch_size=2)
    on_disk = simulator.run_experiment(experiment, workers=1, batch_size=1, store_dir=tmp_path)
    pd.testing.assert_frame_equal(in_memory.replications, on_disk.replications, check_exact=True)
    pd.testing.assert_frame_equal(in_memory.monthly, on_disk.monthly, check_exact=True)
    pd.testing.assert_frame_equal(in_memory.summary, on_disk.summary, check_exact=True)
    parts = sorted(p.name for p in (tmp_path / "store").glob("*.replications.csv"))
    assert parts[:2] == ["s000-r00000000-00000000.replications.csv", "s000-r00000001-00000001.replications.csv"]
    assert len(parts) == 6


def test_batches_never_span_a_replication_already_done() -> None:
    batches = batches_for({0: [0, 1, 2, 5, 6, 9], 1: [3]}, workers=1, batch_size=10)
    assert [(b.scenario_index, b.replications) for b in batches] == [(0, (0, 1, 2)), (1, (3,)), (0, (5, 6)), (0, (9,))]


def _wait_for_parts(path: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while len(list(path.glob("*.replications.csv"))) < count:
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_run_interrupted_half_way_then_resumed_equals_an_undisturbed_run(tmp_path: Path) -> None:
    args = [
        "runs=16",
        "seed=3",
        "clock.horizon_days=40",
        "clock.warmup_days=0",
        "runner.workers=2",
        "runner.batch_size=1",
    ]
    args += ["runner.progress=false"]
    out = tmp_path / "interrupted"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "simulator", *args, f"hydra.run.dir={out}"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        text=True,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=terminal_signals,  # SIGINT not ignored even when the test runner runs in the background
    )
    _wait_for_parts(out / "store", 8, process)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the workers get it too
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "store").glob("*.replications.csv")}
    assert 8 <= len(kept) < 32
    so_far = store.DirectoryStore(out).replications()  # what is done can be analysed already
    assert len(so_far) == len(kept) and list(so_far.columns[:2]) == ["scenario", "replication"]
    assert f"{len(kept)} of 32 replications are done and kept in {out / 'store'}" in err
    [resume_line] = [line for line in err.splitlines() if line.startswith("salesim: to resume: ")]
    resume = shlex.split(resume_line.removeprefix("salesim: to resume: "))
    assert resume[:3] == ["python", "-m", "simulator"] and resume[-2:] == ["runner.resume=true", f"hydra.run.dir={out}"]
    assert not (out / "replications.csv").exists()

    other_seed = simulator.load_experiment(overrides=[*args, "seed=4"])
    with pytest.raises(ConfigError, match=r"seed = 4: differs from the earlier run in this folder \(3\)"):
        simulator.run_experiment(other_seed, settings=RunnerSettings(workers=1, resume=True), store_dir=out)

    resumed = salesim(*resume[3:], cwd=tmp_path)  # the command the interrupted run printed
    assert resumed.returncode == 0, resumed.stderr
    after = {p.name: p.stat().st_mtime_ns for p in (out / "store").glob("*.replications.csv")}
    assert {name: after[name] for name in kept} == kept  # finished batches were not run again
    assert len(after) == 32
    undisturbed = simulator.run_experiment(simulator.load_experiment(overrides=args), workers=2)
    assert tables(undisturbed, tmp_path / "undisturbed") == {name: (out / name).read_bytes() for name in TABLES}
    assert (out / "summary.json").read_bytes() == (tmp_path / "undisturbed" / "summary.json").read_bytes()


def test_resume_needs_an_interrupted_run(tmp_path: Path) -> None:
    experiment = simulator.load_experiment(overrides=SMALL)
    settings = RunnerSettings(workers=1, resume=True)
    with pytest.raises(ConfigError, match=r"runner\.resume = true: needs the folder of an interrupted run"):
        simulator.run_experiment(experiment, settings=settings, store_dir=tmp_path / "new")
    assert not (tmp_path / "new").exists()


def _auto(target: float, max_runs: int, kpi: str = "cycle_time_days_mean") -> simulator.Experiment:
    config = {**shipped("generalist"), "seed": 11, "runs": "auto", "experiment": {"name": "auto", "question": "q?"}}
    config["clock"].update(horizon_days=60, warmup_days=0)
    config["runner"] = {"target_kpi": kpi, "target_precision": target, "max_runs": max_runs, "pilot_runs": 4}
    return simulator.experiment_from_dict(
        config, {"base": {}, "more_reps": {"org": {"teams": {"full_cycle": {"headcount": 16}}}}}
    )


def test_runs_auto_adds_batches_until_the_ci_reaches_the_target() -> None:
    target = 0.015  # the base pilot reads 2.2%: four runs are not enough
    result = simulator.run_experiment(_auto(target, max_runs=400), workers=1)
    runs = result.replications
    for name, made in result.runs_per_scenario.items():
        values = runs.loc[runs.scenario == name, "cycle_time_days_mean"].to_numpy()
        assert len(values) == made < 400
        assert relative_half_width(values, kpi="cycle_time_days_mean") <= target  # reached ...
        assert relative_half_width(values[:4], kpi="cycle_time_days_mean") > target  # ... after the pilot had not
        # on the CI the report shows (log scale for an amount), both sides: "reached ±5.0%" had sat beside +5.12%
        row = result.summary.set_index(["scenario", "kpi"]).loc[(name, "cycle_time_days_mean")]
        assert max(row["ci_high"] - row["mean"], row["mean"] - row["ci_low"]) <= target * row["mean"] * (1 + 1e-12)
    widths = [relative_half_width(runs.loc[runs.scenario == n, "cycle_time_days_mean"]) for n in ("base", "more_reps")]
    assert max(widths) <= target
    # every scenario gets what the least precise needed: means and paired differences over the same runs
    assert len(set(result.runs_per_scenario.values())) == 1
    from simulator.report.how_run_section import _runs_words

    assert _runs_words(result).endswith("runs per scenario, set by the precision wanted (see How precise is this)")
    pd.testing.assert_frame_equal(
        result.replications, simulator.run_experiment(_auto(target, 400), workers=2).replications
    )


def test_runs_auto_stops_at_max_runs_when_the_target_is_out_of_reach() -> None:
    from simulator.analysis.precision import auto_runs_words

    result = simulator.run_experiment(_auto(0.001, max_runs=9), workers=1)
    assert result.runs_per_scenario == {"base": 9, "more_reps": 9}
    words = auto_runs_words(result)  # what the terminal and the report say: the cap stopped it, short of the target
    assert all("was stopped by the cap of 9 runs at ±" in w and "short of the ±0.1% target" in w for w in words)
    assert not any("needed" in w for w in words)
    from simulator.report.how_run_section import _runs_words

    # "How it was run" names the count (a fresh user found only "set by the precision wanted"), and says the cap, not
    # the precision wanted, set it ("400 runs per scenario, set by the precision wanted" had stood beside "stopped by
    # the cap of 400 runs at ±2.6%, short of the ±2.0% target")
    assert _runs_words(result) == (
        "9 runs per scenario, stopped short of the precision wanted for every scenario (see How precise is this)"
    )
    # the question's {runs} reads the runs made, not "auto"
    from simulator.report.answer_section import question

    asked = simulator.experiment_from_dict(
        {**shipped("generalist"), "runs": "auto", "experiment": {"name": "auto", "question": "Over {runs} runs?"}},
        {"base": {}},
    )
    assert question(dataclasses.replace(result, experiment=asked)) == "Over 9 runs?"


def test_runs_auto_refuses_an_unknown_kpi_before_writing(tmp_path: Path) -> None:
    """It listed ~200 names with no hint; the decision KPIs' check named the closest."""
    with pytest.raises(ConfigError, match=r"runner.target_kpi = 'bookingz': .*did you mean 'bookings'\?"):
        simulator.run_experiment(_auto(0.05, 50, kpi="bookingz"), workers=1, store_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_runs_auto_refuses_a_kpi_one_scenario_does_not_report(tmp_path: Path) -> None:
    """utilisation_sdr of generalists has no value: runs=auto ran them to max_runs (4,000 runs) and stopped unmet."""
    overrides = ["runs=auto", "runner.target_kpi=utilisation_sdr", "runner.pilot_runs=2"]
    experiment = simulator.load_experiment(overrides=[*overrides, "clock.horizon_days=40", "clock.warmup_days=0"])
    with pytest.raises(ConfigError, match=r"scenario generalist does not report it, so runs=auto cannot measure"):
        simulator.run_experiment(experiment, workers=1, store_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_next_target_grows_by_the_estimate_within_bounds() -> None:
    goal = PrecisionGoal("bookings", 0.02, max_runs=1000, pilot_runs=20)
    assert next_target(goal, 20, 0.019) == 20
    assert next_target(goal, 20, 0.03) == 45  # 20 * (0.03 / 0.02)^2
    assert next_target(goal, 20, 0.021) == 25  # at least 1.25x
    assert next_target(goal, 20, 1.0) == 80  # at most 4x
    assert next_target(goal, 800, 1.0) == 1000
    assert next_target(goal, 20, float("nan")) == 40


def test_report_says_how_many_runs_each_scenario_needed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.report.session import run_and_write

    config = ["runs=auto", "runner.target_kpi=cycle_time_days_mean", "runner.target_precision=0.1"]
    experiment = simulator.load_experiment(overrides=[*config, "runner.pilot_runs=3", "runner.max_runs=30", *SMALL[1:]])
    run_and_write(experiment, tmp_path, settings=RunnerSettings(workers=1, progress=False))
    runs = pd.read_csv(tmp_path / "replications.csv").groupby("scenario").size().to_dict()
    out = capsys.readouterr().out
    for scenario, made in runs.items():
        said = f"salesim: runs=auto: {scenario} reached ±"
        capped = f"salesim: runs=auto: {scenario} was stopped by the cap of 30 runs"
        assert said in out or (made == 30 and capped in out), out
    report = (tmp_path / "report.md").read_text()
    assert f"with {runs['generalist']} runs (target ±10.0%)" in report or runs["generalist"] == 30
    assert len(set(runs.values())) == 1  # compared on the same runs
    assert json.loads((tmp_path / "summary.json").read_text())["runs_per_scenario"] == runs


def test_store_is_not_needed_to_read_the_tables_but_holds_them() -> None:
    frames = [pd.DataFrame({"scenario": ["b", "b"], "replication": [1, 0], "x": [2.0, 1.0]})]
    frames.append(pd.DataFrame({"scenario": ["a"], "replication": [0], "y": [np.nan]}))
    table = store.assemble(frames, ["a", "b"])
    assert list(table.columns) == ["scenario", "replication", "x", "y"]
    assert list(zip(table.scenario, table.replication, strict=True)) == [("a", 0), ("b", 0), ("b", 1)]


def test_an_unreachable_scheduler_is_a_config_error_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(dask_backend, "CONNECT_TIMEOUT", "1s")
    experiment = simulator.load_experiment(overrides=SMALL)
    settings = RunnerSettings(backend="dask", address="tcp://127.0.0.1:9")
    with pytest.raises(ConfigError, match=r"runner\.address = 'tcp://127\.0\.0\.1:9': no Dask scheduler answered"):
        simulator.run_experiment(experiment, settings=settings, store_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_a_resume_names_each_setting_that_differs_once() -> None:
    before = {"seed": 1, "base": {"seed": 1, "org": {"teams": {"ae": {"headcount": 8}}}}, "scenarios": {}}
    before["scenarios"] = {"a": {"org": {"teams": {"ae": {"headcount": 8}}}}, "b": {"clock": {"horizon_days": 250}}}
    now = {"seed": 2, "base": {"seed": 2, "org": {"teams": {"ae": {"headcount": 9}}}}, "scenarios": {}}
    now["scenarios"] = {"a": {"org": {"teams": {"ae": {"headcount": 9}}}}, "b": {"clock": {"horizon_days": 200}}}
    named = {(issue.key, issue.value) for issue in store.config_differences(before, now)}
    assert named == {("seed", 2), ("org.teams.ae.headcount", 9), ("[scenario b] clock.horizon_days", 200)}
    # another experiment's run: one line naming it (its every setting had been listed, 2,523 of them)
    before["experiment"], now["experiment"] = {"name": "generalist_vs_specialist"}, {"name": "sdr_headcount"}
    (issue,) = store.config_differences(before, now)
    assert (issue.key, issue.value) == ("experiment", "sdr_headcount")
    assert "an earlier run of another experiment (generalist_vs_specialist)" in issue.allowed


def test_two_dask_runs_at_once_print_nothing_of_dask(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    scenario = simulator.load_experiment(overrides=["runs=2"]).scenarios[0].compile()
    first = dask_backend.DaskBackend([scenario], 1, None, 1, log=tmp_path / "a" / "dask.log")
    second = dask_backend.DaskBackend([scenario], 1, None, 1, log=tmp_path / "b" / "dask.log")
    with warnings.catch_warnings(record=True) as caught:  # a warning would be printed outside pytest
        warnings.simplefilter("always")
        with first, second:  # the second scheduler cannot have the first one's ports
            pass
    assert not [w for w in caught if "already in use" in str(w.message)]
    terminal = capfd.readouterr()
    assert "Perhaps you already have a cluster running" not in terminal.err + terminal.out
    assert "distributed" not in terminal.err


def test_a_fresh_run_in_a_used_folder_says_it_replaces_the_earlier_runs_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.report import session
    from simulator.report.session import run_and_write
    from simulator.run.runner import RunInterrupted

    settings = RunnerSettings(workers=1, progress=False)
    first = simulator.load_experiment(overrides=["runs=3", *SMALL[1:]])
    run_and_write(first, tmp_path, settings=settings)
    assert "earlier run" not in capsys.readouterr().err
    second = simulator.load_experiment(overrides=["runs=2", "seed=7", *SMALL[1:]])
    run_and_write(second, tmp_path, settings=settings)
    err = capsys.readouterr().err
    assert "salesim: the folder held an earlier run's 6 replications: this run replaces them" in err
    assert "runner.resume=true" in err and len(pd.read_csv(tmp_path / "replications.csv")) == 4

    def stopped_early(*args: object, **kwargs: object) -> None:  # Ctrl-C while the workers start
        raise RunInterrupted(0, 4, str(tmp_path / "store"))

    monkeypatch.setattr(session, "run_experiment", stopped_early)
    with pytest.raises(RunInterrupted):
        run_and_write(first, tmp_path, settings=settings)
    assert "report and tables" not in capsys.readouterr().err  # the earlier run is whole: kept as it was
    assert (tmp_path / "report.md").is_file() and (tmp_path / "replications.csv").is_file()

    def stopped_later(*args: object, **kwargs: object) -> None:  # a run stopped after taking over the store
        store.DirectoryStore(tmp_path).start({"scenario_names": ["generalist", "specialist"]})
        raise RunInterrupted(1, 4, str(tmp_path / "store"))

    monkeypatch.setattr(session, "run_experiment", stopped_later)
    with pytest.raises(RunInterrupted):
        run_and_write(first, tmp_path, settings=settings)
    assert "report and tables" in capsys.readouterr().err
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "report.md" not in left and "replications.csv" not in left and "store" in left  # nothing of another run


def test_a_fresh_run_stopped_while_writing_its_outputs_names_them_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A joblib sweep's Ctrl-C in its jobs' writing had said "the earlier run's report and tables ... were removed"
    of fresh job folders: they were the run's own, half written, and a resume writes them."""
    from simulator.report import session
    from simulator.report.session import run_and_write
    from simulator.run.runner import RunInterrupted

    def half_written(result: object, out_dir: Path) -> None:
        (out_dir / "report.md").write_text("# half")
        raise KeyboardInterrupt

    monkeypatch.setattr(session, "write_outputs", half_written)
    fresh = simulator.load_experiment(overrides=["runs=2", *SMALL[1:]])
    with pytest.raises(RunInterrupted):
        run_and_write(fresh, tmp_path, settings=RunnerSettings(workers=1, progress=False))
    err = capsys.readouterr().err
    assert "the earlier run's" not in err
    assert f"salesim: the report and tables this run was writing in {tmp_path} were removed" in err
    assert not (tmp_path / "report.md").exists() and (tmp_path / "store").is_dir()


def test_a_misspelt_runs_auto_kpi_is_named_beside_the_scenarios_faults() -> None:
    """seed=-3 hid runner.target_kpi=bookngs until the seed was fixed."""
    with pytest.raises(ConfigError) as refused:
        simulator.load_experiment(overrides=["runs=auto", "runner.target_kpi=bookngs", "seed=-3"])
    keys = [issue.key for issue in refused.value.issues]
    assert "seed" in keys and "runner.target_kpi" in keys
    assert "did you mean 'bookings'?" in str(refused.value)
