"""A ``--multirun`` sweep's jobs, read from their folders: the table of every job's summary and each job's runs.

Each job of a sweep is a whole experiment in its own folder (``0/``, ``1/``, ...) with
its ``summary.csv``, ``replications.csv`` and ``config.yaml``; jobs share the seed, so run
*r* of every job replays the same leads with the same luck. :func:`gather` reads them into
one table, one row per job (point) x scenario x KPI, with a column per swept parameter (the
overrides whose value differs between jobs); :func:`job_runs` and :func:`pair_runs` read the
jobs' runs for the paired comparisons. It reads only files, so it works whatever launcher
ran the jobs (basic or joblib).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.analysis.formatting import format_money
from simulator.analysis.wording import count_of, join_words
from simulator.run.experiment import REPLACED_OVERRIDES, SKIPPED_OVERRIDES


@dataclass(slots=True)
class Sweep:
    """A gathered sweep.

    Attributes:
        table: One row per job x scenario x KPI: ``job``, ``overrides``, a column per
            swept parameter, then the job's summary columns (``scenario``, ``kpi``, ``n``,
            ``mean``, ``std``, ``ci_low``, ``ci_high``, ``p10``, ``p50``, ``p90``).
        params: The swept parameters (keys whose value differs between jobs), in the order typed.
        kpi: The KPI the answer is read on.
        baseline: The experiment's baseline scenario.
        scenarios: Every scenario, baseline first.
        experiment: The experiment's name.
        jobs: Job folder -> its parameter values.
        guardrails: The experiment's guardrail KPIs (that must not get worse for the answer to hold).
        fixed: Scenario -> {swept parameter: the scenario's own override of it}: the sweep
            does not move that key in that scenario (its own setting replaces the sweep's).
        absent: Scenario -> the swept parameters it has no such key for: the sweep was
            skipped there (a team only another scenario has), so it is the same design at
            every point.
        experiment_baseline: The experiment's baseline when the sweep is read on another
            scenario (:func:`read_on_moved`: it moves nothing in the baseline); '' otherwise.
        target: The decision rule's target of the KPI (``experiment.decision.rule.target``),
            in its unit; None without one.
        effort_from: The export a calibrated baseline's effort per deal was assumed for
            (``pipeline.fitted_from``): what a headcount sweep reads rests on it; '' otherwise.
        missing: Job folder -> its own overrides, for each job of the sweep with no results
            (failed, refused, or not run: a sweep stopped before it); empty when every job has.
        expected: The sweep's jobs in all (0 when not known: a sweeper other than the basic one).
        failed: Job folder -> its failed replications, for each job gathered that finished with
            some (exit status 3: its cells are read over the runs left); empty when none had.
    """

    table: pd.DataFrame
    params: list[str]
    kpi: str
    baseline: str
    scenarios: list[str]
    experiment: str
    jobs: dict[str, dict[str, str]] = field(default_factory=dict)
    guardrails: list[str] = field(default_factory=list)
    fixed: dict[str, dict[str, str]] = field(default_factory=dict)
    absent: dict[str, list[str]] = field(default_factory=dict)
    experiment_baseline: str = ""
    target: float | None = None
    effort_from: str = ""
    missing: dict[str, str] = field(default_factory=dict)
    expected: int = 0
    failed: dict[str, int] = field(default_factory=dict)

    def unmoved(self, scenario: str) -> bool:
        """Whether the sweep moved nothing in ``scenario``: each swept key its own, or one it lacks."""
        held = set(self.fixed.get(scenario, {})) | set(self.absent.get(scenario, []))
        return bool(self.params) and held >= set(self.params)


def setting_words(param: str, value: object) -> str:
    """A swept value as a reader reads it: the plan's bookings in dollars, the rest as written."""
    if param.startswith("plan.bookings") and isinstance(value, int | float):
        return format_money(float(value))
    return str(value)


def cell_words(sweep: Sweep, row: pd.Series) -> str:
    """A point of the sweep: ``org.teams.sdr.headcount=5, plan.bookings=$12.00M`` (its job's name without params)."""
    return ", ".join(f"{p}={setting_words(p, row[p])}" for p in sweep.params) or f"job {row['job']}"


def _pairs(overrides: Sequence[str]) -> dict[str, str]:
    found = {}
    for line in overrides:
        key, sep, value = str(line).lstrip("+~").partition("=")
        if sep and not key.startswith("hydra."):
            found[key] = value
    return found


def with_missing(sweep: Sweep, expected: Sequence[Sequence[str]]) -> Sweep:
    """``sweep`` with the jobs of ``expected`` (each job's overrides, in job order) that it has no results of.

    A job has results when a gathered job folder ran its overrides (``runner.resume`` aside).
    """
    shared = set.intersection(*(set(job) for job in expected)) if expected else set()
    ran = set(sweep.table["overrides"])
    missing = {
        str(number): " ".join(o for o in job if o not in shared and not _resumed(o)) or f"job {number}"
        for number, job in enumerate(expected)
        if " ".join(_as_run(job)) not in ran
    }
    return replace(sweep, missing=missing, expected=len(expected))


def missing_words(sweep: Sweep) -> str:
    """The sweep's jobs with no results, named, and what the answer is over ('' when none is missing)."""
    if not sweep.missing:
        return ""
    named = join_words([f"job {job} ({words})" for job, words in sweep.missing.items()])
    have = sweep.expected - len(sweep.missing)
    verb = "has" if len(sweep.missing) == 1 else "have"
    return (
        f"{len(sweep.missing)} of the sweep's {sweep.expected} jobs {verb} no results (failed, refused or not run: "
        f"its folder or the terminal says why): {named}. The answer is over the {have} that finished; "
        "a sweep stopped before its end resumes with runner.resume=true."
    )


def failed_words(sweep: Sweep) -> str:
    """The sweep's jobs that finished with failed replications, named, and what that means ('' when none did)."""
    if not sweep.failed:
        return ""
    named = join_words([f"{_job_point(sweep, job)}, {count_of(n, 'replication')}" for job, n in sweep.failed.items()])
    one = len(sweep.failed) == 1
    return (
        f"Replications failed in {count_of(len(sweep.failed), 'job')} of the sweep: {named}. "
        f"{'Its' if one else 'Their'} cells are read over the runs left, fewer than asked; "
        f"{'its' if one else 'each'} folder's failures.json lists the failures, and the sweep resumed with "
        "runner.resume=true tries them again."
    )


def _job_point(sweep: Sweep, job: str) -> str:
    """A gathered job by its folder and its values of the swept parameters: ``job 1 (org.teams.sdr.headcount=5)``."""
    values = sweep.jobs.get(job, {})
    words = ", ".join(f"{p}={setting_words(p, _value(values[p]))}" for p in sweep.params if p in values)
    return f"job {job} ({words})" if words else f"job {job}"


def replication_failures(job_dir: Path) -> int:
    """How many replications failed in the run of ``job_dir``: its ``failures.json`` (written only when one did)."""
    path = job_dir / "failures.json"
    if not path.is_file():
        return 0
    try:
        failures = json.loads(path.read_text())
    except (OSError, ValueError):
        return 1  # there, so one did at least
    return max(1, len(failures)) if isinstance(failures, list) else 1


def _as_run(overrides: Sequence[str]) -> tuple[str, ...]:
    """A job's overrides as its settings: how it was run again (``runner.resume``) left out."""
    return tuple(str(o) for o in overrides if not _resumed(str(o)))


def _resumed(line: str) -> bool:
    return line.lstrip("+~").startswith("runner.resume=")


def gather(sweep_dir: Path, expected: Sequence[Sequence[str]] | None = None) -> Sweep | None:
    """Read every finished job of ``sweep_dir`` (None when no job wrote a summary).

    ``expected``: the sweep's jobs (each one's overrides as typed), when known: a job folder
    that ran none of them (an earlier sweep's in the same folder: more jobs, or other values,
    its job refused on a resume with a changed value) is not this sweep's and is left out.
    """
    wanted = None if expected is None else {_as_run(job) for job in expected}
    tables, jobs = [], {}
    meta: dict[str, Any] = {}
    replaced: dict[str, dict[str, str]] = {}
    skipped: dict[str, set[str]] = {}
    failed: dict[str, int] = {}
    for job_dir in sorted((p for p in sweep_dir.iterdir() if (p / "summary.csv").is_file()), key=_job_order):
        job_meta = yaml.safe_load((job_dir / "config.yaml").read_text()) or {}
        # how a job was run again is no setting of it: a resumed sweep gathers as one never stopped
        overrides = list(_as_run(job_meta.get("command_line_overrides", [])))
        if wanted is not None and tuple(overrides) not in wanted:
            continue
        meta, summary = job_meta, pd.read_csv(job_dir / "summary.csv")
        jobs[job_dir.name] = _pairs(overrides)
        if failures := replication_failures(job_dir):
            failed[job_dir.name] = failures
        for scenario, lines in (meta.get(REPLACED_OVERRIDES) or {}).items():
            replaced.setdefault(str(scenario), {}).update({str(k): str(v) for k, v in dict(lines).items()})
        for scenario, keys in (meta.get(SKIPPED_OVERRIDES) or {}).items():
            skipped.setdefault(str(scenario), set()).update(str(k) for k in keys)
        summary.insert(0, "overrides", " ".join(overrides))
        summary.insert(0, "job", job_dir.name)
        tables.append(summary)
    if not tables:
        return None
    keys = list(dict.fromkeys(k for pairs in jobs.values() for k in pairs))
    params = [k for k in keys if len({pairs.get(k) for pairs in jobs.values()}) > 1]
    table = pd.concat(tables, ignore_index=True)
    for position, key in enumerate(params):
        table.insert(2 + position, key, table["job"].map(lambda job, key=key: _value(jobs[job].get(key))))
    found = meta.get("experiment")
    experiment: dict[str, Any] = found if isinstance(found, dict) else {}
    decision = experiment.get("decision")
    kpi = str(decision.get("primary", "bookings")) if isinstance(decision, dict) else "bookings"
    given = decision.get("guardrails") if isinstance(decision, dict) else None
    guardrails = [str(g) for g in given if str(g) in set(table["kpi"])] if isinstance(given, list) else []
    scenarios = list(dict.fromkeys(table["scenario"]))
    baseline = str(experiment.get("baseline") or scenarios[0])
    scenarios = [baseline, *[s for s in scenarios if s != baseline]]
    name = str(experiment.get("name", sweep_dir.name))
    fixed = {name: {k: v for k, v in lines.items() if k in params} for name, lines in replaced.items()}
    fixed = {name: lines for name, lines in fixed.items() if lines}
    absent = {name: [k for k in params if k in keys] for name, keys in skipped.items()}
    absent = {name: keys for name, keys in absent.items() if keys}
    rule = decision.get("rule") if isinstance(decision, dict) else None
    target = rule.get("target") if isinstance(rule, dict) else None
    number = float(target) if isinstance(target, int | float) and not isinstance(target, bool) else None
    own = (meta.get("scenarios") or {}).get(baseline) or {}
    fitted = (own.get("pipeline") or {}).get("fitted_from") if isinstance(own, dict) else None
    effort_from = str(fitted) if fitted else ""
    return Sweep(
        table,
        params,
        kpi,
        baseline,
        scenarios,
        name,
        jobs,
        guardrails,
        fixed,
        absent,
        target=number,
        effort_from=effort_from,
        failed=failed,
    )


def read_on_moved(sweep: Sweep) -> Sweep:
    """The sweep read on the first scenario it moves, when it moves nothing in the baseline; else ``sweep``.

    Sweeping the SDRs' headcount on generalist vs specialist: the generalist baseline has
    no SDR team, so its cells are one design, and an answer read on it said nothing of
    the specialist's, the scenario swept.
    """
    if not sweep.unmoved(sweep.baseline):
        return sweep
    moved = [s for s in sweep.scenarios if not sweep.unmoved(s)]
    if not moved:
        return sweep
    read = moved[0]
    order = [read, *(s for s in sweep.scenarios if s != read)]
    return replace(sweep, baseline=read, scenarios=order, experiment_baseline=sweep.baseline)


def _job_order(path: Path) -> tuple[int, str]:
    return (int(path.name), "") if path.name.isdigit() else (1 << 30, path.name)


def _value(text: str | None) -> object:
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def job_runs(sweep: Sweep, sweep_dir: Path, scenario: str) -> pd.DataFrame | None:
    """Each job's runs of ``scenario`` as one table, the job's folder as its scenario (None if a job's are missing).

    Columns: ``scenario`` (the job), ``replication``, the KPI and the guardrails. Jobs share
    the seed, so run *r* of two jobs is a pair (common random numbers).
    """
    wanted = {"scenario", "replication", sweep.kpi, *sweep.guardrails}
    frames = []
    for job in sweep.jobs:
        path = sweep_dir / job / "replications.csv"
        if not path.is_file():
            return None
        runs = pd.read_csv(path, usecols=lambda c: c in wanted)
        if sweep.kpi not in runs.columns:
            return None
        frames.append(runs[runs["scenario"] == scenario].assign(scenario=job))
    return pd.concat(frames, ignore_index=True) if frames else None


def pair_runs(sweep_dir: Path, jobs: Sequence[str], scenario: str) -> pd.DataFrame | None:
    """``scenario``'s runs in two jobs, every column, the job's folder as its scenario (None if a job's are missing).

    Every KPI, not only the swept one: :func:`~simulator.analysis.comparison.compare` judges
    whether two jobs' runs are identical on all of them.
    """
    frames = []
    for job in jobs:
        path = sweep_dir / job / "replications.csv"
        if not path.is_file():
            return None
        runs = pd.read_csv(path)
        frames.append(runs[runs["scenario"] == scenario].assign(scenario=job))
    return pd.concat(frames, ignore_index=True)
