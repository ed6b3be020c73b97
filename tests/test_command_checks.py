"""The commands beside a run check the experiment whole before they run, as a run does."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.subcommands import run_subcommand

WIZARD = "org.teams.full_cycle.role=wizard"


@pytest.mark.parametrize(
    "command",
    [
        ["warmup", "--runs", "2", "--years", "1"],  # had run and written its study (exit 0)
        ["sensitivity", "--runs", "2", "--global", "none"],  # had read "--params = [...]: no lever to move"
        ["optimise", "--team", "full_cycle=10:11", "--trials", "2", "--runs", "2", "--final-runs", "4"],
    ],
    ids=lambda c: c[0],
)
def test_a_scenario_a_run_refuses_is_refused_by_every_command(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = run_subcommand(command[0], [*command[1:], WIZARD, "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "org.teams.full_cycle.role = 'wizard': no stage, pay line" in err, err
    assert "no lever to move" not in err and "nothing was run" in err, err
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["sensitivity", "--runs", "x"], "--runs = 'x'"),
        (["optimise", "--team", "full_cycle=10:x"], "--team = 'full_cycle=10:x'"),
        (["optimise", "--team", "full_cycle=10:12", "--runs", "x"], "--runs = 'x'"),
        (["warmup", "--runs", "0"], "--runs = 0"),
    ],
    ids=["sensitivity", "optimise-team", "optimise-runs", "warmup"],
)
def test_a_bad_option_does_not_hide_the_overrides_problems(
    command: list[str], option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sensitivity --runs x seed=abc`` named only --runs: seed came on the next try."""
    out = tmp_path / "out"
    status = run_subcommand(command[0], [*command[1:], "seed=abc", WIZARD, "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "(3 problems)" in err and option in err, err
    assert "seed = 'abc': must be a whole number from 0" in err, err
    assert "org.teams.full_cycle.role = 'wizard'" in err, err
    assert not out.exists()
