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


@pytest.fixture(scope="session")
def five_scenario_result() -> ExperimentResult:
    """A real run of org_structures (5 scenarios, long names, every pipeline), small: 3 runs of 60 days."""
    import simulator

    experiment = simulator.load_experiment("org_structures", ["runs=3", "clock.horizon_days=60", "clock.warmup_days=0"])
    return simulator.run_experiment(experiment, workers=1)
