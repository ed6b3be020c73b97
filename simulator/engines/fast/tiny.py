"""A tiny scenario that exercises every compiled function once, to compile (or load) them all."""

from __future__ import annotations

from typing import Any

from simulator.config.schema import parse_scenario
from simulator.model.scenario import Scenario, compile_scenario

_TINY: dict[str, Any] = {
    "market": {
        "name": "tiny",
        "sources": {"inbound": {"leads_per_month": 40}},
        "seasonality": [1.0] * 12,
        "segments": {"all": 1.0},
        "deal_value": {"dist": "constant", "value": 1000.0},
        "buying_circle": {"dist": "constant", "value": 1},
    },
    "pipeline": {
        "name": "tiny",
        "stages": [
            {"name": f"s{k}", "role": "rep", "effort_hours": 1.0, "delay_days": 1.0, "conversion": 0.5}
            for k in range(4)
        ],
    },
    "org": {
        "name": "tiny",
        "teams": {"reps": {"role": "rep", "headcount": 2, "assignment": "least_loaded"}},
        "default_team": "reps",
    },
    "workforce": {
        "reassignment_loss_probability": 0.1,
        "roles": {
            "rep": {
                "ramp": {"productivity": [0.5], "skill_shift": [-0.1]},
                "attrition_rate": 2.0,
                "backfill_days": 5.0,
                "initial_tenure_months": 1.0,
                "coaching_rate": 0.1,
            }
        },
    },
    "clock": {"horizon_days": 60.0, "warmup_days": 0.0},
}


def tiny_scenario() -> Scenario:
    """Four stages, two reps who ramp, leave, are replaced and coached, over 60 days."""
    return compile_scenario(parse_scenario(_TINY), "tiny")
