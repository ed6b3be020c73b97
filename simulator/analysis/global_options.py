"""The global sensitivity method's options and their sizes, apart from the method that runs them.

``salesim sensitivity`` shows these defaults in its ``--help`` and refuses a bad option
before anything is composed or run: that reads this module alone, without loading SALib,
the tables or the engines (:mod:`simulator.analysis.global_sensitivity` runs the method).
"""

from __future__ import annotations

from simulator.config.errors import ConfigIssue

MORRIS_LEVELS = 4  # the levels of each lever's Morris grid (SALib's num_levels)
MORRIS_STEP = MORRIS_LEVELS / (2.0 * (MORRIS_LEVELS - 1))  # the grid step, as a share of the range: 2/3
MORRIS_MIN_TRAJECTORIES = 10  # Campolongo et al. (2007): 10 trajectories are the usual minimum, 20-50 safer
SOBOL_MIN_SAMPLES = 512  # Saltelli et al. (2010): a base sample of 500-1,000 for indices within about +-0.05
SOBOL_SMALLEST = 8  # below this the bootstrap intervals of a handful of points say nothing


def global_option_issues(method: str, levers: int, size: int, runs_per_point: int) -> list[ConfigIssue]:
    """What is wrong with the options of a global method, found before anything runs (empty: nothing).

    ``levers`` is ``--global-params``, ``size`` the trajectories (Morris) or base sample (Sobol).
    """
    if method == "none":
        return []
    if method not in ("morris", "sobol"):
        return [ConfigIssue("--global", method, "must be morris, sobol or none")]
    issues = []
    if levers < 2:
        issues.append(
            ConfigIssue("--global-params", levers, "must be at least 2 (a global method varies levers together)")
        )
    if method == "morris" and size < 1:
        issues.append(
            ConfigIssue(
                "--trajectories",
                size,
                f"must be at least 1 ({MORRIS_MIN_TRAJECTORIES} is the usual minimum, 20 to 50 safer)",
            )
        )
    if method == "sobol" and (size < SOBOL_SMALLEST or size & (size - 1)):
        issues.append(
            ConfigIssue(
                "--sobol-samples",
                size,
                f"must be a power of 2 of at least {SOBOL_SMALLEST} ({SOBOL_MIN_SAMPLES} to 1,024 settle the indices)",
            )
        )
    if runs_per_point < 2:
        issues.append(ConfigIssue("--global-runs", runs_per_point, "must be at least 2 (the noise is measured)"))
    return issues
