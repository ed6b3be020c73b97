"""Whether a resumed run asks for the same numbers as the run it resumes, and if not, where it differs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.config.errors import ConfigIssue


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value and any(isinstance(v, Mapping | list) for v in value):
        flat = {}
        for i, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}.{i}"))
        return flat
    return {prefix: value}


def config_differences(before: Mapping[str, Any], now: Mapping[str, Any], shown: int = 12) -> list[ConfigIssue]:
    """Name every setting where a resumed run differs from the run it resumes.

    Args:
        before: The interrupted run's fingerprint (from its manifest).
        now: The fingerprint of the run asking to resume.
        shown: Most differences listed (the rest are counted).
    """
    old, new = _flatten(before), _flatten(now)
    was, asked = old.get("experiment.name"), new.get("experiment.name")
    if was is not None and asked is not None and was != asked:  # another question: its settings all differ
        return [
            ConfigIssue(
                "experiment",
                asked,
                f"the folder holds an earlier run of another experiment ({was}): a resume continues the same "
                f"experiment (experiment={was}), or give another hydra.run.dir for a new run",
            )
        ]
    keys = [k for k in new if k not in old or old[k] != new[k]] + [k for k in old if k not in new]
    allowed = "differs from the earlier run in this folder ({}); a resume needs the same config (or start a new run)"
    in_base = {_user_key(k) for k in keys if k.startswith("base.")}
    # A base setting that differs differs in every scenario too: name it once.
    keys = [k for k in keys if not (k.startswith("scenarios.") and _user_key(k).split("] ")[-1] in in_base)]
    named = {_user_key(k): k for k in reversed(keys)}  # seed is both top-level and base.seed: name it once
    issues = [
        ConfigIssue(user, new.get(k, "<absent>"), allowed.format(old.get(k, "absent")))
        for user, k in reversed(named.items())
    ]
    if len(issues) > shown:
        more = len(issues) - shown
        issues = [*issues[:shown], ConfigIssue("...", more, "more settings differ from the interrupted run")]
    return issues


def _user_key(flat_key: str) -> str:
    """A fingerprint key as the user writes it: ``base.org.x`` -> ``org.x``."""
    head, _, rest = flat_key.partition(".")
    if head == "base" and rest:
        return rest
    if head == "scenarios" and rest:
        name, _, key = rest.partition(".")
        return f"[scenario {name}] {key}" if key else f"experiment.scenarios.{name}"
    return flat_key
