"""What a configuration has where a key the user named does not exist, and the closest key it has.

A refused override names what exists where the key stops and, when one is close, the key
that was probably meant (``did you mean 'org.teams.ae.headcount'?``). Plain nested
dicts and lists, as the composed configurations are once made plain.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from simulator.config.retired import retired_words

ABSENT = object()  # what :func:`node_at` returns where a key is missing

OUTPUT_WORDS = frozenset({"output", "outputs", "output_dir", "output_folder", "out", "out_dir", "outdir", "dir"})
"""Top-level keys a user types for the output folder, which Hydra chooses (``hydra.run.dir``)."""


def no_such_key(
    key: str, configs: Sequence[Mapping[str, Any]], words: str, suggest: bool = True, value: Any = ABSENT
) -> str:
    """``words`` on a key the configs lack, then what exists where the key stops, and the closest key.

    ``suggest``: False leaves out the closest key (a key salesim knows is no typo). A key salesim
    no longer has (:mod:`simulator.config.retired`) is refused in its own words instead, with
    ``value`` (the value given) in them where they use it.
    """
    retired = retired_words(key, configs, None if value is ABSENT else value)
    if retired:  # pipelines.partner.margin_share=0.3 had read "no such key", where it went unsaid
        return retired
    parts = key.split(".")
    parent: list[str] = []
    children: set[str] = set()
    for depth in range(len(parts), -1, -1):
        found = [node for node in (node_at(c, parts[:depth]) for c in configs) if isinstance(node, Mapping | list)]
        if found:
            parent = parts[:depth]
            for node in found:
                children |= {str(k) for k in (node if isinstance(node, Mapping) else range(len(node)))}
            break
    where = ".".join(parent) or "the top level"
    if children and all(c.isdigit() for c in children):  # a list: its items by index
        last = max(int(c) for c in children)
        words += f"; {where} is a list of {last + 1} items, counted from 0 (0 to {last})"
    else:
        words += f"; {where} has: {', '.join(sorted(children))}" if children else f"; {where} is empty"
    if not parent and parts[0] in OUTPUT_WORDS:
        return words + "; the output folder is chosen with hydra.run.dir=PATH (a sweep's with hydra.sweep.dir=PATH)"
    if not parent:  # a section's key typed alone: workers=2 is runner.workers, not 'workforce'
        inside = sorted({k for c in configs for k in _all_keys(c) if k.endswith("." + key)}, key=len)
        if inside and suggest:
            return words + f"; did you mean {' or '.join(repr(k) for k in inside[:4])}?"
    # a key of the same depth whose own name is close too: never 'economics' for economics.nothing
    depth, name = key.count("."), parts[-1]
    every = sorted({k for c in configs for k in _all_keys(c) if k.count(".") == depth})
    # a section that exists is no typo: a key in an emptied one (workforce=static's roles) is not offered another
    # section's ('economics.roles.full_cycle.commission_rate' for 'workforce.roles.full_cycle.attrition_rate')
    if any(isinstance(c, Mapping) and parts[0] in c for c in configs):
        every = [k for k in every if k.split(".", 1)[0] == parts[0]]
    close = [
        k
        for k in difflib.get_close_matches(key, every, n=3, cutoff=0.6)
        if difflib.SequenceMatcher(None, k.rsplit(".", 1)[-1], name).ratio() >= 0.6
    ]
    if not (close and suggest):
        return words
    if not TYPABLE.fullmatch(close[0]):  # a calibrated product 'GTX Pro': no override can name it
        return words + (
            f"; did you mean '{close[0]}'? A key with a space or other such character cannot be typed as an override: "
            "set it in the config file that holds it (a calibrated company's market/, org/ or pipeline/ YAML)"
        )
    return words + f"; did you mean '{close[0]}'?"


TYPABLE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
"""A dotted key Hydra's override grammar accepts (plain words joined by dots)."""


def schema_allows(key: str, schema: Mapping[str, Any]) -> bool:
    """The JSON schema has a setting at dotted ``key``: a named property, or any name of a mapping of names."""
    return _schema_node(key, schema) is not ABSENT


def schema_default(key: str, schema: Mapping[str, Any]) -> Any:
    """The default a JSON schema gives the setting at dotted ``key``, or :data:`ABSENT` if it knows no such setting.

    Follows ``properties``, ``$ref`` to ``$defs``, ``additionalProperties`` (a mapping of
    names: any name), ``items`` (a list: any index) and ``anyOf`` (a part that may be null).
    A setting without a default (a required one) is :data:`ABSENT` too.
    """
    node = _schema_node(key, schema)
    return node.get("default", ABSENT) if isinstance(node, Mapping) else ABSENT


def _schema_node(key: str, schema: Mapping[str, Any]) -> Any:
    """The part of a JSON schema describing the setting at dotted ``key``, or :data:`ABSENT`."""
    definitions = schema.get("$defs", {})
    node: Any = schema
    for part in key.split("."):
        node = _resolved(node, definitions)
        if part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), Mapping):
            node = node["additionalProperties"]
        elif isinstance(node.get("items"), Mapping) and part.isdigit():
            node = node["items"]
        else:
            return ABSENT
    return node


def _resolved(node: Mapping[str, Any], definitions: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with its ``$ref`` followed, or the one referenced part of its ``anyOf`` (its other part: null)."""
    for _ in range(8):  # references do not nest deeper in salesim's schemas
        if "$ref" in node:
            node = definitions.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
        elif "anyOf" in node:
            parts = [n for n in node["anyOf"] if "$ref" in n or "properties" in n]
            if len(parts) != 1:
                return node
            node = parts[0]
        else:
            return node
    return node


def node_at(config: Any, parts: Sequence[str]) -> Any:
    """The node of a plain config at the key ``parts`` (list items by their index), or :data:`ABSENT`."""
    for part in parts:
        if isinstance(config, Mapping) and part in config:
            config = config[part]
        elif isinstance(config, list) and part.isdigit() and int(part) < len(config):
            config = config[int(part)]
        else:
            return ABSENT
    return config


def _all_keys(config: Any, prefix: str = "") -> list[str]:
    items = config.items() if isinstance(config, Mapping) else enumerate(config) if isinstance(config, list) else []
    keys = []
    for k, v in items:
        path = f"{prefix}{k}"
        keys += [path, *_all_keys(v, path + ".")]
    return keys
