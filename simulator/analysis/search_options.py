"""The team-mix search's sizes checked before anything runs, apart from the search itself.

``salesim optimise`` refuses a bad ``--runs``, ``--trials`` or the like from this module
alone, without loading Optuna, the tables or the engines
(:mod:`simulator.analysis.optimisation` runs the search, and checks them again).
"""

from __future__ import annotations

from simulator.config.errors import ConfigIssue


def search_sizes_issue(runs: int, first_runs: int, trials: int, finalists: int, final_runs: int) -> ConfigIssue | None:
    """What is wrong with a search's sizes (None: nothing): the replications, the trials and the finalists."""
    if not 2 <= first_runs <= runs or trials < 1 or finalists < 1 or final_runs < 2:
        return ConfigIssue(
            "--runs/--first-runs/--trials/--finalists/--final-runs",
            [runs, first_runs, trials, finalists, final_runs],
            "need 2 <= first runs <= runs, at least one trial and one finalist, and at least 2 final runs",
        )
    return None
