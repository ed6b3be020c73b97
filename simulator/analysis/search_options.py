"""The team-mix search's sizes checked before anything runs, apart from the search itself.

``salesim optimise`` refuses a bad ``--runs``, ``--trials`` or the like from this module
alone, without loading Optuna, the tables or the engines
(:mod:`simulator.analysis.optimisation` runs the search, and checks them again).
"""

from __future__ import annotations

from simulator.config.errors import ConfigIssue


def search_sizes_issues(
    runs: int, first_runs: int, trials: int, finalists: int, final_runs: int, exhaustive: bool = False
) -> list[ConfigIssue]:
    """What is wrong with a search's sizes, each naming its own option (empty: nothing).

    ``--trials 0`` had read ``--runs/--first-runs/--trials/--finalists/--final-runs = [8, 3, 0,
    3, 40]: need ...``, leaving the user to count along five options for the one at fault.
    With ``exhaustive`` every mix gets ``runs``: there are no trials or first runs to check.
    """
    issues = []
    if runs < 2:
        issues.append(ConfigIssue("--runs", runs, "must be a whole number >= 2 (replications of a mix not pruned)"))
    elif not exhaustive and not 2 <= first_runs <= runs:  # a --runs at fault is named alone
        issues.append(ConfigIssue("--first-runs", first_runs, f"must be from 2 to --runs ({runs})"))
    if not exhaustive and trials < 1:
        issues.append(ConfigIssue("--trials", trials, "must be a whole number >= 1 (mixes to simulate)"))
    if finalists < 1:
        issues.append(ConfigIssue("--finalists", finalists, "must be a whole number >= 1 (mixes to re-run)"))
    if final_runs < 2:
        issues.append(
            ConfigIssue("--final-runs", final_runs, "must be a whole number >= 2 (a paired difference needs two runs)")
        )
    return issues
