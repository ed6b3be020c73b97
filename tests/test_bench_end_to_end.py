"""The end-to-end benchmark's own pieces, in seconds: arguments, the 4-scenario experiment, the arithmetic.

The benchmark itself (minutes, timings) is not part of the test suite.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import simulator
from simulator.engines import fast
from tests.scenarios import ROOT


def bench() -> ModuleType:
    path = ROOT / "benchmarks" / "bench_end_to_end.py"
    spec = importlib.util.spec_from_file_location("bench_end_to_end", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_arguments_default_to_a_modest_size_and_refuse_nonsense() -> None:
    b = bench()
    args = b.parse([])
    assert (args.runs, args.small, args.workers) == (500, 100, 2)
    assert b.parse(["--runs", "10000", "--small", "0"]).runs == 10_000
    for wrong in (["--runs", "100", "--small", "100"], ["--workers", "0"], ["--runs", "0", "--small", "0"]):
        with pytest.raises(SystemExit):
            b.parse(wrong)


def test_the_experiment_is_four_scenarios_of_the_default_organisation(tmp_path: Path) -> None:
    b = bench()
    config = b.write_experiment(tmp_path)
    experiment = simulator.load_experiment(b.EXPERIMENT, [f"hydra.searchpath=[file://{config}]", "runs=3"])
    default = simulator.load_experiment(None, ["runs=3"])
    names = [spec.name for spec in experiment.scenarios]
    assert names == ["generalist", "specialist", "pods_by_segment", "pods_by_product"]
    assert (experiment.seed, experiment.runs, experiment.baseline) == (default.seed, 3, default.baseline)
    for mine, shipped in zip(experiment.scenarios[:2], default.scenarios, strict=True):
        assert mine.config == shipped.config  # the default experiment's own scenarios, unchanged
    assert not any(fast.uncovered(spec.compile()) for spec in experiment.scenarios)
    line = b.command(config, 7, 2, tmp_path / "run", tmp_path / "memory.json")
    assert line[line.index("--config-dir") + 1] == str(config)
    assert {f"experiment={b.EXPERIMENT}", "runs=7", "runner.workers=2", f"hydra.run.dir={tmp_path / 'run'}"} <= set(
        line
    )


def run(b: ModuleType, runs: int, wall: float, runner_wall: float) -> object:
    total = 4 * runs
    return b.Run(runs, total, wall, runner_wall, 0.08 * total, 0.1 * total, 0.9, 300.0, 400.0, 250.0, 1.0)


def test_shares_and_extrapolation_add_up() -> None:
    b = bench()
    small, large = run(b, 10, 20.0, 4.0), run(b, 110, 40.0, 22.0)
    seconds, how = b.extrapolate(small, large)  # outside the phase: 16 s, then 18 s; the phase: 22 s for 440
    assert seconds == pytest.approx(22.0 / 440 * 40_000 + 16.0 - 0.005 * 40 + 0.005 * 40_000) and "both sizes" in how
    parts = b.shares(large, workers=2)
    assert parts["engine"] == pytest.approx(0.08 * 440 / 2 / 40.0)
    assert parts["kpis"] == pytest.approx(0.02 * 440 / 2 / 40.0)
    assert sum(parts.values()) == pytest.approx(1.0)
    assert b.sampled_engine_share(large, {"a": (0.1, 0.12), "b": (0.1, 0.12)}, 2) == pytest.approx(0.2 * 110 / 2 / 40)
    seconds, how = b.extrapolate(run(b, 10, 45.0, 4.0), large)  # before and after did not grow: kept as is
    assert seconds == pytest.approx(22.0 / 440 * 40_000 + 18.0) and "as in 4 x 110" in how


def test_the_child_runs_the_command_line_with_its_timers(tmp_path: Path) -> None:
    """The child mode runs the command line: a refused config exits 2 and the memory report is written."""
    b = bench()
    config = b.write_experiment(tmp_path / "configs")
    line = b.command(config, 1, 1, tmp_path / "run", tmp_path / "memory.json")
    done = subprocess.run([*line, "runs=-1"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "runs" in done.stderr and json.loads((tmp_path / "memory.json").read_text())["parent_kib"] > 0


def test_the_runs_line_is_read_with_the_commands_thousands_separators() -> None:
    """The command prints ``4,000 runs`` past 999 (the default 4 x 500 makes 2,000): the count is read whole."""
    b = bench()
    assert b.runs_made("salesim: 4,000 runs in 84.1 s; results in out") == (4000, 84.1)
    assert b.runs_made("salesim: 1 run in 0.4 s; results in out") == (1, 0.4)
    assert b.runs_made("salesim: 800 runs in 12.0 s, and 2 failed") == (800, 12.0)
    assert b.runs_made("salesim: nothing was run") is None
