"""Shared pytest settings: Hypothesis profiles sized for a 2-core CI machine."""

from __future__ import annotations

import os
import warnings

import pytest
from hypothesis import HealthCheck, settings

from simulator.config.validation import PipelineShapeWarning
from simulator.run.experiment import ExperimentResult

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
warnings.filterwarnings("ignore", category=PipelineShapeWarning)

# The order the workers take the modules in (--dist loadscope hands out a module whole; pyproject's
# --no-loadscope-reorder keeps this order). test_engines.py goes first: its first test compiles the fast
# engine on a cold cache (about 70 s of one core), and a test of any other module that runs that engine waits
# for the compile (simulator/engines/fast/cache.compile_lock). Meanwhile the other worker takes modules that
# never run it (about 150 s of work on an idle machine): ruff and mypy, three modules of config and calibration
# checks, then the refusals (test_bad_input's Hypothesis test, near its end, runs it), then test_workforce (its
# [fast] test runs it: placed before the dates and the refusals, that worker had waited 35 s there for the
# compile). The rest follow with the most tests first, as pytest-xdist orders them itself. In xdist's own order,
# the refusals' worker had reached an engine test 55 s before the compile ended and waited. A module listed here
# that comes to run the engine only waits for the compile: nothing fails.
FIRST = (
    "test_engines.py",
    "test_quality.py",
    "test_calibration_inputs.py",
    "test_config.py",
    "test_calibration_dates.py",
    "test_bad_input.py",
    "test_workforce.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules in :data:`FIRST`'s order, then by number of tests (most first); each module's own order kept."""
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def rank(module: str) -> tuple[int, int]:
        name = module.rsplit("/", 1)[-1]
        return (FIRST.index(name) if name in FIRST else len(FIRST), -len(modules[module]))

    items[:] = [item for module in sorted(modules, key=rank) for item in modules[module]]


@pytest.fixture(scope="session")
def five_scenario_result() -> ExperimentResult:
    """A real run of org_structures (5 scenarios, long names, every pipeline), small: 3 runs of 60 days."""
    import simulator

    experiment = simulator.load_experiment("org_structures", ["runs=3", "clock.horizon_days=60", "clock.warmup_days=0"])
    return simulator.run_experiment(experiment, workers=1)
