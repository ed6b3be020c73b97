"""A refusal Hydra makes before salesim's checks is told with every problem a run would refuse beside it."""

from __future__ import annotations

from simulator.command_line import ALREADY_THERE
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.refusal_second_look import second_look


def _told(key: str, value: object, args: list[str]) -> list[str]:
    refusal = ConfigError([ConfigIssue(key, value, f"{ALREADY_THERE}, {key}={value}")])
    return [str(issue) for issue in second_look(refusal, args).issues]


def test_a_plus_on_a_top_level_key_does_not_hide_a_scenario_s_whole_checks() -> None:
    """``+seed=5 org.teams.ae.role=wizard`` named only the +: the role a run refuses was left for the next run."""
    told = _told("seed", 5, ["+seed=5", "org.teams.ae.role=wizard"])
    assert told[0] == "seed = 5: is already in the config: set it without the +, seed=5", told
    assert len(told) == 2 and told[1].startswith("[scenario specialist] org.teams.ae.role = 'wizard': "), told
    told = _told("runner.workers", 2, ["+runner.workers=2", "experiment.decision.primary=booking"])
    assert len(told) == 2 and "did you mean 'bookings'?" in told[1], told


def test_a_plus_alone_is_told_alone() -> None:
    assert _told("seed", 5, ["+seed=5"]) == ["seed = 5: is already in the config: set it without the +, seed=5"]
    assert _told("seed", 5, ["+seed=5", "org.teams.ae.headcount=3"]) == [
        "seed = 5: is already in the config: set it without the +, seed=5"
    ]
