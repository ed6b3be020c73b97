"""A sweep's jobs in words: named by their own overrides, their refusals merged, a job given twice found.

Read by :mod:`simulator.hydra_callbacks` when it checks every job of a sweep before any runs
and when it names the jobs that failed or were refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from simulator.command_line import restore_overrides
from simulator.config.errors import ConfigIssue
from simulator.job import command_line_options


def job_words(numbers: Sequence[int], jobs: Sequence[Sequence[str]] | None, rewritten: Sequence[str]) -> list[str]:
    """Sweep jobs as the terminal names them: ``job 1 (headcount=14)``, with their own overrides when known."""
    if jobs is None or any(n >= len(jobs) for n in numbers):
        return [f"job {n}" for n in numbers]
    shared = set.intersection(*(set(job) for job in jobs))
    own = [" ".join(restore_overrides([o for o in jobs[n] if o not in shared], rewritten)) for n in numbers]
    return [f"job {n} ({words})" if words else f"job {n}" for n, words in zip(numbers, own, strict=True)]


def job_label(number: int, job: Sequence[str], shared: set[str], rewritten: Sequence[str]) -> str:
    """A sweep job as its issues name it: its number and its own overrides (``0: runs=2``)."""
    return f"{number}: {' '.join(restore_overrides([o for o in job if o not in shared], rewritten))}"


def merged_job_issues(found: Mapping[str, list[ConfigIssue]], n_jobs: int) -> list[ConfigIssue]:
    """Each issue once: bare when every job has it, else prefixed with the jobs that do (``[job 0: runs=2] key``)."""
    holders: dict[ConfigIssue, list[str]] = {}
    for label, issues in found.items():
        for issue in issues:
            holders.setdefault(issue, []).append(label)
    # one key refused alike in several jobs, each with its own value (a misspelt key swept over values): once
    alike: dict[tuple[str, str], list[ConfigIssue]] = {}
    for issue, labels in holders.items():
        if len(labels) < n_jobs:
            alike.setdefault((issue.key, issue.allowed), []).append(issue)
    merged = []
    told: set[tuple[str, str]] = set()
    for issue, labels in holders.items():
        if len(labels) == n_jobs:
            merged.append(issue)
            continue
        group = alike[issue.key, issue.allowed]
        if len(group) > 1:
            if (issue.key, issue.allowed) not in told:
                told.add((issue.key, issue.allowed))
                numbers = [label.partition(": ")[0] for other in group for label in holders[other]]
                values = [other.value for other in group for _ in holders[other]]
                merged.append(ConfigIssue(f"[jobs {', '.join(numbers)}] {issue.key}", values, issue.allowed))
            continue
        which = f"job {labels[0]}" if len(labels) == 1 else "jobs " + ", ".join(_in_brackets(x) for x in labels)
        merged.append(ConfigIssue(f"[{which}] {issue.key}", issue.value, issue.allowed))
    return merged


def _in_brackets(label: str) -> str:
    number, _, overrides = label.partition(": ")
    return f"{number} ({overrides})"


def repeated_jobs(jobs: Sequence[Sequence[str]], keys: Sequence[str]) -> str:
    """What a sweep's values give twice ('' when every job differs): "jobs 0 and 1 are the same (key=8)".

    ``keys``: the swept keys, whose values name the job.
    """
    first: dict[frozenset[str], int] = {}
    for number, job in enumerate(jobs):
        earlier = first.setdefault(frozenset(job), number)
        if earlier != number:
            typed = restore_overrides(list(job), command_line_options().get("rewritten", []))
            said = " ".join(o for o in typed if o.lstrip("+~").split("=", 1)[0] in keys) or " ".join(typed)
            return (
                f"jobs {earlier} and {number} are the same ({said}): a value given twice runs the same "
                "replications twice (the same seed); give each value once"
            )
    return ""
