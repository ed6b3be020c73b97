"""Scenario dicts for tests: the shipped YAMLs, and textbook queues built from scratch; shipped experiments run."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import yaml

import simulator
from simulator.config.schema import parse_scenario
from simulator.config.validation import validate_scenario
from simulator.model.scenario import Scenario, compile_scenario
from simulator.run.experiment import ExperimentResult
from simulator.run.settings import RunnerSettings

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"


def shipped(org: str = "generalist", **sections: str) -> dict[str, Any]:
    """The shipped config sections as one dict (defaults of configs/config.yaml)."""
    choice = {"market": "default", "pipeline": "new_business", "org": org, "effects": "default", "clock": "year"}
    choice.update(sections)
    return {group: yaml.safe_load((CONFIGS / group / f"{name}.yaml").read_text()) for group, name in choice.items()}


def shipped_run(experiment: str, store: Path, runs: int | None = None) -> ExperimentResult:
    """A shipped experiment run in this process on the compiled engine, its results in ``store``.

    ``runs``: replications per scenario; None keeps the experiment's own.
    """
    loaded = simulator.load_experiment(experiment, [f"runs={runs}"] if runs is not None else [])
    return simulator.run_experiment(loaded, settings=RunnerSettings(workers=1, engine="fast"), store_dir=store)


def compiled(data: dict[str, Any], name: str = "test") -> Scenario:
    """Parse, validate and compile a scenario dict."""
    config = parse_scenario(data)
    validate_scenario(config)
    return compile_scenario(config, name)


def single_stage_queue(
    arrivals_per_day: float,
    mean_service_days: float,
    reps: int,
    horizon_days: float,
    warmup_days: float = 0.0,
    conversion: float = 1.0,
    service: dict[str, Any] | None = None,
    assignment: str = "pooled",
    priority: str = "fifo",
) -> dict[str, Any]:
    """One stage, Poisson arrivals, c reps: an M/M/c queue when service is exponential and pooled.

    Hours per day and selling fraction are 1, so effort in hours is service time in days.
    """
    return {
        "market": {
            "name": "queue",
            "sources": {"arrivals": {"leads_per_month": arrivals_per_day * 20}},
            "seasonality": [1.0] * 12,
            "segments": {"all": 1.0},
            "deal_value": {"dist": "constant", "value": 1000.0},
            "buying_circle": {"dist": "constant", "value": 1},
        },
        "pipeline": {
            "name": "one_stage",
            "stages": [
                {
                    "name": "serve",
                    "role": "server",
                    "effort_hours": service or {"dist": "exponential", "mean": mean_service_days},
                    "delay_days": 0,
                    "conversion": conversion,
                }
            ],
        },
        "org": {
            "name": "servers",
            "teams": {
                "servers": {
                    "role": "server",
                    "headcount": reps,
                    "hours_per_day": 1.0,
                    "selling_fraction": 1.0,
                    "assignment": assignment,
                    "priority": priority,
                }
            },
            "default_team": "servers",
        },
        "effects": {"speed_to_lead": {"exponent": 0.0}, "skill_weight": 0.0},
        "clock": {"horizon_days": horizon_days, "warmup_days": warmup_days, "days_per_year": 240},
    }


THREE_STAGE_CONVERSIONS = (0.5, 0.5, 0.3)


def three_stage_network(
    arrivals_per_day: float = 20.0,
    reps: int = 11,
    mean_effort_hours: float = 1.0,
    mean_delay_days: float = 2.0,
    horizon_days: float = 250.0,
    warmup_days: float = 0.0,
    conversions: tuple[float, float, float] = THREE_STAGE_CONVERSIONS,
) -> dict[str, Any]:
    """The canonical 3-stage network: Poisson leads, one pooled FIFO team, exponential effort and delays.

    A lead passes stage ``s`` with probability ``conversions[s]`` (no effects: speed to lead,
    skill and buying circle are switched off), waits the buyer's exponential delay and
    queues again for the same pool of reps. With 4 selling hours a day and a 1-hour mean
    effort the team is one M/M/c station visited ``1 + p1 + p1 p2`` times per lead, so
    its wait is Erlang C at the total visit rate (a Jackson network: the delays are an
    infinite-server station). The defaults load it to rho = 20 x 1.75 x 0.25 / 11 = 0.80.
    """
    names = ("qualify", "evaluate", "close")
    return {
        "market": {
            "name": "network",
            "sources": {"arrivals": {"leads_per_month": arrivals_per_day * 20}},
            "seasonality": [1.0] * 12,
            "segments": {"all": 1.0},
            "deal_value": {"dist": "constant", "value": 1000.0},
            "buying_circle": {"dist": "constant", "value": 1},
        },
        "pipeline": {
            "name": "three_stages",
            "stages": [
                {
                    "name": name,
                    "role": "rep",
                    "effort_hours": {"dist": "exponential", "mean": mean_effort_hours},
                    "delay_days": {"dist": "exponential", "mean": mean_delay_days},
                    "conversion": p,
                }
                for name, p in zip(names, conversions, strict=True)
            ],
        },
        "org": {
            "name": "pool",
            "teams": {
                "reps": {
                    "role": "rep",
                    "headcount": reps,
                    "hours_per_day": 8.0,
                    "selling_fraction": 0.5,
                    "assignment": "pooled",
                    "priority": "fifo",
                }
            },
            "default_team": "reps",
        },
        "effects": {"speed_to_lead": {"exponent": 0.0}, "skill_weight": 0.0},
        "clock": {"horizon_days": horizon_days, "warmup_days": warmup_days, "days_per_year": 240},
    }


def terminal_signals() -> None:
    """In the child: SIGINT as a terminal's foreground command has it.

    A test runner started in the background without job control (``cmd &`` in a script)
    ignores SIGINT, and so would every child, Ctrl-C tests included.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
