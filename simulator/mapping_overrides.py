"""Overrides given as mappings, and ``+`` settings, across an experiment's scenarios.

A mapping (``org.handoff={loss_probability:0.1}``) sets the keys it names in the mapping
there and keeps the others, a distribution in it replaced whole; a key it names that the
mapping lacks is told with what the mapping has. A ``+`` setting of a team applies to the
scenarios that have the team. Plain dicts and lists, as the composed configurations are
once made plain (:func:`simulator.scenario_layers.plain`).
"""

from __future__ import annotations

import copy
import difflib
import json
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simulator.command_line import ALREADY_THERE
from simulator.config.errors import ConfigIssue, shown
from simulator.config.key_suggestions import ABSENT, no_such_key, node_at, schema_allows
from simulator.config.schema import ScenarioConfig
from simulator.user_overrides import UserOverride


def merge_mapping(config: dict[str, Any], override: UserOverride) -> None:
    """Merge a mapping override into the mapping at its key, key by key as Hydra would, a distribution whole."""
    pending = [(node_at(config, override.key.split(".")), override.value)]
    while pending:
        node, value = pending.pop()
        for key, given in value.items():
            here = node.get(key)
            if isinstance(given, Mapping) and "dist" not in given and isinstance(here, dict) and "dist" not in here:
                pending.append((here, given))
            else:
                node[key] = copy.deepcopy(given)


def unknown_inner_keys(
    overrides: Sequence[UserOverride], config: Mapping[str, Any], label: str = ""
) -> list[ConfigIssue]:
    """Keys inside a mapping override (``skill={mean:0,sdd:1}``) that the existing mapping there lacks.

    Hydra refuses the whole override as if its key were unknown; the key is there, and what
    is wrong is a key inside the value: that key is named, with what the mapping has.
    ``config``: the plain config composed without these overrides; ``label`` goes before each key.
    """
    issues = []
    for override in overrides:
        if override.kind != "value" or not isinstance(override.value, Mapping):
            continue
        pending = [(override.key, override.value)]
        while pending:
            key, value = pending.pop(0)
            node = node_at(config, key.split("."))
            if not isinstance(node, Mapping) or "dist" in node:
                continue  # not a mapping here (a type problem), or a distribution (replaced whole)
            for inner, given in value.items():
                full = f"{key}.{inner}"
                if str(inner) not in node:
                    if schema_allows(full, ScenarioConfig.model_json_schema()):  # known to salesim, left out here
                        words = no_such_key(full, [config], "no such key in the config", suggest=False)
                        line = shlex.quote(f"+{full}={shown(given)}")
                        words += f"; salesim knows this setting: add it with a leading +, {line}"
                    else:
                        new_scenario = new_scenario_hint(full, given)  # no close name for a scenario's own
                        words = no_such_key(
                            full, [config], "no such key in the config", suggest=not new_scenario, value=given
                        )
                        words += new_scenario
                    issues.append(ConfigIssue(f"{label}{full}", given, words))
                elif isinstance(given, Mapping):
                    pending.append((full, given))
    return issues


def new_scenario_hint(key: str, value: object) -> str:
    """For ``experiment.scenarios.NAME`` the experiment lacks: how a scenario of one's own is added ('' otherwise).

    ``experiment.scenarios.c=[org=specialist]`` had been refused as a key no scenario has,
    the way to add it (a leading +) unsaid.
    """
    parts = key.split(".")
    if len(parts) != 3 or parts[:2] != ["experiment", "scenarios"]:
        return ""
    listed = value if isinstance(value, list | tuple) else [value]
    overrides = ",".join(json.dumps(str(v)) for v in listed)  # quoted: an override's = inside Hydra's list
    line = shlex.quote(f"+{key}=[{overrides}]")
    return f"; a scenario of your own is added with a leading +, {line} (its overrides, each key=value)"


def adds_for_entries_elsewhere(
    user: Sequence[UserOverride], scenarios: Mapping[str, list[str]], composed: Callable[[list[str]], dict[str, Any]]
) -> tuple[dict[str, list[UserOverride]], list[ConfigIssue], list[UserOverride]]:
    """Where the user's ``+`` settings do not apply, and the ones that are typos.

    Args:
        user: The user's overrides (only the ``+`` ones are looked at).
        scenarios: Scenario name -> its own overrides.
        composed: Composes the config with a list of overrides, as plain dicts.

    Returns:
        Scenario -> the ``+`` settings that would make there a named entry (a team) other
        scenarios have; the issues of a ``+`` setting inside a new entry named like one a
        scenario has (``+org.teams.sdrr.specialist_uplift=0.1``: a typo, not a new team) or
        for the hires of a team no scenario has; and those ``+`` settings, composed nowhere.

    ``+org.teams.full_cycle.time_allocation.reserved_hours_per_week.partner=1`` adds a
    setting to the full-cycle team where there is one; in a scenario without that team it
    would make a team of one setting, refused as incomplete. It does not apply there, as a
    plain override of a key a scenario lacks does not; nor does a team's ``workforce.teams``
    entry (its hires) where the org has no such team. A ``+`` making an entry no scenario
    has (a new lead source) applies everywhere.
    """
    adds = [u for u in user if u.kind == "add"]
    if not adds:
        return {}, [], []
    groups = [u.line for u in user if u.kind == "group"]
    try:
        configs = {name: composed([*groups, *own]) for name, own in scenarios.items()}
    except Exception:
        return {}, [], []  # a scenario that cannot be composed is told when it is composed with everything
    skipped: dict[str, list[UserOverride]] = {}
    issues: list[ConfigIssue] = []
    told: list[UserOverride] = []  # the + settings those issues are about: composed nowhere
    for add in adds:
        parts = add.key.split(".")
        there = [node_at(c, parts) for c in configs.values()]
        if isinstance(add.value, Mapping) and "dist" in add.value and any(isinstance(n, Mapping) for n in there):
            plain_line = add.line.lstrip("+")  # a + would merge the new distribution's keys into the old one's
            words = f"{ALREADY_THERE}, {shlex.quote(plain_line)}"
            issues.append(ConfigIssue(add.key, add.value, words))
            told.append(add)
            continue
        if parts[:2] == ["workforce", "teams"] and len(parts) > 2:  # a team's hires: where the org has the team
            team = ["org", "teams", parts[2]]
            if any(node_at(c, team) is not ABSENT for c in configs.values()):
                for name, config in configs.items():
                    if node_at(config, team) is ABSENT:
                        skipped.setdefault(name, []).append(add)
            else:  # no scenario has the team: told once, with the closest team, not once a scenario
                teams = sorted({str(k) for c in configs.values() for k in (node_at(c, ["org", "teams"]) or {})})
                close = difflib.get_close_matches(parts[2], teams, n=1, cutoff=0.6)
                hint = f"did you mean 'workforce.teams.{close[0]}'?" if close else f"teams: {', '.join(teams)}"
                issues.append(ConfigIssue(add.key, add.value, f"no scenario's org has team {parts[2]}; {hint}"))
                told.append(add)
            continue
        for name, config in configs.items():
            depth = next((d for d in range(len(parts)) if node_at(config, parts[: d + 1]) is ABSENT), len(parts))
            parent = node_at(config, parts[:depth])
            named = isinstance(parent, Mapping) and parent and all(isinstance(v, Mapping) for v in parent.values())
            if depth < len(parts) - 1 and named:
                entry = parts[: depth + 1]
                if any(node_at(other, entry) is not ABSENT for other in configs.values()):
                    skipped.setdefault(name, []).append(add)
                    continue
                names = sorted({str(k) for c in configs.values() for k in (node_at(c, parts[:depth]) or {})})
                close = difflib.get_close_matches(parts[depth], names, n=1, cutoff=0.6)
                if close:  # a new entry named like one there is a typo (a new one is given whole, as a mapping)
                    where = ".".join(parts[:depth])
                    words = (
                        f"no scenario has {'.'.join(entry)}, and this + would make it from this one setting; did "
                        f"you mean '{where}.{close[0]}'?"
                    )
                    issues.append(ConfigIssue(add.key, add.value, words))
                    told.append(add)
                    break
    return skipped, issues, told


def printed_whole(overrides: Sequence[UserOverride]) -> list[ConfigIssue]:
    """Why ``--cfg`` refuses mapping overrides a run takes, and the lines that print them.

    ``--cfg`` prints Hydra's own composition, which merges a mapping into the one there key
    by key and refuses what that one lacks (a gamma's ``mean`` in a triangular); a run
    replaces a distribution whole. Deleting the key first (``~key``) and adding it back
    (``+key=value``) prints what the run gets. One issue per override holding a whole
    distribution (none: the refusal is not this one).
    """
    issues = []
    for override in overrides:
        if override.kind != "value" or not isinstance(override.value, Mapping):
            continue
        pending: list[tuple[str, Mapping[str, Any]]] = [(override.key, override.value)]
        whole: list[tuple[str, Mapping[str, Any]]] = []
        while pending:
            key, value = pending.pop()
            if "dist" in value:
                whole.append((key, value))
            else:
                pending += [(f"{key}.{k}", v) for k, v in value.items() if isinstance(v, Mapping)]
        if not whole:
            continue
        lines = " ".join(f"{shlex.quote('~' + key)} {shlex.quote(f'+{key}={shown(value)}')}" for key, value in whole)
        issues.append(
            ConfigIssue(
                override.key,
                override.value,
                "a run takes it (a distribution given whole replaces the one there), but --cfg prints Hydra's own "
                "composition, which merges a mapping into the one there key by key and refuses keys it lacks: to "
                f"print what the run gets, give {lines} instead",
            )
        )
    return issues
