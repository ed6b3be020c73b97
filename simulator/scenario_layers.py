"""One scenario's config, composed in layers: the experiment's base, the user's overrides, the scenario's own.

:mod:`simulator.compose` composes every scenario of an experiment through
:func:`compose_layers`. Hydra merges a mapping override into the mapping there key by key;
here a distribution given whole (``market.deal_value={dist:gamma,mean:30000,cv:0.8}``, or a
bare number for a constant) replaces the one there, a mapping given for a mapping is merged
after Hydra's composition (its distributions replaced whole), and a user's override whose
key a scenario lacks is skipped for that scenario (the caller tells it once). This module,
with :mod:`simulator.compose`, :mod:`simulator.cli`, :mod:`simulator.command_line` and
:mod:`simulator.job`, may import Hydra.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig, OmegaConf

from simulator.command_line import composition_issue, parse_overrides
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.key_suggestions import ABSENT, no_such_key, node_at
from simulator.mapping_overrides import merge_mapping, unknown_inner_keys
from simulator.user_overrides import UserOverride, classify

Composer = Callable[[list[str]], DictConfig]
"""Composes the experiment's base config with a list of Hydra overrides."""


def plain(cfg: DictConfig) -> dict[str, Any]:
    """A composed config as plain dicts and lists, resolved, without Hydra's own node."""
    container = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(container, dict)
    container.pop("hydra", None)
    return {str(k): v for k, v in container.items()}


@dataclass(slots=True)
class Composed:
    """A scenario's composed config, the user's overrides skipped there, and those its own values hid."""

    config: dict[str, Any]
    skipped: list[UserOverride]
    hidden: list[tuple[UserOverride, str]]
    strays: list[tuple[UserOverride, list[ConfigIssue]]] = field(default_factory=list)  # keys inside a mapping


def _exists(cfg: DictConfig, key: str) -> bool:
    try:
        return OmegaConf.select(cfg, key, default=ABSENT, throw_on_missing=False) is not ABSENT
    except Exception:
        return False


def compose_layers(
    user: Sequence[UserOverride],
    scenario: Sequence[str],
    composer: Composer,
    where: str,
    shown: Any,
    groups: Collection[str] = (),
) -> Composed:
    """Compose the experiment's base, then ``user``'s overrides that apply, then ``scenario``'s.

    A distribution given whole (``market.deal_value={dist:gamma,mean:30000,cv:0.8}``, or
    a bare number, a constant) replaces the one there instead of being merged key by key
    into it (Hydra's way, which mixes the two kinds' keys): it is left out of Hydra's
    composition and set afterwards, the user's first, then the scenario's.
    """
    own = {o.key_or_group: o for o in parse_overrides(scenario, where) if not o.is_hydra_override()}
    classified = classify(scenario, groups, where) if own else []  # the scenario's own, each with its kind
    chosen = {o.key for o in classified if o.kind == "group"}
    for u in user:  # a mapping on a group's config (org={...}) sets values on the file the scenario chooses
        if u.kind == "value" and isinstance(u.value, Mapping) and u.key in chosen:
            own.pop(u.key, None)
    hidden = [(u, str(own[u.key].input_line)) for u in user if u.key in own and own[u.key].value() != u.value]
    hidden += [  # the scenario sets a key inside a mapping the user gave (org.teams.sdr={headcount:5})
        (u, str(o.input_line))
        for u in user
        if u.kind in ("value", "add") and isinstance(u.value, Mapping)
        for key, o in own.items()
        if key.startswith(u.key + ".") and node_at(u.value, key[len(u.key) + 1 :].split(".")) not in (ABSENT, o.value())
    ]
    kept = [u for u in user if u.key not in own]
    whole = [u for u in kept if _is_whole_distribution(u)]
    own_whole = [o for o in classified if _is_whole_distribution(o)]
    kept = [u for u in kept if u not in whole]
    scenario = [line for line in scenario if line not in {o.line for o in own_whole}]
    checked = [u for u in kept if u.kind in ("value", "delete")]
    missing: list[UserOverride] = []
    strays: list[tuple[UserOverride, list[ConfigIssue]]] = []
    merged: list[UserOverride] = []
    try:
        try:  # the usual case: every key exists here (Hydra refuses a plain override of a missing key)
            config = plain(composer([*(u.line for u in kept), *scenario]))
        except Exception:
            if not checked:
                raise
            probe = composer([*(u.line for u in kept if u not in checked), *scenario])
            whole += [u for u in checked if u.kind == "value" and _is_distributionnode_at(probe, u.key)]
            missing = [u for u in checked if u not in whole and not _exists(probe, u.key)]
            # a mapping given for a mapping here is merged into it below, its distributions replaced whole;
            # one naming a key the mapping lacks does not apply here, as a key that is not here
            found = plain(probe)
            for u in checked:
                if (
                    u not in whole
                    and u not in missing
                    and u.kind == "value"
                    and isinstance(u.value, Mapping)
                    and isinstance(node_at(found, u.key.split(".")), dict)  # a mapping for a list: Hydra's words
                ):
                    wrong = unknown_inner_keys([u], found)
                    if wrong:
                        strays.append((u, wrong))
                    else:
                        merged.append(u)
            missing += [u for u, _ in strays]
            left_out = [*missing, *whole, *merged]
            config = plain(composer([*(u.line for u in kept if u not in left_out), *scenario]))
    except Exception as error:
        issues = _own_key_issues(kept, scenario, composer, where, groups)
        issues += [i for _, wrong in strays for i in wrong]  # a mapping's wrong keys are named too, not lost
        if not issues:
            issue = composition_issue(error, where, shown)
            name = where.removeprefix("experiment.scenarios.")
            if name != where and f"{issue.key}={issue.value}" in scenario:  # its own group choice: name it
                issue = ConfigIssue(f"[scenario {name}] {issue.key}", issue.value, issue.allowed)
            issues = [issue]
        raise ConfigError(issues) from None
    if merged:  # merged after Hydra's composition: the scenario's own values set again, as they win
        own_values = [o for o in classified if o.kind in ("value", "add") and o not in own_whole]
        kept_own = {o.key: copy.deepcopy(node_at(config, o.key.split("."))) for o in own_values}
        for u in merged:
            merge_mapping(config, u)
        for key, value in kept_own.items():
            if value is not ABSENT:
                _replace(config, UserOverride(key, key, "value", value))
    missing += [u for u in whole if not _replace(config, u)]
    absent = [o for o in own_whole if not _replace(config, o)]
    if absent:
        name = where.rsplit(".", 1)[-1]
        words = f"scenario {name} has no such key"
        raise ConfigError(
            [
                ConfigIssue(f"[scenario {name}] {o.key}", o.value, no_such_key(o.key, [config], words, value=o.value))
                for o in absent
            ]
        )
    return Composed(config, missing, hidden, strays)


def _is_whole_distribution(override: UserOverride) -> bool:
    """A plain override whose value is a whole distribution (a mapping with ``dist``)."""
    return override.kind == "value" and isinstance(override.value, Mapping) and "dist" in override.value


def _is_distributionnode_at(cfg: DictConfig, key: str) -> bool:
    """The key holds a distribution mapping (``{dist: ...}``), which a bare number replaces whole."""
    try:
        node = OmegaConf.select(cfg, key, default=None, throw_on_missing=False)
    except Exception:
        return False
    return isinstance(node, DictConfig) and "dist" in node


def _replace(config: dict[str, Any], override: UserOverride) -> bool:
    """Set an existing key of a plain config to the override's value; False if the key is not there."""
    *path, last = override.key.split(".")
    parent = node_at(config, path)
    if isinstance(parent, dict) and last in parent:
        parent[last] = override.value
        return True
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = override.value
        return True
    return False


def _own_key_issues(
    kept: Sequence[UserOverride], scenario: Sequence[str], composer: Composer, where: str, groups: Collection[str]
) -> list[ConfigIssue]:
    """A scenario's own overrides whose key its config does not have, in salesim's words."""
    own = classify(scenario, groups, where)
    values = [o for o in own if o.kind in ("value", "delete")]
    if not values:
        return []
    try:
        probe = plain(
            composer([*(u.line for u in kept if u.kind in ("group", "add")), *(o.line for o in own if o not in values)])
        )
    except Exception:
        return []
    name = where.rsplit(".", 1)[-1]
    absent = [o for o in values if node_at(probe, o.key.split(".")) is ABSENT]
    return [
        *(
            ConfigIssue(
                f"[scenario {name}] {o.key}",
                o.value,
                no_such_key(o.key, [probe], f"scenario {name} has no such key", value=o.value),
            )
            for o in absent
        ),
        *unknown_inner_keys([o for o in values if o not in absent], probe, f"[scenario {name}] "),
    ]
