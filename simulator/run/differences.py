"""What each scenario of an experiment changes: its resolved settings that differ from the baseline's.

A scenario is written as a few overrides, but what is compared is the fully resolved
config (a group such as ``org=specialist`` swaps a whole org design). Walking both
configs key by key and keeping the dotted keys whose values differ (a part only one side
has, such as a team, as one row) shows a user exactly what is being compared. The
command line's ``--describe`` and the report print the same rows, from :func:`difference_rows`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.run.experiment import RUN_ANNOTATIONS, Experiment

ABSENT = "—"  # shown where one side does not have the key at all
# Top-level sections that are the experiment's, not a scenario's: every scenario shares them.
NOT_SCENARIO_SETTINGS = frozenset({"seed", "runs", "experiment", "runner", "hydra"}) | RUN_ANNOTATIONS


class _Absent:
    def __repr__(self) -> str:
        return ABSENT


MISSING = _Absent()


@dataclass(frozen=True, slots=True)
class SettingDifference:
    """One resolved setting on which a scenario differs from the baseline.

    Attributes:
        scenario: The scenario's name.
        key: The dotted key, as an override would name it (``org.teams.sdr.headcount``).
        baseline: The baseline's value; a :class:`Default` where its config leaves the key
            out and it takes a default; :data:`MISSING` if the baseline has no such key.
        value: The scenario's value, likewise.
    """

    scenario: str
    key: str
    baseline: Any
    value: Any


def _is_branch(value: Any) -> bool:
    """A mapping (but not a distribution, which reads as one value) or a list holding mappings or lists."""
    if isinstance(value, Mapping):
        return "dist" not in value
    return isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value)


def _children(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in (value.items() if isinstance(value, Mapping) else enumerate(value))}


def config_differences(baseline: Any, other: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """``(key, baseline value, other value)`` for every setting that differs, in the baseline's key order.

    Mappings and lists of mappings are compared key by key (list items by index). A part
    present on one side only (a team only one org design has) is one row holding it whole.
    """
    if _is_branch(baseline) and _is_branch(other) and isinstance(baseline, Mapping) == isinstance(other, Mapping):
        base_items, other_items = _children(baseline), _children(other)
        keys = list(base_items) + [k for k in other_items if k not in base_items]
        return [
            row
            for key in keys
            for row in config_differences(
                base_items.get(key, MISSING), other_items.get(key, MISSING), f"{prefix}{key}."
            )
        ]
    return [] if baseline == other else [(prefix.rstrip("."), baseline, other)]


def scenario_settings(experiment: Experiment) -> dict[str, dict[str, Any]]:
    """Each scenario's resolved settings as plain dicts, without the experiment's own sections."""
    resolved = experiment.resolved_config.get("scenarios") or {}
    settings = {}
    for spec in experiment.scenarios:
        data = resolved.get(spec.name)
        if not isinstance(data, Mapping):  # built by hand, not from dicts: read the typed config
            dump = getattr(spec.config, "model_dump", None)
            data = dump() if callable(dump) else dataclasses.asdict(spec.config)
        settings[spec.name] = {str(k): v for k, v in data.items() if k not in NOT_SCENARIO_SETTINGS}
    return settings


@dataclass(frozen=True, slots=True)
class Default:
    """A setting a scenario's config leaves out, at the value it takes by default."""

    value: Any


def typed_default(config: Any, key: str) -> Any:
    """The value a parsed scenario config holds at dotted ``key``, as a :class:`Default`; :data:`MISSING` if none.

    Only a plain value counts (a number, text, a list of them): a part such as a team that
    the config does not have stays absent.
    """
    found = config
    for part in key.split("."):
        if isinstance(found, Mapping):
            found = found.get(part, MISSING)
        elif isinstance(found, list | tuple):
            found = found[int(part)] if part.isdigit() and int(part) < len(found) else MISSING
        else:
            found = getattr(found, part, MISSING)
        if found is MISSING:
            return MISSING
    if _is_branch(found) or hasattr(found, "model_dump") or dataclasses.is_dataclass(found):
        return MISSING
    return Default(found)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Default) else value


def scenario_differences(experiment: Experiment) -> list[SettingDifference]:
    """Every non-baseline scenario's differences from the baseline, scenario by scenario.

    A plain setting one side leaves out is shown at its default (``0 (default)``) where
    the parsed config has one, rather than as absent.
    """
    settings = scenario_settings(experiment)
    configs = {spec.name: spec.config for spec in experiment.scenarios}
    baseline = settings.get(experiment.baseline, {})

    def filled(name: str, key: str, value: Any) -> Any:
        return typed_default(configs[name], key) if value is MISSING and name in configs else value

    differences = []
    for name, data in settings.items():
        if name == experiment.baseline:
            continue
        for key, base, value in config_differences(baseline, data):
            base, value = filled(experiment.baseline, key, base), filled(name, key, value)
            if _plain(base) == _plain(value):
                continue
            differences.append(SettingDifference(name, key, base, value))
    return differences


def format_setting(value: Any) -> str:
    """A setting as a user would write it: ``4``, ``pooled``, ``triangular(low=0.5, mode=1, high=3)``."""
    if value is MISSING:
        return ABSENT
    if isinstance(value, Default):  # a whole float the schema made of a default such as 0 reads as 0
        plain = value.value
        whole = isinstance(plain, float) and plain.is_integer() and abs(plain) < 1e16
        return f"{format_setting(int(plain) if whole else plain)} (default)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Mapping):
        if "dist" in value:
            params = ", ".join(f"{k}={format_setting(v)}" for k, v in value.items() if k != "dist")
            return f"{value['dist']}({params})"
        return "{" + ", ".join(f"{k}: {format_setting(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_setting(v) for v in value) + "]"
    return str(value)


def difference_rows(experiment: Experiment) -> tuple[list[str], list[list[str]]]:
    """The table of differences as text cells: a header and one row per scenario x differing setting.

    A scenario identical to the baseline gets one row saying so, so every scenario appears.
    """
    header = ["Scenario", "Setting", f"{experiment.baseline} (baseline)", "Scenario's value"]
    differences = scenario_differences(experiment)
    rows: list[list[str]] = []
    for spec in experiment.scenarios:
        if spec.name == experiment.baseline:
            continue
        own = [d for d in differences if d.scenario == spec.name]
        if not own:
            rows.append([spec.name, "(none: same settings as the baseline)", "", ""])
        rows += [[d.scenario, d.key, format_setting(d.baseline), format_setting(d.value)] for d in own]
    return header, rows
