"""``salesim sensitivity``'s options checked before anything is composed or run, apart from the study.

The command refuses a bad option naming it, and ``--help`` shows the defaults, from this
module alone: without loading the study (:mod:`simulator.report.sensitivity_report`), its
plots, the tables or the engines.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.analysis.global_options import global_option_issues
from simulator.analysis.levers import LEVER_SECTIONS, SEARCHABLE_SECTIONS
from simulator.config.errors import ConfigIssue
from simulator.config.option_errors import repeated_issue
from simulator.config.runner_settings import MAX_RUNS


def option_issues(
    runs: int, method: str, global_levers: int, size: int, global_runs: int, workers: int
) -> list[ConfigIssue]:
    """Every bad option of ``salesim sensitivity``, found before anything is composed or run."""
    issues = global_option_issues(method, global_levers, size, global_runs)
    if not 2 <= runs <= MAX_RUNS:
        issues.insert(
            0, ConfigIssue("--runs", runs, f"must be from 2 (paired differences need two runs) to {MAX_RUNS:,}")
        )
    if workers < 0:
        issues.append(ConfigIssue("--workers", workers, "must be a whole number >= 0 (0 = every core)"))
    return issues


EACH_KEY = "give each dotted key once, comma separated"
EACH_SECTION = f"give each section once, comma separated ({','.join(LEVER_SECTIONS)})"


def list_issues(keys: Sequence[str] | None, sections: Sequence[str]) -> list[ConfigIssue]:
    """``--params`` or ``--sections`` naming no value, or one twice (its levers would be moved, and run, twice)."""
    every = ",".join(LEVER_SECTIONS)
    if keys is not None and not keys:
        return [ConfigIssue("--params", "", "names no key: give dotted keys, comma separated, or leave it out")]
    if not sections:
        return [ConfigIssue("--sections", "", f"names no section: give some of {every}, comma separated")]
    unknown = [s for s in sections if s not in SEARCHABLE_SECTIONS]
    if unknown:  # "nosuch" had read "--params = [nosuch]: no lever to move", naming neither the option nor the list
        allowed = ", ".join(SEARCHABLE_SECTIONS)
        return [ConfigIssue("--sections", ",".join(unknown), f"names no section of the config: give some of {allowed}")]
    found = [
        repeated_issue("--params", keys or [], EACH_KEY),
        repeated_issue("--sections", sections, EACH_SECTION),
    ]
    return [issue for issue in found if issue is not None]
