"""The store manifest (what a run is), read without crashing, and rebuilt from the run's own record when safe.

``store/manifest.json`` is the run's fingerprint: a resume compares it with the config it
composes before it trusts a single part. A tester removed it from a run of 600
replications: the resume and a fresh run were refused as a folder holding "what salesim
did not write (bookings_fan.png, ... and 508 more)", ``verify()`` said the store was
intact and reading it raised a bare ``FileNotFoundError``; truncated, the resume said only
"cannot read" and ``verify()`` crashed. Its problem is now named (:func:`read_manifest`),
and a resume rebuilds it (:func:`rebuilt_fingerprint`) from what a finished run writes
beside its store: ``config.yaml`` (the resolved config, which holds every setting of the
fingerprint) and ``summary.json`` (scenarios, baseline, the runs each scenario got), when
both are intact, equal what the resume composes, and vouch for every part (written after
the last part, counting runs that cover each). Otherwise the resume is refused, naming
what is damaged: parts whose config cannot be checked are never read into results.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.run.experiment import RUN_ANNOTATIONS
from simulator.run.manifest import ENTRY_SUFFIX, Entry
from simulator.run.resume_match import config_differences
from simulator.run.settings import EXECUTION_KEYS
from simulator.run.store_files import MANIFEST

CONFIG_RECORD = "config.yaml"
"""The resolved config a finished run writes in its folder (:func:`simulator.report.outputs.write_tables`)."""
MANIFEST_LOST = (
    "the run's scenarios and config are unknown; a resume of the run (runner.resume=true) rebuilds it when the "
    "run's config.yaml matches"
)
"""What a reader is told of a store whose manifest is missing or damaged."""
SUMMARY_RECORD = "summary.json"
"""The run's summary: its scenarios, baseline, seed, runs and the runs each scenario got."""


def deciding_config(resolved: Mapping[str, Any]) -> dict[str, Any]:
    """The resolved config without what only says how a run was asked for or where and how fast it ran (a copy)."""
    kept = json.loads(json.dumps({k: v for k, v in resolved.items() if k not in RUN_ANNOTATIONS}, default=str))
    for section in [kept.get("base"), *dict(kept.get("scenarios") or {}).values()]:
        if isinstance(section, dict) and isinstance(section.get("runner"), Mapping):
            section["runner"] = {k: v for k, v in section["runner"].items() if k not in EXECUTION_KEYS}
    return kept


def read_manifest(store_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The store manifest as a mapping, or None and what is wrong with it (``is missing``, ``cannot be read (...)``)."""
    path = Path(store_dir) / MANIFEST
    if not path.is_file():
        return None, "is missing"
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, f"cannot be read ({error})"
    if not isinstance(recorded, dict):
        return None, "cannot be read (not a JSON object)"
    return recorded, None


def recorded_fingerprint(
    store_dir: Path, fingerprint: Mapping[str, Any], entries: Sequence[Entry], holds_run: bool
) -> tuple[dict[str, Any], str | None]:
    """The fingerprint in the store manifest, or rebuilt by :func:`rebuilt_fingerprint` and the note that says so.

    Raises:
        ConfigError: When the folder holds no run (``holds_run`` false), or as :func:`rebuilt_fingerprint`.
    """
    recorded, problem = read_manifest(store_dir)
    if recorded is not None:
        return recorded, None
    if not holds_run:
        raise ConfigError.single(
            "runner.resume",
            True,
            f"needs the folder of an interrupted run, and {Path(store_dir).parent} holds none; "
            "pass hydra.run.dir=<that folder>",
        )
    rebuilt = rebuilt_fingerprint(store_dir, fingerprint, entries, problem or "")
    record = f"{CONFIG_RECORD} and {SUMMARY_RECORD}"
    return rebuilt, f"the store manifest {MANIFEST} {problem}: rebuilt from the run's {record}, which match this config"


def _load(path: Path, reader: Any) -> tuple[dict[str, Any] | None, str]:
    if not path.is_file():
        return None, f"{path.name} is missing (a run writes it when it finishes)"
    try:
        data = reader(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as error:
        return None, f"{path.name} cannot be read ({str(error).splitlines()[0]})"
    return (data, "") if isinstance(data, dict) else (None, f"{path.name} cannot be read (not a mapping)")


def rebuilt_fingerprint(
    store_dir: Path, fingerprint: Mapping[str, Any], entries: Sequence[Entry], problem: str
) -> dict[str, Any]:
    """The fingerprint a lost or damaged store manifest held, from the run folder's record, checked.

    Args:
        store_dir: The store (``<run dir>/store``).
        fingerprint: What the resume composes (:func:`simulator.run.runner.fingerprint`).
        entries: The store's readable part entries.
        problem: What is wrong with the manifest (:func:`read_manifest`).

    Returns:
        ``fingerprint`` as JSON, when the record equals it and vouches for every part.

    Raises:
        ConfigError: Naming the damaged manifest and why the record cannot replace it (each
            differing setting when it is another config's), and what the user can do.
    """
    store_dir = Path(store_dir)
    run_dir = store_dir.parent
    lost = f"the store manifest {store_dir / MANIFEST} {problem}"
    held = f"the {sum(len(e.succeeded()) for e in entries):,} replications in {store_dir}"
    advice = (
        f"{held} cannot be checked against this command's config, so they are not used: start a new run "
        "in another folder (hydra.run.dir=DIR), or without runner.resume=true in this one to replace them"
    )
    config, why = _load(run_dir / CONFIG_RECORD, yaml.safe_load)
    summary, why_summary = _load(run_dir / SUMMARY_RECORD, json.loads)
    if config is None or summary is None:
        raise ConfigError.single("runner.resume", True, f"{lost}, and {why or why_summary}: {advice}")
    current = json.loads(json.dumps(fingerprint, default=str))
    record = {**deciding_config(config), "precision": current.get("precision")}
    record |= {"scenario_names": summary.get("scenarios"), "baseline": summary.get("baseline")}
    issues = config_differences(record, current)
    if issues:
        lead = ConfigIssue("runner.resume", True, f"{lost}; the run's {CONFIG_RECORD} differs from this command's")
        raise ConfigError([lead, *issues])
    unvouched = _unvouched(store_dir, current.get("scenario_names") or [], summary, entries)
    if unvouched:
        raise ConfigError.single("runner.resume", True, f"{lost}, and {unvouched}: {advice}")
    return current


def _unvouched(store_dir: Path, names: Sequence[str], summary: Mapping[str, Any], entries: Sequence[Entry]) -> str:
    """Why the record may not be that of these parts (a later run's, killed before it wrote one), or ``""``."""
    runs = summary.get("runs_per_scenario")
    if not isinstance(runs, Mapping):
        return f"{SUMMARY_RECORD} does not count the runs of each scenario"
    for entry in entries:
        name = names[entry.scenario_index] if 0 <= entry.scenario_index < len(names) else None
        counted = runs.get(name) if name is not None else None
        if not isinstance(counted, int) or entry.last >= counted:
            return f"part {entry.stem} is not among the runs {SUMMARY_RECORD} counts (another run's part?)"
    written = min((store_dir.parent / name).stat().st_mtime_ns for name in (CONFIG_RECORD, SUMMARY_RECORD))
    for entry in entries:
        if (store_dir / f"{entry.stem}{ENTRY_SUFFIX}").stat().st_mtime_ns > written:
            return (
                f"part {entry.stem} was written after {CONFIG_RECORD} and {SUMMARY_RECORD} "
                "(by a later run, stopped before it finished?)"
            )
    return ""
