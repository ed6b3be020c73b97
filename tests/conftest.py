"""Shared pytest settings: Hypothesis profiles sized for a 2-core CI machine."""

from __future__ import annotations

import os
import warnings

from hypothesis import HealthCheck, settings

from simulator.config.validation import PipelineShapeWarning

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
warnings.filterwarnings("ignore", category=PipelineShapeWarning)
