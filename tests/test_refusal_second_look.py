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


def test_a_sweep_s_swept_lines_are_no_problem_beside_a_plus() -> None:
    """``--multirun headcount=10,12 +seed=4`` was also told "a comma makes a list or a sweep ... or add --multirun"."""
    sweep = ["--multirun", "org.teams.full_cycle.headcount=10,12", "+seed=4"]
    assert _told("seed", 4, sweep) == ["seed = 4: is already in the config: set it without the +, seed=4"]
    told = _told("seed", 4, [*sweep, "org.teams.ae.role=wizard"])
    assert len(told) == 2 and "org.teams.ae.role = 'wizard'" in told[1], told
    assert not any("a comma makes" in line for line in told), told
