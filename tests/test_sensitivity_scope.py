"""The sensitivity report says which levers it searched: --sections and --params, not always every section."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.report.sensitivity_report import run_sensitivity, sensitivity_markdown

SHORT = ["runs=2", "clock.horizon_days=40", "clock.warmup_days=0", "runner.progress=false"]


def _levers_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("- Levers:"))


@pytest.mark.parametrize(
    ("options", "said", "not_said"),
    [
        ({"sections": ("org",)}, "- Levers: every number of org (--sections), except", "market"),
        (
            {"keys": ["org.teams.full_cycle.headcount", "org.handoff.loss_probability"]},
            "- Levers: the 2 keys given with --params",
            "every number of",
        ),
    ],
)
def test_the_report_names_the_levers_searched(
    tmp_path: Path, options: dict[str, object], said: str, not_said: str
) -> None:
    """--sections org had been reported as "every number of market, pipeline, org, workforce and ..."."""
    experiment = simulator.load_experiment(overrides=SHORT)
    keys = options.get("keys")
    study = run_sensitivity(
        experiment,
        experiment.baseline,
        "bookings",
        runs=2,
        keys=keys if isinstance(keys, list) else None,
        sections=options.get("sections", ("market", "pipeline", "org", "workforce", "pipelines")),  # type: ignore[arg-type]
        method="none",
        workers=1,
    )
    line = _levers_line(sensitivity_markdown(study, tmp_path, {}))
    assert line.startswith(said), line
    assert not_said not in line, line
